//! The Contacts block's pages: adding or changing the email or phone number with a
//! one-time code, resending it, and removing (confirming by the email's link is in
//! `contact_link`).
use std::collections::HashMap;

use askama::Template;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use sigil_core::contact::ContactKind;
use sigil_core::error::FieldErrorKind;
use sigil_core::outbox::DeliveryStatus;
use sigil_core::services::PendingContact;
use sigil_core::CoreError;

use super::contacts_typed::Typed;
use super::{PageCtx, ReauthReason};
use crate::auth::csrf::CsrfToken;
use crate::auth::PageUser;
use crate::client::Client;
use crate::error::{message_of, page_failure, render, status_of};
use crate::extract::{PageForm, PageQuery};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "contacts.html")]
struct ContactPage<'a> {
    page: PageCtx<'a>,
    kind: &'static str,
    current: Option<String>,
    pending: Option<PendingView>,
    channels: Vec<(&'static str, bool)>,
    typed: String,
    errors: HashMap<String, String>,
    /// The code's error says that it is spent (the page's own sentence says so).
    code_spent: bool,
    error: Option<String>,
    notice: Option<String>,
    /// Where a confirmed address goes on to (an invitation's link, an application's
    /// sign-in, after registering), in the confirm form.
    next: Option<String>,
}

impl ContactPage<'_> {
    fn error_for(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }

    /// The text `contacts-{kind}-{suffix}`.
    fn text(&self, suffix: &str) -> String {
        self.page.t.t(&format!("contacts-{}-{suffix}", self.kind))
    }

    fn channel_key(&self, channel: &str) -> String {
        format!("contacts-channel-{channel}")
    }

    fn wait_text(&self, seconds: &i64) -> String {
        self.page
            .t
            .t_with("contacts-resend-wait", &[("seconds", (*seconds).into())])
    }
}

/// The pending verification as the page shows it.
struct PendingView {
    address: String,
    open: bool,
    /// Seconds until a new code may be sent; 0 when it may now.
    wait: i64,
    status: String,
    failed: bool,
    /// Delivery failed or is being retried, or the code is spent: "on its way" would
    /// no longer be true.
    troubled: bool,
    /// Why the code can no longer be entered (expired, too many tries, used), with
    /// what to do; empty while it is open.
    spent: String,
}

/// The `{kind}` of the path, `email` or `phone`; anything else is a 404 page.
pub struct Kind(ContactKind);

impl FromRequestParts<AppState> for Kind {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let raw = Path::<String>::from_request_parts(parts, state)
            .await
            .map(|Path(k)| k)
            .unwrap_or_default();
        ContactKind::parse(&raw)
            .map(Kind)
            .ok_or_else(|| page_failure(state, &parts.headers, CoreError::NotFound))
    }
}

fn pending_view(page: &PageCtx<'_>, p: &PendingContact, now: time::OffsetDateTime) -> PendingView {
    let t = &page.t;
    let via = t.t(&format!("contacts-via-{}", p.channel.as_str()));
    let by_mail = p.channel.as_str() == "email";
    let status = match p.delivery {
        // What to check is the address or the number.
        Some(DeliveryStatus::Failed) if by_mail => t.t("contacts-delivery-failed-email"),
        Some(DeliveryStatus::Failed) => t.t("contacts-delivery-failed-phone"),
        // A spent code: how it was sent and how long it lasts no longer matter.
        _ if !p.open => String::new(),
        Some(DeliveryStatus::Sent) => t.t1("contacts-delivery-sent", "via", &via),
        Some(DeliveryStatus::Pending { attempts: 0 }) | None => {
            t.t1("contacts-delivery-pending", "via", &via)
        }
        Some(DeliveryStatus::Pending { .. }) if by_mail => t.t("contacts-delivery-retrying-email"),
        Some(DeliveryStatus::Pending { .. }) => t.t("contacts-delivery-retrying-phone"),
    };
    let spent = match p.open {
        true => String::new(),
        false if p.attempts_left <= 0 => t.t("flow-code-exhausted"),
        false if now >= p.expires_at => t.t("flow-code-expired"),
        false => t.t("flow-code-used"),
    };
    PendingView {
        spent,
        // A pending phone number reads grouped, as everywhere on the console.
        address: if p.address.contains('@') {
            p.address.clone()
        } else {
            crate::format::phone(&p.address)
        },
        open: p.open,
        wait: (p.resend_at - now).whole_seconds().max(0),
        status,
        failed: p.delivery == Some(DeliveryStatus::Failed),
        troubled: !p.open
            || matches!(
                p.delivery,
                Some(DeliveryStatus::Failed | DeliveryStatus::Pending { attempts: 1.. })
            ),
    }
}

