-- What analytics-service shows the lab's saga tools (services/README.md, "Reports"). Add columns
-- at the end; never rename one.
CREATE SCHEMA IF NOT EXISTS saga_report;

-- sales_fact summed per order.
CREATE VIEW saga_report.sales AS
SELECT order_id, sum(total_cents)::bigint AS total_cents FROM analytics_domain.sales_fact GROUP BY order_id;
