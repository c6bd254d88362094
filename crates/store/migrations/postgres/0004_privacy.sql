-- The person's privacy level per field (catalogue fields, email, phone; identifiers and
-- the photo later). A field without a row has the operator's default.
CREATE TABLE field_privacy (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    field_key  TEXT NOT NULL,
    level      TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, field_key)
);
