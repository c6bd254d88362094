//! Forms need their token; cross-site requests are refused.
use reqwest::StatusCode;
use sigil_store::testing::Backend;

use crate::helpers::{field_text, spawn_app, PASSWORD};
use crate::on_both_backends;

on_both_backends!(
    a_form_without_its_token_is_refused_and_changes_nothing,
    cross_site_requests_are_refused_even_with_a_token,
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
