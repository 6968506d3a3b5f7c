import { z } from 'zod';

// payment's own copy of the event types it reads: only the fields it uses, checked on arrival.

export const orderCreatedSchema = z.object({
  orderId: z.string().min(1),
  userId: z.string().min(1),
  totalCents: z.number().int().positive(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .default('EUR'),
});

export const inventoryReservedSchema = z.object({
  orderId: z.string().min(1),
});

export type OrderCreated = z.infer<typeof orderCreatedSchema>;
export type InventoryReserved = z.infer<typeof inventoryReservedSchema>;
