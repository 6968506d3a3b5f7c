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

/** product.image-ready comes from EventBridge (image-processing, through eventbridge-bridge): a trust boundary, so it is checked whole, as the bridge checks it. */
export { productImageReadySchema as productImageReadyData } from '@frank/contracts/images';
