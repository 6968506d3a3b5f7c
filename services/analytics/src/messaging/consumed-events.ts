import { z } from 'zod';

// Analytics' own copy of the data it reads (services/README.md, "Events"); the other types of the
// catalogue are counted without reading their data.

export const userRegisteredSchema = z.object({ userId: z.string().min(1), email: z.string().nullish(), name: z.string().nullish() });

export const orderCreatedSchema = z.object({
  orderId: z.string().min(1),
  userId: z.string().min(1),
  customer: z.object({ email: z.string().nullish(), name: z.string().nullish(), phone: z.string().nullish() }).optional(),
  items: z.array(z.object({ sku: z.string().min(1), qty: z.number().int().positive(), priceCents: z.number().int().min(0) })).min(1),
  totalCents: z.number().int(),
  currency: z.string().default('EUR'),
});

export const orderConfirmedSchema = z.object({ orderId: z.string().min(1), userId: z.string().nullish(), totalCents: z.number().int().nullish() });
export const orderCancelledSchema = z.object({ orderId: z.string().min(1), userId: z.string().nullish(), reason: z.unknown().optional() });
export const paymentCompletedSchema = z.object({ orderId: z.string().min(1), amountCents: z.number().int().nullish() });
export const notificationOutcomeSchema = z.object({ orderId: z.string().min(1) });

/** A scheduled EventBridge rule fired; analytics refreshes its cubes for its own rule only. */
export const scheduleFiredSchema = z.object({
  rule: z.string().min(1),
  scheduledAt: z.iso.datetime({ offset: true }),
  eventBridgeId: z.string().min(1),
});
