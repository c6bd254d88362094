//! `/metrics` and the request metrics. The binary installs the recorder and hands its
//! renderer over with [`AppState::with_metrics`]; this crate only records through the
//! `metrics` facade and serves what the renderer writes.
//!
//! Where `/metrics` answers: on the separate `metrics_listen` address when the operator
//! set one (and then never on the public listener); otherwise on the public listener, to
//! loopback peers only, and never to a request that came through a proxy (one naming
//! `X-Forwarded-For`, `Forwarded` or `X-Real-IP`: behind a proxy every peer is
//! loopback). Everyone else gets the ordinary "no such page", so by default the metrics
//! do not leak to the internet.
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::state::AppState;

/// Requests answered, by `route` (the route's template, never the raw path), `method`
/// and `status` class (`2xx` … `5xx`).
pub const HTTP_REQUESTS: &str = "sigil_http_requests_total";
/// The time from a request's arrival to its answer, by the same labels.
pub const HTTP_DURATION: &str = "sigil_http_request_duration_seconds";
/// Requests being answered now on this node.
pub const HTTP_IN_FLIGHT: &str = "sigil_http_requests_in_flight";
/// The `route` of a request no route matched: one label for every unknown path.
pub const UNMATCHED: &str = "unmatched";

/// Writes the metrics in Prometheus' text format.
pub type Render = Arc<dyn Fn() -> String + Send + Sync>;

/// What `/metrics` serves and where.
#[derive(Clone)]
pub struct Exposure {
    render: Render,
    /// Served on the public listener (to loopback peers): no `metrics_listen` is set.
    public: bool,
}

impl Exposure {
    pub fn new(render: Render, on_public_listener: bool) -> Self {
        Self {
            render,
            public: on_public_listener,
        }
    }
}

/// The `# HELP` lines of the request metrics.
pub fn describe() {
    metrics::describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests answered, by route template, method and status class."
    );
    metrics::describe_histogram!(
        HTTP_DURATION,
        metrics::Unit::Seconds,
        "Time to answer an HTTP request, by route template, method and status class."
    );
    metrics::describe_gauge!(HTTP_IN_FLIGHT, "HTTP requests being answered now.");
}

/// Counts one request in flight until dropped (also when the client goes away and the
/// request is cancelled).
struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    fn enter(count: &Arc<AtomicUsize>) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        metrics::gauge!(HTTP_IN_FLIGHT).increment(1.0);
        Self(count.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
        metrics::gauge!(HTTP_IN_FLIGHT).decrement(1.0);
    }
}

/// The middleware that counts and times every request, outside all others.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let _in_flight = InFlight::enter(&state.in_flight);
    let started = Instant::now();
    let route = match request.extensions().get::<MatchedPath>() {
        Some(path) => path.as_str().to_owned(),
        None => UNMATCHED.to_owned(),
    };
    let method = method_label(request.method());
    let response = next.run(request).await;
    let status = status_class(response.status());
    let labels = [
        ("route", route),
        ("method", method.to_owned()),
        ("status", status.to_owned()),
    ];
    metrics::counter!(HTTP_REQUESTS, &labels).increment(1);
    metrics::histogram!(HTTP_DURATION, &labels).record(started.elapsed().as_secs_f64());
    response
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

fn status_class(status: StatusCode) -> &'static str {
    match status.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// `/metrics` on the public listener: see the module's documentation for who gets it.
pub async fn public_scrape(State(state): State<AppState>, request: Request) -> Response {
    let exposure = state.metrics.as_ref().filter(|e| e.public);
    let peer_is_loopback = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|ConnectInfo(addr)| addr.ip().is_loopback());
    let headers = request.headers();
    let proxied = ["x-forwarded-for", "forwarded", "x-real-ip"]
        .iter()
        .any(|name| headers.contains_key(*name));
    match exposure {
        Some(exposure) if peer_is_loopback && !proxied => scrape(&state, exposure).await,
        _ => {
            let headers = headers.clone();
            crate::error::no_such_page(State(state), crate::auth::OptionalUser(None), headers).await
        }
    }
}

/// The router of the `metrics_listen` address: `/metrics`, and nothing else.
pub fn metrics_app(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(separate_scrape))
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found\n") })
        .with_state(state)
}

async fn separate_scrape(State(state): State<AppState>) -> Response {
    match &state.metrics {
        Some(exposure) => scrape(&state, exposure).await,
        None => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}

async fn scrape(state: &AppState, exposure: &Exposure) -> Response {
    // The shared figures come from the database; without it the rest still renders.
    if let Err(e) = state.sigil.record_gauges().await {
        tracing::warn!(error = %e, "reading the gauges for /metrics failed");
    }
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    (StatusCode::OK, headers, (exposure.render)()).into_response()
}
