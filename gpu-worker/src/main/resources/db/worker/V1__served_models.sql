-- Models this worker pool serves, learned from perennial.registry; the production version arrives on promotion.
CREATE TABLE served_models (
    model              text PRIMARY KEY,
    stream             text NOT NULL,
    production_version int,
    updated_at         timestamptz NOT NULL DEFAULT now()
);
