//! Uploading, replacing and removing the profile photo.
use sha2::{Digest, Sha256};

use super::Sigil;
use crate::error::{CoreError, FieldErrorKind};
use crate::event::{ClientInfo, EventCategory};
use crate::photo;
use crate::ports::Tx;
use crate::user::User;

fn hash_of(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What the Main information form does with the photo, saved with its fields.
#[derive(Clone, Debug)]
pub enum PhotoChange {
    Keep,
    /// A file the person chose.
    Upload(Vec<u8>),
    /// The picture of one of the person's linked identifiers (**Available**).
    Identifier(String),
}

/// A photo checked and re-drawn, ready to be written.
pub(super) struct ReadyPhoto(photo::Processed);

impl Sigil {
    /// Checks and re-draws `upload`, then makes it the person's photo; a bad file
    /// changes nothing.
    pub async fn upload_photo(
        &self,
        user: &User,
        upload: Vec<u8>,
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        let ready = self
            .prepare_photo(user, PhotoChange::Upload(upload))
            .await?;
        let mut tx = self.store.begin().await?;
        self.write_photo(&mut *tx, user, ready, client).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Reads and re-draws the chosen picture, outside any transaction: decoding takes
    /// milliseconds of CPU, so it runs off the async workers. `None` keeps the photo.
    pub(super) async fn prepare_photo(
        &self,
        user: &User,
        change: PhotoChange,
    ) -> Result<Option<ReadyPhoto>, CoreError> {
        let bytes = match change {
            PhotoChange::Keep => return Ok(None),
            PhotoChange::Upload(bytes) => bytes,
            PhotoChange::Identifier(id) => self.identifier_avatar(user, &id).await?,
        };
        let processed = tokio::task::spawn_blocking(move || photo::process(&bytes))
            .await
            .map_err(anyhow::Error::from)?
            .map_err(|e| CoreError::field("photo", FieldErrorKind::Photo(e)))?;
        Ok(Some(ReadyPhoto(processed)))
    }

    /// Makes a prepared picture the person's photo inside `tx`, with its event.
    pub(super) async fn write_photo(
        &self,
        tx: &mut dyn Tx,
        user: &User,
        ready: Option<ReadyPhoto>,
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        let Some(ReadyPhoto(processed)) = ready else {
            return Ok(());
        };
        let (large, small) = (hash_of(&processed.large), hash_of(&processed.small));
        let now = self.clock.now();
        tx.delete_images_of(user.id).await?;
        tx.save_image(&large, user.id, "image/jpeg", &processed.large, now)
            .await?;
        tx.save_image(&small, user.id, "image/jpeg", &processed.small, now)
            .await?;
        tx.set_photo(user.id, Some((&large, &small)), now).await?;
        tx.insert_event(&self.event(Some(user.id), EventCategory::PhotoChanged, client))
            .await?;
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
