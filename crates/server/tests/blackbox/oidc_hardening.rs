//! What hostile and certified clients probed at the OpenID endpoints: refresh-token
//! reuse, logout hints and return addresses, repeated authorization parameters, and the
//! registration policy (https redirects, PKCE for every client).
use std::process::Command;

use regex::Regex;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sigil_core::oidc::application::AppInput;
use sigil_store::testing::{scratch_database, Backend};

use crate::helpers::{form_urlencoded, location, spawn_app, Browser};
use crate::oidc_helpers::{
    authorize, authorize_path, pkce, post_client, register, signed_in_tokens, unescape, url_param,
    userinfo, Rp, REDIRECT,
};
use crate::on_both_backends;

on_both_backends!(
    a_rotated_refresh_token_used_again_at_once_ends_the_whole_family,
    a_repeated_authorization_parameter_is_invalid_request,
);

async fn refresh(app: &crate::helpers::TestApp, rp: &Rp, token: &str) -> (StatusCode, Value) {
    post_client(
        app,
        rp,
        "/oauth/token",
        &[("grant_type", "refresh_token"), ("refresh_token", token)],
    )
    .await
}

/// RFC 9700 §4.14.2, as the certified client checks it: token N after rotating to N+1.
async fn a_rotated_refresh_token_used_again_at_once_ends_the_whole_family(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let (_, tokens) = signed_in_tokens(&app, &rp, "ivy", "openid").await;
    let first = tokens["refresh_token"].as_str().expect("rt").to_owned();
    let (status, rotated) = refresh(&app, &rp, &first).await;
    assert_eq!(status, StatusCode::OK, "{rotated}");
    let next = rotated["refresh_token"].as_str().expect("rt").to_owned();
    let access = rotated["access_token"].as_str().expect("at").to_owned();

    // The same instant on Sigil's clock: no grace period spares the replay.
    let (status, body) = refresh(&app, &rp, &first).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");

    let (status, body) = refresh(&app, &rp, &next).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the newest token died too");
    assert_eq!(body["error"], "invalid_grant");
    let (_, intro) = post_client(&app, &rp, "/oauth/introspect", &[("token", &access)]).await;
    assert_eq!(intro, json!({ "active": false }));
    assert_eq!(userinfo(&app, &access).await.0, StatusCode::UNAUTHORIZED);
}

async fn a_repeated_authorization_parameter_is_invalid_request(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let b = app.signed_in("ned").await;
    let (_, challenge) = pkce();
    for repeated in [("state", "other"), ("nonce", "other"), ("scope", "openid")] {
        let r = b
            .get(&authorize_path(&rp, "openid", &challenge, &[repeated]))
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{repeated:?}");
        let loc = location(&r);
        assert!(loc.starts_with(REDIRECT), "{loc}");
        assert_eq!(
            url_param(&loc, "error").as_deref(),
            Some("invalid_request"),
            "{loc}"
        );
        assert_eq!(url_param(&loc, "code"), None, "{loc}");
    }
    // Until the client and its redirect URI are known, and each came once, nothing is
    // redirected.
    for repeated in [
        ("client_id", rp.client_id.as_str()),
        ("redirect_uri", REDIRECT),
    ] {
        let r = b
            .get(&authorize_path(&rp, "openid", &challenge, &[repeated]))
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{repeated:?}");
        assert!(r.headers().get("location").is_none(), "{repeated:?}");
    }
}
