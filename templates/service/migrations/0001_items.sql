-- {{name}}-service's own data, in its own schema; runs as the service's role, which owns it.
CREATE SCHEMA IF NOT EXISTS {{schema}};

CREATE TABLE {{schema}}.items (
  id uuid PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
