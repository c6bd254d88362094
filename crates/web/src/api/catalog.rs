//! `/api/v1/me/catalog` and `/api/v1/me/favorites`: the application catalog as the
//! person sees it, and their favourites. While the catalog is off, every call answers
//! 404 (`not_found`).
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use sigil_core::catalog::{CatalogEntry, Search};
use sigil_core::locale::Locale;
use sigil_core::CoreError;
use time::format_description::well_known::Rfc3339;

use crate::auth::ApiUser;
use crate::client::Client;
use crate::console::group_heading;
use crate::error::{api_refusal, ApiError, ApiPath, ApiQuery};
use crate::i18n::{negotiate_headers, Tr};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct CatalogQuery {
    #[serde(default)]
    q: String,
}

fn entry_json(e: &CatalogEntry) -> Value {
    json!({
        "client_id": e.client_id.0,
        "name": e.name,
        "description": e.description,
        "logo_url": e.logo_url,
        "home_url": e.home_url,
        "type": e.app_type.as_str(),
        "favorite": e.is_favorite,
    })
}

/// The signed-in person: `{"query", "groups": [{"type", "title", "applications":
/// [{"client_id", "name", "description", "logo_url", "home_url", "type",
/// "favorite"}]}]}`, the groups in a fixed order (web, spa, native), each by name;
/// `?q=` keeps the applications whose name or description contains it, ignoring case.
pub async fn catalog(
    State(state): State<AppState>,
    me: ApiUser,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<CatalogQuery>,
) -> Response {
    let locale = negotiate_headers(&headers, &state.config, Some(&me.user));
    let catalog = match state.sigil.catalog(&me.user, Search::parse(&q.q)).await {
        Ok(c) => c,
        Err(e) => return ApiError::new(&state, locale, e).into_response(),
    };
    let t = Tr::new(&state.i18n, locale);
    let groups: Vec<Value> = catalog
        .groups
        .iter()
        .map(|g| {
            json!({
                "type": g.app_type.as_str(),
                "title": group_heading(t, g.app_type),
                "applications": g.entries.iter().map(entry_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    Json(json!({ "query": catalog.search.as_str(), "groups": groups })).into_response()
}

/// The signed-in person: `{"favorites": [{"client_id", "name", "logo_url", "home_url",
/// "added_at"}]}`, in the order added, those the catalog offers them now.
pub async fn favorites(State(state): State<AppState>, me: ApiUser, headers: HeaderMap) -> Response {
    let locale = negotiate_headers(&headers, &state.config, Some(&me.user));
    match state.sigil.favorites(&me.user).await {
        Ok(list) => {
            let list: Vec<Value> = list
                .iter()
                .map(|f| {
                    json!({
                        "client_id": f.client_id.0,
                        "name": f.name,
                        "logo_url": f.logo_url,
                        "home_url": f.home_url,
                        "added_at": f.added_at.format(&Rfc3339).unwrap_or_default(),
                    })
                })
                .collect();
            Json(json!({ "favorites": list })).into_response()
        }
        Err(e) => ApiError::new(&state, locale, e).into_response(),
    }
}

/// The signed-in person makes an application a favourite: 200 with `{"client_id",
/// "favorite": true, "changed"}` (`changed` false if it already was one); 404 if the
/// catalog does not offer it to them.
pub async fn add(
    State(state): State<AppState>,
    me: ApiUser,
    Client(client): Client,
    headers: HeaderMap,
    ApiPath(client_id): ApiPath<String>,
) -> Response {
    let locale = negotiate_headers(&headers, &state.config, Some(&me.user));
    match state
        .sigil
        .add_favorite(&me.user, &client_id, &client)
        .await
    {
        Ok(changed) => {
            Json(json!({ "client_id": client_id, "favorite": true, "changed": changed }))
                .into_response()
        }
        Err(e) => refusal(&state, locale, e),
    }
}

/// The signed-in person removes a favourite: 200 with `{"client_id", "favorite":
/// false, "changed"}` (`changed` false if it was none); 404 for an application that is
/// neither a favourite nor offered to them.
pub async fn remove(
    State(state): State<AppState>,
    me: ApiUser,
    Client(client): Client,
    headers: HeaderMap,
    ApiPath(client_id): ApiPath<String>,
) -> Response {
    let locale = negotiate_headers(&headers, &state.config, Some(&me.user));
    match state
        .sigil
        .remove_favorite(&me.user, &client_id, &client)
        .await
    {
        Ok(changed) => {
            Json(json!({ "client_id": client_id, "favorite": false, "changed": changed }))
                .into_response()
        }
        Err(e) => refusal(&state, locale, e),
    }
}

/// A change refused: an application the catalog (switched on) does not offer is said
/// to be so; anything else as every API error is.
fn refusal(state: &AppState, locale: Locale, error: CoreError) -> Response {
    match error {
        CoreError::NotFound if state.sigil.settings().catalog_enabled => api_refusal(
            state,
            locale,
            StatusCode::NOT_FOUND,
            "not_found",
            "catalog-not_offered",
        ),
        e => ApiError::new(state, locale, e).into_response(),
    }
}
