//! Migrations seen from the command line: `sigil migrate --check` says what is pending
//! and changes nothing, nodes starting at once migrate once, and a binary older than
//! its database's schema refuses to start, naming both versions.
use std::path::PathBuf;
use std::time::Duration;

use sigil_store::testing::{execute, query_i64, scratch_database, Backend};

use crate::binary::{master_key, output, sigil_on, stderr, stdout};
use crate::on_both_backends;

on_both_backends!(
    migrate_check_says_what_is_pending_and_changes_nothing,
    a_schema_newer_than_the_binary_stops_serve_and_every_command,
    nodes_starting_at_once_migrate_once,
);

/// The newest migration's number: the version an up-to-date schema is at.
const LATEST: i64 = 28;

/// A data directory (not made yet) and a new, empty database.
async fn scratch(backend: Backend) -> (PathBuf, String) {
    let name = uuid::Uuid::new_v4().simple().to_string();
    let dir = std::env::temp_dir().join(format!("sigil-migrations-{name}"));
    let url = scratch_database(backend, &dir, &name)
        .await
        .expect("scratch database");
    (dir, url)
}

/// The schema's version as the database records it, read beside Sigil.
async fn recorded_version(backend: Backend, url: &str) -> i64 {
    let sql = match backend {
        Backend::Sqlite => "PRAGMA user_version",
        Backend::Postgres => "SELECT MAX(version) FROM _sqlx_migrations",
    };
    query_i64(url, sql).await.expect("version")
}

/// Takes the database back to where the release with 0023 left it (the later migrations
/// run again on a schema that has them: they drop what they make first).
async fn age_to_0023(backend: Backend, url: &str) {
    let forget = match backend {
        // 22 migrations counted: 0012 was never used (see the store's migrate module).
        Backend::Sqlite => {
            "DROP TRIGGER applications_inserted; DROP TRIGGER applications_updated; \
             DROP TRIGGER applications_deleted; DROP TABLE application_generation; \
             DROP TRIGGER users_profile_changed; DROP TRIGGER field_values_inserted; \
             DROP TRIGGER field_values_updated; DROP TRIGGER field_values_deleted; \
             DROP TRIGGER field_privacy_inserted; DROP TRIGGER field_privacy_updated; \
             DROP TRIGGER field_privacy_deleted; ALTER TABLE users DROP COLUMN profile_version; \
             ALTER TABLE users DROP COLUMN fields; PRAGMA user_version = 22;"
        }
        Backend::Postgres => {
            "DROP TRIGGER applications_changed ON applications; \
             DROP FUNCTION bump_application_generation(); DROP TABLE application_generation; \
             DROP TRIGGER users_profile_changed ON users; \
             DROP TRIGGER field_values_profile_changed ON field_values; \
             DROP TRIGGER field_privacy_profile_changed ON field_privacy; \
             DROP TRIGGER field_values_truncated ON field_values; \
             DROP TRIGGER field_privacy_truncated ON field_privacy; \
             DROP FUNCTION bump_every_profile_version(); \
             DROP FUNCTION bump_profile_version_of_user(); \
             DROP FUNCTION bump_profile_version_of_field(); \
             DROP FUNCTION profile_fields_of(TEXT); \
             ALTER TABLE users DROP COLUMN profile_version; ALTER TABLE users DROP COLUMN fields; \
             DELETE FROM _sqlx_migrations WHERE version >= 24;"
        }
    };
    execute(
        url,
        &format!(
            "DROP INDEX events_at; DROP INDEX users_operators; DROP INDEX sessions_expires; {forget}"
        ),
    )
    .await
    .expect("age the schema");
}

