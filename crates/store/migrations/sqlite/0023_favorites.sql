-- A person's favourite applications from the catalog, shown in the console's sidebar in
-- the order added: `seq` is one more than the person's highest when added (ties, from
-- two additions at the same instant, fall back to added_at and client_id).
CREATE TABLE favorites (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id  TEXT NOT NULL REFERENCES applications (client_id) ON DELETE CASCADE,
    added_at   BIGINT NOT NULL,
    seq        BIGINT NOT NULL,
    PRIMARY KEY (user_id, client_id)
);
CREATE INDEX favorites_order ON favorites (user_id, seq);
