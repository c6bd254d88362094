//! What every console page's frame shows of the person beyond their name: the
//! favourite applications in the sidebar and the count of pending requests.
use super::Sigil;
use crate::catalog::FavoriteApp;
use crate::error::CoreError;
use crate::user::User;

/// The console frame's per-person part.
#[derive(Clone, Debug, Default)]
pub struct Shell {
    /// Favourite applications the catalog offers the person now, in the order added;
    /// none while the catalog is off (they stay stored).
    pub favorites: Vec<FavoriteApp>,
    /// Whether the header offers the application catalog (`[catalog] enabled`).
    pub catalog: bool,
    /// Pending, unexpired invitations to the account's verified email address.
    pub pending_requests: u64,
}

impl Sigil {
    /// The frame's part for `user`, read fresh (one read connection, two queries).
    pub async fn console_shell(&self, user: &User) -> Result<Shell, CoreError> {
        let now = self.clock.now();
        let mut conn = self.store.read().await?;
        let catalog = self.settings.catalog_enabled;
        let favorites = if catalog {
            super::catalog::offered(conn.list_favorites(user.id).await?)
        } else {
            Vec::new()
        };
        let pending_requests = match (&user.email, user.email_verified) {
            (Some(email), true) => conn.count_pending_invitations(email, now).await?,
            _ => 0,
        };
        Ok(Shell {
            favorites,
            catalog,
            pending_requests,
        })
    }
}
