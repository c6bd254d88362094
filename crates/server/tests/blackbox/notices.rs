//! Notices of changes to the account go to the verified address in the person's
//! language, with a link that secures the account: a new password, every session and
//! token ended, the old address back, recently linked identifiers removed.
use reqwest::{Method, StatusCode};
use sigil_store::testing::Backend;
use time::Duration;

use crate::contacts::{code_and_link, with_smtp};
use crate::helpers::{location, Browser, PASSWORD};
use crate::identifiers::pair_with_smtp;
use crate::linking::{link, sign_in_through_provider};
use crate::on_both_backends;
use crate::smtp::{self, Inbox};

on_both_backends!(
    notices_go_in_the_language_the_person_registered_in,
    the_link_in_a_sign_in_method_notice_secures_the_account,
    the_link_in_an_email_change_notice_takes_the_account_and_the_address_back,
);

const NEW_PASSWORD: &str = "a different horse, same staple";

/// Registers `login` with `email` in `b` and confirms the address with the code that
/// arrives as the next mail.
pub(crate) async fn confirmed_email(b: &Browser, inbox: &Inbox, login: &str, email: &str) {
    let before = inbox.all().len();
    let r = b.register(login, email, PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "registration of {login}");
    let mail = inbox.wait_for(before + 1).await.remove(before);
    let (code, _) = code_and_link(&mail.text());
    let r = b
        .post_form("/profile/contacts/email/confirm", &[("code", &code)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "the code confirms");
}

/// The link that secures the account, from a notice's text.
pub(crate) fn secure_link(text: &str) -> String {
    regex::Regex::new(r"https?://\S+/account/secure\?token=[A-Za-z0-9_-]+")
        .expect("regex")
        .find(text)
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| panic!("a link that secures the account in {text}"))
}

pub(crate) async fn secure(
    b: &Browser,
    link: &str,
    password: &str,
    remove: &[&str],
) -> reqwest::Response {
    let token = link.split("token=").nth(1).expect("token");
    let mut fields = vec![
        ("token", token),
        ("new_password", password),
        ("confirm_password", password),
    ];
    fields.extend(remove.iter().map(|id| ("remove", *id)));
    b.post_form("/account/secure", &fields).await
}

async fn notices_go_in_the_language_the_person_registered_in(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    // A German browser registers and picks no language: the account keeps German.
    let de = app.browser_in("de-DE,de;q=0.9").await;
    confirmed_email(&de, &smtp.inbox, "ada", "ada@example.org").await;

    // An English browser moves the account to another address; the old one is told
    // in German.
    let en = app.browser_in("en").await;
    assert_eq!(
        en.sign_in("ada", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let r = en
        .post_form(
            "/profile/contacts/email",
            &[("address", "lovelace@example.org")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (code, _) = code_and_link(&smtp.inbox.wait_for(2).await[1].text());
    let r = en
        .post_form("/profile/contacts/email/confirm", &[("code", &code)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let notice = smtp.inbox.wait_for(3).await.remove(2);
    assert_eq!(notice.to, ["ada@example.org"]);
    assert_eq!(
        notice.subject(),
        "Die E-Mail-Adresse Ihres Kontos wurde geändert"
    );

    // A new password is told to the verified address, in German too.
    let r = en
        .post_form(
            "/profile/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
                ("confirm_password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let notice = smtp.inbox.wait_for(4).await.remove(3);
    assert_eq!(notice.to, ["lovelace@example.org"]);
    assert_eq!(notice.subject(), "Das Passwort Ihres Kontos wurde geändert");
}

async fn the_link_in_a_sign_in_method_notice_secures_the_account(backend: Backend) {
    let smtp = smtp::start().await;
    let p = pair_with_smtp(backend, smtp.url.clone()).await;
    let ada = p.sigil.browser().await;
    confirmed_email(&ada, &smtp.inbox, "ada", "ada@example.org").await;
    // Someone holding ada's fresh session links their own account at the provider.
    link(&p, &ada).await;
    let (_, listed) = ada.api(Method::GET, "/api/v1/me/identifiers", None).await;
    let id = listed["identifiers"][0]["id"]
        .as_str()
        .expect("linked")
        .to_owned();
    let notice = smtp.inbox.wait_for(2).await.remove(1);
    let link = secure_link(&notice.text());

    // Opening the link changes nothing; the page offers the identifier, checked.
    let mailbox = p.sigil.browser().await;
    let (status, page) = mailbox.page(&link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&format!(r#"name="remove" value="{id}" checked"#)),
        "{page}"
    );
    assert_eq!(ada.get("/profile").await.status(), StatusCode::OK);

    let r = secure(&mailbox, &link, NEW_PASSWORD, &[&id]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("Your account is secured"));
    // Every session ended, the identifier is gone, only the new password signs in.
    let r = ada.get("/profile").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/login"));
    let r = sign_in_through_provider(&p).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let other = p.sigil.browser().await;
    assert_eq!(
        other.sign_in("ada", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        other.sign_in("ada", NEW_PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, body) = other.api(Method::GET, "/api/v1/me/events", None).await;
    let events = body["events"].as_array().expect("events");
    assert!(
        events.iter().any(|e| e["category"] == "identifier.removed"
            && e["details"]["reason"] == "account_secured"),
        "{body}"
    );
    assert!(
        events
            .iter()
            .any(|e| e["category"] == "password.changed" && e["details"]["from_notice"] == true),
        "{body}"
    );

    // Spent: the link works once.
    let r = secure(&mailbox, &link, "yet another horse, other staple", &[]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.expect("body").contains("already been used"));
}

async fn the_link_in_an_email_change_notice_takes_the_account_and_the_address_back(
    backend: Backend,
) {
    let (app, smtp) = with_smtp(backend).await;
    let ada = app.browser().await;
    confirmed_email(&ada, &smtp.inbox, "ada", "ada@example.org").await;
    // Someone with ada's session moves the account to their own address.
    let r = ada
        .post_form("/profile/contacts/email", &[("address", "eve@example.org")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (code, _) = code_and_link(&smtp.inbox.wait_for(2).await[1].text());
    let r = ada
        .post_form("/profile/contacts/email/confirm", &[("code", &code)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let notice = smtp.inbox.wait_for(3).await.remove(2);
    assert_eq!(notice.to, ["ada@example.org"]);
    let link = secure_link(&notice.text());

    // A mismatch changes nothing and keeps the link alive.
    let mailbox = app.browser().await;
    let token = link.split("token=").nth(1).expect("token");
    let r = mailbox
        .post_form(
            "/account/secure",
            &[
                ("token", token),
                ("new_password", NEW_PASSWORD),
                ("confirm_password", "something else entirely"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = secure(&mailbox, &link, NEW_PASSWORD, &[]).await;
    assert_eq!(r.status(), StatusCode::OK);

    // ada's address is back on the account and signs in with the new password.
    assert_eq!(ada.get("/profile").await.status(), StatusCode::SEE_OTHER);
    let b = app.browser().await;
    assert_eq!(
        b.sign_in("eve@example.org", NEW_PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        b.sign_in("ada@example.org", NEW_PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );

    // A link past its seven days is refused.
    app.clock.advance(Duration::seconds(61));
    let r = b.post_form("/profile/contacts/email/remove", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Mail 3 told ada of the new password; mail 4 of the removed address.
    let link = secure_link(&smtp.inbox.wait_for(5).await[4].text());
    app.clock.advance(Duration::days(7));
    let (status, page) = mailbox.page(&link).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("has expired"), "{page}");
}
