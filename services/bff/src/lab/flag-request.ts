import { FLAG_NAMES, isFlagName, type FlagName } from '@frank/contracts/flags';
import { HttpError } from '@frank/kit';

/** A checked flag flip: a flag of the lab's vocabulary and its new state, as `frank flags set` takes them. */
export interface FlagRequest {
  name: FlagName;
  on: boolean;
}

/** Checks a POST /api/lab/flags body `{name, on}`: 400 naming the field when it is not one of the lab's flags or not a boolean. */
export function parseFlagRequest(body: unknown): FlagRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(400, 'validation-failed', 'body: send a JSON object {name, on}', { field: 'body' });
  const { name, on } = body as Record<string, unknown>;
  if (typeof name !== 'string' || !isFlagName(name))
    throw new HttpError(400, 'validation-failed', `name: must be one of ${FLAG_NAMES.join(', ')}`, { field: 'name' });
  if (typeof on !== 'boolean') throw new HttpError(400, 'validation-failed', 'on: must be true or false', { field: 'on' });
  return { name, on };
}
