-- {{name}}-service's step of the saga: one row per order, written with {{emits}} in one transaction.
CREATE TABLE {{schema}}.saga_steps (
  order_id text PRIMARY KEY,
  caused_by uuid NOT NULL,
  done_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
