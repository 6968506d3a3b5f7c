import { z } from 'zod';
import type { EventEnvelope } from './envelope.js';
import type { ProductImageReady } from './images.js';

/**
 * Every event of the lab and its data, as its publisher writes it (services/README.md, "Events").
 * Publishers type what they emit with it; consumers read only the fields they use and treat data
 * that does not parse as poison, so a publisher may add a field without breaking anyone.
 */
/** The topic exchange every event travels on, routing key = type, and where consumers dead-letter. */
export const EVENTS_EXCHANGE = 'frank.events';
export const DEAD_LETTER_EXCHANGE = 'frank.dlx';

export interface Line {
  sku: string;
  qty: number;
}

export interface EventData {
  'user.registered': { userId: string; email: string; name: string };
  'order.created': {
    orderId: string;
    userId: string;
    customer: { email: string; name: string; phone?: string | null };
    items: (Line & { priceCents: number })[];
    totalCents: number;
    currency: string;
  };
  'order.confirmed': { orderId: string; userId: string; totalCents: number };
  'order.cancelled': { orderId: string; userId: string; reason: string };
  'inventory.reserved': { orderId: string; reservationId: string; items: Line[] };
  'inventory.reservation-failed': { orderId: string; reason: string; sku: string };
  'inventory.released': { orderId: string; reservationId: string };
  'inventory.committed': { orderId: string; reservationId: string };
  'inventory.stock-adjusted': { sku: string; onHand: number; delta: number };
  'payment.completed': { orderId: string; paymentId: string; amountCents: number; providerRef: string };
  'payment.failed': { orderId: string; paymentId: string; reason: string };
  'payment.refunded': { orderId: string; paymentId: string; amountCents: number; refundId: string; reason: string };
  'payment.webhook': z.infer<typeof paymentWebhookSchema>;
  /** `template` is absent from events published before it was added. */
  'customer.notified': { orderId: string; channel: string; template?: string; deliveryId: string; attempts: number };
  'notification.failed': { orderId: string; channel: string; template?: string; deliveryId: string; attempts: number; reason: string };
  'analytics.recorded': { orderId: string; totalCents: number };
  /** A scheduled EventBridge rule fired (AWS's `Scheduled Event`, bridged by eventbridge-bridge). */
  'schedule.fired': { rule: string; ruleArn: string; scheduledAt: string; eventBridgeId: string };
  'product.image-ready': ProductImageReady;
}

export type EventType = keyof EventData;

/** An envelope whose data is typed by its type. */
export type TypedEvent<K extends EventType = EventType> = { [T in K]: EventEnvelope<EventData[T]> & { type: T } }[K];

/** The provider's webhook as eventbridge-bridge publishes it and payment reads it: it crosses a trust boundary, so both check it whole. */
export const paymentWebhookSchema = z.object({
  webhookId: z.string().min(1),
  paymentId: z.string().min(1),
  providerRef: z.string().min(1),
  outcome: z.enum(['succeeded', 'declined']),
  amountCents: z.number().int().nonnegative(),
});
