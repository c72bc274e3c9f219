-- Every drift alarm gets one decision, made before anything trains (docs/loop.md, "Decisions"):
-- PENDING -> ASSESSING (ASSESS job on the window) -> [CONSOLIDATING (MERGE/ARCHIVE for a slot)] -> ACTING (the answer,
-- then remedies) -> DONE | STUCK. job_id is the job the alarm waits on now; assess_job_id the assessment.
ALTER TABLE drift_triggers
    ADD COLUMN decision       text,
    ADD COLUMN reason         text,
    ADD COLUMN evidence       jsonb,
    ADD COLUMN decided_at     timestamptz,
    ADD COLUMN segment        text,
    ADD COLUMN from_offsets   jsonb,
    ADD COLUMN to_offsets     jsonb,
    ADD COLUMN assess_job_id  uuid,
    -- the answer being carried out: {"kind": job kind, "regime": matched regime or null, "rung": 0 = no remedy}
    ADD COLUMN action         jsonb,
    -- each refused or failed answer: job, rung, remedy, the gate's verdict
    ADD COLUMN attempts       jsonb NOT NULL DEFAULT '[]',
    -- each merge or archive run to make room for the answer, with its outcome
    ADD COLUMN consolidations jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN updated_at     timestamptz NOT NULL DEFAULT now();
CREATE INDEX drift_triggers_open ON drift_triggers (stream, state)
    WHERE state IN ('ASSESSING', 'CONSOLIDATING', 'ACTING', 'STUCK');

-- Pairs of regimes whose merge the gate refused (or the worker could not do): never proposed again.
CREATE TABLE refused_merges (
    stream     text NOT NULL,
    regime_a   text NOT NULL,
    regime_b   text NOT NULL,
    job_id     uuid NOT NULL,
    refused_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stream, regime_a, regime_b)
);
