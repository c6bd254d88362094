//! Password change.
use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use axum_extra::extract::CookieJar;
use sigil_core::CoreError;

use super::identifiers::{recent_views, RecentView};
use super::PageCtx;
use crate::auth::csrf::CsrfToken;
use crate::auth::{cookies, PageUser};
use crate::client::Client;
use crate::error::{message_of, page_failure, render, status_of};
use crate::extract::PageForm;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage<'a> {
    page: PageCtx<'a>,
    errors: HashMap<String, String>,
    error: Option<String>,
    /// The identifiers linked since the password was last set, offered for removal.
    recent: Vec<RecentView>,
}

impl PasswordPage<'_> {
    fn error_for(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }
}

/// A submitted form whose fields may repeat (one `remove` per checked identifier).
pub(super) struct Fields(pub Vec<(String, String)>);

impl Fields {
    pub fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

async fn page(
    state: &AppState,
    current: &PageUser,
    headers: &HeaderMap,
    page: PageCtx<'_>,
    kept: Option<&[String]>,
    error: Option<String>,
    errors: HashMap<String, String>,
) -> Response {
    let recent = match state.sigil.recent_identifiers(&current.user).await {
        Ok(list) => recent_views(state, &list, kept),
        Err(e) => return page_failure(state, headers, e),
    };
    render(&PasswordPage {
        page,
        errors,
        error,
        recent,
    })
}

/// The signed-in person.
pub async fn form(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
) -> Response {
    let ctx = PageCtx::new(
        &state,
        &headers,
        &csrf,
        Some(&current.user),
        "/profile/password",
        "profile",
    );
    page(&state, &current, &headers, ctx, None, None, HashMap::new()).await
}

/// The signed-in person. Success ends every session, this one too, removes the
/// identifiers left checked, and sends them to sign in with the new password.
pub async fn submit(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    Client(client): Client,
    headers: HeaderMap,
    jar: CookieJar,
    PageForm(form): PageForm<Vec<(String, String)>>,
) -> Response {
    let form = Fields(form);
    let remove = form.all("remove");
    let ctx = PageCtx::new(
        &state,
        &headers,
        &csrf,
        Some(&current.user),
        "/profile/password",
        "profile",
    );
    if form.get("new_password") != form.get("confirm_password") {
        let errors = HashMap::from([(
            "confirm_password".to_owned(),
            ctx.t.t("error-password_mismatch"),
        )]);
        let error = Some(ctx.t.t("error-invalid_input"));
        let body = page(
            &state,
            &current,
            &headers,
            ctx,
            Some(&remove),
            error,
            errors,
        )
        .await;
        return (StatusCode::UNPROCESSABLE_ENTITY, body).into_response();
    }
    match state
        .sigil
        .change_password(
            &current.user,
            &form.get("current_password"),
            &form.get("new_password"),
            &remove,
            &client,
        )
        .await
    {
        Ok(()) => {
            let jar = jar.add(cookies::removal(&state.config, cookies::SESSION));
            (jar, Redirect::to("/login?notice=password_changed")).into_response()
        }
        Err(e @ (CoreError::Invalid(_) | CoreError::Throttled)) => {
            let t = ctx.t;
            let errors = match &e {
                CoreError::Invalid(list) => list
                    .iter()
                    .map(|f| (f.field.clone(), t.field_error(&f.kind)))
                    .collect(),
                _ => HashMap::new(),
            };
            let status = status_of(&e);
            let error = Some(message_of(t, &e));
            let body = page(
                &state,
                &current,
                &headers,
                ctx,
                Some(&remove),
                error,
                errors,
            )
            .await;
            (status, body).into_response()
        }
        Err(e) => page_failure(&state, &headers, e),
    }
}
