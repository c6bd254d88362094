-- Attempt limits move from one row per failure, counted with a snapshot read before the
-- check and written after it (so simultaneous requests all passed), to one counter row per
-- key that a check locks, counts and saves inside one transaction before the costly check
-- runs (crates/core/src/throttle.rs). Counts in flight when this runs are dropped: at
-- worst an attacker gets one more window.
DROP TABLE auth_failures;
CREATE TABLE attempt_counters (
    key          TEXT   NOT NULL PRIMARY KEY,
    window_start BIGINT NOT NULL,
    attempts     BIGINT NOT NULL,
    refused      BIGINT NOT NULL,
    last_at      BIGINT NOT NULL
);
CREATE INDEX attempt_counters_window ON attempt_counters (window_start);
