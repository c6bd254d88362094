//! Sigil's HTTP surface. [`app`] builds the whole router: the account console (server
//! rendered, usable without JavaScript), the JSON API, and the static assets.
mod accept;
pub mod api;
pub mod auth;
pub mod brand;
pub mod client;
pub mod console;
pub mod error;
mod extract;
pub mod format;
pub mod health;
pub mod i18n;
pub mod messages;
pub mod oidc;
pub mod policy;
mod security;
pub mod state;
pub mod telemetry;

use axum::routing::get;
use axum::{middleware, Router};

pub use state::{AppState, WebConfig};

/// The whole application. Serve it with `into_make_service_with_connect_info::<SocketAddr>()`
/// so client addresses reach the activity log.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(console::routes())
        .merge(oidc::routes())
        .nest("/api/v1", api::routes())
        // `nest` does not take the bare prefix with a slash; it is the API's too.
        .route("/api/v1/", axum::routing::any(api::no_such_endpoint))
        .route("/static/sigil.css", get(security::stylesheet))
        .route("/static/sigil.js", get(security::script))
        .route("/static/brand.css", get(brand::stylesheet))
        .route("/static/brand-logo", get(brand::logo))
        .route("/policy", get(policy::current))
        .route("/policy/{lang}", get(policy::in_language))
        .route("/metrics", get(telemetry::public_scrape))
        .fallback(error::no_such_page)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::csrf::protect,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), error::dress))
        // The probes: no session, no form token, no page shell.
        .merge(health::routes())
        .layer(middleware::from_fn(error::retry_after))
        .layer(middleware::from_fn(security::headers))
        .layer(middleware::from_fn(console::shell::scope))
        // Outermost, so its time covers every other layer.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            telemetry::track,
        ))
        .with_state(state)
}
