-- Business cards: one per person, reachable at /api/cards/<slug> while active. Slugs
-- are stored lower-case, so uniqueness ignores case.
CREATE TABLE business_cards (
    user_id    TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    slug       TEXT NOT NULL UNIQUE,
    active     BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at BIGINT NOT NULL
);
