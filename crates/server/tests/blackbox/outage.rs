//! PostgreSQL goes away under a running node and comes back (issue 17, database
//! outages): every surface answers 503 within the bound, in the person's language, never
//! 500 and never a hang; no token is issued; `/readyz` says why and `/healthz` stays 200;
//! and once PostgreSQL is back the same node serves again without a restart.
use std::future::Future;
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sigil_store::testing::{execute, Backend};

use crate::helpers::{spawn_with, Browser, TestApp, PASSWORD};
use crate::oidc_helpers::{
    authorize_path, pkce, post_client, register, signed_in_tokens, userinfo,
};
use crate::own_postgres::OwnPostgres;

/// The issue asks for 503 within 2 s; asserted with a margin for a loaded machine. A
/// request waits once for the database (`acquire_timeout`, 1.5 s by default): a hang, the
/// old 10 s wait, or a second wait in the same request (3 s) fails.
pub const BOUND: Duration = Duration::from_secs(3);

/// `f`'s outcome, failing the test if it took [`BOUND`] or longer.
pub async fn timed<T>(what: &str, f: impl Future<Output = T>) -> T {
    let started = Instant::now();
    let out = tokio::time::timeout(Duration::from_secs(30), f)
        .await
        .unwrap_or_else(|_| panic!("{what}: no answer within 30 s"));
    let took = started.elapsed();
    eprintln!("{what}: answered in {took:?}");
    assert!(took < BOUND, "{what} took {took:?}");
    out
}

/// The translated sentence of the 503 page and its Try again button, by language.
pub const UNAVAILABLE: [(&str, &str, &str); 3] = [
    (
        "en",
        "The service is briefly unavailable.",
        ">Try again</a>",
    ),
    (
        "de",
        "Der Dienst ist kurz nicht erreichbar.",
        ">Erneut versuchen</a>",
    ),
    (
        "ru",
        "Сервис ненадолго недоступен.",
        ">Попробовать снова</a>",
    ),
];

/// Asserts `r` is the 503 page in `lang`, with Retry-After and a Try again link to
/// `again`.
pub async fn assert_unavailable_page(r: reqwest::Response, lang: &str, again: &str) {
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.headers()["retry-after"], "5");
    let html = r.text().await.expect("body");
    let (_, sentence, button) = UNAVAILABLE
        .iter()
        .find(|(l, _, _)| *l == lang)
        .expect("a language");
    assert!(html.contains(sentence), "{lang}: {html}");
    assert!(html.contains(button), "{lang}: {html}");
    let href = format!("id=\"try-again\" href=\"{}\"", again.replace('&', "&#38;"));
    assert!(html.contains(&href), "{href} in {html}");
}

async fn readyz(app: &TestApp) -> (StatusCode, String, reqwest::header::HeaderMap) {
    let r = reqwest::get(format!("{}/readyz", app.base))
        .await
        .expect("GET /readyz");
    let status = r.status();
    let headers = r.headers().clone();
    (status, r.text().await.expect("body"), headers)
}

async fn healthz(app: &TestApp) -> (StatusCode, String) {
    let r = reqwest::get(format!("{}/healthz", app.base))
        .await
        .expect("GET /healthz");
    let status = r.status();
    (status, r.text().await.expect("body"))
}

/// The outbox's mail files (written by the delivery job).
fn mails(app: &TestApp) -> usize {
    std::fs::read_dir(app.dir.join("outbox"))
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .count()
        })
        .unwrap_or(0)
}

struct Scene {
    app: TestApp,
    web: crate::oidc_helpers::Rp,
    svc: crate::oidc_helpers::Rp,
    /// Ada, signed in, in English, with the web application's tokens.
    en: Browser,
    access: String,
    refresh: String,
    /// Bruno, signed in, in German.
    de: Browser,
    /// Nobody signed in, in Russian.
    ru: Browser,
}

