//! The `sigil` binary's pieces, as a library so the black-box tests can start the real
//! server in-process on port 0 with their own database and clock.
pub mod cli;
pub mod config;
pub mod courier;
mod jobs;
pub mod upstream;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use axum::serve::ListenerExt;
use sigil_core::clock::Clock;
use sigil_core::oidc::jose::MasterKey;
use sigil_core::password::PasswordHasher;
use sigil_core::random::SystemRandom;
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
    let mut settings = config.settings.clone();
    settings.oidc.master_key = master_key(config)?;
    let sigil = Arc::new(
        Sigil::new(store, clock, Arc::new(SystemRandom), hasher, settings).with_upstream(Arc::new(
            upstream::OidcUpstream::new(config.providers.clone())?,
        )),
    );
    sigil
        .load_keys()
        .await
        .map_err(|e| anyhow::anyhow!("loading the signing keys: {e:#}"))?;
    Ok(sigil)
}

/// The configured master key, or the one kept in the data directory (made on first run,
/// readable by the owner only).
fn master_key(config: &Config) -> anyhow::Result<MasterKey> {
    if let Some(k) = &config.master_key {
        return MasterKey::parse(k);
    }
    let path = config.data_dir.join("master.key");
    match std::fs::read_to_string(&path) {
        Ok(text) => MasterKey::parse(&text).with_context(|| format!("reading {}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(&config.data_dir)?;
            let key = MasterKey::generate(&SystemRandom);
            write_private(&path, &key.encode())?;
            Ok(key)
        }
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

fn write_private(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

/// A running server: where it listens and the task that serves.
pub struct Running {
    pub addr: SocketAddr,
    /// This node's name in the database's job leases.
    pub node: String,
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
            brand: config.brand.clone(),
        },
    )?;
    let app = sigil_web::app(state).into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(async move {
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        // Answers are small and sent whole: Nagle's algorithm would only hold back the
        // last segment of a larger one until the client's delayed ACK.
        let listener = listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "TCP_NODELAY");
            }
        });
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(error = %e, "server stopped");
        }
    });
    // Unique among the nodes (and servers in one test process) sharing the database.
    let node = format!(
        "pid {} {}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    );
    jobs::spawn_housekeeping(sigil.clone(), node.clone(), config.housekeeping_every);
    jobs::spawn_key_watch(sigil.clone());
    let courier = courier::Courier::new(&config.delivery, config.outbox_dir())?;
    jobs::spawn_delivery(sigil.clone(), Arc::new(courier));
    Ok(Running {
        addr,
        node,
        sigil,
        task,
    })
}
