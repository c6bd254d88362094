//! Requests to providers stay off private networks: the issuer, and every endpoint its
//! discovery document names, must be on the public internet, unless the operator set
//! `private_network = true`, which trusts the issuer's own host and nothing else.
//! Fakes on loopback count the connections that reach them.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use reqwest::StatusCode;
use sigil::upstream::ProviderConfig;
use sigil_core::identifier::ProviderDef;
use sigil_core::privacy::PrivacyLevel;
use sigil_store::testing::Backend;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::helpers::{spawn_with, TestApp};
use crate::oidc_helpers::url_param;
use crate::on_both_backends;

on_both_backends!(
    a_provider_on_a_private_address_is_not_contacted_without_private_network,
    a_jwks_a_discovery_document_names_on_another_private_host_is_not_fetched,
    a_code_is_not_sent_to_a_token_endpoint_on_another_private_host,
);

/// A server on `ip` that counts connections and answers each path from `pages`
/// (anything else: 404).
struct Fake {
    /// `host:port`.
    addr: String,
    connections: Arc<AtomicUsize>,
}

impl Fake {
    fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

async fn fake(
    ip: &str,
    pages: impl Fn(&str, &str) -> Option<String> + Send + Sync + 'static,
) -> Fake {
    let listener = TcpListener::bind((ip, 0)).await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    let base = format!("http://{addr}");
    let pages = Arc::new(pages);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let pages = pages.clone();
            let base = base.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let n = socket.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]).to_string();
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let response = match pages(&base, &path) {
                    Some(body) => format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                         content-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    ),
                    None => {
                        "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                            .to_owned()
                    }
                };
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    Fake { addr, connections }
}

/// A trap: whatever reaches it is counted and gets no answer.
async fn trap() -> Fake {
    fake("127.0.0.1", |_, _| None).await
}

async fn sigil_with(backend: Backend, issuer: String, private_network: bool) -> TestApp {
    spawn_with(backend, move |c| {
        c.settings.providers = vec![ProviderDef {
            id: "corp".into(),
            name: "Corp ID".into(),
            default_privacy: PrivacyLevel::OnRequest,
            sign_in: true,
        }];
        c.providers = vec![ProviderConfig {
            id: "corp".into(),
            issuer,
            client_id: "sigil".into(),
            client_secret: Some("secret".into()),
            scopes: vec![],
            private_network,
        }];
    })
    .await
}

const PROVIDER_FAILED: &str = "did not work";

async fn a_provider_on_a_private_address_is_not_contacted_without_private_network(
    backend: Backend,
) {
    let trap = trap().await;
    let port = trap.addr.rsplit(':').next().expect("port").to_owned();
    for issuer in [
        format!("https://127.0.0.1:{port}"),
        // A name is judged by the addresses it resolves to.
        format!("https://localhost:{port}"),
    ] {
        let app = sigil_with(backend, issuer.clone(), false).await;
        let ada = app.signed_in("ada").await;
        let r = ada
            .post_form("/profile/identifiers/link", &[("provider", "corp")])
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{issuer}");
        assert!(r.text().await.expect("body").contains(PROVIDER_FAILED));
        let r = ada
            .post_form("/login/provider", &[("provider", "corp"), ("next", "/")])
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{issuer}");
        assert_eq!(trap.connections(), 0, "{issuer} was contacted");
    }
}

/// A discovery document at `base` (the issuer), naming its JWKS and token endpoints
/// at the bases given.
fn discovery(base: &str, jwks: &str, token: &str) -> String {
    serde_json::json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{token}/token"),
        "jwks_uri": format!("{jwks}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    })
    .to_string()
}

async fn a_jwks_a_discovery_document_names_on_another_private_host_is_not_fetched(
    backend: Backend,
) {
    // The operator trusts the provider's host (127.0.0.2) on a private network; its
    // document names a JWKS on another private host (127.0.0.1).
    let trap = trap().await;
    let elsewhere = trap.base();
    let provider = fake("127.0.0.2", move |base, path| match path {
        "/.well-known/openid-configuration" => Some(discovery(base, &elsewhere, base)),
        _ => None,
    })
    .await;
    let app = sigil_with(backend, provider.base(), true).await;
    let ada = app.signed_in("ada").await;
    let r = ada
        .post_form("/profile/identifiers/link", &[("provider", "corp")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.expect("body").contains(PROVIDER_FAILED));
    assert!(provider.connections() > 0, "the trusted host was asked");
    assert_eq!(trap.connections(), 0, "the JWKS elsewhere was fetched");
}

async fn a_code_is_not_sent_to_a_token_endpoint_on_another_private_host(backend: Backend) {
    // Its JWKS at home but its token endpoint elsewhere: discovery works, the code
    // is not sent there.
    let trap = trap().await;
    let elsewhere = trap.base();
    let provider = fake("127.0.0.2", move |base, path| match path {
        "/.well-known/openid-configuration" => Some(discovery(base, base, &elsewhere)),
        "/jwks" => Some(r#"{"keys":[]}"#.to_owned()),
        _ => None,
    })
    .await;
    let app = sigil_with(backend, provider.base(), true).await;
    let ada = app.signed_in("ada").await;
    let r = ada
        .post_form("/profile/identifiers/link", &[("provider", "corp")])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "discovery on the trusted host"
    );
    let at_provider = crate::helpers::location(&r);
    let state = url_param(&at_provider, "state").expect("state");
    let r = ada
        .get(&format!(
            "/identifiers/callback/corp?state={state}&code=stolen"
        ))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.expect("body").contains(PROVIDER_FAILED));
    assert_eq!(
        trap.connections(),
        0,
        "the code went to the token endpoint elsewhere"
    );
}
