//! The activity log: every security-relevant change, written in the transaction that
//! makes the change.
use serde_json::Value;
use time::OffsetDateTime;

use crate::ids::{ClientId, UserId};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventCategory {
    Registered,
    SignInSucceeded,
    SignInFailed,
    SignedOut,
    /// Every session and token of the person ended at once (Log out from all devices).
    SignedOutEverywhere,
    ProfileUpdated,
    PasswordChanged,
    LocaleChanged,
    OperatorCreated,
    OperatorPasswordReset,
    AppSignIn,
    ConsentGranted,
    AppSessionsEnded,
    AppPermissionRevoked,
    ContactCodeSent,
    ContactCodeRejected,
    EmailChanged,
    EmailRemoved,
    PhoneChanged,
    PhoneRemoved,
    PrivacyChanged,
    ProfilePrivacyChanged,
    CardActivityChanged,
    CardLinkChanged,
    PhotoChanged,
    PhotoRemoved,
    IdentifierLinked,
    IdentifierRemoved,
    /// The person deleted the account: pending deletion until the grace period ends.
    DeletionRequested,
    /// The person restored an account pending deletion.
    AccountRestored,
    /// The grace period ended and the account was erased (logged under a tombstone).
    AccountErased,
    /// A correct sign-in to an account pending deletion: no session (the console
    /// offers to restore it; an application's sign-in says it is scheduled).
    SignInPendingDeletion,
    /// One other session ended from the Devices page.
    DeviceSignedOut,
    /// The person downloaded everything Sigil holds about them.
    DataExported,
    /// The operator granted the person access to a closed application.
    AccessGrantedByOperator,
    /// The operator took the person's access to a closed application away.
    AccessRevokedByOperator,
    /// The operator invited an address to a closed application ([`crate::invitation`]).
    InvitationSent,
    /// The operator withdrew an invitation.
    InvitationRevoked,
    /// The person accepted an invitation (its link or the Requests tab): access granted.
    InvitationAccepted,
    /// The person declined an invitation on the Requests tab.
    InvitationDeclined,
    /// The account verified an invited address: access granted without asking.
    InvitationAccessGranted,
    /// The person made a catalog application a favourite (with its client_id).
    FavoriteAdded,
    /// The person removed a favourite (with its client_id).
    FavoriteRemoved,
}

impl EventCategory {
    pub const ALL: [EventCategory; 43] = [
        Self::Registered,
        Self::SignInSucceeded,
        Self::SignInFailed,
        Self::SignedOut,
        Self::SignedOutEverywhere,
        Self::ProfileUpdated,
        Self::PasswordChanged,
        Self::LocaleChanged,
        Self::OperatorCreated,
        Self::OperatorPasswordReset,
        Self::AppSignIn,
        Self::ConsentGranted,
        Self::AppSessionsEnded,
        Self::AppPermissionRevoked,
        Self::ContactCodeSent,
        Self::ContactCodeRejected,
        Self::EmailChanged,
        Self::EmailRemoved,
        Self::PhoneChanged,
        Self::PhoneRemoved,
        Self::PrivacyChanged,
        Self::ProfilePrivacyChanged,
        Self::CardActivityChanged,
        Self::CardLinkChanged,
        Self::PhotoChanged,
        Self::PhotoRemoved,
        Self::IdentifierLinked,
        Self::IdentifierRemoved,
        Self::DeletionRequested,
        Self::AccountRestored,
        Self::AccountErased,
        Self::SignInPendingDeletion,
        Self::DeviceSignedOut,
        Self::DataExported,
        Self::AccessGrantedByOperator,
        Self::AccessRevokedByOperator,
        Self::InvitationSent,
        Self::InvitationRevoked,
        Self::InvitationAccepted,
        Self::InvitationDeclined,
        Self::InvitationAccessGranted,
        Self::FavoriteAdded,
        Self::FavoriteRemoved,
    ];

