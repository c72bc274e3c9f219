-- The stream definition (shape, labels, model family) travels with every job, so workers need no other source.
ALTER TABLE policies ADD COLUMN spec jsonb;

-- The segment a training job learns (base, seg-1, ...) and what became of its version.
ALTER TABLE jobs ADD COLUMN segment text;
-- NULL until decided; then PROMOTED, CANDIDATE (left for an operator) or BLOCKED (the gate refused it).
ALTER TABLE jobs ADD COLUMN promotion text;
ALTER TABLE jobs ADD COLUMN promotion_detail text;
CREATE INDEX jobs_stream_segment ON jobs (stream, kind, state);

-- Drift alarms waiting to become adapter jobs: PENDING until enough new samples arrived, then SCHEDULED;
-- SUPERSEDED by a newer alarm of the same stream, IGNORED when nothing can be adapted yet.
CREATE TABLE drift_triggers (
    id            bigserial PRIMARY KEY,
    stream        text NOT NULL,
    detector      text NOT NULL,
    kind          text NOT NULL,
    start_offsets jsonb NOT NULL,
    detected_at   timestamptz NOT NULL,
    state         text NOT NULL DEFAULT 'PENDING',
    job_id        uuid,
    note          text,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX drift_triggers_pending ON drift_triggers (stream, state);
