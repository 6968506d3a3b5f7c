import type { DbClient, Pool } from '@frank/kit';
import type { FailureReason, PaymentStatus, ProviderPath } from '../domain/payment-transitions.js';

export interface PaymentRow {
  id: string;
  orderId: string;
  amountCents: number;
  currency: string;
  status: PaymentStatus;
  providerRef: string | null;
  failureReason: FailureReason | null;
  sagaId: string | null;
  correlationId: string;
  causedByEventId: string;
}

const COLUMNS = `id, order_id AS "orderId", amount_cents AS "amountCents", currency, status, provider_ref AS "providerRef",
  failure_reason AS "failureReason", saga_id AS "sagaId", correlation_id AS "correlationId", caused_by_event_id AS "causedByEventId"`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface NewPayment {
  id: string;
  orderId: string;
  amountCents: number;
  currency: string;
  timeoutMs: number;
  sagaId: string | null;
  correlationId: string;
  causedByEventId: string;
  providerPath: ProviderPath;
  /** Opened already failed (the kill switch): the provider is never asked. */
  failedWith?: Extract<FailureReason, 'kill-switch'>;
}

/** One payment per order: a second inventory.reserved for the order opens nothing. */
export async function insertPayment(client: DbClient, payment: NewPayment): Promise<boolean> {
  const inserted = await client.query(
    `INSERT INTO payment_domain.payments (id, order_id, amount_cents, currency, status, deadline_at, saga_id, correlation_id, caused_by_event_id,
       provider_path, failure_reason, provider_next_attempt_at)
     VALUES ($1, $2, $3, $4, CASE WHEN $10::text IS NULL THEN 'PENDING' ELSE 'FAILED' END,
       clock_timestamp() + make_interval(secs => $5::double precision / 1000), $6, $7, $8,
       $9, $10, CASE WHEN $10::text IS NULL THEN clock_timestamp() ELSE NULL END)
     ON CONFLICT (order_id) DO NOTHING`,
    [
      payment.id,
      payment.orderId,
      payment.amountCents,
      payment.currency,
      payment.timeoutMs,
      payment.sagaId,
      payment.correlationId,
      payment.causedByEventId,
      payment.providerPath,
      payment.failedWith ?? null,
    ],
  );
  return inserted.rowCount === 1;
}

/** The payment, locked for the rest of the transaction; undefined for an id that is no payment. */
export async function lockPayment(client: DbClient, paymentId: string): Promise<PaymentRow | undefined> {
  if (!UUID.test(paymentId)) return undefined;
  const { rows } = await client.query<PaymentRow>(`SELECT ${COLUMNS} FROM payment_domain.payments WHERE id = $1 FOR UPDATE`, [paymentId]);
  return rows[0];
}

export async function setPaymentStatus(
  client: DbClient,
  paymentId: string,
  change: { status: PaymentStatus; failureReason?: FailureReason; providerRef?: string },
): Promise<void> {
  await client.query(
    `UPDATE payment_domain.payments
     SET status = $2, failure_reason = COALESCE($3, failure_reason), provider_ref = COALESCE(provider_ref, $4),
         provider_next_attempt_at = NULL, updated_at = clock_timestamp()
     WHERE id = $1`,
    [paymentId, change.status, change.failureReason ?? null, change.providerRef ?? null],
  );
}

/** The primary key on payment_id is the "at most one capture" rule. */
export async function insertCapture(client: DbClient, capture: { paymentId: string; amountCents: number; webhookId: string }): Promise<void> {
  await client.query('INSERT INTO payment_domain.captures (payment_id, amount_cents, webhook_id) VALUES ($1, $2, $3)', [
    capture.paymentId,
    capture.amountCents,
    capture.webhookId,
  ]);
}

export async function insertRefund(
  client: DbClient,
  refund: { paymentId: string; refundId: string; amountCents: number; reason: 'late-success' },
): Promise<void> {
  await client.query('INSERT INTO payment_domain.refunds (refund_id, payment_id, amount_cents, reason) VALUES ($1, $2, $3, $4)', [
    refund.refundId,
    refund.paymentId,
    refund.amountCents,
    refund.reason,
  ]);
}

/** Pending payments past their deadline, locked; rows another transaction holds (a webhook) are skipped. */
export async function lockOverduePayments(client: DbClient, limit: number): Promise<(PaymentRow & { providerAccepted: boolean })[]> {
  const { rows } = await client.query<PaymentRow & { providerAccepted: boolean }>(
    `SELECT ${COLUMNS}, provider_ref IS NOT NULL AS "providerAccepted" FROM payment_domain.payments
     WHERE status = 'PENDING' AND deadline_at < clock_timestamp()
     ORDER BY deadline_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  return rows;
}

export interface ProviderRequest {
  id: string;
  amountCents: number;
  currency: string;
  attempts: number;
  providerPath: ProviderPath;
}

/**
 * Claims pending payments the provider has not accepted yet, leasing each for `leaseMs`: a
 * process that dies mid-call loses the lease and another attempt follows (the provider is
 * idempotent per paymentId). No transaction stays open across the HTTP call.
 */
export async function claimProviderRequests(pool: Pool, limit: number, leaseMs: number): Promise<ProviderRequest[]> {
  const { rows } = await pool.query<ProviderRequest>(
    `UPDATE payment_domain.payments
     SET provider_attempts = provider_attempts + 1, provider_next_attempt_at = clock_timestamp() + make_interval(secs => $2::double precision / 1000)
     WHERE id IN (
       SELECT id FROM payment_domain.payments
       WHERE status = 'PENDING' AND provider_ref IS NULL AND provider_next_attempt_at <= clock_timestamp()
       ORDER BY provider_next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
     RETURNING id, amount_cents AS "amountCents", currency, provider_attempts AS attempts, provider_path AS "providerPath"`,
    [limit, leaseMs],
  );
  return rows;
}

export async function recordProviderAccepted(pool: Pool, paymentId: string, providerRef: string): Promise<void> {
  await pool.query(
    `UPDATE payment_domain.payments SET provider_ref = COALESCE(provider_ref, $2), provider_next_attempt_at = NULL, provider_error = NULL, updated_at = clock_timestamp()
     WHERE id = $1`,
    [paymentId, providerRef],
  );
}

/** A failed call: tried again after `retryInMs`, or never (undefined) when retrying cannot help. */
export async function recordProviderError(pool: Pool, paymentId: string, error: string, retryInMs: number | undefined): Promise<void> {
  await pool.query(
    `UPDATE payment_domain.payments
     SET provider_error = $2, updated_at = clock_timestamp(),
         provider_next_attempt_at = CASE WHEN $3::double precision IS NULL THEN NULL ELSE clock_timestamp() + make_interval(secs => $3::double precision / 1000) END
     WHERE id = $1 AND provider_ref IS NULL`,
    [paymentId, error.slice(0, 500), retryInMs ?? null],
  );
}