    /// The stable name stored in the database and returned by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registered => "account.registered",
            Self::SignInSucceeded => "sign_in.succeeded",
            Self::SignInFailed => "sign_in.failed",
            Self::SignedOut => "sign_out",
            Self::SignedOutEverywhere => "sign_out.everywhere",
            Self::ProfileUpdated => "profile.updated",
            Self::PasswordChanged => "password.changed",
            Self::LocaleChanged => "locale.changed",
            Self::OperatorCreated => "operator.created",
            Self::OperatorPasswordReset => "operator.password_reset",
            Self::AppSignIn => "app.sign_in",
            Self::ConsentGranted => "app.consent_granted",
            Self::AppSessionsEnded => "app.sessions_ended",
            Self::AppPermissionRevoked => "app.permission_revoked",
            Self::ContactCodeSent => "contact.code_sent",
            Self::ContactCodeRejected => "contact.code_rejected",
            Self::EmailChanged => "contact.email_changed",
            Self::EmailRemoved => "contact.email_removed",
            Self::PhoneChanged => "contact.phone_changed",
            Self::PhoneRemoved => "contact.phone_removed",
            Self::PrivacyChanged => "privacy.field_changed",
            Self::ProfilePrivacyChanged => "privacy.profile_changed",
            Self::CardActivityChanged => "card.activity_changed",
            Self::CardLinkChanged => "card.link_changed",
            Self::PhotoChanged => "profile.photo_changed",
            Self::PhotoRemoved => "profile.photo_removed",
            Self::IdentifierLinked => "identifier.linked",
            Self::IdentifierRemoved => "identifier.removed",
            Self::DeletionRequested => "account.deletion_requested",
            Self::AccountRestored => "account.restored",
            Self::AccountErased => "account.erased",
            Self::SignInPendingDeletion => "sign_in.pending_deletion",
            Self::DeviceSignedOut => "session.signed_out_remotely",
            Self::DataExported => "data.exported",
            Self::AccessGrantedByOperator => "access.granted_by_operator",
            Self::AccessRevokedByOperator => "access.revoked_by_operator",
            Self::InvitationSent => "invitation.sent",
            Self::InvitationRevoked => "invitation.revoked",
            Self::InvitationAccepted => "invitation.accepted",
            Self::InvitationDeclined => "invitation.declined",
            Self::InvitationAccessGranted => "invitation.access_granted",
            Self::FavoriteAdded => "favorite.added",
            Self::FavoriteRemoved => "favorite.removed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Where a request came from, as far as the log records it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientInfo {
    pub ip: Option<String>,
    /// Device type, e.g. `pc`, `smartphone`, `crawler`.
    pub device: Option<String>,
    /// Browser name and version, e.g. `Firefox 128.0`.
    pub browser: Option<String>,
    /// Operating system, e.g. `Linux`, `Windows 10`, `iPhone`.
    pub os: Option<String>,
}

#[derive(Clone, Debug)]
pub struct NewEvent {
    pub at: OffsetDateTime,
    pub user_id: Option<UserId>,
    pub category: EventCategory,
    pub client_id: Option<ClientId>,
    pub client: ClientInfo,
    pub details: Value,
}

impl NewEvent {
    pub fn new(
        at: OffsetDateTime,
        user_id: Option<UserId>,
        category: EventCategory,
        client: &ClientInfo,
    ) -> Self {
        Self {
            at,
            user_id,
            category,
            client_id: None,
            client: client.clone(),
            details: Value::Null,
        }
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }
}

#[derive(Clone, Debug)]
pub struct Event {
    pub id: i64,
    pub at: OffsetDateTime,
    pub user_id: Option<UserId>,
    pub category: String,
    pub client_id: Option<String>,
    /// The registered application's name, if `client_id` names one that still exists.
    pub client_name: Option<String>,
    pub client: ClientInfo,
    pub details: Value,
}

/// One page of the activity log, newest first.
#[derive(Clone, Debug)]
pub struct EventPage {
    pub events: Vec<Event>,
    /// The id to pass as `before` for the next, older page; `None` on the last page.
    pub next_before: Option<i64>,
    /// The categories the person's log holds at all (for a filter), in stored names.
    pub categories: Vec<String>,
}

impl EventPage {
    /// The largest page.
    pub const MAX: i64 = 100;

    /// A page of `limit` from up to `limit + 1` events read: the extra one only says
    /// that an older page exists.
    pub fn cut(mut events: Vec<Event>, limit: i64) -> Self {
        let limit = usize::try_from(limit).unwrap_or(0);
        let more = events.len() > limit;
        events.truncate(limit);
        let next_before = if more {
            events.last().map(|e| e.id)
        } else {
            None
        };
        Self {
            events,
            next_before,
            categories: Vec::new(),
        }
    }
}
