//! The signing keys in memory, loaded from the database, and their rotation.
//!
//! Several `sigil serve` nodes share one database, and `sigil keys rotate` is one more
//! writer; every node holds the keys in memory (opening a sealed key costs a decryption
//! and a key parse, too much for every request). How a change reaches every node:
//!
//! - **A generation counter.** Every write to the keys moves a one-row counter in the
//!   same transaction (the store does it in each key write). Each node reads the counter
//!   every [`KEY_CHECK_INTERVAL`] ([`Sigil::refresh_keys`], a background job of
//!   `sigil serve`, never on a request) and reloads its keys when it moved. A reload
//!   reads the counter before the keys, so a change committed in between shows up as a
//!   newer number at the next check, never as a number the node thinks it has seen.
//! - **Published before signing.** A rotation adds each new key with `active_from`
//!   [`KEY_ACTIVATION_DELAY`] ahead and retires the key it replaces at that same
//!   instant. Until then the new key is in every node's key set
//!   ([RFC 7517 §5](https://www.rfc-editor.org/rfc/rfc7517#section-5)) but signs
//!   nothing; the delay is longer than a node takes to notice (so no token signed with a
//!   key exists before every node publishes it) and than relying parties may cache the
//!   key set ([`JWKS_MAX_AGE`]). Which key signs is decided on every signature from the
//!   keys held and the clock, so every node switches at the same instant without a
//!   reload (node clocks are assumed in sync, as token expiry already assumes).
//! - **Old tokens keep verifying.** A retired key stays published and trusted for the
//!   retention period after it stopped signing, longer than any token lives; after that
//!   every node stops trusting it by the clock alone, and housekeeping deletes it.
//! - **Unknown key ids cost little.** A token naming a key this node does not hold makes
//!   it reload at most once per [`KEY_CHECK_INTERVAL`], so a flood of forged `kid`s does
//!   not become a flood of database reads (the counter check finds real changes anyway).
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use serde_json::{json, Value};
use time::{Duration, OffsetDateTime};

use crate::error::CoreError;
use crate::oidc::jose::{self, SigningAlg, SigningKey, StoredKey};
use crate::services::Sigil;

/// How often a node reads the key generation, and how often at most a token with an
/// unknown `kid` may make it reload the keys.
pub const KEY_CHECK_INTERVAL: Duration = Duration::seconds(2);

/// How long relying parties may cache the key set (its `Cache-Control: max-age`).
pub const JWKS_MAX_AGE: Duration = Duration::minutes(5);

/// How long after a rotation the new keys start signing: past [`JWKS_MAX_AGE`] with a
/// minute to spare, far past [`KEY_CHECK_INTERVAL`].
pub const KEY_ACTIVATION_DELAY: Duration = Duration::minutes(6);

/// The keys held and the generation they were read at.
#[derive(Default)]
struct Loaded {
    /// `None` until the first load.
    generation: Option<i64>,
    keys: Vec<Arc<SigningKey>>,
}

/// The keys every node holds: read from the database, replaced whole on reload.
#[derive(Default)]
pub struct KeyRing {
    loaded: RwLock<Arc<Loaded>>,
    /// When a token with an unknown `kid` last made this node reload.
    last_forced: Mutex<Option<OffsetDateTime>>,
    reloads: AtomicU64,
}

/// What `sigil keys rotate` did: the new key of each algorithm, and when they sign.
#[derive(Debug)]
pub struct Rotation {
    pub keys: Vec<(SigningAlg, String)>,
    pub active_from: OffsetDateTime,
}

impl KeyRing {
    fn snapshot(&self) -> Arc<Loaded> {
        self.loaded.read().map(|k| k.clone()).unwrap_or_default()
    }

    fn generation(&self) -> Option<i64> {
        self.snapshot().generation
    }

    /// Installs keys read at `generation`, unless a concurrent reload already installed
    /// a later read.
    fn replace(&self, generation: i64, keys: Vec<Arc<SigningKey>>) {
        if let Ok(mut guard) = self.loaded.write() {
            if guard.generation.is_none_or(|held| held <= generation) {
                *guard = Arc::new(Loaded {
                    generation: Some(generation),
                    keys,
                });
            }
        }
    }

    /// Whether a token with an unknown `kid` may make this node reload now; at most once
    /// per [`KEY_CHECK_INTERVAL`].
    fn may_force_reload(&self, now: OffsetDateTime) -> bool {
        let Ok(mut last) = self.last_forced.lock() else {
            return false;
        };
        if last.is_some_and(|at| now - at < KEY_CHECK_INTERVAL && at <= now) {
            return false;
        }
        *last = Some(now);
        true
    }
}

/// The algorithms with no key that is not retired.
fn missing_algs(stored: &[StoredKey]) -> Vec<SigningAlg> {
    SigningAlg::ALL
        .into_iter()
        .filter(|alg| {
            !stored
                .iter()
                .any(|k| k.alg == *alg && k.retired_at.is_none())
        })
        .collect()
}

