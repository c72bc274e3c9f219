-- Streams bootstrapped from a base model an operator uploaded and promoted instead of a TRAIN_BASE job.
-- since: when production first pointed at that version; alarms raised before it are ignored.
-- probe_from/probe_to: the samples the uploaded base served before the first adapter's window, read by every later
-- job as the evaluation-only probe of segment 'base' (NULL until the first adapter is planned).
CREATE TABLE uploaded_bases (
    stream     text PRIMARY KEY,
    version    integer NOT NULL,
    since      timestamptz NOT NULL,
    probe_from jsonb,
    probe_to   jsonb,
    noticed_at timestamptz NOT NULL DEFAULT now()
);
