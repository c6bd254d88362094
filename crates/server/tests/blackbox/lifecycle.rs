//! The profile's Other actions. Log out from all devices: after a confirm step every
//! browser session of the person ends, and every code, refresh token and access token
//! of every application with it — on every node sharing the database, at once.
use reqwest::{Method, StatusCode};
use sigil_store::testing::Backend;

use crate::helpers::{location, spawn_app, spawn_node, PASSWORD};
use crate::oidc_helpers::{
    authorize, authorize_path, pkce, post_client, register, signed_in_tokens, url_param, userinfo,
};
use crate::on_both_backends;

on_both_backends!(log_out_from_all_devices_ends_every_session_and_token_everywhere);

async fn log_out_from_all_devices_ends_every_session_and_token_everywhere(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let (here, tokens) = signed_in_tokens(&app, &rp, "lena", "openid profile").await;
    let access = tokens["access_token"].as_str().expect("at").to_owned();
    let refresh = tokens["refresh_token"].as_str().expect("rt").to_owned();
    // A second node on the same database, behind the same public address.
    let public = app.base.clone();
    let other_node = spawn_node(&app, move |c| {
        c.public_url = public.clone();
        c.settings.oidc.issuer = public;
    })
    .await;
    // A second browser on the other node, and a code not yet exchanged.
    let there = other_node.browser().await;
    assert_eq!(
        there.sign_in("lena", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    // (Of another application: a new grant of the same one would replace the first.)
    let other_rp = register(&app, "web", None).await;
    let (verifier, challenge) = pkce();
    let path = authorize_path(&other_rp, "openid", &challenge, &[]);
    let loc = authorize(&there, &path, "lena").await;
    let code = url_param(&loc, "code").expect("a code");
    assert_eq!(userinfo(&other_node, &access).await.0, StatusCode::OK);

    // The confirm step says what happens and is reached from Other actions.
    let (_, profile) = here.page("/profile").await;
    assert!(profile.contains(r#"href="/profile/sign-out-everywhere""#));
    let (status, confirm) = here.page("/profile/sign-out-everywhere").await;
    assert_eq!(status, StatusCode::OK);
    assert!(confirm.contains("Every session of yours ends at once"));
    let (_, events) = here.api(Method::GET, "/api/v1/me/events", None).await;
    let before = events["events"].as_array().map_or(0, Vec::len);

    let r = here.post_form("/profile/sign-out-everywhere", &[]).await;

    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/login?notice=signed_out_everywhere");
    let (_, login) = here.page(&location(&r)).await;
    assert!(login.contains("You have been logged out from all devices."));
    // Both browsers are signed out, on either node.
    for b in [&here, &there] {
        let r = b.get("/profile").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "signed out");
        assert!(location(&r).starts_with("/login"));
    }
    // Every token is dead on both nodes.
    for node in [&app, &other_node] {
        let (status, _) = userinfo(node, &access).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let r = reqwest::Client::new()
            .get(format!("{}/oauth/userinfo", node.base))
            .bearer_auth(&access)
            .send()
            .await
            .expect("GET");
        assert!(r.headers().contains_key("www-authenticate"));
        let (_, intro) = post_client(node, &rp, "/oauth/introspect", &[("token", &access)]).await;
        assert_eq!(intro["active"], false, "{intro}");
        let (status, answer) = post_client(
            node,
            &rp,
            "/oauth/token",
            &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(answer["error"], "invalid_grant");
    }
    let (status, answer) = crate::oidc_helpers::exchange(&app, &other_rp, &code, &verifier).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the unused code: {answer}");
    assert_eq!(answer["error"], "invalid_grant");

    // One event, seen after signing in again.
    assert_eq!(
        here.sign_in("lena", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, events) = here.api(Method::GET, "/api/v1/me/events", None).await;
    let list = events["events"].as_array().expect("events");
    let everywhere: Vec<_> = list
        .iter()
        .filter(|e| e["category"] == "sign_out.everywhere")
        .collect();
    assert_eq!(everywhere.len(), 1, "{events}");
    assert_eq!(everywhere[0]["details"]["sessions_ended"], 2);
    assert_eq!(list.len(), before + 2, "the logout and the new sign-in");
}
