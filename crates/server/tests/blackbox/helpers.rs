//! `spawn_app` and a small browser: a cookie jar, no automatic redirects.
use std::sync::Arc;

use regex::Regex;
use reqwest::cookie::{CookieStore, Jar};
use reqwest::redirect::Policy;
use reqwest::{Response, StatusCode};
use sigil::config::Config;
use sigil_core::clock::ManualClock;
use sigil_store::testing::{scratch_database, Backend};
use tokio::net::TcpListener;

/// Generates one test per backend from an `async fn name(backend: Backend)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name(sigil_store::testing::Backend::Sqlite).await } )*
        }
        mod postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name(sigil_store::testing::Backend::Postgres).await } )*
        }
    };
}

pub const PASSWORD: &str = "correct horse battery staple";

/// The User-Agent of the test browsers: Firefox on Linux, a computer.
pub const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

pub struct TestApp {
    pub base: String,
    pub clock: Arc<ManualClock>,
    pub sigil: Arc<sigil_core::Sigil>,
    /// The data directory (its `outbox` folder gets messages when no SMTP is set).
    pub dir: std::path::PathBuf,
    /// The database, for tests that count rows in it.
    pub database_url: String,
    /// This server's name in the job leases.
    pub node: String,
    _task: tokio::task::JoinHandle<()>,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_with(backend, |_| {}).await
}

/// Starts Sigil on 127.0.0.1:0 with a fresh database; `tweak` adjusts the configuration.
pub async fn spawn_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> TestApp {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    spawn_on(backend, listener, tweak).await
}

/// Like [`spawn_with`] on a listener bound beforehand, for tests that need the address
/// before the server starts (a redirect URI registered elsewhere).
pub async fn spawn_on(
    backend: Backend,
    listener: TcpListener,
    tweak: impl FnOnce(&mut Config),
) -> TestApp {
    let name = uuid::Uuid::new_v4().simple().to_string();
    let dir = std::env::temp_dir().join(format!("sigil-blackbox-{name}"));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let database_url = scratch_database(backend, &dir, &name)
        .await
        .expect("scratch database");
    // Real time, to the second: relying-party libraries check expiry on their own clock.
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .expect("whole second");
    start(
        dir,
        database_url,
        Arc::new(ManualClock::new(now)),
        listener,
        tweak,
    )
    .await
}

/// A second node beside `app`: its own server and background jobs on the same database,
/// data directory (so the same master key) and clock, as NTP keeps real nodes' clocks.
pub async fn spawn_node(app: &TestApp, tweak: impl FnOnce(&mut Config)) -> TestApp {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    start(
        app.dir.clone(),
        app.database_url.clone(),
        app.clock.clone(),
        listener,
        tweak,
    )
    .await
}

async fn start(
    dir: std::path::PathBuf,
    database_url: String,
    clock: Arc<ManualClock>,
    listener: TcpListener,
    tweak: impl FnOnce(&mut Config),
) -> TestApp {
    let addr = listener.local_addr().expect("addr");
    let mut config = Config::load(None, |k| match k {
        "SIGIL_DATA_DIR" => Some(dir.display().to_string()),
        "DATABASE_URL" => Some(database_url.clone()),
        "SIGIL_LISTEN" => Some(addr.to_string()),
        _ => None,
    })
    .expect("config");
    tweak(&mut config);
    let sigil = sigil::build(&config, clock.clone()).await.expect("build");
    let running = sigil::serve_on(listener, &config, sigil)
        .await
        .expect("serve");
    // A test may serve on `localhost` to keep its cookies apart from another server's
    // on 127.0.0.1 (cookies ignore the port); other public URLs are only names.
    let base = if config.public_url.starts_with("http://localhost:") {
        config.public_url.clone()
    } else {
        format!("http://{addr}")
    };
    TestApp {
        base,
        clock,
        sigil: running.sigil,
        dir,
        database_url,
        node: running.node,
        _task: running.task,
    }
}

impl TestApp {
    /// This app's database, data directory and helpers, spoken to at `base`: another
    /// node on the same database (a `sigil serve` process, see `crate::process`).
    pub fn at(&self, base: &str) -> TestApp {
        TestApp {
            base: base.to_owned(),
            clock: self.clock.clone(),
            sigil: self.sigil.clone(),
            dir: self.dir.clone(),
            database_url: self.database_url.clone(),
            node: self.node.clone(),
            _task: tokio::spawn(async {}),
        }
    }

    /// The one integer `sql` returns, read from this server's database directly.
    pub async fn query_i64(&self, sql: &str) -> i64 {
        sigil_store::testing::query_i64(&self.database_url, sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e:#}"))
    }
}

/// One browser: its own cookies; redirects are returned, not followed.
pub struct Browser {
    pub client: reqwest::Client,
    jar: Arc<Jar>,
    base: String,
    pub accept_language: String,
}

impl TestApp {
    pub async fn browser(&self) -> Browser {
        self.browser_in("en").await
    }

