//! Invitations to closed applications (the guide's "Closed App Invitations").
//!
//! The operator invites one address to one application marked closed. The invitation
//! carries a single-use token: 256 random bits sent only inside the mail, stored as its
//! SHA-256 ([`crate::token`]). It is decided once, by whoever proves the address:
//! - **accepted** by its link or on the Requests tab, by a signed-in person whose
//!   *verified* email is the invited address: access is granted ([`crate::access`]);
//! - **accepted automatically** when an account verifies the invited address (a new
//!   account registered with it, or an address changed to it);
//! - **declined** on the Requests tab;
//! - **revoked** by the operator, or **replaced** when the same address is invited to the
//!   same application again (at most one pending invitation per application and address,
//!   a unique index decides between two at once).
//!
//! Each of these is one conditional `UPDATE … WHERE status = 'pending' AND expires_at >
//! now` whose row count says who won, so two accepts at once grant access once.
//!
//! Inviting to an application that is **not** closed is refused
//! ([`InvitationError::AppNotClosed`], `application_not_closed` as for access): everyone may sign in to it already, and an
//! invitation that grants nothing would only mislead; the operator closes it first.
use time::{Duration, OffsetDateTime};

use crate::email::Email;
use crate::ids::{ClientId, UserId};
use crate::locale::Locale;

/// How long an invitation stays open unless the operator says otherwise.
pub const DEFAULT_EXPIRY_DAYS: i64 = 14;
/// The longest an invitation may stay open.
pub const MAX_EXPIRY_DAYS: i64 = 365;

/// Where an invitation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Declined,
    /// Withdrawn by the operator.
    Revoked,
    /// The same address was invited to the same application again.
    Replaced,
}

impl InvitationStatus {
    pub const ALL: [Self; 5] = [
        Self::Pending,
        Self::Accepted,
        Self::Declined,
        Self::Revoked,
        Self::Replaced,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Revoked => "revoked",
            Self::Replaced => "replaced",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// One invitation, as stored (its token is not: only the token's hash is, and it is
/// never read back).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invitation {
    pub id: String,
    pub client_id: ClientId,
    /// The invited address, normalised as an account's email is.
    pub email: Email,
    pub status: InvitationStatus,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// When it was accepted, declined, revoked or replaced.
    pub decided_at: Option<OffsetDateTime>,
    /// Who accepted or declined it.
    pub user_id: Option<UserId>,
    /// The language the mail was written in.
    pub locale: Option<Locale>,
    /// The outbox entry that carries the mail.
    pub message_id: Option<i64>,
}

impl Invitation {
    /// Pending and not yet expired at `now`: what may still be accepted.
    pub fn is_open(&self, now: OffsetDateTime) -> bool {
        self.status == InvitationStatus::Pending && now < self.expires_at
    }

    /// Why it can no longer be accepted at `now`; `None` while it is open.
    pub fn closed_reason(&self, now: OffsetDateTime) -> Option<InvitationError> {
        match self.status {
            InvitationStatus::Pending if now < self.expires_at => None,
            InvitationStatus::Pending => Some(InvitationError::Expired),
            InvitationStatus::Accepted | InvitationStatus::Declined => Some(InvitationError::Used),
            InvitationStatus::Revoked => Some(InvitationError::Revoked),
            InvitationStatus::Replaced => Some(InvitationError::Replaced),
        }
    }
}

/// The lifetime of a new invitation: `days` (1 to [`MAX_EXPIRY_DAYS`]), else
/// [`DEFAULT_EXPIRY_DAYS`].
pub fn expiry(days: Option<i64>) -> Result<Duration, InvitationError> {
    let days = days.unwrap_or(DEFAULT_EXPIRY_DAYS);
    if (1..=MAX_EXPIRY_DAYS).contains(&days) {
        Ok(Duration::days(days))
    } else {
        Err(InvitationError::ExpiryOutOfRange)
    }
}

/// What goes wrong with an invitation; each changes nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InvitationError {
    /// The application is not closed: everyone may sign in to it already.
    AppNotClosed,
    /// `expires_days` is not between 1 and [`MAX_EXPIRY_DAYS`].
    ExpiryOutOfRange,
    /// The token names no invitation (mistyped, forged, or erased).
    Unknown,
    Expired,
    Revoked,
    /// Accepted or declined already (by someone else; the same person accepting again
    /// is not an error).
    Used,
    /// A newer invitation to the same address replaced it.
    Replaced,
    /// The signed-in account's verified email is not the invited address (`invited`,
    /// partly hidden).
    OtherAccount {
        invited: String,
    },
    /// The signed-in account has the invited address but has not verified it.
    Unverified {
        invited: String,
    },
    /// The address came earlier in the same bulk invitation (after normalisation): it
    /// is invited once, and this repeat is skipped.
    Duplicate,
    /// The account that has this address verified holds access to the application
    /// already: no mail, no pending invitation.
    AlreadyHasAccess,
    /// Simultaneous invitations of the same address kept getting in first, try after
    /// try: nothing was sent for this one; inviting it again a moment later works.
    Contended,
}

