//! SQLite's write-ahead log stays short: while a long read holds an old snapshot the
//! `-wal` file grows with every write, and once the read ends and the writes pause, the
//! server's checkpointer brings the file back down (it used to stay at its largest).
use std::path::PathBuf;
use std::time::Duration;

use reqwest::StatusCode;
use sigil_store::testing::{query_i64, Backend, HeldSnapshot};

use crate::helpers::{spawn_app, Browser, PASSWORD};
use crate::sigil_process::Installation;

/// The size the checkpointer brings the WAL back to (the store's `WAL_LIMIT`).
const WAL_LIMIT: u64 = 4 * 1024 * 1024;

fn wal_size(path: &PathBuf) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wal_file_is_small_again_after_a_burst_of_writes_and_a_pause() {
    let app = spawn_app(Backend::Sqlite).await;
    let db = app.database_url.trim_start_matches("sqlite://").to_owned();
    let wal = PathBuf::from(format!("{db}-wal"));
    let ada = app.signed_in("ada").await;

    // A burst of profile edits while a long read keeps every frame in the log.
    let reader = HeldSnapshot::take(&app.database_url).expect("a long read");
    let long = "x".repeat(90);
    let mut round = 0;
    while wal_size(&wal) < 3 * WAL_LIMIT {
        round += 1;
        assert!(round < 5000, "the WAL stayed at {} bytes", wal_size(&wal));
        let name = format!("{long}{round}");
        let r = ada
            .post_form(
                "/profile/edit",
                &[("block", "main"), ("given_name", &name), ("nickname", "n")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let grown = wal_size(&wal);
    drop(reader);

    // The pause: no request, and within seconds the file is short again.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while wal_size(&wal) > WAL_LIMIT {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the WAL grew to {grown} bytes and stayed at {}",
            wal_size(&wal)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Still a working database.
    let (status, _) = ada.page("/profile").await;
    assert_eq!(status, StatusCode::OK);
}

/// After a clean stop (SIGTERM) the WAL is written into the database file: the file
/// alone, copied as an operator copies a stopped installation, holds every write.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_clean_stop_the_database_file_alone_holds_every_write() {
    let name = uuid::Uuid::new_v4().simple().to_string();
    let dir = std::env::temp_dir().join(format!("sigil-wal-{name}"));
    std::fs::create_dir_all(&dir).expect("dir");
    let db = dir.join("sigil.db");
    let install = Installation::new(
        format!("sqlite://{}", db.display()),
        "http://localhost:9".into(),
        "",
    );
    let mut node = install.start("node").await;
    let b = Browser::at(&node.base, false).await;
    let r = b.register("ada", "", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    node.terminate();
    let status = node
        .exited_within(Duration::from_secs(60))
        .await
        .expect("stopped");
    assert_eq!(status.code(), Some(0), "{}", node.log_text());
    assert_eq!(wal_size(&PathBuf::from(format!("{}-wal", db.display()))), 0);
    let copy = dir.join("copy.db");
    std::fs::copy(&db, &copy).expect("copy the file alone");
    let found = query_i64(
        &format!("sqlite://{}", copy.display()),
        "SELECT COUNT(*) FROM users WHERE login = 'ada'",
    )
    .await
    .expect("query the copy");
    assert_eq!(found, 1, "the copy holds the registration");
}
