//! The backup drill of the README's "Backup and restore", automated: a person with a
//! profile, an application and tokens from the code flow; a backup taken while the
//! server runs and takes writes (`sigil backup` on SQLite, `pg_dump -Fc` on
//! PostgreSQL); the copy restored into a fresh data directory with the master key; and
//! the real binary started on it signs the person in, verifies the ID token issued
//! before the backup against its JWKS, and refreshes the refresh token issued before it.
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use openidconnect::core::{CoreIdToken, CoreIdTokenVerifier, CoreJsonWebKeySet};
use openidconnect::{ClientId, ClientSecret, IssuerUrl, Nonce};
use reqwest::StatusCode;
use serde_json::Value;
use sigil_store::testing::{scratch_database, Backend};

use crate::binary::{output, serve, sigil_on, stderr, stdout, Served};
use crate::helpers::{spawn_app, TestApp, PASSWORD};
use crate::oidc_helpers::{register, signed_in_tokens, Rp};
use crate::on_both_backends;

on_both_backends!(a_backup_taken_while_the_server_writes_restores_into_a_working_instance,);

/// Where the test's PostgreSQL programs (pg_dump, pg_restore) are.
const PG_BIN: &str = "SIGIL_TEST_PG_BIN";

/// Keeps a second person editing their profile until stopped; counts the edits.
fn keep_writing(b: crate::helpers::Browser) -> (Arc<AtomicBool>, Arc<AtomicUsize>) {
    let stop = Arc::new(AtomicBool::new(false));
    let edits = Arc::new(AtomicUsize::new(0));
    let (s, n) = (stop.clone(), edits.clone());
    tokio::spawn(async move {
        while !s.load(Ordering::Relaxed) {
            let i = n.load(Ordering::Relaxed).to_string();
            let r = b
                .post_form(
                    "/profile/edit",
                    &[("block", "main"), ("given_name", &i), ("nickname", "bob")],
                )
                .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
            n.fetch_add(1, Ordering::Relaxed);
        }
    });
    (stop, edits)
}

