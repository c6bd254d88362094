//! The JSON API for the person's own account, sharing the services with the pages.
//! Authorised by the session cookie now; bearer tokens join with OpenID Connect.
pub mod admin;
pub mod admin_access;
mod catalog;
mod identifiers;
pub mod invitations;
mod me;
mod privacy;

use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use sigil_core::locale::Locale;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me", get(me::show).patch(me::update))
        .route("/me/password", post(me::change_password))
        .route("/me/events", get(me::events))
        .route("/me/privacy", get(privacy::show).patch(privacy::update))
        .route("/me/identifiers", get(identifiers::list))
        .route(
            "/me/identifiers/{id}",
            axum::routing::delete(identifiers::remove),
        )
        .route("/me/catalog", get(catalog::catalog))
        .route("/me/favorites", get(catalog::favorites))
        .route(
            "/me/favorites/{client_id}",
            axum::routing::put(catalog::add).delete(catalog::remove),
        )
        .route("/admin/apps", get(admin::list).post(admin::create))
        .route(
            "/admin/apps/{client_id}",
            get(admin::show).patch(admin::update).delete(admin::delete),
        )
        .route(
            "/admin/apps/{client_id}/access",
            get(admin_access::list).post(admin_access::grant),
        )
        .route(
            "/admin/apps/{client_id}/access/{user}",
            axum::routing::delete(admin_access::revoke),
        )
        .route(
            "/admin/apps/{client_id}/invitations",
            get(invitations::list).post(invitations::create),
        )
        .route(
            "/admin/invitations/{id}",
            axum::routing::delete(invitations::revoke),
        )
        .fallback(no_such_endpoint)
        .method_not_allowed_fallback(no_such_method)
}

/// Anyone: a method an endpoint does not take is a JSON error too (405; axum keeps the
/// `Allow` header).
async fn no_such_method(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let locale = crate::i18n::negotiate_headers(&headers, &state.config, None);
    crate::error::api_refusal(
        &state,
        locale,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "error-method_not_allowed",
    )
}

/// Anyone: a path under the API that names no endpoint is a JSON error like every
/// other API answer, so that clients can read it (the console keeps its own 404).
pub(crate) async fn no_such_endpoint(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Response {
    let locale = crate::i18n::negotiate_headers(&headers, &state.config, None);
    crate::error::api_refusal(
        &state,
        locale,
        StatusCode::NOT_FOUND,
        "not_found",
        "error-no_such_endpoint",
    )
}

/// A body that is not JSON of the expected shape: 400 with a stable code, translated
/// (413 over the size limit, 415 without the JSON content type).
pub(crate) fn bad_request(state: &AppState, locale: Locale, rejection: JsonRejection) -> Response {
    crate::error::api_unreadable(
        state,
        locale,
        crate::error::Unreadable::from_status(rejection.status()),
    )
}
