-- Garbage collection of artifacts no version names. touched_at is the start of the grace period: the upload, the
-- last deduplicated re-upload, or the deletion of the last version naming the artifact.
ALTER TABLE artifacts ADD COLUMN touched_at timestamptz NOT NULL DEFAULT now();
UPDATE artifacts SET touched_at = uploaded_at;
CREATE INDEX artifacts_touched ON artifacts (touched_at);
-- the S3 sweep asks which object keys artifact rows name
CREATE INDEX artifacts_location ON artifacts (store, location);