async fn a_backup_taken_while_the_server_writes_restores_into_a_working_instance(backend: Backend) {
    // Seed: Ada with a profile, an application she signed in to, and her tokens.
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let (ada, tokens) = signed_in_tokens(&app, &rp, "ada", "openid profile").await;
    let r = ada
        .post_form(
            "/profile/edit",
            &[
                ("block", "main"),
                ("given_name", "Ada"),
                ("family_name", "Lovelace"),
                ("nickname", "ada"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id_token = tokens["id_token"].as_str().expect("an ID token").to_owned();
    let refresh_token = tokens["refresh_token"]
        .as_str()
        .expect("a refresh token")
        .to_owned();

    // The backup, while Bob keeps editing his profile.
    let bob = app.signed_in("bob").await;
    let (stop, edits) = keep_writing(bob);
    while edits.load(Ordering::Relaxed) < 5 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let work = std::env::temp_dir().join(format!("sigil-backup-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&work).expect("work dir");
    let copy = work.join(match backend {
        Backend::Sqlite => "sigil-backup.db",
        Backend::Postgres => "sigil.dump",
    });
    let before = edits.load(Ordering::Relaxed);
    match backend {
        Backend::Sqlite => back_up_sqlite(&app, &copy).await,
        Backend::Postgres => back_up_postgres(&app, &copy).await,
    }
    let during = edits.load(Ordering::Relaxed);
    while edits.load(Ordering::Relaxed) < during + 5 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    stop.store(true, Ordering::Relaxed);
    assert!(during >= before, "the server kept taking writes");

    // The restore: a fresh data directory with the master key, the copy as its database.
    let restored = work.join("restored");
    std::fs::create_dir_all(&restored).expect("restored dir");
    std::fs::copy(app.dir.join("master.key"), restored.join("master.key")).expect("the key");
    let url = match backend {
        Backend::Sqlite => {
            std::fs::copy(&copy, restored.join("sigil.db")).expect("the copy");
            format!("sqlite://{}", restored.join("sigil.db").display())
        }
        Backend::Postgres => restore_postgres(&restored, &copy).await,
    };
    let mut check = sigil_on(&restored, &url);
    check.args(["migrate", "--check"]);
    let out = output(check).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let served = serve(sigil_on(&restored, &url)).await;

    // Ada signs in, and her profile is there.
    signs_in_with_her_profile(&served).await;
    // The ID token issued before the backup verifies against the restored keys.
    let jwks = restored_jwks(&served).await;
    let verifier = CoreIdTokenVerifier::new_confidential_client(
        ClientId::new(rp.client_id.clone()),
        ClientSecret::new(rp.secret.clone().expect("a secret")),
        IssuerUrl::new(app.base.clone()).expect("the issuer"),
        jwks,
    );
    let old: CoreIdToken = id_token.parse().expect("an ID token");
    let claims = old
        .claims(&verifier, &Nonce::new("n0nce".into()))
        .expect("the old ID token verifies against the restored JWKS");
    let sub = claims.subject().as_str().to_owned();
    // The refresh token issued before the backup refreshes.
    let (status, fresh) = refresh(&served, &rp, &refresh_token).await;
    assert_eq!(status, StatusCode::OK, "{fresh}");
    assert!(fresh["access_token"].is_string(), "{fresh}");
    let info: Value = reqwest::Client::new()
        .get(format!("{}/oauth/userinfo", served.base))
        .bearer_auth(fresh["access_token"].as_str().expect("at"))
        .send()
        .await
        .expect("userinfo")
        .json()
        .await
        .expect("JSON");
    assert_eq!(info["sub"], sub.as_str(), "{info}");
    assert_eq!(info["given_name"], "Ada", "{info}");
}

/// `sigil backup FILE` beside the running server: owner-only, never over a file, and it
/// names the master key to keep with it.
async fn back_up_sqlite(app: &TestApp, copy: &Path) {
    let run = || {
        let mut c = sigil_on(&app.dir, &app.database_url);
        c.arg("backup").arg(copy);
        c
    };
    let out = output(run()).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(
        said.contains(&app.dir.join("master.key").display().to_string()),
        "{said}"
    );
    let meta = std::fs::metadata(copy).expect("the copy");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    let bytes = std::fs::read(copy).expect("read");
    assert!(bytes.starts_with(b"SQLite format 3\0"));

    // A second backup to the same file is refused and leaves the first alone.
    let out = output(run()).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("exists already"), "{}", stderr(&out));
    assert_eq!(std::fs::read(copy).expect("read"), bytes);
}

fn pg_program(name: &str) -> PathBuf {
    let bin = std::env::var(PG_BIN).unwrap_or_else(|_| {
        panic!("{PG_BIN} must name PostgreSQL's bin directory (pg_dump, pg_restore)")
    });
    Path::new(&bin).join(name)
}

/// `pg_dump -Fc`, as the README says; `sigil backup` points there.
async fn back_up_postgres(app: &TestApp, copy: &Path) {
    let mut c = sigil_on(&app.dir, &app.database_url);
    c.arg("backup").arg(copy);
    let out = output(c).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("pg_dump -Fc"), "{}", stderr(&out));
    assert!(!copy.exists());

    let mut dump = std::process::Command::new(pg_program("pg_dump"));
    dump.arg("-Fc")
        .arg("-f")
        .arg(copy)
        .arg("--dbname")
        .arg(&app.database_url);
    let out = output(dump).await;
    assert!(out.status.success(), "pg_dump: {}", stderr(&out));
}

/// `pg_restore --clean --if-exists` into a new, empty database; returns its URL.
async fn restore_postgres(dir: &Path, dump: &Path) -> String {
    let name = format!("restored_{}", uuid::Uuid::new_v4().simple());
    let url = scratch_database(Backend::Postgres, dir, &name)
        .await
        .expect("an empty database");
    let mut restore = std::process::Command::new(pg_program("pg_restore"));
    restore
        .args(["--clean", "--if-exists", "--no-owner", "--exit-on-error"])
        .arg("--dbname")
        .arg(&url)
        .arg(dump);
    let out = output(restore).await;
    assert!(out.status.success(), "pg_restore: {}", stderr(&out));
    url
}

async fn signs_in_with_her_profile(served: &Served) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = client
        .get(format!("{}/login", served.base))
        .send()
        .await
        .expect("GET /login");
    let csrf = page
        .cookies()
        .find(|c| c.name() == "sigil_csrf")
        .map(|c| c.value().to_owned())
        .expect("csrf");
    let r = client
        .post(format!("{}/login", served.base))
        .form(&[
            ("identifier", "ada"),
            ("password", PASSWORD),
            ("csrf", csrf.as_str()),
        ])
        .send()
        .await
        .expect("POST /login");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let profile = client
        .get(format!("{}/profile", served.base))
        .send()
        .await
        .expect("GET /profile");
    assert_eq!(profile.status(), StatusCode::OK);
    let html = profile.text().await.expect("body");
    assert!(html.contains("Lovelace"), "{html}");
}

async fn restored_jwks(served: &Served) -> CoreJsonWebKeySet {
    let http = reqwest::Client::new();
    let discovery: Value = http
        .get(format!("{}/.well-known/openid-configuration", served.base))
        .send()
        .await
        .expect("discovery")
        .json()
        .await
        .expect("JSON");
    let jwks_uri = discovery["jwks_uri"].as_str().expect("jwks_uri");
    assert!(jwks_uri.starts_with(&served.base), "{jwks_uri}");
    http.get(jwks_uri)
        .send()
        .await
        .expect("jwks")
        .json()
        .await
        .expect("a JWK set")
}

async fn refresh(served: &Served, rp: &Rp, refresh_token: &str) -> (StatusCode, Value) {
    let basic = STANDARD.encode(format!(
        "{}:{}",
        rp.client_id,
        rp.secret.as_deref().expect("a secret")
    ));
    let r = reqwest::Client::new()
        .post(format!("{}/oauth/token", served.base))
        .header("authorization", format!("Basic {basic}"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ])
        .send()
        .await
        .expect("POST /oauth/token");
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}
