import type { Pool } from '@frank/kit';

export interface PaymentView {
  paymentId: string;
  orderId: string;
  amountCents: number;
  currency: string;
  status: string;
  providerRef: string | null;
  failureReason: string | null;
  deadlineAt: string;
  createdAt: string;
  updatedAt: string;
  captures: { amountCents: number; webhookId: string; capturedAt: string }[];
  refunds: { refundId: string; amountCents: number; reason: string; createdAt: string }[];
}

/** The order's payment with its captures and refunds, as GET /payments/:orderId shows it. */
export async function findPaymentView(pool: Pool, orderId: string): Promise<PaymentView | undefined> {
  const { rows } = await pool.query<PaymentView>(
    `SELECT p.id AS "paymentId", p.order_id AS "orderId", p.amount_cents AS "amountCents", p.currency, p.status,
            p.provider_ref AS "providerRef", p.failure_reason AS "failureReason",
            p.deadline_at AS "deadlineAt", p.created_at AS "createdAt", p.updated_at AS "updatedAt",
            COALESCE((SELECT json_agg(json_build_object('amountCents', c.amount_cents, 'webhookId', c.webhook_id, 'capturedAt', c.captured_at))
                      FROM payment_domain.captures c WHERE c.payment_id = p.id), '[]') AS captures,
            COALESCE((SELECT json_agg(json_build_object('refundId', r.refund_id, 'amountCents', r.amount_cents, 'reason', r.reason, 'createdAt', r.created_at) ORDER BY r.created_at)
                      FROM payment_domain.refunds r WHERE r.payment_id = p.id), '[]') AS refunds
     FROM payment_domain.payments p WHERE p.order_id = $1`,
    [orderId],
  );
  return rows[0];
}
