-- What a million accounts need of the schema (issue 17). SQLite's migration of the same
-- number also stores `consents` in the order of its key; PostgreSQL's tables are heaps
-- with a separate primary-key index either way, so only the indexes change here:
-- almost every person has no phone number and no erasure date, so the indexes on those
-- columns keep only the rows that have one, instead of an entry per account that every
-- registration writes. A lookup by value (`phone = $1`, `erase_after <= $1`) implies the
-- column is not NULL, so the planner still uses them.
DROP INDEX users_phone;
CREATE UNIQUE INDEX users_phone ON users (phone) WHERE phone IS NOT NULL;
DROP INDEX users_erase_after;
CREATE INDEX users_erase_after ON users (erase_after) WHERE erase_after IS NOT NULL;
