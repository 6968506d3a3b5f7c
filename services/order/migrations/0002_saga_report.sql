-- What order-service shows the lab's saga tools (services/README.md, "Reports"): a contract of
-- its own, so order_domain's tables can change without breaking `frank saga`, the dashboard or
-- the invariants. Add columns at the end; never rename one.
CREATE SCHEMA IF NOT EXISTS saga_report;

CREATE VIEW saga_report.orders AS
SELECT o.id, o.saga_id, o.user_id, o.status, o.total_cents, o.cancel_reason, o.created_at, o.updated_at,
       (SELECT json_agg(json_build_object('sku', i.sku, 'qty', i.qty) ORDER BY i.sku) FROM order_domain.order_items i WHERE i.order_id = o.id) AS items
  FROM order_domain.orders o;
