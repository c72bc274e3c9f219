-- Models: one per stream by default; versions, artifacts and reports follow in later migrations.
CREATE TABLE models (
    name       text PRIMARY KEY,
    stream     text NOT NULL,
    family     jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX models_stream ON models (stream);
