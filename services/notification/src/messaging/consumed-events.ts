import { z } from 'zod';

// This service's own copy of the events it reads (services/README.md, "Events").

export const orderCreatedSchema = z.object({
  orderId: z.string().min(1),
  userId: z.string().min(1),
  customer: z.object({
    email: z.string().nullish(),
    name: z.string().nullish(),
    phone: z.string().nullish(),
  }),
  totalCents: z.number().int(),
  currency: z.string().default('EUR'),
});
export type OrderCreated = z.infer<typeof orderCreatedSchema>;

export const paymentCompletedSchema = z.object({
  orderId: z.string().min(1),
  paymentId: z.string().min(1),
  amountCents: z.number().int(),
  providerRef: z.string().nullish(),
});
export type PaymentCompleted = z.infer<typeof paymentCompletedSchema>;
