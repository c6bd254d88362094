//! Server-side sessions: cookie attributes, rotation, idle and absolute expiry.
use reqwest::StatusCode;
use sigil_store::testing::Backend;
use time::Duration;

use crate::helpers::{set_cookie_headers, spawn_app, spawn_with, PASSWORD};
use crate::on_both_backends;

on_both_backends!(
    the_session_cookie_is_http_only_and_lax_and_rotates_at_sign_in,
    over_https_cookies_are_secure_and_host_prefixed,
    an_idle_session_ends_and_so_does_an_old_one,
);

async fn the_session_cookie_is_http_only_and_lax_and_rotates_at_sign_in(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("dave").await;
    let first = b.cookie("sigil_session").expect("session");

    let r = b.sign_in("dave", PASSWORD).await;
    let cookies = set_cookie_headers(&r);
    let session = cookies
        .iter()
        .find(|c| c.starts_with("sigil_session="))
        .expect("set-cookie");
    assert!(session.contains("HttpOnly"));
    assert!(session.contains("SameSite=Lax"));
    assert!(session.contains("Path=/"));
    assert!(
        !session.contains("Secure"),
        "plain http keeps cookies usable on 127.0.0.1"
    );
    assert!(
        cookies.iter().any(|c| c.starts_with("sigil_csrf=")),
        "the form token rotates too"
    );
    let second = b.cookie("sigil_session").expect("session");
    assert_ne!(first, second);

    // The replaced session is dead, not merely forgotten by this browser.
    let other = app.browser().await;
    let r = other
        .client
        .get(other.url("/profile"))
        .header("cookie", format!("sigil_session={first}"))
        .send()
        .await
        .expect("GET");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

async fn over_https_cookies_are_secure_and_host_prefixed(backend: Backend) {
    let app = spawn_with(backend, |c| c.public_url = "https://id.example.org".into()).await;
    // A client without a cookie jar, so the token cookie is offered afresh.
    let r = reqwest::get(format!("{}/register", app.base))
        .await
        .expect("GET");
    let cookies = set_cookie_headers(&r);
    let csrf = cookies
        .iter()
        .find(|c| c.starts_with("__Host-sigil_csrf="))
        .expect("host cookie");
    assert!(csrf.contains("Secure") && csrf.contains("Path=/") && !csrf.contains("Domain"));
}

async fn an_idle_session_ends_and_so_does_an_old_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("erin").await;

    app.clock.advance(Duration::minutes(29));
    assert_eq!(b.page("/profile").await.0, StatusCode::OK);
    app.clock.advance(Duration::minutes(29));
    assert_eq!(
        b.page("/profile").await.0,
        StatusCode::OK,
        "activity keeps it alive"
    );
    app.clock.advance(Duration::minutes(31));
    assert_eq!(
        b.get("/profile").await.status(),
        StatusCode::SEE_OTHER,
        "idle too long"
    );

    assert_eq!(
        b.sign_in("erin", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let mut alive = 0;
    for _ in 0..30 {
        app.clock.advance(Duration::minutes(28));
        if b.get("/profile").await.status() != StatusCode::OK {
            break;
        }
        alive += 1;
    }
    // 25 × 28 minutes is 11 h 40 min; the 26th step passes the 12-hour absolute limit.
    assert_eq!(
        alive, 25,
        "a busy session still ends at its absolute lifetime"
    );
}
