//! Cookie names and attributes. Over HTTPS every cookie is `Secure` with the `__Host-`
//! prefix ([RFC 6265bis §4.1.3.2](https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#section-4.1.3.2)),
//! so no subdomain and no plain-HTTP page can set or overwrite it.
use axum_extra::extract::cookie::{Cookie, SameSite};

use crate::state::WebConfig;

pub const SESSION: &str = "sigil_session";
pub const CSRF: &str = "sigil_csrf";
pub const LANG: &str = "sigil_lang";
/// The accounts that signed in in this browser (`sigil_core::throttle::DeviceKey`).
pub const DEVICE: &str = "sigil_device";
/// How long a browser stays known to an account that signed in there.
pub const DEVICE_MAX_AGE: time::Duration = time::Duration::days(365);

pub fn name(config: &WebConfig, base: &'static str) -> String {
    if config.is_https() {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

/// A cookie for the whole site: HttpOnly, SameSite=Lax, `Path=/`, Secure over HTTPS.
/// Session-length (no Max-Age) unless `max_age` is given; the server decides expiry.
pub fn build(
    config: &WebConfig,
    base: &'static str,
    value: String,
    max_age: Option<time::Duration>,
) -> Cookie<'static> {
    let mut cookie = Cookie::new(name(config, base), value);
    cookie.set_path("/");
    cookie.set_http_only(true);
    cookie.set_same_site(SameSite::Lax);
    cookie.set_secure(config.is_https());
    if let Some(age) = max_age {
        cookie.set_max_age(age);
    }
    cookie
}

/// A cookie that tells the browser to forget `base`.
pub fn removal(config: &WebConfig, base: &'static str) -> Cookie<'static> {
    let mut cookie = build(config, base, String::new(), Some(time::Duration::ZERO));
    cookie.set_expires(time::OffsetDateTime::UNIX_EPOCH);
    cookie
}
