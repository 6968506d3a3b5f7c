-- What payment-service shows the lab's saga tools (services/README.md, "Reports"). Add columns at
-- the end; never rename one.
CREATE SCHEMA IF NOT EXISTS saga_report;

CREATE VIEW saga_report.payments AS
SELECT p.id, p.order_id, p.status, p.failure_reason, p.amount_cents, p.provider_ref, p.deadline_at, p.provider_attempts, p.provider_error,
       (SELECT count(*)::int FROM payment_domain.captures c WHERE c.payment_id = p.id) AS captures,
       COALESCE((SELECT sum(amount_cents) FROM payment_domain.captures c WHERE c.payment_id = p.id), 0)::bigint AS captured_cents,
       COALESCE((SELECT sum(amount_cents) FROM payment_domain.refunds r WHERE r.payment_id = p.id), 0)::bigint AS refunded_cents,
       p.created_at, p.updated_at
  FROM payment_domain.payments p;
