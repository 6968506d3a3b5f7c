import { appendEvent, type DbClient, type EventEnvelope } from '@frank/kit';
import type { OrderLine } from '../domain/order-lines.js';
import type { ReservationFailureReason } from '../domain/plan-reservation.js';

// The events inventory publishes (services/README.md, "Events"); aggregateId is the orderId, or the sku for stock-adjusted.

export interface InventoryEventData {
  'inventory.reserved': { orderId: string; reservationId: string; items: OrderLine[] };
  'inventory.reservation-failed': { orderId: string; reason: ReservationFailureReason; sku: string };
  'inventory.released': { orderId: string; reservationId: string };
  'inventory.committed': { orderId: string; reservationId: string };
  'inventory.stock-adjusted': { sku: string; onHand: number; delta: number };
}

export const SOURCE = 'inventory';

/** Appends an inventory event in the handler's transaction, answering `cause`. */
export function publishInventoryEvent<K extends Exclude<keyof InventoryEventData, 'inventory.stock-adjusted'>>(
  client: DbClient,
  type: K,
  data: InventoryEventData[K],
  cause: EventEnvelope,
): Promise<EventEnvelope<InventoryEventData[K]>> {
  return appendEvent(client, { type, source: SOURCE, aggregateType: 'inventory', aggregateId: data.orderId, data, causedBy: cause });
}

/** Appends the event of a stock level set by hand (an adjustment): the read side follows it. */
export function publishStockAdjusted(
  client: DbClient,
  data: InventoryEventData['inventory.stock-adjusted'],
): Promise<EventEnvelope<InventoryEventData['inventory.stock-adjusted']>> {
  return appendEvent(client, { type: 'inventory.stock-adjusted', source: SOURCE, aggregateType: 'stock', aggregateId: data.sku, data });
}
