-- Identifiers: accounts at external providers linked to a profile. A provider's
-- subject belongs to one account at most.
CREATE TABLE identifiers (
    id         TEXT PRIMARY KEY NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider   TEXT NOT NULL,
    subject    TEXT NOT NULL,
    email      TEXT,
    name       TEXT,
    avatar     BYTEA,
    privacy    TEXT,
    linked_at  BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT identifiers_provider_subject UNIQUE (provider, subject)
);
CREATE INDEX identifiers_user ON identifiers (user_id);

-- Authorization requests waiting for a provider's callback: the state is stored hashed,
-- the nonce and PKCE verifier sealed with the master key. A request to link names its
-- person; a request to sign in names none, but the hash of the browser's form token
-- (binding) and where to go afterwards (next).
CREATE TABLE identifier_requests (
    state_hash TEXT PRIMARY KEY NOT NULL,
    provider   TEXT NOT NULL,
    user_id    TEXT REFERENCES users (id) ON DELETE CASCADE,
    binding    TEXT,
    next       TEXT,
    sealed     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX identifier_requests_expiry ON identifier_requests (expires_at);

-- How each sign-in was made (`pwd`, or `provider:<id>`), carried to the codes and grants
-- made under it for the ID token's amr. Rows from before are password sign-ins.
ALTER TABLE sessions ADD COLUMN method TEXT;
ALTER TABLE auth_codes ADD COLUMN method TEXT;
ALTER TABLE token_families ADD COLUMN method TEXT;
