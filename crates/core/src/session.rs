//! Browser sessions: server-side, looked up by the hash of the cookie's value.
use time::{Duration, OffsetDateTime};

use crate::event::ClientInfo;
use crate::ids::UserId;
use crate::token::TokenHash;

#[derive(Clone, Debug)]
pub struct Session {
    pub id_hash: TokenHash,
    /// The public session id given to applications (the OpenID `sid` claim); unlike
    /// the cookie value it grants nothing.
    pub sid: String,
    pub user_id: UserId,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    /// Absolute end, fixed at sign-in; activity does not extend it.
    pub expires_at: OffsetDateTime,
    /// When the person last proved who they are (the OpenID `auth_time`).
    pub auth_time: OffsetDateTime,
    /// How they proved it.
    pub method: SignInMethod,
    pub client: ClientInfo,
}

/// How a person signed in: what ID tokens report as `amr`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum SignInMethod {
    #[default]
    Password,
    /// At a linked external provider (its id).
    Provider(String),
}

impl SignInMethod {
    /// As stored: `pwd`, or `provider:<id>`.
    pub fn stored(&self) -> String {
        match self {
            Self::Password => "pwd".into(),
            Self::Provider(id) => format!("provider:{id}"),
        }
    }

    /// The stored form back; nothing stored (rows older than the column) is a password.
    pub fn from_stored(stored: Option<&str>) -> Self {
        match stored.and_then(|s| s.strip_prefix("provider:")) {
            Some(id) => Self::Provider(id.to_owned()),
            None => Self::Password,
        }
    }

    /// The `amr` values ([RFC 8176](https://www.rfc-editor.org/rfc/rfc8176)). Sigil does
    /// not know how a provider checked the person, so a provider's sign-in has none.
    pub fn amr(&self) -> Option<&'static [&'static str]> {
        match self {
            Self::Password => Some(&["pwd"]),
            Self::Provider(_) => None,
        }
    }
}

/// How long sessions live ([OWASP ASVS V7.3](https://owasp.org/www-project-application-security-verification-standard/)).
#[derive(Clone, Copy, Debug)]
pub struct SessionPolicy {
    pub idle_timeout: Duration,
    pub absolute_lifetime: Duration,
    /// `last_seen_at` is written at most this often, to spare the database a write per
    /// request.
    pub touch_interval: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::minutes(30),
            absolute_lifetime: Duration::hours(12),
            touch_interval: Duration::minutes(1),
        }
    }
}

impl Session {
    pub fn is_live(&self, now: OffsetDateTime, policy: &SessionPolicy) -> bool {
        now < self.expires_at && now < self.last_seen_at + policy.idle_timeout
    }

    pub fn needs_touch(&self, now: OffsetDateTime, policy: &SessionPolicy) -> bool {
        now - self.last_seen_at >= policy.touch_interval
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn session(at: OffsetDateTime, policy: &SessionPolicy) -> Session {
        Session {
            id_hash: TokenHash([0; 32]),
            sid: "s".into(),
            user_id: "00000000-0000-4000-8000-000000000000"
                .parse()
                .expect("uuid"),
            created_at: at,
            last_seen_at: at,
            expires_at: at + policy.absolute_lifetime,
            auth_time: at,
            method: SignInMethod::Password,
            client: ClientInfo::default(),
        }
    }

    #[test]
    fn the_sign_in_method_round_trips() {
        for m in [
            SignInMethod::Password,
            SignInMethod::Provider("corp".into()),
        ] {
            assert_eq!(SignInMethod::from_stored(Some(&m.stored())), m);
        }
        assert_eq!(SignInMethod::from_stored(None), SignInMethod::Password);
        assert_eq!(SignInMethod::Password.amr(), Some(&["pwd"][..]));
        assert_eq!(SignInMethod::Provider("corp".into()).amr(), None);
    }

    #[test]
    fn a_session_dies_when_idle_or_past_its_absolute_end() {
        let policy = SessionPolicy::default();
        let t0 = datetime!(2026-01-01 0:00 UTC);
        let mut s = session(t0, &policy);
        assert!(s.is_live(t0 + Duration::minutes(29), &policy));
        assert!(!s.is_live(t0 + Duration::minutes(31), &policy));
        // Kept busy, it still ends at the absolute limit.
        s.last_seen_at = t0 + Duration::hours(12) - Duration::minutes(1);
        assert!(s.is_live(t0 + Duration::hours(12) - Duration::seconds(1), &policy));
        assert!(!s.is_live(t0 + Duration::hours(12), &policy));
    }
}
