-- SQLite's 0009 stores its hot tables in primary-key order (WITHOUT ROWID). PostgreSQL
-- has no such layout; its primary keys already serve lookups from one index. The number
-- is kept so both backends name the same migrations.
SELECT 1;
