//! The applications each node holds in memory, for the client lookup of the token,
//! introspection and revocation endpoints (a round trip per request otherwise).
//!
//! Several nodes share one database, and the CLI (or an operator with a SQL shell) is
//! one more writer. How a change reaches every node within seconds:
//!
//! - **A generation counter, moved by the database.** A trigger on `applications`
//!   (migration 0025) moves a one-row counter in the transaction of every change, made
//!   by whoever. Each node reads it every [`APP_CHECK_INTERVAL`] ([`Sigil::check_apps`],
//!   a background job of `sigil serve`) and drops everything it holds when it moved.
//! - **Trusted only while checked.** What a node holds is used only while its last
//!   check started less than [`APP_TRUST`] ago and the database has not failed
//!   moments ago: a node whose checks stall (the database slow or gone) asks the
//!   database again on every request, so it never answers from memory for longer than
//!   [`APP_TRUST`] after a change, and a node cut off from its database issues nothing.
//! - **No stale fill.** A lookup that missed notes the epoch (how many times the node
//!   dropped what it held) before it reads the database, and keeps what it read only if
//!   the epoch has not moved since: an application read before a change can never be
//!   kept after the check that noticed it.
//! - **This node's own changes** drop what it holds as soon as they are committed.
//! - **A grant that reads nothing else** (client_credentials) waits for a read of the
//!   generation that started after the request arrived ([`Sigil::confirm_apps`]): no
//!   token without the database, and no change made elsewhere outlived even for a
//!   second. Requests that arrive together share one such read.
//!
//! Only what authenticates a client and what it may ask for is served from here;
//! whether a person may still enter a closed application, and every grant, session
//! and revocation, is read from the database on every request.
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::error::CoreError;
use crate::ids::ClientId;
use crate::oidc::application::Application;
use crate::ports::{StoreError, StoreResult, Tx};
use crate::services::Sigil;

/// How often a node reads the application generation.
pub const APP_CHECK_INTERVAL: Duration = Duration::from_secs(1);

/// How long after its last successful check a node still answers from memory: the
/// longest a change made elsewhere can go unnoticed.
pub const APP_TRUST: Duration = Duration::from_secs(3);

/// More applications than an installation registers; past it, lookups are not kept.
const CAPACITY: usize = 4096;

#[derive(Default)]
struct Held {
    /// The generation read at the last check; `None` before the first.
    generation: Option<i64>,
    /// When the last successful check started.
    checked: Option<Instant>,
    /// When the last failed check ended.
    failed: Option<Instant>,
    /// Moves whenever `apps` is dropped.
    epoch: u64,
    apps: HashMap<String, Arc<Application>>,
}

impl Held {
    fn trusted(&self, now: Instant) -> bool {
        self.checked
            .is_some_and(|at| now.saturating_duration_since(at) < APP_TRUST)
    }

    fn drop_all(&mut self) {
        self.apps.clear();
        self.epoch = self.epoch.wrapping_add(1);
    }
}

/// The applications held by this node (see the module's doc).
#[derive(Default)]
pub struct HeldApps {
    held: RwLock<Held>,
    /// Taken by [`Sigil::confirm_apps`] around its read, so that the requests waiting
    /// meanwhile find it done instead of each reading again.
    confirming: tokio::sync::Mutex<()>,
}

/// What the checks say about a request that arrived at some instant.
enum Since {
    /// A check that started since succeeded.
    Confirmed,
    /// A check failed since: the database did not answer after the request arrived.
    Failed,
    /// Neither.
    Unknown,
}

/// What a lookup found in memory.
enum Lookup {
    Hit(Arc<Application>),
    /// Not held (or not trusted): read the database, then keep it if the epoch is
    /// still this one.
    Miss(Option<u64>),
}

impl HeldApps {
    fn lookup(&self, client_id: &str, now: Instant) -> Lookup {
        let Ok(held) = self.held.read() else {
            return Lookup::Miss(None);
        };
        if !held.trusted(now) {
            return Lookup::Miss(None);
        }
        match held.apps.get(client_id) {
            Some(app) => Lookup::Hit(app.clone()),
            None => Lookup::Miss(Some(held.epoch)),
        }
    }

    fn keep(&self, epoch: u64, app: &Application) {
        if let Ok(mut held) = self.held.write() {
            if held.epoch == epoch && held.apps.len() < CAPACITY {
                held.apps
                    .insert(app.client_id.0.clone(), Arc::new(app.clone()));
            }
        }
    }

    /// Records a check that started at `started` and read `generation`.
    fn checked(&self, generation: i64, started: Instant) {
        if let Ok(mut held) = self.held.write() {
            if held.generation != Some(generation) {
                held.drop_all();
                held.generation = Some(generation);
            }
            if held.checked.is_none_or(|at| at < started) {
                held.checked = Some(started);
            }
        }
    }

    /// Records a check that failed just now.
    fn failed(&self) {
        let now = Instant::now();
        if let Ok(mut held) = self.held.write() {
            if held.failed.is_none_or(|at| at < now) {
                held.failed = Some(now);
            }
        }
    }

    /// Whether a check that started at or after `arrived` succeeded, or one failed
    /// after it.
    fn since(&self, arrived: Instant) -> Since {
        let Ok(held) = self.held.read() else {
            return Since::Unknown;
        };
        if held.checked.is_some_and(|at| at >= arrived) {
            Since::Confirmed
        } else if held.failed.is_some_and(|at| at >= arrived) {
            Since::Failed
        } else {
            Since::Unknown
        }
    }

    /// Drops everything held: after this node changed an application.
    pub(crate) fn forget(&self) {
        if let Ok(mut held) = self.held.write() {
            held.drop_all();
        }
    }

