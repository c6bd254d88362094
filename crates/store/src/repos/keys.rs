//! Signing keys, private halves sealed by the caller.
use sigil_core::oidc::jose::{SigningAlg, StoredKey};
use sigil_core::ports::StoreError;

use super::dt;

#[derive(sqlx::FromRow)]
pub(crate) struct KeyRow {
    kid: String,
    alg: String,
    private_sealed: String,
    public_jwk: String,
    created_at: i64,
    retired_at: Option<i64>,
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

macro_rules! keys_repo {
    ($db:ty) => {
        const _: () = {
            use sigil_core::oidc::jose::StoredKey;
            use sigil_core::ports::{KeyRepo, StoreResult};
            use time::OffsetDateTime;

            use $crate::handle::Handle;
            use $crate::repos::keys::KeyRow;
            use $crate::repos::{db_err, ts};

            #[async_trait::async_trait]
            impl KeyRepo for Handle<$db> {
                async fn insert_key(&mut self, k: &StoredKey) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO signing_keys (kid, alg, private_sealed, public_jwk, created_at, retired_at) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(&k.kid)
                    .bind(k.alg.as_str())
                    .bind(&k.private_sealed)
                    .bind(k.public_jwk.to_string())
                    .bind(ts(k.created_at))
                    .bind(k.retired_at.map(ts))
                    .execute(self.conn())
                    .await
                    .map_err(db_err)?;
                    Ok(())
                }

                async fn list_keys(&mut self) -> StoreResult<Vec<StoredKey>> {
                    sqlx::query_as::<_, KeyRow>(
                        "SELECT kid, alg, private_sealed, public_jwk, created_at, retired_at \
                         FROM signing_keys ORDER BY created_at, kid",
                    )
                    .fetch_all(self.conn())
                    .await
                    .map_err(db_err)?
                    .into_iter()
                    .map(KeyRow::into_key)
                    .collect()
                }

                async fn retire_keys(&mut self, alg: &str, except: &str, at: OffsetDateTime) -> StoreResult<()> {
                    sqlx::query(
                        "UPDATE signing_keys SET retired_at = $3 \
                         WHERE alg = $1 AND kid <> $2 AND retired_at IS NULL",
                    )
                    .bind(alg)
                    .bind(except)
                    .bind(ts(at))
                    .execute(self.conn())
                    .await
                    .map_err(db_err)?;
                    Ok(())
                }

                async fn delete_keys_retired_before(&mut self, before: OffsetDateTime) -> StoreResult<u64> {
                    let done = sqlx::query("DELETE FROM signing_keys WHERE retired_at IS NOT NULL AND retired_at < $1")
                        .bind(ts(before))
                        .execute(self.conn())
                        .await
                        .map_err(db_err)?;
                    Ok(done.rows_affected())
                }
            }
        };
    };
}
pub(crate) use keys_repo;
