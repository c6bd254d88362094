//! Sign-in, registration and sign-out.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use sigil_core::deletion::DeletionError;
use sigil_core::random::SystemRandom;
use sigil_core::services::{Registration, SignedIn};
use sigil_core::token::SecretToken;
use sigil_core::CoreError;

use super::{safe_next, PageCtx};
use crate::auth::csrf::CsrfToken;
use crate::auth::{cookies, OptionalUser, PageUser};
use crate::client::Client;
use crate::error::{message_of, page_failure, render, status_of};
use crate::extract::{PageForm, PageQuery};
use crate::i18n::{negotiate_headers, Tr};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    page: PageCtx<'a>,
    identifier: String,
    next: String,
    error: Option<String>,
    notice: Option<String>,
    registration_open: bool,
    /// Why a signed-in person is asked to sign in again: the sentence, and its code
    /// for the form (so that a mistyped password does not lose it).
    reason: Option<(String, &'static str)>,
    /// (id, name) of the providers a linked account can sign in with.
    providers: Vec<(String, String)>,
}

impl LoginPage<'_> {
    /// Registration instead, coming back to the same place (an invitation's link, an
    /// application's sign-in) afterwards.
    fn register_href(&self) -> String {
        register_href(&self.next)
    }
}

/// `/register`, carrying `next` unless it is the default.
fn register_href(next: &str) -> String {
    if next == "/profile" {
        return "/register".to_owned();
    }
    let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
    format!("/register?next={next}")
}

fn providers(state: &AppState) -> Vec<(String, String)> {
    state
        .sigil
        .sign_in_providers()
        .map(|p| (p.id.clone(), p.name.clone()))
        .collect()
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    notice: Option<String>,
    /// From an application's `login_hint`: prefills the login.
    login_hint: Option<String>,
    /// From an application's `ui_locales`.
    ui_locales: Option<String>,
    /// The application asked for a fresh sign-in: show the form even to a signed-in
    /// person.
    reauth: Option<String>,
    /// Why the console asks again ([`super::ReauthReason`]).
    reason: Option<String>,
}

/// The reason's sentence, for a reason Sigil knows; anything else is ignored.
fn reauth_reason(t: &crate::i18n::Tr<'_>, raw: Option<&str>) -> Option<(String, &'static str)> {
    let why = super::ReauthReason::parse(raw?)?;
    Some((t.t(&why.message_key()), why.as_str()))
}

