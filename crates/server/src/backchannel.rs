//! Posting logout tokens to applications
//! ([Back-Channel Logout §2.5](https://openid.net/specs/openid-connect-backchannel-1_0.html#BCRequest)).
//!
//! The same outbound policy as requests to external providers ([`crate::upstream`]): a
//! connect and a total timeout, no redirect followed (a 3xx answer is a failure, tried
//! again later), no proxy, and no private network unless the operator allowed it
//! (`[backchannel] private_network = true`): names resolve through
//! [`guard::PublicOnly`] and IP literals are checked by [`guard::is_public`], so a
//! registered URI cannot point Sigil at an intranet or a cloud metadata service
//! (server-side request forgery, OWASP ASVS V12.6). The one exception is a URI that
//! names the loopback interface itself (`localhost`, 127.0.0.0/8, `[::1]`): the operator
//! registered a relying party running beside Sigil, which the registration rules allow
//! (plain `http` too), so it is reached there — and only there.
use std::net::IpAddr;
use std::time::Duration;

use sigil_core::outbox::DeliveryError;

use crate::upstream::guard;

/// How long to wait for the application to accept the connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long the whole request may take: the outbox delivers one message after
/// another, so a slow application must not hold mail up for long.
const TOTAL_TIMEOUT: Duration = Duration::from_secs(10);

pub struct BackchannelHttp {
    /// Resolves names to public addresses only.
    public: reqwest::Client,
    /// Unguarded: for loopback URIs, and for everything when private networks are
    /// allowed.
    direct: reqwest::Client,
    private_network: bool,
}

/// Where a URI may be reached.
#[derive(Debug, PartialEq, Eq)]
enum Route {
    Public,
    Direct,
}

/// The route to `url`, or why it may not be contacted.
fn route(url: &reqwest::Url, private_network: bool) -> Result<Route, String> {
    let loopback_ip = |ip: IpAddr| ip.is_loopback() || ip.to_canonical().is_loopback();
    let plain_ok = match url.host() {
        Some(url::Host::Ipv4(ip)) => loopback_ip(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => loopback_ip(IpAddr::V6(ip)),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => return Err("the URI has no host".into()),
    };
    match url.scheme() {
        "https" => {}
        "http" if plain_ok => {}
        other => return Err(format!("{other} is not allowed here")),
    }
    if plain_ok || private_network {
        return Ok(Route::Direct);
    }
    match url.host() {
        Some(url::Host::Ipv4(ip)) if !guard::is_public(IpAddr::V4(ip)) => {
            Err(format!("{ip} is not on the public internet"))
        }
        Some(url::Host::Ipv6(ip)) if !guard::is_public(IpAddr::V6(ip)) => {
            Err(format!("{ip} is not on the public internet"))
        }
        _ => Ok(Route::Public),
    }
}

impl BackchannelHttp {
    pub fn new(private_network: bool) -> reqwest::Result<Self> {
        let builder = || {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .connect_timeout(CONNECT_TIMEOUT)
                .timeout(TOTAL_TIMEOUT)
                // A proxy would resolve the names itself, past the guard.
                .no_proxy()
        };
        Ok(Self {
            public: builder()
                .dns_resolver(std::sync::Arc::new(guard::PublicOnly))
                .build()?,
            direct: builder().build()?,
            private_network,
        })
    }

    /// POSTs `logout_token=…` as a form; 200 (or 204) is delivery.
    pub async fn post(&self, uri: &str, logout_token: &str) -> Result<(), DeliveryError> {
        let url = reqwest::Url::parse(uri)
            .map_err(|e| DeliveryError::permanent(format!("back-channel logout URI: {e}")))?;
        // Not retried in vain, but still reported: the URI was registered as it is.
        let client = match route(&url, self.private_network) {
            Ok(Route::Public) => &self.public,
            Ok(Route::Direct) => &self.direct,
            Err(why) => return Err(DeliveryError::permanent(why)),
        };
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("logout_token", logout_token)
            .finish();
        let response = client
            .post(url)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body)
            .send()
            .await
            .map_err(|e| DeliveryError::temporary(format!("back-channel logout: {e}")))?;
        match response.status().as_u16() {
            200 | 204 => Ok(()),
            status => Err(DeliveryError::temporary(format!(
                "back-channel logout answered {status}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> reqwest::Url {
        reqwest::Url::parse(s).expect("url")
    }

    #[test]
    fn loopback_is_reached_directly_and_private_addresses_only_when_allowed() {
        assert_eq!(
            route(&url("http://127.0.0.1:9/x"), false),
            Ok(Route::Direct)
        );
        assert_eq!(route(&url("http://[::1]:9/x"), false), Ok(Route::Direct));
        assert_eq!(route(&url("http://localhost/x"), false), Ok(Route::Direct));
        assert_eq!(
            route(&url("https://rp.example/x"), false),
            Ok(Route::Public)
        );
        assert_eq!(route(&url("https://8.8.8.8/x"), false), Ok(Route::Public));
        for private in [
            "https://10.0.0.1/x",
            "https://169.254.169.254/x",
            "https://[fd00::1]/x",
            "https://192.168.1.1/x",
        ] {
            assert!(route(&url(private), false).is_err(), "{private}");
            assert_eq!(route(&url(private), true), Ok(Route::Direct), "{private}");
        }
        assert!(
            route(&url("http://rp.example/x"), true).is_err(),
            "plain http"
        );
        assert!(route(&url("ftp://rp.example/x"), true).is_err());
    }
}
