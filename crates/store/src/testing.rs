//! Scratch databases for tests: a fresh SQLite file or a fresh PostgreSQL database per
//! test, so tests never share state and run against the real engines.
use std::path::Path;

use anyhow::Context;
use sqlx::{Connection, Executor, PgConnection};

/// Which engine a test runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The environment variable naming a PostgreSQL server a test may create databases on;
/// the test command (`scripts/test`) starts a throwaway one and sets it.
pub const POSTGRES_ENV: &str = "SIGIL_TEST_POSTGRES_URL";

/// A database URL for a new, empty database of `backend`, named `name` (letters,
/// digits and `_` only).
pub async fn scratch_database(backend: Backend, dir: &Path, name: &str) -> anyhow::Result<String> {
    match backend {
        Backend::Sqlite => Ok(format!(
            "sqlite://{}",
            dir.join(format!("{name}.db")).display()
        )),
        Backend::Postgres => {
            let admin = std::env::var(POSTGRES_ENV).with_context(|| {
                format!("{POSTGRES_ENV} is not set: run the tests with scripts/test, which starts PostgreSQL")
            })?;
            let mut conn = PgConnection::connect(&admin)
                .await
                .context("connecting to the test PostgreSQL")?;
            let db = format!("sigil_{name}");
            conn.execute(format!("CREATE DATABASE \"{db}\"").as_str())
                .await
                .context("creating the scratch database")?;
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            Ok(format!("{base}/{db}"))
        }
    }
}

/// The one integer that `sql` (a `SELECT COUNT(*) …` or the like) returns from the
/// database at `url`, read beside whatever server uses it: tests count rows through the
/// database itself rather than through the code under test.
pub async fn query_i64(url: &str, sql: &str) -> anyhow::Result<i64> {
    if url.starts_with("sqlite:") {
        let path = url
            .trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:");
        let conn = rusqlite::Connection::open(path.split('?').next().unwrap_or_default())?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(conn.query_row(sql, [], |r| r.get(0))?)
    } else {
        let mut conn = PgConnection::connect(url).await?;
        let n: i64 = sqlx::query_scalar(sql).fetch_one(&mut conn).await?;
        conn.close().await?;
        Ok(n)
    }
}

/// Runs `sql` (statements that change rows or the schema) on the database at `url`
/// beside whatever server uses it: tests seed rows or age a schema through the database
/// itself. Returns the rows the last statement changed (SQLite) or all did (PostgreSQL).
pub async fn execute(url: &str, sql: &str) -> anyhow::Result<u64> {
    if url.starts_with("sqlite:") {
        let path = url
            .trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:");
        let conn = rusqlite::Connection::open(path.split('?').next().unwrap_or_default())?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(sql)?;
        Ok(conn.changes())
    } else {
        let mut conn = PgConnection::connect(url).await?;
        let done = sqlx::raw_sql(sql).execute(&mut conn).await?;
        conn.close().await?;
        Ok(done.rows_affected())
    }
}

/// A read transaction held open on a SQLite database, as a long report or a backup tool
/// holds one: until it is dropped, no checkpoint gets past the snapshot it reads.
pub struct HeldSnapshot(rusqlite::Connection);

impl HeldSnapshot {
    /// Opens the SQLite database at `url` and starts reading it.
    pub fn take(url: &str) -> anyhow::Result<Self> {
        let path = url
            .trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:");
        let conn = rusqlite::Connection::open(path.split('?').next().unwrap_or_default())?;
        conn.execute_batch("BEGIN")?;
        let _: i64 = conn.query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))?;
        Ok(Self(conn))
    }
}

impl Drop for HeldSnapshot {
    fn drop(&mut self) {
        let _ = self.0.execute_batch("COMMIT");
    }
}

fn sqlite_path(url: &str) -> &str {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    path.split('?').next().unwrap_or_default()
}

/// Another process's hold on a SQLite database: an open `BEGIN EXCLUSIVE` transaction on
/// a connection of its own, as a CLI command or a backup tool may hold. Writers wait for
/// it; readers (WAL) do not. Rolled back when released or dropped.
pub struct SqliteLock {
    conn: rusqlite::Connection,
}

impl SqliteLock {
    /// Takes the write lock of the SQLite database at `url`.
    pub fn take(url: &str) -> anyhow::Result<Self> {
        let conn = rusqlite::Connection::open(sqlite_path(url))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch("BEGIN EXCLUSIVE")?;
        Ok(Self { conn })
    }

    /// Lets go of the lock, changing nothing.
    pub fn release(self) -> anyhow::Result<()> {
        self.conn.execute_batch("ROLLBACK")?;
        Ok(())
    }
}