/// Whether `key` is still published and trusted at `now`: not retired, or retired less
/// than `retention` ago.
fn is_trusted(key: &SigningKey, now: OffsetDateTime, retention: Duration) -> bool {
    key.retired_at.is_none_or(|at| now < at + retention)
}

/// The key that signs for `alg` at `now`: of the trusted keys already active, one not
/// yet retired, the latest to become active (ties broken by key id, so that every node
/// picks the same); a retired one only if no other can sign.
fn signer(
    keys: &[Arc<SigningKey>],
    alg: SigningAlg,
    now: OffsetDateTime,
    retention: Duration,
) -> Option<Arc<SigningKey>> {
    let rank = |k: &SigningKey| {
        (
            k.retired_at.is_none_or(|at| now < at),
            k.active_from,
            k.kid.clone(),
        )
    };
    keys.iter()
        .filter(|k| k.alg == alg && k.active_from <= now && is_trusted(k, now, retention))
        .max_by_key(|k| rank(k))
        .cloned()
}

impl Sigil {
    /// Loads the keys, first creating a key for every supported algorithm that has none
    /// (so relying parties that fetched the key set once know them all). Run at start.
    pub async fn load_keys(&self) -> Result<(), CoreError> {
        // A read first: on every start but the very first, every key exists and no
        // writer transaction (nor its lock) is needed.
        let stored = self.store.read().await?.list_keys().await?;
        if !missing_algs(&stored).is_empty() {
            self.add_missing_keys().await?;
        }
        self.reload_keys().await
    }

