//! Extractors for the signed-in person. Pages send strangers to the sign-in page;
//! the API answers 401 in JSON.
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use sigil_core::session::Session;
use sigil_core::token::SecretToken;
use sigil_core::user::User;
use sigil_core::CoreError;

use super::cookies;
use crate::error::ApiError;
use crate::state::AppState;

async fn current(
    headers: &HeaderMap,
    state: &AppState,
) -> Result<Option<(Session, User)>, CoreError> {
    let jar = CookieJar::from_headers(headers);
    let name = cookies::name(&state.config, cookies::SESSION);
    let Some(token) = jar
        .get(&name)
        .and_then(|c| SecretToken::from_client(c.value()))
    else {
        return Ok(None);
    };
    match state.sigil.authenticate(&token).await {
        Ok(found) => Ok(Some(found)),
        Err(CoreError::Unauthenticated) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The person signed in with the request's session cookie, if any; a failure to look
/// them up counts as no one (for pages that only show who is there, such as errors).
pub async fn signed_in(state: &AppState, headers: &HeaderMap) -> Option<User> {
    match current(headers, state).await {
        Ok(found) => found.map(|(_, user)| user),
        Err(e) => {
            tracing::warn!(error = ?e, "looking up the session for an error page");
            None
        }
    }
}

/// A signed-in person on a console page.
pub struct PageUser {
    pub session: Session,
    pub user: User,
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match current(&parts.headers, state).await {
            Ok(Some((session, user))) => {
                crate::console::shell::load(state, &user).await;
                Ok(Self { session, user })
            }
            Ok(None) => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/profile");
                let query = serde_urlencoded_next(next);
                Err(Redirect::to(&format!("/login?{query}")).into_response())
            }
            Err(e) => Err(crate::error::page_failure(state, &parts.headers, e)),
        }
    }
}

fn serde_urlencoded_next(next: &str) -> String {
    let mut out = String::from("next=");
    for b in next.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The person if signed in; pages such as sign-in use it to skip the form.
pub struct OptionalUser(pub Option<(Session, User)>);

impl FromRequestParts<AppState> for OptionalUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        current(&parts.headers, state)
            .await
            .map(OptionalUser)
            .map_err(|e| crate::error::page_failure(state, &parts.headers, e))
    }
}

/// A signed-in person calling the JSON API. Bearer tokens join in with OpenID Connect.
pub struct ApiUser {
    pub session: Session,
    pub user: User,
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = crate::i18n::negotiated(parts, state, None);
        match current(&parts.headers, state).await {
            Ok(Some((session, user))) => Ok(Self { session, user }),
            Ok(None) => Err(ApiError::new(state, lang, CoreError::Unauthenticated)),
            Err(e) => Err(ApiError::new(state, lang, e)),
        }
    }
}
