-- Profile photos: each stored size is an image of its own, named by the SHA-256 of its
-- bytes and served at /public/images/profile/<hash>.
CREATE TABLE images (
    hash         TEXT PRIMARY KEY NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX images_user ON images (user_id);
ALTER TABLE users ADD COLUMN photo TEXT;
ALTER TABLE users ADD COLUMN photo_small TEXT;
