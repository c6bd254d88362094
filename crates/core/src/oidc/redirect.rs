//! Redirect URIs, compared exactly ([RFC 9700 §2.1](https://www.rfc-editor.org/rfc/rfc9700#section-2.1)).
use std::fmt;

use serde::{Deserialize, Serialize};
use url::{Host, Url};

/// A registered or requested redirect URI: absolute, without fragment or user info
/// ([RFC 6749 §3.1.2](https://www.rfc-editor.org/rfc/rfc6749#section-3.1.2)), and not a
/// scheme that runs code (`javascript:`, `data:`, `vbscript:`, `file:`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RedirectUri(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not an acceptable redirect URI")]
pub struct RedirectUriError;

impl RedirectUri {
    pub fn parse(raw: &str) -> Result<Self, RedirectUriError> {
        if raw.is_empty()
            || raw.len() > 2000
            || raw.chars().any(|c| c.is_control() || c.is_whitespace())
        {
            return Err(RedirectUriError);
        }
        let url = Url::parse(raw).map_err(|_| RedirectUriError)?;
        let scheme = url.scheme();
        if matches!(
            scheme,
            "javascript" | "data" | "vbscript" | "file" | "blob" | "about"
        ) {
            return Err(RedirectUriError);
        }
        if url.fragment().is_some()
            || raw.contains('#')
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return Err(RedirectUriError);
        }
        if matches!(scheme, "http" | "https") && url.host().is_none() {
            return Err(RedirectUriError);
        }
        // The string as given, not the parser's normalisation: matching is exact.
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether a code sent here would cross the network in clear: plain `http` to a host
    /// other than the loopback interface. Registration refuses such URIs
    /// ([RFC 9700 §2.1](https://www.rfc-editor.org/rfc/rfc9700#section-2.1),
    /// [§4.1.1](https://www.rfc-editor.org/rfc/rfc9700#section-4.1.1)); loopback
    /// addresses stay allowed for native apps and local development
    /// ([RFC 8252 §7.3, §8.3](https://www.rfc-editor.org/rfc/rfc8252#section-7.3)).
    pub fn is_plain_http_off_loopback(&self) -> bool {
        let Ok(url) = Url::parse(&self.0) else {
            return false;
        };
        if url.scheme() != "http" {
            return false;
        }
        let loopback = match url.host() {
            Some(Host::Ipv4(ip)) => ip.is_loopback(),
            Some(Host::Ipv6(ip)) => ip.is_loopback(),
            Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
            None => false,
        };
        !loopback
    }

    /// Whether `requested` may be used where `self` is registered: the same string,
    /// except that for native apps a loopback IP address may come with any port
    /// ([RFC 8252 §7.3](https://www.rfc-editor.org/rfc/rfc8252#section-7.3)).
    pub fn matches(&self, requested: &RedirectUri, allow_loopback_port: bool) -> bool {
        if self.0 == requested.0 {
            return true;
        }
        if !allow_loopback_port {
            return false;
        }
        let (Ok(mut registered), Ok(mut asked)) = (Url::parse(&self.0), Url::parse(&requested.0))
        else {
            return false;
        };
        let loopback = |u: &Url| {
            u.scheme() == "http" && matches!(u.host(), Some(Host::Ipv4(ip)) if ip.is_loopback())
                || u.scheme() == "http"
                    && matches!(u.host(), Some(Host::Ipv6(ip)) if ip.is_loopback())
        };
        if !loopback(&registered) || !loopback(&asked) {
            return false;
        }
        if registered.set_port(None).is_err() || asked.set_port(None).is_err() {
            return false;
        }
        registered.as_str() == asked.as_str() && strip_port(&self.0) == strip_port(&requested.0)
    }
}

/// The URI with its port removed, textually, so the rest must match letter for letter.
fn strip_port(s: &str) -> String {
    let Some((scheme, rest)) = s.split_once("://") else {
        return s.to_owned();
    };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let host = match authority.rfind(':') {
        Some(i) if !authority[i..].contains(']') => &authority[..i],
        _ => authority,
    };
    format!("{scheme}://{host}{tail}")
}

impl TryFrom<String> for RedirectUri {
    type Error = RedirectUriError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<RedirectUri> for String {
    fn from(r: RedirectUri) -> String {
        r.0
    }
}

impl fmt::Display for RedirectUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &str) -> RedirectUri {
        RedirectUri::parse(s).expect("valid")
    }

    #[test]
    fn dangerous_or_malformed_uris_are_refused() {
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "https://app.example/cb#frag",
            "https://user@app.example/cb",
            "/relative",
            "https://app.example/cb ",
            "",
        ] {
            assert!(RedirectUri::parse(bad).is_err(), "{bad}");
        }
        assert!(RedirectUri::parse("com.example.app:/oauth").is_ok());
    }

    #[test]
    fn plain_http_is_only_for_the_loopback_interface() {
        for clear in [
            "http://app.example/cb",
            "http://192.168.1.10:8080/cb",
            "http://localhost.evil.example/cb",
            "http://[2001:db8::1]/cb",
        ] {
            assert!(uri(clear).is_plain_http_off_loopback(), "{clear}");
        }
        for fine in [
            "https://app.example/cb",
            "http://127.0.0.1:51234/cb",
            "http://127.1/cb",
            "http://[::1]:8000/cb",
            "http://localhost:3000/cb",
            "http://LOCALHOST/cb",
            "com.example.app:/oauth",
        ] {
            assert!(!uri(fine).is_plain_http_off_loopback(), "{fine}");
        }
    }

    #[test]
    fn matching_is_exact() {
        let reg = uri("https://app.example/cb");
        for other in [
            "https://app.example/cb/",
            "https://APP.example/cb",
            "https://app.example/CB",
            "https://app.example/cb?x=1",
            "https://app.example/cb/..;/",
            "https://app.example:443/cb",
            "http://app.example/cb",
        ] {
            assert!(!reg.matches(&uri(other), true), "{other}");
        }
        assert!(reg.matches(&uri("https://app.example/cb"), false));
    }

    #[test]
    fn native_apps_may_vary_only_the_loopback_port() {
        let reg = uri("http://127.0.0.1/callback");
        assert!(reg.matches(&uri("http://127.0.0.1:51234/callback"), true));
        assert!(!reg.matches(&uri("http://127.0.0.1:51234/callback"), false));
        assert!(!reg.matches(&uri("http://127.0.0.1:51234/other"), true));
        assert!(!reg.matches(&uri("http://localhost:51234/callback"), true));
        assert!(uri("http://[::1]:8000/cb").matches(&uri("http://[::1]:9000/cb"), true));
        assert!(
            !uri("https://app.example:8443/cb").matches(&uri("https://app.example:9443/cb"), true)
        );
    }
}
