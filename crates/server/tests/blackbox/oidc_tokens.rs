//! The token endpoint and what hangs off it: codes, refresh rotation, client
//! credentials, introspection, revocation, the Scopes tab and key rotation.
use reqwest::{Method, StatusCode};
use serde_json::json;
use sigil_store::testing::Backend;
use time::Duration;

use crate::helpers::{location, spawn_app};
use crate::oidc_helpers::{
    authorize, authorize_path, exchange, pkce, post_client, register, signed_in_operator,
    signed_in_tokens, url_param, userinfo, Rp,
};
use crate::on_both_backends;

on_both_backends!(
    a_code_works_once_and_its_reuse_revokes_what_it_gave,
    codes_expire_and_bad_client_secrets_are_refused,
    refresh_tokens_rotate_and_a_replay_ends_the_family,
    of_two_concurrent_refreshes_exactly_one_wins,
    a_forged_refresh_token_ends_nothing_and_an_older_one_ends_everything,
    a_refresh_chain_ends_at_its_absolute_lifetime,
    client_credentials_give_the_service_its_own_token,
    introspection_and_revocation_cover_the_clients_own_tokens,
    the_scopes_tab_ends_sessions_and_revokes_permissions,
    rotated_keys_stay_published_until_their_tokens_expire,
    operators_manage_applications_through_the_admin_api,
);

async fn refresh(
    app: &crate::helpers::TestApp,
    rp: &Rp,
    token: &str,
) -> (StatusCode, serde_json::Value) {
    post_client(
        app,
        rp,
        "/oauth/token",
        &[("grant_type", "refresh_token"), ("refresh_token", token)],
    )
    .await
}

async fn a_code_works_once_and_its_reuse_revokes_what_it_gave(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let b = app.signed_in("gil").await;
    let (verifier, challenge) = pkce();
    let loc = authorize(
        &b,
        &authorize_path(&rp, "openid profile", &challenge, &[]),
        "gil",
    )
    .await;
    let code = url_param(&loc, "code").expect("code");
    let (status, first) = exchange(&app, &rp, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        userinfo(&app, first["access_token"].as_str().expect("at"))
            .await
            .0,
        StatusCode::OK
    );

    let (status, body) = exchange(&app, &rp, &code, &verifier).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(
        userinfo(&app, first["access_token"].as_str().expect("at"))
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = refresh(&app, &rp, first["refresh_token"].as_str().expect("rt")).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the first exchange's tokens are revoked"
    );
}

async fn codes_expire_and_bad_client_secrets_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let b = app.signed_in("hal").await;
    let (verifier, challenge) = pkce();
    let loc = authorize(&b, &authorize_path(&rp, "openid", &challenge, &[]), "hal").await;
    let code = url_param(&loc, "code").expect("code");

    let wrong = Rp {
        client_id: rp.client_id.clone(),
        secret: Some("not-the-secret".into()),
        redirect: rp.redirect.clone(),
    };
    let (status, body) = exchange(&app, &wrong, &code, &verifier).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "invalid_client");
    let other_redirect = Rp {
        client_id: rp.client_id.clone(),
        secret: rp.secret.clone(),
        redirect: "https://rp.example/other".into(),
    };
    let (_, body) = exchange(&app, &other_redirect, &code, &verifier).await;
    assert_eq!(
        body["error"], "invalid_grant",
        "redirect_uri must match the authorization request"
    );
    let (_, body) = post_client(
        &app,
        &rp,
        "/oauth/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", &rp.redirect),
        ],
    )
    .await;
    assert_eq!(
        body["error"], "invalid_grant",
        "the verifier is required when a challenge was sent"
    );

    app.clock.advance(Duration::seconds(61));
    let (status, body) = exchange(&app, &rp, &code, &verifier).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant", "expired");
    let (_, body) = post_client(&app, &rp, "/oauth/token", &[("grant_type", "password")]).await;
    assert_eq!(body["error"], "unsupported_grant_type");
}

async fn refresh_tokens_rotate_and_a_replay_ends_the_family(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let (_, tokens) = signed_in_tokens(&app, &rp, "ida", "openid profile").await;
    let first = tokens["refresh_token"].as_str().expect("rt").to_owned();

    let (status, second) = refresh(&app, &rp, &first).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    let second_rt = second["refresh_token"]
        .as_str()
        .expect("rotated")
        .to_owned();
    assert_ne!(second_rt, first);
    assert!(second["id_token"].is_string());
    assert_eq!(
        userinfo(&app, second["access_token"].as_str().expect("at"))
            .await
            .0,
        StatusCode::OK
    );

    app.clock.advance(Duration::seconds(30));
    let (status, body) = refresh(&app, &rp, &first).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    let (status, _) = refresh(&app, &rp, &second_rt).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the replay ended the whole family"
    );
    assert_eq!(
        userinfo(&app, second["access_token"].as_str().expect("at"))
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
}

