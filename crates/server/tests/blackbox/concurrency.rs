//! Limits and invariants under simultaneous requests: many requests released together by
//! a barrier, each on its own task, against the real server on both engines.
use std::future::Future;
use std::sync::Arc;

use reqwest::{Method, StatusCode};
use sigil_store::testing::Backend;
use tokio::sync::Barrier;

use crate::contacts::{code_and_link, with_smtp};
use crate::helpers::{spawn_with, Browser, PASSWORD};
use crate::on_both_backends;

on_both_backends!(
    fifty_simultaneous_sign_ins_get_no_more_password_checks_than_the_limit,
    simultaneous_wrong_codes_get_no_more_tries_than_the_limit,
    removing_the_email_while_clearing_the_login_never_leaves_neither,
    simultaneous_resends_send_one_code_a_minute,
);

/// Runs the futures `make(i)` for `i < n` on their own tasks, released together.
pub async fn at_once<T, F, Fut>(n: usize, make: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
{
    let barrier = Arc::new(Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (barrier, fut) = (barrier.clone(), make(i));
            tokio::spawn(async move {
                barrier.wait().await;
                fut.await
            })
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    for t in tasks {
        out.push(t.await.expect("task"));
    }
    out
}

async fn fifty_simultaneous_sign_ins_get_no_more_password_checks_than_the_limit(backend: Backend) {
    let app = spawn_with(backend, |c| c.settings.throttle.per_account = 10).await;
    let owner = app.signed_in("olga").await;
    let mut browsers = Vec::new();
    for _ in 0..50 {
        browsers.push(Arc::new(app.browser().await));
    }
    let statuses = at_once(50, |i| {
        let b = browsers[i].clone();
        // The right password hides among 49 wrong ones.
        let password = if i == 37 { PASSWORD } else { "wrong password" };
        async move { b.sign_in("olga", password).await.status() }
    })
    .await;

    let checked = statuses
        .iter()
        .filter(|s| **s != StatusCode::TOO_MANY_REQUESTS)
        .count();
    // The test clock stands still, so a stranger's browser gets the three attempts
    // before the delays start (fewer than `per_account`) and not one more — unless the
    // right password is among them: a success clears the count (at most two before it,
    // three after).
    let signed_in = statuses.contains(&StatusCode::SEE_OTHER);
    if signed_in {
        assert!((1..=6).contains(&checked), "{statuses:?}");
    } else {
        assert_eq!(checked, 3, "{statuses:?}");
    }
    assert!(
        statuses.iter().all(|s| [
            StatusCode::UNAUTHORIZED,
            StatusCode::SEE_OTHER,
            StatusCode::TOO_MANY_REQUESTS
        ]
        .contains(s)),
        "{statuses:?}"
    );
    // The refusals are one event, not forty.
    let (_, events) = owner.api(Method::GET, "/api/v1/me/events", None).await;
    let throttled = events["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["details"]["reason"] == "throttled")
        .count();
    assert_eq!(throttled, 1);
}

async fn simultaneous_wrong_codes_get_no_more_tries_than_the_limit(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    let b = Arc::new(app.signed_in("bea").await);
    let r = b
        .post_form(
            "/profile/contacts/email",
            &[("address", "bea@example.org"), ("channel", "sms")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (code, _) = code_and_link(&smtp.inbox.wait_for(1).await[0].text());
    let wrong = if code == "999999" { "999998" } else { "999999" };

    let bodies = at_once(31, |_| {
        let b = b.clone();
        async move {
            let r = b
                .post_form("/profile/contacts/email/confirm", &[("code", wrong)])
                .await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
            r.text().await.expect("body")
        }
    })
    .await;
    let evaluated = bodies
        .iter()
        .filter(|b| b.contains("The code is incorrect"))
        .count();
    let exhausted = bodies
        .iter()
        .filter(|b| b.contains("Too many wrong tries"))
        .count();
    assert_eq!((evaluated, exhausted), (5, 26));
    let r = b
        .post_form("/profile/contacts/email/confirm", &[("code", &code)])
        .await;
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("Too many wrong tries"));
}

async fn removing_the_email_while_clearing_the_login_never_leaves_neither(backend: Backend) {
    for round in 0..8 {
        // A server of its own each round, so its inbox holds this round's code alone.
        let (app, smtp) = with_smtp(backend).await;
        let login = format!("lia{round}");
        let b: Arc<Browser> = Arc::new(app.signed_in(&login).await);
        assert_eq!(
            b.post_form(
                "/profile/contacts/email",
                &[("address", "lia@example.org"), ("channel", "sms")],
            )
            .await
            .status(),
            StatusCode::SEE_OTHER
        );
        let (code, _) = code_and_link(&smtp.inbox.wait_for(1).await[0].text());
        let r = b
            .post_form("/profile/contacts/email/confirm", &[("code", &code)])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "round {round}");

        at_once(2, |i| {
            let b = b.clone();
            async move {
                if i == 0 {
                    b.post_form("/profile/contacts/email/remove", &[]).await
                } else {
                    b.post_form("/profile/edit", &[("block", "main"), ("login", "")])
                        .await
                }
            }
        })
        .await;

        let (status, me) = b.api(Method::GET, "/api/v1/me", None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            !me["login"].is_null() || !me["email"].is_null(),
            "round {round}: the account kept no way to sign in: {me}"
        );
    }
}

async fn simultaneous_resends_send_one_code_a_minute(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    let b = Arc::new(app.signed_in("ned").await);
    let r = b
        .post_form(
            "/profile/contacts/email",
            &[("address", "ned@example.org"), ("channel", "sms")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    smtp.inbox.wait_for(1).await;
    app.clock.advance(time::Duration::seconds(61));

    let statuses = at_once(12, |_| {
        let b = b.clone();
        async move {
            b.post_form("/profile/contacts/email/resend", &[])
                .await
                .status()
        }
    })
    .await;
    let sent = statuses
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    assert_eq!((sent, refused), (1, 11), "{statuses:?}");
    let (_, events) = b.api(Method::GET, "/api/v1/me/events", None).await;
    let codes = events["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["category"] == "contact.code_sent")
        .count();
    assert_eq!(codes, 2, "the first code and one resend");
}
