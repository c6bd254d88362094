//! The OpenID Provider's endpoints. Paths follow the discovery document; the machine
//! endpoints (token, userinfo, introspection, revocation, logout) take no CSRF token
//! and answer cross-origin calls, since applications call them directly.
mod authorize;
mod client_auth;
mod closed;
mod discovery;
mod logout;
mod params;
mod token;
mod userinfo;

use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

pub(crate) use authorize::{application_of, ui_locale};

/// Endpoints only applications call, with their own credentials: they neither read
/// nor set Sigil's cookies, so no form token is made for them.
pub const COOKIELESS_PATHS: [&str; 6] = [
    "/oauth/token",
    "/oauth/userinfo",
    "/oauth/introspect",
    "/oauth/revoke",
    "/oauth/jwks",
    "/.well-known/openid-configuration",
];

/// Paths that applications call from their servers or from scripts on other origins.
pub const MACHINE_PATHS: [&str; 6] = [
    "/oauth/authorize",
    "/oauth/token",
    "/oauth/userinfo",
    "/oauth/introspect",
    "/oauth/revoke",
    "/oauth/end_session",
];

pub fn routes() -> Router<AppState> {
    let machine = Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(discovery::configuration),
        )
        .route("/oauth/jwks", get(discovery::jwks))
        .route("/oauth/token", post(token::token))
        .route(
            "/oauth/userinfo",
            get(userinfo::userinfo).post(userinfo::userinfo_post),
        )
        .route("/oauth/introspect", post(token::introspect))
        .route("/oauth/revoke", post(token::revoke))
        .route_layer(middleware::from_fn(cors));
    Router::new()
        .merge(machine)
        .route(
            "/oauth/authorize",
            get(authorize::start).post(authorize::start_post),
        )
        .route("/oauth/consent", post(authorize::answer))
        .route(
            "/oauth/end_session",
            get(logout::end_session).post(logout::end_session_post),
        )
        .route("/oauth/end_session/confirm", post(logout::confirm))
}

/// CORS for the endpoints browser-based applications call
/// ([OAuth 2.0 for Browser-Based Apps §6](https://datatracker.ietf.org/doc/html/draft-ietf-oauth-browser-based-apps)).
/// No cookies are involved, so any origin may call.
async fn cors(request: Request, next: Next) -> Response {
    if request.method() == Method::OPTIONS {
        let mut r = StatusCode::NO_CONTENT.into_response();
        let h = r.headers_mut();
        h.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST"),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("Authorization, Content-Type, DPoP"),
        );
        h.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
        return r;
    }
    let mut response = next.run(request).await;
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// `Cache-Control: no-store` and `Pragma: no-cache`, for responses carrying tokens
/// ([RFC 6749 §5.1](https://www.rfc-editor.org/rfc/rfc6749#section-5.1)).
pub(crate) fn no_store(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}
