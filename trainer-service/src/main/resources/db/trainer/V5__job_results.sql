-- What a succeeded job that registers no version reported (an ASSESS job's evidence); NULL for every other job.
ALTER TABLE jobs ADD COLUMN result jsonb;
-- The drift alarm a planner job answers (assessment, answer, consolidation, remedies); NULL for manual jobs.
ALTER TABLE jobs ADD COLUMN trigger_id bigint;
CREATE INDEX jobs_trigger ON jobs (trigger_id) WHERE trigger_id IS NOT NULL;
