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

/** product.image-ready: the image and its thumbnails, as inventory records them. */
export const productImageReadyData = z.object({
  sku: z.string().min(1),
  imageId: z.string().min(1),
  bucket: z.string().min(1),
  original: z.object({ key: z.string().min(1), contentType: z.string().min(1), width: z.number().int().positive(), height: z.number().int().positive() }),
  thumbnails: z
    .array(
      z.object({
        size: z.number().int().positive(),
        width: z.number().int().positive(),
        height: z.number().int().positive(),
        key: z.string().min(1),
        contentType: z.string().min(1),
      }),
    )
    .min(1),
});
