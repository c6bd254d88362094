//! The profile's Other actions: log out from all devices (a confirm step, then every
//! session and token of the person ends and they sign in again).
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use axum_extra::extract::CookieJar;

use super::PageCtx;
use crate::auth::csrf::CsrfToken;
use crate::auth::{cookies, PageUser};
use crate::client::Client;
use crate::error::{page_failure, render};
use crate::state::AppState;

pub const SIGN_OUT_EVERYWHERE: &str = "/profile/sign-out-everywhere";

#[derive(Template)]
#[template(path = "sign_out_everywhere.html")]
struct ConfirmPage<'a> {
    page: PageCtx<'a>,
}

/// The signed-in person: what logging out everywhere does, and the button.
pub async fn sign_out_everywhere_form(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
) -> Response {
    let page = PageCtx::new(
        &state,
        &headers,
        &csrf,
        Some(&current.user),
        SIGN_OUT_EVERYWHERE,
        "profile",
    );
    render(&ConfirmPage { page })
}

/// The signed-in person ends every session and token; this browser goes to sign-in.
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    current: PageUser,
    Client(client): Client,
    headers: HeaderMap,
    jar: CookieJar,
) -> Response {
    if let Err(e) = state
        .sigil
        .sign_out_everywhere(&current.user, &client)
        .await
    {
        return page_failure(&state, &headers, e);
    }
    let jar = jar.add(cookies::removal(&state.config, cookies::SESSION));
    (jar, Redirect::to("/login?notice=signed_out_everywhere")).into_response()
}
