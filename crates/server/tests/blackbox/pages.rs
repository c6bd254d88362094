//! Every page the console router serves, visited in English, German and Russian: each
//! answers 200 in the person's language with no untranslated message key. The list of
//! pages is checked against the router's own source, so a page added later without a
//! visit here fails this test.
use std::collections::BTreeSet;

use regex::Regex;
use reqwest::{Method, StatusCode};
use sigil_core::fields::FieldRule;
use sigil_store::testing::Backend;

use crate::contacts::code_and_link;
use crate::helpers::{spawn_with, Browser, PASSWORD};
use crate::oidc_helpers::{authorize, authorize_path, pkce, register};
use crate::on_both_backends;
use crate::smtp;

on_both_backends!(every_console_page_is_fully_translated_in_every_language);

/// GET routes of the console that are not pages, and why.
pub const NOT_PAGES: &[(&str, &str)] = &[
    ("/", "redirects to /profile"),
    ("/profile/identifiers/{id}/avatar", "an image"),
    (
        "/identifiers/callback/{provider}",
        "a provider's redirect back",
    ),
    ("/public/images/profile/{hash}", "an image"),
    ("/profile/card/qr.svg", "an image"),
    ("/public/profile/{id}/vcard", "a vCard"),
];

/// The console's GET routes, read from its router.
pub fn console_get_routes() -> BTreeSet<String> {
    let source = include_str!("../../../web/src/console/mod.rs");
    let re = Regex::new(r#"\.route\(\s*"([^"]+)",\s*get\("#).expect("regex");
    re.captures_iter(source).map(|c| c[1].to_owned()).collect()
}

async fn every_console_page_is_fully_translated_in_every_language(backend: Backend) {
    let server = smtp::start().await;
    let url = server.url.clone();
    let app = spawn_with(backend, move |c| {
        c.delivery.smtp_url = Some(url);
        c.settings.cards_enabled = true;
        c.settings.catalog_enabled = true;
        c.settings.catalogue = sigil_core::fields::FieldCatalogue::with_rules(&[(
            "family_name".into(),
            FieldRule {
                mandatory: Some(true),
                ..FieldRule::default()
            },
        )])
        .expect("rules");
    })
    .await;
    let rp = register(&app, "web", None).await;
    let listed = crate::catalog::catalog_app(&app, "Notes", "On the Engine", "web", |_| {}).await;
    let mut visited = BTreeSet::new();
    let card_url = Regex::new(r#"id="card-url" value="([^"]+)""#).expect("regex");
    let secure_link =
        Regex::new(r"https?://\S+/account/secure\?token=[A-Za-z0-9_-]+").expect("regex");
    for (n, lang) in ["en", "de", "ru"].into_iter().enumerate() {
        let b = app.browser_in(lang).await;
        for route in ["/login", "/register"] {
            check(&b, lang, route, route, &mut visited).await;
        }
        let login = format!("polyglot_{lang}");
        let r = b.register(&login, "", PASSWORD).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        check(
            &b,
            lang,
            "/profile/complete",
            "/profile/complete",
            &mut visited,
        )
        .await;

        // An email on its way (its link) and then on the account, for the pages of both.
        let r = b
            .post_form(
                "/profile/contacts/email",
                &[("address", &format!("{login}@example.org"))],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        // Two mails a language: this code, and the notice of the removal at the end.
        let (code, link) = code_and_link(&server.inbox.wait_for(2 * n + 1).await[2 * n].text());
        let link = link.replacen(&app.base, "", 1);
        check(&b, lang, "/contacts/confirm", &link, &mut visited).await;
        let r = b
            .post_form("/profile/contacts/email/confirm", &[("code", &code)])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);

        // An active card and a public profile.
        let r = b
            .post_form("/profile/card/active", &[("active", "on")])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, profile) = b.page("/profile").await;
        let card = card_url
            .captures(&profile)
            .map(|c| c[1].replacen(&app.base, "", 1))
            .expect("the card's link");
        let (_, me) = b.api(Method::GET, "/api/v1/me", None).await;
        let id = me["id"].as_str().expect("id").to_owned();

        // A consent, for the Scopes tab and its actions.
        let (_, challenge) = pkce();
        let path = authorize_path(&rp, "openid profile", &challenge, &[]);
        let loc = authorize(&b, &path, &login).await;
        assert!(loc.starts_with(&rp.redirect), "{loc}");

        // Another browser signed in, for the Devices page and its confirm step.
        let other = app.browser_in(lang).await;
        let r = other.sign_in(&login, PASSWORD).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let device = format!(
            "/profile/devices/{}/sign-out",
            crate::devices::own_sid(&other).await
        );

        // A favourite from the catalog, in the sidebar of every page.
        let r = crate::catalog::star(&b, &listed, "on", "").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);

        for (route, path) in [
            ("/profile", "/profile".to_owned()),
            ("/profile/edit", "/profile/edit?block=main".to_owned()),
            ("/profile/password", "/profile/password".to_owned()),
            (
                "/profile/sign-out-everywhere",
                "/profile/sign-out-everywhere".to_owned(),
            ),
            ("/profile/devices", "/profile/devices".to_owned()),
            ("/profile/requests", "/profile/requests".to_owned()),
            ("/profile/devices/{sid}/sign-out", device.clone()),
            ("/profile/export", "/profile/export".to_owned()),
            (
                "/profile/contacts/{kind}",
                "/profile/contacts/email".to_owned(),
            ),
            (
                "/profile/contacts/{kind}",
                "/profile/contacts/phone".to_owned(),
            ),
            (
                "/profile/contacts/{kind}/remove",
                "/profile/contacts/email/remove".to_owned(),
            ),
            ("/profile/public", "/profile/public".to_owned()),
            (
                "/profile/photo/available",
                "/profile/photo/available".to_owned(),
            ),
            ("/profile/photo/delete", "/profile/photo/delete".to_owned()),
            (
                "/profile/identifiers/add",
                "/profile/identifiers/add".to_owned(),
            ),
            ("/api/cards/{slug}", card.clone()),
            ("/public/profile/{id}", format!("/public/profile/{id}")),
            ("/events", "/events".to_owned()),
            ("/apps", "/apps".to_owned()),
            ("/catalog", "/catalog".to_owned()),
            ("/catalog", "/catalog?q=nothing-like-this".to_owned()),
            (
                "/apps/{client_id}/end-sessions",
                format!("/apps/{}/end-sessions", rp.client_id),
            ),
            (
                "/apps/{client_id}/revoke",
                format!("/apps/{}/revoke", rp.client_id),
            ),
        ] {
            check(&b, lang, route, &path, &mut visited).await;
        }

        // Removing the email tells the old address, with a link that secures the account.
        let r = b.post_form("/profile/contacts/email/remove", &[]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let notice = server.inbox.wait_for(2 * n + 2).await[2 * n + 1].text();
        let secure = secure_link
            .find(&notice)
            .map(|m| m.as_str().replacen(&app.base, "", 1))
            .expect("a link in the notice");
        check(&b, lang, "/account/secure", &secure, &mut visited).await;

        // Delete account, and the recovery page a console sign-in then meets.
        let gone = app.browser_in(lang).await;
        let login = format!("gone_{lang}");
        let r = gone.register(&login, "", PASSWORD).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        check(
            &gone,
            lang,
            "/profile/delete",
            "/profile/delete",
            &mut visited,
        )
        .await;
        let r = gone
            .post_form("/profile/delete", &[("password", PASSWORD)])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let r = gone.sign_in(&login, PASSWORD).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        check(
            &gone,
            lang,
            "/account/restore",
            "/account/restore",
            &mut visited,
        )
        .await;
    }

    let not_pages: BTreeSet<String> = NOT_PAGES.iter().map(|(r, _)| (*r).to_owned()).collect();
    let unvisited: Vec<_> = console_get_routes()
        .into_iter()
        .filter(|r| !visited.contains(r) && !not_pages.contains(r))
        .collect();
    assert!(
        unvisited.is_empty(),
        "console pages this test does not visit: {unvisited:?}"
    );
}

/// Visits `path` (served by `route`): 200, in `lang`, with no raw message key.
async fn check(b: &Browser, lang: &str, route: &str, path: &str, visited: &mut BTreeSet<String>) {
    // A key that slipped through untranslated shows as e.g. `profile-block-main`.
    let raw_key = Regex::new(r">\s*[a-z]+-[a-z_]+(-[a-z_]+)*\s*<").expect("regex");
    let (status, html) = b.page(path).await;
    assert_eq!(status, StatusCode::OK, "{lang} {path}");
    assert!(
        html.contains(&format!(r#"<html lang="{lang}">"#)),
        "{lang} {path} is not in {lang}"
    );
    assert!(
        !raw_key.is_match(&html),
        "{lang} {path}: {:?}",
        raw_key.find(&html)
    );
    visited.insert(route.to_owned());
}
