-- Streams drift-service watches, learned from perennial.streams.
CREATE TABLE monitored_streams (
    name       text PRIMARY KEY,
    spec       jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
);
