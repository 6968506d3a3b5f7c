import type { DbClient } from '@frank/kit';
import type { OrderProgress } from '../domain/order-progress.js';
import type { OrderLine } from '../domain/sales-lines.js';

export interface StagedOrder {
  orderId: string;
  userId: string | null;
  lines: OrderLine[] | null;
  totalCents: number | null;
  currency: string | null;
  orderedAt: Date | null;
  sagaId: string | null;
  confirmedAt: Date | null;
  cancelledAt: Date | null;
  notifiedAt: Date | null;
  loadedAt: Date | null;
  recordedAt: Date | null;
}

/** What one event tells about an order; fields it does not carry are left out. */
export type OrderFacts = Partial<Omit<StagedOrder, 'orderId' | 'loadedAt' | 'recordedAt'>> & { orderId: string };

const COLUMNS = `order_id AS "orderId", user_id AS "userId", lines, total_cents::float8 AS "totalCents", currency, ordered_at AS "orderedAt",
  saga_id AS "sagaId", confirmed_at AS "confirmedAt", cancelled_at AS "cancelledAt", notified_at AS "notifiedAt",
  loaded_at AS "loadedAt", recorded_at AS "recordedAt"`;

/**
 * Merges an event's facts into the order's staging row and returns the row as it now stands.
 * The first value of each field wins (a repeated or late event changes nothing), and the row
 * stays locked until the transaction ends: two events of one order are settled one after the
 * other, each seeing what the other committed.
 */
export async function stageOrderFacts(client: DbClient, facts: OrderFacts): Promise<StagedOrder> {
  const { rows } = await client.query<StagedOrder>(
    `INSERT INTO analytics_domain.orders_staging AS s
       (order_id, user_id, lines, total_cents, currency, ordered_at, saga_id, confirmed_at, cancelled_at, notified_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (order_id) DO UPDATE SET
       user_id = COALESCE(s.user_id, EXCLUDED.user_id),
       lines = COALESCE(s.lines, EXCLUDED.lines),
       total_cents = COALESCE(s.total_cents, EXCLUDED.total_cents),
       currency = COALESCE(s.currency, EXCLUDED.currency),
       ordered_at = COALESCE(s.ordered_at, EXCLUDED.ordered_at),
       saga_id = COALESCE(s.saga_id, EXCLUDED.saga_id),
       confirmed_at = COALESCE(s.confirmed_at, EXCLUDED.confirmed_at),
       cancelled_at = COALESCE(s.cancelled_at, EXCLUDED.cancelled_at),
       notified_at = COALESCE(s.notified_at, EXCLUDED.notified_at)
     RETURNING ${COLUMNS}`,
    [
      facts.orderId,
      facts.userId ?? null,
      facts.lines ? JSON.stringify(facts.lines) : null,
      facts.totalCents ?? null,
      facts.currency ?? null,
      facts.orderedAt ?? null,
      facts.sagaId ?? null,
      facts.confirmedAt ?? null,
      facts.cancelledAt ?? null,
      facts.notifiedAt ?? null,
    ],
  );
  return rows[0]!;
}

export function progressOf(order: StagedOrder): OrderProgress {
  return {
    hasLines: order.lines !== null && order.userId !== null && order.orderedAt !== null,
    confirmed: order.confirmedAt !== null,
    cancelled: order.cancelledAt !== null,
    notified: order.notifiedAt !== null,
    loaded: order.loadedAt !== null,
    recorded: order.recordedAt !== null,
  };
}

export async function markLoaded(client: DbClient, orderId: string, loaded: boolean): Promise<void> {
  await client.query(`UPDATE analytics_domain.orders_staging SET loaded_at = ${loaded ? 'clock_timestamp()' : 'NULL'} WHERE order_id = $1`, [orderId]);
}

export async function markRecorded(client: DbClient, orderId: string): Promise<void> {
  await client.query('UPDATE analytics_domain.orders_staging SET recorded_at = clock_timestamp() WHERE order_id = $1', [orderId]);
}
