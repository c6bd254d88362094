//! Editing a block of the profile, and the prompt for missing mandatory fields.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use serde::Deserialize;
use sigil_core::fields::Block;
use sigil_core::user::User;
use sigil_core::CoreError;

use super::identifiers::IdentifierView;
use super::photo::Refused;
use super::profile::{block_views, FieldView};
use super::{safe_next, PageCtx};
use crate::auth::csrf::CsrfToken;
use crate::auth::PageUser;
use crate::client::Client;
use crate::error::{page_failure, page_unreadable, render, Unreadable};
use crate::extract::{PageForm, PageQuery};
use crate::state::AppState;
use sigil_core::services::PhotoChange;

#[derive(Template)]
#[template(path = "profile_edit.html")]
struct EditPage<'a> {
    page: PageCtx<'a>,
    /// `main` or `additional` when editing a block; `complete` for the prompt.
    mode: &'static str,
    fields: Vec<FieldView>,
    next: String,
    error: Option<String>,
    /// Main information only: the photo now, the linked accounts' pictures on offer
    /// (**Available**), and why a chosen photo was refused.
    photo: Option<String>,
    avatars: Vec<IdentifierView>,
    photo_error: String,
}

impl EditPage<'_> {
    /// The form goes as `multipart/form-data` when it carries the photo.
    fn has_photo(&self) -> bool {
        self.mode == "main"
    }
}

/// The photo part of the Main information form for `user`.
async fn photo_views(
    state: &AppState,
    user: &User,
    mode: &str,
) -> Result<(Option<String>, Vec<IdentifierView>), CoreError> {
    if mode != "main" {
        return Ok((None, Vec::new()));
    }
    let avatars = state
        .sigil
        .identifiers(user)
        .await?
        .iter()
        .map(|i| IdentifierView::new(state, i))
        .filter(|v| v.has_avatar)
        .collect();
    Ok((user.photo_small.clone(), avatars))
}

#[derive(Deserialize)]
pub struct EditQuery {
    block: Option<String>,
    next: Option<String>,
}

fn parse_block(raw: Option<&str>) -> (Block, &'static str) {
    match raw {
        Some("additional") => (Block::Additional, "additional"),
        _ => (Block::Main, "main"),
    }
}

/// The signed-in person: the edit form of one block.
pub async fn form(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    PageQuery(q): PageQuery<EditQuery>,
) -> Response {
    let (block, mode) = parse_block(q.block.as_deref());
    let profile = match state.sigil.profile(&current.user).await {
        Ok(p) => p,
        Err(e) => return page_failure(&state, &headers, e),
    };
    let page = PageCtx::new(
        &state,
        &headers,
        &csrf,
        Some(&profile.user),
        "/profile/edit",
        "profile",
    );
    let fields = block_views(
        page.t,
        &profile,
        state.sigil.settings().catalogue.fields(),
        block,
    );
    let (photo, avatars) = match photo_views(&state, &profile.user, mode).await {
        Ok(p) => p,
        Err(e) => return page_failure(&state, &headers, e),
    };
    render(&EditPage {
        page,
        mode,
        fields,
        next: String::new(),
        error: None,
        photo,
        avatars,
        photo_error: String::new(),
    })
}

