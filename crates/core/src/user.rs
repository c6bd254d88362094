//! The account and the person's profile values.
use std::collections::BTreeMap;

use time::OffsetDateTime;

use crate::email::Email;
use crate::ids::UserId;
use crate::locale::Locale;
use crate::login::Login;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserStatus {
    Active,
    Blocked,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Blocked => "blocked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(Self::Active),
            "blocked" => Some(Self::Blocked),
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
