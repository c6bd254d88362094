//! Signing keys across processes: a rotation made by `sigil keys rotate` on the shared
//! database reaches a running server, which publishes the new keys before it signs with
//! them and keeps verifying what the old ones signed; forged key ids cost it little.
use std::time::{Duration as StdDuration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::StatusCode;
use serde_json::Value;
use sigil_core::oidc::application::AppInput;
use sigil_core::services::oidc::{KEY_ACTIVATION_DELAY, KEY_CHECK_INTERVAL};
use sigil_store::testing::{query_i64, scratch_database, Backend};
use time::Duration;

use crate::helpers::{spawn_app, spawn_with, TestApp};
use crate::oidc_helpers::{post_client, signed_in_tokens, userinfo, Rp, REDIRECT};
use crate::on_both_backends;
use crate::sigil_process::Installation;

on_both_backends!(
    a_rotation_from_the_command_line_reaches_a_running_server,
    forged_key_ids_make_a_server_reload_its_keys_at_most_once_per_interval,
    nodes_starting_at_once_on_an_empty_database_make_one_key_set,
);

/// The `kid` in a compact JWS's header.
fn kid_of(token: &str) -> String {
    let header = token.split('.').next().expect("header");
    let header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).expect("base64")).expect("json");
    header["kid"].as_str().expect("kid").to_owned()
}

