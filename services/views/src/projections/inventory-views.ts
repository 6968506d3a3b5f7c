import type { EventEnvelope } from '@frank/kit';
import type { EventData, Line } from '@frank/contracts/events';
import { isNewer, withVersion, type SourceVersions } from './versions.js';

/** inventory_views.stock_levels: a product's stock, seeded from inventory-service and kept current by its events. */
export interface StockLevel {
  _id: string;
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
  /** When the snapshot this document started from was taken; events stamped at or before it are in it already. */
  seededAt: string | null;
  /** The last events applied to this document: a repeated one changes nothing. */
  applied: string[];
  updatedAt: string;
}

/** inventory_views.reservations: what a reservation holds, since released and committed do not carry the lines. */
export interface ReservationView {
  _id: string;
  orderId: string;
  reservationId: string;
  items: Line[];
  status: 'RESERVED' | 'RELEASED' | 'COMMITTED';
  versions: SourceVersions;
}

export interface StockDelta {
  onHand: number;
  reserved: number;
}

export const INVENTORY_VIEW_EVENTS = ['inventory.reserved', 'inventory.released', 'inventory.committed', 'inventory.stock-adjusted'] as const;
const APPLIED_KEPT = 500;

/** What an inventory event does to the stock of one line: reserved holds, released frees, committed ships, an adjustment adds or removes. */
export function stockDeltaOf(type: string, qty: number): StockDelta | undefined {
  switch (type) {
    case 'inventory.reserved':
      return { onHand: 0, reserved: qty };
    case 'inventory.released':
      return { onHand: 0, reserved: -qty };
    case 'inventory.committed':
      return { onHand: -qty, reserved: -qty };
    case 'inventory.stock-adjusted':
      return { onHand: qty, reserved: 0 };
    default:
      return undefined;
  }
}

/** The next stock_levels document after one event's delta for this sku, or undefined when it is applied already. */
export function reduceStockLevel(
  current: StockLevel | undefined,
  sku: string,
  event: Pick<EventEnvelope, 'id' | 'time'>,
  delta: StockDelta,
): StockLevel | undefined {
  if (current?.applied.includes(event.id)) return undefined;
  if (current?.seededAt && event.time <= current.seededAt) return undefined;
  const base: StockLevel = current ?? { _id: sku, sku, onHand: 0, reserved: 0, available: 0, seededAt: null, applied: [], updatedAt: event.time };
  const onHand = base.onHand + delta.onHand;
  const reserved = base.reserved + delta.reserved;
  return {
    ...base,
    onHand,
    reserved,
    available: onHand - reserved,
    applied: [...base.applied, event.id].slice(-APPLIED_KEPT),
    updatedAt: event.time > base.updatedAt ? event.time : base.updatedAt,
  };
}

/** A snapshot from inventory-service: replaces a document that has no snapshot yet, never one that has. */
export function seedStockLevel(
  current: StockLevel | undefined,
  snapshot: { sku: string; onHand: number; reserved: number },
  takenAt: string,
): StockLevel | undefined {
  if (current?.seededAt) return undefined;
  return {
    _id: snapshot.sku,
    sku: snapshot.sku,
    onHand: snapshot.onHand,
    reserved: snapshot.reserved,
    available: snapshot.onHand - snapshot.reserved,
    seededAt: takenAt,
    applied: [],
    updatedAt: takenAt,
  };
}

export function reduceReservation(current: ReservationView | undefined, event: EventEnvelope): ReservationView | undefined {
  if (current && !isNewer(current.versions, event)) return undefined;
  const data = event.data as EventData['inventory.released'];
  if (event.type === 'inventory.reserved') {
    const reserved = event.data as EventData['inventory.reserved'];
    return {
      _id: reserved.orderId,
      orderId: reserved.orderId,
      reservationId: reserved.reservationId,
      items: reserved.items,
      status: current?.status ?? 'RESERVED',
      versions: withVersion(current?.versions, event),
    };
  }
  if (!current) return undefined;
  const status = event.type === 'inventory.released' ? 'RELEASED' : event.type === 'inventory.committed' ? 'COMMITTED' : undefined;
  if (!status || data.reservationId !== current.reservationId) return undefined;
  return { ...current, status, versions: withVersion(current.versions, event) };
}
