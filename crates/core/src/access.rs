//! Access to closed applications. An application marked closed lets in only people who
//! hold access to it: granted by an accepted invitation, automatically when a new
//! account verified an invited address, or by the operator.
use time::OffsetDateTime;

use crate::ids::{ClientId, UserId};

/// How a person came to hold access to a closed application.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessSource {
    /// An invitation the person accepted, by its link or on the Requests tab.
    Invitation,
    /// Granted when a new account verified an address that had been invited.
    Registration,
    /// Granted by the operator (CLI or admin API).
    Operator,
}

impl AccessSource {
    pub const ALL: [Self; 3] = [Self::Invitation, Self::Registration, Self::Operator];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invitation => "invitation",
            Self::Registration => "registration",
            Self::Operator => "operator",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// One person's access to one closed application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppAccess {
    pub user_id: UserId,
    pub client_id: ClientId,
    pub source: AccessSource,
    /// The invitation it came from, if any.
    pub invitation_id: Option<String>,
    pub granted_at: OffsetDateTime,
}

/// Why the operator's change of access was refused; nothing was changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    /// No application has this client_id.
    #[error("no application has this client_id")]
    UnknownApp,
    /// No account has this login, email address or id.
    #[error("no account has this login, email address or id")]
    UnknownUser,
    /// Access is granted only to closed applications: an open one lets everyone in,
    /// and a grant to it would silently start to matter the day it is closed.
    #[error("access is only for closed applications: this application is open to everyone")]
    NotClosed,
    /// The person does not hold access to the application.
    #[error("this person does not hold access to this application")]
    NotHeld,
}

impl AccessError {
    pub const ALL: [Self; 4] = [
        Self::UnknownApp,
        Self::UnknownUser,
        Self::NotClosed,
        Self::NotHeld,
    ];

    /// The stable code for the JSON API; `access-error-{code}` is its translation.
    pub fn code(self) -> &'static str {
        match self {
            Self::UnknownApp => "unknown_application",
            Self::UnknownUser => "unknown_user",
            Self::NotClosed => "application_not_closed",
            Self::NotHeld => "access_not_held",
        }
    }
}
