//! The Requests tab (the guide's "Method 2"): invitations to the person's verified
//! address, each with Accept and Decline, and those accepted lately with a way to open
//! the application.
use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use serde::Deserialize;
use sigil_core::invitation::InvitationStatus;
use sigil_core::services::Answer;

use super::PageCtx;
use crate::auth::csrf::CsrfToken;
use crate::auth::PageUser;
use crate::client::Client;
use crate::error::{page_failure, render};
use crate::extract::PageQuery;
use crate::format::{Dates, When};
use crate::state::AppState;

pub const REQUESTS: &str = "/profile/requests";

#[derive(Template)]
#[template(path = "requests.html")]
struct RequestsPage<'a> {
    page: PageCtx<'a>,
    entries: Vec<Entry>,
    /// Whether the account has a verified address invitations can reach.
    has_address: bool,
    notice: Option<String>,
}

struct Entry {
    id: String,
    name: String,
    description: String,
    logo_url: Option<String>,
    home_url: Option<String>,
    inviter: String,
    expires: When,
    accepted: bool,
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// The signed-in person.
pub async fn list(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    PageQuery(q): PageQuery<NoticeQuery>,
) -> Response {
    let requests = match state.sigil.requests(&current.user).await {
        Ok(r) => r,
        Err(e) => return page_failure(&state, &headers, e),
    };
    let page = PageCtx::new(
        &state,
        &headers,
        &csrf,
        Some(&current.user),
        REQUESTS,
        "requests",
    );
    super::shell::show_logos(requests.iter().filter_map(|r| r.app.logo_url.as_deref()));
    let dates = Dates::new(page.t);
    let inviter = &state.config.policy.operator.organisation;
    let entries = requests
        .into_iter()
        .map(|r| Entry {
            id: r.invitation.id,
            name: r.app.name,
            description: r.app.description,
            logo_url: r.app.logo_url,
            home_url: r.app.home_url,
            inviter: inviter.clone(),
            expires: dates.instant(r.invitation.expires_at),
            accepted: r.invitation.status == InvitationStatus::Accepted,
        })
        .collect();
    let notice = match q.notice.as_deref() {
        Some(n @ ("accepted" | "declined")) => Some(page.t.t(&format!("requests-notice-{n}"))),
        _ => None,
    };
    render(&RequestsPage {
        page,
        entries,
        has_address: current.user.email_verified && current.user.email.is_some(),
        notice,
    })
}

/// The signed-in person accepts an invitation to their own address.
pub async fn accept(
    state: State<AppState>,
    current: PageUser,
    client: Client,
    headers: HeaderMap,
    id: Path<String>,
) -> Response {
    answer(state, current, client, headers, id, Answer::Accept).await
}

/// The signed-in person declines an invitation to their own address.
pub async fn decline(
    state: State<AppState>,
    current: PageUser,
    client: Client,
    headers: HeaderMap,
    id: Path<String>,
) -> Response {
    answer(state, current, client, headers, id, Answer::Decline).await
}

async fn answer(
    State(state): State<AppState>,
    current: PageUser,
    Client(client): Client,
    headers: HeaderMap,
    Path(id): Path<String>,
    answer: Answer,
) -> Response {
    match state
        .sigil
        .answer_invitation(&current.user, &id, answer, &client)
        .await
    {
        Ok(_) => {
            let notice = match answer {
                Answer::Accept => "accepted",
                Answer::Decline => "declined",
            };
            Redirect::to(&format!("{REQUESTS}?notice={notice}")).into_response()
        }
        Err(e) => page_failure(&state, &headers, e),
    }
}
