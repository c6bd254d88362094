//! How long requests wait for a database connection (see `sigil_core::telemetry` for
//! the rest of Sigil's metrics).
use std::time::Instant;

/// The wait for a connection (a pooled one on PostgreSQL; SQLite's writer or a reader),
/// by `mode` (`read`, `write`).
pub const DB_ACQUIRE: &str = "sigil_db_acquire_seconds";

pub(crate) fn waited(mode: &'static str, since: Instant) {
    metrics::histogram!(DB_ACQUIRE, "mode" => mode).record(since.elapsed().as_secs_f64());
}

/// The `# HELP` line of [`DB_ACQUIRE`].
pub fn describe() {
    metrics::describe_histogram!(
        DB_ACQUIRE,
        metrics::Unit::Seconds,
        "Time spent waiting for a database connection, by mode."
    );
}
