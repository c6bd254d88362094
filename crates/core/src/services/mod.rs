//! Use cases. Each public method is one use case: it parses its input, checks the
//! rules, and makes its changes (with their activity-log event) in one transaction.
mod access;
mod accounts;
mod cards;
mod catalog;
mod contacts;
mod deletion;
mod delivery;
mod devices;
mod export;
mod gauges;
mod health;
mod housekeeping;
mod identifiers;
mod invitations;
pub mod oidc;
mod operators;
mod passwords;
mod photos;
mod privacy;
mod profile;
mod public;
mod recovery;
mod requests;
mod shell;
mod throttle;

use std::sync::Arc;

use time::OffsetDateTime;

use crate::clock::Clock;
use crate::error::CoreError;
use crate::event::{ClientInfo, EventCategory, NewEvent};
use crate::fields::FieldCatalogue;
use crate::ids::UserId;
use crate::oidc::jose::MasterKey;
use crate::oidc::scope::ScopeCatalogue;
use crate::password::PasswordHasher;
use crate::ports::{Store, StoreError};
use crate::privacy::PrivacyLevel;
use crate::random::Random;
use crate::session::SessionPolicy;

pub use access::{AccessGranted, AccessHolder, AccessRevoked, OperatorAct};
pub use accounts::{Registration, SignedIn};
pub use cards::{BusinessCard, CardPage};
pub use contacts::{Contacts, PendingContact};
pub use deletion::RestorePage;
pub use devices::Device;
pub use housekeeping::{Purged, HOUSEKEEPING};
pub use identifiers::{Callback, Finished};
pub use invitations::{InviteRequest, InviteResult, Invited, ACCEPT_PATH};
pub use operators::OperatorCredentials;
pub use photos::PhotoChange;
pub use privacy::PrivacyView;
pub use profile::Profile;
pub use public::PublicProfile;
pub use recovery::RecoveryPage;
pub use requests::{Accepted, Answer, RequestEntry};
pub use shell::Shell;
pub use throttle::ThrottlePolicy;

/// What the operator configures about accounts.
#[derive(Clone, Debug)]
pub struct Settings {
    pub catalogue: FieldCatalogue,
    pub sessions: SessionPolicy,
    pub throttle: ThrottlePolicy,
    pub registration_open: bool,
    pub oidc: OidcSettings,
    pub contacts: ContactSettings,
    /// The business card (an experimental feature the operator switches on).
    pub cards_enabled: bool,
    /// The application catalog and favourites (`[catalog] enabled`, an experimental
    /// feature; see [`crate::catalog`]).
    pub catalog_enabled: bool,
    /// The operator's language (`[operator] language`): what mail to an address Sigil
    /// knows no account for is written in (an invitation to someone new).
    pub default_locale: crate::locale::Locale,
    /// The external providers people may link as identifiers.
    pub providers: Vec<crate::identifier::ProviderDef>,
    /// What a new password must be.
    pub passwords: crate::password::PasswordPolicy,
    /// How long a deleted account can be restored before it is erased
    /// (`accounts.deletion_grace_days`; see [`crate::deletion`]).
    pub deletion_grace: time::Duration,
    /// How long activity-log entries are kept before housekeeping deletes them
    /// (`[events] retention_days`, at least a year).
    pub events_retention: time::Duration,
}

/// How contacts are verified.
#[derive(Clone, Debug)]
pub struct ContactSettings {
    /// Where national phone numbers are read (ISO 3166 alpha-2); `None` accepts
    /// international numbers only.
    pub phone_region: Option<crate::phone::Region>,
    /// The channels a phone code may take, in the order offered.
    pub phone_channels: Vec<crate::contact::Channel>,
    /// How recent a sign-in must be to change a contact.
    pub reauth_after: time::Duration,
    /// The privacy levels of the email and the phone until the person picks one.
    pub email_privacy: PrivacyLevel,
    pub phone_privacy: PrivacyLevel,
}

impl Default for ContactSettings {
    fn default() -> Self {
        Self {
            phone_region: None,
            phone_channels: vec![crate::contact::Channel::Sms, crate::contact::Channel::Call],
            reauth_after: time::Duration::minutes(5),
            email_privacy: PrivacyLevel::OnRequest,
            phone_privacy: PrivacyLevel::OnRequest,
        }
    }
}

