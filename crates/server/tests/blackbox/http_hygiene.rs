//! HTTP hygiene: a body over its limit is 413 on every surface, a malformed query on
//! the API is a JSON error, and stored images cannot run as pages. No request that
//! cannot be read reaches the client as axum's untranslated plain-text rejection.
use image::ImageFormat;
use reqwest::{Method, Response, StatusCode};
use sigil_store::testing::Backend;

use crate::helpers::{spawn_app, Browser, PASSWORD};
use crate::on_both_backends;
use crate::photos::{photo_src, picture, upload};

on_both_backends!(
    a_form_over_its_limit_is_413,
    a_json_body_over_its_limit_is_413_in_json,
    a_request_to_the_oidc_endpoints_over_its_limit_is_413,
    an_upload_over_its_limit_is_413_with_the_error_beside_the_field,
    a_malformed_query_on_the_api_is_a_json_error,
    stored_images_are_sandboxed_and_not_sniffed,
    an_authorize_post_over_its_limit_is_the_translated_413_page,
    every_oauth_endpoint_answers_an_oversized_body_in_the_same_json,
    a_malformed_query_on_the_api_is_told_apart_from_a_malformed_body,
    an_unknown_api_path_is_a_json_404,
    a_malformed_console_form_query_or_upload_is_the_translated_400_page,
    a_path_parameter_that_is_not_utf8_is_a_404_in_each_surfaces_shape,
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

/// Sends a form body with the browser's language, without a CSRF token.
async fn post_body(b: &Browser, path: &str, content_type: &str, body: Vec<u8>) -> Response {
    b.client
        .post(b.url(path))
        .header("content-type", content_type)
        .header("accept-language", &b.accept_language)
        .body(body)
        .send()
        .await
        .expect("POST")
}

fn content_type(r: &Response) -> String {
    r.headers()["content-type"]
        .to_str()
        .expect("ASCII")
        .to_owned()
}

async fn an_authorize_post_over_its_limit_is_the_translated_413_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.browser_in("de").await;
    let body = format!("client_id=app&state={}", "x".repeat(DEFAULT_LIMIT));

    let r = post_body(
        &b,
        "/oauth/authorize",
        "application/x-www-form-urlencoded",
        body.into_bytes(),
    )
    .await;

    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(content_type(&r).starts_with("text/html"), "{r:?}");
    let html = r.text().await.expect("body");
    assert!(html.contains("Die Anfrage ist zu groß."), "{html}");
}

async fn every_oauth_endpoint_answers_an_oversized_body_in_the_same_json(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.browser().await;
    let body = format!("token={}", "x".repeat(DEFAULT_LIMIT));

    for path in [
        "/oauth/token",
        "/oauth/introspect",
        "/oauth/revoke",
        "/oauth/userinfo",
    ] {
        let r = post_body(
            &b,
            path,
            "application/x-www-form-urlencoded",
            body.clone().into_bytes(),
        )
        .await;

        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE, "{path}");
        let json: serde_json::Value = r.json().await.expect("JSON");
        assert_eq!(json["error"], "invalid_request", "{path}");
        assert_eq!(
            json["error_description"], "the request body is too large",
            "{path}"
        );
    }
}

async fn a_malformed_query_on_the_api_is_told_apart_from_a_malformed_body(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.browser_in("de").await;
    let r = b.register("ada", "", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    for query in ["limit=abc", "limit=1&limit=2"] {
        let (status, body) = b
            .api(Method::GET, &format!("/api/v1/me/events?{query}"), None)
            .await;

        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(body["error"]["code"], "invalid_request", "{query}");
        let message = body["error"]["message"].as_str().expect("a message");
        assert!(message.contains("Abfrageparameter"), "{query}: {message}");
    }
}

async fn an_unknown_api_path_is_a_json_404(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.browser_in("ru").await;

    let r = b.get("/api/v1/").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(content_type(&r), "application/json", "the bare prefix");

    let r = b.get("/api/v1/me/nothing-here").await;

    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(content_type(&r), "application/json");
    let json: serde_json::Value = r.json().await.expect("JSON");
    assert_eq!(json["error"]["code"], "not_found");
    let message = json["error"]["message"].as_str().expect("a message");
    assert!(message.contains("API"), "{message}");
    assert!(message.starts_with("Такого"), "{message}");

    // A method the endpoint does not take: JSON too, with the methods it does take.
    let r = b
        .client
        .put(b.url("/api/v1/me"))
        .header("accept-language", "ru")
        .send()
        .await
        .expect("PUT");
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(content_type(&r), "application/json");
    let allow = r
        .headers()
        .get("allow")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(allow.contains("GET") && allow.contains("PATCH"), "{allow}");
    let json: serde_json::Value = r.json().await.expect("JSON");
    assert_eq!(json["error"]["code"], "method_not_allowed");
}

async fn a_malformed_console_form_query_or_upload_is_the_translated_400_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.browser_in("de").await;
    let r = b.register("ada", "", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let csrf = b.cookie("sigil_csrf").expect("csrf cookie");
    let unreadable = "Das Formular konnte nicht gelesen werden.";

    // A form without a field its handler needs.
    let r = b.post_form("/login", &[("identifier", "ada")]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(content_type(&r).starts_with("text/html"));
    assert!(r.text().await.expect("body").contains(unreadable));

    // A query parameter that is not of its type.
    let r = b.get("/events?before=yesterday").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.expect("body").contains(unreadable));

    // An upload that is no multipart body.
    let r = post_body(
        &b,
        &format!("/profile/photo?csrf={csrf}"),
        "multipart/form-data",
        b"photo".to_vec(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.expect("body").contains(unreadable));

    // An authorization request that is not UTF-8.
    let r = post_body(
        &b,
        "/oauth/authorize",
        "application/x-www-form-urlencoded",
        b"client_id=\xff".to_vec(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.expect("body").contains(unreadable));
}

async fn a_path_parameter_that_is_not_utf8_is_a_404_in_each_surfaces_shape(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.browser_in("de").await;
    let r = b.register("ada", "", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let r = b.get("/public/profile/%FF").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(content_type(&r).starts_with("text/html"));
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("Diese Seite gibt es nicht."));

    let (status, body) = b
        .api(Method::DELETE, "/api/v1/me/identifiers/%FF", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
}
