import { dataOf, type EventHandler, type Logger } from '@frank/kit';
import { settle } from '../domain/reservation-status.js';
import { lockReservationOfOrder, setReservationStatus } from '../persistence/reservations.js';
import { lockStock, moveStock, recordMovements } from '../persistence/stock-rows.js';
import { paymentOutcomeData } from './consumed-events.js';
import { publishInventoryEvent } from './published-events.js';

/**
 * payment.failed → release (reserved drops) → inventory.released;
 * payment.completed → commit (on_hand and reserved drop, the ledger records the units leaving)
 * → inventory.committed. Only a HELD reservation moves; anything else is logged and left alone.
 */
export function settleReservation(outcome: 'release' | 'commit', log: Logger): EventHandler {
  return async (client, event) => {
    const { orderId } = dataOf(paymentOutcomeData, event);
    const reservation = await lockReservationOfOrder(client, orderId);
    const next = reservation && settle(reservation.status, outcome);
    if (!reservation || !next) {
      log.info(`no held reservation to ${outcome}; nothing to do`, { orderId, eventId: event.id, type: event.type, status: reservation?.status ?? null });
      return;
    }
    await lockStock(
      client,
      reservation.items.map((i) => i.sku),
    );
    if (outcome === 'release') {
      await moveStock(client, reservation.items, { reserved: -1, onHand: 0 });
    } else {
      await moveStock(client, reservation.items, { reserved: -1, onHand: -1 });
      await recordMovements(
        client,
        'commit',
        reservation.items.map((i) => ({ sku: i.sku, qty: -i.qty })),
        orderId,
      );
    }
    await setReservationStatus(client, reservation.id, next);
    const type = outcome === 'release' ? 'inventory.released' : 'inventory.committed';
    await publishInventoryEvent(client, type, { orderId, reservationId: reservation.id }, event);
  };
}
