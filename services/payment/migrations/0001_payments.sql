-- payment's domain: payments with their deadline, at most one capture each, refunds, and its own
-- copy of the order totals it reads from order.created.
CREATE TABLE payment_domain.order_totals (
  order_id text PRIMARY KEY,
  total_cents integer NOT NULL CHECK (total_cents >= 0),
  currency text NOT NULL,
  user_id text NOT NULL,
  saga_id text,
  recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE payment_domain.payments (
  id uuid PRIMARY KEY,
  order_id text NOT NULL UNIQUE,
  amount_cents integer NOT NULL CHECK (amount_cents > 0),
  currency text NOT NULL,
  status text NOT NULL CHECK (status IN ('PENDING', 'CAPTURED', 'FAILED', 'REFUNDED')),
  provider_ref text,
  failure_reason text CHECK (failure_reason IN ('declined', 'timeout', 'provider-error')),
  deadline_at timestamptz NOT NULL,
  -- The event that opened the payment: the sweeper's payment.failed is caused by it.
  saga_id text,
  correlation_id text NOT NULL,
  caused_by_event_id text NOT NULL,
  -- The provider request, made after the opening transaction committed (see SERVICE.md).
  provider_attempts integer NOT NULL DEFAULT 0,
  provider_next_attempt_at timestamptz DEFAULT clock_timestamp(),
  provider_error text,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX payments_pending_deadline ON payment_domain.payments (deadline_at) WHERE status = 'PENDING';
CREATE INDEX payments_provider_due ON payment_domain.payments (provider_next_attempt_at) WHERE status = 'PENDING' AND provider_ref IS NULL;

CREATE TABLE payment_domain.captures (
  payment_id uuid PRIMARY KEY REFERENCES payment_domain.payments (id),
  amount_cents integer NOT NULL CHECK (amount_cents >= 0),
  webhook_id text NOT NULL,
  captured_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE payment_domain.refunds (
  refund_id text PRIMARY KEY,
  payment_id uuid NOT NULL UNIQUE REFERENCES payment_domain.payments (id),
  amount_cents integer NOT NULL CHECK (amount_cents >= 0),
  reason text NOT NULL CHECK (reason IN ('late-success')),
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
