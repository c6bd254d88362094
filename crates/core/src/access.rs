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
