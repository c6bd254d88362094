//! Housekeeping: codes, grants, revocation entries and link requests that nothing can use
//! any more are deleted by the background job, so that a person requesting codes in a
//! loop cannot grow the database; of several nodes sharing a database, one runs it per
//! interval. Rows are counted in the database itself, and the job runs every second.
use std::time::Duration as StdDuration;

use reqwest::StatusCode;
use serde_json::json;
use sigil::upstream::ProviderConfig;
use sigil_core::identifier::ProviderDef;
use sigil_core::privacy::PrivacyLevel;
use sigil_store::testing::Backend;
use time::Duration;

use crate::helpers::{location, spawn_app, spawn_node, spawn_with, TestApp};
use crate::oidc_helpers::{
    authorize, authorize_path, exchange, pkce, post_client, register, url_param,
};
use crate::on_both_backends;

on_both_backends!(
    the_job_purges_expired_codes_grants_revocations_and_link_requests,
    two_nodes_on_one_database_run_housekeeping_once_per_interval,
);

const EVERY_SECOND: StdDuration = StdDuration::from_secs(1);

/// How many times housekeeping has run, across all nodes (0 before its first run).
async fn runs(app: &TestApp) -> i64 {
    app.query_i64("SELECT COALESCE(MAX(runs), 0) FROM job_leases WHERE name = 'housekeeping'")
        .await
}

/// Waits (ten seconds at most) until housekeeping has run `n` times.
async fn until_runs(app: &TestApp, n: i64) {
    let deadline = tokio::time::Instant::now() + StdDuration::from_secs(10);
    while runs(app).await < n {
        assert!(
            tokio::time::Instant::now() < deadline,
            "housekeeping did not run a {n}th time"
        );
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
}

/// Rows of codes, grants (each holds its refresh token), revocation entries and link
/// requests.
async fn rows(app: &TestApp) -> [i64; 4] {
    let mut n = [0; 4];
    for (i, table) in [
        "auth_codes",
        "token_families",
        "revoked_access_tokens",
        "identifier_requests",
    ]
    .iter()
    .enumerate()
    {
        n[i] = app
            .query_i64(&format!("SELECT COUNT(*) FROM {table}"))
            .await;
    }
    n
}

async fn the_job_purges_expired_codes_grants_revocations_and_link_requests(backend: Backend) {
    // A provider to start linking at: only its discovery document is read.
    let provider = spawn_app(backend).await;
    let issuer = provider.base.clone();
    let app = spawn_with(backend, move |c| {
        c.housekeeping_every = EVERY_SECOND;
        c.settings.providers = vec![ProviderDef {
            id: "corp".into(),
            name: "Corp ID".into(),
            default_privacy: PrivacyLevel::OnRequest,
            sign_in: false,
        }];
        c.providers = vec![ProviderConfig {
            id: "corp".into(),
            issuer,
            client_id: "sigil".into(),
            client_secret: None,
            scopes: vec![],
            private_network: true,
        }];
    })
    .await;
    until_runs(&app, 1).await;
    let rp = register(&app, "web", None).await;
    let b = app.signed_in("hugo").await;
    // A code the application redeems, and an access token it revokes…
    let (verifier, challenge) = pkce();
    let loc = authorize(&b, &authorize_path(&rp, "openid", &challenge, &[]), "hugo").await;
    let code = url_param(&loc, "code").expect("a code");
    let (status, tokens) = exchange(&app, &rp, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let at = tokens["access_token"].as_str().expect("at").to_owned();
    let rt = tokens["refresh_token"].as_str().expect("rt").to_owned();
    let (status, _) = post_client(&app, &rp, "/oauth/revoke", &[("token", &at)]).await;
    assert_eq!(status, StatusCode::OK);
    // …codes it never redeems, as `prompt=none` can mint in a loop…
    for _ in 0..3 {
        let (_, challenge) = pkce();
        let path = authorize_path(&rp, "openid", &challenge, &[("prompt", "none")]);
        let loc = authorize(&b, &path, "hugo").await;
        assert!(url_param(&loc, "code").is_some(), "{loc}");
    }
    // …and a link to an account at the provider, started and never finished.
    let r = b
        .post_form("/profile/identifiers/link", &[("provider", "corp")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with(&provider.base), "{}", location(&r));
    let before = rows(&app).await;
    assert_eq!(before, [4, 1, 1, 1]);

    // A run while everything is alive deletes nothing.
    app.clock.advance(Duration::seconds(2));
    until_runs(&app, 2).await;
    assert_eq!(rows(&app).await, before, "nothing has expired yet");

    // Past the grant's absolute lifetime (30 days), the next run deletes it all.
    app.clock.advance(Duration::days(31));
    until_runs(&app, 3).await;
    assert_eq!(rows(&app).await, [0; 4]);

    // The purged grant answers like one that never existed.
    let (status, body) = post_client(
        &app,
        &rp,
        "/oauth/token",
        &[("grant_type", "refresh_token"), ("refresh_token", &rt)],
    )
    .await;
    assert_eq!(
        (status, &body["error"]),
        (StatusCode::BAD_REQUEST, &json!("invalid_grant"))
    );
    let (_, intro) = post_client(&app, &rp, "/oauth/introspect", &[("token", &rt)]).await;
    assert_eq!(intro, json!({ "active": false }));
}

async fn two_nodes_on_one_database_run_housekeeping_once_per_interval(backend: Backend) {
    let one = spawn_with(backend, |c| c.housekeeping_every = EVERY_SECOND).await;
    until_runs(&one, 1).await;
    let two = spawn_node(&one, |c| c.housekeeping_every = EVERY_SECOND).await;
    let rp = register(&one, "web", None).await;
    let b = two.signed_in("hugo").await;
    let (_, challenge) = pkce();
    let loc = authorize(&b, &authorize_path(&rp, "openid", &challenge, &[]), "hugo").await;
    assert!(url_param(&loc, "code").is_some(), "{loc}");
    assert_eq!(
        runs(&one).await,
        1,
        "the second node, ticking every second, found the first run's lease held"
    );

    one.clock.advance(Duration::days(31));
    until_runs(&one, 2).await;
    assert_eq!(rows(&one).await[0], 0, "the code is gone");
    // Both nodes tick three more times on a clock that stands still: the lease taken
    // just now holds them all off.
    tokio::time::sleep(3 * EVERY_SECOND).await;
    assert_eq!(runs(&one).await, 2, "one run for the interval");
    let holders = format!(
        "SELECT COUNT(*) FROM job_leases WHERE name = 'housekeeping' AND holder IN ('{}', '{}')",
        one.node, two.node
    );
    assert_eq!(
        one.query_i64(&holders).await,
        1,
        "one holder, one of the two"
    );
    // (The erasure job keeps a lease of its own.)
    assert_eq!(
        one.query_i64("SELECT COUNT(*) FROM job_leases WHERE name = 'housekeeping'")
            .await,
        1
    );
}
