//! The Event log tab.
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Extension;
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;

use super::PageCtx;
use crate::auth::csrf::CsrfToken;
use crate::auth::PageUser;
use crate::error::{page_failure, render};
use crate::extract::PageQuery;
use crate::state::AppState;

pub const PAGE_SIZE: i64 = 20;

pub struct EventRow {
    pub title: String,
    pub at: String,
    pub client_id: String,
    pub user_id: String,
    pub device: String,
    pub browser: String,
    pub ip: String,
}

#[derive(Template)]
#[template(path = "events.html")]
struct EventsPage<'a> {
    page: PageCtx<'a>,
    events: Vec<EventRow>,
    older: Option<i64>,
    first_page: bool,
}

#[derive(Deserialize)]
pub struct EventsQuery {
    before: Option<i64>,
}

/// The signed-in person's own events, newest first, a page at a time.
pub async fn list(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    PageQuery(q): PageQuery<EventsQuery>,
) -> Response {
    let page_of_events = match state.sigil.events(&current.user, q.before, PAGE_SIZE).await {
        Ok(p) => p,
        Err(e) => return page_failure(&state, &headers, e),
    };
    let page = PageCtx::new(
        &state,
        &headers,
        &csrf,
        Some(&current.user),
        "/events",
        "events",
    );
    let t = page.t;
    let older = page_of_events.next_before;
    let events = page_of_events
        .events
        .into_iter()
        .map(|e| EventRow {
            title: t.event_category(&e.category),
            at: e.at.format(&Rfc3339).unwrap_or_default(),
            client_id: e.client_id.unwrap_or_default(),
            user_id: e.user_id.map(|u| u.to_string()).unwrap_or_default(),
            device: t.device(e.client.device.as_deref()),
            browser: e.client.browser.unwrap_or_default(),
            ip: e.client.ip.unwrap_or_default(),
        })
        .collect();
    render(&EventsPage {
        page,
        events,
        older,
        first_page: q.before.is_none(),
    })
}
