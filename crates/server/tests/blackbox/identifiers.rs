//! Identifiers: a second Sigil, started alongside, is the external provider. Linking
//! runs the whole authorization code flow between the two over HTTP.
use fantoccini::error::CmdError;
use fantoccini::{Client, Locator};
use image::ImageFormat;
use reqwest::{Method, StatusCode};
use sigil::upstream::ProviderConfig;
use sigil_core::identifier::ProviderDef;
use sigil_core::oidc::application::AppInput;
use sigil_core::privacy::PrivacyLevel;
use sigil_store::testing::Backend;
use tokio::net::TcpListener;

use crate::browser::{arrive, arrive_with, chromium, register};

use crate::helpers::{location, spawn_on, spawn_with, Browser, TestApp, PASSWORD};
use crate::oidc_helpers::{authorize, url_param};
use crate::on_both_backends;
use crate::photos::{picture, upload};

on_both_backends!(
    an_account_at_a_provider_is_linked_shown_released_and_removed,
    a_callback_is_spent_once_and_only_in_its_own_session,
    a_person_links_and_removes_an_identifier_in_chromium,
);

/// The provider (its own Sigil, with a person `ada-up` who has a name and a photo) and
/// Sigil linking to it as `corp`.
pub(crate) struct Pair {
    pub upstream: TestApp,
    /// The person's browser at the provider, signed in.
    pub at_upstream: Browser,
    pub sigil: TestApp,
}

pub(crate) async fn pair(backend: Backend) -> Pair {
    pair_on(backend, false, None).await
}

/// [`pair`] with Sigil's mail going to the SMTP server at `smtp_url`.
pub(crate) async fn pair_with_smtp(backend: Backend, smtp_url: String) -> Pair {
    pair_on(backend, false, Some(smtp_url)).await
}

