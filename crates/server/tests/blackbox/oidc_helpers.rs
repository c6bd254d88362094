//! A relying party's side of the flows, spoken over HTTP like a real one.
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use regex::Regex;
use reqwest::StatusCode;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sigil_core::oidc::application::AppInput;

use crate::helpers::{form_urlencoded, location, Browser, TestApp, PASSWORD};

pub struct Rp {
    pub client_id: String,
    pub secret: Option<String>,
    pub redirect: String,
}

pub const REDIRECT: &str = "https://rp.example/callback";

pub async fn register(app: &TestApp, kind: &str, alg: Option<&str>) -> Rp {
    let input = AppInput {
        name: format!("Test {kind} app"),
        description: "An application for the tests".into(),
        app_type: kind.into(),
        home_url: Some("https://rp.example/".into()),
        redirect_uris: if kind == "service" {
            vec![]
        } else {
            vec![REDIRECT.into()]
        },
        post_logout_redirect_uris: vec!["https://rp.example/bye".into()],
        signing_alg: alg.map(str::to_owned),
        ..AppInput::default()
    };
    let created = app.sigil.create_app(&input).await.expect("application");
    Rp {
        client_id: created.app.client_id.0,
        secret: created.client_secret,
        redirect: REDIRECT.into(),
    }
}

pub fn pkce() -> (String, String) {
    let verifier = URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4().as_bytes())
        + &URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4().as_bytes());
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// `/oauth/authorize?…` with the usual parameters, S256 challenge included.
pub fn authorize_path(rp: &Rp, scope: &str, challenge: &str, extra: &[(&str, &str)]) -> String {
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", rp.client_id.as_str()),
        ("redirect_uri", rp.redirect.as_str()),
        ("scope", scope),
        ("state", "st4te"),
        ("nonce", "n0nce"),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ];
    params.extend_from_slice(extra);
    format!("/oauth/authorize?{}", form_urlencoded(&params))
}

pub fn unescape(s: &str) -> String {
    s.replace("&#38;", "&")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&amp;", "&")
}

/// The hidden request on a consent page.
pub fn authz_of(html: &str) -> String {
    let re = Regex::new(r#"name="authz" value="([^"]*)""#).expect("regex");
    unescape(&re.captures(html).expect("a consent form")[1])
}

/// Follows an authorization request through sign-in and consent (approving), and
/// returns where Sigil finally sends the browser.
pub async fn authorize(b: &Browser, path: &str, login: &str) -> String {
    let mut r = b.get(path).await;
    for _ in 0..6 {
        match r.status() {
            StatusCode::SEE_OTHER => {
                let loc = location(&r);
                if loc.starts_with("https://") || loc.starts_with("http://") {
                    return loc;
                }
                if let Some(query) = loc.strip_prefix("/login?") {
                    let next = url_param(query, "next").expect("next");
                    r = b
                        .post_form(
                            "/login",
                            &[
                                ("identifier", login),
                                ("password", PASSWORD),
                                ("next", &next),
                            ],
                        )
                        .await;
                } else {
                    r = b.get(&loc).await;
                }
            }
            StatusCode::OK => {
                let html = r.text().await.expect("body");
                let authz = authz_of(&html);
                r = b
                    .post_form(
                        "/oauth/consent",
                        &[("authz", &authz), ("decision", "approve")],
                    )
                    .await;
            }
            other => panic!(
                "unexpected {other} during authorization: {}",
                r.text().await.unwrap_or_default()
            ),
        }
    }
    panic!("too many steps in the authorization flow");
}

pub fn url_param(query_or_url: &str, name: &str) -> Option<String> {
    let query = query_or_url
        .split_once('?')
        .map(|(_, q)| q)
        .unwrap_or(query_or_url);
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// A token-endpoint style POST with `client_secret_basic` when the client has a secret.
pub async fn post_client(
    app: &TestApp,
    rp: &Rp,
    path: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, Value) {
    let client = reqwest::Client::new();
    let mut req = client
        .post(format!("{}{path}", app.base))
        .header("content-type", "application/x-www-form-urlencoded");
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    match &rp.secret {
        Some(secret) => {
            let basic = STANDARD.encode(format!("{}:{}", rp.client_id, secret));
            req = req.header("authorization", format!("Basic {basic}"));
        }
        None => all.push(("client_id", rp.client_id.as_str())),
    }
    let r = req.body(form_urlencoded(&all)).send().await.expect("POST");
    let status = r.status();
    let text = r.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Exchanges a code for tokens.
pub async fn exchange(app: &TestApp, rp: &Rp, code: &str, verifier: &str) -> (StatusCode, Value) {
    post_client(
        app,
        rp,
        "/oauth/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &rp.redirect),
            ("code_verifier", verifier),
        ],
    )
    .await
}

pub async fn userinfo(app: &TestApp, access_token: &str) -> (StatusCode, Value) {
    let r = reqwest::Client::new()
        .get(format!("{}/oauth/userinfo", app.base))
        .bearer_auth(access_token)
        .send()
        .await
        .expect("GET");
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// A signed-in person who authorized `rp` for `scope`; returns the token response.
pub async fn signed_in_tokens(
    app: &TestApp,
    rp: &Rp,
    login: &str,
    scope: &str,
) -> (Browser, Value) {
    let b = app.signed_in(login).await;
    let (verifier, challenge) = pkce();
    let loc = authorize(&b, &authorize_path(rp, scope, &challenge, &[]), login).await;
    let code = url_param(&loc, "code").expect("a code");
    let (status, tokens) = exchange(app, rp, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    (b, tokens)
}

/// A browser signed in as the first operator.
pub async fn signed_in_operator(app: &TestApp) -> Browser {
    let creds = app
        .sigil
        .bootstrap_operator()
        .await
        .expect("bootstrap")
        .expect("first operator");
    let op = app.browser().await;
    assert_eq!(
        op.sign_in(creds.login.as_str(), &creds.password)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    op
}