    /// Creates a key for every algorithm that has none, checked on the locked key set
    /// in the transaction that adds them: nodes starting together on an empty database
    /// create one key set, not one each.
    async fn add_missing_keys(&self) -> Result<(), CoreError> {
        let now = self.clock.now();
        let master = &self.settings.oidc.master_key;
        let mut tx = self.store.begin().await?;
        let stored = tx.lock_keys().await?;
        for alg in missing_algs(&stored) {
            let key = jose::generate(alg, master, self.random.as_ref(), now)?;
            tx.insert_key(&key).await?;
            tx.retire_keys(alg.as_str(), &key.kid, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Reloads the keys if they changed since this node read them (another node or the
    /// CLI rotated them, housekeeping dropped old ones): one one-row read when nothing
    /// changed. `sigil serve` calls it every [`KEY_CHECK_INTERVAL`]. Returns whether it
    /// reloaded.
    pub async fn refresh_keys(&self) -> Result<bool, CoreError> {
        let generation = self.store.read().await?.key_generation().await?;
        if self.keys.generation() == Some(generation) {
            return Ok(false);
        }
        self.reload_keys().await?;
        Ok(true)
    }

    /// How many times this node has read its keys from the database, for tests and
    /// diagnostics.
    pub fn key_reloads(&self) -> u64 {
        self.keys.reloads.load(Ordering::Relaxed)
    }

    async fn reload_keys(&self) -> Result<(), CoreError> {
        let mut conn = self.store.read().await?;
        // The counter first: see the module documentation.
        let generation = conn.key_generation().await?;
        let stored = conn.list_keys().await?;
        drop(conn);
        self.keys.reloads.fetch_add(1, Ordering::Relaxed);
        let master = &self.settings.oidc.master_key;
        let opened = stored
            .iter()
            .map(|k| SigningKey::open(k, master).map(Arc::new))
            .collect::<anyhow::Result<Vec<_>>>()?;
        self.keys.replace(generation, opened);
        Ok(())
    }

    /// Adds a key for `alg` that signs at once, unless one that can sign now exists on
    /// the locked key set (another node added it meanwhile).
    async fn add_signing_key(&self, alg: SigningAlg) -> Result<(), CoreError> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let stored = tx.lock_keys().await?;
        let can_sign = stored.iter().any(|k| {
            k.alg == alg && k.active_from <= now && k.retired_at.is_none_or(|at| now < at)
        });
        if !can_sign {
            let master = &self.settings.oidc.master_key;
            let key = jose::generate(alg, master, self.random.as_ref(), now)?;
            tx.insert_key(&key).await?;
            tx.retire_keys(alg.as_str(), &key.kid, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The key that signs for `alg` now.
    pub(crate) async fn signing_key(&self, alg: SigningAlg) -> Result<Arc<SigningKey>, CoreError> {
        let retention = self.settings.oidc.key_retention;
        let now = self.clock.now();
        if let Some(key) = signer(&self.keys.snapshot().keys, alg, now, retention) {
            return Ok(key);
        }
        // No key can sign for `alg`: none was made yet, or every one has aged out.
        self.reload_keys().await?;
        if let Some(key) = signer(&self.keys.snapshot().keys, alg, now, retention) {
            return Ok(key);
        }
        self.add_signing_key(alg).await?;
        self.reload_keys().await?;
        signer(&self.keys.snapshot().keys, alg, now, retention)
            .ok_or_else(|| CoreError::Unexpected(anyhow::anyhow!("no {alg:?} key")))
    }

    /// The trusted key with id `kid`; an unknown one makes this node reload, at most once
    /// per [`KEY_CHECK_INTERVAL`].
    pub(crate) async fn verification_key(&self, kid: &str) -> Option<Arc<SigningKey>> {
        let now = self.clock.now();
        let retention = self.settings.oidc.key_retention;
        let find = |loaded: &Loaded| {
            loaded
                .keys
                .iter()
                .find(|k| k.kid == kid && is_trusted(k, now, retention))
                .cloned()
        };
        if let Some(k) = find(&self.keys.snapshot()) {
            return Some(k);
        }
        if !self.keys.may_force_reload(now) {
            return None;
        }
        self.reload_keys().await.ok()?;
        find(&self.keys.snapshot())
    }

    /// The published keys ([RFC 7517 §5](https://www.rfc-editor.org/rfc/rfc7517#section-5)):
    /// those that will sign after a rotation, the one signing, and retired ones until
    /// their retention ends.
    pub fn jwks(&self) -> Value {
        let now = self.clock.now();
        let retention = self.settings.oidc.key_retention;
        let snapshot = self.keys.snapshot();
        let keys: Vec<&Value> = snapshot
            .keys
            .iter()
            .filter(|k| is_trusted(k, now, retention))
            .map(|k| &k.public_jwk)
            .collect();
        json!({ "keys": keys })
    }

    /// Adds a new key for every algorithm, published now and signing from
    /// [`KEY_ACTIVATION_DELAY`] on, when the keys they replace retire (and stay published
    /// for the retention period). One transaction: every node sees all of it or none.
    pub async fn rotate_keys(&self) -> Result<Rotation, CoreError> {
        self.load_keys().await?;
        let now = self.clock.now();
        let active_from = now + KEY_ACTIVATION_DELAY;
        let mut fresh = Vec::new();
        for alg in SigningAlg::ALL {
            let mut key = jose::generate(
                alg,
                &self.settings.oidc.master_key,
                self.random.as_ref(),
                now,
            )?;
            key.active_from = active_from;
            fresh.push(key);
        }
        let mut tx = self.store.begin().await?;
        for key in &fresh {
            tx.insert_key(key).await?;
            tx.retire_keys(key.alg.as_str(), &key.kid, active_from)
                .await?;
        }
        tx.commit().await?;
        self.reload_keys().await?;
        Ok(Rotation {
            keys: fresh.into_iter().map(|k| (k.alg, k.kid)).collect(),
            active_from,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oidc::jose::MasterKey;
    use crate::random::SystemRandom;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-03-01 12:00 UTC);
    const RETENTION: Duration = Duration::days(2);

    fn key(
        master: &MasterKey,
        active_from: OffsetDateTime,
        retired_at: Option<OffsetDateTime>,
    ) -> Arc<SigningKey> {
        let mut stored = jose::generate(SigningAlg::EdDSA, master, &SystemRandom, T0).expect("key");
        stored.active_from = active_from;
        stored.retired_at = retired_at;
        Arc::new(SigningKey::open(&stored, master).expect("open"))
    }

    #[test]
    fn a_rotated_key_signs_only_from_its_activation_and_the_old_one_until_then() {
        let master = MasterKey::generate(&SystemRandom);
        let switch = T0 + KEY_ACTIVATION_DELAY;
        let old = key(&master, T0 - Duration::days(30), Some(switch));
        let new = key(&master, switch, None);
        let keys = vec![old.clone(), new.clone()];
        let at = |now| signer(&keys, SigningAlg::EdDSA, now, RETENTION).map(|k| k.kid.clone());
        assert_eq!(at(T0), Some(old.kid.clone()));
        assert_eq!(at(switch - Duration::seconds(1)), Some(old.kid.clone()));
        assert_eq!(at(switch), Some(new.kid.clone()));
        assert_eq!(
            signer(&keys, SigningAlg::RS256, switch, RETENTION).map(|k| k.kid.clone()),
            None
        );
    }

    #[test]
    fn retired_keys_are_trusted_until_their_retention_ends() {
        let master = MasterKey::generate(&SystemRandom);
        let old = key(&master, T0, Some(T0 + Duration::hours(1)));
        assert!(is_trusted(
            &old,
            T0 + Duration::hours(1) + RETENTION - Duration::seconds(1),
            RETENTION
        ));
        assert!(!is_trusted(
            &old,
            T0 + Duration::hours(1) + RETENTION,
            RETENTION
        ));
    }

    #[test]
    fn unknown_key_ids_force_at_most_one_reload_per_interval() {
        let ring = KeyRing::default();
        assert!(ring.may_force_reload(T0));
        assert!(!ring.may_force_reload(T0));
        assert!(!ring.may_force_reload(T0 + KEY_CHECK_INTERVAL - Duration::milliseconds(1)));
        assert!(ring.may_force_reload(T0 + KEY_CHECK_INTERVAL));
    }
}
