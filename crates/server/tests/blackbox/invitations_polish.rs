//! What a person sees around invitations and closed applications: every page that
//! shows an application's logo lets its origin's images in (the Requests tab, the
//! "by invitation only" page, the sidebar's favourites on the consent page), with the
//! initials under it; those pages wear the whole console frame (favourites, the
//! catalog button, the pending count, also on the closed menu button); a dead link
//! answers at once, also to someone signed out, and in the account's language; a link
//! whose access the operator took away says so; Requests keep one order; registering
//! from a link starts with the invited address, names the person by it, and confirming
//! by the mail's link offers the way on to the application.
use reqwest::{Method, StatusCode};
use sigil_core::oidc::application::AppInput;
use sigil_store::testing::Backend;

use crate::catalog::{catalog_app, star};
use crate::contacts::code_and_link;
use crate::helpers::{location, spawn_with, Browser, TestApp, PASSWORD};
use crate::invitations::{invitation_path, invite, mail_to, HOME};
use crate::notices::confirmed_email;
use crate::oidc_helpers::{authorize_path, pkce, signed_in_operator, Rp, REDIRECT};
use crate::on_both_backends;
use crate::smtp::SmtpServer;

on_both_backends!(
    pages_with_logos_let_them_in_and_wear_the_whole_frame,
    a_dead_link_answers_at_once_in_the_accounts_language,
    registering_from_a_link_starts_with_the_address_and_goes_on_to_the_application,
);

/// A server with mail and the catalog on.
pub(crate) async fn spawn_mail_catalog(backend: Backend) -> (TestApp, SmtpServer) {
    let server = crate::smtp::start().await;
    let url = server.url.clone();
    let app = spawn_with(backend, move |c| {
        c.delivery.smtp_url = Some(url);
        c.delivery.mail_from = "Sigil <id@example.org>".into();
        c.settings.catalog_enabled = true;
    })
    .await;
    (app, server)
}

/// An application, closed or open, with a logo (or none) and a home URL.
pub(crate) async fn app_with_logo(
    app: &TestApp,
    name: &str,
    logo: Option<&str>,
    closed: bool,
) -> Rp {
    let input = AppInput {
        name: name.into(),
        description: format!("{name} for the tests"),
        app_type: "web".into(),
        home_url: Some(HOME.into()),
        logo_url: logo.map(str::to_owned),
        redirect_uris: vec![REDIRECT.into()],
        closed,
        ..AppInput::default()
    };
    let created = app.sigil.create_app(&input).await.expect("application");
    Rp {
        client_id: created.app.client_id.0,
        secret: created.client_secret,
        redirect: REDIRECT.into(),
    }
}