async fn migrate_check_says_what_is_pending_and_changes_nothing(backend: Backend) {
    let (dir, url) = scratch(backend).await;
    let check = || {
        let mut c = sigil_on(&dir, &url);
        c.args(["migrate", "--check"]);
        c
    };

    // Nothing there yet: no SQLite file (none is made), an empty PostgreSQL database.
    let out = output(check()).await;
    match backend {
        Backend::Sqlite => {
            assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
            assert!(
                stderr(&out).contains("there is no Sigil database"),
                "{}",
                stderr(&out)
            );
            assert!(!dir.exists(), "the check made {}", dir.display());
        }
        Backend::Postgres => {
            assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
            let text = stdout(&out);
            assert!(text.contains("0001 accounts"), "{text}");
            assert!(text.contains("0024 operability"), "{text}");
            let tables = query_i64(
                &url,
                "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'",
            )
            .await
            .expect("tables");
            assert_eq!(tables, 0, "the check made no table");
            // A database that cannot be reached is told apart from one with work to do.
            let gone = format!("{}_gone", url);
            let mut c = sigil_on(&dir, &gone);
            c.args(["migrate", "--check"]);
            let out = output(c).await;
            assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
            assert!(
                stderr(&out).contains("could not be read"),
                "{}",
                stderr(&out)
            );
        }
    }

    let out = output({
        let mut c = sigil_on(&dir, &url);
        c.arg("migrate");
        c
    })
    .await;
    assert!(out.status.success(), "{}", stderr(&out));

    let out = output(check()).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&format!("up to date: its schema is at version {LATEST}")),
        "{}",
        stdout(&out)
    );

    // The schema of the release with 0023: the later migrations pending, named, and left
    // pending.
    age_to_0023(backend, &url).await;
    let out = output(check()).await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("at version 23"), "{text}");
    assert!(text.contains("0024 operability"), "{text}");
    assert!(text.contains("0025 application generation"), "{text}");
    assert!(text.contains("0027 profile version"), "{text}");
    assert!(text.contains("0028 profile fields"), "{text}");
    assert!(!text.contains("0023"), "{text}");
    assert_eq!(
        recorded_version(backend, &url).await,
        match backend {
            Backend::Sqlite => 22,
            Backend::Postgres => 23,
        },
        "the check applied nothing"
    );

    let out = output({
        let mut c = sigil_on(&dir, &url);
        c.arg("migrate");
        c
    })
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("0024 operability"),
        "{}",
        stdout(&out)
    );
    assert_eq!(recorded_version(backend, &url).await, LATEST);
    let out = output(check()).await;
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

async fn a_schema_newer_than_the_binary_stops_serve_and_every_command(backend: Backend) {
    let (dir, url) = scratch(backend).await;
    let out = output({
        let mut c = sigil_on(&dir, &url);
        c.arg("migrate");
        c
    })
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    // What a later release's migration 0031 would leave.
    let future = match backend {
        Backend::Sqlite => "PRAGMA user_version = 31;",
        Backend::Postgres => {
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, \
             execution_time) VALUES (31, 'from a later release', TRUE, '\\x00', 0);"
        }
    };
    execute(&url, future).await.expect("a newer schema");
    let refusal = format!(
        "The database's schema is at version 31, newer than this binary's {LATEST}: run \
         a newer Sigil or restore a backup."
    );

    for args in [
        &["serve"][..],
        &["keys", "list"],
        &["app", "list"],
        &["accounts", "pending"],
        &["migrate"],
    ] {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("addr")
            .port();
        let mut c = sigil_on(&dir, &url);
        c.args(args)
            .env("SIGIL_LISTEN", format!("127.0.0.1:{port}"));
        let out = tokio::time::timeout(Duration::from_secs(60), output(c))
            .await
            .unwrap_or_else(|_| panic!("{args:?} ran on a newer schema"));
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(&refusal),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let mut c = sigil_on(&dir, &url);
    c.args(["migrate", "--check"]);
    let out = output(c).await;
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains(&refusal), "{}", stderr(&out));
    assert_eq!(recorded_version(backend, &url).await, 31, "left alone");
}

async fn nodes_starting_at_once_migrate_once(backend: Backend) {
    let (dir, url) = scratch(backend).await;
    std::fs::create_dir_all(&dir).expect("data dir");
    let key = master_key();
    let nodes: Vec<_> = (0..3)
        .map(|_| {
            let mut c = sigil_on(&dir, &url);
            c.arg("migrate").env("SIGIL_MASTER_KEY", &key);
            c.stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for node in nodes {
        let out = tokio::task::spawn_blocking(move || node.wait_with_output().expect("wait"))
            .await
            .expect("join");
        assert!(out.status.success(), "{}", stderr(&out));
    }

    assert_eq!(recorded_version(backend, &url).await, LATEST);
    if backend == Backend::Postgres {
        let rows = query_i64(&url, "SELECT COUNT(*) FROM _sqlx_migrations")
            .await
            .expect("rows");
        let files = std::fs::read_dir(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../store/migrations/postgres"
        ))
        .expect("migrations")
        .count();
        assert_eq!(rows, files as i64, "each migration recorded once");
    }
    let mut c = sigil_on(&dir, &url);
    c.args(["migrate", "--check"]);
    assert_eq!(output(c).await.status.code(), Some(0));
}
