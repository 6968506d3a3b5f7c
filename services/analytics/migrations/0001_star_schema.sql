-- The star schema: three dimensions, two facts, the staging of orders not yet decided, and two
-- cubes as materialized views. Every load is an idempotent upsert, so a late or repeated event
-- never counts twice.
CREATE TABLE analytics_domain.time_dimension (
  date_key integer PRIMARY KEY,           -- yyyymmdd
  date date NOT NULL UNIQUE,
  year integer NOT NULL,
  quarter integer NOT NULL CHECK (quarter BETWEEN 1 AND 4),
  month integer NOT NULL CHECK (month BETWEEN 1 AND 12),
  day integer NOT NULL CHECK (day BETWEEN 1 AND 31),
  weekday integer NOT NULL CHECK (weekday BETWEEN 1 AND 7)   -- ISO: Monday = 1
);

CREATE TABLE analytics_domain.customer_dimension (
  customer_key bigserial PRIMARY KEY,
  user_id text NOT NULL UNIQUE,
  email text,
  name text,
  first_order_at timestamptz
);

CREATE TABLE analytics_domain.product_dimension (
  product_key bigserial PRIMARY KEY,
  sku text NOT NULL UNIQUE,
  name text
);

-- One row per order, made by whichever of its events arrives first; the sale is loaded into
-- sales_fact only once the lines are known and the order is confirmed, and never if cancelled.
CREATE TABLE analytics_domain.orders_staging (
  order_id text PRIMARY KEY,
  user_id text,
  lines jsonb,                             -- [{sku, qty, priceCents}] from order.created
  total_cents bigint,
  currency text,
  ordered_at timestamptz,
  saga_id text,
  confirmed_at timestamptz,
  cancelled_at timestamptz,
  notified_at timestamptz,                 -- customer.notified or notification.failed
  loaded_at timestamptz,
  recorded_at timestamptz                  -- analytics.recorded appended
);

CREATE TABLE analytics_domain.sales_fact (
  order_id text NOT NULL,
  line_no integer NOT NULL,
  date_key integer NOT NULL REFERENCES analytics_domain.time_dimension,
  customer_key bigint NOT NULL REFERENCES analytics_domain.customer_dimension,
  product_key bigint NOT NULL REFERENCES analytics_domain.product_dimension,
  qty integer NOT NULL CHECK (qty > 0),
  unit_price_cents bigint NOT NULL,
  total_cents bigint NOT NULL,
  PRIMARY KEY (order_id, line_no)
);
CREATE INDEX sales_fact_date ON analytics_domain.sales_fact (date_key);
CREATE INDEX sales_fact_customer ON analytics_domain.sales_fact (customer_key);

CREATE TABLE analytics_domain.user_activity_fact (
  event_id text PRIMARY KEY,
  user_id text NOT NULL,
  activity text NOT NULL,                  -- registered | ordered | confirmed | cancelled
  date_key integer NOT NULL REFERENCES analytics_domain.time_dimension,
  occurred_at timestamptz NOT NULL
);
CREATE INDEX user_activity_user ON analytics_domain.user_activity_fact (user_id);

-- Every event seen, for /reports/summary: one appended row each rather than a counter per type,
-- which would be a hot row that every consumer transaction waits for.
CREATE TABLE analytics_domain.events_seen (
  event_id text PRIMARY KEY,
  type text NOT NULL,
  occurred_at timestamptz NOT NULL
);

-- Sales per month and product, and per month over all products (sku '*'): the month's order
-- count cannot be summed from the per-product rows, since an order can hold several products.
CREATE MATERIALIZED VIEW analytics_domain.monthly_sales_cube AS
SELECT make_date(t.year, t.month, 1) AS month,
       COALESCE(p.sku, '*') AS sku,
       count(DISTINCT f.order_id)::integer AS orders,
       sum(f.qty)::bigint AS units,
       sum(f.total_cents)::bigint AS revenue_cents
FROM analytics_domain.sales_fact f
JOIN analytics_domain.time_dimension t USING (date_key)
JOIN analytics_domain.product_dimension p USING (product_key)
GROUP BY GROUPING SETS ((t.year, t.month, p.sku), (t.year, t.month));
-- The unique index is what allows REFRESH ... CONCURRENTLY, which does not block readers.
CREATE UNIQUE INDEX monthly_sales_cube_key ON analytics_domain.monthly_sales_cube (month, sku);

CREATE MATERIALIZED VIEW analytics_domain.customer_ltv_analysis AS
SELECT c.customer_key,
       c.user_id,
       c.email,
       c.name,
       c.first_order_at,
       count(DISTINCT f.order_id)::integer AS orders,
       sum(f.qty)::bigint AS units,
       sum(f.total_cents)::bigint AS ltv_cents,
       (sum(f.total_cents) / count(DISTINCT f.order_id))::bigint AS avg_order_cents,
       max(t.date) AS last_order_date
FROM analytics_domain.sales_fact f
JOIN analytics_domain.customer_dimension c USING (customer_key)
JOIN analytics_domain.time_dimension t USING (date_key)
GROUP BY c.customer_key, c.user_id, c.email, c.name, c.first_order_at;
CREATE UNIQUE INDEX customer_ltv_analysis_key ON analytics_domain.customer_ltv_analysis (customer_key);
