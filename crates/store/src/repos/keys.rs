//! Signing keys, private halves sealed by the caller, and the generation counter that
//! every change to them moves (so nodes holding keys in memory notice within seconds).
use super::dt;
use crate::db::query;
use crate::db::Conn;
use crate::db::Exec;
use crate::repos::ts;
use sigil_core::oidc::jose::SigningAlg;
use sigil_core::oidc::jose::StoredKey;
use sigil_core::ports::KeyRepo;
use sigil_core::ports::StoreError;
use sigil_core::ports::StoreResult;
use time::OffsetDateTime;

crate::db::row_struct! {
pub(crate) struct KeyRow {
    kid: String,
    alg: String,
    private_sealed: String,
    public_jwk: String,
    created_at: i64,
    active_from: i64,
    retired_at: Option<i64>,
}
}

impl KeyRow {
    pub(crate) fn into_key(self) -> Result<StoredKey, StoreError> {
        Ok(StoredKey {
            alg: SigningAlg::parse(&self.alg)
                .ok_or_else(|| StoreError::Other(anyhow::anyhow!("key alg {}", self.alg)))?,
            public_jwk: serde_json::from_str(&self.public_jwk)
                .map_err(|e| StoreError::Other(e.into()))?,
            kid: self.kid,
            private_sealed: self.private_sealed,
            created_at: dt(self.created_at)?,
            active_from: dt(self.active_from)?,
            retired_at: self.retired_at.map(dt).transpose()?,
        })
    }
}

impl<E: Exec + 'static> Conn<E> {
    /// Moves the key generation, inside the transaction that changed the keys, so a node
    /// that reads the new number also reads the change.
    async fn bump_key_generation(&mut self) -> StoreResult<()> {
        query("UPDATE signing_key_generation SET generation = generation + 1 WHERE id = 1")
            .execute(&mut self.0)
            .await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl<E: Exec + 'static> KeyRepo for Conn<E> {
    async fn insert_key(&mut self, k: &StoredKey) -> StoreResult<()> {
        query(
            "INSERT INTO signing_keys \
             (kid, alg, private_sealed, public_jwk, created_at, active_from, retired_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&k.kid)
        .bind(k.alg.as_str())
        .bind(&k.private_sealed)
        .bind(k.public_jwk.to_string())
        .bind(ts(k.created_at))
        .bind(ts(k.active_from))
        .bind(k.retired_at.map(ts))
        .execute(&mut self.0)
        .await?;
        self.bump_key_generation().await
    }

    async fn list_keys(&mut self) -> StoreResult<Vec<StoredKey>> {
        query(
            "SELECT kid, alg, private_sealed, public_jwk, created_at, active_from, retired_at \
             FROM signing_keys ORDER BY created_at, kid",
        )
        .fetch_all(&mut self.0)
        .await?
        .into_iter()
        .map(KeyRow::into_key)
        .collect()
    }

    async fn lock_keys(&mut self) -> StoreResult<Vec<StoredKey>> {
        // A no-op update takes PostgreSQL's row lock on the counter (SQLite's writer
        // transaction holds the whole database already). Under READ COMMITTED the list
        // that follows is a new statement, so it sees the keys of whoever held the lock.
        query("UPDATE signing_key_generation SET generation = generation WHERE id = 1")
            .execute(&mut self.0)
            .await?;
        self.list_keys().await
    }

    async fn retire_keys(
        &mut self,
        alg: &str,
        except: &str,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        let done = query(
            "UPDATE signing_keys SET retired_at = $3 \
             WHERE alg = $1 AND kid <> $2 AND retired_at IS NULL",
        )
        .bind(alg)
        .bind(except)
        .bind(ts(at))
        .execute(&mut self.0)
        .await?;
        if done > 0 {
            self.bump_key_generation().await?;
        }
        Ok(())
    }

    async fn delete_keys_retired_before(&mut self, before: OffsetDateTime) -> StoreResult<u64> {
        let done =
            query("DELETE FROM signing_keys WHERE retired_at IS NOT NULL AND retired_at < $1")
                .bind(ts(before))
                .execute(&mut self.0)
                .await?;
        if done > 0 {
            self.bump_key_generation().await?;
        }
        Ok(done)
    }

    async fn key_generation(&mut self) -> StoreResult<i64> {
        let row: Option<(i64,)> =
            query("SELECT generation FROM signing_key_generation WHERE id = 1")
                .fetch_optional(&mut self.0)
                .await?;
        Ok(row.map_or(0, |(g,)| g))
    }
}
