-- Identifiers: accounts at external providers linked to a profile. A provider's
-- subject belongs to one account at most.
CREATE TABLE identifiers (
    id         TEXT PRIMARY KEY NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider   TEXT NOT NULL,
    subject    TEXT NOT NULL,
    email      TEXT,
    name       TEXT,
    avatar     BLOB,
    privacy    TEXT,
    linked_at  BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT identifiers_provider_subject UNIQUE (provider, subject)
);
CREATE INDEX identifiers_user ON identifiers (user_id);

-- Authorization requests waiting for a provider's callback: the state is stored hashed,
-- the nonce and PKCE verifier sealed with the master key.
CREATE TABLE identifier_requests (
    state_hash TEXT PRIMARY KEY NOT NULL,
    provider   TEXT NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sealed     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX identifier_requests_expiry ON identifier_requests (expires_at);
