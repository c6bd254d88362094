//! Sigil's storage: the ports of `sigil-core` implemented once in SQL for two engines,
//! SQLite (the embedded default, through rusqlite) and PostgreSQL (for several nodes,
//! through sqlx).
//!
//! The queries are written once: both databases accept `$n` placeholders, `RETURNING`
//! and `ON CONFLICT`, and every value is stored as a type both share (text, big
//! integers, booleans). The repositories are implemented once over [`db::Exec`], so
//! there is no `if sqlite { … } else { … }` anywhere and no query written twice.
mod db;
mod postgres;
mod repos;
mod sqlite;
pub mod telemetry;
pub mod testing;

use std::sync::Arc;

use anyhow::{bail, Context};
use sigil_core::ports::Store;

/// Whether the database named by `url` already holds Sigil's schema, looked at without
/// creating anything: the SQLite file exists, or PostgreSQL has the migrations table.
/// Commands other than `serve` and `migrate` ask this first, so one pointed at the wrong
/// data directory says so instead of working on a new, empty database.
pub async fn is_initialised(url: &str) -> anyhow::Result<bool> {
    if url.starts_with("sqlite:") {
        let path = sqlite::file_of(url)?;
        Ok(path.to_str().is_some_and(|p| p.starts_with(":memory:")) || path.exists())
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        postgres::has_schema(url)
            .await
            .context("connecting to PostgreSQL")
    } else {
        bail!("unsupported database URL (expected sqlite:… or postgres://…)")
    }
}

/// Waits up to `bound` for the database at `url` to take a connection, as `sigil serve`
/// does at start: a node brought up together with its PostgreSQL, or while it restarts,
/// waits for it instead of exiting. Only an outage (refused, reset, starting up, not
/// answering) is waited out; a wrong password or a missing database fails at once.
/// SQLite has nothing to wait for.
pub async fn wait_for_database(url: &str, bound: std::time::Duration) -> anyhow::Result<()> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        postgres::wait_for(url, bound)
            .await
            .context("connecting to PostgreSQL")
    } else {
        Ok(())
    }
}

/// How the store waits for and talks to its database (`[database]` in the configuration).
#[derive(Clone, Debug)]
pub struct StoreOptions {
    /// How long a request waits for a connection (PostgreSQL's pool, SQLite's writer)
    /// before it is answered 503.
    pub acquire_timeout: std::time::Duration,
    /// How long one statement may run before it is cancelled and answered 503.
    pub statement_timeout: std::time::Duration,
    /// The largest number of connections to PostgreSQL this node opens.
    pub max_connections: u32,
    /// SQLite's page cache per connection, in KiB (the writer and each reader have
    /// one; pages are cached as they are read, so this is a ceiling). The default, 8 MiB,
    /// holds the inner pages of the B-trees every profile, userinfo and sign-in walks
    /// (about 6 MiB of them at a million accounts, 13 MiB more for the users table);
    /// the leaves come from the operating system's file cache.
    pub sqlite_cache_kib: u64,
    /// How much of the SQLite file is memory-mapped, in bytes (0, the default: none).
    /// Mapped, reads need no copy from the file cache, which makes random reads of a
    /// large database faster; but every page read stays in the process's resident
    /// memory (file-backed and reclaimable, yet counted as RSS) once per connection.
    pub sqlite_mmap_bytes: u64,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            acquire_timeout: std::time::Duration::from_millis(1500),
            statement_timeout: std::time::Duration::from_millis(1500),
            max_connections: 16,
            sqlite_cache_kib: 8192,
            sqlite_mmap_bytes: 0,
        }
    }
}

/// Opens the database named by `url` (`sqlite:…` or `postgres://…`) with the default
/// options and applies the migrations.
pub async fn connect(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    connect_with(url, &StoreOptions::default()).await
}

/// Opens the database named by `url` (`sqlite:…` or `postgres://…`) and applies the
/// migrations.
pub async fn connect_with(url: &str, options: &StoreOptions) -> anyhow::Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        let store = sqlite::SqliteStore::connect(url, options)
            .await
            .with_context(|| format!("opening SQLite database {url}"))?;
        Ok(Arc::new(store))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = postgres::PgStore::connect(url, options)
            .await
            .context("connecting to PostgreSQL")?;
        Ok(Arc::new(store))
    } else {
        bail!("unsupported database URL (expected sqlite:… or postgres://…)")
    }
}

/// A schema newer than this binary knows: it refuses to work on it (serve and every
/// command), since it cannot know what the newer migrations changed.
///
/// Versions are the number of the newest migration applied (24 for `0024_…sql`), the
/// same on both engines (see `sqlite::migrate` for how SQLite records it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaTooNew {
    pub found: i64,
    pub known: i64,
}

impl std::fmt::Display for SchemaTooNew {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "The database's schema is at version {}, newer than this binary's {}: run a newer \
             Sigil or restore a backup.",
            self.found, self.known
        )
    }
}

impl std::error::Error for SchemaTooNew {}

/// Where a database's schema stands against this binary (`sigil migrate --check`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaCheck {
    /// There is no database there: no SQLite file (PostgreSQL's database not existing
    /// is an error of connecting).
    Missing,
    /// Up to date.
    Current { version: i64 },
    /// These migrations (`0024 operability`, …) would be applied, oldest first.
    Pending {
        found: i64,
        known: i64,
        pending: Vec<String>,
    },
    /// Newer than this binary: it would refuse to start.
    Newer { found: i64, known: i64 },
}

/// Looks at the schema of the database named by `url` without changing or creating
/// anything. An error means the database could not be reached or read.
pub async fn check_schema(url: &str) -> anyhow::Result<SchemaCheck> {
    if url.starts_with("sqlite:") {
        let path = sqlite::file_of(url)?;
        tokio::task::spawn_blocking(move || sqlite::check(&path)).await?
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        postgres::check(url).await
    } else {
        bail!("unsupported database URL (expected sqlite:… or postgres://…)")
    }
}

/// Writes a consistent copy of the SQLite database named by `url` to the new file `to`
/// while the server keeps running (see `sqlite::upkeep::backup`). PostgreSQL is backed
/// up with its own tools (the README's "Backup and restore").
pub async fn backup(url: &str, to: &std::path::Path) -> anyhow::Result<()> {
    if !url.starts_with("sqlite:") {
        bail!(
            "sigil backup copies a SQLite database; back PostgreSQL up with pg_dump -Fc and \
             restore it with pg_restore, as the README's \"Backup and restore\" describes"
        );
    }
    let from = sqlite::file_of(url)?;
    let to = to.to_owned();
    tokio::task::spawn_blocking(move || sqlite::backup(&from, &to)).await?
}
