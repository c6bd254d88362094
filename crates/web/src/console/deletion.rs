//! Delete account (Other actions), the recovery page with Restore account and Sign out,
//! and the page a sign-in through an application gets for an account scheduled for
//! deletion. The lifecycle is in `sigil_core::deletion`.
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use sigil_core::deletion::{DeletionError, PendingSignIn, RESTORE_TICKET_TTL};
use sigil_core::locale::Locale;
use sigil_core::token::SecretToken;
use sigil_core::{CoreError, FieldErrorKind};

use super::{reauth, PageCtx, ReauthReason};
use crate::auth::csrf::CsrfToken;
use crate::auth::session::OptionalUser;
use crate::auth::{cookies, PageUser};
use crate::client::Client;
use crate::error::{erase_date, message_of, page_failure, render, status_of};
use crate::extract::PageForm;
use crate::i18n::{chosen_locale, negotiate_headers, Tr};
use crate::state::AppState;

pub const DELETE_ACCOUNT: &str = "/profile/delete";
pub const RESTORE: &str = "/account/restore";
pub const RESTORE_SIGN_OUT: &str = "/account/restore/sign-out";
/// The recovery page's ticket (`sigil_core::deletion::RestoreTicket`).
const RESTORE_COOKIE: &str = "sigil_restore";
/// Where the authorization endpoint sends a person to sign in: a sign-in going back
/// there is a sign-in through an application, which never offers recovery.
const AUTHORIZE: &str = "/oauth/authorize";

#[derive(Template)]
#[template(path = "delete_account.html")]
struct DeletePage<'a> {
    page: PageCtx<'a>,
    /// The day the data would be erased if the person deleted now.
    date: String,
    has_password: bool,
    error: Option<String>,
    password_error: Option<String>,
}

fn delete_page(
    state: &AppState,
    headers: &HeaderMap,
    csrf: &CsrfToken,
    current: &PageUser,
    error: Option<String>,
    password_error: Option<String>,
) -> Response {
    let page = PageCtx::new(
        state,
        headers,
        csrf,
        Some(&current.user),
        DELETE_ACCOUNT,
        "profile",
    );
    let erase_after = state.sigil.now() + state.sigil.settings().deletion_grace;
    let date = erase_date(page.t, erase_after);
    render(&DeletePage {
        page,
        date,
        has_password: current.user.password_hash.is_some(),
        error,
        password_error,
    })
}

/// An account without a password confirms with a recent sign-in at its provider.
fn needs_reauth(state: &AppState, current: &PageUser) -> bool {
    current.user.password_hash.is_none()
        && state.sigil.now() - current.session.auth_time
            > state.sigil.settings().contacts.reauth_after
}

/// The signed-in person: what deleting does and when the data goes, and the form.
pub async fn form(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
) -> Response {
    if needs_reauth(&state, &current) {
        return reauth(&current.user, DELETE_ACCOUNT, ReauthReason::Deletion);
    }
    delete_page(&state, &headers, &csrf, &current, None, None)
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    password: String,
}

/// The signed-in person deletes the account; every session ends, this one too.
pub async fn submit(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    Client(client): Client,
    headers: HeaderMap,
    jar: CookieJar,
    PageForm(form): PageForm<DeleteForm>,
) -> Response {
    let done = state
        .sigil
        .request_deletion(&current.session, &current.user, &form.password, &client)
        .await;
    match done {
        Ok(_) => {
            let jar = jar.add(cookies::removal(&state.config, cookies::SESSION));
            (jar, Redirect::to("/login?notice=deletion_requested")).into_response()
        }
        Err(CoreError::ReauthRequired) => {
            reauth(&current.user, DELETE_ACCOUNT, ReauthReason::Deletion)
        }
        Err(e @ (CoreError::Invalid(_) | CoreError::Throttled)) => {
            let locale = negotiate_headers(&headers, &state.config, Some(&current.user));
            let t = Tr::new(&state.i18n, locale);
            let password_error = match &e {
                // Its own words: nothing was deleted (not the password change's).
                CoreError::Invalid(list) => list.first().map(|f| match f.kind {
                    FieldErrorKind::WrongPassword => t.t("deletion-error-wrong_password"),
                    _ => t.error_on(f),
                }),
                _ => None,
            };
            let body = delete_page(
                &state,
                &headers,
                &csrf,
                &current,
                Some(message_of(t, &e)),
                password_error,
            );
            (status_of(&e), body).into_response()
        }
        Err(e) => page_failure(&state, &headers, e),
    }
}

#[derive(Template)]
#[template(path = "deletion_scheduled.html")]
struct ScheduledPage<'a> {
    page: PageCtx<'a>,
    date: String,
    /// The sign-in form of the same authorization request, for another account.
    another: String,
    /// The application's name and home page, when it has one.
    home: Option<(String, String)>,
}

/// The person's language on a page where no one is signed in: the language they
/// chose in this browser, then what the application asked for, then the account's
/// stored language, then the browser's.
fn unsigned_locale(
    state: &AppState,
    headers: &HeaderMap,
    asked: Option<Locale>,
    stored: Option<Locale>,
) -> Locale {
    chosen_locale(headers, &state.config)
        .or(asked)
        .or(stored)
        .unwrap_or_else(|| negotiate_headers(headers, &state.config, None))
}