async fn of_two_concurrent_refreshes_exactly_one_wins(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let (_, tokens) = signed_in_tokens(&app, &rp, "joe", "openid").await;
    let rt = tokens["refresh_token"].as_str().expect("rt").to_owned();
    let (a, b) = tokio::join!(refresh(&app, &rp, &rt), refresh(&app, &rp, &rt));
    let wins = [&a, &b]
        .iter()
        .filter(|(s, _)| *s == StatusCode::OK)
        .count();
    assert_eq!(wins, 1, "{a:?} {b:?}");
    let loser = if a.0 == StatusCode::OK { &b.1 } else { &a.1 };
    // Whether the loser also ended the family depends on whether it read the family
    // before the winner's rotation was committed (it lost at the compare-and-set) or
    // after (a replay, RFC 9700 §4.14.2); either way it gets nothing.
    assert_eq!(loser["error"], "invalid_grant");
}

async fn a_forged_refresh_token_ends_nothing_and_an_older_one_ends_everything(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let (_, tokens) = signed_in_tokens(&app, &rp, "lea", "openid").await;
    let first = tokens["refresh_token"].as_str().expect("rt").to_owned();
    let (_, body) = refresh(&app, &rp, &first).await;
    let second = body["refresh_token"].as_str().expect("rt").to_owned();

    // A client that edits its token (the generation, the tag) gets nothing and ends nothing.
    let (family, rest) = second.split_once('.').expect("family");
    let (generation, tag) = rest.split_once('.').expect("generation");
    let next: u64 = generation.parse::<u64>().expect("number") + 1;
    let mut flipped = tag.to_owned().into_bytes();
    flipped[0] = if flipped[0] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).expect("ascii");
    for forged in [
        format!("{family}.{next}.{tag}"),
        format!("{family}.{generation}.{flipped}"),
        format!("{family}.0{generation}.{tag}"),
        format!("{family}x.{generation}.{tag}"),
        "not-a-token".to_owned(),
    ] {
        let (status, body) = refresh(&app, &rp, &forged).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{forged}");
        assert_eq!(body["error"], "invalid_grant", "{forged}");
        let (_, intro) = post_client(&app, &rp, "/oauth/introspect", &[("token", &forged)]).await;
        assert_eq!(intro, json!({ "active": false }), "{forged}");
    }
    let (_, intro) = post_client(&app, &rp, "/oauth/introspect", &[("token", &first)]).await;
    assert_eq!(
        intro,
        json!({ "active": false }),
        "a rotated token is spent"
    );
    let (_, intro) = post_client(&app, &rp, "/oauth/introspect", &[("token", &second)]).await;
    assert_eq!(intro["active"], true, "forgeries ended nothing");
    let (status, body) = refresh(&app, &rp, &second).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let third = body["refresh_token"].as_str().expect("rt").to_owned();

    // A token two generations old is a replay as much as the one just replaced (that
    // case is in oidc_hardening), and ends the family.
    let (status, body) = refresh(&app, &rp, &first).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    let (status, _) = refresh(&app, &rp, &third).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the replay ended the family"
    );
    let (_, intro) = post_client(&app, &rp, "/oauth/introspect", &[("token", &third)]).await;
    assert_eq!(intro["active"], false);
}

