-- Per-stream detector configuration (REST); absent means the defaults.
CREATE TABLE detector_config (
    stream     text PRIMARY KEY,
    config     jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text
);

-- What a restarted instance needs to resume a stream's monitor: the reference window, the phase of the alarm cycle
-- and, per partition of the samples topic, the offsets where the reference started, where monitoring started and
-- the position of the last evaluation (checkpoint).
CREATE TABLE monitor_state (
    stream           text PRIMARY KEY,
    phase            text NOT NULL,
    dimension        int NOT NULL,
    labels           jsonb NOT NULL DEFAULT '[]',
    reference        bytea,
    reference_labels bytea,
    reference_from   jsonb NOT NULL DEFAULT '{}',
    monitor_from     jsonb NOT NULL DEFAULT '{}',
    checkpoint       jsonb NOT NULL DEFAULT '{}',
    seen             bigint NOT NULL DEFAULT 0,
    cooldown_left    int NOT NULL DEFAULT 0,
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Every evaluation of every detector: the statistic over time, for the console.
CREATE TABLE evaluations (
    id              bigserial PRIMARY KEY,
    stream          text NOT NULL,
    kind            text NOT NULL,
    detector        text NOT NULL,
    decision        text NOT NULL,
    statistic       double precision,
    p_value         double precision,
    threshold       double precision,
    feature         int,
    sequence        bigint NOT NULL,
    reference_count int NOT NULL,
    current_count   int NOT NULL,
    evaluated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX evaluations_stream_id ON evaluations (stream, id);

-- Alarms raised (each also went out on perennial.drift through the outbox with the same id).
CREATE TABLE drift_alarms (
    id            uuid PRIMARY KEY,
    stream        text NOT NULL,
    detector      text NOT NULL,
    kind          text NOT NULL,
    statistic     double precision NOT NULL,
    p_value       double precision,
    threshold     double precision NOT NULL,
    severity      text NOT NULL,
    start_offsets jsonb NOT NULL,
    detected_at   timestamptz NOT NULL
);
CREATE INDEX drift_alarms_stream_time ON drift_alarms (stream, detected_at DESC);

-- Model to stream, from perennial.registry, so a promotion resets the right stream's reference.
CREATE TABLE models (
    model  text PRIMARY KEY,
    stream text NOT NULL
);
