//! Housekeeping: codes, grants and revocation entries that nothing can use any more are
//! deleted, so that a person requesting codes in a loop cannot grow the database.
use reqwest::StatusCode;
use serde_json::json;
use sigil_core::services::Purged;
use sigil_store::testing::Backend;
use time::Duration;

use crate::helpers::spawn_app;
use crate::oidc_helpers::{
    authorize, authorize_path, exchange, pkce, post_client, register, url_param,
};
use crate::on_both_backends;

on_both_backends!(expired_codes_grants_and_revocations_are_purged_and_answer_as_unknown);

async fn expired_codes_grants_and_revocations_are_purged_and_answer_as_unknown(backend: Backend) {
    let app = spawn_app(backend).await;
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
    // …and codes it never redeems, as `prompt=none` can mint in a loop.
    for _ in 0..3 {
        let (_, challenge) = pkce();
        let path = authorize_path(&rp, "openid", &challenge, &[("prompt", "none")]);
        let loc = authorize(&b, &path, "hugo").await;
        assert!(url_param(&loc, "code").is_some(), "{loc}");
    }

    let nothing = Purged::default();
    assert_eq!(
        app.sigil.purge_expired().await.expect("purge"),
        nothing,
        "nothing has expired yet"
    );

    // Past the grant's absolute lifetime (30 days), every code, the grant and the
    // revocation entry are gone, each once.
    app.clock.advance(Duration::days(31));
    let purged = app.sigil.purge_expired().await.expect("purge");
    assert_eq!(
        (purged.codes, purged.families, purged.revoked_access_tokens),
        (4, 1, 1)
    );
    assert_eq!(app.sigil.purge_expired().await.expect("purge"), nothing);

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
