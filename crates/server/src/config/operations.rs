//! What running Sigil at scale needs: `[database]` (timeouts, pool, page cache),
//! `[events]` (how long the activity log is kept), `metrics_listen` and
//! `shutdown_timeout_seconds`.
use std::net::SocketAddr;

use serde::Deserialize;
use sigil_store::StoreOptions;

use super::{err, positive, ConfigError};

/// `[database]`: how long a request may wait for the database, and its caches.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DatabaseFile {
    acquire_timeout_ms: Option<i64>,
    statement_timeout_ms: Option<i64>,
    max_connections: Option<i64>,
    sqlite_cache_mib: Option<i64>,
    sqlite_mmap_mib: Option<i64>,
}

/// `[events]`: the activity log's retention.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EventsFile {
    retention_days: Option<i64>,
}

/// The settings read from those sections.
pub(super) struct Operations {
    pub store: StoreOptions,
    pub events_retention: time::Duration,
    pub metrics_listen: Option<SocketAddr>,
    pub shutdown_timeout: std::time::Duration,
}

/// The person's activity log keeps at least the last year.
const MIN_RETENTION_DAYS: i64 = 365;
/// A century: any longer keeps everything, and the date arithmetic stays in range.
const MAX_RETENTION_DAYS: i64 = 36_500;

impl Operations {
    pub fn read(
        database: Option<DatabaseFile>,
        events: Option<EventsFile>,
        metrics_listen: Option<String>,
        shutdown_timeout_seconds: Option<i64>,
    ) -> Result<Self, ConfigError> {
        let mut store = StoreOptions::default();
        let db = database.unwrap_or_default();
        let millis = |n: i64| std::time::Duration::from_millis(n.unsigned_abs());
        if let Some(n) = db.acquire_timeout_ms {
            store.acquire_timeout = positive("database.acquire_timeout_ms", n, millis)?;
        }
        if let Some(n) = db.statement_timeout_ms {
            store.statement_timeout = positive("database.statement_timeout_ms", n, millis)?;
        }
        if let Some(n) = db.max_connections {
            store.max_connections = positive("database.max_connections", n, |n| {
                u32::try_from(n).unwrap_or(u32::MAX)
            })?;
        }
        if let Some(n) = db.sqlite_cache_mib {
            store.sqlite_cache_kib =
                positive("database.sqlite_cache_mib", n, |n| n.unsigned_abs() * 1024)?;
        }
        if let Some(n) = db.sqlite_mmap_mib {
            if n < 0 {
                return Err(err(
                    "database.sqlite_mmap_mib",
                    "must be 0 (no memory-mapping) or a positive whole number",
                ));
            }
            store.sqlite_mmap_bytes = n.unsigned_abs() * 1024 * 1024;
        }
        let retention_days = events.and_then(|e| e.retention_days).unwrap_or(400);
        if !(MIN_RETENTION_DAYS..=MAX_RETENTION_DAYS).contains(&retention_days) {
            return Err(err(
                "events.retention_days",
                format!(
                    "must be from {MIN_RETENTION_DAYS} (the activity log keeps at least the \
                     last year) to {MAX_RETENTION_DAYS}"
                ),
            ));
        }
        let metrics_listen = match metrics_listen {
            Some(raw) => Some(raw.parse().map_err(|_| {
                err(
                    "SIGIL_METRICS_LISTEN (metrics_listen)",
                    format!("`{raw}` is not an address:port such as 127.0.0.1:9090"),
                )
            })?),
            None => None,
        };
        let shutdown_timeout = match shutdown_timeout_seconds {
            Some(n) => positive("shutdown_timeout_seconds", n, |n| {
                std::time::Duration::from_secs(n.unsigned_abs())
            })?,
            None => std::time::Duration::from_secs(20),
        };
        Ok(Self {
            store,
            events_retention: time::Duration::days(retention_days),
            metrics_listen,
            shutdown_timeout,
        })
    }
}
