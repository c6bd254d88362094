//! `/api/v1/admin/apps/{client_id}/invitations` and `/api/v1/admin/invitations/{id}`:
//! operators invite addresses to a closed application, list and revoke invitations.
//! No answer ever holds an invitation's token: it travels only inside the mail.
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use sigil_core::invitation::Invitation;
use sigil_core::services::{InviteRequest, InviteResult};
use sigil_core::CoreError;
use time::format_description::well_known::Rfc3339;

use super::admin::operator;
use super::bad_request;
use crate::auth::ApiUser;
use crate::client::Client;
use crate::error::{code_of, message_of, ApiError, ApiPath};
use crate::i18n::{negotiate_headers, Tr};
use crate::state::AppState;

/// An invitation as the admin API and the command line show it (never its token).
pub fn invitation_json(i: &Invitation) -> Value {
    let at = |t: time::OffsetDateTime| t.format(&Rfc3339).unwrap_or_default();
    json!({
        "id": i.id,
        "client_id": i.client_id.0,
        "email": i.email.as_str(),
        "status": i.status.as_str(),
        "created_at": at(i.created_at),
        "expires_at": at(i.expires_at),
        "decided_at": i.decided_at.map(at),
        "locale": i.locale.map(|l| l.tag()),
    })
}

/// One address's result of a bulk invitation: the invitation, or why not (`code` and
/// `message` in `tr`'s language); `skipped` says it was left out on purpose (a repeat
/// of an earlier address, or a person who holds access already), not refused.
pub fn result_json(tr: Tr<'_>, r: &InviteResult) -> Value {
    match &r.outcome {
        Ok(invited) => json!({
            "email": r.address,
            "ok": true,
            "replaced": invited.replaced,
            "invitation": invitation_json(&invited.invitation),
        }),
        Err(e) => {
            let (code, message) = match e {
                CoreError::Invalid(list) => list.first().map_or_else(
                    || (code_of(e).to_owned(), message_of(tr, e)),
                    |f| (f.kind.code().to_owned(), tr.error_on(f)),
                ),
                e => (code_of(e).to_owned(), message_of(tr, e)),
            };
            let skipped = matches!(e, CoreError::Invitation(i) if i.is_skip());
            json!({
                "email": r.address,
                "ok": false,
                "skipped": skipped,
                "error": { "code": code, "message": message },
            })
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InviteBody {
    emails: Vec<String>,
    expires_days: Option<i64>,
}

/// Operators. Invites each address; answers 200 with one result per address, in the
/// order given (valid addresses are invited even when others are refused).
pub async fn create(
    State(state): State<AppState>,
    me: ApiUser,
    headers: HeaderMap,
    Client(client): Client,
    ApiPath(client_id): ApiPath<String>,
    body: Result<Json<InviteBody>, JsonRejection>,
) -> Response {
    if let Err(r) = operator(&state, &me, &headers) {
        return *r;
    }
    let locale = negotiate_headers(&headers, &state.config, Some(&me.user));
    let Json(body) = match body {
        Ok(b) => b,
        Err(rejection) => return bad_request(&state, locale, rejection),
    };
    let request = InviteRequest {
        client_id,
        emails: body.emails,
        expires_days: body.expires_days,
        inviter: state.config.policy.operator.organisation.clone(),
        operator: Some(me.user.id),
    };
    match state.sigil.invite(&request, &client).await {
        Ok(results) => {
            let tr = Tr::new(&state.i18n, locale);
            let list: Vec<Value> = results.iter().map(|r| result_json(tr, r)).collect();
            let invited = results.iter().filter(|r| r.outcome.is_ok()).count();
            Json(json!({ "invited": invited, "results": list })).into_response()
        }
        Err(e) => ApiError::new(&state, locale, e).into_response(),
    }
}

/// Operators. Every invitation to the application, newest first.
pub async fn list(
    State(state): State<AppState>,
    me: ApiUser,
    headers: HeaderMap,
    ApiPath(client_id): ApiPath<String>,
) -> Response {
    if let Err(r) = operator(&state, &me, &headers) {
        return *r;
    }
    match state.sigil.list_invitations(&client_id).await {
        Ok(list) => Json(json!({
            "invitations": list.iter().map(invitation_json).collect::<Vec<_>>()
        }))
        .into_response(),
        Err(e) => {
            let locale = negotiate_headers(&headers, &state.config, Some(&me.user));
            ApiError::new(&state, locale, e).into_response()
        }
    }
}

/// Operators. Withdraws a pending invitation; answers it as it is now.
pub async fn revoke(
    State(state): State<AppState>,
    me: ApiUser,
    headers: HeaderMap,
    Client(client): Client,
    ApiPath(id): ApiPath<String>,
) -> Response {
    if let Err(r) = operator(&state, &me, &headers) {
        return *r;
    }
    match state
        .sigil
        .revoke_invitation(&id, Some(me.user.id), &client)
        .await
    {
        Ok(revoked) => (StatusCode::OK, Json(invitation_json(&revoked))).into_response(),
        Err(e) => {
            let locale = negotiate_headers(&headers, &state.config, Some(&me.user));
            ApiError::new(&state, locale, e).into_response()
        }
    }
}
