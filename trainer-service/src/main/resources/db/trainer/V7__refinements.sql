-- The continuing regime's refinements (docs/loop.md, "Refinement schedule"): one row per REFINE job the planner
-- queued, RUNNING until its job ended and its version was decided, then SERVING (gained enough: the schedule goes
-- on) or STOPPED (refused, failed, or gained less than refineMinGain: no further refinement of the regime until a
-- later alarm answers it again). alarm_id is the answered alarm whose window the regime's data grows in.
CREATE TABLE refinements (
    id                   bigserial PRIMARY KEY,
    stream               text NOT NULL,
    regime               text NOT NULL,
    alarm_id             bigint NOT NULL,
    job_id               uuid NOT NULL,
    segment              text NOT NULL,
    from_offsets         jsonb NOT NULL,
    to_offsets           jsonb NOT NULL,
    window_samples       bigint NOT NULL,
    since_start_samples  bigint NOT NULL,
    last_trained_samples bigint NOT NULL,
    growth               double precision NOT NULL,
    reason               text NOT NULL,
    state                text NOT NULL DEFAULT 'RUNNING' CHECK (state IN ('RUNNING', 'SERVING', 'STOPPED')),
    version              int,
    promotion            text,
    gain                 double precision,
    stop_reason          text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    settled_at           timestamptz
);
CREATE INDEX refinements_stream ON refinements (stream, id DESC);
