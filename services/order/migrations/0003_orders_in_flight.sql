-- Admission control counts the orders still in flight on every POST /orders (at most every
-- 100 ms): a partial index keeps that count to the few unsettled rows.
CREATE INDEX orders_in_flight ON order_domain.orders (created_at) WHERE status NOT IN ('CONFIRMED', 'CANCELLED');
