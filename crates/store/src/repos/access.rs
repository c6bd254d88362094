//! Access to closed applications.
use sigil_core::access::{AccessSource, AppAccess};
use sigil_core::ids::{ClientId, UserId};
use sigil_core::ports::{AccessRepo, StoreError, StoreResult};

use crate::db::{query, Conn, Exec};
use crate::repos::{dt, ts};

crate::db::row_struct! {
struct AccessRow {
    user_id: String,
    client_id: String,
    source: String,
    invitation_id: Option<String>,
    granted_at: i64,
}
}

impl AccessRow {
    fn into_access(self) -> StoreResult<AppAccess> {
        let bad = |what: &str| StoreError::Other(anyhow::anyhow!("stored access has a bad {what}"));
        Ok(AppAccess {
            user_id: self.user_id.parse().map_err(|_| bad("user id"))?,
            client_id: ClientId(self.client_id),
            source: AccessSource::parse(&self.source).ok_or_else(|| bad("source"))?,
            invitation_id: self.invitation_id,
            granted_at: dt(self.granted_at)?,
        })
    }
}

#[async_trait::async_trait]
impl<E: Exec + 'static> AccessRepo for Conn<E> {
    async fn has_access(&mut self, user: UserId, client: &ClientId) -> StoreResult<bool> {
        let (found,): (i64,) =
            query("SELECT COUNT(*) FROM app_access WHERE user_id = $1 AND client_id = $2")
                .bind(user.to_string())
                .bind(&client.0)
                .fetch_one(&mut self.0)
                .await?;
        Ok(found > 0)
    }

    async fn lock_access(&mut self, user: UserId, client: &ClientId) -> StoreResult<bool> {
        // An UPDATE that changes nothing still takes PostgreSQL's row lock, and waits
        // for (then re-reads after) a concurrent DELETE; SQLite has a single writer.
        let done = query(
            "UPDATE app_access SET granted_at = granted_at WHERE user_id = $1 AND client_id = $2",
        )
        .bind(user.to_string())
        .bind(&client.0)
        .execute(&mut self.0)
        .await?;
        Ok(done == 1)
    }

    async fn grant_access(&mut self, access: &AppAccess) -> StoreResult<bool> {
        let done = query(
            "INSERT INTO app_access (user_id, client_id, source, invitation_id, granted_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, client_id) DO NOTHING",
        )
        .bind(access.user_id.to_string())
        .bind(&access.client_id.0)
        .bind(access.source.as_str())
        .bind(access.invitation_id.as_deref())
        .bind(ts(access.granted_at))
        .execute(&mut self.0)
        .await?;
        Ok(done == 1)
    }

    async fn revoke_access(&mut self, user: UserId, client: &ClientId) -> StoreResult<bool> {
        let done = query("DELETE FROM app_access WHERE user_id = $1 AND client_id = $2")
            .bind(user.to_string())
            .bind(&client.0)
            .execute(&mut self.0)
            .await?;
        Ok(done == 1)
    }

    async fn list_access_of_user(&mut self, user: UserId) -> StoreResult<Vec<AppAccess>> {
        let rows: Vec<AccessRow> = query(
            "SELECT user_id, client_id, source, invitation_id, granted_at FROM app_access \
             WHERE user_id = $1 ORDER BY granted_at, client_id",
        )
        .bind(user.to_string())
        .fetch_all(&mut self.0)
        .await?;
        rows.into_iter().map(AccessRow::into_access).collect()
    }

    async fn list_access_of_app(&mut self, client: &ClientId) -> StoreResult<Vec<AppAccess>> {
        let rows: Vec<AccessRow> = query(
            "SELECT user_id, client_id, source, invitation_id, granted_at FROM app_access \
             WHERE client_id = $1 ORDER BY granted_at, user_id",
        )
        .bind(&client.0)
        .fetch_all(&mut self.0)
        .await?;
        rows.into_iter().map(AccessRow::into_access).collect()
    }
}
