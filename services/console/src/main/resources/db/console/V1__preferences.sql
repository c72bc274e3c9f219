-- Per-user console preferences (e.g. the last stream looked at).
CREATE TABLE preferences (
    username   text NOT NULL,
    key        text NOT NULL,
    value      text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (username, key)
);
