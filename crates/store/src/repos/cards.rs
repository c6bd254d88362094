//! Business cards.
use sigil_core::card::Slug;
use sigil_core::ids::UserId;
use sigil_core::ports::{CardRepo, StoreError, StoreResult};
use time::OffsetDateTime;

use crate::db::{query, Conn, Exec};
use crate::repos::ts;

#[async_trait::async_trait]
impl<E: Exec + 'static> CardRepo for Conn<E> {
    async fn find_card(&mut self, user: UserId) -> StoreResult<Option<(Slug, bool)>> {
        let row: Option<(String, bool)> =
            query("SELECT slug, active FROM business_cards WHERE user_id = $1")
                .bind(user.to_string())
                .fetch_optional(&mut self.0)
                .await?;
        Ok(row.map(|(slug, active)| (Slug::from_trusted(slug), active)))
    }

    async fn find_card_by_slug(&mut self, slug: &Slug) -> StoreResult<Option<(UserId, bool)>> {
        let row: Option<(String, bool)> =
            query("SELECT user_id, active FROM business_cards WHERE slug = $1")
                .bind(slug.as_str())
                .fetch_optional(&mut self.0)
                .await?;
        row.map(|(user, active)| {
            user.parse()
                .map(|u| (u, active))
                .map_err(|_| StoreError::Other(anyhow::anyhow!("card owner {user}")))
        })
        .transpose()
    }

    async fn save_card(
        &mut self,
        user: UserId,
        slug: &Slug,
        active: bool,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        query(
            "INSERT INTO business_cards (user_id, slug, active, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id) DO UPDATE SET slug = excluded.slug, active = excluded.active, \
             updated_at = excluded.updated_at",
        )
        .bind(user.to_string())
        .bind(slug.as_str())
        .bind(active)
        .bind(ts(at))
        .execute(&mut self.0)
        .await?;
        Ok(())
    }
}
