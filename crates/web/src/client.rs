//! Who is calling, as the activity log records it: address, device type and browser.
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use sigil_core::event::ClientInfo;

use crate::state::AppState;

/// The caller's [`ClientInfo`]; never fails.
pub struct Client(pub ClientInfo);

impl FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_string());
        let forwarded = state
            .config
            .trust_forwarded_for
            .then(|| forwarded_for(&parts.headers))
            .flatten();
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        Ok(Client(describe(forwarded.or(peer), user_agent)))
    }
}

/// The left-most address of `X-Forwarded-For`: the client as the trusted proxy saw it.
fn forwarded_for(headers: &HeaderMap) -> Option<String> {
    let value = headers.get("x-forwarded-for")?.to_str().ok()?;
    let first = value.split(',').next()?.trim();
    first
        .parse::<std::net::IpAddr>()
        .ok()
        .map(|ip| ip.to_string())
}

/// Parses the User-Agent with woothee (a maintained port of the woothee project's
/// rules) into a device category, a browser with its version and an operating system.
pub fn describe(ip: Option<String>, user_agent: &str) -> ClientInfo {
    let parsed = woothee::parser::Parser::new().parse(user_agent);
    let os = parsed
        .as_ref()
        .map(|r| system_name(r.os))
        .filter(|os| !os.is_empty() && *os != "UNKNOWN")
        .map(str::to_owned);
    // Woothee files tablets under smartphones; the Devices page tells them apart.
    let category = |r: &woothee::parser::WootheeResult<'_>| {
        let tablet = r.os == "iPad" || (r.os == "Android" && !user_agent.contains("Mobile"));
        if r.category == "smartphone" && tablet {
            "tablet".to_owned()
        } else {
            r.category.to_owned()
        }
    };
    let (device, browser) = match parsed {
        Some(r) if r.name != "UNKNOWN" => {
            let browser = if r.version.is_empty() || r.version == "UNKNOWN" {
                r.name.to_string()
            } else {
                format!("{} {}", r.name, r.version)
            };
            (Some(category(&r)), Some(browser))
        }
        Some(r) if r.category != "UNKNOWN" => (Some(category(&r)), None),
        _ => (None, None),
    };
    ClientInfo {
        ip,
        device,
        browser,
        os,
    }
}

/// Woothee names Apple's systems by device ("iPhone", "Mac OSX"); people know them by
/// the system's own name.
fn system_name(os: &str) -> &str {
    match os {
        "iPhone" | "iPad" | "iPod" => "iOS",
        "Mac OSX" => "macOS",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn desktop_and_phone_browsers_are_recognised() {
        let firefox = describe(
            Some("192.0.2.7".into()),
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
        );
        assert_eq!(firefox.device.as_deref(), Some("pc"));
        assert_eq!(firefox.browser.as_deref(), Some("Firefox 128.0"));
        assert_eq!(firefox.os.as_deref(), Some("Linux"));
        let iphone = describe(
            None,
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
        );
        assert_eq!(iphone.device.as_deref(), Some("smartphone"));
        assert_eq!(iphone.os.as_deref(), Some("iOS"));
        assert!(iphone
            .browser
            .as_deref()
            .is_some_and(|b| b.starts_with("Safari")));
        assert_eq!(describe(None, "").device, None);
        let ipad = describe(
            None,
            "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
        );
        assert_eq!(ipad.device.as_deref(), Some("tablet"));
        let android_tablet = describe(
            None,
            "Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        );
        assert_eq!(android_tablet.device.as_deref(), Some("tablet"));
        let android_phone = describe(
            None,
            "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
        );
        assert_eq!(android_phone.device.as_deref(), Some("smartphone"));
    }
}
