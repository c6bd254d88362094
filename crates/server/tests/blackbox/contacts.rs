//! Verified contacts: email by code or link through a real SMTP exchange, phone by SMS
//! or call through a real HTTP gateway, and the rules every code obeys.
use regex::Regex;
use reqwest::{Method, StatusCode};
use sigil_store::testing::Backend;
use time::Duration;

use crate::helpers::{location, spawn_with, Browser, TestApp, PASSWORD};
use crate::on_both_backends;
use crate::smtp::{self, SmtpServer};

on_both_backends!(
    an_email_is_confirmed_by_code_or_link_and_only_then_replaces_the_old_one,
    codes_expire_die_after_five_wrong_tries_and_resend_after_a_minute,
    an_address_in_use_elsewhere_is_refused_without_naming_the_account,
    registering_with_an_email_verifies_it_before_it_can_sign_in,
    changing_a_contact_needs_a_recent_sign_in_and_deleting_confirms_first,
);

pub async fn with_smtp(backend: Backend) -> (TestApp, SmtpServer) {
    let server = smtp::start().await;
    let url = server.url.clone();
    let app = spawn_with(backend, move |c| {
        c.delivery.smtp_url = Some(url);
        c.delivery.mail_from = "Sigil <id@example.org>".into();
    })
    .await;
    (app, server)
}

/// The six-digit code and the link in a verification mail.
pub fn code_and_link(text: &str) -> (String, String) {
    let code = Regex::new(r"(?m)^\s*(\d{6})\s*$")
        .expect("regex")
        .captures(text)
        .map(|c| c[1].to_owned())
        .expect("a code in the mail");
    let link = Regex::new(r"https?://\S+/contacts/confirm\?token=[A-Za-z0-9_-]+")
        .expect("regex")
        .find(text)
        .map(|m| m.as_str().to_owned())
        .expect("a link in the mail");
    (code, link)
}

async fn request(b: &Browser, kind: &str, address: &str) -> reqwest::Response {
    b.post_form(
        &format!("/profile/contacts/{kind}"),
        &[("address", address), ("channel", "sms")],
    )
    .await
}

async fn confirm(b: &Browser, kind: &str, code: &str) -> reqwest::Response {
    b.post_form(
        &format!("/profile/contacts/{kind}/confirm"),
        &[("code", code)],
    )
    .await
}

