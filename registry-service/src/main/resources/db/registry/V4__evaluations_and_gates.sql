-- Evaluation reports: one accuracy-matrix row per version evaluation (per segment probe), the summary computed by
-- the registry, and every scalar metric in long form so any metric can be listed across versions.
CREATE TABLE evaluations (
    id              bigserial PRIMARY KEY,
    model           text NOT NULL,
    version         integer NOT NULL,
    serving_version integer,
    segments        jsonb NOT NULL,
    summary         jsonb NOT NULL,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (model, version) REFERENCES versions (model, version) ON DELETE CASCADE
);
CREATE INDEX evaluations_version ON evaluations (model, version, id);

CREATE TABLE evaluation_metrics (
    evaluation_id bigint NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    model         text NOT NULL,
    version       integer NOT NULL,
    name          text NOT NULL,
    value         double precision NOT NULL,
    PRIMARY KEY (evaluation_id, name)
);
CREATE INDEX evaluation_metrics_series ON evaluation_metrics (model, name, version, evaluation_id);

-- Promotion gate per model; a null threshold is not checked.
CREATE TABLE gate_policies (
    model                  text PRIMARY KEY REFERENCES models (name),
    max_negative_flip_rate double precision,
    max_forgetting         double precision,
    min_newest_accuracy    double precision,
    min_improvement        double precision,
    updated_by             text NOT NULL,
    updated_at             timestamptz NOT NULL DEFAULT now()
);
