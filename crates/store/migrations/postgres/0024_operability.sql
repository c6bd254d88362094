-- What operating at scale needs of the schema (issue 17):
-- - the activity log is purged by age in small batches (`[events] retention_days`), so
--   the rows past retention are found through an index on their time, not by a scan;
-- - the server counts operators at every start (to make the first one): only the few
--   operators are in this partial index, so counting them is a seek at any number of
--   accounts instead of a scan of every user;
-- - `/metrics` counts the live sessions at every scrape, and housekeeping deletes the
--   expired ones: both by expiry, through this index rather than a scan of the table.
CREATE INDEX events_at ON events (at);
CREATE INDEX users_operators ON users (id) WHERE is_operator = TRUE;
CREATE INDEX sessions_expires ON sessions (expires_at);
