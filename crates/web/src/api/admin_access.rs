//! `/api/v1/admin/apps/{client_id}/access`: operators grant, list and take away access
//! to closed applications (the same use cases as `sigil access …`).
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use sigil_core::services::{AccessGranted, AccessHolder, AccessRevoked, OperatorAct};
use time::format_description::well_known::Rfc3339;

use super::admin::operator;
use super::bad_request;
use crate::auth::ApiUser;
use crate::client::Client;
use crate::error::{ApiError, ApiPath};
use crate::i18n::negotiate_headers;
use crate::state::AppState;

/// One person holding access, as the admin API and the command line show it.
pub fn holder_json(h: &AccessHolder) -> Value {
    json!({
        "user_id": h.access.user_id.to_string(),
        "login": h.login,
        "email": h.email,
        "source": h.access.source.as_str(),
        "invitation_id": h.access.invitation_id,
        "granted_at": h.access.granted_at.format(&Rfc3339).unwrap_or_default(),
    })
}

/// A grant's outcome: `granted` false with `already` true when it was held before.
pub fn granted_json(g: &AccessGranted) -> Value {
    json!({
        "client_id": g.client_id.0,
        "user_id": g.user_id.to_string(),
        "granted": g.newly,
        "already": !g.newly,
    })
}

pub fn revoked_json(r: &AccessRevoked) -> Value {
    json!({
        "client_id": r.client_id.0,
        "user_id": r.user_id.to_string(),
        "revoked": true,
        "grants_ended": r.grants_ended,
    })
}

/// Operators. Who holds access, oldest grant first.
pub async fn list(
    State(state): State<AppState>,
    me: ApiUser,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> Response {
    if let Err(r) = operator(&state, &me, &headers) {
        return *r;
    }
    match state.sigil.list_access_of_app(&id).await {
        Ok(holders) => Json(json!({
            "client_id": id,
            "access": holders.iter().map(holder_json).collect::<Vec<_>>(),
        }))
        .into_response(),
        Err(e) => ApiError::new(
            &state,
            negotiate_headers(&headers, &state.config, Some(&me.user)),
            e,
        )
        .into_response(),
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantBody {
    /// The account's id, login or verified email address.
    user: String,
}

/// Operators. 201 when access is granted now, 200 (`already`) when it was held.
pub async fn grant(
    State(state): State<AppState>,
    me: ApiUser,
    Client(client): Client,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: Result<Json<GrantBody>, JsonRejection>,
) -> Response {
    if let Err(r) = operator(&state, &me, &headers) {
        return *r;
    }
    let locale = negotiate_headers(&headers, &state.config, Some(&me.user));
    let Json(body) = match body {
        Ok(b) => b,
        Err(rejection) => return bad_request(&state, locale, rejection),
    };
    let by = OperatorAct::api(me.user.id, client);
    match state
        .sigil
        .grant_access_by_operator(&id, &body.user, &by)
        .await
    {
        Ok(g) if g.newly => (StatusCode::CREATED, Json(granted_json(&g))).into_response(),
        Ok(g) => Json(granted_json(&g)).into_response(),
        Err(e) => ApiError::new(&state, locale, e).into_response(),
    }
}

/// Operators. Takes the person's access away and ends what the application holds for
/// them at once.
pub async fn revoke(
    State(state): State<AppState>,
    me: ApiUser,
    Client(client): Client,
    headers: HeaderMap,
    ApiPath((id, user)): ApiPath<(String, String)>,
) -> Response {
    if let Err(r) = operator(&state, &me, &headers) {
        return *r;
    }
    let locale = negotiate_headers(&headers, &state.config, Some(&me.user));
    let by = OperatorAct::api(me.user.id, client);
    match state.sigil.revoke_access_by_operator(&id, &user, &by).await {
        Ok(r) => Json(revoked_json(&r)).into_response(),
        Err(e) => ApiError::new(&state, locale, e).into_response(),
    }
}
