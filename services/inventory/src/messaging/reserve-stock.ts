import { dataOf, type EventHandler, type Logger } from '@frank/kit';
import { mergeOrderLines } from '../domain/order-lines.js';
import { planReservation } from '../domain/plan-reservation.js';
import { addReservationItems, claimReservation, rejectReservation } from '../persistence/reservations.js';
import { knownSkus, lockStock, moveStock } from '../persistence/stock-rows.js';
import { orderCreatedData } from './consumed-events.js';
import { publishInventoryEvent } from './published-events.js';

/**
 * order.created → reserve every line or none, in the consumer's transaction (the inbox row, the
 * stock, the reservation and the outgoing event commit together). Not enough stock or an
 * unknown sku is a business outcome: an event, not an exception. An order that already has a
 * reservation (held, settled or rejected) gets no second one.
 */
export function reserveStock(log: Logger): EventHandler {
  return async (client, event) => {
    const data = dataOf(orderCreatedData, event);
    const reservationId = await claimReservation(client, data.orderId, event.sagaId);
    if (!reservationId) {
      log.info('order already has a reservation; nothing to do', { orderId: data.orderId, eventId: event.id });
      return;
    }
    const lines = mergeOrderLines(data.items);
    const skus = lines.map((l) => l.sku);
    const stock = await lockStock(client, skus);
    // A sku with a stock row is a product (foreign key); only the others need a look.
    const known = new Set([
      ...stock.keys(),
      ...(await knownSkus(
        client,
        skus.filter((s) => !stock.has(s)),
      )),
    ]);
    const plan = planReservation(lines, known, stock);
    if (!plan.ok) {
      await rejectReservation(client, reservationId, plan.reason, plan.sku);
      await publishInventoryEvent(client, 'inventory.reservation-failed', { orderId: data.orderId, reason: plan.reason, sku: plan.sku }, event);
      return;
    }
    await addReservationItems(client, reservationId, plan.lines);
    await moveStock(client, plan.lines, { reserved: 1, onHand: 0 });
    await publishInventoryEvent(client, 'inventory.reserved', { orderId: data.orderId, reservationId, items: plan.lines }, event);
  };
}
