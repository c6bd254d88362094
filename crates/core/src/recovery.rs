//! Securing the account from a notice: every notice of a change that could lock the
//! person out (a new password, a new or removed email address, a new way to sign in)
//! carries a link. Whoever holds the mailbox that was verified before the change opens
//! it, sets a new password there, and with that ends every session and token, takes
//! back the old address and removes the ways to sign in added since the password was
//! last set (NIST SP 800-63B §6.1.2.3: notify the subscriber, let them undo it).
//!
//! The link is single use, stored hashed, and dies after [`RECOVERY_TTL`]. Using it
//! also spends every link of the account made after it (sent to addresses at least as
//! recent, possibly an intruder's); links made before it stay open.
use time::OffsetDateTime;

use crate::email::Email;
use crate::ids::UserId;
use crate::token::TokenHash;

/// How long the link in a notice works.
pub const RECOVERY_TTL: time::Duration = time::Duration::days(7);

/// The link in one notice, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recovery {
    pub token_hash: TokenHash,
    pub user_id: UserId,
    /// The address the notice went to, put back on the account when the change being
    /// undone took it away.
    pub restore_email: Option<Email>,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub used_at: Option<OffsetDateTime>,
}

impl Recovery {
    pub fn is_open(&self, now: OffsetDateTime) -> bool {
        self.used_at.is_none() && now < self.expires_at
    }
}
