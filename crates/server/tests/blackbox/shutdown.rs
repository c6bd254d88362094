//! SIGTERM and SIGINT drain a `sigil serve` process: new connections are refused at
//! once, the requests in flight are answered, idle keep-alive connections do not hold
//! the drain open, the jobs stop, and the process exits 0 — also when
//! `shutdown_timeout_seconds` runs out first (then the log says how many were cut).
use std::time::Duration;

use reqwest::StatusCode;
use sigil_store::testing::Backend;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{form_urlencoded, spawn_app, Browser, PASSWORD};
use crate::on_both_backends;
use crate::process::{serve, Node};

on_both_backends!(
    sigterm_answers_what_is_in_flight_refuses_new_connections_and_exits_0,
    sigint_answers_what_is_in_flight_refuses_new_connections_and_exits_0,
    a_drain_longer_than_the_timeout_is_cut_and_the_process_still_exits_0,
);

/// Generous: only says the process did not hang.
const DID_NOT_HANG: Duration = Duration::from_secs(45);

/// A sign-in whose body is only half sent: in flight until [`Held::finish`].
struct Held {
    stream: TcpStream,
    rest: Vec<u8>,
}

async fn hold_sign_in(node: &Node, b: &Browser, login: &str) -> Held {
    let csrf = b.cookie("sigil_csrf").expect("csrf cookie");
    let body = form_urlencoded(&[
        ("identifier", login),
        ("password", PASSWORD),
        ("csrf", &csrf),
    ]);
    let head = format!(
        "POST /login HTTP/1.1\r\nHost: {}\r\nCookie: sigil_csrf={csrf}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        node.addr,
        body.len()
    );
    let mut stream = TcpStream::connect(node.addr).await.expect("connect");
    let (first, rest) = body.as_bytes().split_at(body.len() / 2);
    stream.write_all(head.as_bytes()).await.expect("head");
    stream.write_all(first).await.expect("half the body");
    Held {
        stream,
        rest: rest.to_vec(),
    }
}

impl Held {
    /// Sends the rest of the body; returns the answer's status line.
    async fn finish(mut self) -> String {
        self.stream
            .write_all(&self.rest)
            .await
            .expect("the rest of the body");
        let mut answer = Vec::new();
        let mut chunk = [0u8; 4096];
        while !answer.windows(2).any(|w| w == b"\r\n") {
            let n = tokio::time::timeout(DID_NOT_HANG, self.stream.read(&mut chunk))
                .await
                .expect("an answer")
                .expect("read");
            assert!(n > 0, "the connection closed without an answer");
            answer.extend_from_slice(&chunk[..n]);
        }
        let text = String::from_utf8_lossy(&answer);
        text.lines().next().unwrap_or_default().to_owned()
    }
}

/// Waits until connecting is refused: the listener is closed.
async fn refused(node: &Node) {
    for _ in 0..100 {
        match TcpStream::connect(node.addr).await {
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => return,
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    panic!("{} still accepts connections after the signal", node.addr);
}

async fn drains_on(backend: Backend, signal: &str) {
    let app = spawn_app(backend).await;
    // A timeout the drain must not need: the process must end on its own before it.
    let mut node = serve(&app, "shutdown_timeout_seconds = 60\n", &[]).await;
    let on_node = app.at(&node.base);
    drop(on_node.signed_in("vera").await);
    let held_browser = on_node.browser().await;
    let held = hold_sign_in(&node, &held_browser, "vera").await;
    // Sign-ins at the same time (argon2id keeps each busy for a while), from browsers
    // whose keep-alive connections stay open and idle once they are answered.
    let browsers = [
        on_node.browser().await,
        on_node.browser().await,
        on_node.browser().await,
    ];
    let signing_in: Vec<_> = browsers
        .iter()
        .map(|b| {
            let client = b.client.clone();
            let csrf = b.cookie("sigil_csrf").expect("csrf");
            let url = b.url("/login");
            tokio::spawn(async move {
                client
                    .post(url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(form_urlencoded(&[
                        ("identifier", "vera"),
                        ("password", PASSWORD),
                        ("csrf", &csrf),
                    ]))
                    .send()
                    .await
                    .map(|r| r.status())
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    node.signal(signal);

    refused(&node).await;
    assert!(
        node.running(),
        "the held request keeps the process draining"
    );
    assert_eq!(
        held.finish().await,
        "HTTP/1.1 303 See Other",
        "answered in full"
    );
    for task in signing_in {
        let status = task.await.expect("task").expect("answered, not dropped");
        assert_eq!(status, StatusCode::SEE_OTHER);
    }
    let status = node.exit_within(DID_NOT_HANG).await;
    let log = node.log();
    assert_eq!(status.code(), Some(0), "{log}");
    assert!(log.contains(&format!("SIG{signal}")), "{log}");
    assert!(
        log.contains("stopped: every request in flight was answered and the jobs finished"),
        "idle keep-alive connections and the jobs did not hold the drain to its timeout:\n{log}"
    );
    drop(browsers);
}

async fn sigterm_answers_what_is_in_flight_refuses_new_connections_and_exits_0(backend: Backend) {
    drains_on(backend, "TERM").await;
}

async fn sigint_answers_what_is_in_flight_refuses_new_connections_and_exits_0(backend: Backend) {
    drains_on(backend, "INT").await;
}

async fn a_drain_longer_than_the_timeout_is_cut_and_the_process_still_exits_0(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut node = serve(&app, "shutdown_timeout_seconds = 1\n", &[]).await;
    let on_node = app.at(&node.base);
    let b = on_node.browser().await;
    // Never finished: it would hold the drain open for ever.
    let held = hold_sign_in(&node, &b, "nobody").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    node.signal("TERM");
    let status = node.exit_within(DID_NOT_HANG).await;
    let log = node.log();
    assert_eq!(status.code(), Some(0), "{log}");
    assert!(
        log.contains("stopped before everything finished: 1 request(s) in flight were cut"),
        "{log}"
    );
    drop(held);
}