    fn count(&self) -> usize {
        self.held.read().map(|h| h.apps.len()).unwrap_or(0)
    }
}

impl Sigil {
    /// Reads the application generation and drops what this node holds if it moved:
    /// one one-row read, every [`APP_CHECK_INTERVAL`]. Also lets go of the profiles
    /// userinfo holds that nobody asked for lately.
    pub async fn check_apps(&self) -> Result<(), CoreError> {
        let started = Instant::now();
        self.profiles.forget_unused(started);
        Ok(self.read_generation(started).await?)
    }

    /// Reads the application generation (the read began at `started`) and records
    /// the check's outcome.
    async fn read_generation(&self, started: Instant) -> StoreResult<()> {
        match async { self.store.read().await?.app_generation().await }.await {
            Ok(generation) => {
                self.held_apps.checked(generation, started);
                Ok(())
            }
            Err(e) => {
                self.held_apps.failed();
                Err(e)
            }
        }
    }

    /// Waits for a read of the application generation that started after this call
    /// (as [`Self::check_apps`] makes), for a grant that reads nothing else: what the
    /// node holds is then used only at a generation read since the request arrived, so
    /// a node cut off from its database issues no token, and a change made anywhere
    /// counts at once. Callers that arrive while a read is under way wait for it and
    /// share the next one: under load one read confirms many requests. A read that
    /// fails answers every request waiting for it at once (so none waits for the
    /// database twice).
    pub(crate) async fn confirm_apps(&self) -> StoreResult<()> {
        let arrived = Instant::now();
        let _turn = self.held_apps.confirming.lock().await;
        match self.held_apps.since(arrived) {
            Since::Confirmed => return Ok(()),
            Since::Failed => {
                return Err(StoreError::Unavailable(anyhow::anyhow!(
                    "the application generation could not be read"
                )))
            }
            Since::Unknown => {}
        }
        self.read_generation(Instant::now()).await
    }

    /// How many applications this node holds in memory now (for the tests).
    pub fn held_app_count(&self) -> usize {
        self.held_apps.count()
    }

    /// The application `client_id` names, from memory when it is held and trusted,
    /// else read through `conn` (which `conn` opens only then).
    pub(crate) async fn held_app(
        &self,
        conn: &mut Option<Box<dyn Tx>>,
        client_id: &str,
    ) -> StoreResult<Option<Application>> {
        let epoch = if self.store.recently_unavailable() {
            None
        } else {
            match self.held_apps.lookup(client_id, Instant::now()) {
                Lookup::Hit(app) => return Ok(Some((*app).clone())),
                Lookup::Miss(epoch) => epoch,
            }
        };
        let handle = match conn {
            Some(handle) => handle,
            None => conn.insert(self.store.read().await?),
        };
        let found = handle.find_app(&ClientId(client_id.to_owned())).await?;
        if let (Some(app), Some(epoch)) = (&found, epoch) {
            self.held_apps.keep(epoch, app);
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(id: &str) -> Application {
        Application {
            client_id: ClientId(id.into()),
            secret_hash: None,
            name: id.into(),
            description: String::new(),
            app_type: crate::oidc::application::AppType::Service,
            logo_url: None,
            home_url: None,
            redirect_uris: Vec::new(),
            post_logout_redirect_uris: Vec::new(),
            grant_types: Vec::new(),
            scopes: crate::oidc::scope::ScopeSet::default(),
            access_token_ttl: time::Duration::minutes(5),
            id_token_ttl: time::Duration::minutes(5),
            refresh_token_ttl: time::Duration::days(1),
            signing_alg: crate::oidc::jose::SigningAlg::EdDSA,
            closed: false,
            in_catalog: false,
            allow_no_pkce: false,
            backchannel_logout_uri: None,
            backchannel_logout_session_required: false,
            created_at: time::OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn nothing_is_served_before_a_check_nor_after_the_trust_runs_out() {
        let held = HeldApps::default();
        let t0 = Instant::now();
        assert!(matches!(held.lookup("a", t0), Lookup::Miss(None)));
        held.checked(1, t0);
        let Lookup::Miss(Some(epoch)) = held.lookup("a", t0) else {
            panic!("a miss to fill");
        };
        held.keep(epoch, &app("a"));
        assert!(matches!(held.lookup("a", t0), Lookup::Hit(_)));
        assert!(matches!(
            held.lookup("a", t0 + APP_TRUST),
            Lookup::Miss(None)
        ));
    }

    #[test]
    fn a_moved_generation_drops_everything_and_refuses_fills_read_before() {
        let held = HeldApps::default();
        let t0 = Instant::now();
        held.checked(1, t0);
        let Lookup::Miss(Some(before)) = held.lookup("a", t0) else {
            panic!("a miss to fill");
        };
        held.keep(before, &app("b"));
        held.checked(2, t0);
        assert!(matches!(held.lookup("b", t0), Lookup::Miss(Some(_))));
        held.keep(before, &app("a"));
        assert!(matches!(held.lookup("a", t0), Lookup::Miss(Some(_))));
    }

    #[test]
    fn a_request_is_confirmed_only_by_a_check_begun_after_it_arrived() {
        let held = HeldApps::default();
        let before = Instant::now();
        std::thread::sleep(Duration::from_millis(2));
        let arrived = Instant::now();
        assert!(matches!(held.since(arrived), Since::Unknown));
        held.checked(1, before);
        assert!(
            matches!(held.since(arrived), Since::Unknown),
            "begun before the request"
        );
        held.checked(1, Instant::now());
        assert!(matches!(held.since(arrived), Since::Confirmed));
        let later = Instant::now();
        assert!(matches!(held.since(later), Since::Unknown));
        held.failed();
        assert!(matches!(held.since(later), Since::Failed));
    }
}
