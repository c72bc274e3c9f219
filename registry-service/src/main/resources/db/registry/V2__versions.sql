-- Versions: immutable once registered, numbered 1, 2, 3, ... per model (models.next_version is the counter and the
-- row lock that serialises concurrent registrations). Lineage edges: the parent and the versions whose adapters a
-- merge was made from; an edge always points to an older version, so the graph cannot have a cycle.
ALTER TABLE models ADD COLUMN next_version integer NOT NULL DEFAULT 1;

CREATE TABLE versions (
    model          text NOT NULL REFERENCES models (name),
    version        integer NOT NULL CHECK (version > 0),
    kind           text NOT NULL CHECK (kind IN ('base', 'adapter', 'merge')),
    parent_version integer,
    job_id         text,
    adapters       jsonb NOT NULL DEFAULT '[]',
    router         jsonb,
    merge_recipe   jsonb,
    metrics        jsonb NOT NULL DEFAULT '{}',
    description    text,
    created_by     text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    served_at      timestamptz,
    PRIMARY KEY (model, version),
    FOREIGN KEY (model, parent_version) REFERENCES versions (model, version),
    CHECK (parent_version IS NULL OR parent_version < version)
);
CREATE INDEX versions_model_kind ON versions (model, kind, version);
CREATE INDEX versions_job ON versions (job_id) WHERE job_id IS NOT NULL;

CREATE TABLE version_edges (
    model    text NOT NULL,
    version  integer NOT NULL,
    ancestor integer NOT NULL,
    relation text NOT NULL CHECK (relation IN ('parent', 'merged-from')),
    adapter  text NOT NULL DEFAULT '',
    PRIMARY KEY (model, version, relation, ancestor, adapter),
    FOREIGN KEY (model, version) REFERENCES versions (model, version) ON DELETE CASCADE,
    FOREIGN KEY (model, ancestor) REFERENCES versions (model, version),
    CHECK (ancestor < version)
);
CREATE INDEX version_edges_ancestor ON version_edges (model, ancestor);

-- Append-only audit log of who did what to which version and why.
CREATE TABLE audit_events (
    id         bigserial PRIMARY KEY,
    model      text NOT NULL,
    version    integer,
    action     text NOT NULL,
    actor      text NOT NULL,
    reason     text,
    details    jsonb NOT NULL DEFAULT '{}',
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_model ON audit_events (model, id);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END
$$;
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

-- Aliases: a name (production, previous, candidate or user-defined) pointing at one version; unique per model.
CREATE TABLE aliases (
    model      text NOT NULL REFERENCES models (name),
    alias      text NOT NULL,
    version    integer NOT NULL,
    moved_by   text NOT NULL,
    moved_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (model, alias),
    FOREIGN KEY (model, version) REFERENCES versions (model, version)
);
CREATE INDEX aliases_version ON aliases (model, version);
