//! The Identifiers block: linking an account at an external provider, the provider's
//! callback, unlinking, and taking a linked account's picture as the photo.
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use sigil_core::deletion::DeletionError;
use sigil_core::identifier::Identifier;
use sigil_core::services::{Callback, Finished};
use sigil_core::token::SecretToken;
use sigil_core::CoreError;

use super::{safe_next, PageCtx};
use crate::auth::csrf::CsrfToken;
use crate::auth::{cookies, OptionalUser, PageUser};
use crate::client::Client;
use crate::error::{page_failure, render};
use crate::extract::PagePath;
use crate::extract::{PageForm, PageQuery};
use crate::state::AppState;

/// One linked identifier as the profile shows it.
pub struct IdentifierView {
    pub id: String,
    pub provider: String,
    pub label: String,
    /// The email at the provider, when the label is something else.
    pub email: Option<String>,
    pub privacy_key: String,
    pub has_avatar: bool,
}

impl IdentifierView {
    pub fn new(state: &AppState, i: &Identifier) -> Self {
        let label = i.label().to_owned();
        Self {
            id: i.id.clone(),
            provider: provider_name(state, &i.provider),
            email: i.email.clone().filter(|e| *e != label),
            label,
            privacy_key: i.privacy_key(),
            has_avatar: i.has_avatar,
        }
    }
}

fn provider_name(state: &AppState, id: &str) -> String {
    state
        .sigil
        .provider(id)
        .map_or_else(|| id.to_owned(), |p| p.name.clone())
}

#[derive(Template)]
#[template(path = "identifiers_add.html")]
struct AddPage<'a> {
    page: PageCtx<'a>,
    /// (id, name) of every configured provider.
    providers: Vec<(String, String)>,
}

/// One identifier the password forms offer to remove, checked unless the person
/// unchecked it.
pub struct RecentView {
    pub id: String,
    pub provider: String,
    pub label: String,
    pub checked: bool,
}

/// `recent` as checkboxes: all checked at first; after a refused submission, as the
/// person left them (`kept`).
pub(super) fn recent_views(
    state: &AppState,
    recent: &[Identifier],
    kept: Option<&[String]>,
) -> Vec<RecentView> {
    recent
        .iter()
        .map(|i| RecentView {
            id: i.id.clone(),
            provider: provider_name(state, &i.provider),
            label: i.label().to_owned(),
            checked: kept.is_none_or(|k| k.contains(&i.id)),
        })
        .collect()
}

const ADD: &str = "/profile/identifiers/add";

/// The window that lists the providers to link; a sign-in older than the re-auth
/// window is asked again first.
pub async fn add_form(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
) -> Response {
    if state.sigil.require_recent(&current.session).is_err() {
        return super::reauth(&current.user, ADD, super::ReauthReason::Identifiers);
    }
    let page = PageCtx::new(
        &state,
        &headers,
        &csrf,
        Some(&current.user),
        "/profile/identifiers/add",
        "profile",
    );
    let providers = state
        .sigil
        .providers()
        .iter()
        .map(|p| (p.id.clone(), p.name.clone()))
        .collect();
    render(&AddPage { page, providers })
}

#[derive(Deserialize)]
pub struct LinkForm {
    provider: String,
}

/// Sends the browser to the provider to sign in there.
pub async fn link(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    PageForm(form): PageForm<LinkForm>,
) -> Response {
    match state
        .sigil
        .start_link(&current.user, &current.session, &form.provider)
        .await
    {
        Ok(url) => Redirect::to(&url).into_response(),
        Err(CoreError::ReauthRequired) => {
            super::reauth(&current.user, ADD, super::ReauthReason::Identifiers)
        }
        Err(e) => super::profile::refused(&state, &current, &csrf, &headers, e).await,
    }
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    state: Option<String>,
    code: Option<String>,
    error: Option<String>,
    iss: Option<String>,
}

