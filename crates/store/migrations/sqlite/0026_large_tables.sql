-- What a million accounts need of the schema (issue 17):
-- - `consents` is read at every sign-in and code flow by its key (person, application):
--   stored in the order of that key (WITHOUT ROWID) like the tables of 0009, a lookup
--   walks one B-tree instead of the key's index and then the table, and the key's index
--   (a third of the table's pages) is gone. Rebuilt the way SQLite documents for changes
--   ALTER TABLE cannot make (https://sqlite.org/lang_altertable.html §7).
-- - Almost every person has no phone number and no erasure date: the indexes on those
--   columns keep only the rows that have one, instead of an entry per account that every
--   registration writes. A lookup by value (`phone = $1`, `erase_after <= $1`) implies
--   the column is not NULL, so both engines still use them.
CREATE TABLE new_consents (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id  TEXT NOT NULL REFERENCES applications (client_id) ON DELETE CASCADE,
    scopes     TEXT NOT NULL,
    granted_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, client_id)
) WITHOUT ROWID;
INSERT INTO new_consents (user_id, client_id, scopes, granted_at, updated_at)
SELECT user_id, client_id, scopes, granted_at, updated_at FROM consents;
DROP TABLE consents;
ALTER TABLE new_consents RENAME TO consents;

DROP INDEX users_phone;
CREATE UNIQUE INDEX users_phone ON users (phone) WHERE phone IS NOT NULL;
DROP INDEX users_erase_after;
CREATE INDEX users_erase_after ON users (erase_after) WHERE erase_after IS NOT NULL;
