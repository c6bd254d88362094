//! The Scopes tab's confirm steps: their buttons say what they do, in the words of the
//! tab's Actions menu, in every language.
use reqwest::StatusCode;
use sigil_store::testing::Backend;

use crate::helpers::{spawn_app, PASSWORD};
use crate::oidc_helpers::{authorize, authorize_path, pkce, register};
use crate::on_both_backends;

on_both_backends!(the_confirm_buttons_name_their_action_in_every_language);

async fn the_confirm_buttons_name_their_action_in_every_language(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let cases = [
        ("en", "End sessions", "Revoke permission"),
        ("de", "Sitzungen beenden", "Berechtigung widerrufen"),
        ("ru", "Завершить сеансы", "Отозвать разрешение"),
    ];

    for (lang, end, revoke) in cases {
        let b = app.browser_in(lang).await;
        let login = format!("scopes.{lang}");
        let r = b.register(&login, "", PASSWORD).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, challenge) = pkce();
        let path = authorize_path(&rp, "openid email", &challenge, &[]);
        assert!(authorize(&b, &path, &login).await.starts_with(&rp.redirect));
        let (_, menu) = b.page("/apps").await;
        let id = &rp.client_id;
        for item in [
            format!(r#"<a href="/apps/{id}/end-sessions">{end}</a>"#),
            format!(r#"<a href="/apps/{id}/revoke" class="danger">{revoke}</a>"#),
        ] {
            assert!(menu.contains(&item), "{lang}: the Actions menu has {item}");
        }

        let (status, page) = b
            .page(&format!("/apps/{}/end-sessions", rp.client_id))
            .await;
        assert_eq!(status, StatusCode::OK);
        let button = format!(r#"<button type="submit" class="primary">{end}</button>"#);
        assert!(page.contains(&button), "{lang}: {button}");
        let (status, page) = b.page(&format!("/apps/{}/revoke", rp.client_id)).await;
        assert_eq!(status, StatusCode::OK);
        let button = format!(r#"<button type="submit" class="danger">{revoke}</button>"#);
        assert!(page.contains(&button), "{lang}: {button}");
    }
}