/// The provider sends the browser back here, with a code or an error: a link for the
/// signed-in person, or a sign-in with a linked account.
#[allow(clippy::too_many_arguments)]
pub async fn callback(
    State(state): State<AppState>,
    OptionalUser(current): OptionalUser,
    Extension(csrf): Extension<CsrfToken>,
    Client(client): Client,
    headers: HeaderMap,
    jar: CookieJar,
    PagePath(provider): PagePath<String>,
    PageQuery(q): PageQuery<CallbackQuery>,
) -> Response {
    let callback = Callback {
        state: q.state,
        code: q.code,
        error: q.error,
        iss: q.iss,
    };
    let previous = jar
        .get(&cookies::name(&state.config, cookies::SESSION))
        .and_then(|c| SecretToken::from_client(c.value()))
        .map(|t| t.hash());
    let user = current.as_ref().map(|(_, user)| user);
    let done = state
        .sigil
        .finish_callback(user, &provider, callback, &csrf.0, previous, &client)
        .await;
    match (done, current) {
        (Ok(Finished::Linked(_)), _) => {
            Redirect::to("/profile?notice=identifier_linked#identifiers").into_response()
        }
        (Ok(Finished::SignedIn { signed_in, next }), _) => {
            super::sign_in::signed_in_response(&state, jar, *signed_in, &safe_next(Some(&next)))
        }
        (Err(CoreError::Deletion(DeletionError::Scheduled(pending))), _) => {
            let next = safe_next(pending.next.as_deref());
            super::deletion::after_pending_sign_in(&state, &headers, &csrf, jar, *pending, &next)
                .await
        }
        (Err(e), Some((session, user))) => {
            let current = PageUser { session, user };
            super::profile::refused(&state, &current, &csrf, &headers, e).await
        }
        (Err(e), None) => page_failure(&state, &headers, e),
    }
}

#[derive(Deserialize)]
pub struct SignInForm {
    provider: String,
    next: Option<String>,
}

/// From the sign-in page: sign in with an account linked at a provider.
pub async fn sign_in(
    State(state): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    PageForm(form): PageForm<SignInForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    match state
        .sigil
        .start_sign_in(&form.provider, &csrf.0, &next)
        .await
    {
        Ok(url) => Redirect::to(&url).into_response(),
        Err(e) => page_failure(&state, &headers, e),
    }
}

/// Unlinks an identifier at once.
pub async fn remove(
    State(state): State<AppState>,
    current: PageUser,
    Client(client): Client,
    headers: HeaderMap,
    PagePath(id): PagePath<String>,
) -> Response {
    match state
        .sigil
        .remove_identifier(&current.user, &id, &client)
        .await
    {
        Ok(()) => Redirect::to("/profile?notice=identifier_removed#identifiers").into_response(),
        Err(e) => page_failure(&state, &headers, e),
    }
}

/// The picture of one of the signed-in person's identifiers; for their eyes only.
pub async fn avatar(
    State(state): State<AppState>,
    current: PageUser,
    headers: HeaderMap,
    PagePath(id): PagePath<String>,
) -> Response {
    match state.sigil.identifier_avatar(&current.user, &id).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "image/jpeg"),
                (header::CACHE_CONTROL, "private, no-store"),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => page_failure(&state, &headers, e),
    }
}

#[derive(Template)]
#[template(path = "photo_available.html")]
struct AvailablePage<'a> {
    page: PageCtx<'a>,
    identifiers: Vec<IdentifierView>,
}

/// **Available**: the pictures of the linked identifiers, to pick one as the photo.
pub async fn available(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
) -> Response {
    let identifiers = match state.sigil.identifiers(&current.user).await {
        Ok(list) => list
            .iter()
            .filter(|i| i.has_avatar)
            .map(|i| IdentifierView::new(&state, i))
            .collect(),
        Err(e) => return page_failure(&state, &headers, e),
    };
    let page = PageCtx::new(
        &state,
        &headers,
        &csrf,
        Some(&current.user),
        "/profile/photo/available",
        "profile",
    );
    render(&AvailablePage { page, identifiers })
}

#[derive(Deserialize)]
pub struct UseForm {
    identifier: String,
}

/// Makes the chosen identifier's picture the photo.
pub async fn use_avatar(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    Client(client): Client,
    headers: HeaderMap,
    PageForm(form): PageForm<UseForm>,
) -> Response {
    match state
        .sigil
        .use_identifier_avatar(&current.user, &form.identifier, &client)
        .await
    {
        Ok(()) => Redirect::to("/profile?notice=photo#main-information").into_response(),
        Err(e) => super::profile::refused(&state, &current, &csrf, &headers, e).await,
    }
}