    pub async fn browser_in(&self, accept_language: &str) -> Browser {
        self.browser_as(accept_language, FIREFOX).await
    }

    /// A browser that names itself `user_agent` (a phone's, to be told apart from the
    /// desktop Firefox the others are).
    pub async fn browser_as(&self, accept_language: &str, user_agent: &str) -> Browser {
        let jar = Arc::new(Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(Policy::none())
            .user_agent(user_agent)
            .build()
            .expect("client");
        let b = Browser {
            client,
            jar,
            base: self.base.clone(),
            accept_language: accept_language.into(),
        };
        // Like a person, the browser opens a page before it posts a form.
        let r = b.get("/login").await;
        assert!(r.status().is_success() || r.status().is_redirection());
        b
    }

    /// A browser with a fresh account signed in.
    pub async fn signed_in(&self, login: &str) -> Browser {
        let b = self.browser().await;
        let r = b.register(login, "", PASSWORD).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "registration of {login}");
        b
    }
}

impl Browser {
    /// A browser for a server this process did not start (the real binary, or a load
    /// balancer in front of several nodes); like the others, it opens `/login` first.
    /// With `connection_per_request`, every request opens a connection of its own (and
    /// asks the server to close it), so a balancer that picks a node per connection
    /// sends each request to the next node.
    pub async fn at(base: &str, connection_per_request: bool) -> Browser {
        let jar = Arc::new(Jar::default());
        let mut builder = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(Policy::none())
            .user_agent(FIREFOX);
        if connection_per_request {
            builder = builder
                .pool_max_idle_per_host(0)
                .default_headers(one_request_per_connection());
        }
        let b = Browser {
            client: builder.build().expect("client"),
            jar,
            base: base.trim_end_matches('/').to_owned(),
            accept_language: "en".into(),
        };
        let r = b.get("/login").await;
        assert!(r.status().is_success() || r.status().is_redirection());
        b
    }

    /// This browser, its cookies and all, speaking to `base` instead (one node behind
    /// the balancer; cookies ignore the port).
    pub fn via(&self, base: &str) -> Browser {
        Browser {
            client: self.client.clone(),
            jar: self.jar.clone(),
            base: base.trim_end_matches('/').to_owned(),
            accept_language: self.accept_language.clone(),
        }
    }
}

/// `Connection: close`, for clients that must not reuse a connection.
pub fn one_request_per_connection() -> reqwest::header::HeaderMap {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::CONNECTION,
        reqwest::header::HeaderValue::from_static("close"),
    );
    headers
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    #[must_use = "a step whose answer is not checked fails far from its cause"]
    pub async fn get(&self, path: &str) -> Response {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            self.url(path)
        };
        self.client
            .get(url)
            .header("accept-language", &self.accept_language)
            .send()
            .await
            .expect("GET")
    }

    #[must_use = "a step whose answer is not checked fails far from its cause"]
    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let r = self.get(path).await;
        let status = r.status();
        (status, r.text().await.expect("body"))
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        let url = self.base.parse().expect("url");
        let header = self.jar.cookies(&url)?;
        let header = header.to_str().ok()?.to_owned();
        header
            .split("; ")
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")).map(str::to_owned))
    }

    /// Posts a form with the browser's CSRF token added.
    #[must_use = "a step whose answer is not checked fails far from its cause"]
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.cookie("sigil_csrf").expect("csrf cookie");
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf", &token));
        self.post_raw(path, &all).await
    }

    /// Posts exactly these fields.
    #[must_use = "a step whose answer is not checked fails far from its cause"]
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let body: String = form_urlencoded(fields);
        self.client
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept-language", &self.accept_language)
            .body(body)
            .send()
            .await
            .expect("POST")
    }

    #[must_use = "a step whose answer is not checked fails far from its cause"]
    pub async fn register(&self, login: &str, email: &str, password: &str) -> Response {
        self.post_form(
            "/register",
            &[("login", login), ("email", email), ("password", password)],
        )
        .await
    }

    #[must_use = "a step whose answer is not checked fails far from its cause"]
    pub async fn sign_in(&self, identifier: &str, password: &str) -> Response {
        self.post_form(
            "/login",
            &[("identifier", identifier), ("password", password)],
        )
        .await
    }

    #[must_use = "a step whose answer is not checked fails far from its cause"]
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (StatusCode, serde_json::Value) {
        let mut req = self
            .client
            .request(method, self.url(path))
            .header("accept-language", &self.accept_language);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.expect("API call");
        let status = r.status();
        let text = r.text().await.expect("body");
        let json = if text.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&text).expect("JSON body")
        };
        (status, json)
    }
}

pub fn form_urlencoded(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn location(r: &Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The text of the element carrying `data-field="key"` on the profile page.
pub fn field_text(html: &str, key: &str) -> String {
    let re = Regex::new(&format!(r#"(?s)data-field="{key}">(.*?)</"#)).expect("regex");
    re.captures(html)
        .map(|c| c[1].trim().to_owned())
        .unwrap_or_default()
}

pub fn set_cookie_headers(r: &Response) -> Vec<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect()
}
