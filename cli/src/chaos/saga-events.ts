import { UsageError } from '../errors.js';

/** The event types on frank.events (services/README.md): what `--when` can aim a fault at. Chaos keeps its own copy, as every consumer does. */
export const SAGA_EVENT_TYPES = [
  'user.registered',
  'order.created',
  'inventory.reserved',
  'inventory.reservation-failed',
  'inventory.released',
  'inventory.committed',
  'payment.completed',
  'payment.failed',
  'payment.refunded',
  'payment.webhook',
  'customer.notified',
  'notification.failed',
  'analytics.recorded',
  'order.confirmed',
  'order.cancelled',
] as const;

export type SagaEventType = (typeof SAGA_EVENT_TYPES)[number];

export function parseEventType(text: string): SagaEventType {
  if ((SAGA_EVENT_TYPES as readonly string[]).includes(text)) return text as SagaEventType;
  throw new UsageError(`--when takes a saga event type, not "${text}".`, { hint: `Use one of: ${SAGA_EVENT_TYPES.join(', ')}.` });
}
