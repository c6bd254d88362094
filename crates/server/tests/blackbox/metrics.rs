//! `/metrics`: Prometheus' text format, counters moved by exactly what was done, route
//! templates as labels, and who may read it. A `sigil serve` process of its own is
//! scraped, so the other tests' servers in this process do not move its counters.
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;

use reqwest::StatusCode;
use sigil_store::testing::Backend;

use crate::helpers::{spawn_app, spawn_on, spawn_with, PASSWORD};
use crate::oidc_helpers::{post_client, register, signed_in_tokens};
use crate::on_both_backends;
use crate::process::serve;

on_both_backends!(
    the_counters_move_by_what_was_done_and_routes_are_templates,
    active_sessions_count_every_nodes_sign_ins_and_sign_outs,
    metrics_answer_loopback_only_and_never_through_a_proxy,
    a_metrics_address_serves_them_there_and_not_on_the_public_listener,
    behind_a_real_host_name_metrics_answer_only_on_their_own_address,
);

type Labels = BTreeMap<String, String>;

/// A scrape, read strictly: every sample line parses and belongs to a family with a
/// `# TYPE` line.
#[derive(Debug, Default)]
struct Scrape {
    samples: HashMap<(String, Labels), f64>,
    types: HashMap<String, String>,
}

impl Scrape {
    fn parse(text: &str) -> Self {
        let mut out = Scrape::default();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                let (name, kind) = rest.split_once(' ').expect("# TYPE name kind");
                assert!(
                    ["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind),
                    "{line}"
                );
                out.types.insert(name.to_owned(), kind.to_owned());
                continue;
            }
            if line.starts_with('#') {
                assert!(line.starts_with("# HELP "), "{line}");
                continue;
            }
            let (series, value) = line.rsplit_once(' ').expect("a sample: series value");
            let value: f64 = match value {
                "+Inf" => f64::INFINITY,
                "-Inf" => f64::NEG_INFINITY,
                v => v.parse().unwrap_or_else(|_| panic!("a value in {line}")),
            };
            let (name, labels) = match series.split_once('{') {
                Some((name, rest)) => (name, labels(rest.strip_suffix('}').expect("}"))),
                None => (series, Labels::new()),
            };
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
                "{line}"
            );
            let family = ["_bucket", "_sum", "_count"]
                .iter()
                .find_map(|s| {
                    name.strip_suffix(s)
                        .filter(|f| out.types.get(*f).is_some_and(|t| t == "histogram"))
                })
                .unwrap_or(name);
            assert!(out.types.contains_key(family), "no # TYPE for {line}");
            let fresh = out
                .samples
                .insert((name.to_owned(), labels), value)
                .is_none();
            assert!(fresh, "a series twice: {line}");
        }
        out
    }

    fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        let labels: Labels = labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.samples
            .get(&(name.to_owned(), labels))
            .copied()
            .unwrap_or(0.0)
    }

    /// Every value the label `label` takes in the series of `name`.
    fn label_values(&self, name: &str, label: &str) -> Vec<String> {
        let mut values: Vec<String> = self
            .samples
            .keys()
            .filter(|(n, _)| n == name)
            .filter_map(|(_, l)| l.get(label).cloned())
            .collect();
        values.sort();
        values.dedup();
        values
    }
}

/// `a="1",b="x\"y"` into its pairs.
fn labels(text: &str) -> Labels {
    let mut out = Labels::new();
    let mut chars = text.chars().peekable();
    while chars.peek().is_some() {
        let key: String = chars.by_ref().take_while(|c| *c != '=').collect();
        assert_eq!(chars.next(), Some('"'), "a quoted value after {key}=");
        let mut value = String::new();
        loop {
            match chars.next().expect("a closing quote") {
                '\\' => match chars.next().expect("an escape") {
                    'n' => value.push('\n'),
                    c => value.push(c),
                },
                '"' => break,
                c => value.push(c),
            }
        }
        out.insert(key, value);
        if chars.peek() == Some(&',') {
            chars.next();
        }
    }
    out
}

