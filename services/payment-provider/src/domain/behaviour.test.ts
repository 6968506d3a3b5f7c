import { describe, expect, it } from 'vitest';
import { applyBehaviourUpdate, behaviourProblem, behaviourUpdateSchema, type Behaviour } from './behaviour.js';

const base: Behaviour = { latencyMs: 20, declineRate: 0, timeoutRate: 0, lateWebhookDelayMs: 5000, duplicateWebhookRate: 0 };

describe('behaviour', () => {
  it('changes only the fields given', () => {
    expect(applyBehaviourUpdate(base, { declineRate: 0.5 })).toEqual({ ...base, declineRate: 0.5 });
  });

  it('refuses rates outside 0..1, negative delays and unknown fields', () => {
    expect(behaviourUpdateSchema.safeParse({ declineRate: 1.5 }).success).toBe(false);
    expect(behaviourUpdateSchema.safeParse({ timeoutRate: -0.1 }).success).toBe(false);
    expect(behaviourUpdateSchema.safeParse({ latencyMs: -1 }).success).toBe(false);
    expect(behaviourUpdateSchema.safeParse({ declineRat: 0.1 }).success).toBe(false);
  });

  it('refuses declines and timeouts that together exceed every payment', () => {
    expect(behaviourProblem({ ...base, declineRate: 0.6, timeoutRate: 0.5 })).toMatchObject({ field: 'timeoutRate' });
    expect(behaviourProblem({ ...base, declineRate: 0.5, timeoutRate: 0.5 })).toBeUndefined();
  });
});
