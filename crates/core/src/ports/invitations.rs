//! The storage port of invitations to closed applications ([`crate::invitation`]).
use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreResult;
use crate::email::Email;
use crate::ids::{ClientId, UserId};
use crate::invitation::{Invitation, InvitationStatus};
use crate::token::TokenHash;

#[async_trait]
pub trait InvitationRepo {
    /// How many invitations to `email` are pending and unexpired at `now` (what the
    /// Requests tab's badge counts).
    async fn count_pending_invitations(
        &mut self,
        email: &Email,
        now: OffsetDateTime,
    ) -> StoreResult<u64>;
    /// Stores a new pending invitation with its token's hash, first marking the
    /// pending one for the same application and address (if any) `replaced` at
    /// `invitation.created_at`; returns the id of the one replaced. Two at once for the
    /// same pair: the partial unique index lets one in, the other gets
    /// `Conflict("invitation")`.
    async fn create_invitation(
        &mut self,
        invitation: &Invitation,
        token_hash: &TokenHash,
    ) -> StoreResult<Option<String>>;
    async fn find_invitation(&mut self, id: &str) -> StoreResult<Option<Invitation>>;
    async fn find_invitation_by_token(
        &mut self,
        token_hash: &TokenHash,
    ) -> StoreResult<Option<Invitation>>;
    /// Every invitation to the application, newest first.
    async fn list_invitations_of_app(&mut self, client: &ClientId) -> StoreResult<Vec<Invitation>>;
    /// The invitations to `email` pending and unexpired at `now`, oldest first.
    async fn list_pending_invitations(
        &mut self,
        email: &Email,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<Invitation>>;
    /// Every invitation to `email` or decided by `user`, newest first: the person's own.
    async fn list_invitations_of_person(
        &mut self,
        email: Option<&Email>,
        user: UserId,
    ) -> StoreResult<Vec<Invitation>>;
    /// Decides a pending invitation still unexpired at `at` (`accepted` or `declined`
    /// by `user`): true for one caller only, whatever runs at the same time.
    async fn decide_invitation(
        &mut self,
        id: &str,
        status: InvitationStatus,
        user: UserId,
        at: OffsetDateTime,
    ) -> StoreResult<bool>;
    /// Withdraws a pending invitation (expired or not); false if it was not pending.
    async fn revoke_invitation(&mut self, id: &str, at: OffsetDateTime) -> StoreResult<bool>;
}
