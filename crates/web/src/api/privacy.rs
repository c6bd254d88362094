//! `/api/v1/me/privacy`: the level of every field and the Private profile switch.
use std::collections::BTreeMap;

use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use super::bad_request;
use crate::auth::ApiUser;
use crate::client::Client;
use crate::error::ApiError;
use crate::i18n::negotiate_headers;
use crate::state::AppState;

/// The signed-in person: `{"fields": {"email": "on_request", …}, "profile_private": false}`.
pub async fn show(State(state): State<AppState>, me: ApiUser, headers: HeaderMap) -> Response {
    let locale = negotiate_headers(&headers, &state.config, Some(&me.user));
    match state.sigil.privacy(&me.user).await {
        Ok(view) => {
            let fields: BTreeMap<&str, &str> = view
                .levels
                .iter()
                .map(|(k, l)| (k.as_str(), l.as_str()))
                .collect();
            Json(json!({ "fields": fields, "profile_private": view.profile_private }))
                .into_response()
        }
        Err(e) => ApiError::new(&state, locale, e).into_response(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivacyBody {
    #[serde(default)]
    fields: BTreeMap<String, String>,
    profile_private: Option<bool>,
}

/// The signed-in person changes levels and/or the switch, all or nothing (204).
pub async fn update(
    State(state): State<AppState>,
    me: ApiUser,
    Client(client): Client,
    headers: HeaderMap,
    body: Result<Json<PrivacyBody>, JsonRejection>,
) -> Response {
    let locale = negotiate_headers(&headers, &state.config, Some(&me.user));
    let Json(body) = match body {
        Ok(b) => b,
        Err(rejection) => return bad_request(&state, locale, rejection),
    };
    match state
        .sigil
        .update_privacy(&me.user, &body.fields, body.profile_private, &client)
        .await
    {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => ApiError::new(&state, locale, e).into_response(),
    }
}