/// The answer to a correct sign-in to an account pending deletion: through an
/// application (`next` goes back to the authorization endpoint), a page that says so
/// and offers nothing else; in the console, the recovery page.
pub(crate) async fn after_pending_sign_in(
    state: &AppState,
    headers: &HeaderMap,
    csrf: &CsrfToken,
    jar: CookieJar,
    pending: PendingSignIn,
    next: &str,
) -> Response {
    if next.starts_with(AUTHORIZE) {
        let asked = next.split_once('?').and_then(|(_, query)| {
            form_urlencoded::parse(query.as_bytes())
                .find(|(k, _)| k == "ui_locales")
                .and_then(|(_, v)| crate::oidc::ui_locale(Some(&v)))
        });
        let locale = unsigned_locale(state, headers, asked, pending.locale);
        // The page answers a form post: the language menu comes back to the sign-in
        // form of the same request, as "Use another account" does.
        let another: String = form_urlencoded::Serializer::new("/login?".to_owned())
            .append_pair("next", next)
            .finish();
        let home = crate::oidc::application_of(state, next)
            .await
            .and_then(|app| Some((app.name, app.home_url?)));
        let page = PageCtx::in_locale(state, locale, csrf, None, &another, "login");
        let date = erase_date(page.t, pending.erase_after);
        let body = render(&ScheduledPage {
            page,
            date,
            another,
            home,
        });
        return (StatusCode::FORBIDDEN, body).into_response();
    }
    match state.sigil.open_restore(pending).await {
        Ok(ticket) => {
            let cookie = cookies::build(
                &state.config,
                RESTORE_COOKIE,
                ticket.token.expose().to_owned(),
                Some(RESTORE_TICKET_TTL),
            );
            (jar.add(cookie), Redirect::to(RESTORE)).into_response()
        }
        Err(e) => page_failure(state, headers, e),
    }
}

fn ticket_of(state: &AppState, jar: &CookieJar) -> Option<SecretToken> {
    jar.get(&cookies::name(&state.config, RESTORE_COOKIE))
        .and_then(|c| SecretToken::from_client(c.value()))
}

/// A refusal of the recovery page; a ticket that can no longer restore is forgotten.
fn refused(state: &AppState, headers: &HeaderMap, jar: CookieJar, e: CoreError) -> Response {
    let spent =
        matches!(e, CoreError::Deletion(ref d) if !matches!(d, DeletionError::Scheduled(_)));
    let jar = if spent {
        jar.add(cookies::removal(&state.config, RESTORE_COOKIE))
    } else {
        jar
    };
    (jar, page_failure(state, headers, e)).into_response()
}

#[derive(Template)]
#[template(path = "restore_account.html")]
struct RestoreView<'a> {
    page: PageCtx<'a>,
    date: String,
}

/// A browser holding a restore ticket (a console sign-in to an account pending
/// deletion): when the data will be erased, Restore account and Sign out.
pub async fn restore_page(
    State(state): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    jar: CookieJar,
) -> Response {
    let Some(ticket) = ticket_of(&state, &jar) else {
        return Redirect::to("/login").into_response();
    };
    match state.sigil.restore_page(&ticket).await {
        Ok(found) => {
            // In the person's language; no account menu, since there is no session.
            let locale = unsigned_locale(&state, &headers, None, found.user.locale);
            let page = PageCtx::in_locale(&state, locale, &csrf, None, RESTORE, "login");
            let date = erase_date(page.t, found.erase_after);
            render(&RestoreView { page, date })
        }
        Err(e) => refused(&state, &headers, jar, e),
    }
}

/// A browser holding a restore ticket restores the account and is signed in afresh.
pub async fn restore(
    State(state): State<AppState>,
    OptionalUser(current): OptionalUser,
    Client(client): Client,
    headers: HeaderMap,
    jar: CookieJar,
) -> Response {
    let Some(ticket) = ticket_of(&state, &jar) else {
        // Signed in, the account is active: nothing to restore, and it says so.
        if current.is_some() {
            let e = CoreError::Deletion(DeletionError::NotPending);
            return page_failure(&state, &headers, e);
        }
        return Redirect::to("/login").into_response();
    };
    let previous = jar
        .get(&cookies::name(&state.config, cookies::SESSION))
        .and_then(|c| SecretToken::from_client(c.value()))
        .map(|t| t.hash());
    match state
        .sigil
        .restore_account(&ticket, previous, &client)
        .await
    {
        Ok(signed_in) => {
            let jar = jar.add(cookies::removal(&state.config, RESTORE_COOKIE));
            super::sign_in::signed_in_response(&state, jar, signed_in, "/profile?notice=restored")
        }
        Err(e) => refused(&state, &headers, jar, e),
    }
}

/// Sign out on the recovery page: the ticket goes; the account stays scheduled.
pub async fn leave(State(state): State<AppState>, headers: HeaderMap, jar: CookieJar) -> Response {
    if let Some(ticket) = ticket_of(&state, &jar) {
        if let Err(e) = state.sigil.leave_restore(&ticket).await {
            return page_failure(&state, &headers, e);
        }
    }
    let jar = jar.add(cookies::removal(&state.config, RESTORE_COOKIE));
    (jar, Redirect::to("/login?notice=signed_out")).into_response()
}
