import { dataOf, type EventHandler } from '@frank/kit';
import { saveOrderTotal } from '../persistence/order-totals.js';
import { orderCreatedSchema } from './consumed-events.js';

/** Keeps payment's own copy of what it needs from the order: the amount to charge, and the saga. */
export const onOrderCreated: EventHandler = async (client, event) => {
  const order = dataOf(orderCreatedSchema, event);
  await saveOrderTotal(client, { orderId: order.orderId, totalCents: order.totalCents, currency: order.currency, userId: order.userId, sagaId: event.sagaId });
};