async fn published_kids(base: &str) -> Vec<String> {
    let jwks: Value = reqwest::get(format!("{base}/oauth/jwks"))
        .await
        .expect("jwks")
        .json()
        .await
        .expect("json");
    jwks["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .filter_map(|k| k["kid"].as_str().map(str::to_owned))
        .collect()
}

/// An RS256 application whose access tokens live an hour, so one issued before a
/// rotation is still unexpired after the new key has taken over.
async fn long_lived_rp(app: &TestApp) -> Rp {
    let input = AppInput {
        name: "Long-lived tokens".into(),
        app_type: "web".into(),
        redirect_uris: vec![REDIRECT.into()],
        access_token_ttl: Some(3600),
        ..AppInput::default()
    };
    let created = app.sigil.create_app(&input).await.expect("application");
    Rp {
        client_id: created.app.client_id.0,
        secret: created.client_secret,
        redirect: REDIRECT.into(),
    }
}

async fn refresh(app: &TestApp, rp: &Rp, token: &str) -> Value {
    let (status, body) = post_client(
        app,
        rp,
        "/oauth/token",
        &[("grant_type", "refresh_token"), ("refresh_token", token)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn text(body: &Value, field: &str) -> String {
    body[field].as_str().expect(field).to_owned()
}

async fn a_rotation_from_the_command_line_reaches_a_running_server(backend: Backend) {
    let mut config = None;
    let app = spawn_with(backend, |c| config = Some(c.clone())).await;
    let config = config.expect("config");
    let rp = long_lived_rp(&app).await;
    let (_, tokens) = signed_in_tokens(&app, &rp, "rosa", "openid").await;
    let old_access = text(&tokens, "access_token");
    let old_kid = kid_of(&old_access);
    assert_eq!(
        published_kids(&app.base).await.len(),
        3,
        "RS256, ES256, EdDSA"
    );

    // The operator rotates from another process on the same database.
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_sigil"))
            .env_remove("SIGIL_CONFIG")
            .env_remove("SIGIL_LISTEN")
            .env_remove("SIGIL_PUBLIC_URL")
            .env("SIGIL_DATA_DIR", &config.data_dir)
            .env("DATABASE_URL", &config.database_url)
            .args(["keys", "rotate"])
            .output()
            .expect("run sigil keys rotate")
    })
    .await
    .expect("join");
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let new_kid = printed
        .lines()
        .find_map(|l| l.strip_prefix("RS256: new signing key "))
        .expect("the new RS256 key id")
        .trim()
        .to_owned();

    // The running server publishes it within seconds, without a restart.
    let deadline = Instant::now() + StdDuration::from_secs(15);
    let mut published = published_kids(&app.base).await;
    while !published.contains(&new_kid) {
        assert!(
            Instant::now() < deadline,
            "the running server never published {new_kid}: {published:?}"
        );
        tokio::time::sleep(StdDuration::from_millis(100)).await;
        published = published_kids(&app.base).await;
    }
    assert_eq!(published.len(), 6, "old and new keys are published");

    // Published, but not signing yet: relying parties get to see it first.
    let next = refresh(&app, &rp, &text(&tokens, "refresh_token")).await;
    assert_eq!(kid_of(&text(&next, "access_token")), old_kid);

    // Once the activation delay has passed (the CLI's clock ran a little ahead of the
    // server's test clock, hence the margin), the new key signs.
    app.clock
        .advance(KEY_ACTIVATION_DELAY + Duration::minutes(5));
    let fresh = refresh(&app, &rp, &text(&next, "refresh_token")).await;
    assert_eq!(kid_of(&text(&fresh, "access_token")), new_kid);
    assert_eq!(kid_of(&text(&fresh, "id_token")), new_kid);

    // What the old key signed still verifies.
    assert!(published_kids(&app.base).await.contains(&old_kid));
    assert_eq!(userinfo(&app, &old_access).await.0, StatusCode::OK);
    let (_, intro) = post_client(&app, &rp, "/oauth/introspect", &[("token", &old_access)]).await;
    assert_eq!(intro["active"], true, "{intro}");
}

async fn forged_key_ids_make_a_server_reload_its_keys_at_most_once_per_interval(backend: Backend) {
    let app = spawn_app(backend).await;
    let forge = |i: usize| {
        let header = format!(r#"{{"alg":"RS256","typ":"at+jwt","kid":"forged-{i}"}}"#);
        format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(r#"{"sub":"x"}"#),
            URL_SAFE_NO_PAD.encode("not a signature")
        )
    };
    let before = app.sigil.key_reloads();
    let mut requests = tokio::task::JoinSet::new();
    for i in 0..50 {
        let (base, token) = (app.base.clone(), forge(i));
        requests.spawn(async move {
            reqwest::Client::new()
                .get(format!("{base}/oauth/userinfo"))
                .bearer_auth(token)
                .send()
                .await
                .expect("GET")
                .status()
        });
    }
    while let Some(status) = requests.join_next().await {
        assert_eq!(status.expect("join"), StatusCode::UNAUTHORIZED);
    }
    let reloads = app.sigil.key_reloads() - before;
    // The first unknown kid reloads; the other 49 within the interval do not.
    assert_eq!(reloads, 1, "50 forged key ids made {reloads} key reloads");

    // The limit is per interval, not for good: a key id seen later is looked up again.
    app.clock.advance(KEY_CHECK_INTERVAL);
    assert_eq!(userinfo(&app, &forge(50)).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(app.sigil.key_reloads() - before, reloads + 1);
}

/// Nodes started together on a new installation, as a supervisor brings them up: the
/// first to lock the key set creates a key per algorithm, the others wait and load it.
/// Each node publishes the same keys from its first request on, so an ID token signed
/// by any node verifies against the key set fetched from any other.
async fn nodes_starting_at_once_on_an_empty_database_make_one_key_set(backend: Backend) {
    let name = uuid::Uuid::new_v4().simple().to_string();
    let dir = std::env::temp_dir().join(format!("sigil-keys-{name}"));
    let url = scratch_database(backend, &dir, &name)
        .await
        .expect("scratch database");
    std::fs::create_dir_all(&dir).expect("data dir");
    let install = Installation::new(url.clone(), "http://localhost:9".into(), "");
    let (a, b, c, d) = tokio::join!(
        install.start("node-a"),
        install.start("node-b"),
        install.start("node-c"),
        install.start("node-d")
    );
    let nodes = [a, b, c, d];

    let keys = query_i64(&url, "SELECT COUNT(*) FROM signing_keys")
        .await
        .expect("count");
    assert_eq!(keys, 3, "one key per algorithm, however many nodes started");
    let mut sets = Vec::new();
    for node in &nodes {
        let mut kids = published_kids(&node.base).await;
        kids.sort();
        sets.push((node.name.clone(), kids));
    }
    for (node, kids) in &sets {
        assert_eq!(kids.len(), 3, "{node} publishes {kids:?}");
        assert_eq!(
            kids, &sets[0].1,
            "{node} and {} publish the same keys",
            sets[0].0
        );
    }
}
