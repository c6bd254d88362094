//! [OpenID Connect Back-Channel Logout 1.0](https://openid.net/specs/openid-connect-backchannel-1_0.html):
//! when a session of the person ends at Sigil, each application that registered a
//! `backchannel_logout_uri` and holds something issued under that session is sent a
//! signed logout token, server to server, so it can end its own session too.
//!
//! The use case that ends sessions queues one [`LogoutNotice`] per application and
//! session (`sid`) in the outbox, inside its own transaction; the delivery job signs the
//! token when it sends it ([`LogoutClaims`]), so a retry after a slow or failing
//! application carries a fresh `iat`, `exp` and `jti` and the key in use at that moment,
//! and a short lifetime stays short however long the retries take.
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};
use url::{Host, Url};

use crate::ids::{ClientId, UserId};

/// The `events` member that makes a JWT a logout token
/// ([§2.4](https://openid.net/specs/openid-connect-backchannel-1_0.html#LogoutToken)).
pub const LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

/// The `typ` header of a logout token
/// ([§2.4](https://openid.net/specs/openid-connect-backchannel-1_0.html#LogoutToken),
/// explicit typing as [RFC 8725 §3.11](https://www.rfc-editor.org/rfc/rfc8725#section-3.11) advises).
pub const LOGOUT_TYP: &str = "logout+jwt";

/// How long a logout token is valid after it was signed: long enough for the POST it
/// travels in, short enough that a captured one is soon useless. Each delivery attempt
/// signs a new one.
pub const LOGOUT_TOKEN_TTL: Duration = Duration::minutes(2);

/// A registered `backchannel_logout_uri`
/// ([§2.2](https://openid.net/specs/openid-connect-backchannel-1_0.html#BCRegistration)):
/// an absolute `https` URL (plain `http` only to the loopback interface, for local
/// development), with a host, without user info and without a fragment. A query is
/// allowed, as the specification says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BackchannelUri(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not an acceptable back-channel logout URI")]
pub struct BackchannelUriError;

impl BackchannelUri {
    pub fn parse(raw: &str) -> Result<Self, BackchannelUriError> {
        if raw.is_empty()
            || raw.len() > 2000
            || raw.chars().any(|c| c.is_control() || c.is_whitespace())
            || raw.contains('#')
        {
            return Err(BackchannelUriError);
        }
        let url = Url::parse(raw).map_err(|_| BackchannelUriError)?;
        let secure = match url.scheme() {
            "https" => true,
            "http" => is_loopback_host(&url),
            _ => false,
        };
        if !secure
            || url.host().is_none()
            || url.fragment().is_some()
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return Err(BackchannelUriError);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the URI names this computer's loopback interface (`localhost`,
    /// 127.0.0.0/8 or `[::1]`).
    pub fn is_loopback(&self) -> bool {
        Url::parse(&self.0).is_ok_and(|u| is_loopback_host(&u))
    }
}

fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

impl TryFrom<String> for BackchannelUri {
    type Error = BackchannelUriError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<BackchannelUri> for String {
    fn from(u: BackchannelUri) -> Self {
        u.0
    }
}

/// An application that holds something issued under an ending session: which
/// application, whose session, and the session's `sid` when it had one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogoutTarget {
    pub client_id: ClientId,
    pub user_id: UserId,
    pub sid: Option<String>,
    /// The application registered `backchannel_logout_session_required`.
    pub session_required: bool,
}

/// What the outbox keeps for one back-channel logout until it is delivered: the token
/// is signed at delivery, to the application's URI as registered then.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogoutNotice {
    pub client_id: String,
    /// The subject the application knows (Sigil's subjects are public: the user id).
    pub sub: String,
    pub sid: Option<String>,
}

impl From<&LogoutTarget> for LogoutNotice {
    fn from(t: &LogoutTarget) -> Self {
        Self {
            client_id: t.client_id.0.clone(),
            sub: t.user_id.to_string(),
            sid: t.sid.clone(),
        }
    }
}

/// The claims of a logout token
/// ([§2.4](https://openid.net/specs/openid-connect-backchannel-1_0.html#LogoutToken)):
/// `sub` always (the application may have no session to match a `sid` against), `sid`
/// when the session had one, the `events` member, and never a `nonce`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LogoutClaims {
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    pub sub: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    pub events: serde_json::Value,
}

impl LogoutClaims {
    pub fn new(issuer: &str, notice: &LogoutNotice, jti: String, now: OffsetDateTime) -> Self {
        Self {
            iss: issuer.to_owned(),
            aud: notice.client_id.clone(),
            iat: now.unix_timestamp(),
            exp: (now + LOGOUT_TOKEN_TTL).unix_timestamp(),
            jti,
            sub: notice.sub.clone(),
            sid: notice.sid.clone(),
            events: serde_json::json!({ LOGOUT_EVENT: {} }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_and_plain_http_only_on_loopback() {
        for good in [
            "https://rp.example/logout",
            "https://rp.example:8443/bc?tenant=a",
            "http://127.0.0.1:9000/logout",
            "http://127.8.9.10/logout",
            "http://[::1]:9000/logout",
            "http://localhost:3000/logout",
            "http://LOCALHOST/logout",
        ] {
            assert!(BackchannelUri::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "/logout",
            "rp.example/logout",
            "http://rp.example/logout",
            "http://10.0.0.1/logout",
            "http://localhost.rp.example/logout",
            "https://rp.example/logout#frag",
            "https://rp.example/logout#",
            "https://user:pw@rp.example/logout",
            "ftp://rp.example/logout",
            "javascript:alert(1)",
            "https://rp.example/log out",
            "https://",
        ] {
            assert_eq!(
                BackchannelUri::parse(bad),
                Err(BackchannelUriError),
                "{bad}"
            );
        }
        assert!(BackchannelUri::parse("http://127.0.0.1/x")
            .expect("ok")
            .is_loopback());
        assert!(!BackchannelUri::parse("https://rp.example/x")
            .expect("ok")
            .is_loopback());
    }

    #[test]
    fn logout_claims_carry_the_event_and_no_nonce() {
        let notice = LogoutNotice {
            client_id: "app".into(),
            sub: "user".into(),
            sid: None,
        };
        let now = OffsetDateTime::from_unix_timestamp(1_700_000_000).expect("time");
        let claims = LogoutClaims::new("https://id.example", &notice, "j".into(), now);
        let json = serde_json::to_value(&claims).expect("json");
        assert_eq!(json["events"][LOGOUT_EVENT], serde_json::json!({}));
        assert_eq!(json["exp"], 1_700_000_120);
        assert!(
            json.get("nonce").is_none() && json.get("sid").is_none(),
            "{json}"
        );
    }
}
