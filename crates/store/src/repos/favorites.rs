//! The person's favourite applications.
use sigil_core::catalog::{is_offered, FavoriteApp};
use sigil_core::ids::{ClientId, UserId};
use sigil_core::oidc::application::AppType;
use sigil_core::ports::{FavoriteRepo, StoreError, StoreResult};
use time::OffsetDateTime;

use crate::db::{query, Conn, Exec};
use crate::repos::{dt, ts};

crate::db::row_struct! {
struct FavoriteRow {
    client_id: String,
    name: String,
    logo_url: Option<String>,
    home_url: Option<String>,
    added_at: i64,
    app_type: String,
    in_catalog: bool,
    closed: bool,
    has_access: bool,
}
}

#[async_trait::async_trait]
impl<E: Exec + 'static> FavoriteRepo for Conn<E> {
    async fn list_favorites(&mut self, user: UserId) -> StoreResult<Vec<FavoriteApp>> {
        let rows: Vec<FavoriteRow> = query(
            "SELECT f.client_id, a.name, a.logo_url, a.home_url, f.added_at, a.app_type, \
             a.in_catalog, a.closed, \
             EXISTS (SELECT 1 FROM app_access x \
                     WHERE x.user_id = f.user_id AND x.client_id = f.client_id) AS has_access \
             FROM favorites f JOIN applications a ON a.client_id = f.client_id \
             WHERE f.user_id = $1 ORDER BY f.seq, f.added_at, f.client_id",
        )
        .bind(user.to_string())
        .fetch_all(&mut self.0)
        .await?;
        rows.into_iter()
            .map(|r| {
                let app_type = AppType::parse(&r.app_type).ok_or_else(|| {
                    StoreError::Other(anyhow::anyhow!("stored application has a bad type"))
                })?;
                Ok(FavoriteApp {
                    offered: is_offered(app_type, r.in_catalog, r.closed, r.has_access),
                    client_id: ClientId(r.client_id),
                    name: r.name,
                    logo_url: r.logo_url,
                    home_url: r.home_url,
                    added_at: dt(r.added_at)?,
                })
            })
            .collect()
    }

    async fn add_favorite(
        &mut self,
        user: UserId,
        client: &ClientId,
        at: OffsetDateTime,
    ) -> StoreResult<bool> {
        // One more than the person's highest: the order added, whoever adds at once.
        let done = query(
            "INSERT INTO favorites (user_id, client_id, added_at, seq) \
             SELECT $1, $2, $3, COALESCE(MAX(seq), 0) + 1 FROM favorites WHERE user_id = $1 \
             ON CONFLICT (user_id, client_id) DO NOTHING",
        )
        .bind(user.to_string())
        .bind(&client.0)
        .bind(ts(at))
        .execute(&mut self.0)
        .await?;
        Ok(done == 1)
    }

    async fn remove_favorite(&mut self, user: UserId, client: &ClientId) -> StoreResult<bool> {
        let done = query("DELETE FROM favorites WHERE user_id = $1 AND client_id = $2")
            .bind(user.to_string())
            .bind(&client.0)
            .execute(&mut self.0)
            .await?;
        Ok(done == 1)
    }
}