/// Anyone. Signed-in people go straight on.
pub async fn form(
    State(state): State<AppState>,
    OptionalUser(current): OptionalUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    PageQuery(q): PageQuery<NextQuery>,
) -> Response {
    let next = safe_next(q.next.as_deref());
    if current.is_some() && q.reauth.is_none() {
        return Redirect::to(&next).into_response();
    }
    // The language menu comes back to this very form: the application's request, the
    // reason and the way back stay (`/lang` checks it is a local path).
    let here = match raw.as_deref() {
        Some(query) if !query.is_empty() => format!("/login?{query}"),
        _ => "/login".to_owned(),
    };
    let mut page = PageCtx::new(&state, &headers, &csrf, None, &here, "login");
    if let Some((_, user)) = &current {
        // Asked again: in the language the person chose, not only the browser's.
        let locale = negotiate_headers(&headers, &state.config, Some(user));
        page.t = Tr::new(&state.i18n, locale);
    }
    // An application's `ui_locales` yields to a language the person chose here.
    let chosen = crate::i18n::chosen_locale(&headers, &state.config);
    if let Some(locale) =
        crate::oidc::ui_locale(q.ui_locales.as_deref()).filter(|_| chosen.is_none())
    {
        page.t = Tr::new(&state.i18n, locale);
    }
    let reason = current
        .as_ref()
        .and_then(|_| reauth_reason(&page.t, q.reason.as_deref()));
    let notice = match q.notice.as_deref() {
        Some("password_changed") => Some(page.t.t("notice-password_changed")),
        Some("signed_out") => Some(page.t.t("notice-signed_out")),
        Some("signed_out_everywhere") => Some(page.t.t("lifecycle-everywhere-done")),
        Some("deletion_requested") => Some(page.t.t("deletion-notice-requested")),
        _ => None,
    };
    render(&LoginPage {
        page,
        identifier: q.login_hint.unwrap_or_default().chars().take(256).collect(),
        next,
        error: None,
        notice,
        // Someone signed in, asked again, is not offered a new account.
        registration_open: state.sigil.settings().registration_open && current.is_none(),
        reason,
        providers: providers(&state),
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    identifier: String,
    password: String,
    next: Option<String>,
    reason: Option<String>,
}

/// Anyone. On success a new session id is issued (and the form token rotated).
pub async fn submit(
    State(state): State<AppState>,
    OptionalUser(current): OptionalUser,
    Extension(csrf): Extension<CsrfToken>,
    Client(client): Client,
    headers: HeaderMap,
    jar: CookieJar,
    PageForm(form): PageForm<LoginForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    let previous = jar
        .get(&cookies::name(&state.config, cookies::SESSION))
        .and_then(|c| SecretToken::from_client(c.value()))
        .map(|t| t.hash());
    let device = jar.get(&cookies::name(&state.config, cookies::DEVICE));
    match state
        .sigil
        .sign_in(
            &form.identifier,
            &form.password,
            previous,
            device.map(|c| c.value()),
            &client,
        )
        .await
    {
        Ok(signed_in) => signed_in_response(&state, jar, signed_in, &next),
        Err(CoreError::Deletion(DeletionError::Scheduled(pending))) => {
            super::deletion::after_pending_sign_in(&state, &headers, &csrf, jar, *pending, &next)
                .await
        }
        Err(e @ (CoreError::InvalidCredentials | CoreError::Throttled | CoreError::Blocked)) => {
            // Signing in again answers in the person's language, as the form did.
            let user = current.as_ref().map(|(_, user)| user);
            let mut page = PageCtx::new(&state, &headers, &csrf, None, "/login", "login");
            page.t = Tr::new(
                &state.i18n,
                negotiate_headers(&headers, &state.config, user),
            );
            let error = Some(message_of(page.t, &e));
            let status = status_of(&e);
            let reason = reauth_reason(&page.t, form.reason.as_deref());
            let body = render(&LoginPage {
                page,
                identifier: form.identifier,
                next,
                error,
                notice: None,
                registration_open: state.sigil.settings().registration_open && current.is_none(),
                reason,
                providers: providers(&state),
            });
            (status, body).into_response()
        }
        Err(e) => page_failure(&state, &headers, e),
    }
}

/// Sets the session cookie and a fresh form token, then goes on, by way of the
/// mandatory-field prompt when fields are missing.
pub(super) fn signed_in_response(
    state: &AppState,
    jar: CookieJar,
    signed_in: SignedIn,
    next: &str,
) -> Response {
    let session = cookies::build(
        &state.config,
        cookies::SESSION,
        signed_in.token.expose().to_owned(),
        None,
    );
    let csrf = cookies::build(
        &state.config,
        cookies::CSRF,
        SecretToken::generate(&SystemRandom).expose().to_owned(),
        None,
    );
    let target = if signed_in.missing_fields.is_empty() {
        next.to_owned()
    } else {
        let encoded: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
        format!("/profile/complete?next={encoded}")
    };
    let jar = match signed_in.device_cookie {
        Some(value) => jar.add(cookies::build(
            &state.config,
            cookies::DEVICE,
            value,
            Some(cookies::DEVICE_MAX_AGE),
        )),
        None => jar,
    };
    (jar.add(session).add(csrf), Redirect::to(&target)).into_response()
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage<'a> {
    page: PageCtx<'a>,
    /// Where to go once registered (and the email confirmed, if one was given).
    next: String,
    login: String,
    email: String,
    errors: HashMap<String, String>,
}

impl RegisterPage<'_> {
    fn error(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }
}

/// Anyone, while the operator keeps registration open.
pub async fn register_form(
    State(state): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    PageQuery(q): PageQuery<NextQuery>,
) -> Response {
    let next = safe_next(q.next.as_deref());
    let here = register_href(&next);
    let page = PageCtx::new(&state, &headers, &csrf, None, &here, "register");
    if !state.sigil.settings().registration_open {
        return page_failure(&state, &headers, CoreError::NotFound);
    }
    // Coming from an invitation's link: the invited address, which gets the access.
    let email = match super::invitations::token_of(&next) {
        Some(token) => state
            .sigil
            .check_invitation_link(&token)
            .await
            .map(|e| e.to_string())
            .unwrap_or_default(),
        None => String::new(),
    };
    render(&RegisterPage {
        page,
        next,
        login: String::new(),
        email,
        errors: HashMap::new(),
    })
}

#[derive(Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    email: String,
    password: String,
    next: Option<String>,
}

