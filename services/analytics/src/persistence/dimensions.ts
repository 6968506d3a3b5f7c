import type { DbClient } from '@frank/kit';
import { timeDimensionOf } from '../domain/time-dimension.js';

/** The day's row of time_dimension, made on first use; returns its key. */
export async function ensureDate(client: DbClient, at: Date): Promise<number> {
  const row = timeDimensionOf(at);
  await client.query(
    `INSERT INTO analytics_domain.time_dimension (date_key, date, year, quarter, month, day, weekday)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (date_key) DO NOTHING`,
    [row.dateKey, row.date, row.year, row.quarter, row.month, row.day, row.weekday],
  );
  return row.dateKey;
}

export interface CustomerFacts {
  userId: string;
  email: string | null;
  name: string | null;
  /** Set by an order; the earliest one wins, so a late event cannot move it forward. */
  orderedAt: Date | null;
}

/** Upserts the customer: known details are kept when an event does not carry them. */
export async function upsertCustomer(client: DbClient, customer: CustomerFacts): Promise<void> {
  await client.query(
    `INSERT INTO analytics_domain.customer_dimension AS c (user_id, email, name, first_order_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id) DO UPDATE SET
       email = COALESCE(EXCLUDED.email, c.email),
       name = COALESCE(EXCLUDED.name, c.name),
       first_order_at = LEAST(c.first_order_at, EXCLUDED.first_order_at)
     WHERE c.email IS DISTINCT FROM COALESCE(EXCLUDED.email, c.email)
        OR c.name IS DISTINCT FROM COALESCE(EXCLUDED.name, c.name)
        OR c.first_order_at IS DISTINCT FROM LEAST(c.first_order_at, EXCLUDED.first_order_at)`,
    [customer.userId, customer.email, customer.name, customer.orderedAt],
  );
}

/** Products by SKU; sorted, so two transactions never wait for each other's rows in opposite order. */
export async function ensureProducts(client: DbClient, skus: string[]): Promise<void> {
  const sorted = [...new Set(skus)].sort();
  if (sorted.length === 0) return;
  await client.query('INSERT INTO analytics_domain.product_dimension (sku) SELECT unnest($1::text[]) ON CONFLICT (sku) DO NOTHING', [sorted]);
}
