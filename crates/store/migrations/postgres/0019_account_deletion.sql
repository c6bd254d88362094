-- Account deletion with a grace period (status 'pending_deletion'): when the person asked
-- and from when the erasure job may erase the account (unix seconds; both NULL otherwise).
ALTER TABLE users ADD COLUMN deletion_requested_at BIGINT;
ALTER TABLE users ADD COLUMN erase_after BIGINT;
CREATE INDEX users_erase_after ON users (erase_after);

-- Signing in to the console during the grace period opens no session: it hands the
-- browser a short-lived restore ticket (stored hashed) that reaches the recovery page
-- and its Restore and Sign out buttons, nothing else.
CREATE TABLE restore_tickets (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    method     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX restore_tickets_user ON restore_tickets (user_id);
CREATE INDEX restore_tickets_expiry ON restore_tickets (expires_at);
