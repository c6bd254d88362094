//! Signing in with a linked identifier, at Sigil and through Sigil at an application.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::StatusCode;
use serde_json::Value;
use sigil_store::testing::Backend;

use sigil::upstream::ProviderConfig;
use sigil_core::identifier::ProviderDef;
use sigil_core::privacy::PrivacyLevel;

use crate::helpers::{location, spawn_with, Browser};
use crate::identifiers::{approved, events, pair, Pair};
use crate::oidc_helpers::{authorize, authorize_path, exchange, pkce, register, url_param};
use crate::on_both_backends;

on_both_backends!(
    a_linked_account_signs_in_at_sigil_and_at_its_applications,
    a_sign_in_at_a_provider_counts_only_for_a_linked_account_in_its_own_browser,
    a_link_only_provider_is_not_offered_at_sign_in,
    during_the_grace_period_the_provider_reaches_recovery_in_the_console_only,
);

/// Starts a sign-in with `corp` from the sign-in page of `b`; returns the provider's
/// authorization address.
async fn start_sign_in(b: &Browser, next: &str) -> String {
    let (_, page) = b.page("/login").await;
    assert!(page.contains(r#"id="sign-in-providers""#), "{page}");
    let r = b
        .post_form("/login/provider", &[("provider", "corp"), ("next", next)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    location(&r)
}

/// The payload of a JWT, unverified (the flow tests verify signatures).
fn payload(jwt: &str) -> Value {
    let part = jwt.split('.').nth(1).expect("payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64")).expect("json")
}

async fn linked(backend: Backend) -> (Pair, Browser) {
    let p = pair(backend).await;
    let ada = p.sigil.signed_in("ada").await;
    let back = approved(&p, &ada).await;
    assert_eq!(ada.get(&back).await.status(), StatusCode::SEE_OTHER);
    (p, ada)
}

async fn a_linked_account_signs_in_at_sigil_and_at_its_applications(backend: Backend) {
    let (p, ada) = linked(backend).await;
    let rp = register(&p.sigil, "web", None).await;

    // A fresh browser signs in at the provider and lands where it was going.
    let b = p.sigil.browser().await;
    let at_provider = start_sign_in(&b, "/events").await;
    let back = authorize(&p.at_upstream, &at_provider, "ada-up").await;
    let r = b.get(&back).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/events");
    let (_, profile) = b.page("/profile").await;
    assert!(profile.contains(r#"data-field="login">ada<"#), "{profile}");
    let (_, body) = b.api(reqwest::Method::GET, "/api/v1/me/events", None).await;
    let signed_in = body["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["category"] == "sign_in.succeeded" && e["details"]["provider"] == "corp");
    assert!(signed_in.is_some(), "{body}");

    // An application sees the sign-in; its ID token does not claim a password.
    let (verifier, challenge) = pkce();
    let path = authorize_path(&rp, "openid profile", &challenge, &[]);
    let code = url_param(&authorize(&b, &path, "ada").await, "code").expect("code");
    let (status, tokens) = exchange(&p.sigil, &rp, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let claims = payload(tokens["id_token"].as_str().expect("id token"));
    assert_eq!(claims["preferred_username"], "ada");
    assert!(claims.get("amr").is_none(), "{claims}");

    // The password sign-in still says so.
    let (verifier, challenge) = pkce();
    let path = authorize_path(&rp, "openid", &challenge, &[]);
    let code = url_param(&authorize(&ada, &path, "ada").await, "code").expect("code");
    let (_, tokens) = exchange(&p.sigil, &rp, &code, &verifier).await;
    let claims = payload(tokens["id_token"].as_str().expect("id token"));
    assert_eq!(claims["amr"], serde_json::json!(["pwd"]));
    assert!(events(&ada).await.contains(&"identifier.linked".to_owned()));
}

async fn a_sign_in_at_a_provider_counts_only_for_a_linked_account_in_its_own_browser(
    backend: Backend,
) {
    let (p, _ada) = linked(backend).await;

    // The answer for one browser does nothing in another (login CSRF).
    let b = p.sigil.browser().await;
    let back = authorize(
        &p.at_upstream,
        &start_sign_in(&b, "/profile").await,
        "ada-up",
    )
    .await;
    let other = p.sigil.browser().await;
    let r = other.get(&back).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("has expired or was already used"));
    assert!(other.cookie("sigil_session").is_none());
    // Spent, it does nothing in the right browser either.
    assert_eq!(
        b.get(&back).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // An account at the provider that no profile has linked signs nobody in.
    let stranger = p.upstream.signed_in("bob-up").await;
    let b = p.sigil.browser().await;
    let back = authorize(&stranger, &start_sign_in(&b, "/profile").await, "bob-up").await;
    let r = b.get(&back).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("No profile is linked to that account"));
    let r = b.get("/profile").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "still signed out");
}

async fn a_link_only_provider_is_not_offered_at_sign_in(backend: Backend) {
    let app = spawn_with(backend, |c| {
        c.settings.providers = vec![ProviderDef {
            id: "corp".into(),
            name: "Corp ID".into(),
            default_privacy: PrivacyLevel::OnRequest,
            sign_in: false,
        }];
        c.providers = vec![ProviderConfig {
            id: "corp".into(),
            issuer: "https://sso.invalid".into(),
            client_id: "sigil".into(),
            client_secret: Some("secret".into()),
            scopes: vec!["profile".into()],
            private_network: false,
        }];
    })
    .await;
    let b = app.browser().await;
    let (_, page) = b.page("/login").await;
    assert!(page.contains(r#"name="password""#), "{page}");
    assert!(!page.contains(r#"id="sign-in-providers""#), "{page}");
    let r = b
        .post_form("/login/provider", &[("provider", "corp"), ("next", "/")])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "no sign-in through it");
    // It is still there to link.
    let ada = app.signed_in("ada").await;
    let (status, add) = ada.page("/profile/identifiers/add").await;
    assert_eq!(status, StatusCode::OK);
    assert!(add.contains("Corp ID"), "{add}");
}

async fn during_the_grace_period_the_provider_reaches_recovery_in_the_console_only(
    backend: Backend,
) {
    let (p, ada) = linked(backend).await;
    let rp = register(&p.sigil, "web", None).await;
    let r = ada
        .post_form("/profile/delete", &[("password", crate::helpers::PASSWORD)])
        .await;
    assert_eq!(location(&r), "/login?notice=deletion_requested");

    // Through an application: no session, no recovery, a page that says why.
    let b = p.sigil.browser().await;
    let (_, challenge) = pkce();
    let path = authorize_path(&rp, "openid", &challenge, &[]);
    let next = url_param(&location(&b.get(&path).await), "next").expect("sign-in first");
    let at_provider = start_sign_in(&b, &next).await;
    let back = authorize(&p.at_upstream, &at_provider, "ada-up").await;
    let r = b.get(&back).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let html = r.text().await.expect("body");
    assert!(html.contains("scheduled for deletion"), "{html}");
    assert!(!html.contains("/account/restore"), "{html}");
    assert!(b.cookie("sigil_session").is_none() && b.cookie("sigil_restore").is_none());

    // In the console: the recovery page, and Restore brings the identifier back too.
    let b = p.sigil.browser().await;
    let at_provider = start_sign_in(&b, "/profile").await;
    let back = authorize(&p.at_upstream, &at_provider, "ada-up").await;
    let r = b.get(&back).await;
    assert_eq!(location(&r), "/account/restore");
    assert!(b.cookie("sigil_session").is_none());
    let r = b.post_form("/account/restore", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, profile) = b.page("/profile").await;
    assert_eq!(status, StatusCode::OK);
    assert!(profile.contains(r#"data-field="login">ada<"#), "{profile}");
    assert!(events(&b).await.contains(&"account.restored".to_owned()));
    // The identifier still signs in.
    let again = p.sigil.browser().await;
    let at_provider = start_sign_in(&again, "/events").await;
    let back = authorize(&p.at_upstream, &at_provider, "ada-up").await;
    assert_eq!(location(&again.get(&back).await), "/events");
}
