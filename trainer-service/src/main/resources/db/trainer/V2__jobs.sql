-- Jobs and their state machine: QUEUED -> RUNNING -> EVALUATING -> SUCCEEDED | FAILED | CANCELLED.
CREATE TABLE jobs (
    id             uuid PRIMARY KEY,
    stream         text NOT NULL,
    kind           text NOT NULL,
    state          text NOT NULL,
    attempt        int NOT NULL DEFAULT 1,
    max_attempts   int NOT NULL,
    from_offsets   jsonb NOT NULL,
    to_offsets     jsonb NOT NULL,
    parameters     jsonb NOT NULL,
    worker         text,
    step           bigint,
    total_steps    bigint,
    loss           double precision,
    samples_per_s  double precision,
    loss_history   jsonb NOT NULL DEFAULT '[]',
    version        int,
    message        text,
    last_heartbeat timestamptz,
    created_by     text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    started_at     timestamptz,
    finished_at    timestamptz
);
CREATE INDEX jobs_state ON jobs (state);
CREATE INDEX jobs_stream_created ON jobs (stream, created_at DESC);
