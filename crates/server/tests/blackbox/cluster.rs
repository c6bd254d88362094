//! Three real `sigil serve` processes on one PostgreSQL, behind nothing but the test's
//! own round-robin balancer (every request to the next node), with a real SMTP server
//! and housekeeping every second on every node. One person's journey: register, verify
//! the email with the mailed code, log out and sign in, edit the profile, sign in to an
//! application with the `openidconnect` crate (PKCE, state, nonce; the ID token checked
//! against the JWKS of another node than the one that signed it), PostgreSQL restarting
//! under the nodes (503 meanwhile, every node back by itself), refresh, replay an
//! old refresh token (the family ends on every node), log out and sign in again, End
//! sessions of the application and log out everywhere (dead on every node). Each
//! message goes out exactly once, however many nodes' delivery jobs run; and the nodes
//! stop on SIGTERM.
use std::time::Duration;

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreIdToken, CoreIdTokenVerifier, CoreJsonWebKeySet,
    CoreProviderMetadata,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, JsonWebKeySetUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use sigil_store::testing::query_i64;

use crate::balancer::{self, Balancer};
use crate::cluster_restart::database_restarts_under;
use crate::contacts::code_and_link;
use crate::helpers::{location, one_request_per_connection, Browser, PASSWORD};
use crate::oidc_helpers::{authorize, url_param, Rp, REDIRECT};
use crate::own_postgres::OwnPostgres;
use crate::sigil_process::{Installation, Node};
use crate::smtp;

