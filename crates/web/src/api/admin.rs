//! `/api/v1/admin/apps`: operators manage applications.
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use sigil_core::oidc::application::{AppInput, Application, BackchannelChange};
use sigil_core::CoreError;
use time::format_description::well_known::Rfc3339;

use super::bad_request;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::error::ApiPath;
use crate::i18n::negotiate_headers;
use crate::state::AppState;

/// An application as the admin API and the command line show it (never its secret).
pub fn app_json(app: &Application) -> Value {
    json!({
        "client_id": app.client_id.0,
        "name": app.name,
        "description": app.description,
        "type": app.app_type.as_str(),
        "confidential": app.secret_hash.is_some(),
        "logo_url": app.logo_url,
        "home_url": app.home_url,
        "redirect_uris": app.redirect_uris,
        "post_logout_redirect_uris": app.post_logout_redirect_uris,
        "grant_types": app.grant_types.iter().map(|g| g.as_str()).collect::<Vec<_>>(),
        "scopes": app.scopes.to_string(),
        "access_token_ttl": app.access_token_ttl.whole_seconds(),
        "id_token_ttl": app.id_token_ttl.whole_seconds(),
        "refresh_token_ttl": app.refresh_token_ttl.whole_seconds(),
        "signing_alg": app.signing_alg.as_str(),
        "closed": app.closed,
        "in_catalog": app.in_catalog,
        "allow_no_pkce": app.allow_no_pkce,
        "backchannel_logout_uri": app.backchannel_logout_uri,
        "backchannel_logout_session_required": app.backchannel_logout_session_required,
        "created_at": app.created_at.format(&Rfc3339).unwrap_or_default(),
    })
}

/// Lets operators through; anyone else gets the API's 403.
pub(super) fn operator(
    state: &AppState,
    me: &ApiUser,
    headers: &HeaderMap,
) -> Result<(), Box<Response>> {
    if me.user.is_operator {
        Ok(())
    } else {
        let locale = negotiate_headers(headers, &state.config, Some(&me.user));
        Err(Box::new(
            ApiError::new(state, locale, CoreError::Forbidden).into_response(),
        ))
    }
}

/// Operators.
pub async fn list(State(state): State<AppState>, me: ApiUser, headers: HeaderMap) -> Response {
    if let Err(r) = operator(&state, &me, &headers) {
        return *r;
    }
    match state.sigil.list_apps().await {
        Ok(apps) => {
            Json(json!({ "apps": apps.iter().map(app_json).collect::<Vec<_>>() })).into_response()
        }
        Err(e) => ApiError::new(
            &state,
            negotiate_headers(&headers, &state.config, Some(&me.user)),
            e,
        )
        .into_response(),
    }
}

/// Operators. Answers 201 with the client secret, which is shown only this once.
pub async fn create(
    State(state): State<AppState>,
    me: ApiUser,
    headers: HeaderMap,
    body: Result<Json<AppInput>, JsonRejection>,
) -> Response {
    if let Err(r) = operator(&state, &me, &headers) {
        return *r;
    }
    let locale = negotiate_headers(&headers, &state.config, Some(&me.user));
    let Json(input) = match body {
        Ok(b) => b,
        Err(rejection) => return bad_request(&state, locale, rejection),
    };
    match state.sigil.create_app(&input).await {
        Ok(created) => {
            let mut body = app_json(&created.app);
            body["client_secret"] = json!(created.client_secret);
            (StatusCode::CREATED, Json(body)).into_response()
        }
        Err(e) => ApiError::new(&state, locale, e).into_response(),
    }
}

/// Operators.
pub async fn show(
    State(state): State<AppState>,
    me: ApiUser,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> Response {
    if let Err(r) = operator(&state, &me, &headers) {
        return *r;
    }
    match state.sigil.find_app(&id).await {
        Ok(app) => Json(app_json(&app)).into_response(),
        Err(e) => ApiError::new(
            &state,
            negotiate_headers(&headers, &state.config, Some(&me.user)),
            e,
        )
        .into_response(),
    }
}

/// What the operator may change after registration; a field left out stays as it is,
/// any other field is refused.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppPatch {
    /// `""` removes it.
    backchannel_logout_uri: Option<String>,
    backchannel_logout_session_required: Option<bool>,
    /// Invitation only: only people holding access sign in.
    closed: Option<bool>,
    in_catalog: Option<bool>,
}

/// Operators. Changes what can be changed after registration: the back-channel logout
/// URI (`""` removes it) and whether it needs `sid`, whether the application is closed
/// and whether it is in the catalog.
pub async fn update(
    State(state): State<AppState>,
    me: ApiUser,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: Result<Json<AppPatch>, JsonRejection>,
) -> Response {
    if let Err(r) = operator(&state, &me, &headers) {
        return *r;
    }
    let locale = negotiate_headers(&headers, &state.config, Some(&me.user));
    let Json(patch) = match body {
        Ok(b) => b,
        Err(rejection) => return bad_request(&state, locale, rejection),
    };
    let backchannel = BackchannelChange {
        backchannel_logout_uri: patch.backchannel_logout_uri,
        backchannel_logout_session_required: patch.backchannel_logout_session_required,
    };
    match state
        .sigil
        .update_app(&id, &backchannel, patch.closed, patch.in_catalog)
        .await
    {
        Ok(app) => Json(app_json(&app)).into_response(),
        Err(e) => ApiError::new(&state, locale, e).into_response(),
    }
}

/// Operators. Removes the application with every consent and token it holds.
pub async fn delete(
    State(state): State<AppState>,
    me: ApiUser,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> Response {
    if let Err(r) = operator(&state, &me, &headers) {
        return *r;
    }
    match state.sigil.delete_app(&id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => ApiError::new(
            &state,
            negotiate_headers(&headers, &state.config, Some(&me.user)),
            e,
        )
        .into_response(),
    }
}
