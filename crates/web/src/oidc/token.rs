//! `POST /oauth/token`, `/oauth/introspect` and `/oauth/revoke`: called by applications.
use std::collections::HashMap;

use axum::extract::rejection::RawFormRejection;
use axum::extract::{RawForm, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use sigil_core::services::oidc::{ClientAuth, TokenError, TokenRequest};
use sigil_core::CoreError;

use super::client_auth::client_auth;
use super::no_store;
use crate::error::Unreadable;
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

/// A body that could not be read, for every endpoint applications call: RFC 6749 §5.2
/// has no code for size, so `invalid_request` with the HTTP status that says it
/// (RFC 9110 §15.5.14).
pub(super) fn unreadable(why: Unreadable) -> Response {
    let description = match why {
        Unreadable::TooLarge => "the request body is too large",
        Unreadable::WrongType | Unreadable::Malformed => "expected a form-encoded body",
    };
    let status = match why {
        Unreadable::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        Unreadable::WrongType | Unreadable::Malformed => StatusCode::BAD_REQUEST,
    };
    error(status, "invalid_request", description, false)
}

/// The database is unavailable: nothing was issued, and the same request may succeed
/// shortly. 503 with `temporarily_unavailable`, the code RFC 6749 §4.1.2.1 gives the
/// authorization endpoint for the same case (`Retry-After` is added by
/// [`crate::error::retry_after`]). Also the answer of userinfo, introspection and
/// revocation.
pub(super) fn unavailable() -> Response {
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        "temporarily_unavailable",
        "the service is briefly unavailable; try again shortly",
        false,
    )
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
        TokenError::Core(CoreError::Unavailable(e)) => {
            tracing::warn!(error = %format!("{e:#}"), "token endpoint: database unavailable");
            unavailable()
        }
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

type FormBody = Result<RawForm, RawFormRejection>;

/// A client's request: its form, how it authenticated, and whether by Basic.
struct ClientCall {
    form: HashMap<String, String>,
    auth: ClientAuth,
    basic: bool,
}

impl ClientCall {
    fn read(headers: &HeaderMap, form: FormBody) -> Result<Self, Box<Response>> {
        let body = match form {
            Ok(RawForm(body)) => body,
            Err(rejection) => {
                return Err(Box::new(unreadable(Unreadable::from_status(
                    rejection.status(),
                ))))
            }
        };
        // The description names no parameter: it may only hold printable ASCII without
        // `"` or `\` (RFC 6749 §5.2), and the name is the client's.
        let params = super::params::parse(&body);
        if params.repeated {
            return Err(Box::new(error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "a parameter is sent more than once",
                false,
            )));
        }
        let form = params.values;
        let Some((auth, basic)) = client_auth(headers, &form) else {
            return Err(Box::new(error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "use exactly one client authentication method",
                false,
            )));
        };
        Ok(Self { form, auth, basic })
    }

    fn param(&self, name: &str) -> Option<String> {
        self.form.get(name).cloned()
    }

    /// The `token` parameter of introspection and revocation.
    fn token(&self) -> Result<&str, Box<Response>> {
        self.form.get("token").map(String::as_str).ok_or_else(|| {
            Box::new(error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "token is required",
                self.basic,
            ))
        })
    }
}

/// Applications exchange codes and refresh tokens, or get their own tokens.
pub async fn token(State(state): State<AppState>, headers: HeaderMap, form: FormBody) -> Response {
    let call = match ClientCall::read(&headers, form) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let request = TokenRequest {
        grant_type: call.param("grant_type"),
        code: call.param("code"),
        redirect_uri: call.param("redirect_uri"),
        code_verifier: call.param("code_verifier"),
        refresh_token: call.param("refresh_token"),
        scope: call.param("scope"),
    };
    match state.sigil.token(call.auth, request).await {
        Ok(body) => no_store(Json(body).into_response()),
        Err(e) => token_error(e, call.basic),
    }
}

/// An application asks whether one of its tokens is active.
pub async fn introspect(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: FormBody,
) -> Response {
    let call = match ClientCall::read(&headers, form) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let token = match call.token() {
        Ok(t) => t,
        Err(r) => return *r,
    };
    match state.sigil.introspect(&call.auth, token).await {
        Ok(body) => no_store(Json(body).into_response()),
        Err(e) => token_error(e, call.basic),
    }
}

/// An application gives up one of its tokens.
pub async fn revoke(State(state): State<AppState>, headers: HeaderMap, form: FormBody) -> Response {
    let call = match ClientCall::read(&headers, form) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let token = match call.token() {
        Ok(t) => t,
        Err(r) => return *r,
    };
    match state.sigil.revoke(&call.auth, token).await {
        Ok(()) => no_store(StatusCode::OK.into_response()),
        Err(e) => token_error(e, call.basic),
    }
}
