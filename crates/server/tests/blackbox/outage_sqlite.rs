//! SQLite cannot write for now (issue 17, database outages): another process holds the
//! file's lock, or the disk is full. Writes answer 503 within the bound in the person's
//! language, nothing is half-written, and the same writes succeed once it passes.
use std::io::Write;
use std::path::PathBuf;
use std::process::Command;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sigil_store::testing::{query_i64, Backend, SqliteLock};

use crate::helpers::{spawn_app, spawn_with, TestApp, PASSWORD};
use crate::oidc_helpers::{post_client, register, signed_in_tokens};
use crate::outage::{assert_unavailable_page, timed, UNAVAILABLE};
use crate::own_postgres::is_root;

/// What a half-written use case would change: accounts, the activity log, the names,
/// refresh rotations.
async fn counts(url: &str) -> Vec<i64> {
    let mut out = Vec::new();
    for sql in [
        "SELECT COUNT(*) FROM users",
        "SELECT COUNT(*) FROM events",
        "SELECT COUNT(*) FROM field_values WHERE field_key = 'given_name'",
        "SELECT COALESCE(SUM(refresh_generation), 0) FROM token_families",
    ] {
        out.push(
            query_i64(url, sql)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e:#}")),
        );
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_while_another_process_holds_the_sqlite_lock_answer_503_and_change_nothing() {
    let app = spawn_app(Backend::Sqlite).await;
    let web = register(&app, "web", None).await;
    let (_, tokens) = signed_in_tokens(&app, &web, "ada", "openid offline_access").await;
    let refresh_token = tokens["refresh_token"].as_str().expect("refresh");
    let de = app.browser_in("de").await;
    assert_eq!(
        de.register("bruno", "", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let ru = app.browser_in("ru").await;
    let edit = [("block", "main"), ("given_name", "Bruno")];
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
    ];
    let refresh = || post_client(&app, &web, "/oauth/token", &form);
    let before = counts(&app.database_url).await;

    let lock = SqliteLock::take(&app.database_url).expect("the write lock");
    // Pages and reads still answer (WAL readers do not wait for writers).
    assert_eq!(de.get("/profile").await.status(), StatusCode::OK);
    let r = timed("a profile edit", de.post_form("/profile/edit", &edit)).await;
    assert_unavailable_page(r, "de", "/profile").await;
    let r = timed("a registration", ru.register("chiara", "", PASSWORD)).await;
    assert_unavailable_page(r, "ru", "/profile").await;
    let (status, body) = timed("a refresh", refresh()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"], "temporarily_unavailable");
    assert!(body.get("access_token").is_none(), "{body}");
    lock.release().expect("release");

    assert_eq!(
        counts(&app.database_url).await,
        before,
        "nothing was written"
    );
    let r = de.post_form("/profile/edit", &edit).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        ru.register("chiara", "", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let (status, body) = refresh().await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let after = counts(&app.database_url).await;
    assert_eq!(after[0], before[0] + 1, "Chiara's account");
    assert_eq!(after[2], before[2] + 1, "Bruno's given name");
    assert_eq!(after[3], before[3] + 1, "one rotation");
}

/// A small tmpfs mounted for one test (needs root), unmounted when dropped.
struct SmallDisk {
    path: PathBuf,
}

impl SmallDisk {
    fn mount(mib: u32) -> Self {
        let path =
            std::env::temp_dir().join(format!("sigil-full-disk-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&path).expect("mount point");
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mib}m"), "tmpfs"])
            .arg(&path)
            .status()
            .expect("mount");
        assert!(status.success(), "mount -t tmpfs on {}", path.display());
        Self { path }
    }

    /// Fills what is left of the disk with one file, which it returns.
    fn fill(&self) -> PathBuf {
        let filler = self.path.join("filler");
        let mut file = std::fs::File::create(&filler).expect("filler");
        for chunk in [1 << 20, 4096, 512] {
            let bytes = vec![0u8; chunk];
            while file.write_all(&bytes).is_ok() {}
        }
        filler
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
        let _ = std::fs::remove_dir(&self.path);
    }
}

async fn edit(b: &crate::helpers::Browser, name: &str) -> (StatusCode, Value) {
    b.api(
        Method::PATCH,
        "/api/v1/me",
        Some(json!({"fields": {"given_name": name}})),
    )
    .await
}

async fn named(url: &str, name: &str) -> i64 {
    query_i64(
        url,
        &format!(
            "SELECT COUNT(*) FROM field_values WHERE field_key = 'given_name' AND value = '{name}'"
        ),
    )
    .await
    .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_answers_503_and_leaves_nothing_half_written() {
    if !is_root() {
        // A real full disk needs a small file system of its own; CI runs as root.
        eprintln!("skipped: mounting a tmpfs to fill needs root");
        return;
    }
    let disk = SmallDisk::mount(16);
    let url = format!("sqlite://{}", disk.path.join("sigil.db").display());
    let app: TestApp = spawn_with(Backend::Sqlite, |c| c.database_url = url.clone()).await;
    let b = app.browser_in("de").await;
    assert_eq!(
        b.register("dora", "", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let events = query_i64(&url, "SELECT COUNT(*) FROM events")
        .await
        .expect("events");
    let filler = disk.fill();

    // Edits fit in the space SQLite already holds until one needs more.
    let mut refused = None;
    for i in 0..3000 {
        let (status, body) = timed("an edit on a full disk", edit(&b, &format!("Dora{i}"))).await;
        match status {
            StatusCode::OK => {}
            StatusCode::SERVICE_UNAVAILABLE => {
                refused = Some((i, body));
                break;
            }
            other => panic!("edit {i}: {other} {body}"),
        }
    }
    let (i, body) = refused.expect("the full disk refused an edit");
    eprintln!("the full disk refused edit {i}");
    assert_eq!(body["error"]["code"], "temporarily_unavailable");
    let (_, german, _) = UNAVAILABLE[1];
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with(german)),
        "{body}"
    );
    // Every acknowledged edit is there, with its log entry; the refused one is not.
    assert_eq!(named(&url, &format!("Dora{i}")).await, 0);
    if i > 0 {
        assert_eq!(named(&url, &format!("Dora{}", i - 1)).await, 1);
    }
    let logged = query_i64(&url, "SELECT COUNT(*) FROM events")
        .await
        .expect("events");
    assert_eq!(logged, events + i64::from(i), "one entry per saved edit");

    std::fs::remove_file(filler).expect("free the disk");
    let (status, body) = edit(&b, &format!("Dora{i}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(named(&url, &format!("Dora{i}")).await, 1);
}
