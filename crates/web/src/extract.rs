//! `Form`, `Query` and `Path` for the console's pages: a form or query string that does
//! not parse is answered with Sigil's error page in the person's language, through the
//! one mapping in [`crate::error`], never with axum's untranslated plain-text rejection.
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::response::Response;
use axum::Form;
use serde::de::DeserializeOwned;

use sigil_core::CoreError;

use crate::error::{page_failure, page_unreadable, Unreadable};
use crate::state::AppState;

/// A console form (`application/x-www-form-urlencoded`).
pub struct PageForm<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for PageForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let headers = request.headers().clone();
        match Form::<T>::from_request(request, state).await {
            Ok(Form(value)) => Ok(Self(value)),
            Err(rejection) => Err(page_unreadable(
                state,
                &headers,
                Unreadable::from_status(rejection.status()),
            )),
        }
    }
}

/// A console page's query string.
pub struct PageQuery<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for PageQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(Self(value)),
            Err(rejection) => Err(page_unreadable(
                state,
                &parts.headers,
                Unreadable::from_status(rejection.status()),
            )),
        }
    }
}

/// A console page's path parameters. One that cannot be decoded (not UTF-8) names
/// nothing there is: the 404 page, as for any unknown id.
pub struct PagePath<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for PagePath<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(Self(value)),
            Err(_) => Err(page_failure(state, &parts.headers, CoreError::NotFound)),
        }
    }
}
