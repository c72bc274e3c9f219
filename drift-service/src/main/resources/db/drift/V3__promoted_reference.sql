-- Where a stream's reference window came from (the next samples, or the training segment of the version promoted
-- to production) and, for a promotion that fell back to the next samples, why.
ALTER TABLE monitor_state ADD COLUMN reference_source jsonb;

-- A promotion whose reference has not been installed yet: written with the registry event's inbox claim, removed in
-- the transaction that installs the reference (or records the fallback), so a crash or a rebalance in between
-- leaves it for whichever instance monitors the stream next.
CREATE TABLE reference_requests (
    stream       text PRIMARY KEY,
    id           uuid NOT NULL,
    model        text NOT NULL,
    version      int NOT NULL,
    moved_at     timestamptz,
    requested_at timestamptz NOT NULL DEFAULT now()
);
