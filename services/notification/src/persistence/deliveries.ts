import type { DbClient, Pool } from '@frank/kit';
import type { ChannelName } from '../domain/simulated-channel.js';

export type DeliveryStatus = 'PENDING' | 'SENT' | 'FAILED';

export interface Delivery {
  id: string;
  orderId: string;
  channel: ChannelName;
  template: string;
  address: string | null;
  subject: string | null;
  body: string | null;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date;
  sagaId: string | null;
  correlationId: string | null;
  causationId: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

export type NewDelivery = Pick<
  Delivery,
  'id' | 'orderId' | 'channel' | 'template' | 'address' | 'subject' | 'body' | 'status' | 'lastError' | 'sagaId' | 'correlationId' | 'causationId'
>;

const COLUMNS = `id, order_id AS "orderId", channel, template, address, subject, body, status, attempts,
  last_error AS "lastError", next_attempt_at AS "nextAttemptAt", saga_id AS "sagaId", correlation_id AS "correlationId",
  causation_id AS "causationId", created_at AS "createdAt", sent_at AS "sentAt"`;

/** False when this order already has a delivery of this template on this channel: a redelivery sends nothing twice. */
export async function insertDelivery(client: DbClient, delivery: NewDelivery): Promise<boolean> {
  const result = await client.query(
    `INSERT INTO notification_domain.deliveries (id, order_id, channel, template, address, subject, body, status, last_error, saga_id, correlation_id, causation_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (order_id, template, channel) DO NOTHING`,
    [
      delivery.id,
      delivery.orderId,
      delivery.channel,
      delivery.template,
      delivery.address,
      delivery.subject,
      delivery.body,
      delivery.status,
      delivery.lastError,
      delivery.sagaId,
      delivery.correlationId,
      delivery.causationId,
    ],
  );
  return result.rowCount === 1;
}

/** One due delivery, locked until the caller's transaction ends; other workers skip it. */
export async function claimDueDelivery(client: DbClient): Promise<Delivery | undefined> {
  const { rows } = await client.query<Delivery>(
    `SELECT ${COLUMNS} FROM notification_domain.deliveries
     WHERE status = 'PENDING' AND next_attempt_at <= now()
     ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
  );
  return rows[0];
}

export async function markSent(client: DbClient, id: string, attempts: number): Promise<void> {
  await client.query(`UPDATE notification_domain.deliveries SET status = 'SENT', attempts = $2, last_error = NULL, sent_at = now() WHERE id = $1`, [
    id,
    attempts,
  ]);
}

export async function markFailed(client: DbClient, id: string, attempts: number, error: string): Promise<void> {
  await client.query(`UPDATE notification_domain.deliveries SET status = 'FAILED', attempts = $2, last_error = $3 WHERE id = $1`, [id, attempts, error]);
}

export async function scheduleRetry(client: DbClient, id: string, attempts: number, error: string, delayMs: number): Promise<void> {
  await client.query(
    `UPDATE notification_domain.deliveries SET attempts = $2, last_error = $3, next_attempt_at = now() + make_interval(secs => $4::double precision / 1000) WHERE id = $1`,
    [id, attempts, error, delayMs],
  );
}

export async function listDeliveries(pool: Pool, filter: { orderId?: string; limit: number }): Promise<Delivery[]> {
  const { rows } = await pool.query<Delivery>(
    `SELECT ${COLUMNS} FROM notification_domain.deliveries WHERE ($1::text IS NULL OR order_id = $1) ORDER BY created_at DESC LIMIT $2`,
    [filter.orderId ?? null, filter.limit],
  );
  return rows;
}
