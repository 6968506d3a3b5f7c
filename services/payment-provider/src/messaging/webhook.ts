import type { WebhookOutcome } from '../domain/decide-outcome.js';

/** The PSP's webhook, the `detail` of the EventBridge event. */
export interface Webhook {
  webhookId: string;
  paymentId: string;
  providerRef: string;
  outcome: WebhookOutcome;
  amountCents: number;
}

export const WEBHOOK_BUS = 'frank-external';
export const WEBHOOK_SOURCE = 'frank.payment-provider';
export const WEBHOOK_DETAIL_TYPE = 'payment.webhook';
