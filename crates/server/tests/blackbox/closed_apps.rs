//! Closed (invitation only) applications at the authorization endpoint: only people
//! holding access get a consent page or a code, whatever the way round (a stored
//! consent, a consent answer posted by hand, `prompt=none`); everyone else gets a page
//! in their language with a way to sign out and come back as someone else. The
//! operator's side (grant, revoke, list) is in `closed_access.rs`.
use std::process::{Command, Output};

use reqwest::StatusCode;
use serde_json::{json, Value};
use sigil_core::oidc::application::BackchannelChange;
use sigil_store::testing::Backend;

use crate::helpers::{location, spawn_app, Browser, TestApp, PASSWORD};
use crate::oidc_helpers::{
    authorize, authorize_path, exchange, pkce, register, unescape, url_param, Rp, REDIRECT,
};
use crate::on_both_backends;

on_both_backends!(
    a_closed_application_refuses_a_person_without_access_in_their_language,
    neither_a_stored_consent_nor_a_consent_answer_gets_around_the_check,
    a_person_not_signed_in_signs_in_first_then_meets_the_check,
    signing_out_from_the_refusal_comes_back_to_the_request_as_someone_else,
);

/// Runs the real `sigil` binary against the server's database.
fn sigil(app: &TestApp, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sigil"));
    for var in [
        "SIGIL_CONFIG",
        "SIGIL_LISTEN",
        "SIGIL_PUBLIC_URL",
        "SIGIL_MASTER_KEY",
    ] {
        c.env_remove(var);
    }
    c.env("SIGIL_DATA_DIR", &app.dir)
        .env("DATABASE_URL", &app.database_url)
        .args(args)
        .output()
        .expect("run sigil")
}

