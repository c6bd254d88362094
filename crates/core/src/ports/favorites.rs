//! The storage port of the person's favourite applications ([`crate::catalog`]).
use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreResult;
use crate::catalog::FavoriteApp;
use crate::ids::{ClientId, UserId};

#[async_trait]
pub trait FavoriteRepo {
    /// The person's favourites, in the order added, each saying whether the catalog
    /// offers its application to the person now ([`FavoriteApp::offered`]).
    async fn list_favorites(&mut self, user: UserId) -> StoreResult<Vec<FavoriteApp>>;
    /// Makes the application a favourite, after the person's others; false, and
    /// nothing changed, if it already was one.
    async fn add_favorite(
        &mut self,
        user: UserId,
        client: &ClientId,
        at: OffsetDateTime,
    ) -> StoreResult<bool>;
    /// Removes a favourite; false if it was none.
    async fn remove_favorite(&mut self, user: UserId, client: &ClientId) -> StoreResult<bool>;
}