impl InvitationError {
    /// A stable machine-readable code for the JSON API.
    pub fn code(&self) -> &'static str {
        match self {
            Self::AppNotClosed => "application_not_closed",
            Self::ExpiryOutOfRange => "invalid_expiry",
            Self::Unknown => "invitation_unknown",
            Self::Expired => "invitation_expired",
            Self::Revoked => "invitation_revoked",
            Self::Used => "invitation_used",
            Self::Replaced => "invitation_replaced",
            Self::OtherAccount { .. } => "invitation_other_account",
            Self::Unverified { .. } => "invitation_email_unverified",
            Self::Duplicate => "duplicate",
            Self::AlreadyHasAccess => "already_has_access",
            Self::Contended => "invitation_conflict",
        }
    }

    /// An address of a bulk invitation left out on purpose (a repeat, or a person who
    /// holds access already), rather than refused: nothing is wrong with the request.
    pub fn is_skip(&self) -> bool {
        matches!(self, Self::Duplicate | Self::AlreadyHasAccess)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn invitation(status: InvitationStatus) -> Invitation {
        Invitation {
            id: "i".into(),
            client_id: ClientId("c".into()),
            email: Email::from_trusted("ada@example.org".into()),
            status,
            created_at: datetime!(2026-03-01 12:00 UTC),
            expires_at: datetime!(2026-03-15 12:00 UTC),
            decided_at: None,
            user_id: None,
            locale: None,
            message_id: None,
        }
    }

    #[test]
    fn an_invitation_is_open_only_while_pending_and_unexpired() {
        let before = datetime!(2026-03-15 11:59:59 UTC);
        let at = datetime!(2026-03-15 12:00 UTC);
        let pending = invitation(InvitationStatus::Pending);
        assert!(pending.is_open(before));
        assert_eq!(pending.closed_reason(before), None);
        assert!(!pending.is_open(at));
        assert_eq!(pending.closed_reason(at), Some(InvitationError::Expired));
        for (status, why) in [
            (InvitationStatus::Accepted, InvitationError::Used),
            (InvitationStatus::Declined, InvitationError::Used),
            (InvitationStatus::Revoked, InvitationError::Revoked),
            (InvitationStatus::Replaced, InvitationError::Replaced),
        ] {
            assert!(!invitation(status).is_open(before));
            assert_eq!(invitation(status).closed_reason(before), Some(why));
        }
    }

    #[test]
    fn the_expiry_defaults_to_two_weeks_and_is_bounded() {
        assert_eq!(expiry(None), Ok(Duration::days(14)));
        assert_eq!(expiry(Some(1)), Ok(Duration::days(1)));
        assert_eq!(expiry(Some(365)), Ok(Duration::days(365)));
        for bad in [0, -1, 366, i64::MAX] {
            assert_eq!(expiry(Some(bad)), Err(InvitationError::ExpiryOutOfRange));
        }
    }

    #[test]
    fn statuses_round_trip() {
        for s in InvitationStatus::ALL {
            assert_eq!(InvitationStatus::parse(s.as_str()), Some(s));
        }
    }
}
