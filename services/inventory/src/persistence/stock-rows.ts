import type { DbClient } from '@frank/kit';
import type { OrderLine } from '../domain/order-lines.js';
import type { StockLevel } from '../domain/plan-reservation.js';

/**
 * Locks the stock rows of `skus` in sku order (the same order everywhere, so concurrent
 * reservations never deadlock) and returns their current levels.
 */
export async function lockStock(client: DbClient, skus: readonly string[]): Promise<Map<string, StockLevel>> {
  const { rows } = await client.query<{ sku: string; on_hand: number; reserved: number }>(
    'SELECT sku, on_hand, reserved FROM inventory_domain.stock WHERE sku = ANY($1::text[]) ORDER BY sku FOR UPDATE',
    [skus],
  );
  return new Map(rows.map((r) => [r.sku, { onHand: r.on_hand, reserved: r.reserved }]));
}

export async function knownSkus(client: DbClient, skus: readonly string[]): Promise<Set<string>> {
  const { rows } = await client.query<{ sku: string }>('SELECT sku FROM inventory_domain.products WHERE sku = ANY($1::text[])', [skus]);
  return new Set(rows.map((r) => r.sku));
}

/** Moves stock for locked rows: `reserved` and `onHand` are the signed changes per unit of each line. */
export async function moveStock(client: DbClient, lines: readonly OrderLine[], change: { reserved: -1 | 0 | 1; onHand: -1 | 0 }): Promise<void> {
  await client.query(
    `UPDATE inventory_domain.stock s
        SET reserved = s.reserved + $3::int * l.qty, on_hand = s.on_hand + $4::int * l.qty, updated_at = now()
       FROM unnest($1::text[], $2::int[]) AS l(sku, qty)
      WHERE s.sku = l.sku`,
    [lines.map((l) => l.sku), lines.map((l) => l.qty), change.reserved, change.onHand],
  );
}

/** The ledger of on_hand: every change of it is recorded, signed. */
export async function recordMovements(
  client: DbClient,
  kind: 'receipt' | 'adjustment' | 'commit',
  lines: readonly { sku: string; qty: number }[],
  orderId: string | null = null,
): Promise<void> {
  if (lines.length === 0) return;
  await client.query(
    `INSERT INTO inventory_domain.stock_movements (sku, kind, qty, order_id)
     SELECT sku, $3, qty, $4 FROM unnest($1::text[], $2::int[]) AS l(sku, qty)`,
    [lines.map((l) => l.sku), lines.map((l) => l.qty), kind, orderId],
  );
}
