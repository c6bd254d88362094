//! The profile photo: upload (JPEG, PNG or WebP), delete after a confirm step, and serving
//! the stored sizes.
use std::collections::HashMap;

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use sigil_core::photo::{PhotoError, MAX_BYTES};
use sigil_core::services::PhotoChange;
use sigil_core::{CoreError, FieldErrorKind};

use super::PageCtx;
use crate::auth::csrf::CsrfToken;
use crate::auth::PageUser;
use crate::client::Client;
use crate::error::{page_failure, page_unreadable, render, Unreadable};
use crate::extract::PagePath;
use crate::state::AppState;

/// The body limit of an upload: the largest photo and the form around it.
pub const UPLOAD_LIMIT: usize = MAX_BYTES + 64 * 1024;

fn bad(e: PhotoError) -> CoreError {
    CoreError::field("photo", FieldErrorKind::Photo(e))
}

/// Why the upload could not be read.
pub(crate) struct Refused {
    pub error: CoreError,
    /// The body is over [`UPLOAD_LIMIT`] and was not read to its end.
    pub over_limit: bool,
}

impl From<CoreError> for Refused {
    fn from(error: CoreError) -> Self {
        Self {
            error,
            over_limit: false,
        }
    }
}

/// A body that could not be read is a photo too large; over the limit it is 413.
fn unreadable(e: &axum::extract::multipart::MultipartError) -> Refused {
    Refused {
        error: bad(PhotoError::TooLarge),
        over_limit: Unreadable::from_status(e.status()) == Unreadable::TooLarge,
    }
}

/// The `photo` part of the form.
async fn photo_part(mut form: Multipart) -> Result<Vec<u8>, Refused> {
    while let Some(field) = form.next_field().await.map_err(|e| unreadable(&e))? {
        if field.name() == Some("photo") {
            let bytes = field.bytes().await.map_err(|e| unreadable(&e))?;
            if bytes.is_empty() {
                return Err(CoreError::field("photo", FieldErrorKind::Required).into());
            }
            return Ok(bytes.to_vec());
        }
    }
    Err(CoreError::field("photo", FieldErrorKind::Required).into())
}

/// The Main information form sent as `multipart/form-data`: its text fields, and the
/// photo part (`photo`, a file) or the chosen avatar (`avatar`). The text fields read
/// before a failure come back with it, so that the form can be shown again as typed.
pub(crate) async fn edit_form(
    mut form: Multipart,
) -> (HashMap<String, String>, Result<PhotoChange, Refused>) {
    let mut fields = HashMap::new();
    let mut photo = PhotoChange::Keep;
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return (fields, Err(unreadable(&e))),
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "photo" {
            let bytes = match field.bytes().await {
                Ok(b) => b,
                Err(e) => return (fields, Err(unreadable(&e))),
            };
            // A form sent without choosing a file carries an empty part.
            if !bytes.is_empty() {
                photo = PhotoChange::Upload(bytes.to_vec());
            }
            continue;
        }
        let text = match field.text().await {
            Ok(t) => t,
            Err(e) => return (fields, Err(unreadable(&e))),
        };
        if name == "avatar" {
            if !text.is_empty() && !matches!(photo, PhotoChange::Upload(_)) {
                photo = PhotoChange::Identifier(text);
            }
        } else {
            fields.insert(name, text);
        }
    }
    (fields, Ok(photo))
}

/// The signed-in person uploads a photo.
pub async fn upload(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    Client(client): Client,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    // Not a multipart body at all (no boundary, another type): the one mapping's page.
    let form = match form {
        Ok(form) => form,
        Err(rejection) => {
            return page_unreadable(
                &state,
                &headers,
                Unreadable::from_status(rejection.status()),
            )
        }
    };
    let bytes = match photo_part(form).await {
        Ok(bytes) => bytes,
        Err(refused) => {
            let mut response =
                super::profile::refused(&state, &current, &csrf, &headers, refused.error).await;
            if refused.over_limit {
                *response.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
            }
            // The rest of an oversized body was never read: this connection cannot
            // carry another request, and the client must know before it tries.
            response.headers_mut().insert(
                header::CONNECTION,
                header::HeaderValue::from_static("close"),
            );
            return response;
        }
    };
    match state
        .sigil
        .upload_photo(&current.user, bytes, &client)
        .await
    {
        Ok(()) => Redirect::to("/profile?notice=photo#main-information").into_response(),
        Err(e) => super::profile::refused(&state, &current, &csrf, &headers, e).await,
    }
}

#[derive(Template)]
#[template(path = "photo_remove.html")]
struct RemovePage<'a> {
    page: PageCtx<'a>,
    /// The thumbnail's hash, shown so the person sees what goes.
    photo: Option<String>,
}

/// The signed-in person: asked before the photo is deleted.
pub async fn remove_form(
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
        "/profile/photo/delete",
        "profile",
    );
    render(&RemovePage {
        photo: current.user.photo_small.clone(),
        page,
    })
}

/// The signed-in person deletes the photo.
pub async fn remove(
    State(state): State<AppState>,
    current: PageUser,
    Client(client): Client,
    headers: HeaderMap,
) -> Response {
    match state.sigil.remove_photo(&current.user, &client).await {
        Ok(()) => Redirect::to("/profile?notice=photo_removed#field-photo").into_response(),
        Err(e) => page_failure(&state, &headers, e),
    }
}

/// Anyone with the address: a stored image. Its name is the hash of its bytes, so it
/// never changes and may be cached for good.
pub async fn image(
    State(state): State<AppState>,
    headers: HeaderMap,
    PagePath(hash): PagePath<String>,
) -> Response {
    match state.sigil.image(&hash).await {
        Ok((content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, content_type),
                (
                    header::CACHE_CONTROL,
                    "public, max-age=31536000, immutable".to_owned(),
                ),
                // Opened on its own, an image that a browser mistook for a page could
                // run nothing and reach nothing (nosniff is set for every response).
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; frame-ancestors 'none'; sandbox".to_owned(),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => page_failure(&state, &headers, e),
    }
}