/// Runs `sigil` and reads its JSON answer; the command must succeed.
pub(crate) fn sigil_json(app: &TestApp, args: &[&str]) -> Value {
    let out = sigil(app, args);
    assert!(
        out.status.success(),
        "sigil {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// Runs `sigil` expecting a refusal; returns what it said on stderr.
pub(crate) fn sigil_refused(app: &TestApp, args: &[&str]) -> String {
    let out = sigil(app, args);
    assert!(!out.status.success(), "sigil {args:?} succeeded");
    assert!(out.stdout.is_empty(), "a refusal prints no result");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub(crate) async fn close(app: &TestApp, rp: &Rp) {
    let closed = app
        .sigil
        .update_app(
            &rp.client_id,
            &BackchannelChange::default(),
            Some(true),
            None,
        )
        .await
        .expect("closed");
    assert!(closed.closed);
}

pub(crate) async fn grant(app: &TestApp, rp: &Rp, login: &str) {
    let by = sigil_core::services::OperatorAct::command_line();
    let granted = app
        .sigil
        .grant_access_by_operator(&rp.client_id, login, &by)
        .await
        .expect("granted");
    assert!(granted.newly);
}

/// A browser in `lang` with a fresh account signed in.
async fn person_in(app: &TestApp, lang: &str, login: &str) -> Browser {
    let b = app.browser_in(lang).await;
    let r = b.register(login, "", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "registration of {login}");
    b
}

const CODES: &str = "SELECT COUNT(*) FROM auth_codes";

/// The refusal page: 403, no Location, the application's name, and the sign-out form
/// that comes back to the request.
pub(crate) async fn refused(b: &Browser, path: &str) -> String {
    let r = b.get(path).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.headers().get("location").is_none());
    let html = r.text().await.expect("body");
    assert!(html.contains("id=\"closed-app\""), "{html}");
    assert!(html.contains("href=\"/profile/requests\""), "{html}");
    assert!(html.contains("action=\"/logout\""), "{html}");
    html
}

/// Both name the same authorization request (the encoding may differ).
fn assert_same_request(got: &str, want: &str) {
    let pairs = |p: &str| {
        let (path, query) = p.split_once('?').expect("a query");
        let mut pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        pairs.sort();
        (path.to_owned(), pairs)
    };
    assert_eq!(pairs(got), pairs(want), "{got} is not {want}");
}

/// The `next` the refusal's sign-out form carries.
fn next_of(html: &str) -> String {
    let re = regex::Regex::new(r#"name="next" value="([^"]*)""#).expect("regex");
    unescape(&re.captures(html).expect("a next field")[1])
}

async fn a_closed_application_refuses_a_person_without_access_in_their_language(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    close(&app, &rp).await;
    let (_, challenge) = pkce();
    let path = authorize_path(&rp, "openid profile", &challenge, &[]);

    for (lang, login, heading, explain) in [
        (
            "en",
            "nora",
            "This application is by invitation only",
            "you need an invitation sent to a verified email address",
        ),
        (
            "de",
            "nora.de",
            "Diese Anwendung ist nur auf Einladung zugänglich",
            "Einladung an eine bestätigte E-Mail-Adresse",
        ),
        (
            "ru",
            "nora.ru",
            "Это приложение доступно только по приглашению",
            "приглашение на подтверждённый адрес",
        ),
    ] {
        let b = person_in(&app, lang, login).await;
        let html = refused(&b, &path).await;
        assert!(html.contains(&format!("lang=\"{lang}\"")), "{lang}");
        assert!(html.contains(heading), "{lang}: {html}");
        assert!(html.contains(explain), "{lang}: {html}");
        assert!(
            html.contains("Test web app"),
            "{lang}: the application's name"
        );
        assert!(html.contains(login), "{lang}: who is signed in");
        assert_same_request(&next_of(&html), &path);
    }

    // An application asking for no interaction hears `access_denied`, with its state
    // and Sigil's issuer (RFC 9207), at its registered redirect URI.
    let b = person_in(&app, "en", "quiet").await;
    let r = b
        .get(&authorize_path(
            &rp,
            "openid",
            &challenge,
            &[("prompt", "none")],
        ))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let back = location(&r);
    assert!(back.starts_with(REDIRECT), "{back}");
    assert_eq!(url_param(&back, "error").as_deref(), Some("access_denied"));
    assert_eq!(url_param(&back, "state").as_deref(), Some("st4te"));
    assert_eq!(url_param(&back, "iss").as_deref(), Some(app.base.as_str()));
    assert_eq!(url_param(&back, "code"), None);

    assert_eq!(app.query_i64(CODES).await, 0, "no code was ever issued");
    assert_eq!(
        app.query_i64("SELECT COUNT(*) FROM consents").await,
        0,
        "nobody was asked to consent"
    );
}

async fn neither_a_stored_consent_nor_a_consent_answer_gets_around_the_check(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    // Consent given while the application was open, then it is closed.
    let b = app.signed_in("nora").await;
    let (_, challenge) = pkce();
    let path = authorize_path(&rp, "openid profile", &challenge, &[]);
    let back = authorize(&b, &path, "nora").await;
    assert!(url_param(&back, "code").is_some(), "{back}");
    close(&app, &rp).await;
    let codes = app.query_i64(CODES).await;

    // The stored consent does not let the person through.
    refused(&b, &path).await;
    // Nor does posting the consent page's answer by hand, approving or declining.
    for decision in ["approve", "deny"] {
        let r = b
            .post_form(
                "/oauth/consent",
                &[
                    ("authz", path.trim_start_matches("/oauth/authorize?")),
                    ("decision", decision),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{decision}");
        assert!(r.headers().get("location").is_none(), "{decision}");
        let html = r.text().await.expect("body");
        assert!(
            html.contains("This application is by invitation only"),
            "{html}"
        );
    }
    // A consent page shown before the application was closed, answered after.
    let other = register(&app, "web", None).await;
    let b2 = app.signed_in("olga").await;
    let other_path = authorize_path(&other, "openid", &challenge, &[]);
    let (status, page) = b2.page(&other_path).await;
    assert_eq!(status, StatusCode::OK);
    let authz = crate::oidc_helpers::authz_of(&page);
    close(&app, &other).await;
    let r = b2
        .post_form(
            "/oauth/consent",
            &[("authz", &authz), ("decision", "approve")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.headers().get("location").is_none());

    assert_eq!(app.query_i64(CODES).await, codes, "no new code");
}

async fn a_person_not_signed_in_signs_in_first_then_meets_the_check(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    close(&app, &rp).await;
    app.signed_in("nora").await;
    let b = app.browser().await;
    let (_, challenge) = pkce();
    let path = authorize_path(&rp, "openid", &challenge, &[]);

    let r = b.get(&path).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = location(&r);
    assert!(to.starts_with("/login?"), "{to}");
    let next = url_param(&to, "next").expect("next");
    let r = b
        .post_form(
            "/login",
            &[
                ("identifier", "nora"),
                ("password", PASSWORD),
                ("next", &next),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), next);
    refused(&b, &next).await;
    assert_eq!(app.query_i64(CODES).await, 0);
}

async fn signing_out_from_the_refusal_comes_back_to_the_request_as_someone_else(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    close(&app, &rp).await;
    app.signed_in("olga").await;
    grant(&app, &rp, "olga").await;
    let b = app.signed_in("nora").await;
    let (verifier, challenge) = pkce();
    let path = authorize_path(&rp, "openid", &challenge, &[]);
    let html = refused(&b, &path).await;

    let r = b.post_form("/logout", &[("next", &next_of(&html))]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = location(&r);
    assert!(to.starts_with("/login?notice=signed_out&"), "{to}");
    assert_same_request(&url_param(&to, "next").expect("next"), &path);
    assert_eq!(
        b.get("/profile").await.status(),
        StatusCode::SEE_OTHER,
        "nora is signed out"
    );
    // The sign-in page keeps the way back, and signing in as olga goes on.
    let (status, login_page) = b.page(&to).await;
    assert_eq!(status, StatusCode::OK);
    assert!(login_page.contains("You are logged out."), "{login_page}");
    let back = authorize(&b, &path, "olga").await;
    let code = url_param(&back, "code").expect("a code for olga");
    assert_eq!(
        exchange(&app, &rp, &code, &verifier).await.0,
        StatusCode::OK
    );

    // An outside `next` is not followed.
    let c = app.signed_in("pia").await;
    let r = c
        .post_form("/logout", &[("next", "https://evil.example/")])
        .await;
    assert_eq!(
        url_param(&location(&r), "next").as_deref(),
        Some("/profile")
    );
}

/// In Chromium, in every language: the refusal passes axe-core, and its button signs
/// out and back in as someone holding access, who goes on to consent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_the_refusal_is_accessible_and_its_button_switches_accounts() {
    use fantoccini::key::Key;
    use fantoccini::Locator;

    let app = spawn_app(Backend::Sqlite).await;
    let rp = register(&app, "web", None).await;
    close(&app, &rp).await;
    app.signed_in("olga").await;
    grant(&app, &rp, "olga").await;
    let (_, challenge) = pkce();
    let path = authorize_path(&rp, "openid", &challenge, &[]);
    let mut found = Vec::new();
    for lang in ["en", "de", "ru"] {
        person_in(&app, lang, &format!("nora.{lang}")).await;
        let c = crate::axe::chromium_in(lang, 1280, 900).await;
        let send = |fields: Vec<(&'static str, String)>| {
            let c = c.clone();
            async move {
                let last = fields.len() - 1;
                for (i, (name, value)) in fields.into_iter().enumerate() {
                    let enter = if i == last {
                        Key::Enter.to_string()
                    } else {
                        String::new()
                    };
                    c.find(Locator::Css(&format!("input[name='{name}']")))
                        .await?
                        .send_keys(&format!("{value}{enter}"))
                        .await?;
                }
                Ok::<_, fantoccini::error::CmdError>(())
            }
        };
        let result = async {
            c.goto(&format!("{}{path}", app.base)).await?;
            assert!(c.current_url().await?.path().starts_with("/login"));
            send(vec![
                ("identifier", format!("nora.{lang}")),
                ("password", PASSWORD.to_owned()),
            ])
            .await?;
            c.wait().for_element(Locator::Id("closed-app")).await?;
            let html_lang = c
                .execute("return document.documentElement.lang;", vec![])
                .await?;
            assert_eq!(html_lang, json!(lang));
            for (width, height) in [(1280, 900), (390, 844)] {
                crate::axe::set_viewport(&c, width, height).await?;
                match crate::axe::violations(&c).await {
                    Ok(list) => found.extend(
                        list.iter()
                            .map(|v| format!("{lang} {width}px: {}", crate::axe::describe(v))),
                    ),
                    Err(e) => found.push(format!("{lang} {width}px: axe-core failed: {e}")),
                }
            }
            c.find(Locator::Id("closed-switch")).await?.click().await?;
            c.wait()
                .for_element(Locator::Css("input[name='identifier']"))
                .await?;
            send(vec![
                ("identifier", "olga".to_owned()),
                ("password", PASSWORD.to_owned()),
            ])
            .await?;
            c.wait().for_element(Locator::Id("consent")).await?;
            Ok::<_, fantoccini::error::CmdError>(())
        }
        .await;
        let _ = c.close().await;
        result.expect("the pages in Chromium");
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
