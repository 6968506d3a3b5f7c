import { randomUUID } from 'node:crypto';
import { dataOf, type EventHandler, type Logger } from '@frank/kit';
import type { AfterTransaction } from '../persistence/after-transaction.js';
import { findOrderTotal } from '../persistence/order-totals.js';
import { insertPayment } from '../persistence/payments.js';
import { inventoryReservedSchema } from './consumed-events.js';

export interface InventoryReservedDeps {
  timeoutMs: number;
  afterTransaction: AfterTransaction;
  /** Asks the provider for every payment not yet accepted; called once the payment is committed. */
  requestPayments(): void;
  log: Logger;
}

/**
 * Opens the order's payment, PENDING with its deadline. The provider is called only after this
 * transaction commits: a payment the provider knows always exists here first, so its webhook
 * always finds it.
 */
export function onInventoryReserved(deps: InventoryReservedDeps): EventHandler {
  return async (client, event) => {
    const { orderId } = dataOf(inventoryReservedSchema, event);
    const order = await findOrderTotal(client, orderId);
    // order.created and inventory.reserved share the queue but may be handled concurrently:
    // a plain error requeues this one until the total is in (or the delivery limit dead-letters it).
    if (!order) throw new Error(`order ${orderId} is not known yet: order.created not handled`);
    const opened = await insertPayment(client, {
      id: randomUUID(),
      orderId,
      amountCents: order.totalCents,
      currency: order.currency,
      timeoutMs: deps.timeoutMs,
      sagaId: event.sagaId ?? order.sagaId,
      correlationId: event.correlationId,
      causedByEventId: event.id,
    });
    if (!opened) {
      deps.log.info('payment already open for the order', { orderId, eventId: event.id });
      return;
    }
    deps.afterTransaction(client, deps.requestPayments);
  };
}