async fn categories(b: &Browser) -> Vec<String> {
    let (_, events) = b.api(Method::GET, "/api/v1/me/events", None).await;
    events["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["category"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn an_email_is_confirmed_by_code_or_link_and_only_then_replaces_the_old_one(
    backend: Backend,
) {
    let (app, smtp) = with_smtp(backend).await;
    let b = app.signed_in("ada").await;

    let r = request(&b, "email", "Ada@Example.org").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/profile/contacts/email?notice=code_sent");
    let mail = smtp.inbox.wait_for(1).await.remove(0);
    assert_eq!(mail.to, ["ada@example.org"]);
    assert!(mail.from.contains("id@example.org"), "{}", mail.from);
    let parsed = mail.parsed();
    assert!(parsed.date().is_some(), "a Date header");
    assert!(
        parsed
            .message_id()
            .is_some_and(|id| id.ends_with("@example.org")),
        "a Message-ID in the sender's domain"
    );
    assert_eq!(
        parsed.header_raw("Auto-Submitted").map(str::trim),
        Some("auto-generated")
    );
    assert_eq!(mail.subject(), "Confirm your email address");
    let (code, link) = code_and_link(&mail.text());
    assert!(
        mail.html().contains(&code),
        "the HTML part carries the code"
    );
    assert!(link.starts_with(&app.base), "{link}");
    // Nothing changes before the confirmation.
    let (_, profile) = b.page("/profile").await;
    assert!(!profile.contains("ada@example.org"));
    let (_, page) = b.page("/profile/contacts/email").await;
    assert!(page.contains("ada@example.org") && page.contains("The code was sent by email"));

    let wrong = if code == "000000" { "000001" } else { "000000" };
    let r = confirm(&b, "email", wrong).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.expect("body").contains("4 tries left"));
    let r = confirm(&b, "email", &code).await;
    assert_eq!(location(&r), "/profile/contacts/email?notice=verified");
    let (_, profile) = b.page("/profile").await;
    assert!(profile.contains("ada@example.org"));
    // The code and the link are spent together.
    let stranger = app.browser().await;
    let token = link.split("token=").nth(1).expect("token");
    let r = stranger
        .post_form("/contacts/confirm", &[("token", token)])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.expect("body").contains("already been used"));

    // A change by link, opened in another browser that is not signed in.
    app.clock.advance(Duration::seconds(61));
    let r = request(&b, "email", "lovelace@example.org").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mail = smtp.inbox.wait_for(2).await.remove(1);
    assert_eq!(mail.to, ["lovelace@example.org"]);
    let (_, link) = code_and_link(&mail.text());
    let (status, page) = stranger.page(&link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Confirm email address"),
        "a button, not an action"
    );
    let token = link.split("token=").nth(1).expect("token");
    let r = stranger
        .post_form("/contacts/confirm", &[("token", token)])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("Email address confirmed."));

    // The old address hears of it; the new one signs in, the old one no longer does.
    let notice = smtp.inbox.wait_for(3).await.remove(2);
    assert_eq!(notice.to, ["ada@example.org"]);
    assert_eq!(
        notice.subject(),
        "The email address of your account changed"
    );
    assert!(
        notice.text().contains("l••@example.org"),
        "{}",
        notice.text()
    );
    let other = app.browser().await;
    assert_eq!(
        other.sign_in("ada@example.org", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        other
            .sign_in("lovelace@example.org", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let events = categories(&b).await;
    for expected in ["contact.code_sent", "contact.email_changed"] {
        assert!(
            events.iter().any(|c| c == expected),
            "{expected} in {events:?}"
        );
    }
}

async fn codes_expire_die_after_five_wrong_tries_and_resend_after_a_minute(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    let b = app.signed_in("bea").await;
    request(&b, "email", "bea@example.org").await;
    let (first, _) = code_and_link(&smtp.inbox.wait_for(1).await[0].text());

    // A minute between codes.
    let r = b.post_form("/profile/contacts/email/resend", &[]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("Please wait 60 seconds"));
    app.clock.advance(Duration::seconds(60));
    let r = b.post_form("/profile/contacts/email/resend", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (second, _) = code_and_link(&smtp.inbox.wait_for(2).await[1].text());
    // The new code replaces the old one.
    if first != second {
        assert_eq!(
            confirm(&b, "email", &first).await.status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    // Five wrong tries in all, and even the right code is refused.
    let wrong = if second == "999999" {
        "999998"
    } else {
        "999999"
    };
    let tries_so_far = if first != second { 1 } else { 0 };
    for _ in tries_so_far..5 {
        assert_eq!(
            confirm(&b, "email", wrong).await.status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    let r = confirm(&b, "email", &second).await;
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("Too many wrong tries"));
    assert!(categories(&b)
        .await
        .iter()
        .any(|c| c == "contact.code_rejected"));

    // A fresh code expires after ten minutes.
    app.clock.advance(Duration::seconds(60));
    assert_eq!(
        b.post_form("/profile/contacts/email/resend", &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let (third, _) = code_and_link(&smtp.inbox.wait_for(3).await[2].text());
    app.clock.advance(Duration::minutes(10));
    let r = confirm(&b, "email", &third).await;
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("This code has expired"));
    let (_, profile) = b.page("/profile").await;
    assert!(!profile.contains("bea@example.org"));
}

async fn an_address_in_use_elsewhere_is_refused_without_naming_the_account(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    let alice = app.signed_in("alice").await;
    request(&alice, "email", "shared@example.org").await;
    let (code, _) = code_and_link(&smtp.inbox.wait_for(1).await[0].text());
    confirm(&alice, "email", &code).await;

    let mallory = app.signed_in("mallory").await;
    // Asking reveals nothing: a code goes to the mailbox's owner as for any address.
    let r = request(&mallory, "email", "shared@example.org").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (code, _) = code_and_link(&smtp.inbox.wait_for(2).await[1].text());
    // Only whoever holds the mailbox learns the address is taken, and not by whom.
    let r = confirm(&mallory, "email", &code).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.expect("body");
    assert!(body.contains("already used by another account"));
    assert!(!body.contains("alice"));
    let (_, profile) = alice.page("/profile").await;
    assert!(profile.contains("shared@example.org"));
}

async fn registering_with_an_email_verifies_it_before_it_can_sign_in(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    let b = app.browser_in("de").await;
    let r = b.register("", "eve@example.org", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/profile/contacts/email");
    let mail = smtp.inbox.wait_for(1).await.remove(0);
    assert_eq!(mail.subject(), "Bestätigen Sie Ihre E-Mail-Adresse");
    let (code, _) = code_and_link(&mail.text());

    let other = app.browser().await;
    assert_eq!(
        other.sign_in("eve@example.org", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    confirm(&b, "email", &code).await;
    assert_eq!(
        other.sign_in("eve@example.org", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );

    let ru = app.browser_in("ru").await;
    assert_eq!(
        ru.register("ivan", "ivan@example.org", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let mail = smtp.inbox.wait_for(2).await.remove(1);
    assert_eq!(mail.subject(), "Подтвердите адрес электронной почты");
    assert!(mail.text().contains("действует 10 минут"));
}

async fn changing_a_contact_needs_a_recent_sign_in_and_deleting_confirms_first(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    let b = app.signed_in("carl").await;
    app.clock.advance(Duration::minutes(6));
    let r = request(&b, "email", "carl@example.org").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&r),
        "/login?reauth=1&login_hint=carl&reason=email&next=%2Fprofile%2Fcontacts%2Femail"
    );
    let (_, form) = b.page(&location(&r)).await;
    assert!(form.contains("value=\"carl\""), "the login is filled in");
    // Nothing was queued: the code's event is written with its message, in one
    // transaction.
    assert!(!categories(&b)
        .await
        .iter()
        .any(|c| c == "contact.code_sent"));
    assert_eq!(
        b.sign_in("carl", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        request(&b, "email", "carl@example.org").await.status(),
        StatusCode::SEE_OTHER
    );
    let (code, _) = code_and_link(&smtp.inbox.wait_for(1).await[0].text());
    // Messages go out in the order they were queued, so one sent before would be here.
    assert_eq!(smtp.inbox.all().len(), 1, "only the code after the sign-in");
    confirm(&b, "email", &code).await;

    let (status, page) = b.page("/profile/contacts/email/remove").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Delete carl@example.org from your account?"));
    let r = b.post_form("/profile/contacts/email/remove", &[]).await;
    assert_eq!(location(&r), "/profile/contacts/email?notice=removed");
    let (_, profile) = b.page("/profile").await;
    assert!(!profile.contains("carl@example.org"));
    let notice = smtp.inbox.wait_for(2).await.remove(1);
    assert_eq!(notice.to, ["carl@example.org"]);
    assert!(categories(&b)
        .await
        .iter()
        .any(|c| c == "contact.email_removed"));
}
