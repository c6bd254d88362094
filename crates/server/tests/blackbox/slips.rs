//! Small correctness slips: a spent code names itself on the contact page, the card
//! honours `Accept` weights, and the activity log pages at its largest page size.
use reqwest::{Method, StatusCode};
use sigil_store::testing::Backend;

use crate::helpers::{location, spawn_with};
use crate::on_both_backends;

on_both_backends!(
    entering_an_already_used_code_says_it_was_used,
    the_card_answers_the_vcard_only_when_the_client_prefers_it,
    the_activity_log_pages_on_at_the_largest_page_size,
);

async fn entering_an_already_used_code_says_it_was_used(backend: Backend) {
    let (app, smtp) = crate::contacts::with_smtp(backend).await;
    let b = app.signed_in("ada").await;
    let r = b
        .post_form(
            "/profile/contacts/email",
            &[("address", "ada@example.org"), ("channel", "sms")],
        )
        .await;
    assert_eq!(location(&r), "/profile/contacts/email?notice=code_sent");
    let (code, _) = crate::contacts::code_and_link(&smtp.inbox.wait_for(1).await[0].text());
    let r = b
        .post_form("/profile/contacts/email/confirm", &[("code", &code)])
        .await;
    assert_eq!(location(&r), "/profile/contacts/email?notice=verified");

    let r = b
        .post_form("/profile/contacts/email/confirm", &[("code", &code)])
        .await;

    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    assert!(
        html.contains(
            r#"<p class="field-error" id="code-error">This code or link has already been used."#
        ),
        "{html}"
    );
}

async fn the_card_answers_the_vcard_only_when_the_client_prefers_it(backend: Backend) {
    let app = spawn_with(backend, |c| c.settings.cards_enabled = true).await;
    let b = app.signed_in("ada").await;
    let r = b
        .post_form("/profile/card/link", &[("slug", "ada-card")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = b
        .post_form("/profile/card/active", &[("active", "on")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let visitor = app.browser().await;

    for (accept, expected) in [
        ("text/html, text/vcard;q=0.1", "text/html; charset=utf-8"),
        ("text/vcard", "text/vcard; charset=utf-8"),
        ("text/vcard, text/html;q=0.5", "text/vcard; charset=utf-8"),
        ("text/html;q=0.5, text/vcard", "text/vcard; charset=utf-8"),
        ("text/vcard;q=0, */*", "text/html; charset=utf-8"),
    ] {
        let r = visitor
            .client
            .get(visitor.url("/api/cards/ada-card"))
            .header("accept", accept)
            .send()
            .await
            .expect("GET");
        assert_eq!(r.status(), StatusCode::OK, "{accept}");
        assert_eq!(r.headers()["content-type"], expected, "{accept}");
    }
}

async fn the_activity_log_pages_on_at_the_largest_page_size(backend: Backend) {
    let app = spawn_with(backend, |_| {}).await;
    let b = app.signed_in("ada").await;
    // Registration and sign-in log their own events; 110 language changes add more.
    for i in 0..110 {
        let lang = if i % 2 == 0 { "de" } else { "en" };
        let r = b.post_form("/lang", &[("lang", lang)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "language change {i}");
    }

    let (status, first) = b
        .api(Method::GET, "/api/v1/me/events?limit=100", None)
        .await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["events"].as_array().expect("events").len(), 100);
    let next = first["next_before"].as_i64().expect("a next page");
    let (_, second) = b
        .api(
            Method::GET,
            &format!("/api/v1/me/events?limit=100&before={next}"),
            None,
        )
        .await;
    let rest = second["events"].as_array().expect("events");
    assert!(!rest.is_empty() && rest.len() < 100, "{}", rest.len());
    assert!(second["next_before"].is_null(), "the last page");
    assert!(rest
        .iter()
        .all(|e| e["id"].as_i64().is_some_and(|id| id < next)));
}
