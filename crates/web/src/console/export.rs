//! Download data (the profile's Other actions): one POST, so no other site can start
//! it, answers with the person's data as a JSON file. A sign-in older than the re-auth
//! window is asked again first, then this page offers the download once more.
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use sigil_core::CoreError;

use super::{PageCtx, ReauthReason};
use crate::auth::csrf::CsrfToken;
use crate::auth::PageUser;
use crate::client::Client;
use crate::error::{page_failure, render};
use crate::state::AppState;

pub const EXPORT: &str = "/profile/export";

#[derive(Template)]
#[template(path = "export.html")]
struct ExportPage<'a> {
    page: PageCtx<'a>,
}

/// The signed-in person: what the file holds, and the button that downloads it (where
/// a fresh sign-in comes back to).
pub async fn form(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
) -> Response {
    let page = PageCtx::new(
        &state,
        &headers,
        &csrf,
        Some(&current.user),
        EXPORT,
        "profile",
    );
    render(&ExportPage { page })
}

/// The signed-in person, recently signed in, downloads everything Sigil holds about
/// them.
pub async fn download(
    State(state): State<AppState>,
    current: PageUser,
    Client(client): Client,
    headers: HeaderMap,
) -> Response {
    let export = match state.sigil.export_data(&current.session, &client).await {
        Ok(export) => export,
        Err(CoreError::ReauthRequired) => {
            return super::reauth(&current.user, EXPORT, ReauthReason::Export)
        }
        Err(e) => return page_failure(&state, &headers, e),
    };
    let body = match serde_json::to_vec_pretty(&export) {
        Ok(body) => body,
        Err(e) => return page_failure(&state, &headers, CoreError::Unexpected(e.into())),
    };
    let date = export.exported_at.date();
    let disposition = format!(
        "attachment; filename=\"sigil-data-{:04}-{:02}-{:02}.json\"",
        date.year(),
        u8::from(date.month()),
        date.day()
    );
    let Ok(disposition) = HeaderValue::from_str(&disposition) else {
        return page_failure(
            &state,
            &headers,
            CoreError::Unexpected(anyhow::anyhow!("content disposition")),
        );
    };
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}
