//! Failed sign-ins are limited per account and per address.
use reqwest::StatusCode;
use sigil_store::testing::Backend;
use time::Duration;

use crate::helpers::{spawn_app, spawn_with, PASSWORD};
use crate::on_both_backends;

on_both_backends!(
    an_account_is_throttled_after_repeated_failures_until_the_window_passes,
    an_address_is_throttled_across_accounts,
    the_owners_browser_keeps_its_own_allowance_while_strangers_are_locked_out,
    the_login_and_the_email_of_one_account_share_its_allowance,
    a_new_password_forgets_every_browser,
);

async fn an_account_is_throttled_after_repeated_failures_until_the_window_passes(backend: Backend) {
    let app = spawn_app(backend).await;
    app.signed_in("olga").await;
    let b = app.browser().await;

    // Past the first few, each failure makes the next wait twice as long.
    for i in 0..10 {
        assert_eq!(
            b.sign_in("olga", "wrong password").await.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {i}"
        );
        if i >= 2 {
            assert_eq!(
                b.sign_in("olga", "wrong password").await.status(),
                StatusCode::TOO_MANY_REQUESTS,
                "too soon after attempt {i}"
            );
        }
        app.clock.advance(Duration::seconds(65));
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
        assert_eq!(
            b.sign_in("ghost", "wrong password").await.status(),
            StatusCode::UNAUTHORIZED
        );
        app.clock.advance(Duration::seconds(65));
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

/// OWASP's device cookies: a browser in which the account signed in keeps an allowance
/// of its own, so failures elsewhere cannot lock the owner out.
async fn the_owners_browser_keeps_its_own_allowance_while_strangers_are_locked_out(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let owner = app.signed_in("olga").await;
    assert_eq!(
        owner.post_form("/logout", &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    let attacker = app.browser().await;
    for _ in 0..10 {
        assert_eq!(
            attacker.sign_in("olga", "wrong password").await.status(),
            StatusCode::UNAUTHORIZED
        );
        app.clock.advance(Duration::seconds(65));
    }
    assert_eq!(
        attacker.sign_in("olga", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    let stranger = app.browser().await;
    assert_eq!(
        stranger.sign_in("olga", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // A device cookie made for another account, or edited, is a stranger's too.
    let mallory = app.signed_in("mallory").await;
    assert_eq!(
        mallory.sign_in("olga", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );

    assert_eq!(
        owner.sign_in("olga", PASSWORD).await.status(),
        StatusCode::SEE_OTHER,
        "the owner's browser is not locked out"
    );
    // Its own allowance has a limit too.
    for _ in 0..10 {
        assert_eq!(
            owner.sign_in("olga", "wrong password").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        owner.sign_in("olga", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

async fn an_address_is_throttled_across_accounts(backend: Backend) {
    let app = spawn_with(backend, |c| c.settings.throttle.per_ip = 5).await;
    app.signed_in("pavel").await;
    let b = app.browser().await;
    for i in 0..5 {
        assert_eq!(
            b.sign_in(&format!("user{i}"), "wrong password")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
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

/// The allowance is the account's, whichever of its identifiers is typed.
async fn the_login_and_the_email_of_one_account_share_its_allowance(backend: Backend) {
    let (app, smtp) = crate::contacts::with_smtp(backend).await;
    let owner = app.signed_in("olga").await;
    let r = owner
        .post_form(
            "/profile/contacts/email",
            &[("address", "olga@example.org"), ("channel", "sms")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (code, _) = crate::contacts::code_and_link(&smtp.inbox.wait_for(1).await[0].text());
    let r = owner
        .post_form("/profile/contacts/email/confirm", &[("code", &code)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let stranger = app.browser().await;
    for identifier in ["olga", "olga@example.org", "OLGA"] {
        assert_eq!(
            stranger
                .sign_in(identifier, "wrong password")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // The fourth try waits, by login as by email.
    for identifier in ["olga@example.org", "olga"] {
        assert_eq!(
            stranger.sign_in(identifier, PASSWORD).await.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{identifier}"
        );
    }
}

/// A device cookie is bound to the password it signed in with: once the password
/// changes, a browser an intruder used is a stranger again.
async fn a_new_password_forgets_every_browser(backend: Backend) {
    let app = spawn_app(backend).await;
    let intruder = app.signed_in("olga").await;
    let owner = app.browser().await;
    assert_eq!(
        owner.sign_in("olga", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let new = "seven quiet otters sorting pebbles";
    let r = owner
        .post_form(
            "/profile/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", new),
                ("confirm_password", new),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Three tries, then the delays a stranger gets.
    for _ in 0..3 {
        assert_eq!(
            intruder.sign_in("olga", "wrong password").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        intruder.sign_in("olga", "wrong password").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // The owner's browser is a stranger too until it signs in with the new password.
    app.clock.advance(Duration::seconds(2));
    assert_eq!(
        owner.sign_in("olga", new).await.status(),
        StatusCode::SEE_OTHER
    );
}
