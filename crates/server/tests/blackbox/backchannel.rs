//! OpenID Connect Back-Channel Logout 1.0: when a session ends at Sigil — sign-out,
//! log out everywhere, End sessions on the Scopes tab, a password change, an
//! RP-initiated logout — each application that registered a `backchannel_logout_uri`
//! receives a signed logout token, through the outbox: a failing application gets it
//! again later, and a redirect is not followed. A relying party on loopback receives
//! the POSTs and checks every token with a JOSE library against Sigil's published keys.
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode as AxumStatus};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use openidconnect::core::{CoreJsonWebKeySet, CoreJwsSigningAlgorithm};
use openidconnect::JsonWebKey;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sigil_core::oidc::application::AppInput;
use sigil_store::testing::Backend;
use tokio::sync::Notify;

use crate::helpers::{location, spawn_app, TestApp, PASSWORD};
use crate::oidc_helpers::{
    authorize, authorize_path, exchange, pkce, signed_in_tokens, url_param, Rp, REDIRECT,
};
use crate::on_both_backends;

on_both_backends!(
    signing_out_sends_a_signed_logout_token_with_the_sub_and_sid_the_application_knows,
    log_out_everywhere_tells_the_application_once_per_session,
    a_password_change_tells_the_application,
    deleting_the_account_tells_the_application,
    signing_out_a_device_tells_the_application_about_that_session_only,
    ending_sessions_on_the_scopes_tab_tells_that_application_only,
    an_rp_initiated_logout_tells_the_application,
    a_failing_application_gets_a_fresh_token_again_later,
    a_redirect_answer_is_not_followed_and_counts_as_a_failure,
);

/// The claim that makes a JWT a logout token.
const EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

/// One POST the relying party received.
#[derive(Clone, Debug)]
pub struct Received {
    pub content_type: String,
    pub logout_token: Option<String>,
}

#[derive(Default)]
struct Inner {
    received: Mutex<Vec<Received>>,
    /// Statuses to answer, in order; 200 once they run out.
    answers: Mutex<VecDeque<u16>>,
    arrived: Notify,
    /// Requests to the address a redirect points at.
    elsewhere: AtomicUsize,
}

/// A relying party's back-channel logout endpoint on loopback.
pub struct Receiver {
    /// `http://127.0.0.1:port/bc`
    pub uri: String,
    inner: Arc<Inner>,
}

async fn receive(State(inner): State<Arc<Inner>>, headers: HeaderMap, body: String) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let logout_token = url::form_urlencoded::parse(body.as_bytes())
        .find(|(k, _)| k == "logout_token")
        .map(|(_, v)| v.into_owned());
    let answer = inner
        .answers
        .lock()
        .expect("answers")
        .pop_front()
        .unwrap_or(200);
    inner.received.lock().expect("received").push(Received {
        content_type,
        logout_token,
    });
    inner.arrived.notify_one();
    let status = AxumStatus::from_u16(answer).expect("status");
    if status.is_redirection() {
        return (status, [(header::LOCATION, "/elsewhere")]).into_response();
    }
    status.into_response()
}

async fn elsewhere(State(inner): State<Arc<Inner>>) -> AxumStatus {
    inner.elsewhere.fetch_add(1, Ordering::SeqCst);
    inner.arrived.notify_one();
    AxumStatus::OK
}

impl Receiver {
    /// Answers the statuses in `answers` first, then 200.
    pub async fn start(answers: &[u16]) -> Self {
        let inner = Arc::new(Inner::default());
        inner
            .answers
            .lock()
            .expect("answers")
            .extend(answers.iter().copied());
        let router = axum::Router::new()
            .route("/bc", axum::routing::post(receive))
            .route("/elsewhere", axum::routing::any(elsewhere))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self {
            uri: format!("http://{addr}/bc"),
            inner,
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.inner.received.lock().expect("received").clone()
    }

    pub fn elsewhere(&self) -> usize {
        self.inner.elsewhere.load(Ordering::SeqCst)
    }

    /// Waits (up to a generous deadline) until `n` POSTs have arrived.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            assert!(!left.is_zero(), "{} of {n} logout POSTs arrived", got.len());
            let _ = tokio::time::timeout(left, self.inner.arrived.notified()).await;
        }
    }
}

/// Registers a web application whose back-channel logout URI is `uri`.
pub async fn register_told(app: &TestApp, uri: &str) -> Rp {
    let input = AppInput {
        name: "Told app".into(),
        app_type: "web".into(),
        redirect_uris: vec![REDIRECT.into()],
        post_logout_redirect_uris: vec!["https://rp.example/bye".into()],
        backchannel_logout_uri: Some(uri.into()),
        ..AppInput::default()
    };
    let created = app.sigil.create_app(&input).await.expect("application");
    Rp {
        client_id: created.app.client_id.0,
        secret: created.client_secret,
        redirect: REDIRECT.into(),
    }
}