struct Shown {
    typed: Typed,
    /// The notice says a code is on its way.
    code_sent: bool,
    errors: HashMap<String, String>,
    code_spent: bool,
    error: Option<String>,
    notice: Option<String>,
    /// Where to go once the address is confirmed.
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
    next: Option<String>,
}

/// The signed-in person: the contact, what is being verified, and the forms.
pub async fn page(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    Kind(kind): Kind,
    PageQuery(q): PageQuery<NoticeQuery>,
) -> Response {
    let notice = q
        .notice
        .filter(|n| ["code_sent", "verified", "removed"].contains(&n.as_str()));
    // What was typed before a fresh sign-in, back in the form.
    let (typed, shown_once) = Typed::take(&state.config, &headers, &current.user, kind);
    let status = StatusCode::OK;
    let page = respond(&state, &headers, &csrf, &current, kind, status, |page| {
        Shown {
            typed,
            code_sent: notice.as_deref() == Some("code_sent"),
            errors: HashMap::new(),
            code_spent: false,
            error: None,
            // Each notice names what happened to which contact.
            notice: notice.map(|n| page.t.t(&format!("flow-notice-{}-{n}", kind.as_str()))),
            next: q.next,
        }
    })
    .await;
    match shown_once {
        Some(removal) => (CookieJar::new().add(removal), page).into_response(),
        None => page,
    }
}

async fn respond(
    state: &AppState,
    headers: &HeaderMap,
    csrf: &CsrfToken,
    current: &PageUser,
    kind: ContactKind,
    status: StatusCode,
    shown: impl FnOnce(&PageCtx<'_>) -> Shown,
) -> Response {
    let contacts = match state.sigil.contacts(&current.user).await {
        Ok(c) => c,
        Err(e) => return page_failure(state, headers, e),
    };
    let here = format!("/profile/contacts/{}", kind.as_str());
    let page = PageCtx::new(state, headers, csrf, Some(&current.user), &here, "profile");
    let shown = shown(&page);
    let now = state.sigil.now();
    let (current_value, pending) = match kind {
        ContactKind::Email => (
            contacts.email.map(|e| e.to_string()),
            contacts.pending_email,
        ),
        ContactKind::Phone => (
            contacts.phone.map(|p| p.international()),
            contacts.pending_phone,
        ),
    };
    let pending = pending.map(|p| pending_view(&page, &p, now));
    // "On its way" stays only while it is true.
    let troubled = pending.as_ref().is_some_and(|p| p.troubled);
    let notice = shown.notice.filter(|_| !(shown.code_sent && troubled));
    // The channel picked before, if it is offered; else the first.
    let picked = contacts
        .phone_channels
        .iter()
        .position(|c| c.as_str() == shown.typed.channel)
        .unwrap_or(0);
    let channels = contacts
        .phone_channels
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i == picked))
        .collect();
    let next = shown
        .next
        .as_deref()
        .map(|n| super::safe_next(Some(n)))
        .filter(|n| n != "/profile");
    let body = render(&ContactPage {
        page,
        next,
        kind: kind.as_str(),
        current: current_value,
        pending,
        channels,
        typed: shown.typed.address,
        errors: shown.errors,
        code_spent: shown.code_spent,
        error: shown.error,
        notice,
    });
    (status, body).into_response()
}

