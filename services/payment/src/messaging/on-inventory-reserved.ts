import { randomUUID } from 'node:crypto';
import { dataOf, type AfterTransaction, type EventHandler, type Logger } from '@frank/kit';
import type { Flags } from '@frank/kit/flags';
import { findOrderTotal } from '../persistence/order-totals.js';
import { insertPayment } from '../persistence/payments.js';
import { inventoryReservedSchema } from './consumed-events.js';
import { appendPaymentEvent } from './payment-events.js';

export interface InventoryReservedDeps {
  timeoutMs: number;
  afterTransaction: AfterTransaction;
  /** Asks the provider for every payment not yet accepted; called once the payment is committed. */
  requestPayments(): void;
  flags: Pick<Flags, 'isEnabled'>;
  log: Logger;
}

/**
 * Opens the order's payment, PENDING with its deadline. The provider is called only after this
 * transaction commits: a payment the provider knows always exists here first, so its webhook
 * always finds it. With the kill switch on (`payment.kill-switch`), the payment opens FAILED with
 * reason kill-switch and its payment.failed in the same transaction: the saga compensates, and
 * the provider is never asked. `payment.provider-v2` picks the path it is asked on, kept with it.
 */
export function onInventoryReserved(deps: InventoryReservedDeps): EventHandler {
  return async (client, event) => {
    const { orderId } = dataOf(inventoryReservedSchema, event);
    const order = await findOrderTotal(client, orderId);
    // order.created and inventory.reserved share the queue but may be handled concurrently:
    // a plain error requeues this one until the total is in (or the delivery limit dead-letters it).
    if (!order) throw new Error(`order ${orderId} is not known yet: order.created not handled`);
    const killed = deps.flags.isEnabled('payment.kill-switch');
    const paymentId = randomUUID();
    const opened = await insertPayment(client, {
      id: paymentId,
      orderId,
      amountCents: order.totalCents,
      currency: order.currency,
      timeoutMs: deps.timeoutMs,
      sagaId: event.sagaId ?? order.sagaId,
      correlationId: event.correlationId,
      causedByEventId: event.id,
      providerPath: deps.flags.isEnabled('payment.provider-v2') ? 'v2' : 'v1',
      ...(killed ? { failedWith: 'kill-switch' as const } : {}),
    });
    if (!opened) {
      deps.log.info('payment already open for the order', { orderId, eventId: event.id });
      return;
    }
    if (killed) {
      await appendPaymentEvent(
        client,
        { type: 'payment.failed', data: { orderId, paymentId, reason: 'kill-switch' } },
        {
          id: event.id,
          sagaId: event.sagaId ?? order.sagaId,
          correlationId: event.correlationId,
        },
      );
      deps.log.info('payment declined by the kill switch', { orderId, paymentId });
      return;
    }
    deps.afterTransaction(client, deps.requestPayments);
  };
}
