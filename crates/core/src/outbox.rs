//! Messages to people — codes, links and notices by email, SMS or call — and how their
//! delivery is retried.
//!
//! A use case writes its message to the outbox table in its own transaction, so a
//! message exists exactly when the change that needs it does. A background job hands
//! due messages to a [`Courier`] and retries failures with exponential backoff; only
//! after [`MAX_DELIVERIES`] failures is a message given up, and the person's page says
//! so. Messages are rendered in the recipient's language at delivery; the stored
//! payload (which holds a code) is sealed with the master key and erased once sent.
//!
//! The same queue carries back-channel logouts to applications ([`AppNotice`]), for
//! their retries and their independence from the person's request. They are not
//! messages to a person: no page shows their delivery (a person's page shows only the
//! message a pending verification points at).
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::contact::Channel;
use crate::locale::Locale;
use crate::oidc::backchannel::LogoutNotice;

/// How many times delivery is tried before the message is given up.
pub const MAX_DELIVERIES: i64 = 8;

/// How long a node may work on a claimed message before another may take it.
pub const CLAIM_LEASE: Duration = Duration::minutes(2);

/// What to deliver; the courier renders it in `locale`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Message {
    /// The code and link that verify a new email address.
    VerifyEmail {
        to: String,
        locale: Locale,
        code: String,
        link: String,
    },
    /// To the old address, after the account's email changed or was removed.
    EmailChanged {
        to: String,
        locale: Locale,
        /// The new address, partly hidden; `None` when the address was removed.
        new_address: Option<String>,
        /// Where to secure the account if it was not the person (see
        /// [`crate::recovery`]); absent in messages queued before there was one.
        #[serde(default)]
        secure_link: Option<String>,
    },
    /// To the verified address, after the password changed.
    PasswordChanged {
        to: String,
        locale: Locale,
        secure_link: String,
    },
    /// To the verified address, after a way to sign in (an identifier at a provider)
    /// was added.
    SignInMethodAdded {
        to: String,
        locale: Locale,
        /// The provider's name, as the profile shows it.
        provider: String,
        #[serde(with = "time::serde::timestamp")]
        at: OffsetDateTime,
        secure_link: String,
    },
    /// To the verified address, after the person deleted the account: when its data
    /// will be erased, and that signing in to the console restores it until then.
    DeletionScheduled {
        to: String,
        locale: Locale,
        #[serde(with = "time::serde::timestamp")]
        erase_after: OffsetDateTime,
        /// The console's sign-in page, where the account is restored until then
        /// (absent from messages queued before it was added).
        #[serde(default)]
        sign_in: Option<String>,
    },
    /// To an invited address: the operator invites its owner to a closed application
    /// ([`crate::invitation`]); the link carries the invitation's single-use token.
    Invitation(InvitationMail),
    /// The code that verifies a phone number, by SMS.
    VerifyPhoneSms {
        to: String,
        locale: Locale,
        code: String,
    },
    /// The code that verifies a phone number, as the end of an incoming call's number.
    VerifyPhoneCall { to: String, code: String },
}

/// What an invitation's mail says ([`Message::Invitation`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationMail {
    pub to: String,
    pub locale: Locale,
    /// The application's name and description, as registered.
    pub app_name: String,
    pub app_description: String,
    /// Who invites: the operator's organisation (the product name if unset).
    pub inviter: String,
    #[serde(with = "time::serde::timestamp")]
    pub expires_at: OffsetDateTime,
    pub link: String,
}

impl Message {
    pub fn channel(&self) -> Channel {
        match self {
            Self::VerifyEmail { .. }
            | Self::EmailChanged { .. }
            | Self::PasswordChanged { .. }
            | Self::SignInMethodAdded { .. }
            | Self::DeletionScheduled { .. }
            | Self::Invitation(_) => Channel::Email,
            Self::VerifyPhoneSms { .. } => Channel::Sms,
            Self::VerifyPhoneCall { .. } => Channel::Call,
        }
    }

    pub fn recipient(&self) -> &str {
        match self {
            Self::VerifyEmail { to, .. }
            | Self::EmailChanged { to, .. }
            | Self::PasswordChanged { to, .. }
            | Self::SignInMethodAdded { to, .. }
            | Self::DeletionScheduled { to, .. }
            | Self::Invitation(InvitationMail { to, .. })
            | Self::VerifyPhoneSms { to, .. }
            | Self::VerifyPhoneCall { to, .. } => to,
        }
    }
}

/// What one outbox entry holds once opened: a message to a person (stored as it always
/// was, so entries queued before applications had notices still open), or a notice to
/// an application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Outgoing {
    Person(Message),
    Application(AppNotice),
}

/// A server-to-server notice to an application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppNotice {
    /// A logout token to POST to the application's `backchannel_logout_uri`, signed at
    /// delivery ([`crate::oidc::backchannel`]).
    BackchannelLogout(LogoutNotice),
}

