CREATE TABLE widgets (name text PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now());
