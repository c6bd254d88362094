//! The storage port of the person's favourite applications ([`crate::catalog`]).
use async_trait::async_trait;

use super::StoreResult;
use crate::catalog::FavoriteApp;
use crate::ids::UserId;

#[async_trait]
pub trait FavoriteRepo {
    /// The person's favourites, in the order added.
    async fn list_favorites(&mut self, user: UserId) -> StoreResult<Vec<FavoriteApp>>;
}
