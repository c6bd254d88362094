//! HTTP hygiene: a body over its limit is 413 on every surface, a malformed query on
//! the API is a JSON error, and stored images cannot run as pages.
use image::ImageFormat;
use reqwest::{Method, StatusCode};
use sigil_store::testing::Backend;

use crate::helpers::{spawn_app, PASSWORD};
use crate::on_both_backends;
use crate::photos::{photo_src, picture, upload};

on_both_backends!(
    a_form_over_its_limit_is_413,
    a_json_body_over_its_limit_is_413_in_json,
    a_request_to_the_oidc_endpoints_over_its_limit_is_413,
    an_upload_over_its_limit_is_413_with_the_error_beside_the_field,
    a_malformed_query_on_the_api_is_a_json_error,
    stored_images_are_sandboxed_and_not_sniffed,
);

/// axum's default body limit, which the JSON API and the token endpoint keep.
const DEFAULT_LIMIT: usize = 2 * 1024 * 1024;
/// The console's form limit.
const FORM_LIMIT: usize = 64 * 1024;

async fn a_form_over_its_limit_is_413(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("ada").await;
    let big = "x".repeat(FORM_LIMIT + 1024);

    let r = b
        .post_form(
            "/profile/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", &big),
                ("confirm_password", "x"),
            ],
        )
        .await;

    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("The request is too large."));
}

async fn a_json_body_over_its_limit_is_413_in_json(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("ada").await;
    let big = "x".repeat(DEFAULT_LIMIT + 1024);

    let (status, body) = b
        .api(
            Method::PATCH,
            "/api/v1/me",
            Some(serde_json::json!({ "fields": { "company": big } })),
        )
        .await;

    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["error"]["code"], "request_too_large");
}

async fn a_request_to_the_oidc_endpoints_over_its_limit_is_413(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.browser().await;
    let post = |path: &str, body: String| {
        b.client
            .post(b.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };

    let r = post(
        "/oauth/token",
        format!(
            "grant_type=authorization_code&code={}",
            "x".repeat(DEFAULT_LIMIT)
        ),
    )
    .await
    .expect("POST");

    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let json: serde_json::Value = r.json().await.expect("JSON");
    assert_eq!(json["error"], "invalid_request");

    let r = post(
        "/oauth/userinfo",
        format!("access_token={}", "x".repeat(DEFAULT_LIMIT)),
    )
    .await
    .expect("POST");
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let r = post(
        "/oauth/end_session",
        format!("state={}", "x".repeat(DEFAULT_LIMIT)),
    )
    .await
    .expect("POST");
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

async fn an_upload_over_its_limit_is_413_with_the_error_beside_the_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("ada").await;
    let mut huge = picture(ImageFormat::Png, 16, 16);
    huge.resize(sigil_core::photo::MAX_BYTES + 64 * 1024 + 2048, 0xAB);

    let r = upload(&b, huge, "huge.png", "image/png").await;

    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let html = r.text().await.expect("body");
    assert!(html.contains(r#"<small class="field-error">"#), "{html}");
    assert!(html.contains("larger than 5 MB"));
}

async fn a_malformed_query_on_the_api_is_a_json_error(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("ada").await;

    let r = b
        .client
        .get(b.url("/api/v1/me/events?limit=many"))
        .send()
        .await
        .expect("GET");

    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.headers()["content-type"], "application/json");
    let json: serde_json::Value = r.json().await.expect("JSON");
    assert_eq!(json["error"]["code"], "invalid_request");
}

async fn stored_images_are_sandboxed_and_not_sniffed(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("ada").await;
    let r = upload(&b, picture(ImageFormat::Png, 64, 64), "me.png", "image/png").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = b.page("/profile").await;
    let src = photo_src(&page).expect("a photo");

    let r = app.browser().await.get(&src).await;

    assert_eq!(r.status(), StatusCode::OK);
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .expect("ASCII");
    assert!(csp.split(';').any(|d| d.trim() == "sandbox"), "{csp}");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
}