/// With `localhost`, the provider serves on `localhost` and Sigil on 127.0.0.1, so one
/// browser keeps the two sites' cookies apart.
async fn pair_on(backend: Backend, localhost: bool, smtp_url: Option<String>) -> Pair {
    let upstream = spawn_with(backend, |c| {
        if localhost {
            c.public_url = c.public_url.replace("127.0.0.1", "localhost");
            c.settings.oidc.issuer = c.public_url.clone();
        }
    })
    .await;
    let at_upstream = upstream.signed_in("ada-up").await;
    let r = at_upstream
        .post_form(
            "/profile/edit",
            &[
                ("block", "main"),
                ("given_name", "Ада"),
                ("family_name", "Lovelace"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = upload(
        &at_upstream,
        picture(ImageFormat::Png, 300, 200),
        "me.png",
        "image/png",
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let app = upstream
        .sigil
        .create_app(&AppInput {
            name: "Sigil downstream".into(),
            app_type: "web".into(),
            redirect_uris: vec![format!("{base}/identifiers/callback/corp")],
            ..AppInput::default()
        })
        .await
        .expect("application at the provider");
    let issuer = upstream.base.clone();
    let sigil = spawn_on(backend, listener, move |c| {
        c.settings.providers = vec![ProviderDef {
            id: "corp".into(),
            name: "Corp ID".into(),
            default_privacy: PrivacyLevel::OnRequest,
            sign_in: true,
        }];
        c.providers = vec![ProviderConfig {
            id: "corp".into(),
            issuer,
            client_id: app.app.client_id.0.clone(),
            client_secret: app.client_secret.clone(),
            scopes: vec!["profile".into()],
            private_network: true,
        }];
        if let Some(url) = smtp_url {
            c.delivery.smtp_url = Some(url);
            c.delivery.mail_from = "Sigil <id@example.org>".into();
        }
    })
    .await;
    Pair {
        upstream,
        at_upstream,
        sigil,
    }
}

/// Starts linking in `b`; returns the provider's authorization address.
async fn start(b: &Browser) -> String {
    let r = b
        .post_form("/profile/identifiers/link", &[("provider", "corp")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    location(&r)
}

/// Starts linking in `b` and approves at the provider; returns the callback address.
pub(crate) async fn approved(p: &Pair, b: &Browser) -> String {
    let at_provider = start(b).await;
    assert!(
        at_provider.starts_with(&format!("{}/oauth/authorize?", p.upstream.base)),
        "{at_provider}"
    );
    assert_eq!(
        url_param(&at_provider, "code_challenge_method").as_deref(),
        Some("S256")
    );
    let back = authorize(&p.at_upstream, &at_provider, "ada-up").await;
    assert!(
        back.starts_with(&format!("{}/identifiers/callback/corp?", p.sigil.base)),
        "{back}"
    );
    back
}

fn identifier_id(profile: &str) -> String {
    regex::Regex::new(r#"data-identifier="([^"]+)""#)
        .expect("regex")
        .captures(profile)
        .map(|c| c[1].to_owned())
        .expect("a linked identifier")
}

pub(crate) async fn events(b: &Browser) -> Vec<String> {
    let (_, body) = b.api(Method::GET, "/api/v1/me/events", None).await;
    body["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["category"].as_str().map(str::to_owned))
        .collect()
}

async fn an_account_at_a_provider_is_linked_shown_released_and_removed(backend: Backend) {
    let p = pair(backend).await;
    let b = p.sigil.signed_in("ada").await;
    let (_, profile) = b.page("/profile").await;
    assert!(profile.contains(r#"href="/profile/identifiers/add""#));
    // **Available** is in the Main information form, beside **Upload**.
    let (_, edit) = b.page("/profile/edit?block=main").await;
    assert!(
        !edit.contains(r#"id="photo-available""#),
        "no identifier, no Available button"
    );
    let (status, providers) = b.page("/profile/identifiers/add").await;
    assert_eq!(status, StatusCode::OK);
    assert!(providers.contains("Corp ID"));

    // The provider's consent page shows what it will hand over, the photo included.
    let at_provider = start(&b).await;
    let (status, consent) = p.at_upstream.page(&at_provider).await;
    assert_eq!(status, StatusCode::OK);
    let photo = format!(
        r#"<dd data-field="photo"><img src="{}/public/images/profile/"#,
        p.upstream.base
    );
    assert!(consent.contains(&photo), "{consent}");
    let back = authorize(&p.at_upstream, &at_provider, "ada-up").await;
    let r = b.get(&back).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/profile?notice=identifier_linked"));
    let (_, profile) = b.page("/profile").await;
    assert!(profile.contains("Corp ID"), "the provider's name");
    assert!(profile.contains("Ада Lovelace"), "the name at the provider");
    let (_, edit) = b.page("/profile/edit?block=main").await;
    assert!(edit.contains(r#"id="photo-available""#));
    let id = identifier_id(&profile);
    assert!(events(&b).await.contains(&"identifier.linked".to_owned()));
    let (status, listed) = b.api(Method::GET, "/api/v1/me/identifiers", None).await;
    assert_eq!(status, StatusCode::OK);
    let first = &listed["identifiers"][0];
    assert_eq!(first["id"], id.as_str());
    assert_eq!(first["provider"], "corp");
    assert_eq!(first["provider_name"], "Corp ID");
    assert_eq!(first["name"], "Ада Lovelace");
    assert_eq!(first["has_avatar"], true);
    assert_eq!(first["privacy"], "on_request", "the provider's default");

    // On request by default: a visitor does not see it; made public, they do.
    let me = p.sigil.sigil.settings().oidc.issuer.clone();
    let user_id = regex::Regex::new(r"<code>([0-9a-f-]{36})</code>")
        .expect("regex")
        .captures(&profile)
        .map(|c| c[1].to_owned())
        .expect("id");
    let visitor = p.sigil.browser().await;
    let (_, public) = visitor.page(&format!("/public/profile/{user_id}")).await;
    assert!(!public.contains("Corp ID"), "{me}");
    let key = format!("identifier:{id}");
    let r = b
        .post_form("/profile/privacy", &[("field", &key), ("level", "public")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, public) = visitor.page(&format!("/public/profile/{user_id}")).await;
    assert!(public.contains("Corp ID") && public.contains("Ада Lovelace"));
    let (_, levels) = b.api(Method::GET, "/api/v1/me/privacy", None).await;
    assert_eq!(levels["fields"][&key], "public", "{levels}");

    // Available: the picture at the provider, re-drawn square, becomes the photo.
    let r = b.get(&format!("/profile/identifiers/{id}/avatar")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let avatar = image::load_from_memory(&r.bytes().await.expect("bytes")).expect("an image");
    assert_eq!((avatar.width(), avatar.height()), (512, 512));
    let stranger = p.sigil.signed_in("eve").await;
    let r = stranger
        .get(&format!("/profile/identifiers/{id}/avatar"))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "only the owner sees it");
    let (_, choose) = b.page("/profile/photo/available").await;
    assert!(choose.contains(&format!("/profile/identifiers/{id}/avatar")));
    let r = b
        .post_form("/profile/photo/available", &[("identifier", &id)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, profile) = b.page("/profile").await;
    assert!(profile.contains(r#"<img src="/public/images/profile/"#));

    // One external account, one profile.
    let bob = p.sigil.signed_in("bob").await;
    let back = approved(&p, &bob).await;
    let r = bob.get(&back).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.expect("body");
    assert!(page.contains("linked to another profile"), "{page}");
    let (_, bobs) = bob.page("/profile").await;
    assert!(bobs.contains("No external accounts are linked."));

    // Removed at once, and logged.
    let r = b
        .post_form(&format!("/profile/identifiers/{id}/delete"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, profile) = b.page("/profile").await;
    assert!(profile.contains("No external accounts are linked."));
    assert!(events(&b).await.contains(&"identifier.removed".to_owned()));
    let (_, public) = visitor.page(&format!("/public/profile/{user_id}")).await;
    assert!(!public.contains("Corp ID"));

    // Free again: bob may link it now.
    let back = approved(&p, &bob).await;
    assert_eq!(bob.get(&back).await.status(), StatusCode::SEE_OTHER);
    let (_, listed) = bob.api(Method::GET, "/api/v1/me/identifiers", None).await;
    let bobs_id = listed["identifiers"][0]["id"]
        .as_str()
        .expect("linked")
        .to_owned();
    let path = format!("/api/v1/me/identifiers/{bobs_id}");
    assert_eq!(
        b.api(Method::DELETE, &path, None).await.0,
        StatusCode::NOT_FOUND,
        "not ada's"
    );
    assert_eq!(
        bob.api(Method::DELETE, &path, None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        bob.api(Method::DELETE, &path, None).await.0,
        StatusCode::NOT_FOUND
    );
}

async fn a_callback_is_spent_once_and_only_in_its_own_session(backend: Backend) {
    let p = pair(backend).await;
    let ada = p.sigil.signed_in("ada").await;
    let expired = "has expired or was already used";

    // Another person's browser cannot finish ada's request, and spends it.
    let back = approved(&p, &ada).await;
    let eve = p.sigil.signed_in("eve").await;
    let r = eve.get(&back).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.expect("body").contains(expired));
    let r = ada.get(&back).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The answer must come back to the provider it went to (mix-up).
    let back = approved(&p, &ada).await;
    let elsewhere = back.replace("/callback/corp?", "/callback/other?");
    let r = ada.get(&elsewhere).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.expect("body").contains(expired));

    // A refusal at the provider links nothing.
    let at_provider = start(&ada).await;
    let state = url_param(&at_provider, "state").expect("state");
    let r = ada
        .get(&format!(
            "/identifiers/callback/corp?state={state}&error=access_denied"
        ))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("did not grant access"));

    // A forged code fails at the provider's token endpoint.
    let at_provider = start(&ada).await;
    let state = url_param(&at_provider, "state").expect("state");
    let r = ada
        .get(&format!(
            "/identifiers/callback/corp?state={state}&code=forged"
        ))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.expect("body").contains("did not work"));

    // A request older than ten minutes is dead.
    let back = approved(&p, &ada).await;
    p.sigil.clock.advance(time::Duration::minutes(11));
    let r = ada.get(&back).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let (_, profile) = ada.page("/profile").await;
    assert!(profile.contains("No external accounts are linked."));
}

async fn a_person_links_and_removes_an_identifier_in_chromium(backend: Backend) {
    let p = pair_on(backend, true, None).await;
    let c = chromium().await;
    let result = link_in_chromium(&c, &p).await;
    c.close().await.expect("close Chromium");
    result.expect("the walk through linking");
}

async fn link_in_chromium(c: &Client, p: &Pair) -> Result<(), CmdError> {
    register(c, &p.sigil.base, "chrome.user").await?;
    c.find(Locator::Css("a[href='/profile/identifiers/add']"))
        .await?
        .click()
        .await?;
    arrive(c, "/profile/identifiers/add").await?;
    c.find(Locator::Css("button[name='provider'][value='corp']"))
        .await?
        .click()
        .await?;
    // At the provider: its own sign-in page, then its consent page.
    arrive(c, "/login").await?;
    assert!(c
        .current_url()
        .await?
        .as_str()
        .starts_with(&p.upstream.base));
    c.find(Locator::Css("#identifier"))
        .await?
        .send_keys("ada-up")
        .await?;
    c.find(Locator::Css("#password"))
        .await?
        .send_keys(PASSWORD)
        .await?;
    c.find(Locator::Css("form button.primary"))
        .await?
        .click()
        .await?;
    c.wait()
        .for_element(Locator::Css("button[name='decision'][value='approve']"))
        .await?
        .click()
        .await?;
    arrive_with(c, "/profile", "notice=identifier_linked").await?;
    let label = c
        .find(Locator::Css("#identifiers details summary"))
        .await?
        .text()
        .await?;
    assert_eq!(label, "Ада Lovelace");
    c.find(Locator::Css("#main-information a.button"))
        .await?
        .click()
        .await?;
    arrive(c, "/profile/edit").await?;
    assert!(c.find(Locator::Css("#photo-available")).await.is_ok());
    c.back().await?;
    arrive(c, "/profile").await?;

    // Clicking the identifier offers Delete, which removes it at once.
    c.find(Locator::Css("#identifiers details summary"))
        .await?
        .click()
        .await?;
    c.find(Locator::Css("#identifiers details button.danger"))
        .await?
        .click()
        .await?;
    arrive_with(c, "/profile", "notice=identifier_removed").await?;
    assert!(c.find(Locator::Css("#identifiers details")).await.is_err());
    Ok(())
}
