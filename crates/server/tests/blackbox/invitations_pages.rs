//! What the invitation link's pages tell the person: which address an invitation for
//! another account is for (partly hidden) with a way to switch; for a link that no
//! longer works, what happened and what to do next (ask for a new invitation); with
//! access granted and no home URL, how to go on. In Chromium, every one of them passes
//! axe-core in English, German and Russian at a computer's and a phone's width.
use fantoccini::key::Key;
use fantoccini::Locator;
use reqwest::{Method, StatusCode};
use serde_json::json;
use sigil_store::testing::Backend;

use crate::contacts::with_smtp;
use crate::helpers::{Browser, PASSWORD};
use crate::invitations::{closed_app, invitation_path, invite, mail_to};
use crate::notices::confirmed_email;
use crate::oidc_helpers::{signed_in_operator, Rp};
use crate::on_both_backends;
use crate::smtp::SmtpServer;

on_both_backends!(the_links_pages_say_what_happened_and_what_to_do_next);

/// Invites `to` to `rp` and answers the link from the mail, and the invitation's id.
async fn invited(op: &Browser, smtp: &SmtpServer, rp: &Rp, to: &str) -> (String, String) {
    let before = smtp.inbox.all().len();
    let (status, body) = invite(op, rp, &[to]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mails = smtp.inbox.wait_for(before + 1).await;
    let id = body["results"][0]["invitation"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    (invitation_path(mail_to(&mails, to)), id)
}

async fn revoke(op: &Browser, id: &str) {
    let (status, body) = op
        .api(
            Method::DELETE,
            &format!("/api/v1/admin/invitations/{id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn the_links_pages_say_what_happened_and_what_to_do_next(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    let dan = app.browser().await;
    confirmed_email(&dan, &smtp.inbox, "dan", "dan@example.org").await;
    let op = signed_in_operator(&app).await;
    let vault = closed_app(&app, "Vault", None).await;
    let labs = closed_app(&app, "Labs", None).await;
    let board = closed_app(&app, "Board", None).await;

    let (for_erin, _) = invited(&op, &smtp, &vault, "erin@example.org").await;
    let (status, page) = dan.page(&for_erin).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        page.contains("The invitation was sent to e••@example.org"),
        "{page}"
    );
    assert!(!page.contains("erin@"), "the address is partly hidden");
    assert!(page.contains("Sign out and switch account"), "{page}");

    let (withdrawn, id) = invited(&op, &smtp, &labs, "dan@example.org").await;
    revoke(&op, &id).await;
    let (status, page) = dan.page(&withdrawn).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(
        page.contains("This invitation can no longer be used"),
        "{page}"
    );
    assert!(page.contains("This invitation was withdrawn."), "{page}");
    assert!(
        page.contains("To get access, ask Sigil for a new invitation."),
        "what to do next: {page}"
    );
    assert!(page.contains(r#"class="button primary" href="/profile/requests""#));

    let (declined, id) = invited(&op, &smtp, &board, "dan@example.org").await;
    let r = dan
        .post_form(&format!("/profile/requests/{id}/decline"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, page) = dan.page(&declined).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("already been answered"), "{page}");
    assert!(page.contains("ask Sigil for a new invitation"), "{page}");

    let (status, page) = dan.page("/invitations/accept?token=forged-0000").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        page.contains("This invitation link does not work"),
        "{page}"
    );
    assert!(page.contains("ask Sigil for a new invitation"), "{page}");

    let (own, _) = invited(&op, &smtp, &vault, "dan@example.org").await;
    let (status, page) = dan.page(&own).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("You now have access to Vault"), "{page}");
    assert!(
        page.contains("Next: open Vault the way you usually do and choose to sign in with Sigil"),
        "a next step without a home URL: {page}"
    );
    assert!(page.contains(r#"href="/profile/requests""#));
    assert_eq!(
        app.query_i64("SELECT COUNT(*) FROM app_access").await,
        1,
        "only the own, open invitation granted anything"
    );
}

/// The link's pages in Chromium, in every language, at two widths: axe-core finds
/// nothing, and each page is in the person's language.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_the_links_pages_are_accessible_in_every_language() {
    let (app, smtp) = with_smtp(Backend::Sqlite).await;
    let op = signed_in_operator(&app).await;
    let mut found = Vec::new();
    for lang in ["en", "de", "ru"] {
        let login = format!("ria.{lang}");
        let person = app.browser_in(lang).await;
        confirmed_email(
            &person,
            &smtp.inbox,
            &login,
            &format!("{login}@example.org"),
        )
        .await;
        let vault = closed_app(&app, &format!("Vault {lang}"), None).await;
        let labs = closed_app(&app, &format!("Labs {lang}"), None).await;
        let (other, _) = invited(&op, &smtp, &vault, &format!("x.{lang}@example.org")).await;
        let (withdrawn, id) = invited(&op, &smtp, &labs, &format!("{login}@example.org")).await;
        revoke(&op, &id).await;
        let (own, _) = invited(&op, &smtp, &vault, &format!("{login}@example.org")).await;

        let c = crate::axe::chromium_in(lang, 1280, 900).await;
        let result = async {
            c.goto(&format!("{}/login", app.base)).await?;
            c.find(Locator::Css("input[name='identifier']"))
                .await?
                .send_keys(&login)
                .await?;
            c.find(Locator::Css("input[name='password']"))
                .await?
                .send_keys(&format!("{PASSWORD}{}", Key::Enter))
                .await?;
            c.wait()
                .for_url(&format!("{}/profile", app.base).parse().expect("url"))
                .await?;
            for (name, path) in [
                ("other", &other),
                ("withdrawn", &withdrawn),
                ("granted", &own),
            ] {
                c.goto(&format!("{}{path}", app.base)).await?;
                c.wait().for_element(Locator::Id("invitation")).await?;
                let html_lang = c
                    .execute("return document.documentElement.lang;", vec![])
                    .await?;
                assert_eq!(html_lang, json!(lang), "{name}");
                for (width, height) in [(1280, 900), (390, 844)] {
                    crate::axe::set_viewport(&c, width, height).await?;
                    match crate::axe::violations(&c).await {
                        Ok(list) => found.extend(list.iter().map(|v| {
                            format!("{lang} {name} {width}px: {}", crate::axe::describe(v))
                        })),
                        Err(e) => found.push(format!("{lang} {name} {width}px: axe-core: {e}")),
                    }
                }
                crate::axe::set_viewport(&c, 1280, 900).await?;
            }
            Ok::<_, fantoccini::error::CmdError>(())
        }
        .await;
        let _ = c.close().await;
        result.expect("the link's pages in Chromium");
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
