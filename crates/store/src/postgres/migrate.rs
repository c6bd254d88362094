//! PostgreSQL's schema: the numbered migrations, applied by sqlx's migrator.
//!
//! What sqlx 0.8 does, read in its source (`sqlx-core` `Migrator::run_direct`,
//! `sqlx-postgres` `migrate.rs`): it takes `pg_advisory_lock` on a key derived from the
//! database's name before it reads what was applied, so a second node starting at the
//! same moment waits until the first is done and then finds nothing left to do; it runs
//! each migration in a transaction of its own together with the row that records it,
//! so a failing one leaves no trace and the schema stays at the previous version; and it
//! refuses a database that records a migration it does not know. It releases the lock
//! only after success, so the migrations run on a connection of their own that is
//! closed afterwards whatever happened, never on one the pool would hand out again
//! still holding the lock.
//!
//! Versions are the migrations' numbers (`_sqlx_migrations.version`), as on SQLite.
use std::collections::HashSet;

use anyhow::Context;
use sqlx::migrate::{MigrateError, Migrator};
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

use crate::{SchemaCheck, SchemaTooNew};

static MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// The newest version this binary knows.
pub(super) fn latest() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// The versions the database records as applied (none before the first migration).
async fn applied(conn: &mut PgConnection) -> sqlx::Result<Vec<i64>> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(&mut *conn)
        .await?;
    if !exists {
        return Ok(Vec::new());
    }
    sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
        .fetch_all(conn)
        .await
}

/// Brings the schema up to date; refuses a schema newer than this binary knows.
pub(super) async fn migrate(options: &PgConnectOptions) -> anyhow::Result<()> {
    let mut conn = PgConnection::connect_with(options).await?;
    let done = run(&mut conn).await;
    // Ends the advisory lock too, had a failure left it taken.
    let _ = conn.close().await;
    done
}

async fn run(conn: &mut PgConnection) -> anyhow::Result<()> {
    let known = latest();
    if let Some(&found) = applied(conn).await?.last() {
        if found > known {
            return Err(SchemaTooNew { found, known }.into());
        }
    }
    match MIGRATOR.run(&mut *conn).await {
        Ok(()) => Ok(()),
        // Another node of a newer release migrated after the look above.
        Err(MigrateError::VersionMissing(found)) if found > known => {
            Err(SchemaTooNew { found, known }.into())
        }
        Err(e) => Err(e).context("migrating the database"),
    }
}

/// Where the database at `url` stands, read without changing anything.
pub(crate) async fn check(url: &str) -> anyhow::Result<SchemaCheck> {
    use std::str::FromStr;
    let options = PgConnectOptions::from_str(url)?;
    let mut conn = PgConnection::connect_with(&options).await?;
    let applied = applied(&mut conn).await;
    let _ = conn.close().await;
    let applied = applied?;
    let found = applied.last().copied().unwrap_or(0);
    let known = latest();
    let done: HashSet<i64> = applied.into_iter().collect();
    let pending: Vec<String> = MIGRATOR
        .iter()
        .filter(|m| m.migration_type.is_up_migration() && !done.contains(&m.version))
        .map(|m| format!("{:04} {}", m.version, m.description))
        .collect();
    Ok(if found > known {
        SchemaCheck::Newer { found, known }
    } else if pending.is_empty() {
        SchemaCheck::Current { version: found }
    } else {
        SchemaCheck::Pending {
            found,
            known,
            pending,
        }
    })
}
