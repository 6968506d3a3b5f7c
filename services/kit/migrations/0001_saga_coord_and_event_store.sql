-- What every service database has besides its domain: the outbox, the inbox, saga state and
-- the append-only event store. Applied before each service's own migrations.
CREATE SCHEMA IF NOT EXISTS saga_coord;
CREATE SCHEMA IF NOT EXISTS event_store;

CREATE TABLE saga_coord.outbox (
  id uuid PRIMARY KEY,
  aggregate_type text NOT NULL,
  aggregate_id text NOT NULL,
  event_type text NOT NULL,
  payload jsonb NOT NULL,
  headers jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  dispatched_at timestamptz,
  attempts integer NOT NULL DEFAULT 0
);
CREATE INDEX outbox_undispatched ON saga_coord.outbox (created_at, id) WHERE dispatched_at IS NULL;

CREATE TABLE saga_coord.inbox (
  message_id text PRIMARY KEY,
  handler text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE saga_coord.saga_state (
  saga_id uuid PRIMARY KEY,
  step text NOT NULL,
  status text NOT NULL,
  data jsonb NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE event_store.events (
  stream_id text NOT NULL,
  version integer NOT NULL,
  type text NOT NULL,
  payload jsonb NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}',
  recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (stream_id, version)
);
CREATE INDEX events_recorded_at ON event_store.events (recorded_at);

-- Append-only: the store refuses updates and deletes.
CREATE FUNCTION event_store.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'event_store.events is append-only';
END $$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON event_store.events
  FOR EACH ROW EXECUTE FUNCTION event_store.refuse_change();
