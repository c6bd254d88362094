//! `/healthz` and `/readyz` (issue 17, health): cheap probes without cookies or caching;
//! readiness asks the database and names both versions when the schema is newer than
//! the binary knows.
use reqwest::StatusCode;
use sigil_store::testing::{execute, Backend};

use crate::helpers::{set_cookie_headers, spawn_app, TestApp};
use crate::on_both_backends;
use crate::own_postgres::OwnPostgres;
use crate::sigil_process::Installation;

on_both_backends!(
    the_probes_answer_plain_text_without_cookies_or_caching,
    readiness_names_both_versions_of_a_schema_newer_than_the_binary,
);

async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    reqwest::get(format!("{}{path}", app.base))
        .await
        .expect("GET")
}

async fn the_probes_answer_plain_text_without_cookies_or_caching(backend: Backend) {
    let app = spawn_app(backend).await;
    for (path, body) in [("/healthz", "ok"), ("/readyz", "ready")] {
        let r = get(&app, path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(r.headers()["cache-control"], "no-store", "{path}");
        assert_eq!(
            r.headers()["content-type"],
            "text/plain; charset=utf-8",
            "{path}"
        );
        assert_eq!(set_cookie_headers(&r), Vec::<String>::new(), "{path}");
        assert_eq!(r.text().await.expect("body"), body, "{path}");
    }
}

async fn readiness_names_both_versions_of_a_schema_newer_than_the_binary(backend: Backend) {
    let app = spawn_app(backend).await;
    assert_eq!(get(&app, "/readyz").await.status(), StatusCode::OK);
    // A newer binary migrated the database under this node.
    let known = match backend {
        Backend::Sqlite => {
            let v = app.query_i64("PRAGMA user_version").await;
            execute(
                &app.database_url,
                &format!("PRAGMA user_version = {}", v + 1),
            )
            .await
            .expect("newer user_version");
            v
        }
        Backend::Postgres => {
            let v = app
                .query_i64("SELECT MAX(version) FROM _sqlx_migrations")
                .await;
            execute(
                &app.database_url,
                &format!(
                    "INSERT INTO _sqlx_migrations \
                     (version, description, success, checksum, execution_time) \
                     VALUES ({}, 'from a newer binary', true, '\\x00', 0)",
                    v + 1
                ),
            )
            .await
            .expect("newer migration row");
            v
        }
    };
    let r = get(&app, "/readyz").await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        r.text().await.expect("body"),
        format!("schema version {}, this binary expects {known}", known + 1)
    );
    // The liveness probe does not care.
    assert_eq!(get(&app, "/healthz").await.status(), StatusCode::OK);
}

/// A node started while its PostgreSQL is still down (brought up together, or during
/// the database's restart) waits for it instead of exiting, then migrates and serves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_started_before_its_postgresql_waits_for_it_and_serves() {
    let pg = OwnPostgres::start().await;
    pg.down().await;
    let install = Installation::new(pg.url(), "http://localhost:9".into(), "");
    let starting = {
        let install = install.clone();
        tokio::spawn(async move { install.start("node").await })
    };
    // Long enough that a node exiting on the first refusal would be gone by now.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert!(
        !starting.is_finished(),
        "the node did not wait for PostgreSQL"
    );
    pg.up().await;
    let node = starting
        .await
        .expect("the node started once PostgreSQL was up");
    let r = reqwest::get(format!("{}/readyz", node.base))
        .await
        .expect("GET /readyz");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        node.log_text().contains("PostgreSQL is not reachable yet"),
        "{}",
        node.log_text()
    );
}

/// A supervisor that gives up on a node still waiting for its PostgreSQL stops it with
/// SIGTERM: it ends at once and cleanly (exit 0), as a serving node does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_waiting_for_its_postgresql_stops_cleanly_on_sigterm() {
    let pg = OwnPostgres::start().await;
    pg.down().await;
    let install = Installation::new(pg.url(), "http://localhost:9".into(), "");
    let mut child = install
        .command("waiting")
        .arg("serve")
        .env("SIGIL_LISTEN", "127.0.0.1:0")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start sigil serve");
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert!(
        child.try_wait().expect("status").is_none(),
        "still waiting for PostgreSQL"
    );
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(sent.success());
    let out = tokio::task::spawn_blocking(move || {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            if child.try_wait().expect("status").is_some() {
                return child.wait_with_output().expect("output");
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                panic!("still running 10 s after SIGTERM");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    })
    .await
    .expect("waiter");
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?}: {log}", out.status);
    assert!(
        log.contains("stopped while waiting for the database"),
        "{log}"
    );
}
