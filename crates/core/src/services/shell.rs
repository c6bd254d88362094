//! What every console page's frame shows of the person beyond their name: the
//! favourite applications in the sidebar and the count of pending requests.
use super::Sigil;
use crate::catalog::FavoriteApp;
use crate::contact::ContactKind;
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
    /// For an account with no name, login nor email yet (registered with an email
    /// address still to confirm): that address, to name the person in the header.
    pub pending_email: Option<String>,
}

impl Sigil {
    /// The frame's part for `user`, read fresh (one read connection, up to three queries).
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
        let pending_email = if user.name.is_none() && user.login.is_none() && user.email.is_none() {
            conn.find_verification(user.id, ContactKind::Email)
                .await?
                .filter(|v| v.used_at.is_none())
                .map(|v| v.address)
        } else {
            None
        };
        Ok(Shell {
            favorites,
            catalog,
            pending_requests,
            pending_email,
        })
    }
}
