//! The storage port of the signing keys ([`crate::oidc::jose`]).
use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreResult;
use crate::oidc::jose::StoredKey;

/// Signing keys, private halves sealed. Every write here also moves the key generation
/// in the same transaction, so that nodes holding the keys in memory see the change.
#[async_trait]
pub trait KeyRepo {
    async fn insert_key(&mut self, key: &StoredKey) -> StoreResult<()>;
    async fn list_keys(&mut self) -> StoreResult<Vec<StoredKey>>;
    /// Like [`KeyRepo::list_keys`], but first locks the key set until the transaction
    /// ends, so that two nodes starting at once on an empty database do not both create
    /// keys: the second waits for the first and reads its keys.
    async fn lock_keys(&mut self) -> StoreResult<Vec<StoredKey>>;
    /// Retires at `at` the signing keys of `alg` other than `except` that are not
    /// retired yet.
    async fn retire_keys(&mut self, alg: &str, except: &str, at: OffsetDateTime)
        -> StoreResult<()>;
    async fn delete_keys_retired_before(&mut self, before: OffsetDateTime) -> StoreResult<u64>;
    /// A counter that every change to the keys moves: one row, cheap to read often.
    async fn key_generation(&mut self) -> StoreResult<i64>;
}
