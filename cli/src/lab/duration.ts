import { readDuration, type DurationRule } from '@frank/contracts/duration';
import { UsageError } from '../errors.js';

export { formatDuration } from '@frank/contracts/duration';

/** A duration of the lab's grammar in milliseconds; anything else is a usage error naming what it was for (`--for`, `settleTimeout`). */
export function parseDuration(text: string, what: string, rule: DurationRule = {}): number {
  const read = readDuration(text, rule);
  if ('problem' in read) throw new UsageError(`${what} ${read.problem}.`);
  return read.ms;
}
