import type { Pool } from '@frank/kit';

export interface MonthSales {
  month: string;
  orders: number;
  units: number;
  revenueCents: number;
  products: { sku: string; orders: number; units: number; revenueCents: number }[];
}

/** Sales per month from the cube, each month with its products. */
export async function salesByMonth(pool: Pool): Promise<MonthSales[]> {
  const { rows } = await pool.query<{ month: string; sku: string; orders: number; units: string; revenue_cents: string }>(
    `SELECT to_char(month, 'YYYY-MM') AS month, sku, orders, units, revenue_cents FROM analytics_domain.monthly_sales_cube ORDER BY month, sku = '*' DESC, revenue_cents DESC, sku`,
  );
  const months = new Map<string, MonthSales>();
  for (const row of rows) {
    const figures = { orders: row.orders, units: Number(row.units), revenueCents: Number(row.revenue_cents) };
    if (row.sku === '*') months.set(row.month, { month: row.month, ...figures, products: [] });
    else months.get(row.month)?.products.push({ sku: row.sku, ...figures });
  }
  return [...months.values()];
}

export interface CustomerLtv {
  userId: string;
  email: string | null;
  name: string | null;
  firstOrderAt: Date | null;
  orders: number;
  units: number;
  ltvCents: number;
  avgOrderCents: number;
  lastOrderDate: string;
}

/** Customers by lifetime value, highest first, from the cube. */
export async function customerLtv(pool: Pool, limit: number): Promise<CustomerLtv[]> {
  const { rows } = await pool.query(
    `SELECT user_id, email, name, first_order_at, orders, units, ltv_cents, avg_order_cents, to_char(last_order_date, 'YYYY-MM-DD') AS last_order_date
     FROM analytics_domain.customer_ltv_analysis ORDER BY ltv_cents DESC, user_id LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    userId: r.user_id,
    email: r.email,
    name: r.name,
    firstOrderAt: r.first_order_at,
    orders: r.orders,
    units: Number(r.units),
    ltvCents: Number(r.ltv_cents),
    avgOrderCents: Number(r.avg_order_cents),
    lastOrderDate: r.last_order_date,
  }));
}

export interface Summary {
  sales: { orders: number; lines: number; units: number; revenueCents: number };
  customers: number;
  products: number;
  ordersStaged: { awaitingDecision: number; loaded: number; cancelled: number; recorded: number };
  eventsSeen: Record<string, number>;
  cubesRefreshedAt: Date | null;
}

/** Totals straight from the facts (not the cubes), so they are exact at once. */
export async function summary(pool: Pool): Promise<Omit<Summary, 'cubesRefreshedAt'>> {
  const { rows } = await pool.query(
    `SELECT
       (SELECT count(DISTINCT order_id) FROM analytics_domain.sales_fact)::int AS orders,
       (SELECT count(*) FROM analytics_domain.sales_fact)::int AS lines,
       (SELECT COALESCE(sum(qty), 0) FROM analytics_domain.sales_fact)::float8 AS units,
       (SELECT COALESCE(sum(total_cents), 0) FROM analytics_domain.sales_fact)::float8 AS revenue,
       (SELECT count(*) FROM analytics_domain.customer_dimension)::int AS customers,
       (SELECT count(*) FROM analytics_domain.product_dimension)::int AS products,
       (SELECT count(*) FILTER (WHERE cancelled_at IS NULL AND loaded_at IS NULL) FROM analytics_domain.orders_staging)::int AS awaiting,
       (SELECT count(*) FILTER (WHERE loaded_at IS NOT NULL) FROM analytics_domain.orders_staging)::int AS loaded,
       (SELECT count(*) FILTER (WHERE cancelled_at IS NOT NULL) FROM analytics_domain.orders_staging)::int AS cancelled,
       (SELECT count(*) FILTER (WHERE recorded_at IS NOT NULL) FROM analytics_domain.orders_staging)::int AS recorded`,
  );
  const r = rows[0];
  const events = await pool.query<{ type: string; n: number }>('SELECT type, count(*)::int AS n FROM analytics_domain.events_seen GROUP BY type ORDER BY type');
  return {
    sales: { orders: r.orders, lines: r.lines, units: r.units, revenueCents: r.revenue },
    customers: r.customers,
    products: r.products,
    ordersStaged: { awaitingDecision: r.awaiting, loaded: r.loaded, cancelled: r.cancelled, recorded: r.recorded },
    eventsSeen: Object.fromEntries(events.rows.map((e) => [e.type, e.n])),
  };
}
