import { z } from 'zod';
import type { SagaEvent, SagaEventType } from './saga-transition.js';

/** What order-service publishes (services/README.md, "Events"). */
export interface OrderCreated {
  orderId: string;
  userId: string;
  customer: { email: string; name: string; phone: string | null };
  items: { sku: string; qty: number; priceCents: number }[];
  totalCents: number;
  currency: 'EUR';
}

export interface OrderConfirmed {
  orderId: string;
  userId: string;
  totalCents: number;
}

export interface OrderCancelled {
  orderId: string;
  userId: string;
  reason: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const orderId = z.string().regex(UUID, 'orderId is not a uuid');

/**
 * Our own copy of the events we read: only the fields we use. Data that does not parse is
 * poison (dead-lettered), never a retry.
 */
export const consumedEvents: { [T in SagaEventType]: z.ZodType<Omit<Extract<SagaEvent, { type: T }>, 'type'> & { orderId: string }> } = {
  'inventory.reserved': z.object({ orderId }),
  'inventory.reservation-failed': z.object({ orderId, reason: z.string().min(1) }),
  'inventory.released': z.object({ orderId }),
  'payment.completed': z.object({ orderId }),
  'payment.failed': z.object({ orderId, reason: z.string().min(1) }),
  'payment.refunded': z.object({ orderId }),
  'analytics.recorded': z.object({ orderId }),
};
