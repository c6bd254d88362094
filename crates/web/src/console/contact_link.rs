//! Confirming an email address by the link in its verification mail, from any browser.
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde::Deserialize;
use sigil_core::CoreError;

use super::PageCtx;
use crate::auth::csrf::CsrfToken;
use crate::client::Client;
use crate::error::{page_failure, render};
use crate::extract::{PageForm, PageQuery};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "contacts_link.html")]
struct LinkPage<'a> {
    page: PageCtx<'a>,
    token: String,
    done: bool,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// Anyone holding the link: a page with one button, so that mail scanners opening
/// links do not spend the code.
pub async fn link_form(
    State(state): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    PageQuery(q): PageQuery<TokenQuery>,
) -> Response {
    let page = PageCtx::new(
        &state,
        &headers,
        &csrf,
        None,
        "/contacts/confirm",
        "profile",
    );
    render(&LinkPage {
        page,
        token: q.token,
        done: false,
        error: None,
    })
}

/// Anyone holding the link: confirms the address.
pub async fn link(
    State(state): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Client(client): Client,
    headers: HeaderMap,
    PageForm(form): PageForm<TokenQuery>,
) -> Response {
    let result = state.sigil.confirm_link(&form.token, &client).await;
    let page = PageCtx::new(
        &state,
        &headers,
        &csrf,
        None,
        "/contacts/confirm",
        "profile",
    );
    match result {
        Ok(()) => render(&LinkPage {
            page,
            token: String::new(),
            done: true,
            error: None,
        }),
        Err(CoreError::Invalid(list)) => {
            let error = list.first().map(|f| page.t.field_error(&f.kind));
            let body = render(&LinkPage {
                page,
                token: String::new(),
                done: false,
                error,
            });
            (StatusCode::UNPROCESSABLE_ENTITY, body).into_response()
        }
        Err(e) => page_failure(&state, &headers, e),
    }
}
