//! Durability under a crash: the real binary takes several hundred concurrent writes of
//! three kinds (profile edits, registrations, refresh-token rotations) and is killed
//! with SIGKILL in the middle of the burst; restarted on the same data, every write it
//! acknowledged with a 2xx is there, and nothing is half-written. SQLite runs in WAL
//! mode with synchronous=NORMAL: a crash of the process (not of the machine) loses
//! nothing committed, and this test holds it to that.
//!
//! What "an acknowledged write is there" means, kind by kind. Each client sends its
//! writes one after another and stops at the first without a 2xx answer, so at most
//! one write per client is in doubt (sent, never answered: it may or may not have
//! committed before the kill).
//! - A profile edit: the person's value is the last acknowledged one, or the one in
//!   doubt; and there is one `profile.updated` event per edit that took (the
//!   acknowledged ones, plus the one in doubt exactly when its value is there).
//! - A registration: the account exists with everything registration writes (event,
//!   session, mail language, the email's pending verification and its queued mail) and
//!   signs in with its password. One in doubt exists whole or not at all.
//! - A refresh rotation: a chain's rotations are numbered by the generation of the
//!   token they return. After the restart the grant's generation is the newest
//!   acknowledged one, or one more when the rotation in doubt committed. In the first
//!   case the newest acknowledged token refreshes; in the second it is recognised as an
//!   earlier generation of a rotated grant (a replay: refused, and the grant ends).
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sigil_store::testing::{query_i64, scratch_database, Backend};

use crate::cluster::{post_client_at, refresh};
use crate::helpers::{location, Browser, PASSWORD};
use crate::oidc_helpers::{authorize, authorize_path, pkce, url_param, Rp, REDIRECT};
use crate::on_both_backends;
use crate::sigil_process::{Installation, Node};

on_both_backends!(every_acknowledged_write_survives_a_sigkill_in_the_middle_of_a_burst);

/// People editing their profile, each a chain of `EDITS` edits.
const EDITORS: usize = 24;
const EDITS: usize = 12;
/// Grants refreshed, each a chain of `ROTATIONS` rotations.
const CHAINS: usize = 16;
const ROTATIONS: usize = 12;
/// Registrations, all at once.
const NEWCOMERS: usize = 60;
const WRITES: usize = EDITORS * EDITS + CHAINS * ROTATIONS + NEWCOMERS;
/// The kill comes once this many writes were acknowledged.
const KILL_AFTER: usize = WRITES * 2 / 5;

/// One client's chain of writes: what was acknowledged, in order, and the write in
/// doubt (sent, not acknowledged), if any.
#[derive(Clone, Debug, Default)]
struct Chain {
    acknowledged: Vec<String>,
    in_doubt: Option<String>,
    /// An answer other than the success expected: from a live server, so before the
    /// kill (a killed server answers nothing).
    refused: Option<String>,
}

impl Chain {
    /// Whether the answer is the success expected; notes a refusal.
    fn answered(&mut self, answer: Option<StatusCode>, expected: StatusCode) -> bool {
        match answer {
            Some(status) if status == expected => true,
            Some(status) => {
                self.refused = Some(format!("{status} for {:?}", self.in_doubt));
                false
            }
            None => false,
        }
    }
}

type Shared = Arc<Mutex<Chain>>;

