-- Background jobs that must run once across the nodes sharing this database take a
-- lease here in the transaction that does the work (crates/core/src/services/housekeeping.rs):
-- one row per job, the node holding it, until when (unix seconds), and how many times
-- it has been taken, i.e. how many runs the job has had.
CREATE TABLE job_leases (
    name       TEXT   NOT NULL PRIMARY KEY,
    holder     TEXT   NOT NULL,
    held_until BIGINT NOT NULL,
    runs       BIGINT NOT NULL
);