async fn client_credentials_give_the_service_its_own_token(backend: Backend) {
    let app = spawn_app(backend).await;
    let svc = register(&app, "service", None).await;
    let (status, body) = post_client(
        &app,
        &svc,
        "/oauth/token",
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 300);
    assert!(body.get("refresh_token").is_none() && body.get("id_token").is_none());
    let (status, _) = userinfo(&app, body["access_token"].as_str().expect("at")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no person behind it");
    let (_, intro) = post_client(
        &app,
        &svc,
        "/oauth/introspect",
        &[("token", body["access_token"].as_str().expect("at"))],
    )
    .await;
    assert_eq!(intro["active"], true);
    assert_eq!(intro["sub"], svc.client_id.as_str());

    // RFC 6749 §3.2: a parameter sent twice makes the request invalid, even when both
    // copies agree; one sent without a value counts as omitted.
    for fields in [
        &[
            ("grant_type", "refresh_token"),
            ("grant_type", "client_credentials"),
        ][..],
        &[
            ("grant_type", "client_credentials"),
            ("grant_type", "client_credentials"),
        ],
        &[
            ("grant_type", "client_credentials"),
            ("scope", ""),
            ("scope", "x"),
        ],
    ] {
        let (status, body) = post_client(&app, &svc, "/oauth/token", fields).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{fields:?}");
        assert_eq!(body["error"], "invalid_request", "{fields:?}");
        assert!(body.get("access_token").is_none());
    }
    let at = body["access_token"].as_str().expect("at");
    let (status, intro) = post_client(
        &app,
        &svc,
        "/oauth/introspect",
        &[("token", at), ("token", at)],
    )
    .await;
    assert_eq!(
        (status, &intro["error"]),
        (StatusCode::BAD_REQUEST, &json!("invalid_request"))
    );
    let (status, body) = post_client(
        &app,
        &svc,
        "/oauth/token",
        &[("grant_type", "client_credentials"), ("scope", "")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "an empty scope is no scope: {body}");
    let (_, body) = post_client(&app, &svc, "/oauth/token", &[("grant_type", "")]).await;
    assert_eq!(
        (&body["error"], &body["error_description"]),
        (&json!("invalid_request"), &json!("grant_type is required"))
    );

    let web = register(&app, "web", None).await;
    let (_, body) = post_client(
        &app,
        &web,
        "/oauth/token",
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(body["error"], "unauthorized_client");
}

async fn introspection_and_revocation_cover_the_clients_own_tokens(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let other = register(&app, "web", None).await;
    let (_, tokens) = signed_in_tokens(&app, &rp, "kim", "openid").await;
    let at = tokens["access_token"].as_str().expect("at").to_owned();
    let rt = tokens["refresh_token"].as_str().expect("rt").to_owned();

    let (_, intro) = post_client(&app, &rp, "/oauth/introspect", &[("token", &at)]).await;
    assert_eq!(intro["active"], true);
    assert_eq!(intro["client_id"], rp.client_id.as_str());
    let (_, intro) = post_client(&app, &other, "/oauth/introspect", &[("token", &at)]).await;
    assert_eq!(
        intro,
        json!({ "active": false }),
        "another client learns nothing"
    );
    let (_, intro) = post_client(&app, &rp, "/oauth/introspect", &[("token", &rt)]).await;
    assert_eq!(intro["token_type"], "refresh_token");

    let (status, _) = post_client(&app, &rp, "/oauth/revoke", &[("token", &at)]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(userinfo(&app, &at).await.0, StatusCode::UNAUTHORIZED);
    let (_, intro) = post_client(&app, &rp, "/oauth/introspect", &[("token", &at)]).await;
    assert_eq!(intro["active"], false);
    assert_eq!(
        refresh(&app, &rp, &rt).await.0,
        StatusCode::OK,
        "revoking an access token leaves the refresh token"
    );

    let (_, fresh) = signed_in_tokens(&app, &rp, "kim2", "openid").await;
    let frt = fresh["refresh_token"].as_str().expect("rt");
    post_client(
        &app,
        &rp,
        "/oauth/revoke",
        &[("token", frt), ("token_type_hint", "refresh_token")],
    )
    .await;
    assert_eq!(refresh(&app, &rp, frt).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(
        userinfo(&app, fresh["access_token"].as_str().expect("at"))
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = post_client(&app, &rp, "/oauth/revoke", &[("token", "no-such-token")]).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "unknown tokens are not an error (RFC 7009)"
    );
}

async fn the_scopes_tab_ends_sessions_and_revokes_permissions(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let (b, tokens) = signed_in_tokens(&app, &rp, "lee", "openid email").await;
    let (_, html) = b.page("/apps").await;
    assert!(
        html.contains("Test web app") && html.contains(r#"href="https://rp.example/""#),
        "the name opens the home URL"
    );
    assert!(html.contains("Your email address"));

    let (status, html) = b
        .page(&format!("/apps/{}/end-sessions", rp.client_id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("End them?"), "asks first");
    let r = b
        .post_form(&format!("/apps/{}/end-sessions", rp.client_id), &[])
        .await;
    assert_eq!(location(&r), "/apps?notice=ended");
    let at = tokens["access_token"].as_str().expect("at");
    assert_eq!(userinfo(&app, at).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        refresh(&app, &rp, tokens["refresh_token"].as_str().expect("rt"))
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        post_client(&app, &rp, "/oauth/introspect", &[("token", at)])
            .await
            .1["active"],
        false
    );
    let (_, challenge) = pkce();
    let r = b
        .get(&authorize_path(&rp, "openid email", &challenge, &[]))
        .await;
    assert!(
        location(&r).starts_with("https://"),
        "consent stays after ending sessions"
    );

    let r = b
        .post_form(&format!("/apps/{}/revoke", rp.client_id), &[])
        .await;
    assert_eq!(location(&r), "/apps?notice=revoked");
    let r = b
        .get(&authorize_path(&rp, "openid email", &challenge, &[]))
        .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "the next sign-in asks for consent again"
    );
    let (_, events) = b.api(Method::GET, "/api/v1/me/events", None).await;
    let categories: Vec<_> = events["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["category"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(
        categories.contains(&"app.sessions_ended".to_owned())
            && categories.contains(&"app.permission_revoked".to_owned()),
        "{categories:?}"
    );
}

async fn rotated_keys_stay_published_until_their_tokens_expire(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let (_, tokens) = signed_in_tokens(&app, &rp, "max", "openid").await;
    let jwks: serde_json::Value = reqwest::get(format!("{}/oauth/jwks", app.base))
        .await
        .expect("jwks")
        .json()
        .await
        .expect("json");
    let before: Vec<String> = jwks["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .filter_map(|k| k["kid"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        before.len(),
        3,
        "one key per algorithm: RS256, ES256, EdDSA"
    );
    app.sigil.rotate_keys().await.expect("rotate");
    let jwks: serde_json::Value = reqwest::get(format!("{}/oauth/jwks", app.base))
        .await
        .expect("jwks")
        .json()
        .await
        .expect("json");
    assert_eq!(
        jwks["keys"].as_array().map(Vec::len),
        Some(6),
        "old and new"
    );
    assert_eq!(
        userinfo(&app, tokens["access_token"].as_str().expect("at"))
            .await
            .0,
        StatusCode::OK,
        "old tokens still verify"
    );
    // The new keys sign once every node and relying party has had time to fetch them.
    app.clock
        .advance(sigil_core::services::oidc::KEY_ACTIVATION_DELAY);
    let (_, fresh) = refresh(&app, &rp, tokens["refresh_token"].as_str().expect("rt")).await;
    let header = fresh["access_token"]
        .as_str()
        .expect("at")
        .split('.')
        .next()
        .expect("header")
        .to_owned();
    let header: serde_json::Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, header)
            .expect("b64"),
    )
    .expect("json");
    let kid = header["kid"].as_str().expect("kid").to_owned();
    assert!(!before.contains(&kid), "new tokens use the new key");
    let published = jwks["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .any(|k| k["kid"] == kid.as_str() && k["alg"] == "RS256");
    assert!(published);
    assert_eq!(header["typ"], "at+jwt");
}

async fn operators_manage_applications_through_the_admin_api(backend: Backend) {
    let app = spawn_app(backend).await;
    let op = signed_in_operator(&app).await;
    let body = json!({ "name": "Shop", "type": "spa", "redirect_uris": ["https://shop.example/cb"], "signing_alg": "EdDSA" });
    let (status, created) = op.api(Method::POST, "/api/v1/admin/apps", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert!(
        created["client_secret"].is_null(),
        "a public client has no secret"
    );
    let id = created["client_id"].as_str().expect("id").to_owned();
    let (status, bad) = op
        .api(
            Method::POST,
            "/api/v1/admin/apps",
            Some(json!({ "name": "", "type": "web", "redirect_uris": ["javascript:x"] })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad["error"]["code"], "invalid_input");
    let (_, list) = op.api(Method::GET, "/api/v1/admin/apps", None).await;
    assert_eq!(list["apps"].as_array().map(Vec::len), Some(1));

    let person = app.signed_in("nia").await;
    let (status, _) = person.api(Method::GET, "/api/v1/admin/apps", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = op
        .api(Method::DELETE, &format!("/api/v1/admin/apps/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = op
        .api(Method::GET, &format!("/api/v1/admin/apps/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn a_refresh_chain_ends_at_its_absolute_lifetime(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let (_, tokens) = signed_in_tokens(&app, &rp, "pia", "openid offline_access").await;
    let mut rt = tokens["refresh_token"].as_str().expect("rt").to_owned();
    // Rotating keeps working inside the 30-day lifetime, however often it happens...
    for _ in 0..3 {
        app.clock.advance(Duration::days(9));
        let (status, body) = refresh(&app, &rp, &rt).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        rt = body["refresh_token"].as_str().expect("rt").to_owned();
    }
    // ... but not past it, counted from the sign-in, not from the last rotation.
    app.clock.advance(Duration::days(4));
    let (status, body) = refresh(&app, &rp, &rt).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");

    // Without offline_access the grant ends with the browser session (12 hours).
    let (_, tokens) = signed_in_tokens(&app, &rp, "pia2", "openid").await;
    app.clock.advance(Duration::hours(11));
    let (status, body) = refresh(&app, &rp, tokens["refresh_token"].as_str().expect("rt")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    app.clock.advance(Duration::hours(2));
    let (status, _) = refresh(&app, &rp, body["refresh_token"].as_str().expect("rt")).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the session behind it has ended"
    );
    assert_eq!(
        userinfo(&app, body["access_token"].as_str().expect("at"))
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
}
