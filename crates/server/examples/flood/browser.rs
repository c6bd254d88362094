//! One browser (its own connection and cookies) or one application speaking to Sigil.
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use sha2::{Digest, Sha256};

pub const REDIRECT: &str = "https://rp.example/callback";
pub const SESSION: &str = "sigil_session";
pub const CSRF: &str = "sigil_csrf";

/// What a request answered, with how long it took.
pub struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
    pub took: Duration,
}

pub struct Browser {
    client: reqwest::Client,
    base: String,
    pub cookies: BTreeMap<String, String>,
}

impl Browser {
    pub fn new(base: &str) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(1)
            .tcp_nodelay(true)
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(Self {
            client,
            base: base.trim_end_matches('/').to_owned(),
            cookies: BTreeMap::new(),
        })
    }

    /// An application's side on an existing connection pool (no cookies).
    pub fn with_client(client: reqwest::Client, base: &str) -> Self {
        Self {
            client,
            base: base.trim_end_matches('/').to_owned(),
            cookies: BTreeMap::new(),
        }
    }

    /// The `Cookie` header this browser sends.
    pub fn cookie_header(&self) -> String {
        let pairs: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        pairs.join("; ")
    }

    pub fn forget(&mut self, name: &str) {
        self.cookies.remove(name);
    }

    pub async fn get(&mut self, path: &str) -> anyhow::Result<Answer> {
        let request = self.client.get(format!("{}{path}", self.base));
        self.send(request).await
    }

    pub async fn post_form(&mut self, path: &str, form: &[(&str, &str)]) -> anyhow::Result<Answer> {
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(encode(form));
        self.send(request).await
    }

    /// A request of an application's (no cookies), e.g. to the token endpoint.
    pub async fn call(&self, request: reqwest::RequestBuilder) -> anyhow::Result<Answer> {
        let started = Instant::now();
        let response = request.send().await?;
        read(response, started).await
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn send(&mut self, mut request: reqwest::RequestBuilder) -> anyhow::Result<Answer> {
        if !self.cookies.is_empty() {
            request = request.header("cookie", self.cookie_header());
        }
        let started = Instant::now();
        let response = request.send().await?;
        for value in response.headers().get_all("set-cookie") {
            let Ok(text) = value.to_str() else { continue };
            let pair = text.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() || text.contains("Max-Age=0") {
                    self.cookies.remove(name.trim());
                } else {
                    self.cookies
                        .insert(name.trim().to_owned(), value.to_owned());
                }
            }
        }
        read(response, started).await
    }
}

async fn read(response: reqwest::Response, started: Instant) -> anyhow::Result<Answer> {
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response.text().await?;
    Ok(Answer {
        status,
        location,
        body,
        took: started.elapsed(),
    })
}

pub fn encode(form: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish()
}

