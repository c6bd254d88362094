//! Confirming an email address by the link in its verification mail, from any browser.
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde::Deserialize;
use sigil_core::invitation::InvitationStatus;
use sigil_core::user::User;
use sigil_core::CoreError;

use super::PageCtx;
use crate::auth::csrf::CsrfToken;
use crate::auth::OptionalUser;
use crate::client::Client;
use crate::error::{page_failure, render};
use crate::extract::{PageForm, PageQuery};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "contacts_link.html")]
struct LinkPage<'a> {
    page: PageCtx<'a>,
    token: String,
    done: bool,
    error: Option<String>,
    /// Applications this browser's person got access to by confirming (invitations to
    /// the address): name and home URL, to go on to.
    go_on: Vec<(String, String)>,
    /// Whether any access was granted (those without a home URL are on Requests).
    granted: bool,
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// Anyone holding the link: a page with one button, so that mail scanners opening
/// links do not spend the code.
pub async fn link_form(
    State(state): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    PageQuery(q): PageQuery<TokenQuery>,
) -> Response {
    let page = PageCtx::new(
        &state,
        &headers,
        &csrf,
        None,
        "/contacts/confirm",
        "profile",
    );
    render(&LinkPage {
        page,
        token: q.token,
        done: false,
        error: None,
        go_on: Vec::new(),
        granted: false,
    })
}

/// Anyone holding the link: confirms the address.
pub async fn link(
    State(state): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Client(client): Client,
    headers: HeaderMap,
    OptionalUser(current): OptionalUser,
    PageForm(form): PageForm<TokenQuery>,
) -> Response {
    // Stored times have whole seconds.
    let before = state
        .sigil
        .now()
        .replace_nanosecond(0)
        .unwrap_or(state.sigil.now());
    let result = state.sigil.confirm_link(&form.token, &client).await;
    let page = PageCtx::new(
        &state,
        &headers,
        &csrf,
        None,
        "/contacts/confirm",
        "profile",
    );
    match result {
        Ok(()) => {
            let granted = match &current {
                Some((_, user)) => just_granted(&state, user, before).await,
                None => Vec::new(),
            };
            render(&LinkPage {
                page,
                token: String::new(),
                done: true,
                error: None,
                go_on: granted
                    .iter()
                    .filter_map(|(name, home)| Some((name.clone(), home.clone()?)))
                    .collect(),
                granted: !granted.is_empty(),
            })
        }
        Err(CoreError::Invalid(list)) => {
            let error = list.first().map(|f| page.t.field_error(&f.kind));
            let body = render(&LinkPage {
                page,
                token: String::new(),
                done: false,
                error,
                go_on: Vec::new(),
                granted: false,
            });
            (StatusCode::UNPROCESSABLE_ENTITY, body).into_response()
        }
        Err(e) => page_failure(&state, &headers, e),
    }
}

/// The applications `user` (this browser's person) got access to since `since` by an
/// invitation: confirming the invited address grants it (and a registration from the
/// invitation's link goes on there). Their names and home URLs.
async fn just_granted(
    state: &AppState,
    user: &User,
    since: time::OffsetDateTime,
) -> Vec<(String, Option<String>)> {
    match state.sigil.requests(user).await {
        Ok(entries) => entries
            .into_iter()
            .filter(|e| {
                e.invitation.status == InvitationStatus::Accepted
                    && e.invitation.user_id == Some(user.id)
                    && e.invitation.decided_at.is_some_and(|d| d >= since)
            })
            .map(|e| (e.app.name, e.app.home_url))
            .collect(),
        Err(e) => {
            tracing::warn!(error = ?e, "listing the access just granted");
            Vec::new()
        }
    }
}
