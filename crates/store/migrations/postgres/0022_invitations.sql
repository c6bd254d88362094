-- Invitations to closed applications. Each is bound to one application and one address
-- (normalised as the account's email is), carries a single-use token stored hashed, and
-- expires. `status`: 'pending', 'accepted', 'declined', 'revoked' (by the operator) or
-- 'replaced' (the same address was invited to the same application again). At most one
-- pending invitation per application and address. `user_id` is who accepted or declined
-- it; `locale` the language the mail was written in.
CREATE TABLE invitations (
    id          TEXT PRIMARY KEY NOT NULL,
    client_id   TEXT NOT NULL REFERENCES applications (client_id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    status      TEXT NOT NULL DEFAULT 'pending',
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    decided_at  BIGINT,
    user_id     TEXT REFERENCES users (id) ON DELETE SET NULL,
    locale      TEXT,
    message_id  BIGINT
);
CREATE UNIQUE INDEX invitations_open ON invitations (client_id, email) WHERE status = 'pending';
CREATE INDEX invitations_email ON invitations (email, status, expires_at);
