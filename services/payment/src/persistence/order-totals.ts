import type { DbClient } from '@frank/kit';

export interface OrderTotal {
  orderId: string;
  totalCents: number;
  currency: string;
  userId: string;
  sagaId: string | null;
}

/** The first copy wins: order.created is immutable, a redelivery carries the same total. */
export async function saveOrderTotal(client: DbClient, total: OrderTotal): Promise<void> {
  await client.query(
    `INSERT INTO payment_domain.order_totals (order_id, total_cents, currency, user_id, saga_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (order_id) DO NOTHING`,
    [total.orderId, total.totalCents, total.currency, total.userId, total.sagaId],
  );
}

export async function findOrderTotal(client: DbClient, orderId: string): Promise<OrderTotal | undefined> {
  const { rows } = await client.query<OrderTotal>(
    'SELECT order_id AS "orderId", total_cents AS "totalCents", currency, user_id AS "userId", saga_id AS "sagaId" FROM payment_domain.order_totals WHERE order_id = $1',
    [orderId],
  );
  return rows[0];
}
