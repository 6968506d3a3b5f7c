-- What user-service shows the lab's saga tools (services/README.md, "Reports"): who may place
-- orders, for the load driver. Add columns at the end; never rename one.
CREATE SCHEMA IF NOT EXISTS saga_report;

CREATE VIEW saga_report.customers AS
SELECT u.id, u.email, u.created_at FROM user_domain.users u JOIN user_domain.user_roles r ON r.user_id = u.id AND r.role = 'customer';
