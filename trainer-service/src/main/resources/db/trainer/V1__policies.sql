-- Per-stream adaptation policy, seeded from the stream definition.
CREATE TABLE policies (
    stream     text PRIMARY KEY,
    policy     jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
