-- Signing keys reach every node within seconds. Each node keeps the keys in memory; every
-- write to `signing_keys` moves this one-row counter in the same transaction, and each
-- node reads it every two seconds and reloads its keys when it moved.
CREATE TABLE signing_key_generation (
    id         INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO signing_key_generation (id, generation) VALUES (1, 0);

-- A rotation publishes a key before anyone signs with it: the key signs from
-- `active_from` on. Keys made before this migration have signed since they were made.
ALTER TABLE signing_keys ADD COLUMN active_from BIGINT NOT NULL DEFAULT 0;
UPDATE signing_keys SET active_from = created_at;

-- Housekeeping deletes expired codes, ended grants and expired revocation entries on
-- every node every ten minutes; these indexes keep that from reading whole tables.
CREATE INDEX auth_codes_expires ON auth_codes (expires_at);
CREATE INDEX token_families_expires ON token_families (expires_at);
CREATE INDEX revoked_access_tokens_expires ON revoked_access_tokens (expires_at);
