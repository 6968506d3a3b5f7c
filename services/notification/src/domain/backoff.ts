export interface BackoffPolicy {
  /** The delay after the first failed attempt. */
  baseMs: number;
  /** No delay grows beyond this. */
  maxMs: number;
}

/**
 * The wait before the next attempt after `failedAttempts` failures: doubling from `baseMs`,
 * capped at `maxMs`, with "equal jitter" (between half and all of it) so that deliveries that
 * failed together do not all come back at the same instant.
 */
export function backoffDelayMs(failedAttempts: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.max(0, failedAttempts - 1);
  const delay = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(delay / 2 + random() * (delay / 2));
}

/** Whether a delivery that has failed `failedAttempts` times may be tried again. */
export function mayRetry(failedAttempts: number, maxAttempts: number): boolean {
  return failedAttempts < maxAttempts;
}
