import type { OrderLine } from './order-lines.js';

export interface StockLevel {
  onHand: number;
  reserved: number;
}

export type ReservationFailureReason = 'out-of-stock' | 'unknown-sku';

export type ReservationPlan = { ok: true; lines: OrderLine[] } | { ok: false; reason: ReservationFailureReason; sku: string };

/**
 * All or nothing: every line must be a known product with enough available stock
 * (on_hand - reserved). An unknown sku is reported before a shortage, each the first in sku
 * order, so the same order always fails the same way.
 *
 * `known` holds every sku that exists as a product; `stock` the (locked) stock rows. A product
 * without a stock row has nothing available.
 */
export function planReservation(lines: readonly OrderLine[], known: ReadonlySet<string>, stock: ReadonlyMap<string, StockLevel>): ReservationPlan {
  const unknown = lines.find((line) => !known.has(line.sku));
  if (unknown) return { ok: false, reason: 'unknown-sku', sku: unknown.sku };
  const short = lines.find((line) => {
    const level = stock.get(line.sku);
    return !level || level.onHand - level.reserved < line.qty;
  });
  if (short) return { ok: false, reason: 'out-of-stock', sku: short.sku };
  return { ok: true, lines: [...lines] };
}
