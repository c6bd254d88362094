//! English, German and Russian: Accept-Language first, then the person's own choice.
use reqwest::{Method, StatusCode};
use sigil_store::testing::Backend;

use crate::helpers::{location, spawn_app, PASSWORD};
use crate::on_both_backends;

on_both_backends!(pages_follow_accept_language_until_the_person_picks_a_language,);

async fn pages_follow_accept_language_until_the_person_picks_a_language(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.browser_in("de-DE,de;q=0.9,en;q=0.5").await;
    let (_, html) = b.page("/login").await;
    assert!(html.contains(r#"<html lang="de">"#));
    assert!(html.contains("Anmelden"));

    assert_eq!(
        b.register("quinn", "", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let r = b
        .post_form("/lang", &[("lang", "ru"), ("next", "/profile")])
        .await;
    assert_eq!(location(&r), "/profile");
    let (_, html) = b.page("/profile").await;
    assert!(html.contains("Основная информация"));

    // Remembered for the person: an English browser elsewhere shows Russian after sign-in.
    let elsewhere = app.browser_in("en").await;
    assert_eq!(
        elsewhere.sign_in("quinn", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, html) = elsewhere.page("/profile").await;
    assert!(html.contains(r#"<html lang="ru">"#));
    let (_, me) = elsewhere.api(Method::GET, "/api/v1/me", None).await;
    assert_eq!(me["locale"], "ru");

    // Asked to sign in again there, a mistyped password is answered in Russian too.
    let r = elsewhere
        .post_form(
            "/login",
            &[
                ("identifier", "quinn"),
                ("password", "not the password"),
                ("next", "/profile/contacts/email"),
                ("reason", "email"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let html = r.text().await.expect("body");
    assert!(html.contains(r#"<html lang="ru">"#), "{html}");
    assert!(html.contains("Неверный логин или пароль."));
}
