//! The JSON API for the person's own account, sharing the services with the pages.
//! Authorised by the session cookie now; bearer tokens join with OpenID Connect.
pub mod admin;
mod identifiers;
mod me;
mod privacy;

use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use sigil_core::locale::Locale;

use crate::i18n::Tr;
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
        .route("/admin/apps", get(admin::list).post(admin::create))
        .route(
            "/admin/apps/{client_id}",
            get(admin::show).delete(admin::delete),
        )
}

/// A body that is not JSON of the expected shape: 400 with a stable code, translated.
pub(crate) fn bad_request(state: &AppState, locale: Locale, rejection: JsonRejection) -> Response {
    let t = Tr::new(&state.i18n, locale);
    let status = match rejection {
        JsonRejection::MissingJsonContentType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        _ => StatusCode::BAD_REQUEST,
    };
    let body = json!({ "error": {
        "code": "invalid_request",
        "message": t.t("error-invalid_request"),
        "fields": [],
    }});
    (status, Json(body)).into_response()
}