/// Anyone, while registration is open.
pub async fn register(
    State(state): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Client(client): Client,
    headers: HeaderMap,
    jar: CookieJar,
    PageForm(form): PageForm<RegisterForm>,
) -> Response {
    let input = Registration {
        login: form.login.clone(),
        email: form.email.clone(),
        password: form.password,
        locale: None,
        request_locale: crate::i18n::negotiate_headers(&headers, &state.config, None),
        device: jar
            .get(&cookies::name(&state.config, cookies::DEVICE))
            .map(|c| c.value().to_owned()),
    };
    // With an email, the next step is its code, and then where the person was going.
    let after = safe_next(form.next.as_deref());
    let next = match (form.email.trim().is_empty(), after.as_str()) {
        (true, _) => after.clone(),
        (false, "/profile") => "/profile/contacts/email".to_owned(),
        (false, _) => {
            let encoded: String = form_urlencoded::byte_serialize(after.as_bytes()).collect();
            format!("/profile/contacts/email?next={encoded}")
        }
    };
    match state.sigil.register(input, &client).await {
        Ok(signed_in) => signed_in_response(&state, jar, signed_in, &next),
        Err(CoreError::Invalid(errors)) => {
            let page = PageCtx::new(&state, &headers, &csrf, None, "/register", "register");
            let errors = errors
                .iter()
                .map(|e| (e.field.clone(), page.t.field_error(&e.kind)))
                .collect();
            let body = render(&RegisterPage {
                page,
                next: after,
                login: form.login,
                email: form.email,
                errors,
            });
            (StatusCode::UNPROCESSABLE_ENTITY, body).into_response()
        }
        Err(e) => page_failure(&state, &headers, e),
    }
}

/// The signed-in person ends this session.
pub async fn logout(
    State(state): State<AppState>,
    current: PageUser,
    Client(client): Client,
    headers: HeaderMap,
    jar: CookieJar,
    form: Result<axum::Form<LogoutForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    if let Err(e) = state.sigil.sign_out(&current.session, &client).await {
        return page_failure(&state, &headers, e);
    }
    let jar = jar.add(cookies::removal(&state.config, cookies::SESSION));
    let next = form.ok().and_then(|axum::Form(f)| f.next);
    let to = match next.as_deref().filter(|n| !n.is_empty()) {
        // Signing in again goes back there (a local path only: `safe_next`).
        Some(n) => {
            let next: String =
                form_urlencoded::byte_serialize(safe_next(Some(n)).as_bytes()).collect();
            format!("/login?notice=signed_out&next={next}")
        }
        None => "/login?notice=signed_out".to_owned(),
    };
    (jar, Redirect::to(&to)).into_response()
}

/// The sign-out form: `next`, where the next sign-in goes (the "by invitation only"
/// page sends its authorization request, so that the person can go on as someone
/// else).
#[derive(Deserialize)]
pub struct LogoutForm {
    next: Option<String>,
}
