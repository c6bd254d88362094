//! Password change ends every session; only the new password signs in.
use reqwest::{Method, StatusCode};
use serde_json::json;
use sigil_store::testing::Backend;

use crate::helpers::{location, spawn_app, PASSWORD};
use crate::on_both_backends;

on_both_backends!(
    changing_the_password_ends_every_session_and_only_the_new_one_works,
    a_wrong_current_password_or_a_weak_new_one_changes_nothing,
    the_api_changes_the_password_too,
);

const NEW: &str = "a brand new passphrase";

async fn changing_the_password_ends_every_session_and_only_the_new_one_works(backend: Backend) {
    let app = spawn_app(backend).await;
    let laptop = app.signed_in("jack").await;
    let phone = app.browser().await;
    assert_eq!(
        phone.sign_in("jack", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(phone.page("/profile").await.0, StatusCode::OK);

    let r = laptop
        .post_form(
            "/profile/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", NEW),
                ("confirm_password", NEW),
            ],
        )
        .await;

    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/login?notice=password_changed");
    assert_eq!(
        laptop.get("/profile").await.status(),
        StatusCode::SEE_OTHER,
        "this session ended"
    );
    assert_eq!(
        phone.get("/profile").await.status(),
        StatusCode::SEE_OTHER,
        "the other session ended"
    );
    let (_, html) = laptop.page("/login?notice=password_changed").await;
    assert!(html.contains("Sign in with the new password."));
    assert_eq!(
        laptop.sign_in("jack", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        laptop.sign_in("jack", NEW).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, events) = laptop.api(Method::GET, "/api/v1/me/events", None).await;
    let list = events["events"].as_array().expect("events");
    let changed = list
        .iter()
        .find(|e| e["category"] == "password.changed")
        .expect("logged");
    assert_eq!(changed["details"]["sessions_ended"], 2);
}

async fn a_wrong_current_password_or_a_weak_new_one_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("kate").await;

    let r = b
        .post_form(
            "/profile/password",
            &[
                ("current_password", "wrong wrong"),
                ("new_password", NEW),
                ("confirm_password", NEW),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("The current password is incorrect."));
    let r = b
        .post_form(
            "/profile/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "password1234"),
                ("confirm_password", "password1234"),
            ],
        )
        .await;
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("This password is among the most common ones"));
    let r = b
        .post_form(
            "/profile/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", NEW),
                ("confirm_password", "something else"),
            ],
        )
        .await;
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("The two new passwords differ."));

    assert_eq!(
        b.page("/profile").await.0,
        StatusCode::OK,
        "still signed in"
    );
    assert_eq!(
        app.browser().await.sign_in("kate", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
}

async fn the_api_changes_the_password_too(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("liam").await;
    let (status, body) = b
        .api(
            Method::POST,
            "/api/v1/me/password",
            Some(json!({ "current_password": PASSWORD, "new_password": "short" })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["code"], "password_too_short");

    let (status, _) = b
        .api(
            Method::POST,
            "/api/v1/me/password",
            Some(json!({ "current_password": PASSWORD, "new_password": NEW })),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = b.api(Method::GET, "/api/v1/me", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "unauthenticated");
}