async fn every_acknowledged_write_survives_a_sigkill_in_the_middle_of_a_burst(backend: Backend) {
    let name = uuid::Uuid::new_v4().simple().to_string();
    let root = std::env::temp_dir().join(format!("sigil-crash-{name}"));
    std::fs::create_dir_all(&root).expect("temp dir");
    let database_url = scratch_database(backend, &root, &name)
        .await
        .expect("scratch database");
    // Every registration comes from 127.0.0.1: the per-address allowance is lifted.
    let toml = "[throttle]\nper_ip = 100000\nper_account = 100000\n";
    let install = Installation::new(database_url.clone(), "http://id.crash.example".into(), toml);
    let mut node = install.start("crash").await;
    let rp = application(&install);
    let sql = |q: String| {
        let url = database_url.clone();
        async move {
            query_i64(&url, &q)
                .await
                .unwrap_or_else(|e| panic!("{q}: {e:#}"))
        }
    };

    // Prepared before the burst: signed-in editors, grants with their first refresh
    // token, and newcomers' browsers on the registration form.
    let mut editors = Vec::new();
    for i in 0..EDITORS {
        editors.push(registered(&node, &format!("editor{i}")).await);
    }
    let mut holders = Vec::new();
    for i in 0..CHAINS {
        let login = format!("holder{i}");
        let b = registered(&node, &login).await;
        let first = first_refresh_token(&node, &rp, &b, &login).await;
        holders.push((b, first));
    }
    let mut newcomers = Vec::new();
    for _ in 0..NEWCOMERS {
        newcomers.push(Browser::at(&node.base, false).await);
    }

    // The burst: every client at once, each its writes one after another.
    let acked = Arc::new(AtomicUsize::new(0));
    let mut burst = tokio::task::JoinSet::new();
    let mut edit_chains = Vec::new();
    for (i, b) in editors.iter().enumerate() {
        let chain = Shared::default();
        edit_chains.push(chain.clone());
        let (b, acked) = (b.via(&node.base), acked.clone());
        burst.spawn(async move {
            for k in 0..EDITS {
                let value = format!("e{i}v{k}");
                chain.lock().expect("chain").in_doubt = Some(value.clone());
                let body = json!({ "fields": { "nickname": value } });
                let answer = b
                    .client
                    .patch(b.url("/api/v1/me"))
                    .json(&body)
                    .send()
                    .await
                    .ok()
                    .map(|r| r.status());
                let mut c = chain.lock().expect("chain");
                if !c.answered(answer, StatusCode::OK) {
                    return;
                }
                c.in_doubt = None;
                c.acknowledged.push(value);
                acked.fetch_add(1, Ordering::SeqCst);
            }
        });
    }
    let mut refresh_chains = Vec::new();
    for (_, first) in &holders {
        let chain = Shared::default();
        refresh_chains.push(chain.clone());
        let (base, rp, acked) = (node.base.clone(), copy(&rp), acked.clone());
        let mut token = first.clone();
        burst.spawn(async move {
            for _ in 0..ROTATIONS {
                chain.lock().expect("chain").in_doubt = Some(token.clone());
                let answer = refresh_quietly(&base, &rp, &token).await;
                let mut c = chain.lock().expect("chain");
                if !c.answered(answer.as_ref().map(|a| a.0), StatusCode::OK) {
                    return;
                }
                let next = answer
                    .and_then(|(_, body)| body["refresh_token"].as_str().map(str::to_owned))
                    .expect("a rotated refresh token");
                c.in_doubt = None;
                c.acknowledged.push(next.clone());
                acked.fetch_add(1, Ordering::SeqCst);
                token = next;
            }
        });
    }
    let mut registrations = Vec::new();
    for (n, b) in newcomers.iter().enumerate() {
        let chain = Shared::default();
        registrations.push(chain.clone());
        let (b, acked) = (b.via(&node.base), acked.clone());
        burst.spawn(async move {
            let login = format!("new{n}");
            chain.lock().expect("chain").in_doubt = Some(login.clone());
            let token = b.cookie("sigil_csrf").expect("csrf cookie");
            let email = format!("{login}@example.org");
            let form = [
                ("login", login.as_str()),
                ("email", &email),
                ("password", PASSWORD),
                ("csrf", &token),
            ];
            let answer = b.client.post(b.url("/register")).form(&form).send().await;
            let mut c = chain.lock().expect("chain");
            if c.answered(answer.ok().map(|r| r.status()), StatusCode::SEE_OTHER) {
                c.in_doubt = None;
                c.acknowledged.push(login);
                acked.fetch_add(1, Ordering::SeqCst);
            }
        });
    }

    // SIGKILL in the middle of the burst.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(300);
    while acked.load(Ordering::SeqCst) < KILL_AFTER {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the burst stalled at {} acknowledged writes",
            acked.load(Ordering::SeqCst)
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    node.kill();
    let at_kill = acked.load(Ordering::SeqCst);
    if backend == Backend::Sqlite {
        // The killed process closed nothing: its last commits wait in the WAL for the
        // next open to recover them (nothing here opens the file before the restart).
        let wal = format!("{}-wal", database_url.trim_start_matches("sqlite://"));
        let size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        assert!(size > 0, "a write-ahead log at {wal}");
    }
    while let Some(done) = burst.join_next().await {
        done.expect("a client");
    }
    let in_doubt = |chains: &[Shared]| {
        chains
            .iter()
            .filter(|c| c.lock().expect("chain").in_doubt.is_some())
            .count()
    };
    let doubtful = in_doubt(&edit_chains) + in_doubt(&refresh_chains) + in_doubt(&registrations);
    let acknowledged = |chains: &[Shared]| {
        chains
            .iter()
            .map(|c| c.lock().expect("chain").acknowledged.len())
            .sum::<usize>()
    };
    eprintln!(
        "{backend:?}: killed after {at_kill} of {WRITES} writes acknowledged; \
         edits {} acknowledged / {} in doubt, rotations {} / {}, registrations {} / {}",
        acknowledged(&edit_chains),
        in_doubt(&edit_chains),
        acknowledged(&refresh_chains),
        in_doubt(&refresh_chains),
        acknowledged(&registrations),
        in_doubt(&registrations),
    );
    let refused: Vec<String> = [&edit_chains, &refresh_chains, &registrations]
        .iter()
        .flat_map(|chains| chains.iter())
        .filter_map(|c| c.lock().expect("chain").refused.clone())
        .collect();
    assert!(refused.is_empty(), "refused under the burst: {refused:?}");
    // Answers already on their way may still arrive after the kill: they count.
    assert!(
        acked.load(Ordering::SeqCst) < WRITES,
        "the kill came before the burst ended"
    );
    assert!(doubtful > 0, "writes were in flight at the kill");

    // Restarted on the same data.
    let node = install.start("crash").await;

    // Profile edits.
    let mut took_in_doubt = [0usize; 3];
    for (b, chain) in editors.iter().zip(&edit_chains) {
        let chain = chain.lock().expect("chain").clone();
        let b = b.via(&node.base);
        let (status, me) = b.api(Method::GET, "/api/v1/me", None).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "the session outlived the crash: {me}"
        );
        let value = me["fields"]["nickname"].as_str().map(str::to_owned);
        let took_doubtful = value.is_some() && value == chain.in_doubt;
        if !took_doubtful {
            assert_eq!(value.as_ref(), chain.acknowledged.last(), "{chain:?}");
        }
        let id = me["id"].as_str().expect("id");
        let events = sql(format!(
            "SELECT COUNT(*) FROM events WHERE user_id = '{id}' AND category = 'profile.updated'"
        ))
        .await;
        took_in_doubt[0] += usize::from(took_doubtful);
        let took = chain.acknowledged.len() + usize::from(took_doubtful);
        assert_eq!(
            events, took as i64,
            "one event per edit that took: {chain:?}"
        );
    }

    // Refresh rotations.
    for ((b, first), chain) in holders.iter().zip(&refresh_chains) {
        let chain = chain.lock().expect("chain").clone();
        let (_, me) = b.via(&node.base).api(Method::GET, "/api/v1/me", None).await;
        let id = me["id"].as_str().expect("id");
        let generation = sql(format!(
            "SELECT refresh_generation FROM token_families WHERE user_id = '{id}'"
        ))
        .await;
        let acknowledged = chain.acknowledged.len() as i64;
        let newest = chain.acknowledged.last().unwrap_or(first);
        let (status, body) = refresh(&node.base, &rp, newest).await;
        if generation == acknowledged {
            assert_eq!(
                status,
                StatusCode::OK,
                "the newest acknowledged token: {body}"
            );
        } else {
            took_in_doubt[1] += 1;
            assert!(
                chain.in_doubt.is_some() && generation == acknowledged + 1,
                "generation {generation} after {acknowledged} acknowledged rotations"
            );
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
            assert_eq!(body["error"], "invalid_grant");
            let ended = sql(format!(
                "SELECT COUNT(*) FROM token_families WHERE user_id = '{id}' \
                 AND revoked_at IS NOT NULL"
            ))
            .await;
            assert_eq!(ended, 1, "recognised as an earlier generation: a replay");
        }
    }

    // Registrations: every acknowledged one signs in; one in doubt is whole or absent.
    for chain in &registrations {
        let chain = chain.lock().expect("chain").clone();
        for login in &chain.acknowledged {
            let b = Browser::at(&node.base, false).await;
            let r = b.sign_in(login, PASSWORD).await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "{login} signs in");
            assert_eq!(location(&r), "/profile", "{login} signs in");
        }
    }

    // Nothing half-written anywhere.
    let people = "FROM users u WHERE NOT u.is_operator";
    let partial = [
        format!("SELECT COUNT(*) {people} AND NOT EXISTS (SELECT 1 FROM events e WHERE e.user_id = u.id AND e.category = 'account.registered')"),
        format!("SELECT COUNT(*) {people} AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id)"),
        format!("SELECT COUNT(*) {people} AND u.mail_locale IS NULL"),
        format!("SELECT COUNT(*) {people} AND u.login LIKE 'new%' AND NOT EXISTS (SELECT 1 FROM contact_verifications v JOIN outbox o ON o.id = v.message_id WHERE v.user_id = u.id)"),
        "SELECT COUNT(*) FROM events e WHERE e.user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = e.user_id)".into(),
        "SELECT COUNT(*) FROM contact_verifications v WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = v.message_id)".into(),
    ];
    for q in partial {
        assert_eq!(sql(q.clone()).await, 0, "{q}");
    }
    let registered = sql("SELECT COUNT(*) FROM users WHERE login LIKE 'new%'".into()).await;
    let acknowledged: usize = registrations
        .iter()
        .map(|c| c.lock().expect("chain").acknowledged.len())
        .sum();
    let doubtful = in_doubt(&registrations);
    assert!(
        (acknowledged as i64..=(acknowledged + doubtful) as i64).contains(&registered),
        "{registered} accounts for {acknowledged} acknowledged and {doubtful} in doubt"
    );
    if backend == Backend::Sqlite {
        let wal = "SELECT COUNT(*) FROM pragma_journal_mode() WHERE journal_mode = 'wal'";
        assert_eq!(sql(wal.into()).await, 1, "the database runs in WAL mode");
    }
    took_in_doubt[2] = (registered - acknowledged as i64) as usize;
    eprintln!("{backend:?}: writes in doubt that took (edits, rotations, registrations): {took_in_doubt:?}");
    drop(node);
}

