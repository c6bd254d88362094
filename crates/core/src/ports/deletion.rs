//! The storage port of the deletion lifecycle.
use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreResult;
use crate::ids::UserId;
use crate::token::TokenHash;
use crate::user::User;

/// The deletion lifecycle ([`crate::deletion`]): the pending state, recovery tickets,
/// and erasure.
#[async_trait]
pub trait DeletionRepo {
    /// Marks an active account pending deletion; false (and nothing changed) if it is
    /// not active, whatever runs at the same time.
    async fn mark_pending_deletion(
        &mut self,
        user: UserId,
        requested_at: OffsetDateTime,
        erase_after: OffsetDateTime,
    ) -> StoreResult<bool>;
    /// Returns an account pending deletion to active; false if it was not pending.
    async fn restore_user(&mut self, user: UserId, at: OffsetDateTime) -> StoreResult<bool>;
    async fn insert_restore_ticket(
        &mut self,
        token_hash: &TokenHash,
        user: UserId,
        method: &str,
        created_at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> StoreResult<()>;
    /// The ticket, spent or not, expired or not.
    async fn find_restore_ticket(
        &mut self,
        token_hash: &TokenHash,
    ) -> StoreResult<Option<crate::deletion::StoredTicket>>;
    /// Spends a ticket still open at `at`: true for one caller only.
    async fn use_restore_ticket(
        &mut self,
        token_hash: &TokenHash,
        at: OffsetDateTime,
    ) -> StoreResult<bool>;
    async fn delete_restore_ticket(&mut self, token_hash: &TokenHash) -> StoreResult<bool>;
    /// Drops tickets that expired before `before`.
    async fn purge_restore_tickets(&mut self, before: OffsetDateTime) -> StoreResult<u64>;
    /// Accounts pending deletion, soonest erasure first; with `due_by`, only those
    /// whose `erase_after` is at or before it.
    async fn list_pending_deletions(
        &mut self,
        due_by: Option<OffsetDateTime>,
    ) -> StoreResult<Vec<User>>;
    /// Erases the account and everything that holds its personal data: field values,
    /// contacts and their pending codes, messages waiting for its addresses, its photo
    /// (unless another account shows the same image), identifiers, consents, grants,
    /// sessions, card, recovery links and tickets. Its activity-log rows stay under
    /// `tombstone`, without address, device, browser or system, their details cut to
    /// `kept_details`. False if there was no such account.
    async fn erase_user(
        &mut self,
        user: UserId,
        tombstone: &str,
        kept_details: &[&str],
    ) -> StoreResult<bool>;
}