async fn scrape(url: &str) -> Scrape {
    let r = reqwest::get(url).await.expect("GET /metrics");
    assert_eq!(r.status(), StatusCode::OK, "{url}");
    let content_type = r.headers()["content-type"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    Scrape::parse(&r.text().await.expect("body"))
}

const REQUESTS: &str = "sigil_http_requests_total";
const DURATION: &str = "sigil_http_request_duration_seconds";

async fn the_counters_move_by_what_was_done_and_routes_are_templates(backend: Backend) {
    let app = spawn_app(backend).await;
    let node = serve(&app, "", &[]).await;
    let metrics = format!("{}/metrics", node.base);
    let on_node = app.at(&node.base);
    let web = register(&app, "web", None).await;
    let service = register(&app, "service", None).await;
    // Someone with an account, and a browser that has opened the sign-in page.
    drop(on_node.signed_in("mila").await);
    let b = on_node.browser().await;
    let before = scrape(&metrics).await;
    // Every series of Sigil's counters is there from the start, at zero if nothing
    // happened yet (whatever else this process did before).
    assert_eq!(
        before.label_values("sigil_tokens_issued_total", "grant_type"),
        ["authorization_code", "client_credentials", "refresh_token"]
    );
    assert_eq!(
        before.label_values("sigil_sign_ins_total", "outcome"),
        [
            "blocked",
            "invalid_credentials",
            "pending_deletion",
            "success",
            "throttled"
        ]
    );
    assert_eq!(
        before.label_values("sigil_sign_ins_total", "method"),
        ["password", "provider", "restore"]
    );
    assert_eq!(
        before.label_values("sigil_outbox_deliveries_total", "outcome"),
        ["failed", "retry", "sent"]
    );
    assert!(before
        .samples
        .keys()
        .any(|(name, _)| name == "sigil_refresh_token_replays_total"));

    // A failed and a successful sign-in.
    assert_eq!(
        b.sign_in("mila", "not the password").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        b.sign_in("mila", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    // A code flow (a fresh registration, then authorize and the code's exchange), a
    // refresh, a replay of the replaced refresh token, and client_credentials.
    let (_, tokens) = signed_in_tokens(&on_node, &web, "tomas", "openid profile").await;
    let first = tokens["refresh_token"].as_str().expect("a refresh token");
    let refresh = [("grant_type", "refresh_token"), ("refresh_token", first)];
    let (status, body) = post_client(&on_node, &web, "/oauth/token", &refresh).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = post_client(&on_node, &web, "/oauth/token", &refresh).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let grant = [("grant_type", "client_credentials")];
    let (status, body) = post_client(&on_node, &service, "/oauth/token", &grant).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Public profiles that do not exist, each at its own path.
    let ids: Vec<String> = (0..3)
        .map(|_| uuid::Uuid::new_v4().simple().to_string())
        .collect();
    for id in &ids {
        let r = reqwest::get(format!("{}/public/profile/{id}", node.base))
            .await
            .expect("GET");
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
    let r = reqwest::get(format!("{}/no/such/{}", node.base, ids[0]))
        .await
        .expect("GET");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    let after = scrape(&metrics).await;
    let moved = |name: &str, labels: &[(&str, &str)]| {
        after.value(name, labels) - before.value(name, labels)
    };
    let sign_ins = "sigil_sign_ins_total";
    assert_eq!(after.types[sign_ins], "counter");
    assert_eq!(
        moved(sign_ins, &[("method", "password"), ("outcome", "success")]),
        1.0
    );
    assert_eq!(
        moved(
            sign_ins,
            &[("method", "password"), ("outcome", "invalid_credentials")]
        ),
        1.0
    );
    let tokens = "sigil_tokens_issued_total";
    for grant in ["authorization_code", "refresh_token", "client_credentials"] {
        assert_eq!(moved(tokens, &[("grant_type", grant)]), 1.0, "{grant}");
    }
    assert_eq!(moved("sigil_refresh_token_replays_total", &[]), 1.0);

    // Requests by route template, method and status class: the token endpoint answered
    // three grants and one refusal.
    let token_ok = [
        ("route", "/oauth/token"),
        ("method", "POST"),
        ("status", "2xx"),
    ];
    let token_refused = [
        ("route", "/oauth/token"),
        ("method", "POST"),
        ("status", "4xx"),
    ];
    assert_eq!(moved(REQUESTS, &token_ok), 3.0);
    assert_eq!(moved(REQUESTS, &token_refused), 1.0);
    assert_eq!(after.types[DURATION], "histogram");
    assert_eq!(moved(&format!("{DURATION}_count"), &token_ok), 3.0);
    // The buckets count up to the total.
    let mut buckets: Vec<(f64, f64)> = after
        .samples
        .iter()
        .filter(|((name, labels), _)| {
            name == &format!("{DURATION}_bucket")
                && token_ok
                    .iter()
                    .all(|(k, v)| labels.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|((_, labels), count)| {
            let le = match labels["le"].as_str() {
                "+Inf" => f64::INFINITY,
                le => le.parse().expect("le"),
            };
            (le, *count)
        })
        .collect();
    buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert!(buckets.len() >= 10, "{buckets:?}");
    assert!(buckets.windows(2).all(|w| w[0].1 <= w[1].1), "{buckets:?}");
    assert_eq!(buckets.last().map(|b| b.0), Some(f64::INFINITY));
    assert_eq!(
        buckets.last().map(|b| b.1),
        Some(after.value(&format!("{DURATION}_count"), &token_ok))
    );
    let sign_in_posts = [("route", "/login"), ("method", "POST"), ("status", "3xx")];
    assert!(moved(REQUESTS, &sign_in_posts) >= 1.0);

    // No path became a label: three profiles are one template, unknown paths one word.
    let routes = after.label_values(REQUESTS, "route");
    for id in &ids {
        assert!(
            !routes.iter().any(|r| r.contains(id.as_str())),
            "{routes:?}"
        );
    }
    let profiles = [
        ("route", "/public/profile/{id}"),
        ("method", "GET"),
        ("status", "4xx"),
    ];
    assert_eq!(moved(REQUESTS, &profiles), 3.0, "{routes:?}");
    let unmatched = [("route", "unmatched"), ("method", "GET"), ("status", "4xx")];
    assert!(moved(REQUESTS, &unmatched) >= 1.0, "{routes:?}");
    assert!(
        routes
            .iter()
            .all(|r| r == "unmatched" || r.starts_with('/')),
        "{routes:?}"
    );

    // The rest is there: the build, the outbox by lane, the pool and its wait.
    assert_eq!(
        after.value(
            "sigil_build_info",
            &[("version", env!("CARGO_PKG_VERSION"))]
        ),
        1.0
    );
    for lane in ["people", "applications"] {
        for gauge in ["sigil_outbox_pending_messages", "sigil_outbox_due_messages"] {
            assert!(
                after.samples.contains_key(&(
                    gauge.to_owned(),
                    [("lane".to_owned(), lane.to_owned())].into()
                )),
                "{gauge} {lane}"
            );
        }
    }
    assert!(after.value("sigil_db_connections", &[("state", "idle")]) >= 1.0);
    assert_eq!(after.types["sigil_db_acquire_seconds"], "histogram");
    assert!(
        after.value("sigil_db_acquire_seconds_count", &[("mode", "write")])
            > before.value("sigil_db_acquire_seconds_count", &[("mode", "write")])
    );
    assert!(after.value("process_resident_memory_bytes", &[]) > 1e6);
    assert!(after.value("process_open_fds", &[]) >= 3.0);
}

async fn active_sessions_count_every_nodes_sign_ins_and_sign_outs(backend: Backend) {
    let app = spawn_app(backend).await;
    let node = serve(&app, "", &[]).await;
    let metrics = format!("{}/metrics", node.base);
    let active = "sigil_active_sessions";
    let in_db = || app.query_i64("SELECT COUNT(*) FROM sessions");
    let start = scrape(&metrics).await;
    assert_eq!(start.types[active], "gauge");
    assert_eq!(start.value(active, &[]), in_db().await as f64);

    // Sessions opened on the in-process node, not on the one scraped.
    let first = app.signed_in("nora").await;
    let second = app.signed_in("olek").await;
    let now = scrape(&metrics).await;
    assert_eq!(now.value(active, &[]), start.value(active, &[]) + 2.0);
    assert_eq!(now.value(active, &[]), in_db().await as f64);

    let r = first.post_form("/logout", &[]).await;
    assert!(r.status().is_redirection(), "{}", r.status());
    let now = scrape(&metrics).await;
    assert_eq!(now.value(active, &[]), start.value(active, &[]) + 1.0);
    drop(second);
}

/// A server reached over another address of this machine than loopback sees a
/// non-loopback peer.
fn non_loopback_ip() -> std::net::IpAddr {
    let probe = std::net::UdpSocket::bind("0.0.0.0:0").expect("udp");
    // No packet is sent: connecting a UDP socket only picks the route and its address.
    probe
        .connect("192.0.2.1:9")
        .or_else(|_| probe.connect("10.255.255.1:9"))
        .expect("a route off this machine, to find an address other than loopback");
    let ip = probe.local_addr().expect("local address").ip();
    assert!(!ip.is_loopback() && !ip.is_unspecified(), "{ip}");
    ip
}

async fn metrics_answer_loopback_only_and_never_through_a_proxy(backend: Backend) {
    let listener = tokio::net::TcpListener::bind("0.0.0.0:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let _app = spawn_on(backend, listener, |_| {}).await;
    let client = reqwest::Client::new();
    let get = |host: std::net::IpAddr, header: Option<(&'static str, &'static str)>| {
        let mut r = client.get(format!("http://{}/metrics", SocketAddr::new(host, port)));
        if let Some((k, v)) = header {
            r = r.header(k, v);
        }
        async move {
            let r = r.send().await.expect("GET /metrics");
            let status = r.status();
            (status, r.text().await.expect("body"))
        }
    };
    let loopback = std::net::IpAddr::from([127, 0, 0, 1]);
    let (status, body) = get(loopback, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("# TYPE sigil_http_requests_total counter"),
        "{body}"
    );
    for proxied in [
        ("x-forwarded-for", "203.0.113.9"),
        ("forwarded", "for=203.0.113.9"),
        ("x-real-ip", "203.0.113.9"),
    ] {
        let (status, body) = get(loopback, Some(proxied)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{proxied:?}");
        assert!(!body.contains("sigil_"), "{proxied:?}");
    }
    let (status, body) = get(non_loopback_ip(), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains("sigil_http"), "{body}");
}

/// A reverse proxy that adds no forwarding header (nginx's plain `proxy_pass`) reaches
/// Sigil from loopback: once the public URL names a real host, loopback proves nothing.
async fn behind_a_real_host_name_metrics_answer_only_on_their_own_address(backend: Backend) {
    let app = spawn_with(backend, |c| {
        c.public_url = "https://id.example.org".to_owned();
    })
    .await;
    let response = reqwest::Client::new()
        .get(format!("{}/metrics", app.base))
        .header("host", "id.example.org")
        .send()
        .await
        .expect("GET /metrics");
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body = response.text().await.expect("body");
    assert!(!body.contains("sigil_http"), "{body}");
}

async fn a_metrics_address_serves_them_there_and_not_on_the_public_listener(backend: Backend) {
    let app = spawn_app(backend).await;
    let node = serve(&app, "", &[("SIGIL_METRICS_LISTEN", "127.0.0.1:0")]).await;
    let separate = node
        .metrics_base
        .clone()
        .unwrap_or_else(|| panic!("{:?}", node.banner));
    assert_ne!(separate, node.base);
    let there = scrape(&format!("{separate}/metrics")).await;
    assert_eq!(
        there.value(
            "sigil_build_info",
            &[("version", env!("CARGO_PKG_VERSION"))]
        ),
        1.0
    );
    let r = reqwest::get(format!("{}/metrics", node.base))
        .await
        .expect("GET");
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "not on the public listener, even from loopback"
    );
    let r = reqwest::get(format!("{separate}/login"))
        .await
        .expect("GET");
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "only /metrics on the metrics address"
    );
    // The configuration file says the same.
    let node = serve(&app, "metrics_listen = \"127.0.0.1:0\"\n", &[]).await;
    assert!(node.metrics_base.is_some(), "{:?}", node.banner);
}
