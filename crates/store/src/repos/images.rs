//! Stored images.
use sigil_core::ids::UserId;
use sigil_core::ports::{ImageRepo, StoreResult};
use time::OffsetDateTime;

use crate::db::{query, Conn, Exec};
use crate::repos::ts;

#[async_trait::async_trait]
impl<E: Exec + 'static> ImageRepo for Conn<E> {
    async fn save_image(
        &mut self,
        hash: &str,
        user: UserId,
        content_type: &str,
        data: &[u8],
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        query(
            "INSERT INTO images (hash, user_id, content_type, data, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (hash) DO NOTHING",
        )
        .bind(hash)
        .bind(user.to_string())
        .bind(content_type)
        .bind(data)
        .bind(ts(at))
        .execute(&mut self.0)
        .await?;
        Ok(())
    }

    async fn find_image(&mut self, hash: &str) -> StoreResult<Option<(String, Vec<u8>)>> {
        query("SELECT content_type, data FROM images WHERE hash = $1")
            .bind(hash)
            .fetch_optional(&mut self.0)
            .await
    }

    async fn delete_images_of(&mut self, user: UserId) -> StoreResult<()> {
        query("DELETE FROM images WHERE user_id = $1")
            .bind(user.to_string())
            .execute(&mut self.0)
            .await?;
        Ok(())
    }

    async fn set_photo(
        &mut self,
        user: UserId,
        photo: Option<(&str, &str)>,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        query("UPDATE users SET photo = $2, photo_small = $3, updated_at = $4 WHERE id = $1")
            .bind(user.to_string())
            .bind(photo.map(|p| p.0))
            .bind(photo.map(|p| p.1))
            .bind(ts(at))
            .execute(&mut self.0)
            .await?;
        Ok(())
    }
}
