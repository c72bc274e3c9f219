-- Issue 14: refine versions, a regime's adapter trained further on the regime's grown window (for the base regime: a
-- first adapter serving it). Like prior/restore/archive a refine version has a parent and no merge recipe; that it
-- touches exactly one adapter is checked by the service (it needs the parent's adapters).
ALTER TABLE versions DROP CONSTRAINT versions_kind_check;
ALTER TABLE versions ADD CONSTRAINT versions_kind_check
    CHECK (kind IN ('base', 'adapter', 'merge', 'prior', 'restore', 'archive', 'refine'));
ALTER TABLE versions DROP CONSTRAINT versions_regime_kinds_have_a_parent;
ALTER TABLE versions ADD CONSTRAINT versions_regime_kinds_have_a_parent
    CHECK (kind NOT IN ('prior', 'restore', 'archive', 'refine')
           OR (parent_version IS NOT NULL AND merge_recipe IS NULL));
