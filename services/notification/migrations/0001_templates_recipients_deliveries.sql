-- Templates (one per name and channel), the recipients known from order.created, and one
-- delivery per order and template: the unique key is what makes a redelivered
-- payment.completed send nothing twice.
CREATE TABLE notification_domain.templates (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('email', 'sms')),
  subject text,
  body text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (name, channel)
);

CREATE TABLE notification_domain.recipients (
  order_id text PRIMARY KEY,
  user_id text NOT NULL,
  email text,
  name text,
  phone text,
  currency text NOT NULL DEFAULT 'EUR',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE notification_domain.deliveries (
  id uuid PRIMARY KEY,
  order_id text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('email', 'sms')),
  template text NOT NULL,
  address text,
  subject text,
  body text,
  status text NOT NULL CHECK (status IN ('PENDING', 'SENT', 'FAILED')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- The payment.completed this delivery answers: its outcome event carries the saga on.
  saga_id text,
  correlation_id text,
  causation_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  UNIQUE (order_id, template)
);
-- The delivery worker's claim query.
CREATE INDEX deliveries_due ON notification_domain.deliveries (next_attempt_at) WHERE status = 'PENDING';
