//! The signing keys in memory, loaded from the database, and their rotation.
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use serde_json::{json, Value};

use crate::error::CoreError;
use crate::oidc::jose::{self, SigningAlg, SigningKey};
use crate::services::Sigil;

/// The keys every node holds: opened once, replaced whole on reload.
#[derive(Default)]
pub struct KeyRing {
    keys: RwLock<Arc<Vec<Arc<SigningKey>>>>,
}

impl KeyRing {
    fn snapshot(&self) -> Arc<Vec<Arc<SigningKey>>> {
        self.keys.read().map(|k| k.clone()).unwrap_or_default()
    }

    fn replace(&self, keys: Vec<Arc<SigningKey>>) {
        if let Ok(mut guard) = self.keys.write() {
            *guard = Arc::new(keys);
        }
    }
}

impl Sigil {
    /// Loads the keys, creating a key for every supported algorithm that has none (so
    /// relying parties that fetched the key set once know them all), and dropping keys
    /// retired longer than the retention period.
    pub async fn load_keys(&self) -> Result<(), CoreError> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        tx.delete_keys_retired_before(now - self.settings.oidc.key_retention)
            .await?;
        let stored = tx.list_keys().await?;
        tx.commit().await?;
        let missing: Vec<SigningAlg> = SigningAlg::ALL
            .into_iter()
            .filter(|alg| {
                !stored
                    .iter()
                    .any(|k| k.alg == *alg && k.retired_at.is_none())
            })
            .collect();
        if !missing.is_empty() {
            for alg in missing {
                self.add_key(alg).await?;
            }
            return Box::pin(self.load_keys()).await;
        }
        let master = &self.settings.oidc.master_key;
        let opened = stored
            .iter()
            .map(|k| SigningKey::open(k, master).map(Arc::new))
            .collect::<anyhow::Result<Vec<_>>>()?;
        self.keys.replace(opened);
        Ok(())
    }

    async fn add_key(&self, alg: SigningAlg) -> Result<String, CoreError> {
        let now = self.clock.now();
        let stored = jose::generate(
            alg,
            &self.settings.oidc.master_key,
            self.random.as_ref(),
            now,
        )?;
        let mut tx = self.store.begin().await?;
        tx.insert_key(&stored).await?;
        tx.retire_keys(alg.as_str(), &stored.kid, now).await?;
        tx.commit().await?;
        Ok(stored.kid)
    }

    /// The key that signs for `alg` now.
    pub(crate) async fn signing_key(&self, alg: SigningAlg) -> Result<Arc<SigningKey>, CoreError> {
        let active = |keys: &[Arc<SigningKey>]| {
            keys.iter()
                .filter(|k| k.alg == alg && k.retired_at.is_none())
                .max_by_key(|k| k.created_at)
                .cloned()
        };
        if let Some(key) = active(&self.keys.snapshot()) {
            return Ok(key);
        }
        self.load_keys().await?;
        if let Some(key) = active(&self.keys.snapshot()) {
            return Ok(key);
        }
        self.add_key(alg).await?;
        self.load_keys().await?;
        active(&self.keys.snapshot())
            .ok_or_else(|| CoreError::Unexpected(anyhow::anyhow!("no {alg:?} key")))
    }

    /// The key with id `kid`, reloading once in case another node rotated.
    pub(crate) async fn verification_key(&self, kid: &str) -> Option<Arc<SigningKey>> {
        let find = |keys: &[Arc<SigningKey>]| keys.iter().find(|k| k.kid == kid).cloned();
        if let Some(k) = find(&self.keys.snapshot()) {
            return Some(k);
        }
        self.load_keys().await.ok()?;
        find(&self.keys.snapshot())
    }

    /// The published keys ([RFC 7517 §5](https://www.rfc-editor.org/rfc/rfc7517#section-5)),
    /// retired ones included until their retention ends.
    pub fn jwks(&self) -> Value {
        let snapshot = self.keys.snapshot();
        let keys: Vec<&Value> = snapshot.iter().map(|k| &k.public_jwk).collect();
        json!({ "keys": keys })
    }

    /// Adds a new key for every algorithm in use and retires the old ones, which stay
    /// published for the retention period. Returns the new key ids by algorithm.
    pub async fn rotate_keys(&self) -> Result<HashMap<SigningAlg, String>, CoreError> {
        self.load_keys().await?;
        let mut algs: Vec<SigningAlg> = self.keys.snapshot().iter().map(|k| k.alg).collect();
        algs.sort();
        algs.dedup();
        let mut out = HashMap::new();
        for alg in algs {
            out.insert(alg, self.add_key(alg).await?);
        }
        self.load_keys().await?;
        Ok(out)
    }
}
