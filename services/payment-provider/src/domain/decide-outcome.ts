import type { Behaviour } from './behaviour.js';

export type WebhookOutcome = 'succeeded' | 'declined';

/** What the PSP will do with one accepted payment. */
export interface PaymentPlan {
  outcome: WebhookOutcome;
  /** After how long the webhook goes out: the latency, or the late delay for a timeout. */
  delayMs: number;
  late: boolean;
  duplicate: boolean;
}

/**
 * Draws the fate of a payment from the behaviour at acceptance time. One draw splits declines,
 * then timeouts (late successes), then plain successes; a second draw decides a duplicate.
 */
export function decideOutcome(behaviour: Behaviour, random: () => number): PaymentPlan {
  const draw = random();
  const duplicate = random() < behaviour.duplicateWebhookRate;
  if (draw < behaviour.declineRate) return { outcome: 'declined', delayMs: behaviour.latencyMs, late: false, duplicate };
  if (draw < behaviour.declineRate + behaviour.timeoutRate) return { outcome: 'succeeded', delayMs: behaviour.lateWebhookDelayMs, late: true, duplicate };
  return { outcome: 'succeeded', delayMs: behaviour.latencyMs, late: false, duplicate };
}
