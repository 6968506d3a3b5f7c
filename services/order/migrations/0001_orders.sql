-- Orders and their lines. The saga's own progress is in saga_coord.saga_state (kit migration);
-- orders.saga_id links the two.
CREATE SCHEMA IF NOT EXISTS order_domain;

CREATE TABLE order_domain.orders (
  id uuid PRIMARY KEY,
  saga_id uuid NOT NULL UNIQUE,
  user_id uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('PENDING', 'RESERVED', 'CONFIRMED', 'CANCELLING', 'CANCELLED')),
  total_cents bigint NOT NULL CHECK (total_cents >= 0),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  customer_email text NOT NULL,
  customer_name text NOT NULL,
  customer_phone text,
  cancel_reason text,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX orders_by_user ON order_domain.orders (user_id, created_at DESC);

CREATE TABLE order_domain.order_items (
  order_id uuid NOT NULL REFERENCES order_domain.orders (id) ON DELETE CASCADE,
  sku text NOT NULL,
  qty integer NOT NULL CHECK (qty BETWEEN 1 AND 1000),
  price_cents integer NOT NULL CHECK (price_cents >= 0),
  PRIMARY KEY (order_id, sku)
);
