-- Artifacts: content-addressed by SHA-256, stored once. The PostgreSQL store keeps a blob as 1 MiB bytea chunks
-- (blob_chunks), written while the upload streams in, inside the upload's transaction: a failed upload leaves no
-- chunk and no artifact row.
CREATE SEQUENCE blob_ids;

CREATE TABLE blob_chunks (
    blob_id bigint NOT NULL,
    seq     integer NOT NULL,
    data    bytea NOT NULL,
    PRIMARY KEY (blob_id, seq)
);
-- weights do not compress; skip pglz.
ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

CREATE TABLE artifacts (
    sha256      text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size        bigint NOT NULL CHECK (size >= 0),
    store       text NOT NULL,
    location    text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('weights', 'adapter', 'router', 'file')),
    format      text NOT NULL CHECK (format IN ('safetensors', 'binary')),
    tensors     jsonb,
    uploaded_by text NOT NULL,
    uploaded_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE version_artifacts (
    model   text NOT NULL,
    version integer NOT NULL,
    name    text NOT NULL,
    sha256  text NOT NULL REFERENCES artifacts (sha256),
    PRIMARY KEY (model, version, name),
    FOREIGN KEY (model, version) REFERENCES versions (model, version) ON DELETE CASCADE
);
CREATE INDEX version_artifacts_sha ON version_artifacts (sha256);