/// The application, registered with the real binary as an operator would.
fn application(install: &Installation) -> Rp {
    let out = install.run(
        "crash",
        &[
            "app",
            "create",
            "--name",
            "Crash app",
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

fn copy(rp: &Rp) -> Rp {
    Rp {
        client_id: rp.client_id.clone(),
        secret: rp.secret.clone(),
        redirect: rp.redirect.clone(),
    }
}

/// A browser with a fresh account `login` signed in.
async fn registered(node: &Node, login: &str) -> Browser {
    let b = Browser::at(&node.base, false).await;
    let r = b.register(login, "", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "registration of {login}");
    b
}

/// The refresh token of a code flow the signed-in `b` goes through.
async fn first_refresh_token(node: &Node, rp: &Rp, b: &Browser, login: &str) -> String {
    let (verifier, challenge) = pkce();
    let back = authorize(b, &authorize_path(rp, "openid", &challenge, &[]), login).await;
    let code = url_param(&back, "code").expect("a code");
    let (status, tokens) = post_client_at(
        &node.base,
        rp,
        "/oauth/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    tokens["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_owned()
}

/// A refresh; `None` when no answer came (the server was killed under it).
async fn refresh_quietly(base: &str, rp: &Rp, token: &str) -> Option<(StatusCode, Value)> {
    let answer = reqwest::Client::new()
        .post(format!("{base}/oauth/token"))
        .basic_auth(&rp.client_id, rp.secret.as_deref())
        .form(&[("grant_type", "refresh_token"), ("refresh_token", token)])
        .send()
        .await;
    let r = answer.ok()?;
    let status = r.status();
    // A body cut off by the kill is no answer either.
    let body = r.json().await.ok()?;
    Some((status, body))
}
