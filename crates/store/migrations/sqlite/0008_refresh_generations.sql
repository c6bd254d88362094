-- Refresh tokens are `<family>.<generation>.<tag>`, tagged with a key derived from the
-- master key: the family keeps only the generation that is current, moved on in place at
-- each rotation, instead of one row per token ever issued. Tokens issued before this
-- migration were random strings looked up by hash; they stop working, and applications
-- holding them sign the person in again.
ALTER TABLE token_families ADD COLUMN refresh_generation BIGINT NOT NULL DEFAULT 0;
ALTER TABLE token_families ADD COLUMN refreshed_at BIGINT;
DROP TABLE refresh_tokens;
