//! Securing the account from the link in a notice (a new password, a changed or
//! removed email address, a new way to sign in). Anyone holding the link: opening it
//! shows a form and changes nothing, so a mail scanner following links cannot spend
//! it; the form sets a new password, and with that every session and token ends.
use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use sigil_core::{CoreError, FieldErrorKind};

use super::identifiers::{recent_views, RecentView};
use super::security::Fields;
use super::PageCtx;
use crate::auth::cookies;
use crate::auth::csrf::CsrfToken;
use crate::client::Client;
use crate::error::{page_failure, render};
use crate::extract::{PageForm, PageQuery};
use crate::state::AppState;

const HERE: &str = "/account/secure";

#[derive(Template)]
#[template(path = "secure.html")]
struct SecurePage<'a> {
    page: PageCtx<'a>,
    token: String,
    /// Whose account; `None` when the link cannot be used (then `error` says why).
    account: Option<String>,
    recent: Vec<RecentView>,
    done: bool,
    error: Option<String>,
    errors: HashMap<String, String>,
}

impl SecurePage<'_> {
    fn error_for(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// The form behind the link, or why the link no longer works.
async fn shown(
    state: &AppState,
    headers: &HeaderMap,
    page: PageCtx<'_>,
    token: String,
    kept: Option<&[String]>,
    errors: HashMap<String, String>,
) -> Response {
    // Nothing was submitted: the link was only opened.
    let opened = kept.is_none();
    match state.sigil.recovery(&token).await {
        Ok(found) => {
            let status = if errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let error = (!errors.is_empty()).then(|| page.t.t("error-invalid_input"));
            let body = render(&SecurePage {
                recent: recent_views(state, &found.recent, kept),
                account: Some(found.account),
                page,
                token,
                done: false,
                error,
                errors,
            });
            (status, body).into_response()
        }
        Err(e) => link_refused(state, headers, page, e, opened),
    }
}

/// Why the link cannot be used. Opened (GET), an unknown link is 404 and a spent or
/// expired one 410 Gone (RFC 9110 §15.5.5, §15.5.11); a submitted form that cannot
/// go through stays 422 like every other refused form.
fn link_refused(
    state: &AppState,
    headers: &HeaderMap,
    page: PageCtx<'_>,
    e: CoreError,
    opened: bool,
) -> Response {
    let CoreError::Invalid(list) = &e else {
        return page_failure(state, headers, e);
    };
    let (key, when_opened) = match list.first().map(|f| &f.kind) {
        Some(FieldErrorKind::CodeUsed) => ("secure-link_used", StatusCode::GONE),
        Some(FieldErrorKind::CodeExpired) => ("secure-link_expired", StatusCode::GONE),
        _ => ("secure-link_unknown", StatusCode::NOT_FOUND),
    };
    let status = if opened {
        when_opened
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let error = Some(page.t.t(key));
    let body = render(&SecurePage {
        page,
        token: String::new(),
        account: None,
        recent: Vec::new(),
        done: false,
        error,
        errors: HashMap::new(),
    });
    (status, body).into_response()
}

/// Anyone holding the link.
pub async fn form(
    State(state): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    PageQuery(q): PageQuery<TokenQuery>,
) -> Response {
    let page = PageCtx::new(&state, &headers, &csrf, None, HERE, "profile");
    shown(&state, &headers, page, q.token, None, HashMap::new()).await
}

/// Anyone holding the link: sets the new password, ends every session and token,
/// removes the identifiers left checked. This browser's session ends too.
pub async fn submit(
    State(state): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Client(client): Client,
    headers: HeaderMap,
    jar: CookieJar,
    PageForm(form): PageForm<Vec<(String, String)>>,
) -> Response {
    let form = Fields(form);
    let (token, remove) = (form.get("token"), form.all("remove"));
    let page = PageCtx::new(&state, &headers, &csrf, None, HERE, "profile");
    let new = form.get("new_password");
    if new != form.get("confirm_password") {
        let errors = HashMap::from([(
            "confirm_password".to_owned(),
            page.t.t("error-password_mismatch"),
        )]);
        return shown(&state, &headers, page, token, Some(&remove), errors).await;
    }
    match state
        .sigil
        .secure_account(&token, &new, &remove, &client)
        .await
    {
        Ok(()) => {
            let jar = jar.add(cookies::removal(&state.config, cookies::SESSION));
            let body = render(&SecurePage {
                page,
                token: String::new(),
                account: None,
                recent: Vec::new(),
                done: true,
                error: None,
                errors: HashMap::new(),
            });
            (jar, body).into_response()
        }
        Err(CoreError::Invalid(list)) if list.iter().any(|f| f.field != "token") => {
            let errors = list
                .iter()
                .map(|f| (f.field.clone(), page.t.field_error(&f.kind)))
                .collect();
            shown(&state, &headers, page, token, Some(&remove), errors).await
        }
        Err(e) => link_refused(&state, &headers, page, e, false),
    }
}
