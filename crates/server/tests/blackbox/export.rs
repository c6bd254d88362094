//! Download data: one POST downloads a dated JSON file with everything Sigil holds about
//! the person, in the shape `docs/export.schema.json` describes, and no secret: not the
//! password or its hash, no cookie, token, code or link. It needs a recent sign-in (the
//! password is asked again, then the download is offered once more), and an account
//! that is active on its fresh row.
use reqwest::{Method, Response, StatusCode};
use serde_json::Value;
use sigil_core::clock::Clock;
use sigil_core::event::ClientInfo;
use sigil_core::privacy::PrivacyLevel;
use sigil_core::token::SecretToken;
use sigil_core::CoreError;
use sigil_store::testing::Backend;

use crate::contacts::code_and_link;
use crate::devices::IPHONE;
use crate::helpers::{location, spawn_with, Browser, TestApp, PASSWORD};
use crate::identifiers::{approved, pair};
use crate::oidc_helpers::{authorize, authorize_path, exchange, pkce, register, url_param};
use crate::on_both_backends;
use crate::phones::{newest_outbox_sms, six_digits};
use crate::photos::{picture, upload};
use crate::showcase::confirm_email;
use crate::smtp;

on_both_backends!(
    the_download_holds_everything_in_the_documented_shape_and_no_secret,
    linked_identifiers_are_exported_whatever_their_privacy,
    an_old_sign_in_asks_for_the_password_and_then_offers_the_download,
    an_account_that_is_no_longer_active_gets_no_export,
);

const EXPORTED: &str = "SELECT COUNT(*) FROM events WHERE category = 'data.exported'";

