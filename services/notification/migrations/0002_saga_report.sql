-- What notification-service shows the lab's saga tools (services/README.md, "Reports"). Add
-- columns at the end; never rename one.
CREATE SCHEMA IF NOT EXISTS saga_report;

CREATE VIEW saga_report.deliveries AS
SELECT order_id, channel, template, status, attempts, created_at, sent_at FROM notification_domain.deliveries;
