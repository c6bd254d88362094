//! The migrations against real SQLite files: versions, failures, races, checks.
use std::path::{Path, PathBuf};

use super::*;
use crate::StoreOptions;

/// A fresh database file for one test.
fn scratch(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "sigil-migrate-{name}-{}-{}.db",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    let _ = std::fs::remove_file(&path);
    path
}

fn connection(path: &Path) -> Connection {
    super::super::open(path, &StoreOptions::default()).expect("open")
}

fn stored(conn: &Connection) -> i64 {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version")
}

#[test]
fn every_version_is_stored_and_read_back_as_its_number() {
    for (name, _) in MIGRATIONS {
        let n = number(name);
        assert_eq!(version_of(stored_for(n)), n, "{name}");
    }
    // What rusqlite_migration left: 22 migrations applied, the newest 0023.
    assert_eq!(version_of(22), 23);
    assert_eq!(version_of(11), 11);
    assert_eq!(version_of(12), 13);
    assert_eq!(stored_for(24), 24);
    assert_eq!(version_of(25), 25);
    assert_eq!(latest(), 28);
    assert_eq!(title("0024_operability.sql"), "0024 operability");
}

#[test]
fn a_database_left_at_the_old_count_gets_only_the_new_migrations() {
    let path = scratch("count");
    let mut conn = connection(&path);
    apply(&mut conn, &MIGRATIONS[..22]).expect("up to 0023");
    assert_eq!(stored(&conn), 22, "counted, as rusqlite_migration did");
    assert_eq!(version(&conn).expect("version"), 23);

    let applied = migrate(&mut conn).expect("migrate");

    let newer: Vec<&str> = MIGRATIONS[22..].iter().map(|(name, _)| *name).collect();
    assert_eq!(applied, newer);
    assert_eq!(applied[0], "0024_operability.sql");
    assert_eq!(stored(&conn), latest());
    assert!(migrate(&mut conn).expect("again").is_empty());
    drop(conn);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn a_failing_migration_leaves_the_previous_version_intact() {
    let path = scratch("fail");
    let mut conn = connection(&path);
    let migrations: &[(&str, &str)] = &[
        ("0001_a.sql", "CREATE TABLE a (x INTEGER);"),
        (
            "0002_b.sql",
            "CREATE TABLE b (x INTEGER); INSERT INTO a VALUES (1); INSERT INTO nowhere VALUES (1);",
        ),
        ("0003_c.sql", "CREATE TABLE c (x INTEGER);"),
    ];

    let err = apply(&mut conn, migrations).expect_err("0002 fails");

    let message = format!("{err:#}");
    assert!(message.contains("0002_b.sql"), "{message}");
    assert!(message.contains("stays at version 1"), "{message}");
    assert_eq!(version(&conn).expect("version"), 1);
    let tables: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('b', 'c')",
            [],
            |r| r.get(0),
        )
        .expect("tables");
    assert_eq!(tables, 0, "nothing of 0002 or after it stays");
    let rows: i64 = conn
        .query_row("SELECT COUNT(*) FROM a", [], |r| r.get(0))
        .expect("rows");
    assert_eq!(rows, 0);
    let on: i64 = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .expect("pragma");
    assert_eq!(on, 1, "foreign keys are on again");
    drop(conn);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn a_migration_that_breaks_a_reference_is_rolled_back() {
    let path = scratch("fk");
    let mut conn = connection(&path);
    let migrations: &[(&str, &str)] = &[
        (
            "0001_a.sql",
            "CREATE TABLE a (id INTEGER PRIMARY KEY); \
             CREATE TABLE b (a INTEGER REFERENCES a (id)); \
             INSERT INTO a VALUES (1); INSERT INTO b VALUES (1);",
        ),
        ("0002_b.sql", "DELETE FROM a;"),
    ];

    let err = apply(&mut conn, migrations).expect_err("0002 breaks b's reference");

    assert!(format!("{err:#}").contains("0002_b.sql"), "{err:#}");
    assert_eq!(version(&conn).expect("version"), 1);
    let rows: i64 = conn
        .query_row("SELECT COUNT(*) FROM a", [], |r| r.get(0))
        .expect("rows");
    assert_eq!(rows, 1);
    drop(conn);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn processes_starting_at_once_apply_each_migration_once() {
    let path = scratch("race");
    let start = std::sync::Arc::new(std::sync::Barrier::new(4));
    // Opened one after another, before the race: four opens of a new file at once can
    // fail to switch it to WAL, and a thread that panicked before the barrier would leave
    // the others waiting at it for ever (a CI run hung there). The race under test is
    // the migrations'.
    let conns: Vec<Connection> = (0..4).map(|_| connection(&path)).collect();
    let threads: Vec<_> = conns
        .into_iter()
        .map(|mut conn| {
            let start = start.clone();
            std::thread::spawn(move || {
                start.wait();
                migrate(&mut conn).map_err(|e| format!("{e:#}"))
            })
        })
        .collect();
    let mut applied: Vec<&str> = Vec::new();
    for t in threads {
        applied.extend(t.join().expect("thread").expect("migrate"));
    }

    applied.sort_unstable();
    let all: Vec<&str> = MIGRATIONS.iter().map(|(name, _)| *name).collect();
    assert_eq!(applied, all, "each migration applied by exactly one");
    assert_eq!(version(&connection(&path)).expect("version"), latest());
    let _ = std::fs::remove_file(&path);
}

#[test]
fn a_schema_newer_than_the_binary_is_refused_and_left_alone() {
    let path = scratch("newer");
    let mut conn = connection(&path);
    migrate(&mut conn).expect("migrate");
    conn.pragma_update(None, "user_version", 31).expect("set");

    let err = migrate(&mut conn).expect_err("refused");

    assert_eq!(
        err.to_string(),
        "The database's schema is at version 31, newer than this binary's 28: run a newer \
         Sigil or restore a backup."
    );
    assert_eq!(stored(&conn), 31);
    assert!(matches!(
        check(&path).expect("check"),
        SchemaCheck::Newer {
            found: 31,
            known: 28
        }
    ));
    drop(conn);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn checking_names_the_pending_migrations_and_creates_nothing() {
    let path = scratch("check");
    assert!(matches!(check(&path).expect("check"), SchemaCheck::Missing));
    assert!(!path.exists(), "the check made no database");
    let mut conn = connection(&path);
    apply(&mut conn, &MIGRATIONS[..21]).expect("up to 0022");

    match check(&path).expect("check") {
        SchemaCheck::Pending {
            found,
            known,
            pending,
        } => {
            assert_eq!((found, known), (22, latest()));
            assert_eq!(pending[..2], ["0023 favorites", "0024 operability"]);
            assert_eq!(
                pending.last().map(String::as_str),
                Some("0028 profile fields")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        version(&conn).expect("version"),
        22,
        "the check changed nothing"
    );
    migrate(&mut conn).expect("migrate");
    assert!(matches!(
        check(&path).expect("check"),
        SchemaCheck::Current { version: 28 }
    ));
    drop(conn);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn every_migration_file_is_listed_in_order() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .expect("migrations dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let listed: Vec<&str> = MIGRATIONS.iter().map(|(name, _)| *name).collect();
    assert_eq!(files, listed);
}

#[test]
fn clustering_the_tables_keeps_every_row_and_reference() {
    let path = std::env::temp_dir().join(format!("sigil-0009-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let mut conn = super::super::open(&path, &StoreOptions::default()).expect("open");
    apply(&mut conn, &MIGRATIONS[..8]).expect("migrations 1-8");
    conn.execute_batch(
        "INSERT INTO users (id, login, created_at, updated_at, phone) \
           VALUES ('u1', 'ada', 1, 2, '+4915100000000');
         INSERT INTO field_values (user_id, field_key, value, updated_at) \
           VALUES ('u1', 'given_name', 'Ada', 3);
         INSERT INTO field_privacy (user_id, field_key, level, updated_at) \
           VALUES ('u1', 'given_name', 'public', 3);
         INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, \
           auth_time, sid, method) VALUES ('s1', 'u1', 1, 1, 9, 1, 'sid1', 'password');
         INSERT INTO applications (client_id, name, description, app_type, redirect_uris, \
           post_logout_redirect_uris, grant_types, scopes, access_token_ttl, id_token_ttl, \
           refresh_token_ttl, signing_alg, created_at) \
           VALUES ('c1', 'App', '', 'web', '[]', '[]', '[]', 'openid', 1, 1, 1, 'RS256', 1);
         INSERT INTO consents (user_id, client_id, scopes, granted_at, updated_at) \
           VALUES ('u1', 'c1', 'openid', 1, 1);
         INSERT INTO token_families (id, client_id, user_id, session_hash, scopes, \
           created_at, expires_at, refresh_generation) \
           VALUES ('f1', 'c1', 'u1', 's1', 'openid', 1, 9, 4);",
    )
    .expect("rows before 0009");

    migrate(&mut conn).expect("0009");

    let count = |table: &str| -> i64 {
        conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .expect("count")
    };
    for table in [
        "users",
        "field_values",
        "field_privacy",
        "sessions",
        "applications",
        "consents",
        "token_families",
    ] {
        assert_eq!(count(table), 1, "{table} kept its row");
    }
    let generation: i64 = conn
        .query_row(
            "SELECT refresh_generation FROM token_families WHERE id = 'f1'",
            [],
            |r| r.get(0),
        )
        .expect("family");
    assert_eq!(generation, 4);
    // 0028 built the person's field document from the rows they had.
    let fields: String = conn
        .query_row("SELECT fields FROM users WHERE id = 'u1'", [], |r| r.get(0))
        .expect("fields");
    assert_eq!(
        fields,
        r#"{"v":{"given_name":"Ada"},"p":{"given_name":"public"}}"#
    );
    assert!(
        conn.prepare("SELECT rowid FROM token_families").is_err(),
        "clustered by key"
    );
    // The references still hold, and cascade, once foreign keys are back on.
    let on: i64 = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .expect("pragma");
    assert_eq!(on, 1);
    assert!(conn
        .execute(
            "INSERT INTO field_values (user_id, field_key, value, updated_at) \
             VALUES ('nobody', 'x', 'y', 1)",
            [],
        )
        .is_err());
    conn.execute("DELETE FROM users WHERE id = 'u1'", [])
        .expect("delete");
    for table in [
        "field_values",
        "field_privacy",
        "sessions",
        "consents",
        "token_families",
    ] {
        assert_eq!(count(table), 0, "{table} followed its user");
    }
    drop(conn);
    let _ = std::fs::remove_file(&path);
}