async fn scene(pg: &OwnPostgres) -> Scene {
    let url = pg.url();
    // The scratch database is not used: the node runs on this test's own PostgreSQL.
    let app = spawn_with(Backend::Sqlite, |c| c.database_url = url).await;
    let web = register(&app, "web", None).await;
    let svc = register(&app, "service", None).await;
    let (en, tokens) = signed_in_tokens(&app, &web, "ada", "openid profile offline_access").await;
    let de = app.browser_in("de").await;
    assert_eq!(
        de.register("bruno", "", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let ru = app.browser_in("ru").await;
    Scene {
        access: tokens["access_token"].as_str().expect("access").to_owned(),
        refresh: tokens["refresh_token"]
            .as_str()
            .expect("refresh")
            .to_owned(),
        app,
        web,
        svc,
        en,
        de,
        ru,
    }
}

/// What every surface answers while the database is there.
async fn assert_serving(s: &Scene) {
    let (status, body, _) = readyz(&s.app).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ready"));
    assert_eq!(s.en.get("/profile").await.status(), StatusCode::OK);
    assert_eq!(s.de.get("/profile").await.status(), StatusCode::OK);
    let (status, me) = s.en.api(Method::GET, "/api/v1/me", None).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    let (status, body) = client_credentials(s).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, claims) = userinfo(&s.app, &s.access).await;
    assert_eq!(status, StatusCode::OK, "{claims}");
}

/// Four requests at once, so that several connections sit idle in the pool, then every
/// surface served.
async fn several_connections_in_the_pool(s: &Scene) {
    let busy = tokio::join!(
        client_credentials(s),
        client_credentials(s),
        client_credentials(s),
        client_credentials(s),
    );
    for (status, body) in [busy.0, busy.1, busy.2, busy.3] {
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    assert_serving(s).await;
}

async fn client_credentials(s: &Scene) -> (StatusCode, Value) {
    post_client(
        &s.app,
        &s.svc,
        "/oauth/token",
        &[("grant_type", "client_credentials")],
    )
    .await
}

async fn refresh(s: &Scene) -> (StatusCode, Value) {
    post_client(
        &s.app,
        &s.web,
        "/oauth/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &s.refresh),
        ],
    )
    .await
}

pub fn assert_no_token(what: &str, status: StatusCode, body: &Value) {
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{what}: {body}");
    assert_eq!(body["error"], "temporarily_unavailable", "{what}: {body}");
    assert!(
        body.get("access_token").is_none() && body.get("refresh_token").is_none(),
        "{what}: {body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_postgresql_is_stopped_every_surface_answers_503_and_the_node_recovers_on_its_own() {
    let pg = OwnPostgres::start().await;
    let s = scene(&pg).await;
    let anonymous = s.app.browser().await;
    let (_, challenge) = pkce();
    let authorize = authorize_path(&s.web, "openid", &challenge, &[]);
    assert_serving(&s).await;

    pg.down().await;

    // First, before anything else has found the database gone: a grant that reads
    // nothing else is not answered from what the node holds.
    let (status, body) = timed("client_credentials", client_credentials(&s)).await;
    assert_no_token("client_credentials", status, &body);
    let (status, reason, headers) = timed("/readyz", readyz(&s.app)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(reason.starts_with("database unavailable: "), "{reason}");
    assert!(!reason.contains('\n'), "one line: {reason}");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(
        timed("/healthz", healthz(&s.app)).await,
        (StatusCode::OK, "ok".to_owned()),
        "alive, whatever the database"
    );
    // Console pages, in each person's language, with Try again.
    let r = timed("the profile", s.en.get("/profile")).await;
    assert_unavailable_page(r, "en", "/profile").await;
    let r = timed("the profile in German", s.de.get("/profile")).await;
    assert_unavailable_page(r, "de", "/profile").await;
    // The authorization endpoint cannot trust a redirect_uri without the database.
    let r = timed("authorize", s.ru.get(&authorize)).await;
    assert_unavailable_page(r, "ru", &authorize).await;
    let r = timed("signing in", anonymous.sign_in("ada", PASSWORD)).await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        !crate::helpers::set_cookie_headers(&r)
            .iter()
            .any(|c| c.starts_with("sigil_session=")),
        "nobody is signed in"
    );
    // The JSON API.
    for (method, body) in [
        (Method::GET, None),
        (
            Method::PATCH,
            Some(json!({"fields": {"given_name": "Eve"}})),
        ),
    ] {
        let (status, error) = timed("the API", s.en.api(method.clone(), "/api/v1/me", body)).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{method} {error}");
        assert_eq!(error["error"]["code"], "temporarily_unavailable");
        assert_eq!(
            error["error"]["message"],
            "The service is briefly unavailable. Nothing was changed; please try again in a few seconds."
        );
    }
    // The OpenID endpoints: no token is issued.
    let (status, body) = timed("client_credentials", client_credentials(&s)).await;
    assert_no_token("client_credentials", status, &body);
    let (status, body) = timed("refresh_token", refresh(&s)).await;
    assert_no_token("refresh_token", status, &body);
    let r = timed(
        "userinfo",
        reqwest::Client::new()
            .get(format!("{}/oauth/userinfo", s.app.base))
            .bearer_auth(&s.access)
            .send(),
    )
    .await
    .expect("userinfo");
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        r.headers().get("www-authenticate").is_none(),
        "the token is not at fault"
    );
    assert_eq!(r.headers()["retry-after"], "5");
    let body: Value = r.json().await.expect("JSON");
    assert_eq!(body["error"], "temporarily_unavailable");

    pg.up().await;

    // The node finds the database again by itself (no restart), within a few seconds.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (status, body, _) = readyz(&s.app).await;
        if status == StatusCode::OK {
            break;
        }
        assert!(Instant::now() < deadline, "still not ready: {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_serving(&s).await;
    // The refresh tried during the outage changed nothing: the token still works once.
    let (status, body) = refresh(&s).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, me) =
        s.en.api(
            Method::PATCH,
            "/api/v1/me",
            Some(json!({"fields": {"given_name": "Eve"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    // The delivery job came through the outage: a new account's code is mailed.
    let before = mails(&s.app);
    let newcomer = s.app.browser().await;
    assert_eq!(
        newcomer
            .register("carla", "carla@example.org", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while mails(&s.app) == before {
        assert!(
            Instant::now() < deadline,
            "no mail delivered after the outage"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgresql_restart_between_two_requests_costs_no_request() {
    let pg = OwnPostgres::start().await;
    let s = scene(&pg).await;
    // Several connections in the pool, each idle when the server restarts.
    several_connections_in_the_pool(&s).await;

    pg.down().await;
    pg.up().await;

    // Every pooled connection is a dead socket now; none of them reaches a request.
    let (status, body, _) = readyz(&s.app).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ready"));
    assert_serving(&s).await;
    let (status, body) = refresh(&s).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, me) =
        s.en.api(
            Method::PATCH,
            "/api/v1/me",
            Some(json!({"fields": {"given_name": "Eve"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{me}");
}

/// The database turns read-only under a running node, as a primary does when it is
/// demoted during a fail-over: every write answers 503 with Retry-After (SQLSTATE 25006
/// passes), never 500, and changes nothing; reads still serve; once writes are allowed
/// again the refresh token that was refused then still works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_database_answers_writes_503_and_changes_nothing() {
    let pg = OwnPostgres::start().await;
    let s = scene(&pg).await;
    assert_serving(&s).await;
    let read_only = |on: bool| {
        let url = pg.url();
        async move {
            let set = if on {
                "ALTER SYSTEM SET default_transaction_read_only = on"
            } else {
                "ALTER SYSTEM RESET default_transaction_read_only"
            };
            // Reloaded, the setting reaches the sessions already open as well.
            for sql in [set, "SELECT pg_reload_conf()"] {
                execute(&url, sql).await.expect(sql);
            }
        }
    };

    read_only(true).await;
    // The reload reaches each backend at its next command; give them a moment.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, body) = timed("refresh", refresh(&s)).await;
    assert_no_token("refresh on a read-only database", status, &body);
    let (status, me) = timed(
        "PATCH /api/v1/me",
        s.en.api(
            Method::PATCH,
            "/api/v1/me",
            Some(json!({"fields": {"given_name": "Eve"}})),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{me}");
    assert_eq!(me["error"]["code"], "temporarily_unavailable", "{me}");
    let (status, claims) = userinfo(&s.app, &s.access).await;
    assert_eq!(status, StatusCode::OK, "reads still serve: {claims}");
    assert_ne!(claims["given_name"], "Eve");

    read_only(false).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, body) = refresh(&s).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the refused refresh token still works: {body}"
    );
}

/// PostgreSQL stops answering without refusing anything (a hung host, here `kill -STOP`):
/// the first request on each pooled connection waits the client-side backstop once and
/// does not try again on a fresh connection (that would wait as long again); an error
/// page that is not about the database does not ask it again who is signed in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_postgresql_does_not_answer_every_request_still_answers_within_the_bound() {
    let pg = OwnPostgres::start().await;
    let s = scene(&pg).await;
    // Several connections in the pool, each idle when the server freezes.
    several_connections_in_the_pool(&s).await;

    pg.freeze();

    // First, while the node's last check of its applications is still recent.
    let (status, body) = timed("client_credentials (frozen)", client_credentials(&s)).await;
    assert_no_token("client_credentials", status, &body);
    let r = timed("the profile (frozen)", s.en.get("/profile")).await;
    assert_unavailable_page(r, "en", "/profile").await;
    let r = timed("the profile in German (frozen)", s.de.get("/profile")).await;
    assert_unavailable_page(r, "de", "/profile").await;
    let (status, body) = timed("client_credentials (frozen)", client_credentials(&s)).await;
    assert_no_token("client_credentials", status, &body);
    let (status, body) = timed("refresh_token (frozen)", refresh(&s)).await;
    assert_no_token("refresh_token", status, &body);
    let (status, body) = timed(
        "the API (frozen)",
        s.en.api(
            Method::PATCH,
            "/api/v1/me",
            Some(json!({"fields": {"given_name": "Eve"}})),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let (status, body, _) = timed("/readyz (frozen)", readyz(&s.app)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    // Error pages with a session cookie: a page that is off, a form without its token.
    let r = timed("a disabled page (frozen)", s.en.get("/catalog")).await;
    assert_ne!(r.status(), StatusCode::OK);
    assert_ne!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let r = timed(
        "a form without its token (frozen)",
        s.en.post_raw("/profile", &[("given_name", "Eve")]),
    )
    .await;
    assert!(r.status().is_client_error() || r.status() == StatusCode::SERVICE_UNAVAILABLE);

    pg.thaw();

    // The node serves again by itself.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (status, body, _) = readyz(&s.app).await;
        if status == StatusCode::OK {
            break;
        }
        assert!(Instant::now() < deadline, "still not ready: {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_serving(&s).await;
    let (status, body) = refresh(&s).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
