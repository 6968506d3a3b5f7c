-- Users and their roles. Emails are stored lower-cased, so the unique constraint is
-- case-insensitive and ON CONFLICT (email) works for seeds and registration alike.
CREATE SCHEMA IF NOT EXISTS user_domain;

CREATE TABLE user_domain.users (
  id uuid PRIMARY KEY,
  email text NOT NULL UNIQUE CHECK (email = lower(email)),
  name text NOT NULL,
  phone text,
  -- scrypt$N$r$p$<salt base64url>$<hash base64url>: the parameters travel with the hash.
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE user_domain.roles (
  name text PRIMARY KEY,
  description text NOT NULL
);

CREATE TABLE user_domain.user_roles (
  user_id uuid NOT NULL REFERENCES user_domain.users (id) ON DELETE CASCADE,
  role text NOT NULL REFERENCES user_domain.roles (name),
  PRIMARY KEY (user_id, role)
);

-- Reference data, not demo data: registration needs the customer role on an unseeded database.
INSERT INTO user_domain.roles (name, description) VALUES
  ('admin', 'Sees every user and every order'),
  ('customer', 'Places orders and sees their own');