fn b64_json(part: &str) -> Value {
    let bytes = URL_SAFE_NO_PAD.decode(part).expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON")
}

/// The claims of an ID token (its signature is another test's concern).
pub fn id_claims(id_token: &str) -> Value {
    b64_json(id_token.split('.').nth(1).expect("payload"))
}

/// Checks a logout token as a relying party must (Back-Channel Logout §2.6): the
/// signature against a key of the JWKS that discovery names, the type, and every claim;
/// returns the claims.
pub async fn verified_logout_token(app: &TestApp, received: &Received, client_id: &str) -> Value {
    assert_eq!(received.content_type, "application/x-www-form-urlencoded");
    let token = received.logout_token.as_deref().expect("a logout_token");
    let http = reqwest::Client::new();
    let discovery: Value = http
        .get(format!("{}/.well-known/openid-configuration", app.base))
        .send()
        .await
        .expect("discovery")
        .json()
        .await
        .expect("JSON");
    let jwks: CoreJsonWebKeySet = http
        .get(discovery["jwks_uri"].as_str().expect("jwks_uri"))
        .send()
        .await
        .expect("jwks")
        .json()
        .await
        .expect("a JWK set");

    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "a compact JWS");
    let head = b64_json(parts[0]);
    assert_eq!(head["typ"], "logout+jwt", "{head}");
    let alg: CoreJwsSigningAlgorithm =
        serde_json::from_value(head["alg"].clone()).expect("a known alg");
    let kid = head["kid"].as_str().expect("kid");
    let key = jwks
        .keys()
        .iter()
        .find(|k| k.key_id().map(|id| id.as_str()) == Some(kid))
        .expect("the signing key is published");
    let signed = format!("{}.{}", parts[0], parts[1]);
    let signature = URL_SAFE_NO_PAD.decode(parts[2]).expect("signature");
    key.verify_signature(&alg, signed.as_bytes(), &signature)
        .expect("a valid signature");
    let mut forged = signature.clone();
    forged[0] ^= 1;
    assert!(key
        .verify_signature(&alg, signed.as_bytes(), &forged)
        .is_err());

    let claims = b64_json(parts[1]);
    assert_eq!(claims["iss"], discovery["issuer"], "{claims}");
    assert_eq!(claims["aud"], client_id, "{claims}");
    let iat = claims["iat"].as_i64().expect("iat");
    let exp = claims["exp"].as_i64().expect("exp");
    assert!(iat < exp && exp - iat <= 300, "a short lifetime: {claims}");
    assert!(
        claims["jti"].as_str().is_some_and(|j| j.len() >= 16),
        "{claims}"
    );
    assert_eq!(claims["events"], json!({ EVENT: {} }), "{claims}");
    assert!(claims.get("nonce").is_none(), "never a nonce: {claims}");
    assert!(claims["sub"].is_string(), "{claims}");
    claims
}

/// A person signed in to a told application; returns the browser and its ID token's claims.
pub async fn signed_in_told(
    app: &TestApp,
    rp: &Rp,
    login: &str,
) -> (crate::helpers::Browser, Value, Value) {
    let (b, tokens) = signed_in_tokens(app, rp, login, "openid profile").await;
    let id = id_claims(tokens["id_token"].as_str().expect("id token"));
    assert!(id["sid"].is_string(), "{id}");
    (b, id, tokens)
}

async fn signing_out_sends_a_signed_logout_token_with_the_sub_and_sid_the_application_knows(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let rp_end = Receiver::start(&[]).await;
    let rp = register_told(&app, &rp_end.uri).await;
    // An application without the URI is not told (and not in the way).
    let quiet = crate::oidc_helpers::register(&app, "web", None).await;
    let (b, id, _) = signed_in_told(&app, &rp, "bea").await;
    let (verifier, challenge) = pkce();
    let loc = authorize(
        &b,
        &authorize_path(&quiet, "openid", &challenge, &[]),
        "bea",
    )
    .await;
    let code = url_param(&loc, "code").expect("code");
    assert_eq!(
        exchange(&app, &quiet, &code, &verifier).await.0,
        StatusCode::OK
    );

    let r = b.post_form("/logout", &[]).await;

    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/login?notice=signed_out");
    let got = rp_end.wait_for(1).await;
    let claims = verified_logout_token(&app, &got[0], &rp.client_id).await;
    assert_eq!(claims["sub"], id["sub"]);
    assert_eq!(claims["sid"], id["sid"]);
    // Delivered once: the outbox marks it sent.
    wait_until(&app, "SELECT COUNT(*) FROM outbox WHERE status = 'sent'", 1).await;
    assert_eq!(
        app.query_i64("SELECT COUNT(*) FROM outbox WHERE channel = 'backchannel'")
            .await,
        1,
        "one application, one session"
    );
}

