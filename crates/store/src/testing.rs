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
