//! What every console page's frame shows of the person beyond their name: the
//! favourite applications in the sidebar and the count of pending requests.
use super::Sigil;
use crate::catalog::FavoriteApp;
use crate::error::CoreError;
use crate::user::User;

/// The console frame's per-person part.
#[derive(Clone, Debug, Default)]
pub struct Shell {
    /// Favourite applications, in the order added.
    pub favorites: Vec<FavoriteApp>,
    /// Pending, unexpired invitations to the account's verified email address.
    pub pending_requests: u64,
}

impl Sigil {
    /// The frame's part for `user`, read fresh (one read connection, two queries).
    pub async fn console_shell(&self, user: &User) -> Result<Shell, CoreError> {
        let now = self.clock.now();
        let mut conn = self.store.read().await?;
        let favorites = conn.list_favorites(user.id).await?;
        let pending_requests = match (&user.email, user.email_verified) {
            (Some(email), true) => conn.count_pending_invitations(email, now).await?,
            _ => 0,
        };
        Ok(Shell {
            favorites,
            pending_requests,
        })
    }
}
