//! Failed sign-ins are limited per account and per address.
use reqwest::StatusCode;
use sigil_store::testing::Backend;
use time::Duration;

use crate::helpers::{spawn_app, spawn_with, PASSWORD};
use crate::on_both_backends;

on_both_backends!(
    an_account_is_throttled_after_repeated_failures_until_the_window_passes,
    an_address_is_throttled_across_accounts,
);

async fn an_account_is_throttled_after_repeated_failures_until_the_window_passes(backend: Backend) {
    let app = spawn_app(backend).await;
    app.signed_in("olga").await;
    let b = app.browser().await;

    for _ in 0..10 {
        assert_eq!(
            b.sign_in("olga", "wrong password").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let r = b.sign_in("olga", PASSWORD).await;
    assert_eq!(
        r.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("Too many failed attempts"));
    // An account that does not exist is limited the same way, so the limit tells nothing.
    for _ in 0..10 {
        b.sign_in("ghost", "wrong password").await;
    }
    assert_eq!(
        b.sign_in("ghost", "wrong password").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );

    app.clock.advance(Duration::minutes(16));
    assert_eq!(
        b.sign_in("olga", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
}

async fn an_address_is_throttled_across_accounts(backend: Backend) {
    let app = spawn_with(backend, |c| c.settings.throttle.per_ip = 5).await;
    app.signed_in("pavel").await;
    let b = app.browser().await;
    for i in 0..5 {
        b.sign_in(&format!("user{i}"), "wrong password").await;
    }
    assert_eq!(
        b.sign_in("pavel", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

mod registrations {
    use reqwest::StatusCode;
    use sigil_store::testing::Backend;

    use crate::helpers::{spawn_with, PASSWORD};
    use crate::on_both_backends;

    on_both_backends!(one_address_cannot_mass_register);

    async fn one_address_cannot_mass_register(backend: Backend) {
        let app = spawn_with(backend, |c| c.settings.throttle.per_ip = 3).await;
        let b = app.browser().await;
        for i in 0..3 {
            let r = b.register(&format!("bulk{i}"), "", PASSWORD).await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
        }
        let r = b.register("bulk3", "", PASSWORD).await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(r.text().await.expect("body").contains("Too many"));
    }
}
