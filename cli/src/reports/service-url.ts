import { FrankError } from '../errors.js';
import type { Lab } from '../lab/lab.js';
import { labStatus } from '../lab/status.js';

/** A running service's base URL, or an error that says how to get it running. */
export async function serviceUrl(lab: Lab, name: string): Promise<string> {
  const unit = (await labStatus(lab)).find((u) => u.name === name && u.kind === 'service');
  if (!unit || unit.health !== 'healthy') throw new FrankError(`The ${name} service is not running.`, { hint: 'Start the lab: npx frank up' });
  return unit.url;
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new FrankError(`GET ${url} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  return (await response.json()) as T;
}