/// Invites `to` and answers the link from the mail.
async fn link_for(op: &Browser, smtp: &SmtpServer, rp: &Rp, to: &str) -> (String, String) {
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

fn csp(r: &reqwest::Response) -> String {
    r.headers()["content-security-policy"]
        .to_str()
        .expect("ASCII")
        .to_owned()
}

/// The sidebar's favourite named `name`, and the catalog button, are on the page.
fn has_frame(html: &str, name: &str) -> bool {
    html.contains(r#"<a class="catalog-button" href="/catalog""#)
        && html.contains(&format!(r#"<span class="favorite-name">{name}</span>"#))
}

async fn pages_with_logos_let_them_in_and_wear_the_whole_frame(backend: Backend) {
    let (app, smtp) = spawn_mail_catalog(backend).await;
    let dan = app.browser().await;
    confirmed_email(&dan, &smtp.inbox, "dan", "dan@example.org").await;
    let op = signed_in_operator(&app).await;
    let fav = catalog_app(&app, "Starred", "A favourite", "web", |a| {
        a.logo_url = Some("https://fav.example.org/f.png".into())
    })
    .await;
    assert_eq!(
        star(&dan, &fav, "on", "").await.status(),
        StatusCode::SEE_OTHER
    );
    let zeta = app_with_logo(&app, "Zeta", Some("https://cdn.example.org/z.png"), true).await;
    let alpha = app_with_logo(&app, "Alpha", None, true).await;
    let mid = app_with_logo(&app, "Mid", None, true).await;
    for rp in [&zeta, &alpha, &mid] {
        link_for(&op, &smtp, rp, "dan@example.org").await;
    }
    // Made in the same second: still one order, by name.
    app.query_i64(
        "UPDATE invitations SET created_at = (SELECT MIN(created_at) FROM invitations) \
         RETURNING CAST(1 AS BIGINT)",
    )
    .await;

    // The Requests tab: the logo's origin and the favourite's are let in; initials
    // under every logo; the frame whole.
    let r = dan.get("/profile/requests").await;
    assert_eq!(r.status(), StatusCode::OK);
    let policy = csp(&r);
    let html = r.text().await.expect("body");
    assert!(
        policy.contains("img-src 'self' data: https://cdn.example.org https://fav.example.org;"),
        "{policy}"
    );
    assert!(html.contains(
        r#"<span class="app-logo app-logo-md" aria-hidden="true"><span>Z</span><img src="https://cdn.example.org/z.png""#
    ), "{html}");
    assert!(html.contains(
        r#"<span class="app-logo app-logo-md" aria-hidden="true"><span>A</span></span>"#
    ));
    let order: Vec<usize> = [">Alpha</h2>", ">Mid</h2>", ">Zeta</h2>"]
        .iter()
        .map(|h| html.find(h).expect(h))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert!(has_frame(&html, "Starred"));
    // The count on the closed menu button, in its accessible name too.
    assert!(
        html.contains(r#"<span class="badge count" id="menu-pending">3</span><span class="sr-only"> pending requests</span></summary>"#),
        "{html}"
    );

    // The "by invitation only" page of an application dan holds no access to.
    let board = app_with_logo(&app, "Board", Some("https://board.example.org/b.png"), true).await;
    let (_, challenge) = pkce();
    let r = dan
        .get(&authorize_path(&board, "openid", &challenge, &[]))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let policy = csp(&r);
    let html = r.text().await.expect("body");
    assert!(
        policy.contains("https://board.example.org") && policy.contains("https://fav.example.org"),
        "{policy}"
    );
    assert!(html.contains(r#"<span class="app-logo app-logo-lg" aria-hidden="true"><span>B</span><img src="https://board.example.org/b.png""#), "{html}");
    assert!(has_frame(&html, "Starred"), "{html}");
    assert!(html.contains(r#"id="menu-pending">3<"#));

    // The consent page of an open application.
    let open = app_with_logo(&app, "Open", None, false).await;
    let r = dan
        .get(&authorize_path(&open, "openid", &challenge, &[]))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let policy = csp(&r);
    let html = r.text().await.expect("body");
    assert!(policy.contains("https://fav.example.org"), "{policy}");
    assert!(has_frame(&html, "Starred"), "{html}");

    // An error page of a signed-in person wears the frame too.
    let r = dan.post_form("/profile/requests/nothing/accept", &[]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let policy = csp(&r);
    let html = r.text().await.expect("body");
    assert!(policy.contains("https://fav.example.org"), "{policy}");
    assert!(has_frame(&html, "Starred"), "{html}");
}

async fn a_dead_link_answers_at_once_in_the_accounts_language(backend: Backend) {
    let (app, smtp) = spawn_mail_catalog(backend).await;
    let op = signed_in_operator(&app).await;
    let vault = app_with_logo(&app, "Vault", None, true).await;
    let labs = app_with_logo(&app, "Labs", None, true).await;
    let (withdrawn, id) = link_for(&op, &smtp, &labs, "eve@example.org").await;
    let (status, body) = op
        .api(
            Method::DELETE,
            &format!("/api/v1/admin/invitations/{id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (live, _) = link_for(&op, &smtp, &vault, "eve@example.org").await;

    // Signed out: a dead link is its page at once, a live one goes to sign in.
    let stranger = app.browser().await;
    let r = stranger.get("/invitations/accept?token=forged-0000").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let html = r.text().await.expect("body");
    assert!(
        html.contains("This invitation link does not work"),
        "{html}"
    );
    let r = stranger.get("/invitations/accept").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = stranger.get(&withdrawn).await;
    assert_eq!(r.status(), StatusCode::GONE);
    let html = r.text().await.expect("body");
    assert!(html.contains("This invitation was withdrawn."), "{html}");
    let r = stranger.get(&live).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/login?next=%2Finvitations%2Faccept"));

    // Eve accepts, the operator takes the access away: following the link again says so.
    let eve = app.browser().await;
    confirmed_email(&eve, &smtp.inbox, "eve", "eve@example.org").await;
    let r = eve.get(&live).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), HOME);
    app.query_i64("DELETE FROM app_access RETURNING CAST(1 AS BIGINT)")
        .await;
    let r = eve.get(&live).await;
    assert_eq!(r.status(), StatusCode::GONE);
    let html = r.text().await.expect("body");
    assert!(
        html.contains("You no longer have access to Vault"),
        "{html}"
    );

    // Eve's account speaks Russian; an English browser signed in as her still gets it.
    let r = eve
        .post_form("/lang", &[("lang", "ru"), ("next", "/profile")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let elsewhere = app.browser_in("en").await;
    assert_eq!(
        elsewhere.sign_in("eve", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    for (path, status) in [
        (
            "/invitations/accept?token=forged-0000",
            StatusCode::NOT_FOUND,
        ),
        (withdrawn.as_str(), StatusCode::GONE),
    ] {
        let (got, html) = elsewhere.page(path).await;
        assert_eq!(got, status, "{path}");
        assert!(html.contains(r#"<html lang="ru">"#), "{path}: {html}");
    }
    let r = elsewhere
        .post_form("/profile/requests/nothing/accept", &[])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let html = r.text().await.expect("body");
    assert!(html.contains(r#"<html lang="ru">"#), "{html}");
}

async fn registering_from_a_link_starts_with_the_address_and_goes_on_to_the_application(
    backend: Backend,
) {
    let (app, smtp) = spawn_mail_catalog(backend).await;
    let op = signed_in_operator(&app).await;
    let vault = app_with_logo(&app, "Vault", None, true).await;
    let (link, _) = link_for(&op, &smtp, &vault, "neo@example.org").await;

    let neo = app.browser().await;
    let r = neo.get(&link).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let next: String = url::form_urlencoded::byte_serialize(link.as_bytes()).collect();
    let (status, html) = neo.page(&format!("/register?next={next}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"value="neo@example.org""#), "{html}");
    // A register page not from a link, or from a dead one, starts empty.
    let (_, html) = neo
        .page("/register?next=%2Finvitations%2Faccept%3Ftoken%3Dforged")
        .await;
    assert!(!html.contains("neo@example.org"));

    let before = smtp.inbox.all().len();
    let r = neo
        .post_form(
            "/register",
            &[
                ("login", ""),
                ("email", "neo@example.org"),
                ("password", PASSWORD),
                ("next", &link),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Named by the address to confirm, not by the account's id.
    let (_, html) = neo.page("/profile").await;
    assert!(
        html.contains(r#"<span class="who">neo@example.org</span>"#),
        "{html}"
    );

    // Confirmed by the mail's link (not the code): the way on to the application.
    let mail = smtp.inbox.wait_for(before + 1).await.remove(before);
    let (_, confirm) = code_and_link(&mail.text());
    let token = confirm.split("token=").nth(1).expect("token").to_owned();
    let r = neo
        .post_form("/contacts/confirm", &[("token", &token)])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.expect("body");
    assert!(html.contains("Email address confirmed."), "{html}");
    assert!(
        html.contains(&format!(
            r#"<a class="button primary" href="{HOME}">Open Vault</a>"#
        )),
        "{html}"
    );
    assert_eq!(app.query_i64("SELECT COUNT(*) FROM app_access").await, 1);
}
