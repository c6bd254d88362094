//! English, German and Russian: Accept-Language first, then the person's own choice.
use regex::Regex;
use reqwest::{Method, StatusCode};
use sigil_store::testing::Backend;

use crate::helpers::{location, spawn_app, PASSWORD};
use crate::on_both_backends;

on_both_backends!(
    pages_follow_accept_language_until_the_person_picks_a_language,
    every_console_page_is_fully_translated_in_every_language,
);

async fn pages_follow_accept_language_until_the_person_picks_a_language(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.browser_in("de-DE,de;q=0.9,en;q=0.5").await;
    let (_, html) = b.page("/login").await;
    assert!(html.contains(r#"<html lang="de">"#));
    assert!(html.contains("Anmelden"));

    b.register("quinn", "", PASSWORD).await;
    let r = b
        .post_form("/lang", &[("lang", "ru"), ("next", "/profile")])
        .await;
    assert_eq!(location(&r), "/profile");
    let (_, html) = b.page("/profile").await;
    assert!(html.contains("Основная информация"));

    // Remembered for the person: an English browser elsewhere shows Russian after sign-in.
    let elsewhere = app.browser_in("en").await;
    elsewhere.sign_in("quinn", PASSWORD).await;
    let (_, html) = elsewhere.page("/profile").await;
    assert!(html.contains(r#"<html lang="ru">"#));
    let (_, me) = elsewhere.api(Method::GET, "/api/v1/me", None).await;
    assert_eq!(me["locale"], "ru");
}

async fn every_console_page_is_fully_translated_in_every_language(backend: Backend) {
    let app = spawn_app(backend).await;
    // A message key that slipped through untranslated would show as e.g. `profile-block-main`.
    let raw_key = Regex::new(r">\s*[a-z]+-[a-z_]+(-[a-z_]+)*\s*<").expect("regex");
    for lang in ["en", "de", "ru"] {
        let b = app.browser_in(lang).await;
        for path in ["/login", "/register"] {
            let (status, html) = b.page(path).await;
            assert_eq!(status, StatusCode::OK);
            assert!(
                !raw_key.is_match(&html),
                "{lang} {path}: {:?}",
                raw_key.find(&html)
            );
        }
        b.register(&format!("polyglot_{lang}"), "", PASSWORD).await;
        b.post_form(
            "/profile/edit",
            &[("block", "main"), ("birthdate", "yesterday")],
        )
        .await;
        for path in [
            "/profile",
            "/profile/edit?block=main",
            "/profile/password",
            "/events",
        ] {
            let (status, html) = b.page(path).await;
            assert_eq!(status, StatusCode::OK, "{lang} {path}");
            assert!(html.contains(&format!(r#"<html lang="{lang}">"#)));
            assert!(
                !raw_key.is_match(&html),
                "{lang} {path}: {:?}",
                raw_key.find(&html)
            );
        }
    }
}
