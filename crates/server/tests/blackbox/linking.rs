//! Linking a way to sign in is guarded like changing a contact: it needs a recent
//! sign-in, the verified address hears of it, and a password change offers to remove
//! what was linked since the password was last set.
use reqwest::{Method, StatusCode};
use sigil_core::clock::Clock;
use sigil_store::testing::Backend;
use time::Duration;

use crate::helpers::{location, Browser, PASSWORD};
use crate::identifiers::{approved, pair_with_smtp, Pair};
use crate::notices::{confirmed_email, secure_link};
use crate::oidc_helpers::authorize;
use crate::on_both_backends;
use crate::smtp;

on_both_backends!(
    linking_needs_a_recent_sign_in_and_the_verified_address_hears_of_it,
    a_password_change_removes_the_identifiers_linked_since_the_password_was_set,
    a_password_change_through_the_api_removes_the_identifiers_it_names,
    securing_the_account_offers_every_identifier_even_after_the_intruder_set_a_password,
);

const NEW_PASSWORD: &str = "a different horse, same staple";

/// Links ada's account at the provider in `b`.
pub(crate) async fn link(p: &Pair, b: &Browser) {
    let back = approved(p, b).await;
    let r = b.get(&back).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/profile?notice=identifier_linked"));
}

/// Signs in with the provider in a fresh browser; the answer to the callback.
pub(crate) async fn sign_in_through_provider(p: &Pair) -> reqwest::Response {
    let b = p.sigil.browser().await;
    let r = b
        .post_form(
            "/login/provider",
            &[("provider", "corp"), ("next", "/profile")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let back = authorize(&p.at_upstream, &location(&r), "ada-up").await;
    b.get(&back).await
}

async fn linking_needs_a_recent_sign_in_and_the_verified_address_hears_of_it(backend: Backend) {
    let smtp = smtp::start().await;
    let p = pair_with_smtp(backend, smtp.url.clone()).await;
    let ada = p.sigil.browser_in("de").await;
    confirmed_email(&ada, &smtp.inbox, "ada", "ada@example.org").await;

    // A session six minutes old (the window is five) is sent to sign in again, and
    // back to the providers afterwards.
    p.sigil.clock.advance(Duration::minutes(6));
    let r = ada
        .post_form("/profile/identifiers/link", &[("provider", "corp")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = location(&r);
    assert!(to.starts_with("/login?reauth=1&login_hint=ada&"), "{to}");
    assert!(to.ends_with("next=%2Fprofile%2Fidentifiers%2Fadd"), "{to}");
    let r = ada.get("/profile/identifiers/add").await;
    assert_eq!(location(&r), to, "the list of providers asks too");

    assert_eq!(
        ada.sign_in("ada", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let linked_at = p.sigil.clock.now();
    link(&p, &ada).await;

    // The notice, in the language ada registered in, names the provider and the time.
    let notice = smtp.inbox.wait_for(2).await.remove(1);
    assert_eq!(notice.to, ["ada@example.org"]);
    assert_eq!(
        notice.subject(),
        "Ihrem Konto wurde eine Anmeldemethode hinzugefügt"
    );
    let text = notice.text();
    let minute = format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        linked_at.year(),
        u8::from(linked_at.month()),
        linked_at.day(),
        linked_at.hour(),
        linked_at.minute()
    );
    assert!(text.contains("Corp ID") && text.contains(&minute), "{text}");
    secure_link(&text);
}

async fn a_password_change_removes_the_identifiers_linked_since_the_password_was_set(
    backend: Backend,
) {
    let smtp = smtp::start().await;
    let p = pair_with_smtp(backend, smtp.url.clone()).await;
    let ada = p.sigil.browser().await;
    confirmed_email(&ada, &smtp.inbox, "ada", "ada@example.org").await;
    link(&p, &ada).await;
    let (_, listed) = ada.api(Method::GET, "/api/v1/me/identifiers", None).await;
    let id = listed["identifiers"][0]["id"]
        .as_str()
        .expect("linked")
        .to_owned();

    // The form offers it, checked; the change takes it away with the password.
    let (_, form) = ada.page("/profile/password").await;
    let offered = format!(r#"name="remove" value="{id}" checked"#);
    assert!(form.contains(&offered), "{form}");
    let r = ada
        .post_form(
            "/profile/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
                ("confirm_password", NEW_PASSWORD),
                ("remove", &id),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/login?notice=password_changed");
    let r = sign_in_through_provider(&p).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("No profile is linked to that account"));

    // Logged, and the verified address hears of the change.
    assert_eq!(
        ada.sign_in("ada", NEW_PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, body) = ada.api(Method::GET, "/api/v1/me/events", None).await;
    let removed = body["events"].as_array().expect("events").iter().any(|e| {
        e["category"] == "identifier.removed" && e["details"]["reason"] == "password_changed"
    });
    assert!(removed, "{body}");
    let mails = smtp.inbox.wait_for(3).await;
    let notice = mails
        .iter()
        .find(|m| m.subject() == "The password of your account changed");
    secure_link(&notice.expect("a password notice").text());

    // Linked again and left unchecked, it stays; linked before the password was set,
    // it is no longer offered.
    link(&p, &ada).await;
    p.sigil.clock.advance(Duration::minutes(1));
    let r = ada
        .post_form(
            "/profile/password",
            &[
                ("current_password", NEW_PASSWORD),
                ("new_password", PASSWORD),
                ("confirm_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        ada.sign_in("ada", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, form) = ada.page("/profile/password").await;
    assert!(!form.contains(r#"name="remove""#), "{form}");
    assert_eq!(
        sign_in_through_provider(&p).await.status(),
        StatusCode::SEE_OTHER
    );
}

async fn a_password_change_through_the_api_removes_the_identifiers_it_names(backend: Backend) {
    let p = crate::identifiers::pair(backend).await;
    let ada = p.sigil.signed_in("ada").await;
    link(&p, &ada).await;
    let (_, listed) = ada.api(Method::GET, "/api/v1/me/identifiers", None).await;
    let id = listed["identifiers"][0]["id"]
        .as_str()
        .expect("linked")
        .to_owned();
    let body = serde_json::json!({
        "current_password": PASSWORD,
        "new_password": NEW_PASSWORD,
        "remove_identifiers": [id],
    });
    let (status, _) = ada
        .api(Method::POST, "/api/v1/me/password", Some(body))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        sign_in_through_provider(&p).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

/// The intruder links their account and then sets a password, which moves "since the
/// password was last set": the page behind the notice's link still offers the
/// identifier, checked, and securing the account removes it.
async fn securing_the_account_offers_every_identifier_even_after_the_intruder_set_a_password(
    backend: Backend,
) {
    let smtp = smtp::start().await;
    let p = pair_with_smtp(backend, smtp.url.clone()).await;
    let ada = p.sigil.browser().await;
    confirmed_email(&ada, &smtp.inbox, "ada", "ada@example.org").await;
    link(&p, &ada).await;
    let (_, listed) = ada.api(Method::GET, "/api/v1/me/identifiers", None).await;
    let id = listed["identifiers"][0]["id"]
        .as_str()
        .expect("linked")
        .to_owned();
    let body = serde_json::json!({ "current_password": PASSWORD, "new_password": NEW_PASSWORD });
    let (status, _) = ada
        .api(Method::POST, "/api/v1/me/password", Some(body))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let mails = smtp.inbox.wait_for(3).await;
    let notice = mails
        .iter()
        .find(|m| m.subject() == "The password of your account changed")
        .expect("a password notice");
    let link = secure_link(&notice.text());

    let owner = p.sigil.browser().await;
    let (status, page) = owner.page(&link).await;
    assert_eq!(status, StatusCode::OK);
    let offered = format!(r#"name="remove" value="{id}" checked"#);
    assert!(page.contains(&offered), "{page}");
    let r =
        crate::notices::secure(&owner, &link, "seven quiet otters sorting pebbles", &[&id]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = sign_in_through_provider(&p).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
