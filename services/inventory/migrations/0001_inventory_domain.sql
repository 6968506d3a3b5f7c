-- inventory's business tables. kit/migrations/0001 (saga_coord, event_store) runs before this.
CREATE SCHEMA IF NOT EXISTS inventory_domain;

-- A tree: a root has no parent. Ids are fixed by the seed, so reruns and other labs agree.
CREATE TABLE inventory_domain.categories (
  id integer PRIMARY KEY,
  parent_id integer REFERENCES inventory_domain.categories (id),
  name text NOT NULL,
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$')
);
CREATE INDEX categories_parent ON inventory_domain.categories (parent_id);

CREATE TABLE inventory_domain.products (
  sku text PRIMARY KEY,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  category_id integer REFERENCES inventory_domain.categories (id),
  price_cents integer NOT NULL CHECK (price_cents >= 0),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_category ON inventory_domain.products (category_id);

-- available = on_hand - reserved; the checks make "never below zero" the database's job too.
CREATE TABLE inventory_domain.stock (
  sku text PRIMARY KEY REFERENCES inventory_domain.products (sku),
  on_hand integer NOT NULL CHECK (on_hand >= 0),
  reserved integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (reserved <= on_hand)
);

-- Every change of on_hand, signed: receipt (the seed's initial stock), adjustment (POST
-- /admin/stock), commit (units of a confirmed order leaving). So at every moment
-- on_hand = sum(qty), and "initial on_hand = on_hand + units of confirmed orders" can be
-- checked from this database alone (see stock_conservation below).
CREATE TABLE inventory_domain.stock_movements (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sku text NOT NULL REFERENCES inventory_domain.products (sku),
  kind text NOT NULL CHECK (kind IN ('receipt', 'adjustment', 'commit')),
  qty integer NOT NULL,
  order_id text,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'commit') = (order_id IS NOT NULL)),
  CHECK (kind <> 'commit' OR qty < 0)
);
CREATE INDEX stock_movements_sku ON inventory_domain.stock_movements (sku);

-- One decision per order. HELD → RELEASED (payment failed) or COMMITTED (payment completed);
-- REJECTED records a reservation-failed outcome so that a second order.created for the same
-- order cannot reserve after the order was already cancelled.
CREATE TABLE inventory_domain.reservations (
  id uuid PRIMARY KEY,
  order_id text NOT NULL UNIQUE,
  saga_id text,
  status text NOT NULL CHECK (status IN ('HELD', 'RELEASED', 'COMMITTED', 'REJECTED')),
  failure_reason text CHECK (failure_reason IN ('out-of-stock', 'unknown-sku')),
  failure_sku text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'REJECTED') = (failure_reason IS NOT NULL))
);
CREATE INDEX reservations_held ON inventory_domain.reservations (created_at) WHERE status = 'HELD';

CREATE TABLE inventory_domain.reservation_items (
  reservation_id uuid NOT NULL REFERENCES inventory_domain.reservations (id),
  sku text NOT NULL REFERENCES inventory_domain.products (sku),
  qty integer NOT NULL CHECK (qty > 0),
  PRIMARY KEY (reservation_id, sku)
);

-- The stock invariant per sku: conserved is false when units appeared or vanished.
CREATE VIEW inventory_domain.stock_conservation AS
SELECT s.sku,
       COALESCE(SUM(m.qty) FILTER (WHERE m.kind IN ('receipt', 'adjustment')), 0)::integer AS stocked,
       COALESCE(-SUM(m.qty) FILTER (WHERE m.kind = 'commit'), 0)::integer AS committed,
       s.on_hand,
       s.reserved,
       COALESCE(SUM(m.qty) FILTER (WHERE m.kind IN ('receipt', 'adjustment')), 0)
         = s.on_hand + COALESCE(-SUM(m.qty) FILTER (WHERE m.kind = 'commit'), 0) AS conserved
FROM inventory_domain.stock s
LEFT JOIN inventory_domain.stock_movements m ON m.sku = s.sku
GROUP BY s.sku, s.on_hand, s.reserved;
