import { PoisonMessageError, type EventEnvelope } from '@frank/kit';
import { z } from 'zod';

// inventory's own copy of the events it reads (services/README.md, "Events"): only the fields
// it needs, and it tolerates fields it does not know.

export const orderCreatedData = z.object({
  orderId: z.string().min(1),
  items: z.array(z.object({ sku: z.string().min(1), qty: z.number().int().positive() })).min(1),
});
export type OrderCreatedData = z.infer<typeof orderCreatedData>;

/** payment.failed and payment.completed: inventory needs only the order. */
export const paymentOutcomeData = z.object({ orderId: z.string().min(1) });
export type PaymentOutcomeData = z.infer<typeof paymentOutcomeData>;

/** Data that does not match is poison: no retry can fix it, so it goes to the dead-letter queue. */
export function parseData<S extends z.ZodType>(schema: S, event: EventEnvelope): z.infer<S> {
  const parsed = schema.safeParse(event.data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `data.${i.path.join('.')}: ${i.message}`).join('; ');
    throw new PoisonMessageError(`${event.type} ${event.id} has bad data: ${problems}`, { type: event.type, eventId: event.id });
  }
  return parsed.data;
}
