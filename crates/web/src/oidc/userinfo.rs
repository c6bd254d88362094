//! `GET`/`POST /oauth/userinfo` with a bearer token ([RFC 6750](https://www.rfc-editor.org/rfc/rfc6750)).
use std::collections::HashMap;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use sigil_core::services::oidc::BearerError;
use sigil_core::CoreError;

use super::no_store;
use crate::error::Unreadable;
use crate::state::AppState;

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

fn refuse(status: StatusCode, challenge: &str) -> Response {
    let mut r = status.into_response();
    if let Ok(v) = challenge.parse() {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    r
}

async fn answer(state: &AppState, token: Option<String>) -> Response {
    let Some(token) = token else {
        return refuse(StatusCode::UNAUTHORIZED, "Bearer realm=\"sigil\"");
    };
    match state.sigil.userinfo(&token).await {
        Ok(claims) => no_store(Json(claims).into_response()),
        Err(BearerError::InvalidToken) => refuse(
            StatusCode::UNAUTHORIZED,
            "Bearer realm=\"sigil\", error=\"invalid_token\"",
        ),
        Err(BearerError::InsufficientScope) => refuse(
            StatusCode::FORBIDDEN,
            "Bearer realm=\"sigil\", error=\"insufficient_scope\", scope=\"openid\"",
        ),
        // Not a problem with the token: no challenge (RFC 6750 §3), the same JSON
        // error as the token endpoint's.
        Err(BearerError::Core(CoreError::Unavailable(e))) => {
            tracing::warn!(error = %format!("{e:#}"), "userinfo: database unavailable");
            super::token::unavailable()
        }
        Err(BearerError::Core(e)) => {
            tracing::error!(error = ?e, "userinfo");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// An application holding an access token with the `openid` scope.
pub async fn userinfo(State(state): State<AppState>, headers: HeaderMap) -> Response {
    answer(&state, bearer(&headers)).await
}

/// The same, with the token in the header or the form body (RFC 6750 §2.2).
pub async fn userinfo_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<HashMap<String, String>>, axum::extract::rejection::FormRejection>,
) -> Response {
    let from_body = match form {
        Ok(Form(f)) => f.get("access_token").cloned(),
        // In JSON like the token endpoint's answer, with the challenge RFC 6750 §3 asks for.
        Err(rejection) if Unreadable::from_status(rejection.status()) == Unreadable::TooLarge => {
            let mut r = super::token::unreadable(Unreadable::TooLarge);
            if let Ok(v) = "Bearer realm=\"sigil\", error=\"invalid_request\"".parse() {
                r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
            }
            return r;
        }
        // No form body: the token may come in the header.
        Err(_) => None,
    };
    let token = match (bearer(&headers), from_body) {
        (Some(_), Some(_)) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "Bearer realm=\"sigil\", error=\"invalid_request\"",
            )
        }
        (a, b) => a.or(b),
    };
    answer(&state, token).await
}
