-- Notices about the account: the language mail goes in when the person picked none
-- (the one they registered in), when the password was last set (identifiers linked
-- since are offered for removal), and the links in notices that secure the account
-- (stored hashed, single use).
ALTER TABLE users ADD COLUMN mail_locale TEXT;
ALTER TABLE users ADD COLUMN password_set_at BIGINT;

CREATE TABLE account_recoveries (
    token_hash    TEXT PRIMARY KEY NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    restore_email TEXT,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    used_at       BIGINT
);
CREATE INDEX account_recoveries_user ON account_recoveries (user_id);
CREATE INDEX account_recoveries_expiry ON account_recoveries (expires_at);
