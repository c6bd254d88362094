//! Account deletion with a grace period, recovery, and erasure (the guide's "Account
//! Deletion and Recovery"; the Russian edition sets the grace period to a month, the
//! operator's `accounts.deletion_grace_days`, 30 by default).
//!
//! The lifecycle:
//! 1. **Delete** ([`crate::Sigil::request_deletion`]): the person confirms with their
//!    password (an account without one: with a sign-in at its provider younger than the
//!    re-authentication window, asked for through the console's re-auth step). In one
//!    transaction the account becomes [`UserStatus::PendingDeletion`], every session and
//!    token ends (the same seam as Log out from all devices, so applications hear of it),
//!    and the verified address is told the date of erasure.
//! 2. **Pending**: nothing signs the account in. A correct sign-in (password or linked
//!    identifier) answers [`DeletionError::Scheduled`]: through an application the page
//!    says the account is scheduled for deletion and offers nothing else (the guide: no
//!    recovery there); in the console it opens a [`RestoreTicket`] — a short-lived,
//!    single-use secret in a cookie, stored hashed — that reaches only the recovery page
//!    with its Restore and Sign out buttons. No session exists while an account is
//!    pending, so no other page, API or token can be reached. Public profile, vCard and
//!    business card answer 404, as for an unknown person.
//! 3. **Restore** ([`crate::Sigil::restore_account`]): spends the ticket, returns the
//!    account to active with everything it held (profile, identifiers, consents, card),
//!    and opens a fresh session: the person has just proven the password or the provider
//!    sign-in, minutes ago. What ended at deletion stays ended.
//! 4. **Erase** ([`crate::Sigil::erase_due_accounts`], and `sigil accounts purge`): once
//!    `erase_after` has passed, the account row goes with everything that hangs off it
//!    (see the store's `erase_user`); the activity log keeps its rows under a random
//!    tombstone, without address, device or personal details.
use time::{Duration, OffsetDateTime};

use crate::ids::UserId;
use crate::locale::Locale;
use crate::session::SignInMethod;
use crate::token::SecretToken;
use crate::user::UserStatus;

/// How long the recovery page may be used after the sign-in that opened it.
pub const RESTORE_TICKET_TTL: Duration = Duration::minutes(30);

/// The name of the erasure job's lease (see [`crate::ports::LeaseRepo`]).
pub const ERASURE: &str = "erasure";

/// The prefix of the ids that replace an erased person's id in the activity log.
pub const TOMBSTONE_PREFIX: &str = "erased:";

/// The keys of an event's details that say nothing about the person and stay in the
/// log after erasure (why a sign-in failed, how many sessions ended…); every other key
/// goes (addresses, names, providers' subjects, field names and values).
pub const KEPT_EVENT_DETAILS: [&str; 5] = [
    "reason",
    "sessions_ended",
    "grants_ended",
    "channel",
    "kind",
];

/// What goes wrong in the deletion lifecycle; each changes nothing.
#[derive(Debug)]
pub enum DeletionError {
    /// The account is already scheduled for deletion (deleting twice).
    AlreadyPending { erase_after: OffsetDateTime },
    /// The account is not pending deletion: there is nothing to restore.
    NotPending,
    /// The recovery page was opened too long ago: sign in again.
    TicketExpired,
    /// No account to restore behind the ticket: erased, or the ticket is unknown.
    NothingToRestore,
    /// A correct sign-in to an account scheduled for deletion.
    Scheduled(Box<PendingSignIn>),
}

/// A sign-in that proved the password (or the provider's sign-in) of an account that is
/// pending deletion. Only the core makes one, so holding one is the proof that
/// [`crate::Sigil::open_restore`] asks for.
#[derive(Debug)]
#[non_exhaustive]
pub struct PendingSignIn {
    pub user: UserId,
    /// The language the person picked, for the page that answers.
    pub locale: Option<Locale>,
    pub erase_after: OffsetDateTime,
    pub method: SignInMethod,
    /// Where a sign-in through a provider was going (the password form carries its own).
    pub next: Option<String>,
}

impl PendingSignIn {
    pub(crate) fn new(
        user: UserId,
        locale: Option<Locale>,
        erase_after: OffsetDateTime,
        method: SignInMethod,
    ) -> Self {
        Self {
            user,
            locale,
            erase_after,
            method,
            next: None,
        }
    }
}

/// `e` with where a sign-in through a provider was going, if `e` answers a sign-in to
/// an account pending deletion.
pub(crate) fn going_to(e: crate::CoreError, next: &str) -> crate::CoreError {
    match e {
        crate::CoreError::Deletion(DeletionError::Scheduled(mut pending)) => {
            pending.next = Some(next.to_owned());
            crate::CoreError::Deletion(DeletionError::Scheduled(pending))
        }
        other => other,
    }
}

/// A ticket to the recovery page: the secret goes into a cookie once and is never
/// stored.
#[derive(Debug)]
pub struct RestoreTicket {
    pub token: SecretToken,
    pub expires_at: OffsetDateTime,
}

/// A stored ticket, as the store reads it back.
#[derive(Clone, Debug)]
pub struct StoredTicket {
    pub user: UserId,
    pub method: SignInMethod,
    pub expires_at: OffsetDateTime,
    pub used: bool,
}

/// What deleting scheduled.
#[derive(Clone, Copy, Debug)]
pub struct Scheduled {
    pub erase_after: OffsetDateTime,
    pub sessions_ended: u64,
}

/// An account pending deletion, as the operator's list shows it.
#[derive(Clone, Debug)]
pub struct PendingAccount {
    pub id: UserId,
    /// What the person signs in with (login, else email), if anything.
    pub name: Option<String>,
    pub requested_at: OffsetDateTime,
    pub erase_after: OffsetDateTime,
}

impl PendingAccount {
    pub fn from_user(user: &crate::user::User) -> Option<Self> {
        let UserStatus::PendingDeletion {
            requested_at,
            erase_after,
        } = user.status
        else {
            return None;
        };
        Some(Self {
            id: user.id,
            name: user
                .login
                .as_ref()
                .map(|l| l.to_string())
                .or_else(|| user.email.as_ref().map(|e| e.to_string())),
            requested_at,
            erase_after,
        })
    }
}

/// When an account deleted at `now` may be erased.
pub fn erase_after(now: OffsetDateTime, grace: Duration) -> OffsetDateTime {
    now + grace
}

/// Whether an account in `status` is due for erasure at `now`.
pub fn is_due(status: UserStatus, now: OffsetDateTime) -> bool {
    status.erase_after().is_some_and(|at| at <= now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn an_account_is_due_only_once_its_grace_period_has_passed() {
        let requested_at = datetime!(2026-03-01 10:00 UTC);
        let status = UserStatus::PendingDeletion {
            requested_at,
            erase_after: erase_after(requested_at, Duration::days(30)),
        };
        assert!(!is_due(status, requested_at + Duration::days(29)));
        assert!(is_due(status, requested_at + Duration::days(30)));
        assert!(is_due(status, requested_at + Duration::days(31)));
        assert!(!is_due(
            UserStatus::Active,
            requested_at + Duration::days(400)
        ));
        assert!(!is_due(
            UserStatus::Blocked,
            requested_at + Duration::days(400)
        ));
    }
}
