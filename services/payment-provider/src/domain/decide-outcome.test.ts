import { describe, expect, it } from 'vitest';
import type { Behaviour } from './behaviour.js';
import { decideOutcome } from './decide-outcome.js';
import { seededRandom } from '@frank/kit/random';

const calm: Behaviour = { latencyMs: 20, declineRate: 0, timeoutRate: 0, lateWebhookDelayMs: 5000, duplicateWebhookRate: 0 };
const draws =
  (...values: number[]) =>
  () =>
    values.shift() ?? 0;

describe('decideOutcome', () => {
  it('succeeds after the latency when no rate applies', () => {
    expect(decideOutcome(calm, draws(0.5, 0.5))).toEqual({ outcome: 'succeeded', delayMs: 20, late: false, duplicate: false });
  });

  it('declines below the decline rate, then times out (a late success) below decline + timeout', () => {
    const behaviour = { ...calm, declineRate: 0.2, timeoutRate: 0.3 };
    expect(decideOutcome(behaviour, draws(0.1, 0.9))).toMatchObject({ outcome: 'declined', delayMs: 20, late: false });
    expect(decideOutcome(behaviour, draws(0.4, 0.9))).toMatchObject({ outcome: 'succeeded', delayMs: 5000, late: true });
    expect(decideOutcome(behaviour, draws(0.6, 0.9))).toMatchObject({ outcome: 'succeeded', delayMs: 20, late: false });
  });

  it('duplicates below the duplicate rate, whatever the outcome', () => {
    expect(decideOutcome({ ...calm, duplicateWebhookRate: 0.5, declineRate: 1 }, draws(0.3, 0.2))).toMatchObject({ outcome: 'declined', duplicate: true });
  });

  it('draws about the configured shares, repeatably for a seed', () => {
    const behaviour = { ...calm, declineRate: 0.25, timeoutRate: 0.25, duplicateWebhookRate: 0.1 };
    const run = (seed: number) =>
      Array.from(
        { length: 4000 },
        (
          (random) => () =>
            decideOutcome(behaviour, random)
        )(seededRandom(seed)),
      );
    const plans = run(7);
    expect(run(7)).toEqual(plans);
    const share = (pick: (p: (typeof plans)[number]) => boolean) => plans.filter(pick).length / plans.length;
    expect(share((p) => p.outcome === 'declined')).toBeCloseTo(0.25, 1);
    expect(share((p) => p.late)).toBeCloseTo(0.25, 1);
    expect(share((p) => p.duplicate)).toBeCloseTo(0.1, 1);
  });
});
