//! The Event log tab: one line per event (when, what, which application), its details
//! on expand, filtered by category and paged by event id.
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Extension;
use serde::Deserialize;
use sigil_core::event::{Event, EventCategory};
use sigil_core::fields::FieldCatalogue;

use super::PageCtx;
use crate::auth::csrf::CsrfToken;
use crate::auth::PageUser;
use crate::error::{page_failure, render};
use crate::extract::PageQuery;
use crate::format::{Dates, When};
use crate::i18n::Tr;
use crate::state::AppState;

pub const PAGE_SIZE: i64 = 20;

/// One event as the list shows it.
pub struct EventRow {
    pub category: String,
    pub title: String,
    /// What it did, in a few words (which field, where a code went); may be empty.
    pub what: String,
    /// The line's time: short, relative where a script runs.
    pub at: When,
    /// The details' time, to the second.
    pub exact: When,
    /// The application's name, its client_id if it is gone, or "no application".
    pub app: String,
    pub client_id: String,
    pub user_id: String,
    pub device: String,
    pub ip: String,
}

impl EventRow {
    fn new(t: Tr<'_>, dates: &Dates<'_>, catalogue: &FieldCatalogue, e: Event) -> Self {
        let client_id = e.client_id.unwrap_or_default();
        let app = match (e.client_name, client_id.is_empty()) {
            (Some(name), _) => name,
            (None, false) => client_id.clone(),
            (None, true) => t.t("events-no_app"),
        };
        Self {
            title: t.event_category(&e.category),
            what: super::event_details::what(t, catalogue, &e.category, &e.details),
            category: e.category,
            at: dates.instant(e.at),
            exact: dates.exact(e.at),
            app,
            client_id,
            user_id: e.user_id.map(|u| u.to_string()).unwrap_or_default(),
            device: super::devices::describe(t, &e.client),
            ip: e.client.ip.unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "events.html")]
struct EventsPage<'a> {
    page: PageCtx<'a>,
    events: Vec<EventRow>,
    /// The filter's choices: stored name and title.
    categories: Vec<(String, String)>,
    /// The category shown, or empty for all.
    category: String,
    older: Option<String>,
    newest: Option<String>,
}

#[derive(Deserialize)]
pub struct EventsQuery {
    before: Option<i64>,
    category: Option<String>,
}

/// The page's address with the filter kept (and `before`, for an older page).
fn link(category: Option<EventCategory>, before: Option<i64>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(c) = category {
        query.append_pair("category", c.as_str());
    }
    if let Some(id) = before {
        query.append_pair("before", &id.to_string());
    }
    let query = query.finish();
    if query.is_empty() {
        "/events".to_owned()
    } else {
        format!("/events?{query}")
    }
}

/// The signed-in person's own events, newest first, a page at a time.
pub async fn list(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    PageQuery(q): PageQuery<EventsQuery>,
) -> Response {
    // An unknown or empty category shows everything rather than an error page: the
    // filter is a convenience, and old bookmarks should still open the log.
    let category = q.category.as_deref().and_then(EventCategory::parse);
    let found = state
        .sigil
        .events(&current.user, category, q.before, PAGE_SIZE)
        .await;
    let found = match found {
        Ok(p) => p,
        Err(e) => return page_failure(&state, &headers, e),
    };
    // A language switch comes back to the same page of the same category.
    let here = link(category, q.before);
    let page = PageCtx::new(
        &state,
        &headers,
        &csrf,
        Some(&current.user),
        &here,
        "events",
    );
    let t = page.t;
    let dates = Dates::new(t);
    let events = found
        .events
        .into_iter()
        .map(|e| EventRow::new(t, &dates, &state.sigil.settings().catalogue, e))
        .collect();
    let categories = found
        .categories
        .into_iter()
        .map(|c| {
            let title = t.event_category(&c);
            (c, title)
        })
        .collect();
    render(&EventsPage {
        page,
        events,
        categories,
        category: category.map(|c| c.as_str().to_owned()).unwrap_or_default(),
        older: found.next_before.map(|id| link(category, Some(id))),
        newest: q.before.map(|_| link(category, None)),
    })
}
