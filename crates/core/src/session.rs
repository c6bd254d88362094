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
    pub client: ClientInfo,
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
            client: ClientInfo::default(),
        }
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
