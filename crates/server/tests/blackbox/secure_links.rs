//! Which notice links still work once one is used: using a link spends every link of
//! the account sent since (to addresses at least as recent, possibly an intruder's),
//! while older links stay open, so an intruder who uses a newer link cannot keep the
//! owner out. Securing the account is itself told to the verified address.
use reqwest::{Method, StatusCode};
use serde_json::json;
use sigil_store::testing::Backend;

use crate::contacts::{code_and_link, with_smtp};
use crate::helpers::{Browser, TestApp, PASSWORD};
use crate::notices::{confirmed_email, secure, secure_link};
use crate::on_both_backends;
use crate::smtp::SmtpServer;

on_both_backends!(
    once_the_owner_secures_the_account_the_intruders_newer_link_is_refused,
    an_intruder_using_the_newer_link_first_does_not_spend_the_owners_link,
    an_unknown_link_opened_is_not_found_in_the_persons_language,
    an_older_link_puts_back_the_address_it_was_sent_to,
);

const INTRUDER: &str = "attacker@example.net";
const INTRUDERS_PASSWORD: &str = "a crooked lantern under the bridge";
const INTRUDERS_NEXT: &str = "another crooked lantern, other bridge";
const OWNERS_PASSWORD: &str = "seven quiet otters sorting pebbles";

/// Ada registers in German with a verified address; someone holding her session moves
/// the account to their own address (L1 goes to ada's) and changes the password over
/// the API (L2 goes to theirs). Returns L1 and L2; four mails have arrived.
async fn taken_over(backend: Backend) -> (TestApp, SmtpServer, String, String) {
    let (app, smtp) = with_smtp(backend).await;
    let ada = app.browser_in("de-DE,de;q=0.9").await;
    confirmed_email(&ada, &smtp.inbox, "ada", "ada@example.org").await;
    let r = ada
        .post_form("/profile/contacts/email", &[("address", INTRUDER)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (code, _) = code_and_link(&smtp.inbox.wait_for(2).await[1].text());
    let r = ada
        .post_form("/profile/contacts/email/confirm", &[("code", &code)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let notice = smtp.inbox.wait_for(3).await.remove(2);
    assert_eq!(notice.to, ["ada@example.org"]);
    let l1 = secure_link(&notice.text());

    let body = json!({ "current_password": PASSWORD, "new_password": INTRUDERS_PASSWORD });
    let (status, _) = ada
        .api(Method::POST, "/api/v1/me/password", Some(body))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let notice = smtp.inbox.wait_for(4).await.remove(3);
    assert_eq!(notice.to, [INTRUDER]);
    let l2 = secure_link(&notice.text());
    (app, smtp, l1, l2)
}

async fn signs_in(app: &TestApp, login: &str, password: &str) -> StatusCode {
    let b: Browser = app.browser().await;
    b.sign_in(login, password).await.status()
}

async fn once_the_owner_secures_the_account_the_intruders_newer_link_is_refused(backend: Backend) {
    let (app, smtp, l1, l2) = taken_over(backend).await;
    let owner = app.browser().await;
    let r = secure(&owner, &l1, OWNERS_PASSWORD, &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("Your account is secured"));

    // The new password is told to the restored address, in the account's language.
    let notice = smtp.inbox.wait_for(5).await.remove(4);
    assert_eq!(notice.to, ["ada@example.org"]);
    assert_eq!(notice.subject(), "Das Passwort Ihres Kontos wurde geändert");
    secure_link(&notice.text());

    // The intruder's link, sent after the owner's, was spent with it.
    let intruder = app.browser().await;
    let r = secure(&intruder, &l2, INTRUDERS_NEXT, &[]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.expect("body").contains("already been used"));
    let (status, page) = intruder.page(&l2).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("already been used"), "{page}");

    assert_eq!(
        signs_in(&app, "ada", INTRUDERS_PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        signs_in(&app, "ada", INTRUDERS_NEXT).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        signs_in(&app, "ada@example.org", OWNERS_PASSWORD).await,
        StatusCode::SEE_OTHER
    );
}

async fn an_intruder_using_the_newer_link_first_does_not_spend_the_owners_link(backend: Backend) {
    let (app, smtp, l1, l2) = taken_over(backend).await;
    let intruder = app.browser().await;
    let r = secure(&intruder, &l2, INTRUDERS_NEXT, &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    // Told to the address on the account now, the intruder's, with a link of its own.
    let notice = smtp.inbox.wait_for(5).await.remove(4);
    assert_eq!(notice.to, [INTRUDER]);
    let l3 = secure_link(&notice.text());

    // The owner's older link still works, and ends the intruder's password and link.
    let owner = app.browser().await;
    let r = secure(&owner, &l1, OWNERS_PASSWORD, &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = secure(&intruder, &l3, INTRUDERS_PASSWORD, &[]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        signs_in(&app, "ada", INTRUDERS_NEXT).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        signs_in(&app, "ada@example.org", OWNERS_PASSWORD).await,
        StatusCode::SEE_OTHER
    );
}

async fn an_unknown_link_opened_is_not_found_in_the_persons_language(backend: Backend) {
    let (app, _smtp) = with_smtp(backend).await;
    let b = app.browser_in("de-DE,de;q=0.9").await;
    let (status, page) = b.page("/account/secure?token=garbage").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("Dieser Link ist ungültig"), "{page}");
}

/// A link proves the mailbox it went to: using an older one (from before the intruder
/// moved the account to their address) puts that address back, and the notice of the
/// new password goes there, not to the intruder.
async fn an_older_link_puts_back_the_address_it_was_sent_to(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    let ada = app.browser().await;
    confirmed_email(&ada, &smtp.inbox, "ada", "ada@example.org").await;
    // The intruder changes the password first: L0 goes to ada's address.
    let body = json!({ "current_password": PASSWORD, "new_password": INTRUDERS_PASSWORD });
    let (status, _) = ada
        .api(Method::POST, "/api/v1/me/password", Some(body))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let notice = smtp.inbox.wait_for(2).await.remove(1);
    assert_eq!(notice.to, ["ada@example.org"]);
    let l0 = secure_link(&notice.text());
    // Then moves the account to their own address.
    let intruder = app.browser().await;
    assert_eq!(
        intruder.sign_in("ada", INTRUDERS_PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let r = intruder
        .post_form("/profile/contacts/email", &[("address", INTRUDER)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (code, _) = code_and_link(&smtp.inbox.wait_for(3).await[2].text());
    let r = intruder
        .post_form("/profile/contacts/email/confirm", &[("code", &code)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(smtp.inbox.wait_for(4).await[3].to, ["ada@example.org"]);

    let owner = app.browser().await;
    let r = secure(&owner, &l0, OWNERS_PASSWORD, &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let notice = smtp.inbox.wait_for(5).await.remove(4);
    assert_eq!(notice.to, ["ada@example.org"], "not to the intruder");
    assert_eq!(
        signs_in(&app, INTRUDER, INTRUDERS_PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        signs_in(&app, "ada@example.org", OWNERS_PASSWORD).await,
        StatusCode::SEE_OTHER
    );
}
