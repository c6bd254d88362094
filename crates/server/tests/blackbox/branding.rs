//! The operator's brand: product name, logo and accent on the sign-in, registration,
//! console and error pages, the accent as a stylesheet of its own with readable text on
//! it.
use reqwest::StatusCode;
use sigil_store::testing::Backend;
use sigil_web::brand::{Accent, Brand, Logo};

use crate::helpers::{spawn_app, spawn_with, PASSWORD};
use crate::on_both_backends;

on_both_backends!(
    the_operators_name_logo_and_accent_are_on_every_page,
    without_branding_the_pages_say_sigil_and_load_no_brand,
    error_pages_wear_the_brand_and_the_shell_in_the_persons_language,
);

const LOGO: &[u8] = br#"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><circle cx="10" cy="10" r="9"/></svg>"#;

fn acme() -> Brand {
    Brand {
        product_name: "Acme ID".into(),
        logo: Some(Logo::sniff(LOGO.to_vec()).expect("an SVG")),
        accent: Some(Accent::parse("#ffcc00").expect("a colour")),
    }
}

/// The page at `path` wears the brand in the shell every page has.
fn assert_branded(path: &str, page: &str) {
    assert!(page.contains(" · Acme ID</title>"), "{path}: the title");
    assert!(page.contains("<span>Acme ID</span>"), "{path}: the header");
    assert!(
        page.contains(r#"<link rel="stylesheet" href="/static/brand.css">"#),
        "{path}: the accent"
    );
    assert!(
        page.contains(r#"<img src="/static/brand-logo""#),
        "{path}: the logo"
    );
    assert!(
        page.contains(r##"<a class="skip" href="#content">"##)
            && page.contains(r#"<main id="content""#),
        "{path}: the skip link"
    );
    assert!(!page.contains("Sigil"), "{path}: the operator's name only");
}

async fn the_operators_name_logo_and_accent_are_on_every_page(backend: Backend) {
    let app = spawn_with(backend, |c| c.brand = acme()).await;
    let b = app.browser().await;
    for path in ["/login", "/register"] {
        let (_, page) = b.page(path).await;
        assert_branded(path, &page);
    }
    let r = b.register("brand.user", "", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, profile) = b.page("/profile").await;
    assert!(profile.contains(" · Acme ID</title>"));

    // Yellow takes black text; links are darkened until they read on the page.
    let r = b.get("/static/brand.css").await;
    assert_eq!(r.headers()["content-type"], "text/css; charset=utf-8");
    let css = r.text().await.expect("css");
    assert!(css.contains("--accent: #ffcc00;"), "{css}");
    assert!(css.contains("--accent-ink: #000000;"), "{css}");
    let light = css.lines().next().unwrap_or_default();
    assert!(
        light.contains("--link: #") && !light.contains("--link: #ffcc00;"),
        "yellow links would not read on a light page: {css}"
    );

    let r = b.get("/static/brand-logo").await;
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    assert!(r.headers()["content-security-policy"]
        .to_str()
        .expect("csp")
        .contains("sandbox"));
    assert_eq!(r.bytes().await.expect("logo").as_ref(), LOGO);
}

async fn without_branding_the_pages_say_sigil_and_load_no_brand(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.browser().await;
    let (_, page) = b.page("/login").await;
    assert!(page.contains(" · Sigil</title>"));
    assert!(!page.contains("/static/brand.css"));
    assert!(!page.contains("/static/brand-logo"));
    assert_eq!(
        b.get("/static/brand-logo").await.status(),
        StatusCode::NOT_FOUND
    );
}

/// The 404 page, the authorization endpoint's refusal, an unknown public profile and an
/// unknown card: the operator's shell in the visitor's language, with the language menu
/// (which comes back to the same page) and a way back; for someone signed in, their
/// account menu too.
async fn error_pages_wear_the_brand_and_the_shell_in_the_persons_language(backend: Backend) {
    let app = spawn_with(backend, |c| {
        c.brand = acme();
        c.settings.cards_enabled = true;
    })
    .await;
    let visitor = app.browser_in("de").await;
    let nobody = format!("/public/profile/{}", uuid::Uuid::new_v4());
    let pages = [
        ("/no/such/page", StatusCode::NOT_FOUND),
        (
            "/oauth/authorize?client_id=nobody&response_type=code",
            StatusCode::BAD_REQUEST,
        ),
        (nobody.as_str(), StatusCode::NOT_FOUND),
        ("/api/cards/no-such-card", StatusCode::NOT_FOUND),
    ];

    for (path, status) in pages {
        let (got, page) = visitor.page(path).await;

        assert_eq!(got, status, "{path}");
        assert_branded(path, &page);
        assert!(page.contains(r#"<html lang="de">"#), "{path}: German");
        let here = path.replace('&', "&#38;");
        assert!(
            page.contains(r#"action="/lang""#)
                && page.contains(&format!(r#"name="next" value="{here}""#)),
            "{path}: the language menu, back to this page"
        );
        assert!(
            page.contains(r#"id="way-back" href="/login">Zur Anmeldung</a>"#),
            "{path}: the way back"
        );
    }

    let ada = app.browser_in("de").await;
    let r = ada.register("ada", "", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (got, page) = ada.page("/no/such/page").await;
    assert_eq!(got, StatusCode::NOT_FOUND);
    assert_branded("/no/such/page", &page);
    assert!(
        page.contains(r#"<span class="who">ada</span>"#),
        "the account menu"
    );
    assert!(page.contains(r#"id="way-back" href="/profile">Zurück zum Profil</a>"#));
}
