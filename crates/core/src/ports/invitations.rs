//! The storage port of invitations to closed applications.
use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreResult;
use crate::email::Email;

#[async_trait]
pub trait InvitationRepo {
    /// How many invitations to `email` are pending and unexpired at `now` (what the
    /// Requests tab's badge counts).
    async fn count_pending_invitations(
        &mut self,
        email: &Email,
        now: OffsetDateTime,
    ) -> StoreResult<u64>;
}
