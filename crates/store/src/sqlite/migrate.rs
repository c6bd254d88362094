//! SQLite's schema: the numbered migrations, each applied in a transaction of its own
//! under the database's write lock, and the version they leave.
//!
//! # Versions
//! A schema's version is the number of the newest migration applied to it: 24 once
//! `0024_operability.sql` ran, on SQLite as on PostgreSQL (whose `_sqlx_migrations` records
//! the numbers themselves), in `Store::schema_state`, `sigil migrate --check` and every
//! message. SQLite keeps it in the file header's `user_version`. Up to 0023 that field
//! counted the migrations applied (rusqlite_migration's meaning) and, 0012 never having
//! been used, the count 22 stands for version 23; from 0024 on it holds the number
//! itself. The two readings never meet: no count passed 22 and no number below 24 is
//! stored (a migration up to 0023 is still recorded by its count).
//!
//! # Several processes at once
//! Each pending migration runs in a `BEGIN IMMEDIATE` transaction, which holds SQLite's
//! write lock from its start, and reads the version again inside it: a second process
//! starting at the same moment waits for the lock, then finds the migration applied and
//! goes on with the next or stops. A migration that fails is rolled back whole, the
//! version with it, so the schema stays at the last one that succeeded.
use std::time::Duration;

use anyhow::Context;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::{SchemaCheck, SchemaTooNew};

/// The migrations, in order; the same numbered files as PostgreSQL's.
pub(super) const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_accounts.sql",
        include_str!("../../migrations/sqlite/0001_accounts.sql"),
    ),
    (
        "0002_oidc.sql",
        include_str!("../../migrations/sqlite/0002_oidc.sql"),
    ),
    (
        "0003_contacts.sql",
        include_str!("../../migrations/sqlite/0003_contacts.sql"),
    ),
    (
        "0004_privacy.sql",
        include_str!("../../migrations/sqlite/0004_privacy.sql"),
    ),
    (
        "0005_cards.sql",
        include_str!("../../migrations/sqlite/0005_cards.sql"),
    ),
    (
        "0006_photos.sql",
        include_str!("../../migrations/sqlite/0006_photos.sql"),
    ),
    (
        "0007_identifiers.sql",
        include_str!("../../migrations/sqlite/0007_identifiers.sql"),
    ),
    (
        "0008_refresh_generations.sql",
        include_str!("../../migrations/sqlite/0008_refresh_generations.sql"),
    ),
    (
        "0009_clustered_keys.sql",
        include_str!("../../migrations/sqlite/0009_clustered_keys.sql"),
    ),
    (
        "0010_app_pkce.sql",
        include_str!("../../migrations/sqlite/0010_app_pkce.sql"),
    ),
    (
        "0011_key_generation.sql",
        include_str!("../../migrations/sqlite/0011_key_generation.sql"),
    ),
    (
        "0013_account_notices.sql",
        include_str!("../../migrations/sqlite/0013_account_notices.sql"),
    ),
    (
        "0014_attempt_counters.sql",
        include_str!("../../migrations/sqlite/0014_attempt_counters.sql"),
    ),
    (
        "0015_job_leases.sql",
        include_str!("../../migrations/sqlite/0015_job_leases.sql"),
    ),
    (
        "0016_recovery_order.sql",
        include_str!("../../migrations/sqlite/0016_recovery_order.sql"),
    ),
    (
        "0017_event_os.sql",
        include_str!("../../migrations/sqlite/0017_event_os.sql"),
    ),
    (
        "0018_backchannel_logout.sql",
        include_str!("../../migrations/sqlite/0018_backchannel_logout.sql"),
    ),
    (
        "0019_account_deletion.sql",
        include_str!("../../migrations/sqlite/0019_account_deletion.sql"),
    ),
    (
        "0020_session_os.sql",
        include_str!("../../migrations/sqlite/0020_session_os.sql"),
    ),
    (
        "0021_app_access.sql",
        include_str!("../../migrations/sqlite/0021_app_access.sql"),
    ),
    (
        "0022_invitations.sql",
        include_str!("../../migrations/sqlite/0022_invitations.sql"),
    ),
    (
        "0023_favorites.sql",
        include_str!("../../migrations/sqlite/0023_favorites.sql"),
    ),
    (
        "0024_operability.sql",
        include_str!("../../migrations/sqlite/0024_operability.sql"),
    ),
    (
        "0025_application_generation.sql",
        include_str!("../../migrations/sqlite/0025_application_generation.sql"),
    ),
    (
        "0026_large_tables.sql",
        include_str!("../../migrations/sqlite/0026_large_tables.sql"),
    ),
    (
        "0027_profile_version.sql",
        include_str!("../../migrations/sqlite/0027_profile_version.sql"),
    ),
    (
        "0028_profile_fields.sql",
        include_str!("../../migrations/sqlite/0028_profile_fields.sql"),
    ),
];

/// The highest `user_version` that counts migrations instead of naming one (see the
/// module's doc).
const LAST_COUNT: i64 = 22;

/// How long a process waits for another's migrations to finish (rebuilding a large table
/// takes a while) before it gives up.
const MIGRATION_WAIT: Duration = Duration::from_secs(300);

/// The number a migration's file name starts with (`0024_operability.sql` → 24).
pub(super) fn number(name: &str) -> i64 {
    name.split('_')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_default()
}

/// How a migration is named to the operator: `0024 operability`, as for PostgreSQL.
fn title(name: &str) -> String {
    let stem = name.trim_end_matches(".sql");
    match stem.split_once('_') {
        Some((n, rest)) => format!("{n} {}", rest.replace('_', " ")),
        None => stem.to_owned(),
    }
}

/// The newest version this binary knows.
pub(super) fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |(name, _)| number(name))
}