impl AppNotice {
    /// The `channel` column of the outbox.
    pub const CHANNEL: &'static str = "backchannel";
}

/// A message claimed for delivery.
#[derive(Clone, Debug)]
pub struct Claimed {
    pub id: i64,
    /// The sealed payload, `None` if it was erased.
    pub payload: Option<String>,
    /// Deliveries tried so far.
    pub attempts: i64,
}

/// The outbox's two queues, each delivered by a job of its own: people's messages in
/// order, and applications' notices beside them, so an application slow to answer (up
/// to its timeout) never holds up a person's code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    People,
    Applications,
}

impl Lane {
    pub const ALL: [Lane; 2] = [Lane::People, Lane::Applications];
}

/// Where a message stands, as the person's page shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Not yet delivered; `attempts` have failed so far.
    Pending {
        attempts: i64,
    },
    Sent,
    /// Given up after [`MAX_DELIVERIES`] failures.
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending { .. } => "pending",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }
}

/// The wait before delivery attempt `attempts + 1`: 10 s, doubling, at most 30 min.
pub fn backoff(attempts: i64) -> Duration {
    let exp = attempts.clamp(0, 20) as u32;
    let secs = 10i64.saturating_mul(1i64 << exp.min(16));
    Duration::seconds(secs.min(30 * 60))
}

/// The moment the next attempt is due after `attempts` failures.
pub fn next_attempt(now: OffsetDateTime, attempts: i64) -> OffsetDateTime {
    now + backoff(attempts.saturating_sub(1))
}

/// Why a delivery failed: `retry` is false when trying again cannot help.
#[derive(Debug)]
pub struct DeliveryError {
    pub message: String,
    pub retry: bool,
}

impl DeliveryError {
    pub fn temporary(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            retry: true,
        }
    }

    pub fn permanent(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            retry: false,
        }
    }
}

/// Renders and sends a message: SMTP, an SMS gateway, or the outbox folder; and posts
/// logout tokens to applications.
#[async_trait]
pub trait Courier: Send + Sync {
    async fn deliver(&self, message: &Message) -> Result<(), DeliveryError>;
    /// POSTs `logout_token` to an application's back-channel logout URI
    /// ([Back-Channel Logout §2.5](https://openid.net/specs/openid-connect-backchannel-1_0.html#BCRequest)):
    /// a 200 (or 204) answer is delivery, anything else is tried again.
    async fn post_logout_token(&self, uri: &str, logout_token: &str) -> Result<(), DeliveryError>;
}

/// `ada@example.org` → `a••@example.org`, `+491701234567` → `+49•••••••67`: enough for
/// the owner to recognise, too little to be read off a notice.
pub fn mask(address: &str) -> String {
    if let Some((local, domain)) = address.split_once('@') {
        let first: String = local.chars().take(1).collect();
        return format!("{first}••@{domain}");
    }
    let chars: Vec<char> = address.chars().collect();
    if chars.len() <= 5 {
        return "•".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}{}{tail}", "•".repeat(chars.len() - 5))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_ten_seconds_up_to_half_an_hour() {
        assert_eq!(backoff(0), Duration::seconds(10));
        assert_eq!(backoff(1), Duration::seconds(20));
        assert_eq!(backoff(3), Duration::seconds(80));
        assert_eq!(backoff(10), Duration::minutes(30));
        assert_eq!(backoff(100), Duration::minutes(30));
    }

    #[test]
    fn masks_keep_the_shape_and_hide_the_rest() {
        assert_eq!(mask("ada@example.org"), "a••@example.org");
        assert_eq!(mask("+491701234567"), "+49••••••••67");
        assert_eq!(mask("+12"), "•••");
    }

    #[test]
    fn messages_round_trip_through_json() {
        let m = Message::VerifyEmail {
            to: "ada@example.org".into(),
            locale: Locale::De,
            code: "123456".into(),
            link: "https://id.example/contacts/confirm?token=x".into(),
        };
        let json = serde_json::to_string(&m).expect("json");
        assert_eq!(serde_json::from_str::<Message>(&json).expect("back"), m);
        assert_eq!(m.channel(), Channel::Email);
        // A message stored before there were notices opens as the same message.
        let opened: Outgoing = serde_json::from_str(&json).expect("outgoing");
        assert_eq!(opened, Outgoing::Person(m));
    }

    #[test]
    fn logout_notices_round_trip_apart_from_messages() {
        let notice = Outgoing::Application(AppNotice::BackchannelLogout(LogoutNotice {
            client_id: "app".into(),
            sub: "user".into(),
            sid: Some("sid".into()),
        }));
        let json = serde_json::to_string(&notice).expect("json");
        assert!(json.contains(r#""kind":"backchannel_logout""#), "{json}");
        assert_eq!(
            serde_json::from_str::<Outgoing>(&json).expect("back"),
            notice
        );
        assert!(serde_json::from_str::<Message>(&json).is_err());
    }
}
