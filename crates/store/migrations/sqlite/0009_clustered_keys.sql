-- The tables every token request reads are stored in the order of their primary keys
-- (WITHOUT ROWID): a lookup by key walks one B-tree instead of the key's index and then
-- the table, and a person's fields lie together. Each table is rebuilt the way SQLite
-- documents for changes ALTER TABLE cannot make (https://sqlite.org/lang_altertable.html
-- §7); foreign keys are off while the migrations run and checked when they are done.
CREATE TABLE new_users (
    id              TEXT PRIMARY KEY NOT NULL,
    login           TEXT UNIQUE,
    email           TEXT UNIQUE,
    email_verified  BOOLEAN NOT NULL DEFAULT FALSE,
    password_hash   TEXT,
    status          TEXT NOT NULL DEFAULT 'active',
    is_operator     BOOLEAN NOT NULL DEFAULT FALSE,
    locale          TEXT,
    profile_private BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    phone           TEXT,
    photo           TEXT,
    photo_small     TEXT
) WITHOUT ROWID;
INSERT INTO new_users (id, login, email, email_verified, password_hash, status, is_operator,
                       locale, profile_private, created_at, updated_at, phone, photo, photo_small)
SELECT id, login, email, email_verified, password_hash, status, is_operator,
       locale, profile_private, created_at, updated_at, phone, photo, photo_small FROM users;
DROP TABLE users;
ALTER TABLE new_users RENAME TO users;
CREATE UNIQUE INDEX users_phone ON users (phone);

CREATE TABLE new_field_values (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    field_key  TEXT NOT NULL,
    value      TEXT NOT NULL,
    privacy    TEXT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, field_key)
) WITHOUT ROWID;
INSERT INTO new_field_values (user_id, field_key, value, privacy, updated_at)
SELECT user_id, field_key, value, privacy, updated_at FROM field_values;
DROP TABLE field_values;
ALTER TABLE new_field_values RENAME TO field_values;

CREATE TABLE new_field_privacy (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    field_key  TEXT NOT NULL,
    level      TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, field_key)
) WITHOUT ROWID;
INSERT INTO new_field_privacy (user_id, field_key, level, updated_at)
SELECT user_id, field_key, level, updated_at FROM field_privacy;
DROP TABLE field_privacy;
ALTER TABLE new_field_privacy RENAME TO field_privacy;

CREATE TABLE new_sessions (
    id_hash      TEXT PRIMARY KEY NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    auth_time    BIGINT NOT NULL,
    ip           TEXT,
    device       TEXT,
    browser      TEXT,
    sid          TEXT,
    method       TEXT
) WITHOUT ROWID;
INSERT INTO new_sessions (id_hash, user_id, created_at, last_seen_at, expires_at, auth_time,
                          ip, device, browser, sid, method)
SELECT id_hash, user_id, created_at, last_seen_at, expires_at, auth_time,
       ip, device, browser, sid, method FROM sessions;
DROP TABLE sessions;
ALTER TABLE new_sessions RENAME TO sessions;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE new_applications (
    client_id                 TEXT PRIMARY KEY NOT NULL,
    secret_hash               TEXT,
    name                      TEXT NOT NULL,
    description               TEXT NOT NULL,
    app_type                  TEXT NOT NULL,
    logo_url                  TEXT,
    home_url                  TEXT,
    redirect_uris             TEXT NOT NULL,
    post_logout_redirect_uris TEXT NOT NULL,
    grant_types               TEXT NOT NULL,
    scopes                    TEXT NOT NULL,
    access_token_ttl          BIGINT NOT NULL,
    id_token_ttl              BIGINT NOT NULL,
    refresh_token_ttl         BIGINT NOT NULL,
    signing_alg               TEXT NOT NULL,
    closed                    BOOLEAN NOT NULL DEFAULT FALSE,
    in_catalog                BOOLEAN NOT NULL DEFAULT FALSE,
    created_at                BIGINT NOT NULL
) WITHOUT ROWID;
INSERT INTO new_applications (client_id, secret_hash, name, description, app_type, logo_url,
                              home_url, redirect_uris, post_logout_redirect_uris, grant_types,
                              scopes, access_token_ttl, id_token_ttl, refresh_token_ttl,
                              signing_alg, closed, in_catalog, created_at)
SELECT client_id, secret_hash, name, description, app_type, logo_url,
       home_url, redirect_uris, post_logout_redirect_uris, grant_types,
       scopes, access_token_ttl, id_token_ttl, refresh_token_ttl,
       signing_alg, closed, in_catalog, created_at FROM applications;
DROP TABLE applications;
ALTER TABLE new_applications RENAME TO applications;

CREATE TABLE new_token_families (
    id                 TEXT PRIMARY KEY NOT NULL,
    client_id          TEXT NOT NULL REFERENCES applications (client_id) ON DELETE CASCADE,
    user_id            TEXT REFERENCES users (id) ON DELETE CASCADE,
    session_hash       TEXT,
    sid                TEXT,
    scopes             TEXT NOT NULL,
    auth_time          BIGINT,
    nonce              TEXT,
    created_at         BIGINT NOT NULL,
    expires_at         BIGINT NOT NULL,
    revoked_at         BIGINT,
    method             TEXT,
    refresh_generation BIGINT NOT NULL DEFAULT 0,
    refreshed_at       BIGINT
) WITHOUT ROWID;
INSERT INTO new_token_families (id, client_id, user_id, session_hash, sid, scopes, auth_time,
                                nonce, created_at, expires_at, revoked_at, method,
                                refresh_generation, refreshed_at)
SELECT id, client_id, user_id, session_hash, sid, scopes, auth_time,
       nonce, created_at, expires_at, revoked_at, method,
       refresh_generation, refreshed_at FROM token_families;
DROP TABLE token_families;
ALTER TABLE new_token_families RENAME TO token_families;
CREATE INDEX token_families_session ON token_families (session_hash);
CREATE INDEX token_families_user ON token_families (user_id, client_id);