/// The version a stored `user_version` stands for.
fn version_of(stored: i64) -> i64 {
    match usize::try_from(stored) {
        Ok(0) => 0,
        Ok(count) if stored <= LAST_COUNT => MIGRATIONS
            .get(count - 1)
            .map_or(stored, |(name, _)| number(name)),
        _ => stored,
    }
}

/// The `user_version` that records `version`.
fn stored_for(version: i64) -> i64 {
    match MIGRATIONS
        .iter()
        .position(|(name, _)| number(name) == version)
    {
        Some(i) if version <= LAST_COUNT + 1 => i as i64 + 1,
        _ => version,
    }
}

/// The version of the schema `conn` sees. A database made before rusqlite recorded its
/// migrations in sqlx's table instead, which counts them as well.
pub(super) fn version(conn: &Connection) -> rusqlite::Result<i64> {
    let stored: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if stored != 0 {
        return Ok(version_of(stored));
    }
    let sqlx_done: i64 = conn.query_row(
        "SELECT COUNT(*) FROM sqlite_master WHERE name = '_sqlx_migrations'",
        [],
        |r| r.get(0),
    )?;
    if sqlx_done == 0 {
        return Ok(0);
    }
    let applied: i64 = conn.query_row(
        "SELECT COUNT(*) FROM _sqlx_migrations WHERE success",
        [],
        |r| r.get(0),
    )?;
    Ok(version_of(applied))
}

/// Brings the schema up to date; returns the migrations this process applied (none when
/// it was up to date, or another process applied them first). Refuses a schema newer
/// than this binary knows.
pub(super) fn migrate(conn: &mut Connection) -> anyhow::Result<Vec<&'static str>> {
    apply(conn, MIGRATIONS)
}

pub(super) fn apply(
    conn: &mut Connection,
    migrations: &[(&'static str, &str)],
) -> anyhow::Result<Vec<&'static str>> {
    let known = migrations.last().map_or(0, |(name, _)| number(name));
    // Nothing pending is the common case: answered by one read, without the write lock
    // and without checking the references of every row (seconds at a million accounts).
    let found = version(conn)?;
    if found > known {
        return Err(SchemaTooNew { found, known }.into());
    }
    if found == known {
        return Ok(Vec::new());
    }
    // A migration that rebuilds a table drops the old one: with foreign keys on, that
    // would delete every row referring to it. They are off while migrations run (the
    // pragma does nothing inside a transaction) and each migration's references are
    // checked before it commits.
    conn.busy_timeout(MIGRATION_WAIT)?;
    conn.pragma_update(None, "foreign_keys", false)?;
    let applied = apply_pending(conn, migrations, known);
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.busy_timeout(super::BUSY)?;
    applied
}

fn apply_pending(
    conn: &mut Connection,
    migrations: &[(&'static str, &str)],
    known: i64,
) -> anyhow::Result<Vec<&'static str>> {
    let mut applied = Vec::new();
    loop {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .context("waiting for the database's write lock to migrate")?;
        let found = version(&tx)?;
        if found > known {
            return Err(SchemaTooNew { found, known }.into());
        }
        let Some((name, sql)) = migrations.iter().find(|(name, _)| number(name) > found) else {
            // Up to date (maybe by another process's hand); dropping `tx` ends it.
            if !applied.is_empty() {
                tracing::info!(count = applied.len(), version = found, "migrated");
            }
            return Ok(applied);
        };
        let stays = || format!("the schema stays at version {found}");
        tx.execute_batch(sql)
            .with_context(|| format!("migration {name} failed, {}", stays()))?;
        let broken: i64 =
            tx.query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })?;
        anyhow::ensure!(
            broken == 0,
            "migration {name} left {broken} rows referring to rows that do not exist, {}",
            stays()
        );
        tx.pragma_update(None, "user_version", stored_for(number(name)))?;
        tx.commit()
            .with_context(|| format!("committing migration {name}, {}", stays()))?;
        tracing::debug!(migration = name, "applied");
        applied.push(*name);
    }
}

/// Where the database at `path` stands, read without writing to it and without
/// creating it.
pub(crate) fn check(path: &std::path::Path) -> anyhow::Result<SchemaCheck> {
    if !path.exists() {
        return Ok(SchemaCheck::Missing);
    }
    let read_only = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    // With no WAL beside it, the file holds every commit and no server has it open:
    // read it as immutable, which makes no `-wal` and `-shm` files (a server starting
    // meanwhile writes to a new WAL, never into the file under this read).
    let conn = if super::upkeep::wal_of(path).exists() {
        Connection::open_with_flags(path, read_only)?
    } else {
        Connection::open_with_flags(immutable_uri(path)?, read_only | OpenFlags::SQLITE_OPEN_URI)?
    };
    conn.busy_timeout(super::BUSY)?;
    let found = version(&conn)?;
    let known = latest();
    Ok(if found > known {
        SchemaCheck::Newer { found, known }
    } else if found == known {
        SchemaCheck::Current { version: found }
    } else {
        SchemaCheck::Pending {
            found,
            known,
            pending: MIGRATIONS
                .iter()
                .filter(|(name, _)| number(name) > found)
                .map(|(name, _)| title(name))
                .collect(),
        }
    })
}

/// `file:PATH?immutable=1`, with the characters a URI gives meaning to escaped.
fn immutable_uri(path: &std::path::Path) -> anyhow::Result<String> {
    let path = path
        .to_str()
        .ok_or_else(|| anyhow::anyhow!("{} is not a UTF-8 path", path.display()))?;
    let escaped = path
        .replace('%', "%25")
        .replace('?', "%3f")
        .replace('#', "%23");
    Ok(format!("file:{escaped}?immutable=1"))
}

#[cfg(test)]
mod tests;
