//! Registration, sign-in and sign-out.
use reqwest::{Method, StatusCode};
use sigil_store::testing::Backend;

use crate::helpers::{location, spawn_app, PASSWORD};
use crate::on_both_backends;

on_both_backends!(
    registering_signs_the_person_in_and_logs_it,
    registration_refuses_invalid_and_taken_values_and_creates_nothing,
    a_person_signs_in_with_login_or_email_and_signs_out,
    an_unknown_login_and_a_wrong_password_get_the_same_answer,
);

async fn registering_signs_the_person_in_and_logs_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.browser().await;

    let r = b.register("Alice", "alice@example.org", PASSWORD).await;

    // With an email, the next step is its confirmation code.
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/profile/contacts/email");
    let (status, html) = b.page("/profile/contacts/email").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Waiting for confirmation: alice@example.org"));
    let (status, html) = b.page("/profile").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(">alice<"), "login shown lower-cased");
    let (_, me) = b.api(Method::GET, "/api/v1/me/events", None).await;
    let categories: Vec<_> = me["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["category"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        categories,
        [
            "contact.code_sent",
            "sign_in.succeeded",
            "account.registered"
        ]
    );
    let first = &me["events"][0];
    assert_eq!(first["device"], "pc");
    assert_eq!(first["browser"], "Firefox 128.0");
    assert_eq!(first["ip"], "127.0.0.1");
}

async fn registration_refuses_invalid_and_taken_values_and_creates_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    app.signed_in("taken").await;
    let b = app.browser_in("de").await;

    let r = b.register("taken", "not-an-email", "password1234").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    assert!(
        html.contains("Geben Sie eine gültige E-Mail-Adresse ein."),
        "{html}"
    );
    assert!(html.contains("Dieses Passwort gehört zu den häufigsten"));
    assert!(b.cookie("sigil_session").is_none());

    let r = b.register("taken", "", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("bereits von einem anderen Konto verwendet"));

    let r = b.register("", "", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = b.register("short", "", "1234567").await;
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("Das Passwort braucht mindestens 12 Zeichen."));
    // Nothing was created by the refused attempts.
    let r = b.sign_in("short", "1234567").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

async fn a_person_signs_in_with_login_or_email_and_signs_out(backend: Backend) {
    let (app, smtp) = crate::contacts::with_smtp(backend).await;
    let bob = app.browser().await;
    assert_eq!(
        bob.register("bob", "Bob@Example.org", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    // A verified email signs in; an unverified one does not.
    assert_eq!(
        app.browser()
            .await
            .sign_in("bob@example.org", PASSWORD)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let (code, _) = crate::contacts::code_and_link(&smtp.inbox.wait_for(1).await[0].text());
    assert_eq!(
        bob.post_form("/profile/contacts/email/confirm", &[("code", &code)])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let b = app.browser().await;

    let r = b.sign_in("BOB", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(b.page("/profile").await.0, StatusCode::OK);
    let r = b.post_form("/logout", &[]).await;
    assert_eq!(location(&r), "/login?notice=signed_out");
    let r = b.get("/profile").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/login?next=/profile");

    let r = b.sign_in("bob@example.org", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, events) = b.api(Method::GET, "/api/v1/me/events", None).await;
    assert_eq!(events["events"][0]["category"], "sign_in.succeeded");
    assert_eq!(events["events"][1]["category"], "sign_out");
}

async fn an_unknown_login_and_a_wrong_password_get_the_same_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    assert_eq!(
        app.browser()
            .await
            .register("carol", "", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let b = app.browser().await;

    let wrong = b.sign_in("carol", "not the password").await;
    let wrong_status = wrong.status();
    let wrong_body = wrong.text().await.expect("body");
    let unknown = b.sign_in("nobody", "not the password").await;
    let unknown_status = unknown.status();
    let unknown_body = unknown.text().await.expect("body");

    assert_eq!(wrong_status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_status, unknown_status);
    let strip = |s: &str| s.replace("carol", "").replace("nobody", "");
    assert_eq!(strip(&wrong_body), strip(&unknown_body));
    assert!(wrong_body.contains("The login or password is incorrect."));
}
