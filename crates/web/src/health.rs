//! `/healthz` and `/readyz`, for load balancers and orchestrators. Both answer in plain
//! text, never cached, without a session, a form token or the page shell, so they cost
//! next to nothing and set no cookie.
//!
//! - `/healthz`: the process is alive and serving HTTP (liveness). It never asks the
//!   database, so an outage does not get every node restarted.
//! - `/readyz`: this node can serve requests now (readiness): the database answers
//!   within [`READY_WAIT`] and holds the schema this binary expects. Otherwise 503 with
//!   one line saying why (`database unavailable: …`, `schema version 21, this binary
//!   expects 23`, `shutting down`), so that the node is taken out of rotation.
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sigil_core::CoreError;

use crate::state::AppState;

/// How long `/readyz` waits for the database.
pub const READY_WAIT: Duration = Duration::from_secs(1);

/// The probes' routes; [`crate::app`] mounts them outside the session, form-token and
/// error-page layers.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

/// Anyone: the process is up.
async fn healthz() -> Response {
    plain(StatusCode::OK, "ok".to_owned())
}

/// Anyone: whether this node should get requests now.
async fn readyz(State(state): State<AppState>) -> Response {
    match not_ready(&state).await {
        None => plain(StatusCode::OK, "ready".to_owned()),
        Some(reason) => plain(StatusCode::SERVICE_UNAVAILABLE, reason),
    }
}

/// Why this node is not ready, if it is not.
async fn not_ready(state: &AppState) -> Option<String> {
    if state.is_shutting_down() {
        return Some("shutting down".to_owned());
    }
    match tokio::time::timeout(READY_WAIT, state.sigil.schema_state()).await {
        Err(_) => Some(format!(
            "database unavailable: no answer within {} ms",
            READY_WAIT.as_millis()
        )),
        Ok(Err(CoreError::Unavailable(e))) => Some(format!(
            "database unavailable: {}",
            one_line(&format!("{e:#}"))
        )),
        Ok(Err(e)) => Some(format!("database error: {}", one_line(&format!("{e:#}")))),
        Ok(Ok(schema)) if schema.found == schema.expected => None,
        Ok(Ok(schema)) => Some(format!(
            "schema version {}, this binary expects {}",
            schema.found, schema.expected
        )),
    }
}

/// `text` on one line (a driver's message may hold line breaks).
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn plain(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_one_line() {
        assert_eq!(
            one_line("error communicating with database:\n  Connection refused (os error 111)"),
            "error communicating with database: Connection refused (os error 111)"
        );
    }
}
