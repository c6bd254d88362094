-- Accounts, profile values, sessions, the activity log and failed-attempt counters.
-- Timestamps are Unix seconds (UTC) in both backends.
CREATE TABLE users (
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
    updated_at      BIGINT NOT NULL
);

CREATE TABLE field_values (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    field_key  TEXT NOT NULL,
    value      TEXT NOT NULL,
    privacy    TEXT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, field_key)
);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    auth_time    BIGINT NOT NULL,
    ip           TEXT,
    device       TEXT,
    browser      TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE events (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        BIGINT NOT NULL,
    user_id   TEXT,
    category  TEXT NOT NULL,
    client_id TEXT,
    ip        TEXT,
    device    TEXT,
    browser   TEXT,
    details   TEXT NOT NULL DEFAULT 'null'
);
CREATE INDEX events_user ON events (user_id, id);

CREATE TABLE auth_failures (
    id  INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    at  BIGINT NOT NULL
);
CREATE INDEX auth_failures_key ON auth_failures (key, at);
