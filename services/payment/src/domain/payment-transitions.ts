export type PaymentStatus = 'PENDING' | 'CAPTURED' | 'FAILED' | 'REFUNDED';
export type WebhookOutcome = 'succeeded' | 'declined';
export type FailureReason = 'declined' | 'timeout' | 'provider-error' | 'kill-switch';
/** Which way payment asks the provider (the flag `payment.provider-v2` when the payment opens). */
export type ProviderPath = 'v1' | 'v2';

/** What a webhook does to a payment; `ignore` says why, for the log. */
export type WebhookDecision =
  | { kind: 'capture'; next: 'CAPTURED' }
  | { kind: 'fail'; next: 'FAILED'; reason: 'declined' }
  | { kind: 'refund-late-success'; next: 'REFUNDED' }
  | { kind: 'ignore'; why: string };

/**
 * The payment's state machine for a webhook. Money the provider took (a success) is either kept
 * (PENDING → CAPTURED) or, when the payment has already failed, returned (FAILED → REFUNDED); a
 * second success for a captured or refunded payment, or any late decline, changes nothing.
 */
export function decideOnWebhook(status: PaymentStatus, outcome: WebhookOutcome): WebhookDecision {
  switch (status) {
    case 'PENDING':
      return outcome === 'succeeded' ? { kind: 'capture', next: 'CAPTURED' } : { kind: 'fail', next: 'FAILED', reason: 'declined' };
    case 'FAILED':
      // Whatever failed it (timeout, provider error, even a decline), a success took the money.
      return outcome === 'succeeded' ? { kind: 'refund-late-success', next: 'REFUNDED' } : { kind: 'ignore', why: 'decline for a payment that already failed' };
    case 'CAPTURED':
      return { kind: 'ignore', why: outcome === 'succeeded' ? 'duplicate success for a captured payment' : 'decline after a capture' };
    case 'REFUNDED':
      return { kind: 'ignore', why: 'webhook for a refunded payment' };
  }
}

/** Why the deadline fails a payment: the provider never accepted it, or never answered in time. */
export function deadlineReason(providerAccepted: boolean): Extract<FailureReason, 'timeout' | 'provider-error'> {
  return providerAccepted ? 'timeout' : 'provider-error';
}
