//! The storage port of access to closed applications ([`crate::access`]).
use async_trait::async_trait;

use super::StoreResult;
use crate::access::AppAccess;
use crate::ids::{ClientId, UserId};

#[async_trait]
pub trait AccessRepo {
    /// Whether `user` holds access to `client`, read fresh.
    async fn has_access(&mut self, user: UserId, client: &ClientId) -> StoreResult<bool>;
    /// Like [`AccessRepo::has_access`], and the row stays locked until the transaction
    /// ends: a revocation racing the caller either comes first (and this answers
    /// false) or waits for the caller's commit, then ends what it issued.
    async fn lock_access(&mut self, user: UserId, client: &ClientId) -> StoreResult<bool>;
    /// Grants access; false, and nothing changed, if it was already held (whoever
    /// granted it first, at the same time or before, keeps the row).
    async fn grant_access(&mut self, access: &AppAccess) -> StoreResult<bool>;
    /// Takes access away; false if there was none.
    async fn revoke_access(&mut self, user: UserId, client: &ClientId) -> StoreResult<bool>;
    /// The person's access, oldest first.
    async fn list_access_of_user(&mut self, user: UserId) -> StoreResult<Vec<AppAccess>>;
    /// Who holds access to the application, oldest first.
    async fn list_access_of_app(&mut self, client: &ClientId) -> StoreResult<Vec<AppAccess>>;
}