/// What `docs/export.schema.json` finds wrong with `export`.
pub(crate) fn schema_errors(export: &Value) -> Vec<String> {
    let schema: Value =
        serde_json::from_str(include_str!("../../../../docs/export.schema.json")).expect("JSON");
    let validator = jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("a valid 2020-12 schema");
    validator
        .iter_errors(export)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Downloads the data; the response as it came.
async fn download(b: &Browser) -> Response {
    b.post_form("/profile/export", &[]).await
}

/// The downloaded file, after checking how it was sent.
async fn file(app: &TestApp, r: Response) -> (String, Value) {
    assert_eq!(r.status(), StatusCode::OK);
    let header = |name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-type"), "application/json");
    assert_eq!(header("cache-control"), "no-store");
    let today = app.clock.now().date();
    assert_eq!(
        header("content-disposition"),
        format!(
            "attachment; filename=\"sigil-data-{:04}-{:02}-{:02}.json\"",
            today.year(),
            u8::from(today.month()),
            today.day()
        )
    );
    let text = r.text().await.expect("body");
    let json = serde_json::from_str(&text).expect("a JSON file");
    (text, json)
}

async fn the_download_holds_everything_in_the_documented_shape_and_no_secret(backend: Backend) {
    let server = smtp::start().await;
    let url = server.url.clone();
    let app = spawn_with(backend, move |c| {
        c.delivery.smtp_url = Some(url);
        c.settings.cards_enabled = true;
    })
    .await;
    let b = app.signed_in("nora").await;
    let r = b
        .post_form(
            "/profile/edit",
            &[
                ("block", "main"),
                ("nickname", "Nora"),
                ("given_name", "Eleonora"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = b
        .post_form(
            "/profile/privacy",
            &[("field", "given_name"), ("level", "private")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = upload(
        &b,
        picture(image::ImageFormat::Png, 200, 200),
        "me.png",
        "image/png",
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = b
        .post_form("/profile/card/active", &[("active", "on")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // A confirmed address, then another one and a phone number waiting for their codes.
    confirm_email(&app, &b, &server, "nora@example.org", 1).await;
    let used_code = code_and_link(&server.inbox.wait_for(1).await[0].text()).0;
    app.clock.advance(time::Duration::seconds(61));
    let r = b
        .post_form(
            "/profile/contacts/email",
            &[("address", "nora.new@example.org")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (mail_code, link) = code_and_link(&server.inbox.wait_for(2).await[1].text());
    let link_token = url_param(&link, "token").expect("the link's token");
    let r = b
        .post_form(
            "/profile/contacts/phone",
            &[("address", "+49 30 1234567"), ("channel", "sms")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let sms_code = six_digits(&newest_outbox_sms(&app).await);
    // An application with tokens, and a second browser.
    let rp = register(&app, "web", None).await;
    let (verifier, challenge) = pkce();
    let loc = authorize(
        &b,
        &authorize_path(&rp, "openid profile", &challenge, &[]),
        "nora",
    )
    .await;
    let code = url_param(&loc, "code").expect("a code");
    let (status, tokens) = exchange(&app, &rp, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let phone = app.browser_as("en", IPHONE).await;
    assert_eq!(
        phone.sign_in("nora", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, me) = b.api(Method::GET, "/api/v1/me", None).await;

    let r = download(&b).await;

    let (text, export) = file(&app, r).await;
    let problems = schema_errors(&export);
    assert!(problems.is_empty(), "{problems:#?}\n{export:#}");
    // No secret of any kind.
    let mut secrets = vec![
        PASSWORD.to_owned(),
        "$argon2".to_owned(),
        b.cookie("sigil_session").expect("session cookie"),
        b.cookie("sigil_csrf").expect("form token"),
        b.cookie("sigil_device").expect("device cookie"),
        phone.cookie("sigil_session").expect("session cookie"),
        code,
        verifier,
        used_code,
        mail_code,
        sms_code,
        link_token,
    ];
    for name in ["access_token", "refresh_token", "id_token"] {
        secrets.push(tokens[name].as_str().expect(name).to_owned());
    }
    for secret in &secrets {
        assert!(
            !text.contains(secret.as_str()),
            "the export holds {secret:?}"
        );
    }
    // Everything else is there.
    let account = &export["account"];
    assert_eq!(account["id"], me["id"]);
    assert_eq!(account["sub"], me["id"]);
    assert_eq!(account["login"], "nora");
    assert_eq!(account["status"], "active");
    assert_eq!(account["has_password"], true);
    let field = |key: &str| {
        export["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .find(|f| f["key"] == key)
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(field("nickname")["value"], "Nora");
    assert_eq!(field("nickname")["privacy"], "public");
    assert_eq!(field("given_name")["value"], "Eleonora");
    assert_eq!(field("given_name")["privacy"], "private");
    assert_eq!(field("birthdate")["value"], Value::Null, "unset fields too");
    assert_eq!(export["email"]["address"], "nora@example.org");
    assert_eq!(export["email"]["verified"], true);
    assert!(export["photo"]["url"]
        .as_str()
        .is_some_and(|u| u.contains("/public/images/profile/")));
    assert_eq!(export["card"]["active"], true);
    assert!(export["card"]["url"]
        .as_str()
        .is_some_and(|u| u.ends_with(export["card"]["link"].as_str().unwrap_or("?"))));
    let consent = &export["consents"][0];
    assert_eq!(consent["client_id"], rp.client_id.as_str());
    assert_eq!(consent["application"], "Test web app");
    assert_eq!(consent["scopes"], serde_json::json!(["openid", "profile"]));
    let sessions = export["sessions"].as_array().expect("sessions");
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[0]["current"], true);
    assert_eq!(sessions[0]["browser"], "Firefox 128.0");
    assert_eq!(sessions[1]["device"], "smartphone");
    let pending: Vec<(&str, &str)> = export["pending_contacts"]
        .as_array()
        .expect("pending")
        .iter()
        .map(|p| {
            (
                p["kind"].as_str().unwrap_or(""),
                p["address"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        pending,
        [("email", "nora.new@example.org"), ("phone", "+49301234567")]
    );
    let events = export["events"].as_array().expect("events");
    assert_eq!(
        events[0]["category"], "data.exported",
        "the export itself, newest"
    );
    assert!(events.iter().any(|e| e["category"] == "account.registered"));
    assert!(events
        .iter()
        .any(|e| e["category"] == "app.consent_granted"));
    assert_eq!(
        export["deletion"],
        serde_json::json!({ "status": "active", "requested_at": null, "erase_after": null })
    );
    assert_eq!(app.query_i64(EXPORTED).await, 1, "one event");

    // The schema is strict: a field it does not describe fails it.
    let mut leaky = export.clone();
    leaky["account"]["password_hash"] = "$argon2id$v=19$...".into();
    assert!(!schema_errors(&leaky).is_empty());
}

async fn linked_identifiers_are_exported_whatever_their_privacy(backend: Backend) {
    let p = pair(backend).await;
    let b = p.sigil.signed_in("ada").await;
    let back = approved(&p, &b).await;
    assert_eq!(b.get(&back).await.status(), StatusCode::SEE_OTHER);
    let (_, listed) = b.api(Method::GET, "/api/v1/me/identifiers", None).await;
    let id = listed["identifiers"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let r = b
        .post_form(
            "/profile/privacy",
            &[
                ("field", &format!("identifier:{id}")),
                ("level", PrivacyLevel::Private.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let (_, export) = file(&p.sigil, download(&b).await).await;

    assert!(schema_errors(&export).is_empty());
    let linked = &export["identifiers"][0];
    assert_eq!(linked["provider"], "corp");
    assert_eq!(linked["name"], "Ада Lovelace");
    assert_eq!(linked["privacy"], "private", "{export:#}");
    assert!(linked["subject"].as_str().is_some_and(|s| !s.is_empty()));
}

async fn an_old_sign_in_asks_for_the_password_and_then_offers_the_download(backend: Backend) {
    let app = spawn_with(backend, |_| {}).await;
    let b = app.signed_in("nora").await;
    let window = app.sigil.settings().contacts.reauth_after;
    app.clock.advance(window + time::Duration::seconds(1));
    assert_eq!(
        b.get("/profile").await.status(),
        StatusCode::OK,
        "still signed in"
    );

    let r = download(&b).await;

    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = location(&r);
    assert!(to.starts_with("/login?reauth=1"), "{to}");
    assert_eq!(url_param(&to, "next").as_deref(), Some("/profile/export"));
    assert_eq!(app.query_i64(EXPORTED).await, 0, "nothing downloaded");
    let (_, login) = b.page(&to).await;
    assert!(login.contains("sign in again to download your data"));
    // Switching language keeps the reason and the way back.
    let here = format!(r#"name="next" value="{to}""#);
    assert!(
        crate::oidc_helpers::unescape(&login).contains(&here),
        "{login}"
    );
    let r = b.post_form("/lang", &[("lang", "de"), ("next", &to)]).await;
    assert_eq!(location(&r), to);
    let (_, login) = b.page(&to).await;
    assert!(login.contains("um Ihre Daten herunterzuladen"), "{login}");
    let r = b
        .post_form(
            "/login",
            &[
                ("identifier", "nora"),
                ("password", PASSWORD),
                ("next", "/profile/export"),
                ("reason", "export"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/profile/export");
    let (status, offer) = b.page("/profile/export").await;
    assert_eq!(status, StatusCode::OK);
    assert!(offer.contains(r#"<form method="post" action="/profile/export">"#));
    let (_, export) = file(&app, download(&b).await).await;
    assert_eq!(export["account"]["login"], "nora");
    assert_eq!(app.query_i64(EXPORTED).await, 1);
}

async fn an_account_that_is_no_longer_active_gets_no_export(backend: Backend) {
    let app = spawn_with(backend, |_| {}).await;
    let b = app.signed_in("nora").await;
    let cookie = b.cookie("sigil_session").expect("session cookie");
    let token = SecretToken::from_client(&cookie).expect("a token");
    // The session as a request read it, just before the account was deleted in
    // another browser: pending deletion, the export is refused on the fresh row.
    let (session, _) = app.sigil.authenticate(&token).await.expect("signed in");
    let other = app.browser().await;
    assert_eq!(
        other.sign_in("nora", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let r = other
        .post_form("/profile/delete", &[("password", PASSWORD)])
        .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    let pending = app
        .query_i64(
            "SELECT COUNT(*) FROM users WHERE login = 'nora' AND status = 'pending_deletion'",
        )
        .await;
    assert_eq!(pending, 1);

    let late = app
        .sigil
        .export_data(&session, &ClientInfo::default())
        .await;
    let r = download(&b).await;

    assert!(matches!(late, Err(CoreError::AccountNotActive)), "{late:?}");
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "no download");
    assert!(location(&r).starts_with("/login"));
    assert_eq!(app.query_i64(EXPORTED).await, 0, "nothing written");
}