/// People registering beside Ada at the same moment.
const GUESTS: usize = 9;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_on_one_postgresql_serve_a_journey_each_request_on_the_next_node() {
    let mail = smtp::start().await;
    // A PostgreSQL of the test's own, since it is restarted under the nodes.
    let pg = OwnPostgres::start().await;
    let database_url = pg.url();
    // One installation behind one balancer: one public URL, so one issuer, for all.
    let (listener, public_url) = balancer::bind().await;
    let toml = format!(
        "housekeeping_seconds = 1\nshutdown_timeout_seconds = 5\n\
         [mail]\nsmtp_url = \"{}\"\nfrom = \"Sigil <id@example.org>\"\n",
        mail.url
    );
    let install = Installation::new(database_url.clone(), public_url, &toml);
    // Started at once, as a supervisor brings up a fresh installation.
    let (a, b, c) = tokio::join!(
        install.start("node-a"),
        install.start("node-b"),
        install.start("node-c")
    );
    let mut nodes = vec![a, b, c];
    let lb = Balancer::start(listener, nodes.iter().map(|n| n.addr).collect());
    let rp = application(&install);
    let count = |sql: &'static str| {
        let url = database_url.clone();
        async move {
            query_i64(&url, sql)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e:#}"))
        }
    };

    // Register with an email address; the mailed code confirms it.
    let laptop = Browser::at(&lb.base, true).await;
    let r = laptop.register("ada", "ada@example.org", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/profile/contacts/email"), "{r:?}");
    let received = mail.inbox.wait_for(1).await;
    let (code, _) = code_and_link(&received[0].text());
    let r = laptop
        .post_form("/profile/contacts/email/confirm", &[("code", &code)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Meanwhile others register at once through the balancer: their code mails are
    // queued on all three nodes together, each node's delivery job woken by its own.
    let mut others = tokio::task::JoinSet::new();
    for i in 0..GUESTS {
        let base = lb.base.clone();
        others.spawn(async move {
            let b = Browser::at(&base, true).await;
            let login = format!("guest{i}");
            let r = b
                .register(&login, &format!("{login}@example.org"), PASSWORD)
                .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "{login} registered");
        });
    }
    while let Some(done) = others.join_next().await {
        done.expect("a registration");
    }
    for node in &nodes {
        let me = me_on(&laptop, node).await.expect("signed in on every node");
        assert_eq!(me["email"], "ada@example.org", "on {}", node.name);
        assert_eq!(me["email_verified"], true, "on {}", node.name);
    }

    // Log out, and sign in with the address; a second browser (the phone) signs in too.
    let r = laptop.post_form("/logout", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    signed_out_on_every_node(&laptop, &nodes).await;
    let r = laptop.sign_in("ada@example.org", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let phone = Browser::at(&lb.base, true).await;
    let r = phone.sign_in("ada", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // Edit the profile; every node shows the edit.
    let r = laptop
        .post_form(
            "/profile/edit",
            &[
                ("block", "main"),
                ("given_name", "Ada"),
                ("family_name", "Lovelace"),
                ("login", "ada"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/profile?notice=saved");
    for node in &nodes {
        let me = me_on(&phone, node).await.expect("the phone is signed in");
        assert_eq!(me["fields"]["given_name"], "Ada", "on {}", node.name);
        assert_eq!(me["fields"]["family_name"], "Lovelace", "on {}", node.name);
    }

    // An application signs Ada in; its ID token checks out against another node's keys.
    let first = certified_sign_in(&lb, &rp, &laptop).await;
    let signer = lb.node_of_last("POST /oauth/token");
    let other = &nodes[(signer + 1) % nodes.len()];
    verify_with_keys_of(other, &lb, &rp, &first.id_token, &first.nonce).await;

    // PostgreSQL restarts under the nodes: 503 meanwhile, every node ready again after,
    // and the refresh token tried during the outage was not used up.
    database_restarts_under(&pg, &nodes, &rp, &first.refresh_token).await;

    // Refresh through the balancer; the new access token works on every node.
    let (status, refreshed) = refresh(&lb.base, &rp, &first.refresh_token).await;
    assert_eq!(status, StatusCode::OK, "{refreshed}");
    let rt = refreshed["refresh_token"]
        .as_str()
        .expect("rotated")
        .to_owned();
    let at = refreshed["access_token"]
        .as_str()
        .expect("access")
        .to_owned();
    for node in &nodes {
        let (status, claims) = userinfo_at(&node.base, &at).await;
        assert_eq!(status, StatusCode::OK, "userinfo on {}", node.name);
        assert_eq!(claims["preferred_username"], "ada");
    }

    // The old refresh token again: a replay. The family ends on every node.
    let (status, body) = refresh(&lb.base, &rp, &first.refresh_token).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], "invalid_grant");
    grant_dead_on_every_node(&nodes, &rp, &rt, &at).await;

    // Log out: that browser's session ends on every node, the phone's does not.
    let r = laptop.post_form("/logout", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    signed_out_on_every_node(&laptop, &nodes).await;
    for node in &nodes {
        assert!(
            me_on(&phone, node).await.is_some(),
            "phone on {}",
            node.name
        );
    }

    // Sign in again, and to the application again (the consent is remembered).
    let r = laptop.sign_in("ada", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let second = certified_sign_in(&lb, &rp, &laptop).await;
    let (status, _) = userinfo_at(&lb.base, &second.access_token).await;
    assert_eq!(status, StatusCode::OK);

    // End sessions of the application, from whichever node: its grant dies everywhere.
    let r = laptop
        .post_form(&format!("/apps/{}/end-sessions", rp.client_id), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/apps?notice=ended");
    grant_dead_on_every_node(&nodes, &rp, &second.refresh_token, &second.access_token).await;
    for node in &nodes {
        assert!(me_on(&laptop, node).await.is_some(), "still signed in");
    }

    // Log out everywhere, from one node: the phone's session is dead on the others.
    let (status, _) = laptop.page("/profile/sign-out-everywhere").await;
    assert_eq!(status, StatusCode::OK);
    let r = laptop.post_form("/profile/sign-out-everywhere", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let ended_on = lb.node_of_last("POST /profile/sign-out-everywhere");
    for node in &nodes {
        assert!(
            me_on(&phone, node).await.is_none(),
            "the phone's session ended on {} by {}",
            node.name,
            nodes[ended_on].name
        );
    }
    signed_out_on_every_node(&phone, &nodes).await;
    signed_out_on_every_node(&laptop, &nodes).await;

    // Every message queued went out exactly once, however many delivery jobs ran: a
    // few more seconds of jobs on every node first, for a second delivery to show.
    let queued = count("SELECT COUNT(*) FROM outbox WHERE channel = 'email'").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while count("SELECT COUNT(*) FROM outbox WHERE status <> 'sent'").await > 0 {
        if tokio::time::Instant::now() >= deadline {
            let unsent = [
                count("SELECT COUNT(*) FROM outbox WHERE status = 'pending'").await,
                count("SELECT COUNT(*) FROM outbox WHERE status NOT IN ('pending', 'sent')").await,
                count("SELECT COALESCE(MAX(attempts), 0) FROM outbox WHERE status <> 'sent'").await,
                count("SELECT COUNT(*) FROM outbox WHERE status <> 'sent' AND locked_until IS NOT NULL").await,
                count("SELECT COALESCE(MAX(next_attempt_at), 0) - CAST(EXTRACT(EPOCH FROM now()) AS BIGINT) FROM outbox WHERE status <> 'sent'").await,
            ];
            panic!("the outbox empties: pending, other, attempts, locked, next attempt in s: {unsent:?}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let sent =
        count("SELECT COUNT(*) FROM outbox WHERE channel = 'email' AND status = 'sent'").await;
    let delivered = mail.inbox.all();
    assert!(queued >= 1, "the code's mail was queued");
    assert_eq!(sent, queued, "every queued mail went out");
    assert_eq!(
        delivered.len() as i64,
        queued,
        "one SMTP delivery per queued mail: {:?}",
        delivered.iter().map(|m| m.subject()).collect::<Vec<_>>()
    );
    let codes: Vec<_> = delivered
        .iter()
        .filter(|m| m.text().contains(&code))
        .collect();
    assert_eq!(codes.len(), 1, "the code's mail arrived once");
    for i in 0..GUESTS {
        let to = format!("guest{i}@example.org");
        let theirs = delivered.iter().filter(|m| m.to == [to.clone()]).count();
        assert_eq!(theirs, 1, "one mail to {to}");
    }

    // Housekeeping and erasure ran, by lease, on the nodes of this installation only,
    // and again after the database came back (a journey on a busy machine may end
    // before the second second: waited for, up to a bound reached only if they stopped).
    for job in ["housekeeping", "erasure"] {
        let sql = match job {
            "housekeeping" => "SELECT runs FROM job_leases WHERE name = 'housekeeping'",
            _ => "SELECT runs FROM job_leases WHERE name = 'erasure'",
        };
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let runs = count(sql).await;
            if runs >= 2 {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{job} ran every second: {runs}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    // Each node's name in the leases begins with its process id.
    let ours: Vec<String> = nodes
        .iter()
        .map(|n| format!("holder NOT LIKE 'pid {} %'", n.pid()))
        .collect();
    let foreign = format!(
        "SELECT COUNT(*) FROM job_leases WHERE {}",
        ours.join(" AND ")
    );
    let foreign = query_i64(&database_url, &foreign).await.expect("leases");
    assert_eq!(foreign, 0, "every lease is held by one of the three nodes");

    // The balancer saw each step on a connection of its own (none rode on another's
    // connection), so consecutive requests met different nodes.
    let steps = [
        "POST /profile/contacts/email/confirm",
        "POST /profile/edit",
        "POST /apps/{client_id}/end-sessions",
        "GET /profile/sign-out-everywhere",
        "POST /profile/sign-out-everywhere",
    ];
    let met: Vec<usize> = steps
        .iter()
        .map(|s| lb.node_of_last(&s.replace("{client_id}", &rp.client_id)))
        .collect();
    let last_two = &met[met.len() - 2..];
    assert_ne!(
        last_two[0], last_two[1],
        "the confirmation page and the POST"
    );

    stop_on_sigterm(&mut nodes).await;
}

/// The application, registered with the real binary as an operator would.
fn application(install: &Installation) -> Rp {
    let out = install.run(
        "node-a",
        &[
            "app",
            "create",
            "--name",
            "Cluster app",
            "--redirect-uri",
            REDIRECT,
            "--grant-type",
            "authorization_code",
            "--grant-type",
            "refresh_token",
        ],
    );
    let created: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    Rp {
        client_id: created["client_id"].as_str().expect("id").to_owned(),
        secret: Some(
            created["client_secret"]
                .as_str()
                .expect("secret")
                .to_owned(),
        ),
        redirect: REDIRECT.into(),
    }
}

/// `GET /api/v1/me` on `node` with the browser's cookies: the account, or `None` when
/// not signed in there.
async fn me_on(b: &Browser, node: &Node) -> Option<Value> {
    let (status, me) = b.via(&node.base).api(Method::GET, "/api/v1/me", None).await;
    match status {
        StatusCode::OK => Some(me),
        StatusCode::UNAUTHORIZED => None,
        other => panic!("{other} from {}: {me}", node.name),
    }
}

/// Neither the API nor the console knows this browser on any node.
async fn signed_out_on_every_node(b: &Browser, nodes: &[Node]) {
    for node in nodes {
        assert!(
            me_on(b, node).await.is_none(),
            "signed out on {}",
            node.name
        );
        let r = b.via(&node.base).get("/profile").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "on {}", node.name);
        assert!(location(&r).starts_with("/login"), "on {}", node.name);
    }
}

/// What the relying party holds after signing the person in.
struct Grant {
    access_token: String,
    refresh_token: String,
    id_token: CoreIdToken,
    nonce: Nonce,
}

/// A relying party on the `openidconnect` crate, every request (discovery, keys,
/// token) through the balancer on a connection of its own: discovery, an authorization
/// request with PKCE (S256), state and nonce walked by the browser, the code exchange
/// and the ID token's verification (signature, issuer, audience, expiry, nonce).
async fn certified_sign_in(lb: &Balancer, rp: &Rp, b: &Browser) -> Grant {
    let http = rp_http();
    let metadata = CoreProviderMetadata::discover_async(
        IssuerUrl::new(lb.base.clone()).expect("issuer"),
        &http,
    )
    .await
    .expect("discovery");
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(rp.client_id.clone()),
        rp.secret.clone().map(ClientSecret::new),
    )
    .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).expect("redirect"));
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("profile".into()))
        .add_scope(Scope::new("email".into()))
        .set_pkce_challenge(challenge)
        .url();
    let back = authorize(b, url.as_str(), "ada").await;
    assert!(
        back.starts_with(REDIRECT),
        "back at the application: {back}"
    );
    assert_eq!(
        url_param(&back, "state").as_deref(),
        Some(state.secret().as_str())
    );
    let code = url_param(&back, "code").unwrap_or_else(|| panic!("a code in {back}"));
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .expect("token endpoint")
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("token response");
    let id_token = tokens.id_token().expect("an ID token").clone();
    let claims = id_token
        .claims(&client.id_token_verifier(), &nonce)
        .expect("a valid ID token");
    assert_eq!(claims.preferred_username().map(|u| u.as_str()), Some("ada"));
    Grant {
        access_token: tokens.access_token().secret().clone(),
        refresh_token: tokens
            .refresh_token()
            .expect("a refresh token")
            .secret()
            .clone(),
        id_token,
        nonce,
    }
}

/// The relying party's HTTP client: no redirects followed, a connection per request.
fn rp_http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(0)
        .default_headers(one_request_per_connection())
        .build()
        .expect("client")
}

/// Verifies `id_token` with the keys `node` publishes (fetched from it directly).
async fn verify_with_keys_of(
    node: &Node,
    lb: &Balancer,
    rp: &Rp,
    id_token: &CoreIdToken,
    nonce: &Nonce,
) {
    let url = JsonWebKeySetUrl::new(format!("{}/oauth/jwks", node.base)).expect("url");
    let keys = CoreJsonWebKeySet::fetch_async(&url, &rp_http())
        .await
        .expect("the node's JWKS");
    let verifier = CoreIdTokenVerifier::new_confidential_client(
        ClientId::new(rp.client_id.clone()),
        ClientSecret::new(rp.secret.clone().expect("secret")),
        IssuerUrl::new(lb.base.clone()).expect("issuer"),
        keys,
    );
    let claims = id_token
        .claims(&verifier, nonce)
        .unwrap_or_else(|e| panic!("verified with {}'s keys: {e}", node.name));
    assert_eq!(claims.issuer().as_str(), lb.base);
}

/// A POST to `path` at `base` with the client's credentials (`client_secret_basic`).
pub(crate) async fn post_client_at(
    base: &str,
    rp: &Rp,
    path: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, Value) {
    let r = rp_http()
        .post(format!("{base}{path}"))
        .basic_auth(&rp.client_id, rp.secret.as_deref())
        .form(fields)
        .send()
        .await
        .expect("POST");
    let status = r.status();
    let text = r.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

pub(crate) async fn refresh(base: &str, rp: &Rp, token: &str) -> (StatusCode, Value) {
    post_client_at(
        base,
        rp,
        "/oauth/token",
        &[("grant_type", "refresh_token"), ("refresh_token", token)],
    )
    .await
}

pub(crate) async fn userinfo_at(base: &str, access_token: &str) -> (StatusCode, Value) {
    let r = rp_http()
        .get(format!("{base}/oauth/userinfo"))
        .bearer_auth(access_token)
        .send()
        .await
        .expect("GET");
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// A grant that ended: on every node, its refresh token refreshes nothing, its access
/// token opens no userinfo, and introspection calls both inactive.
async fn grant_dead_on_every_node(
    nodes: &[Node],
    rp: &Rp,
    refresh_token: &str,
    access_token: &str,
) {
    for node in nodes {
        let (status, body) = refresh(&node.base, rp, refresh_token).await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "refresh on {}: {body}",
            node.name
        );
        assert_eq!(body["error"], "invalid_grant");
        let (status, _) = userinfo_at(&node.base, access_token).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "userinfo on {}",
            node.name
        );
        for token in [access_token, refresh_token] {
            let (status, body) =
                post_client_at(&node.base, rp, "/oauth/introspect", &[("token", token)]).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(body["active"], false, "introspection on {}", node.name);
        }
    }
}

/// SIGTERM to every node: each stops, within a bound against hanging.
async fn stop_on_sigterm(nodes: &mut [Node]) {
    for node in nodes.iter() {
        node.terminate();
    }
    for node in nodes.iter_mut() {
        let status = node
            .exited_within(Duration::from_secs(15))
            .await
            .unwrap_or_else(|| panic!("{} still runs after SIGTERM", node.name));
        // The node drains what it was answering, lets its jobs finish their item, and
        // exits 0.
        assert!(
            status.success(),
            "{} on SIGTERM: {status:?}\n{}",
            node.name,
            node.log_text()
        );
        // A drain that ran into its timeout exits 0 too: this one must have finished.
        let log = node.log_text();
        assert!(
            log.contains("every request in flight was answered and the jobs finished"),
            "{} was cut, not drained:\n{log}",
            node.name
        );
    }
}
