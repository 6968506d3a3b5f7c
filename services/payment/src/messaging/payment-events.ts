import { appendEvent, type DbClient, type EventEnvelope } from '@frank/kit';
import type { FailureReason } from '../domain/payment-transitions.js';

export interface PaymentCompleted {
  orderId: string;
  paymentId: string;
  amountCents: number;
  providerRef: string;
}

export interface PaymentFailed {
  orderId: string;
  paymentId: string;
  reason: FailureReason;
}

export interface PaymentRefunded {
  orderId: string;
  paymentId: string;
  amountCents: number;
  refundId: string;
  reason: 'late-success';
}

export type PaymentEvent =
  { type: 'payment.completed'; data: PaymentCompleted } | { type: 'payment.failed'; data: PaymentFailed } | { type: 'payment.refunded'; data: PaymentRefunded };

/** Appends a payment event to the order's stream and the outbox, in the caller's transaction. */
export function appendPaymentEvent(
  client: DbClient,
  event: PaymentEvent,
  causedBy: Pick<EventEnvelope, 'id' | 'sagaId' | 'correlationId'>,
): Promise<EventEnvelope> {
  return appendEvent(client, { type: event.type, source: 'payment', aggregateType: 'payment', aggregateId: event.data.orderId, data: event.data, causedBy });
}
