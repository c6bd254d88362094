//! How logout notices travel: an application slow to answer never holds up a person's
//! message (applications' notices are delivered in a lane of their own), and a session
//! that has ended is told of once, not again at a later logout.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode as AxumStatus;
use reqwest::StatusCode;
use sigil_store::testing::Backend;
use tokio::sync::Notify;

use crate::backchannel::{
    id_claims, register_told, signed_in_told, verified_logout_token, Receiver,
};
use crate::helpers::{location, spawn_app, PASSWORD};
use crate::oidc_helpers::{authorize, authorize_path, exchange, pkce, signed_in_tokens, url_param};
use crate::on_both_backends;

on_both_backends!(
    a_hanging_application_does_not_hold_up_a_persons_code,
    a_session_ended_once_is_not_told_again,
);

#[derive(Default)]
struct Hang {
    started: AtomicBool,
    /// Set when the request ends: answered, or dropped by the client's timeout.
    ended: AtomicBool,
    release: Notify,
}

/// Marks the request ended however it ends.
struct Ends(Arc<Hang>);

impl Drop for Ends {
    fn drop(&mut self) {
        self.0.ended.store(true, Ordering::SeqCst);
    }
}

/// Holds every request open until released.
async fn hang(State(h): State<Arc<Hang>>) -> AxumStatus {
    let _ends = Ends(h.clone());
    h.started.store(true, Ordering::SeqCst);
    h.release.notified().await;
    AxumStatus::OK
}

async fn a_hanging_application_does_not_hold_up_a_persons_code(backend: Backend) {
    let app = spawn_app(backend).await;
    let h = Arc::new(Hang::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let uri = format!("http://{}/bc", listener.local_addr().expect("addr"));
    let router = axum::Router::new()
        .route("/bc", axum::routing::post(hang))
        .with_state(h.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let rp = register_told(&app, &uri).await;
    let (b, _) = signed_in_tokens(&app, &rp, "vera", "openid").await;
    let other = app.browser().await;
    assert_eq!(
        other.sign_in("vera", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );

    // The application's notice goes out and hangs; then the person asks for a code.
    assert!(b.post_form("/logout", &[]).await.status().is_redirection());
    for _ in 0..200 {
        if h.started.load(Ordering::SeqCst) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(h.started.load(Ordering::SeqCst), "the notice was posted");
    let r = other
        .post_form(
            "/profile/contacts/email",
            &[("address", "vera@example.org")],
        )
        .await;
    assert!(r.status().is_redirection(), "{}", r.status());

    // The code is delivered while the application still holds its request open.
    let sent = "SELECT COUNT(*) FROM outbox WHERE channel = 'email' AND status = 'sent'";
    for _ in 0..600 {
        if app.query_i64(sent).await == 1 || h.ended.load(Ordering::SeqCst) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(app.query_i64(sent).await, 1, "the person's code went out");
    assert!(
        !h.ended.load(Ordering::SeqCst),
        "the code did not wait for the application"
    );
    h.release.notify_waiters();
}

async fn a_session_ended_once_is_not_told_again(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp_end = Receiver::start(&[]).await;
    let rp = register_told(&app, &rp_end.uri).await;
    // Tokens in one browser, a code left unexchanged in another.
    let (b, _, _) = signed_in_told(&app, &rp, "ines").await;
    let idle = app.browser().await;
    assert_eq!(
        idle.sign_in("ines", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, challenge) = pkce();
    let path = authorize_path(&rp, "openid", &challenge, &[]);
    assert!(url_param(&authorize(&idle, &path, "ines").await, "code").is_some());
    assert_eq!(
        b.post_form("/profile/sign-out-everywhere", &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    rp_end.wait_for(2).await;

    // Signed in again, a password change ends the new session: told of it alone.
    let again = app.browser().await;
    assert_eq!(
        again.sign_in("ines", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let (verifier, challenge) = pkce();
    let path = authorize_path(&rp, "openid", &challenge, &[]);
    let code = url_param(&authorize(&again, &path, "ines").await, "code").expect("code");
    let (status, tokens) = exchange(&app, &rp, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let id = id_claims(tokens["id_token"].as_str().expect("id token"));
    let new = "another long passphrase entirely";
    let fields = [
        ("current_password", PASSWORD),
        ("new_password", new),
        ("confirm_password", new),
    ];
    assert_eq!(
        location(&again.post_form("/profile/password", &fields).await),
        "/login?notice=password_changed"
    );

    let got = rp_end.wait_for(3).await;
    let claims = verified_logout_token(&app, &got[2], &rp.client_id).await;
    assert_eq!(claims["sid"], id["sid"]);
    let sql = "SELECT COUNT(*) FROM outbox WHERE channel = 'backchannel'";
    assert_eq!(
        app.query_i64(sql).await,
        3,
        "no notice for a session already ended"
    );
}
