//! The person's data export (Download data): everything Sigil holds about them, as
//! one JSON document whose shape `docs/export.schema.json` (JSON Schema 2020-12)
//! describes and the README explains.
//!
//! What it never holds: the password hash, any token, code, link, secret or key, and
//! the hashes of cookies, codes and links. Such values live in other fields of the rows
//! read; this tree has no field for them, so they cannot slip in. Every instant is
//! RFC 3339 in UTC.
use serde::Serialize;
use serde_json::Value;
use time::{OffsetDateTime, UtcOffset};

/// The export's format; a change that removes or renames a field gets a new one.
pub const FORMAT: &str = "sigil-export/1";

/// An instant as the export writes it: in UTC.
pub(crate) fn utc(at: OffsetDateTime) -> OffsetDateTime {
    at.to_offset(UtcOffset::UTC)
}

#[derive(Clone, Debug, Serialize)]
pub struct Export {
    pub format: &'static str,
    #[serde(with = "time::serde::rfc3339")]
    pub exported_at: OffsetDateTime,
    /// The Sigil that made it (its public address, the OpenID issuer).
    pub issuer: String,
    pub account: Account,
    /// Every catalogue field, set or not, then any value kept for a field the operator
    /// has since removed.
    pub fields: Vec<Field>,
    pub email: Option<EmailEntry>,
    pub phone: Option<PhoneEntry>,
    pub photo: Option<Photo>,
    /// Linked external accounts, whatever their privacy levels.
    pub identifiers: Vec<LinkedIdentifier>,
    pub card: Option<Card>,
    pub consents: Vec<ConsentEntry>,
    /// Live browser sessions, the one that made the export first.
    pub sessions: Vec<SessionEntry>,
    /// The whole activity log, newest first.
    pub events: Vec<EventEntry>,
    /// Addresses and numbers waiting for their code (the codes are not included).
    pub pending_contacts: Vec<PendingContactEntry>,
    pub deletion: Deletion,
    /// Invitations to closed applications sent to the person's address or answered by
    /// them, newest first (never their token).
    pub invitations: Vec<InvitationEntry>,
    /// Favourite applications from the catalog, in the order added (those hidden
    /// because the catalog no longer offers them too).
    pub favorites: Vec<FavoriteEntry>,
    /// Access to closed applications, oldest first.
    pub app_access: Vec<AccessEntry>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Account {
    pub id: String,
    /// The subject applications know the person by (the OpenID `sub`).
    pub sub: String,
    pub login: Option<String>,
    /// `active`, `blocked`, or pending deletion.
    pub status: String,
    /// The language the person picked; `null` follows the browser.
    pub locale: Option<String>,
    /// The language notices go in while none is picked.
    pub mail_locale: Option<String>,
    pub profile_private: bool,
    pub is_operator: bool,
    /// Whether the account has a password (its hash is never exported).
    pub has_password: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    pub password_set_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

#[derive(Clone, Debug, Serialize)]
pub struct Field {
    pub key: String,
    /// `main` or `additional`; `null` for a field no longer in the catalogue.
    pub block: Option<String>,
    pub value: Option<String>,
    /// `private`, `on_request` or `public`: the level in force.
    pub privacy: String,
}

/// The email address on the account.
#[derive(Clone, Debug, Serialize)]
pub struct EmailEntry {
    pub address: String,
    pub verified: bool,
    pub privacy: String,
}

/// The phone number on the account (only a confirmed number is kept there).
#[derive(Clone, Debug, Serialize)]
pub struct PhoneEntry {
    /// In E.164.
    pub number: String,
    pub verified: bool,
    pub privacy: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Photo {
    pub url: String,
    pub thumbnail_url: Option<String>,
    pub privacy: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct LinkedIdentifier {
    pub provider: String,
    pub subject: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub has_avatar: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub linked_at: OffsetDateTime,
    pub privacy: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Card {
    pub active: bool,
    /// The personal part of the card's address.
    pub link: String,
    pub url: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ConsentEntry {
    pub client_id: String,
    /// The application's name; `null` if it is no longer registered.
    pub application: Option<String>,
    pub scopes: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub granted_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

#[derive(Clone, Debug, Serialize)]
pub struct SessionEntry {
    /// `pc`, `smartphone`, `tablet`…, as the browser's User-Agent told.
    pub device: Option<String>,
    pub browser: Option<String>,
    pub os: Option<String>,
    pub ip: Option<String>,
    /// `pwd`, or `provider:<id>` for a sign-in through a linked account.
    pub method: String,
    #[serde(with = "time::serde::rfc3339")]
    pub signed_in_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub authenticated_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub last_seen_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// The session that made this export.
    pub current: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct EventEntry {
    pub id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub category: String,
    pub client_id: Option<String>,
    pub application: Option<String>,
    pub ip: Option<String>,
    pub device: Option<String>,
    pub browser: Option<String>,
    pub os: Option<String>,
    /// What the event recorded, as stored (an object or `null`).
    pub details: Value,
}

#[derive(Clone, Debug, Serialize)]
pub struct PendingContactEntry {
    /// `email` or `phone`.
    pub kind: String,
    pub address: String,
    /// `email`, `sms` or `call`: how the code went.
    pub channel: String,
    #[serde(with = "time::serde::rfc3339")]
    pub requested_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

#[derive(Clone, Debug, Serialize)]
pub struct InvitationEntry {
    pub client_id: String,
    /// The application's name; `null` if it is no longer registered.
    pub application: Option<String>,
    pub email: String,
    /// `pending`, `accepted`, `declined`, `revoked` or `replaced`.
    pub status: String,
    #[serde(with = "time::serde::rfc3339")]
    pub invited_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub decided_at: Option<OffsetDateTime>,
}

/// Where the account stands on deletion.
#[derive(Clone, Debug, Serialize)]
pub struct Deletion {
    /// `active` while no deletion is pending.
    pub status: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub requested_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub erase_after: Option<OffsetDateTime>,
}

/// One favourite application.
#[derive(Clone, Debug, Serialize)]
pub struct FavoriteEntry {
    pub client_id: String,
    /// The application's name.
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub added_at: OffsetDateTime,
}

/// Access to one closed application.
#[derive(Clone, Debug, Serialize)]
pub struct AccessEntry {
    pub client_id: String,
    /// The application's name; `null` if it is no longer registered.
    pub name: Option<String>,
    /// `invitation`, `registration` or `operator`: how access was granted.
    pub source: String,
    #[serde(with = "time::serde::rfc3339")]
    pub granted_at: OffsetDateTime,
}
