import { describe, expect, it } from 'vitest';
import { backoffDelayMs, mayRetry } from './backoff.js';

const policy = { baseMs: 100, maxMs: 1000 };

describe('backoffDelayMs', () => {
  it('doubles from the base after each failure', () => {
    const top = () => 1;
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(n, policy, top))).toEqual([100, 200, 400, 800]);
  });

  it('never exceeds the cap', () => {
    expect(backoffDelayMs(5, policy, () => 1)).toBe(1000);
    expect(backoffDelayMs(60, policy, () => 1)).toBe(1000);
  });

  it('jitters between half and all of the delay', () => {
    expect(backoffDelayMs(3, policy, () => 0)).toBe(200);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(300);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelayMs(2, policy);
      expect(d).toBeGreaterThanOrEqual(100);
      expect(d).toBeLessThanOrEqual(200);
    }
  });
});

describe('mayRetry', () => {
  it('allows attempts up to the maximum and no more', () => {
    expect(mayRetry(1, 3)).toBe(true);
    expect(mayRetry(2, 3)).toBe(true);
    expect(mayRetry(3, 3)).toBe(false);
  });
});