pub fn param(url_or_query: &str, name: &str) -> Option<String> {
    let query = url_or_query
        .split_once('?')
        .map_or(url_or_query, |(_, q)| q);
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// An application with a secret (client_secret_basic).
#[derive(Clone)]
pub struct App {
    pub id: String,
    pub secret: String,
}

impl App {
    pub fn basic(&self) -> String {
        format!(
            "Basic {}",
            STANDARD.encode(format!("{}:{}", self.id, self.secret))
        )
    }
}

/// The tokens of one code flow or refresh.
#[derive(Clone, Debug)]
pub struct Tokens {
    pub access: String,
    pub refresh: String,
}

fn pkce() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::Rng::fill(&mut rand::thread_rng(), &mut bytes);
    let verifier = URL_SAFE_NO_PAD.encode(bytes);
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

fn authorize_path(app: &App, challenge: &str) -> String {
    let query = encode(&[
        ("response_type", "code"),
        ("client_id", &app.id),
        ("redirect_uri", REDIRECT),
        ("scope", "openid profile email offline_access"),
        ("state", "st4te"),
        ("nonce", "n0nce"),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ]);
    format!("/oauth/authorize?{query}")
}

fn expect(answer: &Answer, status: u16, step: &str) -> anyhow::Result<()> {
    if answer.status != status {
        let body: String = answer.body.chars().take(300).collect();
        bail!("{step}: {} instead of {status}: {body}", answer.status);
    }
    Ok(())
}

/// The full password sign-in of a browser that is not signed in: the application's
/// authorization request, the sign-in form, the credentials, consent already given, the
/// code, and the application's token request.
pub async fn sign_in_flow(
    b: &mut Browser,
    app: &App,
    login: &str,
    password: &str,
) -> anyhow::Result<Tokens> {
    b.forget(SESSION);
    let (verifier, challenge) = pkce();
    let first = b.get(&authorize_path(app, &challenge)).await?;
    expect(&first, 303, "authorize")?;
    let to_login = first.location.context("authorize: no Location")?;
    if !to_login.starts_with("/login") {
        bail!("authorize sent a browser without a session to {to_login}");
    }
    let form = b.get(&to_login).await?;
    expect(&form, 200, "sign-in form")?;
    let next = param(&to_login, "next").context("no next")?;
    let csrf = b.cookies.get(CSRF).cloned().context("no form cookie")?;
    let submitted = b
        .post_form(
            "/login",
            &[
                ("csrf", &csrf),
                ("identifier", login),
                ("password", password),
                ("next", &next),
            ],
        )
        .await?;
    expect(&submitted, 303, "sign-in")?;
    let back = submitted.location.context("sign-in: no Location")?;
    code_flow_from(b, app, &back, &verifier).await
}

/// The code flow of a browser that is signed in and has consented.
pub async fn code_flow(b: &mut Browser, app: &App) -> anyhow::Result<Tokens> {
    let (verifier, challenge) = pkce();
    code_flow_from(b, app, &authorize_path(app, &challenge), &verifier).await
}

async fn code_flow_from(
    b: &mut Browser,
    app: &App,
    authorize: &str,
    verifier: &str,
) -> anyhow::Result<Tokens> {
    let answer = b.get(authorize).await?;
    expect(&answer, 303, "authorize (signed in)")?;
    let callback = answer.location.context("authorize: no Location")?;
    if !callback.starts_with(REDIRECT) {
        bail!(
            "authorize (signed in) went to {callback}, not the application: is consent remembered?"
        );
    }
    let code = param(&callback, "code").context("no code")?;
    let token = b
        .call(
            b.client()
                .post(b.url("/oauth/token"))
                .header("authorization", app.basic())
                .header("content-type", "application/x-www-form-urlencoded")
                .body(encode(&[
                    ("grant_type", "authorization_code"),
                    ("code", &code),
                    ("redirect_uri", REDIRECT),
                    ("code_verifier", verifier),
                ])),
        )
        .await?;
    expect(&token, 200, "token")?;
    tokens_of(&token.body)
}

pub fn tokens_of(body: &str) -> anyhow::Result<Tokens> {
    let json: serde_json::Value = serde_json::from_str(body)?;
    let get = |k: &str| {
        json.get(k)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .with_context(|| format!("no {k} in {body}"))
    };
    Ok(Tokens {
        access: get("access_token")?,
        refresh: get("refresh_token")?,
    })
}

/// `refresh_token` grant; the answer's status and, on 200, the new tokens.
pub async fn refresh(
    b: &Browser,
    app: &App,
    token: &str,
) -> anyhow::Result<(Answer, Option<Tokens>)> {
    let answer = b
        .call(
            b.client()
                .post(b.url("/oauth/token"))
                .header("authorization", app.basic())
                .header("content-type", "application/x-www-form-urlencoded")
                .body(encode(&[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", token),
                ])),
        )
        .await?;
    let tokens = if answer.status == 200 {
        Some(tokens_of(&answer.body)?)
    } else {
        None
    };
    Ok((answer, tokens))
}

pub async fn client_credentials(b: &Browser, app: &App) -> anyhow::Result<Answer> {
    b.call(
        b.client()
            .post(b.url("/oauth/token"))
            .header("authorization", app.basic())
            .header("content-type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials"),
    )
    .await
}

pub async fn userinfo(b: &Browser, access: &str) -> anyhow::Result<Answer> {
    b.call(
        b.client()
            .get(b.url("/oauth/userinfo"))
            .header("authorization", format!("Bearer {access}")),
    )
    .await
}

/// The id of seeded account `n`: a valid UUID, computable here and in SQL (bench/scale
/// seeds `printf('%08x-%04x-4000-8000-%012x', h >> 16, h & 65535, n)` with
/// `h = (n * 42429746071) & 0xffffffffffff`), scattered over the key space like random ids.
pub fn account_id(n: u64) -> String {
    let h = n.wrapping_mul(42_429_746_071) & 0xffff_ffff_ffff;
    format!("{:08x}-{:04x}-4000-8000-{n:012x}", h >> 16, h & 0xffff)
}

pub fn login_of(n: u64) -> String {
    format!("user{n}")
}

/// The account every seeded one is copied from, made through the pages like a person
/// would: registered with `password`, the main information filled in, given and family
/// name and nickname public, and consent given to `app` for the benchmark's scopes.
pub async fn make_template(
    base: &str,
    app: &App,
    login: &str,
    password: &str,
) -> anyhow::Result<()> {
    let mut b = Browser::new(base)?;
    expect(&b.get("/register").await?, 200, "registration form")?;
    let csrf = |b: &Browser| b.cookies.get(CSRF).cloned().unwrap_or_default();
    let token = csrf(&b);
    let r = b
        .post_form(
            "/register",
            &[("csrf", &token), ("login", login), ("password", password)],
        )
        .await?;
    expect(&r, 303, "registration")?;
    let token = csrf(&b);
    let r = b
        .post_form(
            "/profile/edit",
            &[
                ("csrf", &token),
                ("block", "main"),
                ("given_name", "Ada"),
                ("family_name", "Lovelace"),
                ("nickname", "ada"),
            ],
        )
        .await?;
    expect(&r, 303, "profile edit")?;
    for field in ["given_name", "family_name", "nickname"] {
        let token = csrf(&b);
        let r = b
            .post_form(
                "/profile/privacy",
                &[("csrf", &token), ("field", field), ("level", "public")],
            )
            .await?;
        expect(&r, 303, "privacy")?;
    }
    let (_, challenge) = pkce();
    let page = b.get(&authorize_path(app, &challenge)).await?;
    expect(&page, 200, "consent page")?;
    let marker = r#"name="authz" value=""#;
    let start = page.body.find(marker).context("no consent form")? + marker.len();
    let end = page.body[start..].find('"').context("consent form")? + start;
    let authz = page.body[start..end]
        .replace("&#38;", "&")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let token = csrf(&b);
    let r = b
        .post_form(
            "/oauth/consent",
            &[("csrf", &token), ("authz", &authz), ("decision", "approve")],
        )
        .await?;
    expect(&r, 303, "consent")?;
    Ok(())
}
