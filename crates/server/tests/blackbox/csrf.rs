//! Forms need their token; cross-site requests are refused.
use reqwest::StatusCode;
use sigil_store::testing::Backend;

use crate::helpers::{field_text, spawn_app, Browser, PASSWORD};
use crate::on_both_backends;

on_both_backends!(
    a_form_without_its_token_is_refused_and_changes_nothing,
    cross_site_requests_are_refused_even_with_a_token,
    the_api_refuses_cross_site_requests_in_its_own_json_in_the_persons_language,
);

async fn a_form_without_its_token_is_refused_and_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("mia").await;
    let (_, html) = b.page("/profile/edit?block=main").await;
    let token = b.cookie("sigil_csrf").expect("token");
    assert!(
        html.contains(&format!(r#"name="csrf" value="{token}""#)),
        "pages carry the token"
    );

    let r = b
        .post_raw(
            "/profile/edit",
            &[("block", "main"), ("given_name", "Forged")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("This form has expired or came from another site."));
    let r = b
        .post_raw(
            "/profile/edit",
            &[
                ("block", "main"),
                ("given_name", "Forged"),
                ("csrf", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = b.post_raw("/logout", &[]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let (_, html) = b.page("/profile").await;
    assert_ne!(field_text(&html, "given_name"), "Forged");
    // A sign-in form without a token is refused as well (login CSRF).
    let fresh = app.browser().await;
    let r = fresh
        .post_raw("/login", &[("identifier", "mia"), ("password", PASSWORD)])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

async fn cross_site_requests_are_refused_even_with_a_token(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("noah").await;
    let token = b.cookie("sigil_csrf").expect("token");
    let body = format!("block=main&given_name=Evil&csrf={token}");

    let r = b
        .client
        .post(b.url("/profile/edit"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "https://evil.example")
        .body(body.clone())
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = b
        .client
        .post(b.url("/profile/edit"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(body)
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = b
        .client
        .patch(b.url("/api/v1/me"))
        .header("origin", "https://evil.example")
        .json(&serde_json::json!({ "fields": { "given_name": "Evil" } }))
        .send()
        .await
        .expect("PATCH");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // A form-encoded body, which a cross-site form could send, is not JSON to the API.
    let r = b
        .client
        .patch(b.url("/api/v1/me"))
        .header("content-type", "text/plain")
        .body(r#"{"fields":{"given_name":"Evil"}}"#)
        .send()
        .await
        .expect("PATCH");
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (_, html) = b.page("/profile").await;
    assert_ne!(field_text(&html, "given_name"), "Evil");
}

/// A cross-site call of the JSON API is refused (403) in the API's JSON shape, in the
/// language asked for, and changes nothing.
async fn the_api_refuses_cross_site_requests_in_its_own_json_in_the_persons_language(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let op = crate::oidc_helpers::signed_in_operator(&app).await;
    let rp = crate::invitations::closed_app(&app, "Wiki", None).await;
    let id = &rp.client_id;
    let refused = |b: &Browser,
                   method: reqwest::Method,
                   path: String,
                   header: (&'static str, &'static str),
                   lang: &'static str| {
        let req = b
            .client
            .request(method, b.url(&path))
            .header(header.0, header.1)
            .header("accept-language", lang)
            .json(&serde_json::json!({ "emails": ["gina@example.com"] }));
        async move {
            let r = req.send().await.expect("API call");
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
            let kind = r
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            assert!(kind.starts_with("application/json"), "{path}: {kind}");
            let body: serde_json::Value = r.json().await.expect("JSON");
            assert_eq!(body["error"]["code"], "cross_site_request", "{body}");
            assert_eq!(body["error"]["fields"], serde_json::json!([]), "{body}");
            body["error"]["message"]
                .as_str()
                .expect("message")
                .to_owned()
        }
    };
    let evil = ("origin", "https://evil.example");
    let cross = ("sec-fetch-site", "cross-site");
    let favorite = format!("/api/v1/me/favorites/{id}");
    let invitations = format!("/api/v1/admin/apps/{id}/invitations");

    let said = refused(&op, reqwest::Method::PUT, favorite.clone(), evil, "de").await;
    assert!(said.contains("anderen Website"), "{said}");
    let said = refused(&op, reqwest::Method::DELETE, favorite, cross, "ru").await;
    assert!(said.contains("другого сайта"), "{said}");
    let said = refused(&op, reqwest::Method::POST, invitations.clone(), evil, "en").await;
    assert!(said.contains("another website"), "{said}");
    let said = refused(&op, reqwest::Method::POST, invitations, cross, "en").await;
    assert!(said.contains("another website"), "{said}");

    // The person's own language beats the browser's.
    let b = app.browser_in("en").await;
    assert_eq!(
        b.register("anna", "", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let (status, _) = b
        .api(
            reqwest::Method::PATCH,
            "/api/v1/me",
            Some(serde_json::json!({ "locale": "de" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let said = refused(&b, reqwest::Method::PATCH, "/api/v1/me".into(), evil, "en").await;
    assert!(said.contains("anderen Website"), "{said}");

    assert_eq!(app.query_i64("SELECT COUNT(*) FROM invitations").await, 0);
    assert_eq!(app.query_i64("SELECT COUNT(*) FROM favorites").await, 0);
}
