//! Privacy choices from the Profile page: one click per field, and the Private profile
//! switch; both apply at once.
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::PageUser;
use crate::client::Client;
use crate::error::page_failure;
use crate::extract::PageForm;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct LevelForm {
    field: String,
    level: String,
}

/// The signed-in person sets the level of one of their fields.
pub async fn set_level(
    State(state): State<AppState>,
    current: PageUser,
    Client(client): Client,
    headers: HeaderMap,
    PageForm(form): PageForm<LevelForm>,
) -> Response {
    match state
        .sigil
        .set_privacy(&current.user, &form.field, &form.level, &client)
        .await
    {
        Ok(()) => Redirect::to("/profile?notice=privacy").into_response(),
        Err(e) => page_failure(&state, &headers, e),
    }
}

#[derive(Deserialize)]
pub struct SwitchForm {
    private: String,
}

/// The signed-in person turns the Private profile switch on or off.
pub async fn set_private(
    State(state): State<AppState>,
    current: PageUser,
    Client(client): Client,
    headers: HeaderMap,
    PageForm(form): PageForm<SwitchForm>,
) -> Response {
    let private = match form.private.as_str() {
        "on" => true,
        "off" => false,
        _ => return page_failure(&state, &headers, sigil_core::CoreError::NotFound),
    };
    match state
        .sigil
        .set_profile_private(&current.user, private, &client)
        .await
    {
        Ok(()) => Redirect::to("/profile?notice=privacy").into_response(),
        Err(e) => page_failure(&state, &headers, e),
    }
}
