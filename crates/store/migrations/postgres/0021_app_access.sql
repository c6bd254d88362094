-- Who may sign in to an application marked closed (invitation only): one row per person
-- and application, however it was granted. `source` is 'invitation' (accepted by link or
-- on the Requests tab), 'registration' (granted when a new account verified an invited
-- address) or 'operator' (granted by the CLI or the admin API); `invitation_id` names
-- the invitation it came from, if any.
CREATE TABLE app_access (
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id     TEXT NOT NULL REFERENCES applications (client_id) ON DELETE CASCADE,
    source        TEXT NOT NULL,
    invitation_id TEXT,
    granted_at    BIGINT NOT NULL,
    PRIMARY KEY (user_id, client_id)
);
CREATE INDEX app_access_client ON app_access (client_id);
