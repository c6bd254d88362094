//! `/api/v1/me/identifiers`: the person's linked identifiers, and unlinking one.
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;

use crate::auth::ApiUser;
use crate::client::Client;
use crate::error::ApiError;
use crate::error::ApiPath;
use crate::i18n::negotiate_headers;
use crate::state::AppState;

/// `{"identifiers": [{"id", "provider", "provider_name", "subject", "email", "name",
/// "has_avatar", "privacy", "linked_at"}]}`, oldest link first.
pub async fn list(State(state): State<AppState>, me: ApiUser, headers: HeaderMap) -> Response {
    let locale = negotiate_headers(&headers, &state.config, Some(&me.user));
    let identifiers = match state.sigil.identifiers(&me.user).await {
        Ok(list) => list,
        Err(e) => return ApiError::new(&state, locale, e).into_response(),
    };
    let list: Vec<Value> = identifiers
        .iter()
        .map(|i| {
            json!({
                "id": i.id,
                "provider": i.provider,
                "provider_name": state.sigil.provider(&i.provider).map(|p| p.name.as_str()),
                "subject": i.subject,
                "email": i.email,
                "name": i.name,
                "has_avatar": i.has_avatar,
                "privacy": state.sigil.identifier_privacy(i).as_str(),
                "linked_at": i.linked_at.format(&Rfc3339).unwrap_or_default(),
            })
        })
        .collect();
    Json(json!({ "identifiers": list })).into_response()
}

/// Unlinks one identifier: 204, or 404 if it is not the person's.
pub async fn remove(
    State(state): State<AppState>,
    me: ApiUser,
    Client(client): Client,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> Response {
    let locale = negotiate_headers(&headers, &state.config, Some(&me.user));
    match state.sigil.remove_identifier(&me.user, &id, &client).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => ApiError::new(&state, locale, e).into_response(),
    }
}
