//! The pages of an account pending deletion that no one is signed in on: the recovery
//! page and the page a sign-in through an application gets. They speak the language
//! the person chose in this browser, and the application's page has a way out (never
//! Restore: recovery is the console's).
use reqwest::StatusCode;
use sigil_store::testing::Backend;

use crate::helpers::{location, spawn_app, Browser, TestApp, PASSWORD};
use crate::oidc_helpers::{authorize_path, pkce, register, unescape, url_param, Rp};
use crate::on_both_backends;

on_both_backends!(
    the_language_chosen_in_the_browser_beats_the_accounts_on_the_recovery_page,
    the_applications_page_follows_the_language_menu_and_has_a_way_out,
    restoring_an_active_account_says_there_is_nothing_to_restore,
);

/// An account pending deletion whose stored language is Russian.
async fn russian_account_pending_deletion(app: &TestApp, login: &str) {
    let b = app.signed_in(login).await;
    let r = b
        .post_form("/lang", &[("lang", "ru"), ("next", "/profile")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = b
        .post_form("/profile/delete", &[("password", PASSWORD)])
        .await;
    assert_eq!(location(&r), "/login?notice=deletion_requested");
}

/// A fresh English browser that chose `lang` with the language menu.
async fn choosing(app: &TestApp, lang: &str) -> Browser {
    let b = app.browser().await;
    let r = b
        .post_form("/lang", &[("lang", lang), ("next", "/login")])
        .await;
    assert_eq!(location(&r), "/login");
    b
}

async fn the_language_chosen_in_the_browser_beats_the_accounts_on_the_recovery_page(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    russian_account_pending_deletion(&app, "mia").await;

    let de = choosing(&app, "de").await;
    let r = de.sign_in("mia", PASSWORD).await;
    assert_eq!(location(&r), "/account/restore");
    let (status, page) = de.page("/account/restore").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Konto wiederherstellen"), "{page}");
    assert!(!page.contains("Восстановить"), "{page}");
    // Switching again on the page itself comes back to it, in the new language.
    let r = de
        .post_form("/lang", &[("lang", "en"), ("next", "/account/restore")])
        .await;
    assert_eq!(location(&r), "/account/restore");
    let (_, page) = de.page("/account/restore").await;
    assert!(page.contains("Restore account"), "{page}");

    // Without a choice in the browser, the account's language beats the browser's.
    let fresh = app.browser().await;
    let r = fresh.sign_in("mia", PASSWORD).await;
    assert_eq!(location(&r), "/account/restore");
    let (_, page) = fresh.page("/account/restore").await;
    assert!(page.contains("Восстановить аккаунт"), "{page}");
}

/// Signs in through the application `rp` (asking for `ui_locales`): the answer.
async fn through_the_application(b: &Browser, rp: &Rp, ui_locales: &str) -> (String, String) {
    let (_, challenge) = pkce();
    let path = authorize_path(rp, "openid", &challenge, &[("ui_locales", ui_locales)]);
    let to_login = location(&b.get(&path).await);
    let next = url_param(&to_login, "next").expect("sign-in first");
    let r = b
        .post_form(
            "/login",
            &[
                ("identifier", "ned"),
                ("password", PASSWORD),
                ("next", &next),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    (next, unescape(&r.text().await.expect("body")))
}

async fn the_applications_page_follows_the_language_menu_and_has_a_way_out(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    russian_account_pending_deletion(&app, "ned").await;

    // The application asks for Russian; the person chose German here: German.
    let de = choosing(&app, "de").await;
    let (next, page) = through_the_application(&de, &rp, "ru").await;
    assert!(page.contains("Konto zur Löschung vorgemerkt"), "{page}");
    assert!(!page.contains("/account/restore") && !page.contains("wiederherstellen"));

    // Another account: the sign-in form of the same authorization request, which is
    // also where the language menu comes back to.
    let another = regex::Regex::new(r#"id="scheduled-another" href="([^"]+)""#)
        .expect("regex")
        .captures(&page)
        .map(|c| c[1].to_owned())
        .expect("Use another account");
    assert!(page.contains("Anderes Konto verwenden"));
    assert_eq!(url_param(&another, "next").as_deref(), Some(next.as_str()));
    assert!(page.contains(&format!(r#"name="next" value="{another}""#)));
    let (status, form) = de.page(&another).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        unescape(&form).contains(&format!(r#"value="{next}""#)),
        "{form}"
    );
    // And back to the application's home page.
    assert!(
        page.contains(r#"href="https://rp.example/""#) && page.contains("Zurück zu Test web app"),
        "{page}"
    );

    // The menu on the sign-in form switches it, and the request goes on in English.
    let r = de
        .post_form("/lang", &[("lang", "en"), ("next", &another)])
        .await;
    assert_eq!(location(&r), another);
    let (_, page) = through_the_application(&de, &rp, "ru").await;
    assert!(page.contains("Account scheduled for deletion"), "{page}");
    assert!(page.contains("Use another account"));

    // With no choice made here, the application's language is used.
    let fresh = app.browser().await;
    let (_, page) = through_the_application(&fresh, &rp, "ru").await;
    assert!(page.contains("Аккаунт ожидает удаления"), "{page}");
}

async fn restoring_an_active_account_says_there_is_nothing_to_restore(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.browser_in("de").await;
    assert_eq!(
        b.register("rita", "", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );

    let r = b.post_form("/account/restore", &[]).await;

    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.expect("body");
    assert!(html.contains(r#"lang="de""#), "{html}");
    let sql = "SELECT COUNT(*) FROM events WHERE category = 'account.restored'";
    assert_eq!(app.query_i64(sql).await, 0);
    assert_eq!(
        b.page("/profile").await.0,
        StatusCode::OK,
        "still signed in"
    );
}
