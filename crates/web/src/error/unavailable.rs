//! The database is unavailable (see `sigil_core::ports::StoreError::Unavailable`):
//! every surface answers 503 at once, in the person's language, with `Retry-After`, and
//! never asks the database again to say so.
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

/// Seconds a client is asked to wait before trying again
/// ([RFC 9110 §10.2.3](https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3)).
pub const RETRY_AFTER_SECONDS: &str = "5";

/// The layer that puts `Retry-After` on every 503 that has none: error pages, the JSON
/// API and the OpenID endpoints alike.
pub async fn retry_after(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if response.status() == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .entry(header::RETRY_AFTER)
            .or_insert(HeaderValue::from_static(RETRY_AFTER_SECONDS));
    }
    response
}
