//! Password change.
use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use sigil_core::CoreError;

use super::PageCtx;
use crate::auth::csrf::CsrfToken;
use crate::auth::{cookies, PageUser};
use crate::client::Client;
use crate::error::{message_of, page_failure, render, status_of};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage<'a> {
    page: PageCtx<'a>,
    errors: HashMap<String, String>,
    error: Option<String>,
}

impl PasswordPage<'_> {
    fn error_for(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }
}

/// The signed-in person.
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
        "/profile/password",
        "profile",
    );
    render(&PasswordPage {
        page,
        errors: HashMap::new(),
        error: None,
    })
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

/// The signed-in person. Success ends every session, this one too, and sends them to
/// sign in with the new password.
pub async fn submit(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    Client(client): Client,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<PasswordForm>,
) -> Response {
    let page = PageCtx::new(
        &state,
        &headers,
        &csrf,
        Some(&current.user),
        "/profile/password",
        "profile",
    );
    if form.new_password != form.confirm_password {
        let errors = HashMap::from([(
            "confirm_password".to_owned(),
            page.t.t("error-password_mismatch"),
        )]);
        let body = render(&PasswordPage {
            error: Some(page.t.t("error-invalid_input")),
            page,
            errors,
        });
        return (StatusCode::UNPROCESSABLE_ENTITY, body).into_response();
    }
    match state
        .sigil
        .change_password(
            &current.user,
            &form.current_password,
            &form.new_password,
            &client,
        )
        .await
    {
        Ok(()) => {
            let jar = jar.add(cookies::removal(&state.config, cookies::SESSION));
            (jar, Redirect::to("/login?notice=password_changed")).into_response()
        }
        Err(e @ (CoreError::Invalid(_) | CoreError::Throttled)) => {
            let t = page.t;
            let errors = match &e {
                CoreError::Invalid(list) => list
                    .iter()
                    .map(|f| (f.field.clone(), t.field_error(&f.kind)))
                    .collect(),
                _ => HashMap::new(),
            };
            let status = status_of(&e);
            let body = render(&PasswordPage {
                error: Some(message_of(t, &e)),
                page,
                errors,
            });
            (status, body).into_response()
        }
        Err(e) => page_failure(&state, &headers, e),
    }
}
