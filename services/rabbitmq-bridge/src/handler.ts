import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { UnforwardableMessageError, type OrderOutcomeEnvelope } from './order-outcome-envelope.js';

export const INTERNAL_BUS = 'frank-internal';
export const ORDER_SOURCE = 'frank.order';
export const FORWARDED_TYPES = ['order.confirmed', 'order.cancelled'] as const;

export interface ForwardDeps {
  /** Resolves only when EventBridge took every entry. */
  putEvents(entries: PutEventsRequestEntry[]): Promise<void>;
}

/** The PutEvents entry for an order outcome: the event's data plus the ids an AWS-side consumer needs to dedupe and correlate. */
export function orderOutcomeEntry(envelope: OrderOutcomeEnvelope): PutEventsRequestEntry {
  if (!(FORWARDED_TYPES as readonly string[]).includes(envelope.type)) throw new UnforwardableMessageError(`not an order outcome: ${envelope.type}`);
  const orderId = typeof envelope.data.orderId === 'string' ? envelope.data.orderId : envelope.aggregateId;
  const time = new Date(envelope.time);
  return {
    EventBusName: INTERNAL_BUS,
    Source: ORDER_SOURCE,
    DetailType: envelope.type,
    Detail: JSON.stringify({ ...envelope.data, orderId, sagaId: envelope.sagaId, eventId: envelope.id }),
    ...(Number.isNaN(time.getTime()) ? {} : { Time: time }),
  };
}

/**
 * Forwards `order.confirmed` / `order.cancelled` to the bus `frank-internal`. A plain function:
 * the lab's process and the Lambda both call it, each with its own way to put events.
 */
export async function forwardOrderOutcome(envelope: OrderOutcomeEnvelope, deps: ForwardDeps): Promise<void> {
  await deps.putEvents([orderOutcomeEntry(envelope)]);
}
