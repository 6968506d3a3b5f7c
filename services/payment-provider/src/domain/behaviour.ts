import { z } from 'zod';

/** How the simulated PSP behaves; frank.yaml gives the defaults, scenarios change it live. */
export interface Behaviour {
  latencyMs: number;
  declineRate: number;
  /** Share of payments whose success webhook comes only after `lateWebhookDelayMs`: a late success. */
  timeoutRate: number;
  lateWebhookDelayMs: number;
  duplicateWebhookRate: number;
}

const rate = z.number().min(0).max(1);
const delay = z.number().int().min(0).max(600_000);

/** A partial update: only the fields given change; an unknown field is a mistake, not ignored. */
export const behaviourUpdateSchema = z
  .strictObject({
    latencyMs: delay,
    declineRate: rate,
    timeoutRate: rate,
    lateWebhookDelayMs: delay,
    duplicateWebhookRate: rate,
  })
  .partial();

export type BehaviourUpdate = z.infer<typeof behaviourUpdateSchema>;

/** The outcome draw takes declines first, then timeouts, from one number: their sum cannot exceed 1. */
export function behaviourProblem(behaviour: Behaviour): { field: keyof Behaviour; message: string } | undefined {
  if (behaviour.declineRate + behaviour.timeoutRate > 1) {
    return { field: 'timeoutRate', message: `declineRate + timeoutRate must not exceed 1 (they are ${behaviour.declineRate} + ${behaviour.timeoutRate})` };
  }
  return undefined;
}

export function applyBehaviourUpdate(current: Behaviour, update: BehaviourUpdate): Behaviour {
  const next = { ...current };
  for (const [key, value] of Object.entries(update) as [keyof Behaviour, number | undefined][]) {
    if (value !== undefined) next[key] = value;
  }
  return next;
}
