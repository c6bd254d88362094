//! Uploading, replacing and removing the profile photo.
use sha2::{Digest, Sha256};

use super::Sigil;
use crate::error::{CoreError, FieldErrorKind};
use crate::event::{ClientInfo, EventCategory};
use crate::photo;
use crate::user::User;

fn hash_of(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Sigil {
    /// Checks and re-draws `upload`, then makes it the person's photo; a bad file
    /// changes nothing.
    pub async fn upload_photo(
        &self,
        user: &User,
        upload: Vec<u8>,
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        // Decoding and resizing take milliseconds of CPU: off the async workers.
        let processed = tokio::task::spawn_blocking(move || photo::process(&upload))
            .await
            .map_err(anyhow::Error::from)?
            .map_err(|e| CoreError::field("photo", FieldErrorKind::Photo(e)))?;
        let (large, small) = (hash_of(&processed.large), hash_of(&processed.small));
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        tx.delete_images_of(user.id).await?;
        tx.save_image(&large, user.id, "image/jpeg", &processed.large, now)
            .await?;
        tx.save_image(&small, user.id, "image/jpeg", &processed.small, now)
            .await?;
        tx.set_photo(user.id, Some((&large, &small)), now).await?;
        tx.insert_event(&self.event(Some(user.id), EventCategory::PhotoChanged, client))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn remove_photo(&self, user: &User, client: &ClientInfo) -> Result<(), CoreError> {
        if user.photo.is_none() {
            return Err(CoreError::NotFound);
        }
        let mut tx = self.store.begin().await?;
        tx.delete_images_of(user.id).await?;
        tx.set_photo(user.id, None, self.clock.now()).await?;
        tx.insert_event(&self.event(Some(user.id), EventCategory::PhotoRemoved, client))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A stored image: content type and bytes.
    pub async fn image(&self, hash: &str) -> Result<(String, Vec<u8>), CoreError> {
        if hash.len() != 32 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(CoreError::NotFound);
        }
        self.store
            .read()
            .await?
            .find_image(hash)
            .await?
            .ok_or(CoreError::NotFound)
    }

    /// The absolute address of an image.
    pub fn image_url(&self, hash: &str) -> String {
        format!("{}/public/images/profile/{hash}", self.settings.oidc.issuer)
    }
}
