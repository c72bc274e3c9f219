-- Issue 14: versions that change which regimes are served without training (prior: a regime's class priors
-- re-estimated; restore: a known regime served by its adapter again; archive: regimes taken out of routing), and
-- evaluation segments that were archived when the report was made (the gate does not bound their forgetting or
-- flips; the accuracy matrix still shows them).
ALTER TABLE versions DROP CONSTRAINT versions_kind_check;
ALTER TABLE versions ADD CONSTRAINT versions_kind_check
    CHECK (kind IN ('base', 'adapter', 'merge', 'prior', 'restore', 'archive'));
-- The service checks this first and answers 400 naming the field; the table keeps it true whatever writes to it.
ALTER TABLE versions ADD CONSTRAINT versions_regime_kinds_have_a_parent
    CHECK (kind NOT IN ('prior', 'restore', 'archive') OR (parent_version IS NOT NULL AND merge_recipe IS NULL));

-- Whether the metric's segment was archived in that report (accuracy:<segment> only; false for every other metric).
ALTER TABLE evaluation_metrics ADD COLUMN archived boolean NOT NULL DEFAULT false;
