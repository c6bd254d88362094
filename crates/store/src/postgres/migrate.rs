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
    // Only the connection is time-boxed: migrations may rightly take long, and a node
    // may wait for another's advisory lock.
    let mut conn = super::connect_once(options).await?;
    let done = run(&mut conn, &MIGRATOR).await;
    // Ends the advisory lock too, had a failure left it taken.
    let _ = conn.close().await;
    done
}

async fn run(conn: &mut PgConnection, migrator: &Migrator) -> anyhow::Result<()> {
    let known = migrator.iter().map(|m| m.version).max().unwrap_or(0);
    if let Some(&found) = applied(conn).await?.last() {
        if found > known {
            return Err(SchemaTooNew { found, known }.into());
        }
    }
    match migrator.run(&mut *conn).await {
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
    let applied = super::asking(async {
        let mut conn = PgConnection::connect_with(&options).await?;
        let applied = applied(&mut conn).await;
        let _ = conn.close().await;
        Ok(applied?)
    })
    .await?;
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

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use crate::testing::{scratch_database, Backend};

    /// A migrator over `files` (name, SQL) written to a fresh directory.
    async fn migrator(files: &[(&str, &str)]) -> Migrator {
        let dir = std::env::temp_dir().join(format!(
            "sigil-pg-migrations-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&dir).expect("dir");
        for (name, sql) in files {
            std::fs::write(dir.join(name), sql).expect("write");
        }
        Migrator::new(dir.as_path()).await.expect("migrator")
    }

    async fn database() -> (PgConnectOptions, String) {
        let name = uuid::Uuid::new_v4().simple().to_string();
        let url = scratch_database(Backend::Postgres, &std::env::temp_dir(), &name)
            .await
            .expect("scratch database");
        (PgConnectOptions::from_str(&url).expect("url"), url)
    }

    #[tokio::test]
    async fn a_failing_migration_leaves_the_previous_version_intact() {
        let (options, _) = database().await;
        let migrations = migrator(&[
            ("0001_a.sql", "CREATE TABLE a (x BIGINT);"),
            (
                "0002_b.sql",
                "CREATE TABLE b (x BIGINT); INSERT INTO a VALUES (1); INSERT INTO nowhere VALUES (1);",
            ),
        ])
        .await;
        let mut conn = PgConnection::connect_with(&options).await.expect("connect");

        let err = run(&mut conn, &migrations).await.expect_err("0002 fails");

        assert!(format!("{err:#}").contains("nowhere"), "{err:#}");
        let mut conn = PgConnection::connect_with(&options).await.expect("connect");
        assert_eq!(applied(&mut conn).await.expect("applied"), vec![1]);
        let b: bool = sqlx::query_scalar("SELECT to_regclass('b') IS NOT NULL")
            .fetch_one(&mut conn)
            .await
            .expect("b");
        assert!(!b, "nothing of 0002 stays");
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM a")
            .fetch_one(&mut conn)
            .await
            .expect("rows");
        assert_eq!(rows, 0);
    }

    #[tokio::test]
    async fn nodes_starting_at_once_wait_for_the_lock_and_migrate_once() {
        let (options, _) = database().await;
        // Slow enough that the nodes overlap: each would fail on a table made twice.
        let migrations = migrator(&[
            (
                "0001_a.sql",
                "SELECT pg_sleep(0.5); CREATE TABLE a (x BIGINT);",
            ),
            ("0002_b.sql", "CREATE TABLE b (x BIGINT);"),
        ])
        .await;
        let node = || {
            let options = options.clone();
            let migrations = &migrations;
            async move {
                let mut conn = PgConnection::connect_with(&options).await?;
                run(&mut conn, migrations).await
            }
        };
        let (one, two, three) = tokio::join!(node(), node(), node());

        for done in [one, two, three] {
            done.expect("each node starts");
        }
        let mut conn = PgConnection::connect_with(&options).await.expect("connect");
        assert_eq!(applied(&mut conn).await.expect("applied"), vec![1, 2]);
    }

    #[tokio::test]
    async fn a_schema_newer_than_the_binary_is_refused() {
        let (options, _) = database().await;
        let newer = migrator(&[
            ("0001_a.sql", "CREATE TABLE a (x BIGINT);"),
            ("0002_b.sql", "CREATE TABLE b (x BIGINT);"),
        ])
        .await;
        let older = migrator(&[("0001_a.sql", "CREATE TABLE a (x BIGINT);")]).await;
        let mut conn = PgConnection::connect_with(&options).await.expect("connect");
        run(&mut conn, &newer).await.expect("the newer binary");

        let err = run(&mut conn, &older).await.expect_err("refused");

        assert_eq!(
            err.downcast_ref::<SchemaTooNew>(),
            Some(&SchemaTooNew { found: 2, known: 1 })
        );
    }
}
