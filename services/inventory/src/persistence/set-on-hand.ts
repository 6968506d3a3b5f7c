import type { DbClient } from '@frank/kit';
import { publishStockAdjusted } from '../messaging/published-events.js';
import { recordMovements } from './stock-rows.js';

export type SetOnHandResult =
  { outcome: 'set'; onHand: number; reserved: number } | { outcome: 'unknown-sku' } | { outcome: 'below-reserved'; reserved: number };

/**
 * Sets a product's on_hand (creating its stock row if it has none) and records the difference
 * in the ledger as an adjustment, so stock conservation still holds afterwards, and publishes
 * inventory.stock-adjusted in the same transaction. Never below what is reserved: those units
 * are promised to orders in flight.
 */
export async function setOnHand(client: DbClient, sku: string, onHand: number): Promise<SetOnHandResult> {
  const product = await client.query('SELECT 1 FROM inventory_domain.products WHERE sku = $1', [sku]);
  if (!product.rowCount) return { outcome: 'unknown-sku' };
  await client.query('INSERT INTO inventory_domain.stock (sku, on_hand) VALUES ($1, 0) ON CONFLICT (sku) DO NOTHING', [sku]);
  const { rows } = await client.query<{ on_hand: number; reserved: number }>('SELECT on_hand, reserved FROM inventory_domain.stock WHERE sku = $1 FOR UPDATE', [
    sku,
  ]);
  const current = rows[0]!;
  if (onHand < current.reserved) return { outcome: 'below-reserved', reserved: current.reserved };
  if (onHand !== current.on_hand) {
    await client.query('UPDATE inventory_domain.stock SET on_hand = $2, updated_at = now() WHERE sku = $1', [sku, onHand]);
    await recordMovements(client, 'adjustment', [{ sku, qty: onHand - current.on_hand }]);
    await publishStockAdjusted(client, { sku, onHand, delta: onHand - current.on_hand });
  }
  return { outcome: 'set', onHand, reserved: current.reserved };
}
