import type { DbClient } from '@frank/kit';
import type { Activity } from '../domain/user-activity.js';
import type { SalesLine } from '../domain/sales-lines.js';

/** One row per activity event; a repeated event id adds nothing. */
export async function recordActivity(
  client: DbClient,
  activity: { eventId: string; userId: string; activity: Activity; dateKey: number; at: Date },
): Promise<void> {
  await client.query(
    `INSERT INTO analytics_domain.user_activity_fact (event_id, user_id, activity, date_key, occurred_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (event_id) DO NOTHING`,
    [activity.eventId, activity.userId, activity.activity, activity.dateKey, activity.at],
  );
}

/** The order's lines into sales_fact; (order_id, line_no) is the key, so loading twice counts once. */
export async function loadSales(client: DbClient, sale: { orderId: string; userId: string; dateKey: number; lines: SalesLine[] }): Promise<number> {
  const result = await client.query(
    `INSERT INTO analytics_domain.sales_fact (order_id, line_no, date_key, customer_key, product_key, qty, unit_price_cents, total_cents)
     SELECT $1, l."lineNo", $2, c.customer_key, p.product_key, l.qty, l."unitPriceCents", l."totalCents"
     FROM jsonb_to_recordset($3::jsonb) AS l("lineNo" integer, sku text, qty integer, "unitPriceCents" bigint, "totalCents" bigint)
     JOIN analytics_domain.product_dimension p ON p.sku = l.sku
     JOIN analytics_domain.customer_dimension c ON c.user_id = $4
     ON CONFLICT (order_id, line_no) DO NOTHING`,
    [sale.orderId, sale.dateKey, JSON.stringify(sale.lines), sale.userId],
  );
  return result.rowCount ?? 0;
}

export async function unloadSales(client: DbClient, orderId: string): Promise<number> {
  const result = await client.query('DELETE FROM analytics_domain.sales_fact WHERE order_id = $1', [orderId]);
  return result.rowCount ?? 0;
}

export async function noteEvent(client: DbClient, event: { id: string; type: string; at: Date }): Promise<void> {
  await client.query('INSERT INTO analytics_domain.events_seen (event_id, type, occurred_at) VALUES ($1, $2, $3) ON CONFLICT (event_id) DO NOTHING', [
    event.id,
    event.type,
    event.at,
  ]);
}