/// Waits until the integer `sql` returns is `want`.
pub async fn wait_until(app: &TestApp, sql: &str, want: i64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let got = app.query_i64(sql).await;
        if got == want {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{sql}: {got}, not {want}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn log_out_everywhere_tells_the_application_once_per_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp_end = Receiver::start(&[]).await;
    let rp = register_told(&app, &rp_end.uri).await;
    let (laptop, first, _) = signed_in_told(&app, &rp, "cleo").await;
    // The same person on a phone: another session, another sid.
    let phone = app.browser().await;
    assert_eq!(
        phone.sign_in("cleo", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let (verifier, challenge) = pkce();
    let loc = authorize(
        &phone,
        &authorize_path(&rp, "openid", &challenge, &[]),
        "cleo",
    )
    .await;
    let code = url_param(&loc, "code").expect("code");
    let (status, tokens) = exchange(&app, &rp, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let second = id_claims(tokens["id_token"].as_str().expect("id token"));
    assert_ne!(first["sid"], second["sid"]);

    let r = laptop.post_form("/profile/sign-out-everywhere", &[]).await;

    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let got = rp_end.wait_for(2).await;
    let mut sids = Vec::new();
    for received in &got {
        let claims = verified_logout_token(&app, received, &rp.client_id).await;
        assert_eq!(claims["sub"], first["sub"]);
        sids.push(claims["sid"].as_str().expect("sid").to_owned());
    }
    sids.sort();
    let mut want = vec![
        first["sid"].as_str().expect("sid").to_owned(),
        second["sid"].as_str().expect("sid").to_owned(),
    ];
    want.sort();
    assert_eq!(sids, want);
    assert_eq!(
        app.query_i64("SELECT COUNT(*) FROM outbox WHERE channel = 'backchannel'")
            .await,
        2
    );
}

async fn a_password_change_tells_the_application(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp_end = Receiver::start(&[]).await;
    let rp = register_told(&app, &rp_end.uri).await;
    let (b, id, _) = signed_in_told(&app, &rp, "dora").await;
    let new = "a completely different passphrase";

    let r = b
        .post_form(
            "/profile/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", new),
                ("confirm_password", new),
            ],
        )
        .await;

    assert_eq!(location(&r), "/login?notice=password_changed");
    let got = rp_end.wait_for(1).await;
    let claims = verified_logout_token(&app, &got[0], &rp.client_id).await;
    assert_eq!((&claims["sub"], &claims["sid"]), (&id["sub"], &id["sid"]));
}

async fn deleting_the_account_tells_the_application(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp_end = Receiver::start(&[]).await;
    let rp = register_told(&app, &rp_end.uri).await;
    let (b, id, _) = signed_in_told(&app, &rp, "greta").await;

    let r = b
        .post_form("/profile/delete", &[("password", PASSWORD)])
        .await;

    assert!(r.status().is_redirection(), "{}", r.status());
    let got = rp_end.wait_for(1).await;
    let claims = verified_logout_token(&app, &got[0], &rp.client_id).await;
    assert_eq!((&claims["sub"], &claims["sid"]), (&id["sub"], &id["sid"]));
}

async fn signing_out_a_device_tells_the_application_about_that_session_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp_end = Receiver::start(&[]).await;
    let rp = register_told(&app, &rp_end.uri).await;
    // The phone signed in to the application; the desktop signs it out.
    let (_phone, id, _) = signed_in_told(&app, &rp, "hana").await;
    let desktop = app.browser().await;
    assert_eq!(
        desktop.sign_in("hana", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let sid = id["sid"].as_str().expect("sid");

    let r = desktop
        .post_form(&format!("/profile/devices/{sid}/sign-out"), &[])
        .await;

    assert!(r.status().is_redirection(), "{}", r.status());
    let got = rp_end.wait_for(1).await;
    let claims = verified_logout_token(&app, &got[0], &rp.client_id).await;
    assert_eq!((&claims["sub"], &claims["sid"]), (&id["sub"], &id["sid"]));
}

async fn ending_sessions_on_the_scopes_tab_tells_that_application_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let ended_end = Receiver::start(&[]).await;
    let kept_end = Receiver::start(&[]).await;
    let ended = register_told(&app, &ended_end.uri).await;
    let kept = register_told(&app, &kept_end.uri).await;
    let (b, id, _) = signed_in_told(&app, &ended, "edda").await;
    let (verifier, challenge) = pkce();
    let loc = authorize(
        &b,
        &authorize_path(&kept, "openid", &challenge, &[]),
        "edda",
    )
    .await;
    let code = url_param(&loc, "code").expect("code");
    let (status, kept_tokens) = exchange(&app, &kept, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK);

    let r = b
        .post_form(&format!("/apps/{}/end-sessions", ended.client_id), &[])
        .await;

    assert_eq!(location(&r), "/apps?notice=ended");
    let got = ended_end.wait_for(1).await;
    let claims = verified_logout_token(&app, &got[0], &ended.client_id).await;
    assert_eq!((&claims["sub"], &claims["sid"]), (&id["sub"], &id["sid"]));
    // The other application keeps its session and is not told; the person too.
    assert_eq!(
        app.query_i64("SELECT COUNT(*) FROM outbox WHERE channel = 'backchannel'")
            .await,
        1,
        "one notice, to the application whose sessions ended"
    );
    wait_until(&app, "SELECT COUNT(*) FROM outbox WHERE status = 'sent'", 1).await;
    assert!(kept_end.received().is_empty());
    let at = kept_tokens["access_token"].as_str().expect("at");
    assert_eq!(
        crate::oidc_helpers::userinfo(&app, at).await.0,
        StatusCode::OK
    );
    assert_eq!(b.page("/profile").await.0, StatusCode::OK);
}

async fn an_rp_initiated_logout_tells_the_application(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp_end = Receiver::start(&[]).await;
    let rp = register_told(&app, &rp_end.uri).await;
    let (b, id, tokens) = signed_in_told(&app, &rp, "fern").await;
    let hint = tokens["id_token"].as_str().expect("id token");

    let r = b
        .get(&format!(
            "/oauth/end_session?id_token_hint={hint}&post_logout_redirect_uri=https://rp.example/bye"
        ))
        .await;

    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "https://rp.example/bye");
    let got = rp_end.wait_for(1).await;
    let claims = verified_logout_token(&app, &got[0], &rp.client_id).await;
    assert_eq!((&claims["sub"], &claims["sid"]), (&id["sub"], &id["sid"]));
}

async fn a_failing_application_gets_a_fresh_token_again_later(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp_end = Receiver::start(&[503]).await;
    let rp = register_told(&app, &rp_end.uri).await;
    let (b, id, _) = signed_in_told(&app, &rp, "gina").await;

    // The person's sign-out does not wait for the application.
    let r = b.post_form("/logout", &[]).await;
    assert_eq!(location(&r), "/login?notice=signed_out");
    let first = rp_end.wait_for(1).await;
    wait_until(
        &app,
        "SELECT attempts FROM outbox WHERE channel = 'backchannel' AND status = 'pending'",
        1,
    )
    .await;
    // The retry is due after the first backoff (10 s on the server's clock).
    app.clock.advance(time::Duration::seconds(11));

    let got = rp_end.wait_for(2).await;

    let earlier = verified_logout_token(&app, &first[0], &rp.client_id).await;
    let again = verified_logout_token(&app, &got[1], &rp.client_id).await;
    assert_eq!((&again["sub"], &again["sid"]), (&id["sub"], &id["sid"]));
    assert_ne!(earlier["jti"], again["jti"], "signed anew for each attempt");
    wait_until(
        &app,
        "SELECT COUNT(*) FROM outbox WHERE channel = 'backchannel' AND status = 'sent'",
        1,
    )
    .await;
}

async fn a_redirect_answer_is_not_followed_and_counts_as_a_failure(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp_end = Receiver::start(&[302, 302]).await;
    let rp = register_told(&app, &rp_end.uri).await;
    let (b, _, _) = signed_in_told(&app, &rp, "hana").await;

    assert_eq!(
        b.post_form("/logout", &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    rp_end.wait_for(1).await;
    wait_until(
        &app,
        "SELECT attempts FROM outbox WHERE channel = 'backchannel' AND status = 'pending'",
        1,
    )
    .await;
    app.clock.advance(time::Duration::seconds(11));
    rp_end.wait_for(2).await;
    wait_until(
        &app,
        "SELECT attempts FROM outbox WHERE channel = 'backchannel' AND status = 'pending'",
        2,
    )
    .await;

    assert_eq!(rp_end.elsewhere(), 0, "the redirect was not followed");
}