/// What a finished action on the page leads on to.
struct Then {
    /// The notice shown when it went well.
    notice: &'static str,
    /// What was typed, back in the form when it is asked again.
    typed: Typed,
    /// Where a confirmed address goes on to (see [`ContactPage`]): kept through a
    /// rejected code, a new code and a fresh sign-in, or registering from an
    /// invitation's link would end on the profile instead of the invitation.
    next: Option<String>,
}

impl Then {
    fn new(notice: &'static str, typed: Typed, next: Option<String>) -> Self {
        let next = next
            .as_deref()
            .map(|n| super::safe_next(Some(n)))
            .filter(|n| n != "/profile");
        Self {
            notice,
            typed,
            next,
        }
    }

    /// `&next=…` for a link back to the page, or nothing.
    fn next_param(&self) -> String {
        self.next
            .as_deref()
            .map(|n| {
                let n: String = form_urlencoded::byte_serialize(n.as_bytes()).collect();
                format!("next={n}")
            })
            .unwrap_or_default()
    }
}

/// Where a finished action leads: back to the page with a notice, to sign in again, or
/// the page again with the errors beside the fields.
async fn after(
    state: &AppState,
    headers: &HeaderMap,
    csrf: &CsrfToken,
    current: &PageUser,
    kind: ContactKind,
    result: Result<(), CoreError>,
    then: Then,
) -> Response {
    let here = format!("/profile/contacts/{}", kind.as_str());
    let next_param = then.next_param();
    let Then {
        notice,
        typed,
        next,
    } = then;
    match result {
        Ok(()) if next_param.is_empty() => {
            Redirect::to(&format!("{here}?notice={notice}")).into_response()
        }
        Ok(()) => Redirect::to(&format!("{here}?notice={notice}&{next_param}")).into_response(),
        Err(CoreError::ReauthRequired) => {
            // The sign-in form says why and comes prefilled: only the password is asked
            // again; then back to the form as it was.
            let why = match kind {
                ContactKind::Email => ReauthReason::Email,
                ContactKind::Phone => ReauthReason::Phone,
            };
            let next = if notice == "removed" {
                format!("{here}/remove")
            } else if next_param.is_empty() {
                here
            } else {
                format!("{here}?{next_param}")
            };
            let to_sign_in = super::reauth(&current.user, &next, why);
            if typed.address.is_empty() {
                return to_sign_in;
            }
            let kept = typed.keep(&state.config, &current.user, kind);
            (CookieJar::new().add(kept), to_sign_in).into_response()
        }
        Err(e @ (CoreError::Invalid(_) | CoreError::Throttled)) => {
            let status = status_of(&e);
            respond(state, headers, csrf, current, kind, status, |page| {
                let errors: HashMap<String, String> = match &e {
                    CoreError::Invalid(list) => list
                        .iter()
                        .map(|f| (f.field.clone(), page.t.error_on(f)))
                        .collect(),
                    _ => HashMap::new(),
                };
                // A spent code is said once, beside the resend button, not as a
                // generic "correct the fields" above.
                let error = (!is_spent_code(&e)).then(|| message_of(page.t, &e));
                Shown {
                    typed,
                    code_sent: false,
                    errors,
                    code_spent: is_spent_code(&e),
                    error,
                    notice: None,
                    next,
                }
            })
            .await
        }
        Err(e) => page_failure(state, headers, e),
    }
}

/// The code can no longer work: only a new one helps.
fn is_spent_code(error: &CoreError) -> bool {
    let CoreError::Invalid(list) = error else {
        return false;
    };
    list.iter().all(|f| {
        matches!(
            f.kind,
            FieldErrorKind::CodeExpired | FieldErrorKind::CodeUsed | FieldErrorKind::CodeExhausted
        )
    }) && !list.is_empty()
}

#[derive(Deserialize)]
pub struct AddressForm {
    #[serde(default)]
    address: String,
    #[serde(default)]
    channel: String,
    /// Where to go once confirmed (see [`ContactPage`]).
    next: Option<String>,
}

