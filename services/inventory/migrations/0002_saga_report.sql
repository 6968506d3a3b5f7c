-- What inventory-service shows the lab's saga tools (services/README.md, "Reports"). Add columns
-- at the end; never rename one.
CREATE SCHEMA IF NOT EXISTS saga_report;

-- Per SKU: what was stocked (receipts, adjustments), committed to orders, on hand and reserved.
CREATE VIEW saga_report.stock AS
SELECT sku, on_hand, reserved, stocked, committed, conserved FROM inventory_domain.stock_conservation;

CREATE VIEW saga_report.reservations AS
SELECT id, order_id, status, failure_reason, created_at, updated_at FROM inventory_domain.reservations;

-- Units that left the stock for an order, per order and SKU.
CREATE VIEW saga_report.commits AS
SELECT order_id, sku, (-sum(qty))::bigint AS units FROM inventory_domain.stock_movements WHERE kind = 'commit' GROUP BY order_id, sku;
