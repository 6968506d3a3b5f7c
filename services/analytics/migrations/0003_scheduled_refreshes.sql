-- The cube refreshes a scheduled EventBridge rule asked for (schedule.fired), one row per firing:
-- the envelope id is the rule and its time, so a firing delivered twice is one row and one refresh.
CREATE TABLE analytics_domain.scheduled_refreshes (
  event_id text PRIMARY KEY,
  rule text NOT NULL,
  scheduled_at timestamptz NOT NULL,
  eventbridge_id text NOT NULL,
  refreshed_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- What the lab's tools show of them (services/README.md, "Reports"). Add columns at the end.
CREATE VIEW saga_report.cube_refreshes AS
SELECT rule, scheduled_at, refreshed_at, event_id, eventbridge_id FROM analytics_domain.scheduled_refreshes;
