//! The person's favourite applications.
use sigil_core::catalog::FavoriteApp;
use sigil_core::ids::{ClientId, UserId};
use sigil_core::ports::{FavoriteRepo, StoreResult};

use crate::db::{query, Conn, Exec};
use crate::repos::dt;

crate::db::row_struct! {
struct FavoriteRow {
    client_id: String,
    name: String,
    logo_url: Option<String>,
    home_url: Option<String>,
    added_at: i64,
}
}

#[async_trait::async_trait]
impl<E: Exec + 'static> FavoriteRepo for Conn<E> {
    async fn list_favorites(&mut self, user: UserId) -> StoreResult<Vec<FavoriteApp>> {
        let rows: Vec<FavoriteRow> = query(
            "SELECT f.client_id, a.name, a.logo_url, a.home_url, f.added_at \
             FROM favorites f JOIN applications a ON a.client_id = f.client_id \
             WHERE f.user_id = $1 ORDER BY f.seq, f.added_at, f.client_id",
        )
        .bind(user.to_string())
        .fetch_all(&mut self.0)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(FavoriteApp {
                    client_id: ClientId(r.client_id),
                    name: r.name,
                    logo_url: r.logo_url,
                    home_url: r.home_url,
                    added_at: dt(r.added_at)?,
                })
            })
            .collect()
    }
}
