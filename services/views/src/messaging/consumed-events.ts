import type { EventEnvelope } from '@frank/kit';

// views-service's own copy of the events it reads (services/README.md, "Events").

export interface Line {
  sku: string;
  qty: number;
}

export interface ConsumedEventData {
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
  /** `template` is absent from events published before it was added. */
  'customer.notified': { orderId: string; channel: string; template?: string; deliveryId: string; attempts: number };
  'notification.failed': { orderId: string; channel: string; template?: string; deliveryId: string; attempts: number; reason: string };
}

export type ConsumedType = keyof ConsumedEventData;

/** An envelope whose data is typed by its type. */
export type ConsumedEvent = { [K in ConsumedType]: EventEnvelope<ConsumedEventData[K]> & { type: K } }[ConsumedType];

export function isType<K extends ConsumedType>(event: EventEnvelope, type: K): event is EventEnvelope<ConsumedEventData[K]> & { type: K } {
  return event.type === type;
}
