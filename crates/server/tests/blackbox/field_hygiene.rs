//! Field hygiene: text is stored in NFC, and names, logins and card links refuse the
//! invisible characters that reorder or hide text, on the page and in the API alike.
use reqwest::{Method, StatusCode};
use serde_json::json;
use sigil_store::testing::Backend;

use crate::helpers::{field_text, location, spawn_app, spawn_with};
use crate::on_both_backends;

on_both_backends!(
    names_are_stored_composed_from_the_page_and_the_api,
    names_and_logins_with_invisible_characters_are_refused_on_the_page_and_the_api,
    registration_refuses_a_login_with_invisible_characters,
    a_card_link_with_invisible_characters_is_refused,
);

const INVISIBLE_EN: &str = "The value contains invisible characters";

async fn names_are_stored_composed_from_the_page_and_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("jose").await;

    let r = b
        .post_form(
            "/profile/edit",
            &[("block", "main"), ("given_name", "Jose\u{301}")],
        )
        .await;
    assert_eq!(location(&r), "/profile?notice=saved");
    let (status, me) = b
        .api(
            Method::PATCH,
            "/api/v1/me",
            Some(json!({ "fields": { "family_name": "Mu\u{308}ller", "nickname": "Ze\u{301}\u{301}" } })),
        )
        .await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["fields"]["given_name"], "Jos\u{e9}");
    assert_eq!(me["fields"]["family_name"], "M\u{fc}ller");
    // What has no composed form stays as typed, in canonical order.
    assert_eq!(me["fields"]["nickname"], "Z\u{e9}\u{301}");
    let (_, html) = b.page("/profile").await;
    assert_eq!(field_text(&html, "given_name"), "Jos\u{e9}");
}

async fn names_and_logins_with_invisible_characters_are_refused_on_the_page_and_the_api(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("alice").await;

    for (key, value) in [
        ("given_name", "Ali\u{200B}ce"),
        ("family_name", "\u{202E}htimS"),
        ("nickname", "Al\u{2066}ice\u{2069}"),
        ("login", "ali\u{200D}ce"),
        // The rest of Unicode's default-ignorable characters: soft hyphen, invisible
        // operators, Hangul fillers (a name of nothing at all), tag characters.
        ("given_name", "Ali\u{00AD}ce"),
        ("family_name", "Sm\u{2062}ith"),
        ("nickname", "\u{3164}\u{3164}"),
        ("given_name", "\u{115F}"),
        ("family_name", "Smith\u{E0041}\u{E0042}"),
        ("nickname", "Al\u{034F}ice"),
        ("given_name", "Ali\u{2028}ce"),
        // Names that show nothing at all.
        ("nickname", "\u{FE0F}\u{FE0F}"),
        ("nickname", "\u{2800}"),
        ("family_name", "Sm\u{FFF9}ith"),
    ] {
        let r = b
            .post_form("/profile/edit", &[("block", "main"), (key, value)])
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{key}");
        let html = r.text().await.expect("body");
        assert!(
            html.contains(&format!(
                r#"<small id="e-{key}" class="field-error">{INVISIBLE_EN}"#
            )),
            "{key}: {html}"
        );

        let (status, body) = b
            .api(
                Method::PATCH,
                "/api/v1/me",
                Some(json!({ "fields": { key: value } })),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{key}");
        let field = &body["error"]["fields"][0];
        assert_eq!(field["field"], key);
        assert_eq!(field["code"], "invisible_characters", "{key}");
    }
    let (_, me) = b.api(Method::GET, "/api/v1/me", None).await;
    assert_eq!(me["login"], "alice", "nothing changed");
    assert!(me["fields"]["given_name"].is_null(), "nothing changed");
}

async fn registration_refuses_a_login_with_invisible_characters(backend: Backend) {
    let app = spawn_app(backend).await;
    for (lang, message) in [
        ("en", INVISIBLE_EN),
        ("de", "Der Wert enthält unsichtbare Zeichen"),
        ("ru", "Значение содержит невидимые символы"),
    ] {
        let b = app.browser_in(lang).await;
        let r = b
            .register("bob\u{200B}", "", "correct horse battery staple")
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{lang}");
        let html = r.text().await.expect("body");
        assert!(html.contains(message), "{lang}: {html}");
    }
}

async fn a_card_link_with_invisible_characters_is_refused(backend: Backend) {
    let app = spawn_with(backend, |c| c.settings.cards_enabled = true).await;
    let b = app.signed_in("ada").await;

    let r = b
        .post_form("/profile/card/link", &[("slug", "ada\u{200B}card")])
        .await;

    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    assert!(
        html.contains(&format!(r#"<small class="field-error">{INVISIBLE_EN}"#)),
        "{html}"
    );
}
