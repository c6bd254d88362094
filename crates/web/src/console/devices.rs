//! The Devices tab: the person's live sessions (this one first and marked), and
//! signing out one of the others after a confirm step. Sessions are addressed by their
//! public `sid`; one that is not the person's, or gone, is a 404 that changes nothing.
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use serde::Deserialize;
use sigil_core::event::ClientInfo;
use sigil_core::services::Device;
use sigil_core::CoreError;

use super::PageCtx;
use crate::auth::csrf::CsrfToken;
use crate::auth::PageUser;
use crate::client::Client;
use crate::error::{message_of, page_failure, render};
use crate::extract::{PagePath, PageQuery};
use crate::format::{Dates, When};
use crate::i18n::Tr;
use crate::state::AppState;

pub const DEVICES: &str = "/profile/devices";

/// "Firefox 128", "Chrome 148": the browser with the major version only, as people
/// know it (the log keeps what the User-Agent said, "Chrome 148.0.0.0").
fn major_version(browser: &str) -> &str {
    let Some((name, version)) = browser.rsplit_once(' ') else {
        return browser;
    };
    let major = version.split('.').next().unwrap_or(version);
    let numeric = |v: &str| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit());
    if numeric(major) && version.split('.').all(numeric) {
        &browser[..name.len() + 1 + major.len()]
    } else {
        browser
    }
}

/// "Firefox 128 on Linux": the browser and system as far as the User-Agent told
/// them; empty if it told neither.
pub(super) fn agent(t: Tr<'_>, c: &ClientInfo) -> String {
    match (c.browser.as_deref().map(major_version), c.os.as_deref()) {
        (Some(browser), Some(os)) => t.t_with(
            "events-browser_on_os",
            &[("browser", browser.into()), ("os", os.into())],
        ),
        (Some(browser), None) => browser.to_owned(),
        (None, Some(os)) => os.to_owned(),
        (None, None) => String::new(),
    }
}

/// "Computer, Firefox 128 on Linux": the device type, then [`agent`].
pub(super) fn describe(t: Tr<'_>, c: &ClientInfo) -> String {
    let kind = t.device(c.device.as_deref());
    match agent(t, c) {
        a if a.is_empty() => kind,
        a => format!("{kind}, {a}"),
    }
}

/// One session as the page shows it.
pub struct DeviceView {
    pub sid: String,
    /// Computer, Smartphone, Tablet…
    pub kind: String,
    pub agent: String,
    pub ip: String,
    pub signed_in: When,
    pub last_seen: When,
    pub current: bool,
}

impl DeviceView {
    /// "Firefox 128 on Linux", else the device type: how a question names it.
    pub fn name(&self) -> &str {
        if self.agent.is_empty() {
            &self.kind
        } else {
            &self.agent
        }
    }

    fn new(t: Tr<'_>, dates: &Dates<'_>, d: Device) -> Self {
        Self {
            kind: t.device(d.client.device.as_deref()),
            agent: agent(t, &d.client),
            ip: d.client.ip.clone().unwrap_or_default(),
            signed_in: dates.instant(d.signed_in_at),
            last_seen: dates.instant(d.last_seen_at),
            current: d.is_current,
            sid: d.sid,
        }
    }
}

#[derive(Template)]
#[template(path = "devices.html")]
struct DevicesPage<'a> {
    page: PageCtx<'a>,
    devices: Vec<DeviceView>,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct DevicesQuery {
    notice: Option<String>,
}

/// The signed-in person's live sessions.
pub async fn list(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    PageQuery(q): PageQuery<DevicesQuery>,
) -> Response {
    let devices = match state.sigil.devices(&current.session).await {
        Ok(d) => d,
        Err(e) => return page_failure(&state, &headers, e),
    };
    let page = PageCtx::new(
        &state,
        &headers,
        &csrf,
        Some(&current.user),
        DEVICES,
        "devices",
    );
    let t = page.t;
    let dates = Dates::new(t);
    let devices = devices
        .into_iter()
        .map(|d| DeviceView::new(t, &dates, d))
        .collect();
    let notice = match q.notice.as_deref() {
        Some("signed_out") => Some(t.t("devices-signed_out")),
        _ => None,
    };
    render(&DevicesPage {
        page,
        devices,
        notice,
    })
}

#[derive(Template)]
#[template(path = "devices_sign_out.html")]
struct ConfirmPage<'a> {
    page: PageCtx<'a>,
    /// The session to sign out; `None` when the one asked about is this one.
    device: Option<DeviceView>,
    /// Why this one cannot be signed out here.
    refusal: Option<String>,
}

/// The confirm step, or (for the session in use) the page that says to use Log out.
fn confirm(
    state: &AppState,
    current: &PageUser,
    csrf: &CsrfToken,
    headers: &HeaderMap,
    sid: &str,
    found: Result<Device, CoreError>,
) -> Response {
    // The language menu comes back to this page (a sid is URL-safe base64; anything
    // else goes back to the list).
    let here = if !sid.is_empty()
        && sid
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        format!("{DEVICES}/{sid}/sign-out")
    } else {
        DEVICES.to_owned()
    };
    let page = PageCtx::new(state, headers, csrf, Some(&current.user), &here, "devices");
    let t = page.t;
    match found {
        Ok(d) => {
            let device = Some(DeviceView::new(t, &Dates::new(t), d));
            render(&ConfirmPage {
                page,
                device,
                refusal: None,
            })
        }
        Err(e @ CoreError::CurrentSession) => {
            let refusal = Some(message_of(t, &e));
            let body = render(&ConfirmPage {
                page,
                device: None,
                refusal,
            });
            (StatusCode::CONFLICT, body).into_response()
        }
        Err(e) => page_failure(state, headers, e),
    }
}

/// The signed-in person is asked to confirm signing out one of their other sessions.
pub async fn sign_out_form(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    PagePath(sid): PagePath<String>,
) -> Response {
    let found = state.sigil.device(&current.session, &sid).await;
    confirm(&state, &current, &csrf, &headers, &sid, found)
}

/// The signed-in person signs out one of their other sessions, and with it everything
/// applications hold under it.
pub async fn sign_out(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    Client(client): Client,
    headers: HeaderMap,
    PagePath(sid): PagePath<String>,
) -> Response {
    match state
        .sigil
        .sign_out_device(&current.session, &sid, &client)
        .await
    {
        Ok(_) => Redirect::to(&format!("{DEVICES}?notice=signed_out")).into_response(),
        Err(e) => confirm(&state, &current, &csrf, &headers, &sid, Err(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::major_version;

    #[test]
    fn browsers_are_named_with_their_major_version() {
        assert_eq!(major_version("Firefox 128.0"), "Firefox 128");
        assert_eq!(major_version("Chrome 148.0.0.0"), "Chrome 148");
        assert_eq!(
            major_version("Internet Explorer 11.0"),
            "Internet Explorer 11"
        );
        assert_eq!(major_version("Safari"), "Safari");
        assert_eq!(major_version("Opera beta"), "Opera beta");
        assert_eq!(major_version("Edge 1x.2"), "Edge 1x.2");
    }
}
