//! `POST /oauth/token`, `/oauth/introspect` and `/oauth/revoke`: called by applications.
use std::collections::HashMap;

use axum::extract::rejection::FormRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde_json::json;
use sigil_core::services::oidc::{TokenError, TokenRequest};

use super::client_auth::client_auth;
use super::no_store;
use crate::state::AppState;

fn error(status: StatusCode, code: &str, description: &str, basic: bool) -> Response {
    let mut r = (
        status,
        Json(json!({ "error": code, "error_description": description })),
    )
        .into_response();
    if status == StatusCode::UNAUTHORIZED && basic {
        if let Ok(v) = "Basic realm=\"sigil\"".parse() {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
    }
    no_store(r)
}

/// Maps RFC 6749 §5.2 errors to responses.
fn token_error(e: TokenError, basic: bool) -> Response {
    match e {
        TokenError::InvalidRequest(d) => {
            error(StatusCode::BAD_REQUEST, "invalid_request", d, basic)
        }
        TokenError::InvalidClient => error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client authentication failed",
            basic,
        ),
        TokenError::InvalidGrant(d) => error(StatusCode::BAD_REQUEST, "invalid_grant", d, basic),
        TokenError::UnauthorizedClient => error(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            "this client may not use this grant",
            basic,
        ),
        TokenError::UnsupportedGrantType => error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "unsupported grant_type",
            basic,
        ),
        TokenError::InvalidScope => error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "scope not allowed",
            basic,
        ),
        TokenError::Core(e) => {
            tracing::error!(error = ?e, "token endpoint");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "unexpected error",
                basic,
            )
        }
    }
}

type FormBody = Result<Form<HashMap<String, String>>, FormRejection>;

fn read(form: FormBody) -> Result<HashMap<String, String>, Box<Response>> {
    form.map(|Form(f)| f).map_err(|_| {
        Box::new(error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "expected a form-encoded body",
            false,
        ))
    })
}

/// Applications exchange codes and refresh tokens, or get their own tokens.
pub async fn token(State(state): State<AppState>, headers: HeaderMap, form: FormBody) -> Response {
    let form = match read(form) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let Some((auth, basic)) = client_auth(&headers, &form) else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "use exactly one client authentication method",
            false,
        );
    };
    let request = TokenRequest {
        grant_type: form.get("grant_type").cloned(),
        code: form.get("code").cloned(),
        redirect_uri: form.get("redirect_uri").cloned(),
        code_verifier: form.get("code_verifier").cloned(),
        refresh_token: form.get("refresh_token").cloned(),
        scope: form.get("scope").cloned(),
    };
    match state.sigil.token(auth, request).await {
        Ok(body) => no_store(Json(body).into_response()),
        Err(e) => token_error(e, basic),
    }
}

/// An application asks whether one of its tokens is active.
pub async fn introspect(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: FormBody,
) -> Response {
    let form = match read(form) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let Some((auth, basic)) = client_auth(&headers, &form) else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "use exactly one client authentication method",
            false,
        );
    };
    let Some(token) = form.get("token") else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "token is required",
            basic,
        );
    };
    match state.sigil.introspect(&auth, token).await {
        Ok(body) => no_store(Json(body).into_response()),
        Err(e) => token_error(e, basic),
    }
}

/// An application gives up one of its tokens.
pub async fn revoke(State(state): State<AppState>, headers: HeaderMap, form: FormBody) -> Response {
    let form = match read(form) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let Some((auth, basic)) = client_auth(&headers, &form) else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "use exactly one client authentication method",
            false,
        );
    };
    let Some(token) = form.get("token") else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "token is required",
            basic,
        );
    };
    match state.sigil.revoke(&auth, token).await {
        Ok(()) => no_store(StatusCode::OK.into_response()),
        Err(e) => token_error(e, basic),
    }
}