/// The signed-in person saves a block; Main information comes with its photo (a file
/// or a linked account's picture, as `multipart/form-data`) and saves both. Invalid
/// input brings the form back with the errors beside the fields, and nothing is saved.
pub async fn submit(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    Client(client): Client,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let (form, photo) = match read(&state, &headers, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let (block, mode) = parse_block(form.get("block").map(String::as_str));
    let photo = match photo {
        Ok(photo) => photo,
        Err(refused) => {
            let mut response = refill(
                &state,
                &current,
                &csrf,
                &headers,
                &form,
                block,
                mode,
                String::new(),
                refused.error,
            )
            .await;
            if refused.over_limit {
                *response.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
            }
            // The rest of an oversized body was never read: this connection cannot
            // carry another request.
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            return response;
        }
    };
    let changes = submitted(&state, &form, block);
    let saved = state
        .sigil
        .update_main_information(&current.user, &changes, photo, &client)
        .await
        .map(|_| ());
    match saved {
        Ok(()) => Redirect::to("/profile?notice=saved").into_response(),
        Err(e) => {
            refill(
                &state,
                &current,
                &csrf,
                &headers,
                &form,
                block,
                mode,
                String::new(),
                e,
            )
            .await
        }
    }
}

type Fields = HashMap<String, String>;

/// The form's fields, and the photo when it came as `multipart/form-data`.
async fn read(
    state: &AppState,
    headers: &HeaderMap,
    request: Request,
) -> Result<(Fields, Result<PhotoChange, Refused>), Response> {
    let is_multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if is_multipart {
        match Multipart::from_request(request, state).await {
            Ok(form) => Ok(super::photo::edit_form(form).await),
            Err(rejection) => Err(page_unreadable(
                state,
                headers,
                Unreadable::from_status(rejection.status()),
            )),
        }
    } else {
        let PageForm(form) = PageForm::<Fields>::from_request(request, state).await?;
        Ok((form, Ok(PhotoChange::Keep)))
    }
}

/// The editable fields of `block` that the form carried, in catalogue order.
fn submitted(
    state: &AppState,
    form: &HashMap<String, String>,
    block: Block,
) -> Vec<(String, String)> {
    state
        .sigil
        .settings()
        .catalogue
        .fields()
        .iter()
        .filter(|f| f.block == block && f.editable)
        .filter_map(|f| form.get(&f.key).map(|v| (f.key.clone(), v.clone())))
        .collect()
}

#[allow(clippy::too_many_arguments)]
async fn refill(
    state: &AppState,
    current: &PageUser,
    csrf: &CsrfToken,
    headers: &HeaderMap,
    form: &Fields,
    block: Block,
    mode: &'static str,
    next: String,
    error: CoreError,
) -> Response {
    let CoreError::Invalid(errors) = error else {
        return page_failure(state, headers, error);
    };
    let profile = match state.sigil.profile(&current.user).await {
        Ok(p) => p,
        Err(e) => return page_failure(state, headers, e),
    };
    let path = if mode == "complete" {
        "/profile/complete"
    } else {
        "/profile/edit"
    };
    let page = PageCtx::new(state, headers, csrf, Some(&profile.user), path, "profile");
    let t = page.t;
    let mut fields = block_views(
        t,
        &profile,
        state.sigil.settings().catalogue.fields(),
        block,
    );
    if mode == "complete" {
        fields = complete_views(state, &profile, t);
    }
    for field in &mut fields {
        if let Some(v) = form.get(&field.key) {
            field.value = v.clone();
        }
        if let Some(e) = errors.iter().find(|e| e.field == field.key) {
            field.set_error(t, &e.kind);
        }
    }
    // The photo's errors (a bad file, an identifier gone) go beside the photo.
    let photo_error = errors
        .iter()
        .find(|e| e.field == "photo" || e.field == "identifier")
        .map(|e| t.field_error(&e.kind))
        .unwrap_or_default();
    let (photo, avatars) = match photo_views(state, &profile.user, mode).await {
        Ok(p) => p,
        Err(e) => return page_failure(state, headers, e),
    };
    let error = Some(t.t("error-invalid_input"));
    let body = render(&EditPage {
        page,
        mode,
        fields,
        next,
        error,
        photo,
        avatars,
        photo_error,
    });
    (StatusCode::UNPROCESSABLE_ENTITY, body).into_response()
}

fn complete_views(
    state: &AppState,
    profile: &sigil_core::services::Profile,
    t: crate::i18n::Tr<'_>,
) -> Vec<FieldView> {
    state
        .sigil
        .settings()
        .catalogue
        .fields()
        .iter()
        .filter(|f| f.editable && profile.missing_fields.contains(&f.key))
        .map(|f| FieldView::new(t, f, profile.value(f)))
        .collect()
}

/// The signed-in person, right after sign-in when mandatory fields are empty.
pub async fn complete_form(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    PageQuery(q): PageQuery<EditQuery>,
) -> Response {
    let next = safe_next(q.next.as_deref());
    let profile = match state.sigil.profile(&current.user).await {
        Ok(p) => p,
        Err(e) => return page_failure(&state, &headers, e),
    };
    let page = PageCtx::new(
        &state,
        &headers,
        &csrf,
        Some(&profile.user),
        "/profile/complete",
        "profile",
    );
    let fields = complete_views(&state, &profile, page.t);
    if fields.is_empty() {
        return Redirect::to(&next).into_response();
    }
    render(&EditPage {
        page,
        mode: "complete",
        fields,
        next,
        error: None,
        photo: None,
        avatars: Vec::new(),
        photo_error: String::new(),
    })
}

/// The signed-in person fills in the missing mandatory fields, then goes on.
pub async fn complete(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    Client(client): Client,
    headers: HeaderMap,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Response {
    let next = safe_next(form.get("next").map(String::as_str));
    let changes: Vec<(String, String)> = state
        .sigil
        .settings()
        .catalogue
        .fields()
        .iter()
        .filter(|f| f.editable)
        .filter_map(|f| form.get(&f.key).map(|v| (f.key.clone(), v.clone())))
        .collect();
    match state
        .sigil
        .complete_profile(&current.user, &changes, &client)
        .await
    {
        Ok(_) => Redirect::to(&next).into_response(),
        Err(e) => {
            refill(
                &state,
                &current,
                &csrf,
                &headers,
                &form,
                Block::Main,
                "complete",
                next,
                e,
            )
            .await
        }
    }
}
