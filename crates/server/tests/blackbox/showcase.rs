//! A richly populated account, for the tests that look at every page as a person sees
//! it (accessibility, screenshots): names, a photo, an email and a phone number, a
//! business card, an application with a grant, one more awaiting consent, a mandatory
//! field still empty, and the events all of that leaves. Everything is done over HTTP, as a person would.
use std::time::Duration as StdDuration;

use regex::Regex;
use reqwest::{Method, StatusCode};
use sigil_core::fields::{FieldCatalogue, FieldRule};
use sigil_core::locale::Locale;
use sigil_core::oidc::application::AppInput;
use sigil_store::testing::Backend;
use sigil_web::brand::Brand;
use time::Duration;

use crate::contacts::code_and_link;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};

use crate::helpers::{location, spawn_with, Browser, TestApp, PASSWORD};
use crate::oidc_helpers::{authorize, authorize_path, pkce, Rp, REDIRECT};
use crate::smtp::{self, SmtpServer};

pub const LOGIN: &str = "ada.lovelace";

pub struct Showcase {
    pub app: TestApp,
    /// The application the person uses (a row on the Scopes page).
    pub granted: Rp,
    /// An application the person has not yet allowed: its request shows the consent page.
    pub asking: Rp,
    /// `/api/cards/{slug}`.
    pub card_path: String,
    /// `/public/profile/{id}`.
    pub public_path: String,
    /// `/contacts/confirm?token=…`, the link of a pending email change.
    pub confirm_path: String,
    /// `/account/secure?token=…`, the link in the notice of a removed address.
    pub secure_path: String,
    /// `/profile/devices/{sid}/sign-out` of the session that filled the account: another
    /// device, to a browser that signs in itself.
    pub device_path: String,
}

/// Starts a server (cards on, an operator's "company" field) and fills one account.
pub async fn showcase(backend: Backend) -> Showcase {
    showcase_with(backend, Brand::default()).await
}

/// Like [`showcase`], under the operator's `brand`.
pub async fn showcase_with(backend: Backend, brand: Brand) -> Showcase {
    let smtp = smtp::start().await;
    let url = smtp.url.clone();
    let app = spawn_with(backend, move |c| {
        c.brand = brand;
        c.delivery.smtp_url = Some(url);
        c.settings.cards_enabled = true;
        c.settings.catalog_enabled = true;
        // The accessibility test sends the sign-in form with mistakes in every pass.
        c.settings.throttle.per_account = 100;
        c.settings.throttle.per_ip = 100;
        let mut company = FieldRule::default();
        for (locale, label) in [
            (Locale::En, "Company"),
            (Locale::De, "Firma"),
            (Locale::Ru, "Компания"),
        ] {
            company.labels.insert(locale, label.into());
        }
        // A mandatory field left empty, so that the prompt to complete the profile shows.
        let mut position = FieldRule {
            mandatory: Some(true),
            ..FieldRule::default()
        };
        for (locale, label) in [
            (Locale::En, "Position"),
            (Locale::De, "Position"),
            (Locale::Ru, "Должность"),
        ] {
            position.labels.insert(locale, label.into());
        }
        c.settings.catalogue = FieldCatalogue::with_rules(&[
            ("company".into(), company),
            ("position".into(), position),
        ])
        .expect("rules");
    })
    .await;
    // The server's clock stands still and the steps below move it on by minutes: started
    // in the past, every event is in the past when a browser shows it.
    app.clock.advance(Duration::minutes(-4));
    let b = app.signed_in(LOGIN).await;

    see_other(
        b.post_form(
            "/profile/edit",
            &[
                ("block", "main"),
                ("nickname", "Ada"),
                ("given_name", "Augusta Ada"),
                ("family_name", "King"),
                ("birthdate", "1985-12-10"),
                ("login", LOGIN),
            ],
        )
        .await,
    );
    see_other(
        b.post_form(
            "/profile/edit",
            &[("block", "additional"), ("company", "Analytical Engines")],
        )
        .await,
    );
    see_other(crate::photos::upload(&b, portrait(), "ada.png", "image/png").await);
    see_other(
        b.post_form(
            "/profile/privacy",
            &[("field", "family_name"), ("level", "public")],
        )
        .await,
    );

    // An address confirmed and removed (its notice carries the securing link), then
    // the address the account keeps, then one more on its way (its confirmation link).
    confirm_email(&app, &b, &smtp, "ada.old@example.org", 1).await;
    see_other(b.post_form("/profile/contacts/email/remove", &[]).await);
    let notice = smtp.inbox.wait_for(2).await[1].text();
    let secure_path = Regex::new(r"https?://\S+(/account/secure\?token=[A-Za-z0-9_-]+)")
        .expect("regex")
        .captures(&notice)
        .map(|c| c[1].to_owned())
        .expect("a link in the removal notice");
    confirm_email(&app, &b, &smtp, "ada@example.org", 3).await;
    app.clock.advance(Duration::seconds(61));
    see_other(
        b.post_form(
            "/profile/contacts/email",
            &[("address", "ada.king@example.org")],
        )
        .await,
    );
    let (_, link) = code_and_link(&smtp.inbox.wait_for(4).await[3].text());
    let confirm_path = link.replacen(&app.base, "", 1);

    confirm_phone(&app, &b, "+49 30 12345678").await;

    see_other(
        b.post_form("/profile/card/active", &[("active", "on")])
            .await,
    );
    let (_, profile) = b.page("/profile").await;
    let card_path = Regex::new(r"/api/cards/[A-Za-z0-9_-]+")
        .expect("regex")
        .find(&profile)
        .map(|m| m.as_str().to_owned())
        .expect("the card's link on the profile");
    let (_, me) = b.api(Method::GET, "/api/v1/me", None).await;
    let public_path = format!("/public/profile/{}", me["id"].as_str().expect("id"));

    let granted = application(&app, "Lovelace Notes", "Notes on the Analytical Engine").await;
    let (_, challenge) = pkce();
    let path = authorize_path(&granted, "openid profile email phone", &challenge, &[]);
    let back = authorize(&b, &path, LOGIN).await;
    assert!(back.starts_with(REDIRECT), "{back}");
    let asking = application(&app, "Difference Calendar", "Plans your week").await;
    // A favourite from the catalog, in the sidebar of every console page.
    see_other(
        b.post_form(
            "/catalog/favorites",
            &[("client_id", &granted.client_id), ("favorite", "on")],
        )
        .await,
    );
    let device_path = format!(
        "/profile/devices/{}/sign-out",
        crate::devices::own_sid(&b).await
    );

    Showcase {
        app,
        granted,
        asking,
        card_path,
        public_path,
        confirm_path,
        secure_path,
        device_path,
    }
}

