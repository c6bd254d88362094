//! The account and the person's profile values.
use std::collections::BTreeMap;

use time::OffsetDateTime;

use crate::email::Email;
use crate::ids::UserId;
use crate::locale::Locale;
use crate::login::Login;

/// Where the account stands. See [`crate::deletion`] for the deletion lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserStatus {
    Active,
    Blocked,
    /// The person deleted the account: nothing signs it in, nothing shows it, until
    /// it is restored (from the console) or erased once `erase_after` has passed.
    PendingDeletion {
        requested_at: OffsetDateTime,
        erase_after: OffsetDateTime,
    },
}

impl UserStatus {
    /// The stored name of the status.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Blocked => "blocked",
            Self::PendingDeletion { .. } => "pending_deletion",
        }
    }

    /// The status from its stored name and, for a pending deletion, its two times.
    pub fn from_stored(
        s: &str,
        requested_at: Option<OffsetDateTime>,
        erase_after: Option<OffsetDateTime>,
    ) -> Option<Self> {
        match s {
            "active" => Some(Self::Active),
            "blocked" => Some(Self::Blocked),
            "pending_deletion" => Some(Self::PendingDeletion {
                requested_at: requested_at?,
                erase_after: erase_after?,
            }),
            _ => None,
        }
    }

    pub fn is_active(self) -> bool {
        self == Self::Active
    }

    /// From when the account may be erased, while it is pending deletion.
    pub fn erase_after(self) -> Option<OffsetDateTime> {
        match self {
            Self::PendingDeletion { erase_after, .. } => Some(erase_after),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct User {
    pub id: UserId,
    pub login: Option<Login>,
    pub email: Option<Email>,
    pub email_verified: bool,
    /// The verified phone number, E.164.
    pub phone: Option<crate::phone::Phone>,
    /// The photo's display size and thumbnail, by image hash.
    pub photo: Option<String>,
    pub photo_small: Option<String>,
    /// argon2id PHC string; `None` for accounts that only sign in through a provider.
    pub password_hash: Option<String>,
    pub status: UserStatus,
    pub is_operator: bool,
    /// The Private profile switch: every public field counts as on request.
    pub profile_private: bool,
    /// The language the person picked; `None` follows the browser.
    pub locale: Option<Locale>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// The public name (the `nickname` field), read with the account for the console's
    /// header; `None` when unset, and on a row read to be locked for a change.
    pub name: Option<String>,
}

/// What registration writes.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub id: UserId,
    pub login: Option<Login>,
    pub email: Option<Email>,
    pub password_hash: String,
    pub is_operator: bool,
    pub locale: Option<Locale>,
    pub created_at: OffsetDateTime,
}

/// Catalogue field values by key (everything but login, which lives on the account).
pub type FieldValues = BTreeMap<String, String>;
