-- Platform identity, shared by every service: human users with roles and API keys for machine clients.
-- Passwords are bcrypt hashes; API keys are stored only as SHA-256 hashes of their secret part.
CREATE TABLE users (
    username      text PRIMARY KEY,
    password_hash text NOT NULL,
    roles         text[] NOT NULL,
    enabled       boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    id          uuid PRIMARY KEY,
    prefix      text NOT NULL UNIQUE,
    secret_hash bytea NOT NULL,
    name        text NOT NULL,
    role        text,
    scopes      text[] NOT NULL DEFAULT '{}',
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz,
    revoked_at  timestamptz
);

CREATE TABLE audit_log (
    id         bigserial PRIMARY KEY,
    actor      text NOT NULL,
    action     text NOT NULL,
    target     text NOT NULL,
    detail     text,
    at         timestamptz NOT NULL DEFAULT now()
);
