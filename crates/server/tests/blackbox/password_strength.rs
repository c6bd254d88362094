//! New passwords must be hard to guess (zxcvbn, with the person's own words) and at
//! least the operator's minimum; the refusal says why and what to do, in the person's
//! language; a password's size is capped before anything is done with it.
use reqwest::{Method, StatusCode};
use serde_json::json;
use sigil_store::testing::Backend;

use crate::helpers::{spawn_app, spawn_with, PASSWORD};
use crate::on_both_backends;

on_both_backends!(
    weak_passwords_are_refused_at_registration_with_the_reason_in_the_persons_language,
    weak_passwords_are_refused_at_password_change_on_the_page_and_the_api,
    the_operator_sets_the_minimum_length,
    a_huge_password_is_refused_before_it_is_hashed,
);

/// The passwords people choose, each with the code of its reason.
const WEAK: [(&str, &str); 6] = [
    ("password123!", "password_weak_similar"),
    ("Summer2024!", "password_too_short"),
    ("qwertyuiopasdf", "password_weak_similar"),
    ("passwordpassword", "password_weak_repeats"),
    ("iloveyou1234", "password_weak_similar"),
    ("vq8#Lm2!zR", "password_too_short"),
];

/// The start of each reason's message in each language.
fn reason(code: &str, lang: &str) -> &'static str {
    match (code, lang) {
        ("password_weak_similar", "en") => "This is a commonly used password with small changes",
        ("password_weak_similar", "de") => {
            "Das ist ein häufig benutztes Passwort mit kleinen Änderungen"
        }
        ("password_weak_similar", "ru") => "Это распространённый пароль с небольшими изменениями",
        ("password_weak_repeats", "en") => "Repeated characters or words are easy to guess.",
        ("password_weak_repeats", "de") => {
            "Wiederholte Zeichen oder Wörter sind leicht zu erraten."
        }
        ("password_weak_repeats", "ru") => "Повторяющиеся символы или слова легко угадать.",
        ("password_too_short", "en") => "The password needs at least 12 characters.",
        ("password_too_short", "de") => "Das Passwort braucht mindestens 12 Zeichen.",
        ("password_too_short", "ru") => "Пароль должен содержать не менее 12 символов.",
        ("password_weak_personal", "en") => {
            "The password contains your login, email address or name"
        }
        other => panic!("no expectation for {other:?}"),
    }
}

async fn weak_passwords_are_refused_at_registration_with_the_reason_in_the_persons_language(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    for lang in ["en", "de", "ru"] {
        let b = app.browser_in(lang).await;
        for (password, code) in WEAK {
            let r = b.register("margaret", "", password).await;

            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{password}");
            let html = r.text().await.expect("body");
            let expected = reason(code, lang);
            assert!(
                html.contains(&format!(
                    r#"<small id="password-error" class="field-error">{expected}"#
                )),
                "{lang} {password}: {expected}"
            );
            assert!(
                b.cookie("sigil_session").is_none(),
                "no account for {password}"
            );
        }
    }
    let b = app.browser().await;
    let r = b
        .register("margarethamilton", "", "margarethamilton1969")
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    assert!(
        html.contains(reason("password_weak_personal", "en")),
        "{html}"
    );
    // A phrase of unrelated words is welcome.
    let r = b.register("margaret", "", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

async fn weak_passwords_are_refused_at_password_change_on_the_page_and_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("kate").await;
    for (lang, _) in [("de", ()), ("ru", ()), ("en", ())] {
        let r = b.post_form("/lang", &[("lang", lang)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        for (password, code) in WEAK {
            let r = b
                .post_form(
                    "/profile/password",
                    &[
                        ("current_password", PASSWORD),
                        ("new_password", password),
                        ("confirm_password", password),
                    ],
                )
                .await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{password}");
            let html = r.text().await.expect("body");
            let expected = reason(code, lang);
            assert!(
                html.contains(&format!(r#"<small class="field-error">{expected}"#)),
                "{lang} {password}: {expected}"
            );

            let (status, body) = b
                .api(
                    Method::POST,
                    "/api/v1/me/password",
                    Some(json!({ "current_password": PASSWORD, "new_password": password })),
                )
                .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{password}");
            let field = &body["error"]["fields"][0];
            assert_eq!(field["field"], "new_password");
            assert_eq!(field["code"], code, "{password}");
            let message = field["message"].as_str().expect("a message");
            assert!(
                message.starts_with(expected),
                "{lang} {password}: {message}"
            );
        }
    }
    assert_eq!(
        b.page("/profile").await.0,
        StatusCode::OK,
        "nothing changed"
    );
}

async fn the_operator_sets_the_minimum_length(backend: Backend) {
    let app = spawn_with(backend, |c| c.settings.passwords.min_chars = 30).await;
    let b = app.browser().await;
    let (_, page) = b.page("/register").await;
    assert!(page.contains("At least 30 characters."), "the hint says so");

    let r = b.register("ada", "", PASSWORD).await;

    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    assert!(html.contains("The password needs at least 30 characters."));
    let r = b
        .register("ada", "", "correct horse battery staple and more")
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

async fn a_huge_password_is_refused_before_it_is_hashed(backend: Backend) {
    let app = spawn_app(backend).await;
    let huge = "correct horse battery staple ".repeat(65_000);
    assert!(huge.len() > 1_800_000);

    // A form that big is over the body limit of a form.
    let b = app.browser().await;
    let r = b.register("ada", "", &huge).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let r = b.sign_in("ada", &huge).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // The API takes bodies that big; the password is refused by its size.
    let b = app.signed_in("bob").await;
    let (status, body) = b
        .api(
            Method::POST,
            "/api/v1/me/password",
            Some(json!({ "current_password": PASSWORD, "new_password": huge })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["code"], "password_too_long");

    // Under the form limit but over the password cap: a wrong password, not hashed.
    let long = "x".repeat(60 * 1024);
    let r = app.browser().await.sign_in("bob", &long).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}