impl Settings {
    /// The level a field has until the person picks one: the operator's default.
    pub fn default_privacy(&self, key: &str) -> PrivacyLevel {
        match key {
            "email" => self.contacts.email_privacy,
            "phone" => self.contacts.phone_privacy,
            _ => self
                .catalogue
                .get(key)
                .map_or(PrivacyLevel::OnRequest, |f| f.default_privacy),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            catalogue: FieldCatalogue::standard(),
            sessions: SessionPolicy::default(),
            throttle: ThrottlePolicy::default(),
            registration_open: true,
            oidc: OidcSettings::default(),
            contacts: ContactSettings::default(),
            cards_enabled: false,
            catalog_enabled: false,
            default_locale: crate::locale::Locale::En,
            events_retention: time::Duration::days(400),
            providers: Vec::new(),
            passwords: crate::password::PasswordPolicy::default(),
            deletion_grace: time::Duration::days(30),
        }
    }
}

/// The OpenID Provider's settings.
#[derive(Clone)]
pub struct OidcSettings {
    /// The issuer identifier: the public URL, without a trailing slash.
    pub issuer: String,
    /// Encrypts signing keys at rest.
    pub master_key: MasterKey,
    pub scopes: ScopeCatalogue,
    /// Lifetime of an authorization code.
    pub code_ttl: time::Duration,
    /// How long a retired signing key stays published, so tokens it signed still verify.
    pub key_retention: time::Duration,
}

impl Default for OidcSettings {
    fn default() -> Self {
        Self {
            issuer: "http://127.0.0.1:8080".into(),
            master_key: MasterKey::from_bytes([0; 32]),
            scopes: ScopeCatalogue::standard(),
            code_ttl: time::Duration::seconds(60),
            key_retention: time::Duration::days(2),
        }
    }
}

impl std::fmt::Debug for OidcSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcSettings")
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

/// The application: every use case, over injected ports.
pub struct Sigil {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    random: Arc<dyn Random>,
    hasher: PasswordHasher,
    settings: Settings,
    keys: oidc::KeyRing,
    held_apps: oidc::HeldApps,
    verified: oidc::VerifiedTokens,
    /// The profiles userinfo served lately, at the version they were read.
    profiles: oidc::HeldProfiles,
    /// One per [`crate::outbox::Lane`], in its order.
    outbox_ready: [tokio::sync::Notify; 2],
    upstream: Arc<dyn crate::identifier::Upstream>,
    refresh_key: crate::oidc::refresh::RefreshKey,
    device_key: crate::throttle::DeviceKey,
}

impl Sigil {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        random: Arc<dyn Random>,
        hasher: PasswordHasher,
        settings: Settings,
    ) -> Self {
        let refresh_key =
            crate::oidc::refresh::RefreshKey::derive(settings.oidc.master_key.secret());
        let device_key = crate::throttle::DeviceKey::derive(settings.oidc.master_key.secret());
        Self {
            store,
            clock,
            random,
            hasher,
            settings,
            refresh_key,
            device_key,
            keys: oidc::KeyRing::default(),
            held_apps: oidc::HeldApps::default(),
            verified: oidc::VerifiedTokens::default(),
            profiles: oidc::HeldProfiles::default(),
            outbox_ready: [tokio::sync::Notify::new(), tokio::sync::Notify::new()],
            upstream: Arc::new(crate::identifier::NoUpstream),
        }
    }

    /// Links identifiers through `upstream` (the providers in [`Settings::providers`]).
    pub fn with_upstream(mut self, upstream: Arc<dyn crate::identifier::Upstream>) -> Self {
        self.upstream = upstream;
        self
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    fn event(
        &self,
        user: Option<UserId>,
        category: EventCategory,
        client: &ClientInfo,
    ) -> NewEvent {
        NewEvent::new(self.clock.now(), user, category, client)
    }
}

impl From<StoreError> for CoreError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(field) => {
                CoreError::field(field, crate::error::FieldErrorKind::Taken)
            }
            StoreError::Unavailable(e) => CoreError::Unavailable(e),
            StoreError::Other(e) => CoreError::Unexpected(e),
        }
    }
}
