//! `/api/v1/me`: the signed-in person's account.
use std::collections::BTreeMap;

use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use serde_json::{json, Value};
use sigil_core::event::EventCategory;
use sigil_core::fields::FieldKind;
use sigil_core::locale::Locale;
use sigil_core::services::Profile;
use sigil_core::CoreError;
use time::format_description::well_known::Rfc3339;

use super::bad_request;
use crate::auth::{cookies, ApiUser};
use crate::client::Client;
use crate::error::{ApiError, ApiQuery};
use crate::i18n::negotiate_headers;
use crate::state::AppState;

fn profile_json(state: &AppState, profile: &Profile) -> Value {
    let catalogue = state.sigil.settings().catalogue.fields();
    let fields: BTreeMap<&str, Option<&str>> = catalogue
        .iter()
        .filter(|f| f.kind != FieldKind::Login)
        .map(|f| (f.key.as_str(), profile.value(f)))
        .collect();
    let rules: Vec<Value> = catalogue
        .iter()
        .map(|f| json!({ "key": f.key, "block": f.block, "kind": f.kind, "mandatory": f.mandatory, "editable": f.editable }))
        .collect();
    let user = &profile.user;
    json!({
        "id": user.id,
        "login": user.login,
        "email": user.email,
        "email_verified": user.email_verified,
        "phone": user.phone,
        "locale": user.locale,
        "created_at": user.created_at.format(&Rfc3339).unwrap_or_default(),
        "fields": fields,
        "missing_fields": profile.missing_fields,
        "catalogue": rules,
    })
}

/// The signed-in person: their account and profile.
pub async fn show(State(state): State<AppState>, me: ApiUser, headers: HeaderMap) -> Response {
    let locale = negotiate_headers(&headers, &state.config, Some(&me.user));
    match state.sigil.profile(&me.user).await {
        Ok(profile) => Json(profile_json(&state, &profile)).into_response(),
        Err(e) => ApiError::new(&state, locale, e).into_response(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateBody {
    /// Field key to new value; `null` or `""` clears. `login` is one of the keys.
    #[serde(default)]
    fields: BTreeMap<String, Option<String>>,
    locale: Option<String>,
}

/// The signed-in person changes fields (all or nothing) and/or their language.
pub async fn update(
    State(state): State<AppState>,
    me: ApiUser,
    Client(client): Client,
    headers: HeaderMap,
    body: Result<Json<UpdateBody>, JsonRejection>,
) -> Response {
    let locale = negotiate_headers(&headers, &state.config, Some(&me.user));
    let Json(body) = match body {
        Ok(b) => b,
        Err(rejection) => return bad_request(&state, locale, rejection),
    };
    let new_locale = match body.locale.as_deref().map(Locale::parse) {
        Some(None) => {
            let e = CoreError::field("locale", sigil_core::FieldErrorKind::Unknown);
            return ApiError::new(&state, locale, e).into_response();
        }
        Some(Some(l)) => Some(l),
        None => None,
    };
    let changes: Vec<(String, String)> = body
        .fields
        .into_iter()
        .map(|(k, v)| (k, v.unwrap_or_default()))
        .collect();
    let result = async {
        let mut profile = state
            .sigil
            .update_profile(&me.user, &changes, &client)
            .await?;
        if let Some(l) = new_locale {
            state.sigil.set_locale(&profile.user, l, &client).await?;
            profile = state.sigil.profile(&me.user).await?;
        }
        Ok::<_, CoreError>(profile)
    }
    .await;
    match result {
        Ok(profile) => Json(profile_json(&state, &profile)).into_response(),
        Err(e) => ApiError::new(&state, new_locale.unwrap_or(locale), e).into_response(),
    }
}

#[derive(Deserialize)]
pub struct PasswordBody {
    current_password: String,
    new_password: String,
    /// Identifiers to remove with the change (`GET /me/identifiers` lists them).
    #[serde(default)]
    remove_identifiers: Vec<String>,
}

/// The signed-in person. On success every session ends (204 and the cookie removed).
pub async fn change_password(
    State(state): State<AppState>,
    me: ApiUser,
    Client(client): Client,
    headers: HeaderMap,
    jar: CookieJar,
    body: Result<Json<PasswordBody>, JsonRejection>,
) -> Response {
    let locale = negotiate_headers(&headers, &state.config, Some(&me.user));
    let Json(body) = match body {
        Ok(b) => b,
        Err(rejection) => return bad_request(&state, locale, rejection),
    };
    match state
        .sigil
        .change_password(
            &me.user,
            &body.current_password,
            &body.new_password,
            &body.remove_identifiers,
            &client,
        )
        .await
    {
        Ok(()) => {
            let jar = jar.add(cookies::removal(&state.config, cookies::SESSION));
            (StatusCode::NO_CONTENT, jar).into_response()
        }
        Err(e) => ApiError::new(&state, locale, e).into_response(),
    }
}

#[derive(Deserialize)]
pub struct EventsQuery {
    before: Option<i64>,
    limit: Option<i64>,
    /// One category's events only (its stored name); an unknown name filters nothing.
    category: Option<String>,
}

/// The signed-in person's activity log, newest first; `next_before` pages on.
pub async fn events(
    State(state): State<AppState>,
    me: ApiUser,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<EventsQuery>,
) -> Response {
    let locale = negotiate_headers(&headers, &state.config, Some(&me.user));
    match state
        .sigil
        .events(
            &me.user,
            q.category.as_deref().and_then(EventCategory::parse),
            q.before,
            q.limit.unwrap_or(20),
        )
        .await
    {
        Ok(page) => {
            let events: Vec<Value> = page
                .events
                .iter()
                .map(|e| {
                    json!({
                        "id": e.id,
                        "category": e.category,
                        "at": e.at.format(&Rfc3339).unwrap_or_default(),
                        "user_id": e.user_id,
                        "client_id": e.client_id,
                        "client_name": e.client_name,
                        "device": e.client.device,
                        "browser": e.client.browser,
                        "os": e.client.os,
                        "ip": e.client.ip,
                        "details": e.details,
                    })
                })
                .collect();
            Json(json!({ "events": events, "next_before": page.next_before })).into_response()
        }
        Err(e) => ApiError::new(&state, locale, e).into_response(),
    }
}
