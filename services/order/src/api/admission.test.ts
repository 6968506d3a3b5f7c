import { describe, expect, it } from 'vitest';
import { paymentBound } from './admission.js';

/** One step of `ms`: these settle latencies, and orders shed or not, then the bound at its end. */
function step(steer: ReturnType<typeof paymentBound>, at: { now: number }, latencies: number[], shed = false, ms = 1000): number {
  for (const latency of latencies) steer.answered(latency);
  if (shed) steer.shed();
  at.now += ms;
  return steer.bound(at.now);
}

describe('the in-flight bound steered by payment’s answer time', () => {
  const slow = Array.from({ length: 10 }, (_, i) => 2000 + i * 200); // p90 3600 ms
  const fast = Array.from({ length: 10 }, () => 800);

  it('starts at max and drops by a fifth each step whose p90 is over the target, down to min', () => {
    const at = { now: 0 };
    const steer = paymentBound({ max: 24, targetMs: 2500 });
    expect(steer.bound(at.now)).toBe(24);
    const bounds = Array.from({ length: 8 }, () => step(steer, at, slow, true));
    expect(bounds).toEqual([19, 15, 12, 9, 7, 5, 4, 4]);
  });

  it('rises by a tenth (at least 1) while sagas settle in time and orders are shed, never above max', () => {
    const at = { now: 0 };
    const steer = paymentBound({ max: 24, targetMs: 2500, min: 4 });
    steer.bound(at.now);
    for (let i = 0; i < 8; i++) step(steer, at, slow, true);
    const bounds = Array.from({ length: 14 }, () => step(steer, at, fast, true));
    expect(bounds).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 19, 21]);
    expect(Array.from({ length: 3 }, () => step(steer, at, fast, true))).toEqual([23, 24, 24]);
  });

  it('holds when nothing was shed (no demand above it) or too few sagas settled to say', () => {
    const at = { now: 0 };
    const steer = paymentBound({ max: 24, targetMs: 2500 });
    steer.bound(at.now);
    step(steer, at, slow, true);
    expect(step(steer, at, fast, false)).toBe(19);
    expect(step(steer, at, slow.slice(0, 4), true)).toBe(19);
  });

  it('moves at most once a step, and a quiet spell’s old settlements decide nothing', () => {
    const at = { now: 0 };
    const steer = paymentBound({ max: 24, targetMs: 2500 });
    steer.bound(at.now);
    expect(step(steer, at, slow, true, 400)).toBe(24);
    expect(step(steer, at, [], false, 700)).toBe(19);
    expect(step(steer, at, slow, true, 10_000)).toBe(19);
  });

  it('takes the p90: one slow saga in ten does not move it', () => {
    const at = { now: 0 };
    const steer = paymentBound({ max: 24, targetMs: 2500 });
    steer.bound(at.now);
    expect(step(steer, at, [...fast.slice(0, 9), 9000], false)).toBe(24);
    expect(step(steer, at, [...fast.slice(0, 8), 9000, 9000], false)).toBe(19);
  });

  it('never goes above a max below its min', () => {
    const at = { now: 0 };
    const steer = paymentBound({ max: 2, targetMs: 2500 });
    expect(steer.bound(at.now)).toBe(2);
    expect(step(steer, at, slow, true)).toBe(2);
  });
});
