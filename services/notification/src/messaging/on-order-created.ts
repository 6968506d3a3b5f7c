import { dataOf, type EventHandler } from '@frank/kit';
import { saveRecipient } from '../persistence/recipients.js';
import { orderCreatedSchema } from './consumed-events.js';

/** order.created: remember whom to tell once the order is paid. */
export const onOrderCreated: EventHandler = async (client, event) => {
  const order = dataOf(orderCreatedSchema, event);
  await saveRecipient(client, {
    orderId: order.orderId,
    userId: order.userId,
    email: order.customer.email ?? null,
    name: order.customer.name ?? null,
    phone: order.customer.phone ?? null,
    currency: order.currency,
  });
};
