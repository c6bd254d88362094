//! The `sigil` binary's pieces, as a library so the black-box tests can start the real
//! server in-process on port 0 with their own database and clock.
pub mod cli;
pub mod config;
mod jobs;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use sigil_core::clock::Clock;
use sigil_core::password::PasswordHasher;
use sigil_core::random::OsRandom;
use sigil_core::Sigil;
use sigil_web::{AppState, WebConfig};
use tokio::net::TcpListener;

use crate::config::Config;

/// Opens the database (applying migrations) and wires the services.
pub async fn build(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<Arc<Sigil>> {
    if config.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir).with_context(|| {
            format!("creating the data directory {}", config.data_dir.display())
        })?;
    }
    std::fs::create_dir_all(config.outbox_dir())
        .with_context(|| format!("creating the outbox {}", config.outbox_dir().display()))?;
    let store = sigil_store::connect(&config.database_url).await?;
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let hasher = PasswordHasher::new(cores)?;
    Ok(Arc::new(Sigil::new(
        store,
        clock,
        Arc::new(OsRandom),
        hasher,
        config.settings.clone(),
    )))
}

/// A running server: where it listens and the task that serves.
pub struct Running {
    pub addr: SocketAddr,
    pub sigil: Arc<Sigil>,
    pub task: tokio::task::JoinHandle<()>,
}

/// Serves Sigil on `listener` until the task is dropped or the process ends.
pub async fn serve_on(
    listener: TcpListener,
    config: &Config,
    sigil: Arc<Sigil>,
) -> anyhow::Result<Running> {
    let addr = listener.local_addr()?;
    let state = AppState::new(
        sigil.clone(),
        WebConfig {
            public_url: config.public_url.clone(),
            trust_forwarded_for: config.trust_forwarded_for,
        },
    )?;
    let app = sigil_web::app(state).into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(async move {
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(error = %e, "server stopped");
        }
    });
    jobs::spawn(sigil.clone());
    Ok(Running { addr, sigil, task })
}