/// The signed-in person, recently signed in: sends a code to a new address.
pub async fn request(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    Client(client): Client,
    headers: HeaderMap,
    Kind(kind): Kind,
    PageForm(form): PageForm<AddressForm>,
) -> Response {
    let locale = crate::i18n::negotiate_headers(&headers, &state.config, Some(&current.user));
    let sigil = &state.sigil;
    let result = match kind {
        ContactKind::Email => {
            sigil
                .request_email_code(
                    &current.user,
                    &current.session,
                    &form.address,
                    locale,
                    &client,
                )
                .await
        }
        ContactKind::Phone => {
            sigil
                .request_phone_code(
                    &current.user,
                    &current.session,
                    &form.address,
                    &form.channel,
                    locale,
                    &client,
                )
                .await
        }
    };
    after(
        &state,
        &headers,
        &csrf,
        &current,
        kind,
        result,
        Then::new(
            "code_sent",
            Typed {
                address: form.address,
                channel: form.channel,
            },
            form.next,
        ),
    )
    .await
}

/// The signed-in person, recently signed in: a new code for the pending address.
pub async fn resend(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    Client(client): Client,
    headers: HeaderMap,
    Kind(kind): Kind,
    PageForm(form): PageForm<NextForm>,
) -> Response {
    let locale = crate::i18n::negotiate_headers(&headers, &state.config, Some(&current.user));
    let result = state
        .sigil
        .resend_code(&current.user, &current.session, kind, locale, &client)
        .await;
    after(
        &state,
        &headers,
        &csrf,
        &current,
        kind,
        result,
        Then::new("code_sent", Typed::default(), form.next),
    )
    .await
}

#[derive(Deserialize)]
pub struct NextForm {
    /// Where to go once confirmed (see [`ContactPage`]).
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    /// Where to go once confirmed (see [`ContactPage`]).
    next: Option<String>,
}

/// The signed-in person: confirms the pending address with its code.
pub async fn confirm(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    Client(client): Client,
    headers: HeaderMap,
    Kind(kind): Kind,
    PageForm(form): PageForm<CodeForm>,
) -> Response {
    let result = state
        .sigil
        .confirm_code(&current.user, kind, &form.code, &client)
        .await;
    if let (Ok(()), Some(next)) = (&result, form.next.as_deref()) {
        return Redirect::to(&super::safe_next(Some(next))).into_response();
    }
    after(
        &state,
        &headers,
        &csrf,
        &current,
        kind,
        result,
        Then::new("verified", Typed::default(), form.next),
    )
    .await
}

#[derive(Template)]
#[template(path = "contacts_remove.html")]
struct RemovePage<'a> {
    page: PageCtx<'a>,
    kind: &'static str,
    address: String,
}

impl RemovePage<'_> {
    fn text(&self, suffix: &str) -> String {
        self.page.t.t(&format!("contacts-{}-{suffix}", self.kind))
    }

    fn question(&self) -> String {
        let key = format!("contacts-{}-remove-question", self.kind);
        self.page.t.t1(&key, "address", &self.address)
    }
}

/// The signed-in person: asks before removing the contact.
pub async fn remove_form(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    Kind(kind): Kind,
) -> Response {
    let address = match kind {
        ContactKind::Email => current.user.email.as_ref().map(|e| e.to_string()),
        ContactKind::Phone => current.user.phone.as_ref().map(|p| p.international()),
    };
    let Some(address) = address else {
        return page_failure(&state, &headers, CoreError::NotFound);
    };
    let here = format!("/profile/contacts/{}/remove", kind.as_str());
    let page = PageCtx::new(
        &state,
        &headers,
        &csrf,
        Some(&current.user),
        &here,
        "profile",
    );
    render(&RemovePage {
        page,
        kind: kind.as_str(),
        address,
    })
}

/// The signed-in person, recently signed in: removes the contact.
pub async fn remove(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    Client(client): Client,
    headers: HeaderMap,
    Kind(kind): Kind,
) -> Response {
    let result = state
        .sigil
        .remove_contact(&current.user, &current.session, kind, &client)
        .await;
    after(
        &state,
        &headers,
        &csrf,
        &current,
        kind,
        result,
        Then::new("removed", Typed::default(), None),
    )
    .await
}
