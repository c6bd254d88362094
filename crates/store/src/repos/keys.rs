//! Signing keys, private halves sealed by the caller.
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
            retired_at: self.retired_at.map(dt).transpose()?,
        })
    }
}

#[async_trait::async_trait]
impl<E: Exec + 'static> KeyRepo for Conn<E> {
    async fn insert_key(&mut self, k: &StoredKey) -> StoreResult<()> {
        query(
                        "INSERT INTO signing_keys (kid, alg, private_sealed, public_jwk, created_at, retired_at) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(&k.kid)
                    .bind(k.alg.as_str())
                    .bind(&k.private_sealed)
                    .bind(k.public_jwk.to_string())
                    .bind(ts(k.created_at))
                    .bind(k.retired_at.map(ts))
                    .execute(&mut self.0)
                    .await
                    ?;
        Ok(())
    }

    async fn list_keys(&mut self) -> StoreResult<Vec<StoredKey>> {
        query(
            "SELECT kid, alg, private_sealed, public_jwk, created_at, retired_at \
                         FROM signing_keys ORDER BY created_at, kid",
        )
        .fetch_all(&mut self.0)
        .await?
        .into_iter()
        .map(KeyRow::into_key)
        .collect()
    }

    async fn retire_keys(
        &mut self,
        alg: &str,
        except: &str,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        query(
            "UPDATE signing_keys SET retired_at = $3 \
                         WHERE alg = $1 AND kid <> $2 AND retired_at IS NULL",
        )
        .bind(alg)
        .bind(except)
        .bind(ts(at))
        .execute(&mut self.0)
        .await?;
        Ok(())
    }

    async fn delete_keys_retired_before(&mut self, before: OffsetDateTime) -> StoreResult<u64> {
        let done =
            query("DELETE FROM signing_keys WHERE retired_at IS NOT NULL AND retired_at < $1")
                .bind(ts(before))
                .execute(&mut self.0)
                .await?;
        Ok(done)
    }
}