impl Showcase {
    /// An authorization request of the application that has no consent yet.
    pub fn consent_path(&self) -> String {
        let (_, challenge) = pkce();
        authorize_path(&self.asking, "openid profile email phone", &challenge, &[])
    }
}

/// Signs the showcase account in, in Chromium, through the sign-in form, pressing Enter to submit.
pub async fn sign_in(c: &Client, base: &str) -> Result<(), fantoccini::error::CmdError> {
    c.goto(&format!("{base}/login")).await?;
    c.find(Locator::Css("input[name='identifier']"))
        .await?
        .send_keys(LOGIN)
        .await?;
    c.find(Locator::Css("input[name='password']"))
        .await?
        .send_keys(&format!("{PASSWORD}{}", Key::Enter))
        .await?;
    for _ in 0..100 {
        if c.current_url().await?.path() != "/login" {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the sign-in did not leave /login");
}

fn see_other(r: reqwest::Response) {
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.url());
}

/// A 240×240 PNG with a gradient, for the profile photo.
fn portrait() -> Vec<u8> {
    let img = image::RgbImage::from_fn(240, 240, |x, y| {
        image::Rgb([(x / 2) as u8 + 60, (y / 2) as u8 + 40, 160])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("encode");
    out
}

/// Adds and confirms `address`, the `nth` mail of the run carrying its code.
pub async fn confirm_email(
    app: &TestApp,
    b: &Browser,
    smtp: &SmtpServer,
    address: &str,
    nth: usize,
) {
    // Past the wait between two codes.
    app.clock.advance(Duration::seconds(61));
    see_other(
        b.post_form("/profile/contacts/email", &[("address", address)])
            .await,
    );
    let (code, _) = code_and_link(&smtp.inbox.wait_for(nth).await[nth - 1].text());
    let r = b
        .post_form("/profile/contacts/email/confirm", &[("code", &code)])
        .await;
    assert_eq!(location(&r), "/profile/contacts/email?notice=verified");
}

/// Adds and confirms a phone number; without a gateway its SMS lands in the outbox folder.
async fn confirm_phone(app: &TestApp, b: &Browser, number: &str) {
    see_other(
        b.post_form(
            "/profile/contacts/phone",
            &[("address", number), ("channel", "sms")],
        )
        .await,
    );
    let outbox = app.dir.join("outbox");
    let code_re = Regex::new(r"\d{6}").expect("regex");
    let mut code = None;
    for _ in 0..100 {
        code = std::fs::read_dir(&outbox)
            .expect("outbox")
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
            .find_map(|e| {
                let body: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(e.path()).ok()?).ok()?;
                code_re
                    .find(body["text"].as_str()?)
                    .map(|m| m.as_str().to_owned())
            });
        if code.is_some() {
            break;
        }
        // The courier writes the file from a background job.
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    let code = code.expect("an SMS in the outbox folder");
    let r = b
        .post_form("/profile/contacts/phone/confirm", &[("code", &code)])
        .await;
    assert_eq!(location(&r), "/profile/contacts/phone?notice=verified");
}

/// Registers a web application with a name a person would give it.
async fn application(app: &TestApp, name: &str, description: &str) -> Rp {
    let input = AppInput {
        name: name.into(),
        description: description.into(),
        app_type: "web".into(),
        home_url: Some("https://rp.example/".into()),
        redirect_uris: vec![REDIRECT.into()],
        post_logout_redirect_uris: vec!["https://rp.example/bye".into()],
        in_catalog: true,
        ..AppInput::default()
    };
    let created = app.sigil.create_app(&input).await.expect("application");
    Rp {
        client_id: created.app.client_id.0,
        secret: created.client_secret,
        redirect: REDIRECT.into(),
    }
}
