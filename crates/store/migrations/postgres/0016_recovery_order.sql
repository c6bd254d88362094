-- The order in which an account's notice links were made. Using a link spends it and
-- every link of the account made at or after it (they went to addresses at least as
-- recent, possibly an intruder's), while older ones stay open; created_at has whole
-- seconds, so links made in the same second need this to tell which came first.
-- Links made before this migration keep the order of their creation time.
ALTER TABLE account_recoveries ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
UPDATE account_recoveries SET seq = created_at;
