//! The page a signed-in person meets at the authorization endpoint of a closed
//! application they hold no access to: what the application is, why they cannot go on,
//! where invitations are, and a way to sign out and come back to the same request as
//! someone else. Answered with 403; never a code, never a redirect to the application.
use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use sigil_core::services::oidc::ValidRequest;
use sigil_core::user::User;

use crate::auth::csrf::CsrfToken;
use crate::console::{sign_in_name, PageCtx};
use crate::error::render;
use crate::i18n::Tr;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "closed_app.html")]
struct ClosedPage<'a> {
    page: PageCtx<'a>,
    app_name: String,
    app_description: String,
    logo_url: Option<String>,
    signed_in_as: String,
    /// The same authorization request, where signing in again returns.
    next: String,
}

/// `next` is the authorization request to come back to (`/oauth/authorize?…`).
pub(super) fn closed_page(
    state: &AppState,
    headers: &HeaderMap,
    csrf: &CsrfToken,
    user: &User,
    req: &ValidRequest,
    next: String,
) -> Response {
    let locale =
        super::authorize::locale_for(state, headers, Some(user), req.ui_locales.as_deref());
    let mut page = PageCtx::new(state, headers, csrf, Some(user), &next, "consent");
    page.t = Tr::new(&state.i18n, locale);
    crate::console::shell::show_logos(req.app.logo_url.as_deref());
    let body = render(&ClosedPage {
        page,
        app_name: req.app.name.clone(),
        app_description: req.app.description.clone(),
        logo_url: req.app.logo_url.clone(),
        signed_in_as: sign_in_name(user),
        next,
    });
    (StatusCode::FORBIDDEN, body).into_response()
}
