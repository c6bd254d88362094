//! Phone numbers through a real HTTP gateway, and delivery that fails and recovers.
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use axum::http::{HeaderMap, StatusCode as AxumStatus};
use axum::routing::post;
use axum::{Json, Router};
use reqwest::StatusCode;
use serde_json::Value;
use sigil_store::testing::Backend;
use time::Duration;

use crate::contacts::{code_and_link, with_smtp};
use crate::helpers::{location, spawn_with, TestApp};
use crate::on_both_backends;

on_both_backends!(
    phone_codes_go_through_the_gateway_by_sms_or_call,
    only_the_channels_the_operator_enabled_are_offered,
    failed_deliveries_are_retried_and_the_person_is_told_when_they_keep_failing,
    without_smtp_mail_goes_to_the_outbox_folder,
);

/// One request to the gateway: its `Authorization` header and JSON body.
pub type Call = (Option<String>, Value);

/// An SMS gateway on loopback that records every request it gets.
#[derive(Clone, Default)]
pub struct Gateway {
    calls: Arc<Mutex<Vec<Call>>>,
}

impl Gateway {
    async fn start(&self) -> String {
        let calls = self.calls.clone();
        let app = Router::new().route(
            "/send",
            post(move |headers: HeaderMap, Json(body): Json<Value>| {
                let calls = calls.clone();
                async move {
                    let auth = headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    calls.lock().expect("calls").push((auth, body));
                    AxumStatus::ACCEPTED
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, app).await.expect("gateway") });
        format!("http://{addr}/send")
    }

    pub async fn wait_for(&self, n: usize) -> Vec<Call> {
        for _ in 0..100 {
            let calls = self.calls.lock().expect("calls").clone();
            if calls.len() >= n {
                return calls;
            }
            tokio::time::sleep(StdDuration::from_millis(100)).await;
        }
        panic!("expected {n} gateway calls");
    }
}

/// The code in an SMS text.
pub fn six_digits(text: &str) -> String {
    regex::Regex::new(r"\d{6}")
        .expect("regex")
        .find(text)
        .expect("a code")
        .as_str()
        .to_owned()
}

/// The text of the newest SMS written to the outbox folder (no gateway configured),
/// waiting a while for it to arrive.
pub async fn newest_outbox_sms(app: &TestApp) -> String {
    let outbox = app.dir.join("outbox");
    for _ in 0..100 {
        let mut sms: Vec<_> = std::fs::read_dir(&outbox)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        sms.retain(|p: &std::path::PathBuf| p.to_string_lossy().ends_with("-sms.json"));
        sms.sort();
        if let Some(last) = sms.last() {
            // Sigil renames a file into place once written whole: one that reads
            // empty or cut short is a defect.
            let text = std::fs::read_to_string(last).expect("sms");
            let body: serde_json::Value = serde_json::from_str(&text).expect("a whole SMS file");
            return body["text"].as_str().unwrap_or_default().to_owned();
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no SMS in {}", outbox.display());
}

pub async fn with_gateway(backend: Backend) -> (TestApp, Gateway) {
    let gateway = Gateway::default();
    let url = gateway.start().await;
    let app = spawn_with(backend, move |c| {
        c.delivery.sms_url = Some(url);
        c.delivery.sms_token = Some("gateway-secret".into());
        c.settings.contacts.phone_region = sigil_core::phone::region("DE");
    })
    .await;
    (app, gateway)
}

async fn phone_codes_go_through_the_gateway_by_sms_or_call(backend: Backend) {
    let (app, gateway) = with_gateway(backend).await;
    let b = app.signed_in("pia").await;

    let r = b
        .post_form(
            "/profile/contacts/phone",
            &[("address", "12"), ("channel", "sms")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("Enter a valid phone number"));

    let r = b
        .post_form(
            "/profile/contacts/phone",
            &[("address", "030 12345678"), ("channel", "sms")],
        )
        .await;
    assert_eq!(location(&r), "/profile/contacts/phone?notice=code_sent");
    let (auth, sms) = gateway.wait_for(1).await.remove(0);
    assert_eq!(auth.as_deref(), Some("Bearer gateway-secret"));
    assert_eq!(sms["type"], "sms");
    assert_eq!(sms["to"], "+493012345678");
    let code = six_digits(sms["text"].as_str().expect("text"));
    let r = b
        .post_form("/profile/contacts/phone/confirm", &[("code", &code)])
        .await;
    assert_eq!(location(&r), "/profile/contacts/phone?notice=verified");
    let (_, profile) = b.page("/profile").await;
    assert!(profile.contains("+49 30 12345678"));

    // By call: the gateway gets the digits the caller number must end in.
    app.clock.advance(Duration::seconds(61));
    let r = b
        .post_form(
            "/profile/contacts/phone",
            &[("address", "+49 170 1234567"), ("channel", "call")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, call) = gateway.wait_for(2).await.remove(1);
    assert_eq!(call["type"], "call");
    assert_eq!(call["to"], "+491701234567");
    let code = call["code"].as_str().expect("code").to_owned();
    assert_eq!(code.len(), 6);

    // The number is unique among accounts.
    let other = app.signed_in("olga").await;
    assert_eq!(
        other
            .post_form(
                "/profile/contacts/phone",
                &[("address", "+49 30 12345678"), ("channel", "sms")],
            )
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let (_, sms) = gateway.wait_for(3).await.remove(2);
    let code = six_digits(sms["text"].as_str().expect("text"));
    let r = other
        .post_form("/profile/contacts/phone/confirm", &[("code", &code)])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("already used by another account"));

    // Deleting asks first, then frees the number.
    let (status, page) = b.page("/profile/contacts/phone/remove").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Delete +49 30 12345678 from your account?"));
    let r = b.post_form("/profile/contacts/phone/remove", &[]).await;
    assert_eq!(location(&r), "/profile/contacts/phone?notice=removed");
    let (_, profile) = b.page("/profile").await;
    assert!(!profile.contains("+49 30 12345678"));
}

async fn only_the_channels_the_operator_enabled_are_offered(backend: Backend) {
    let gateway = Gateway::default();
    let url = gateway.start().await;
    let app = spawn_with(backend, move |c| {
        c.delivery.sms_url = Some(url);
        c.settings.contacts.phone_channels = vec![sigil_core::contact::Channel::Sms];
    })
    .await;
    let b = app.signed_in("sam").await;
    let (_, page) = b.page("/profile/contacts/phone").await;
    assert!(page.contains("value=\"sms\"") && !page.contains("value=\"call\""));
    let r = b
        .post_form(
            "/profile/contacts/phone",
            &[("address", "+49 30 12345678"), ("channel", "call")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("Choose one of the offered ways"));
    assert!(gateway.calls.lock().expect("calls").is_empty());
}

async fn failed_deliveries_are_retried_and_the_person_is_told_when_they_keep_failing(
    backend: Backend,
) {
    let (app, smtp) = with_smtp(backend).await;
    let b = app.signed_in("rita").await;
    smtp.inbox.fail_next(1);
    assert_eq!(
        b.post_form(
            "/profile/contacts/email",
            &[("address", "rita@example.org")],
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    // The first try is refused; the retry, due ten seconds later, gets through.
    wait_until(&b, "/profile/contacts/email", "we keep trying").await;
    app.clock.advance(Duration::seconds(11));
    let mail = smtp.inbox.wait_for(1).await.remove(0);
    let (code, _) = code_and_link(&mail.text());
    assert_eq!(
        location(
            &b.post_form("/profile/contacts/email/confirm", &[("code", &code)])
                .await
        ),
        "/profile/contacts/email?notice=verified"
    );

    // A message that never gets through is given up, and the page says so.
    smtp.inbox.fail_next(100);
    app.clock.advance(Duration::seconds(61));
    assert_eq!(
        b.post_form(
            "/profile/contacts/email",
            &[("address", "rita2@example.org")],
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    for _ in 0..12 {
        let (_, page) = b.page("/profile/contacts/email?notice=code_sent").await;
        if page.contains("We could not deliver the code") {
            assert!(
                !page.contains("is on its way"),
                "no \"on its way\" beside the failure"
            );
            return;
        }
        // Past every backoff step, within the session's idle limit.
        app.clock.advance(Duration::minutes(25));
        tokio::time::sleep(StdDuration::from_millis(1200)).await;
    }
    panic!("the failure was never reported");
}

async fn wait_until(b: &crate::helpers::Browser, path: &str, text: &str) {
    for _ in 0..50 {
        let (_, page) = b.page(path).await;
        if page.contains(text) {
            return;
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    panic!("{path} never said {text:?}");
}

async fn without_smtp_mail_goes_to_the_outbox_folder(backend: Backend) {
    let app = spawn_with(backend, |_| {}).await;
    let b = app.signed_in("otto").await;
    assert_eq!(
        b.post_form(
            "/profile/contacts/email",
            &[("address", "otto@example.org")],
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let outbox = app.dir.join("outbox");
    for _ in 0..50 {
        let eml: Vec<_> = std::fs::read_dir(&outbox)
            .expect("outbox")
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .collect();
        if let Some(file) = eml.first() {
            let text = std::fs::read_to_string(file.path()).expect("eml");
            assert!(text.contains("otto@example.org"));
            return;
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    panic!("no .eml in {}", outbox.display());
}
