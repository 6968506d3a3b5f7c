import type pg from 'pg';
import { planCatalogue } from './domain/catalogue-plan.js';

export interface SeedOptions {
  seed: number;
  secrets: { jwtSecret: string };
}

/**
 * The demo catalogue: a category tree and products with stock, all from `options.seed`.
 * Idempotent: rows are inserted on their fixed keys only when missing, so a rerun changes
 * nothing and never resets stock that orders have moved since. Each statement is atomic on its
 * own (a stock row and its receipt are one statement), so a run cut short is finished by the next.
 */
export async function seed(client: pg.ClientBase, options: SeedOptions): Promise<void> {
  const { categories, products } = planCatalogue(options.seed);
  // Parents before children: the plan lists them that way, and one INSERT checks the foreign key at its end.
  await client.query(
    `INSERT INTO inventory_domain.categories (id, parent_id, name, slug)
     SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::text[])
     ON CONFLICT DO NOTHING`,
    [categories.map((c) => c.id), categories.map((c) => c.parentId), categories.map((c) => c.name), categories.map((c) => c.slug)],
  );
  await client.query(
    `INSERT INTO inventory_domain.products (sku, name, description, category_id, price_cents, created_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::timestamptz[])
     ON CONFLICT (sku) DO NOTHING`,
    [
      products.map((p) => p.sku),
      products.map((p) => p.name),
      products.map((p) => p.description),
      products.map((p) => p.categoryId),
      products.map((p) => p.priceCents),
      products.map((p) => p.createdAt),
    ],
  );
  // The initial stock is the ledger's receipt, so conservation can be checked later.
  await client.query(
    `WITH added AS (
       INSERT INTO inventory_domain.stock (sku, on_hand, reserved, updated_at)
       SELECT sku, on_hand, 0, created_at FROM unnest($1::text[], $2::int[], $3::timestamptz[]) AS p(sku, on_hand, created_at)
       ON CONFLICT (sku) DO NOTHING
       RETURNING sku, on_hand, updated_at
     )
     INSERT INTO inventory_domain.stock_movements (sku, kind, qty, recorded_at)
     SELECT sku, 'receipt', on_hand, updated_at FROM added`,
    [products.map((p) => p.sku), products.map((p) => p.onHand), products.map((p) => p.createdAt)],
  );
}
