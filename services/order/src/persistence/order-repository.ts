import type pg from 'pg';
import type { OrderStatus, SagaStatus } from '../domain/saga-transition.js';

type Queryable = Pick<pg.ClientBase, 'query'>;

export interface NewOrder {
  id: string;
  sagaId: string;
  userId: string;
  totalCents: number;
  currency: string;
  customer: { email: string; name: string; phone: string | null };
  items: { sku: string; qty: number; priceCents: number }[];
}

export interface OrderView {
  orderId: string;
  userId: string;
  status: OrderStatus;
  sagaStatus: SagaStatus;
  items: { sku: string; qty: number; priceCents: number }[];
  totalCents: number;
  currency: string;
  cancelReason: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What a saga step needs of an order, read under a row lock. */
export interface LockedOrder {
  id: string;
  sagaId: string;
  userId: string;
  status: OrderStatus;
  sagaStatus: SagaStatus;
  totalCents: number;
  cancelReason: string | null;
  /** How long the order has been in its status, by the database's clock. */
  inStatusMs: number;
}

export async function insertOrder(db: Queryable, order: NewOrder): Promise<void> {
  await db.query(
    `INSERT INTO order_domain.orders (id, saga_id, user_id, status, total_cents, currency, customer_email, customer_name, customer_phone)
     VALUES ($1, $2, $3, 'PENDING', $4, $5, $6, $7, $8)`,
    [order.id, order.sagaId, order.userId, order.totalCents, order.currency, order.customer.email, order.customer.name, order.customer.phone],
  );
  await db.query(
    `INSERT INTO order_domain.order_items (order_id, sku, qty, price_cents)
     SELECT $1, sku, qty, price_cents FROM unnest($2::text[], $3::int[], $4::int[]) AS i (sku, qty, price_cents)`,
    [order.id, order.items.map((i) => i.sku), order.items.map((i) => i.qty), order.items.map((i) => i.priceCents)],
  );
}

const SELECT_VIEW = `
  SELECT o.id, o.user_id, o.status, s.status AS saga_status, o.total_cents::float8 AS total_cents, o.currency, o.cancel_reason, o.created_at, o.updated_at,
         COALESCE((SELECT json_agg(json_build_object('sku', i.sku, 'qty', i.qty, 'priceCents', i.price_cents) ORDER BY i.sku)
                     FROM order_domain.order_items i WHERE i.order_id = o.id), '[]') AS items
    FROM order_domain.orders o JOIN saga_coord.saga_state s ON s.saga_id = o.saga_id`;

interface ViewRow {
  id: string;
  user_id: string;
  status: OrderStatus;
  saga_status: SagaStatus;
  total_cents: number;
  currency: string;
  cancel_reason: string | null;
  created_at: Date;
  updated_at: Date;
  items: OrderView['items'];
}

const toView = (row: ViewRow): OrderView => ({
  orderId: row.id,
  userId: row.user_id,
  status: row.status,
  sagaStatus: row.saga_status,
  items: row.items,
  totalCents: row.total_cents,
  currency: row.currency,
  cancelReason: row.cancel_reason,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

export async function findOrder(db: Queryable, id: string): Promise<OrderView | undefined> {
  const { rows } = await db.query<ViewRow>(`${SELECT_VIEW} WHERE o.id = $1`, [id]);
  return rows[0] && toView(rows[0]);
}

/** A user's orders, newest first. */
export async function listOrders(db: Queryable, userId: string, limit = 100): Promise<OrderView[]> {
  const { rows } = await db.query<ViewRow>(`${SELECT_VIEW} WHERE o.user_id = $1 ORDER BY o.created_at DESC LIMIT $2`, [userId, limit]);
  return rows.map(toView);
}

/** Locks the order for the rest of the transaction: a saga step sees the state the previous step committed. */
export async function lockOrder(db: Queryable, id: string): Promise<LockedOrder | undefined> {
  const { rows } = await db.query<{
    id: string;
    saga_id: string;
    user_id: string;
    status: OrderStatus;
    saga_status: SagaStatus;
    total_cents: number;
    cancel_reason: string | null;
    in_status_ms: number;
  }>(
    `SELECT o.id, o.saga_id, o.user_id, o.status, s.status AS saga_status, o.total_cents::float8 AS total_cents, o.cancel_reason,
            (extract(epoch FROM clock_timestamp() - o.updated_at) * 1000)::float8 AS in_status_ms
       FROM order_domain.orders o JOIN saga_coord.saga_state s ON s.saga_id = o.saga_id
      WHERE o.id = $1 FOR UPDATE OF o`,
    [id],
  );
  const row = rows[0];
  return (
    row && {
      id: row.id,
      sagaId: row.saga_id,
      userId: row.user_id,
      status: row.status,
      sagaStatus: row.saga_status,
      totalCents: row.total_cents,
      cancelReason: row.cancel_reason,
      inStatusMs: row.in_status_ms,
    }
  );
}

export async function updateOrderStatus(db: Queryable, id: string, status: OrderStatus, cancelReason: string | null): Promise<void> {
  await db.query('UPDATE order_domain.orders SET status = $2, cancel_reason = $3, updated_at = clock_timestamp() WHERE id = $1', [id, status, cancelReason]);
}
