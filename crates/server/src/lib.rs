//! The `sigil` binary's pieces, as a library so the black-box tests can start the real
//! server in-process on port 0 with their own database and clock.
pub mod backchannel;
pub mod cli;
pub mod config;
pub mod courier;
mod jobs;
pub mod maintenance;
pub mod shutdown;
pub mod telemetry;
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
/// Whether a command may start a new installation or must find an existing one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Open {
    /// `serve` and `migrate`: create the data directory, database and master key if absent.
    CreateIfMissing,
    /// Every other command: works on the server's data, so an absent database or master
    /// key means it was pointed elsewhere, and it stops saying so before creating anything.
    Existing,
}

pub async fn build(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<Arc<Sigil>> {
    build_with(config, clock, Open::CreateIfMissing).await
}

pub async fn build_with(
    config: &Config,
    clock: Arc<dyn Clock>,
    open: Open,
) -> anyhow::Result<Arc<Sigil>> {
    if open == Open::Existing {
        ensure_existing(config).await?;
    } else {
        if config.database_url.starts_with("sqlite:") {
            std::fs::create_dir_all(&config.data_dir).with_context(|| {
                format!("creating the data directory {}", config.data_dir.display())
            })?;
        }
        std::fs::create_dir_all(config.outbox_dir())
            .with_context(|| format!("creating the outbox {}", config.outbox_dir().display()))?;
    }
    let store = sigil_store::connect_with(&config.database_url, &config.store).await?;
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

/// Stops a command that would otherwise start a second, empty installation beside the
/// server's: no database at the configured place, or no master key to read its secrets.
async fn ensure_existing(config: &Config) -> anyhow::Result<()> {
    let elsewhere = |what: String| {
        anyhow::anyhow!(
            "{what}.\nThis command works on the data of a running installation and must see the \
             same configuration as the server: run it in the directory the server runs in, or \
             give it the same --config, SIGIL_DATA_DIR and DATABASE_URL. (`sigil migrate` or \
             `sigil serve` creates a new installation.)"
        )
    };
    if !sigil_store::is_initialised(&config.database_url).await? {
        return Err(elsewhere(format!(
            "There is no Sigil database at {} (data directory {})",
            redact(&config.database_url),
            config.data_dir.display()
        )));
    }
    let key = config.data_dir.join("master.key");
    if config.master_key.is_none() && !key.exists() {
        return Err(elsewhere(format!(
            "There is no master key at {} and SIGIL_MASTER_KEY is not set",
            key.display()
        )));
    }
    Ok(())
}

/// A URL fit to print: whatever stands before `@` (user and password) left out.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://…@{}", &url[..s], &url[at + 1..]),
        _ => url.to_owned(),
    }
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
    /// Where `/metrics` is served apart from the public listener (`metrics_listen`).
    pub metrics_addr: Option<SocketAddr>,
    /// This node's name in the database's job leases.
    pub node: String,
    pub sigil: Arc<Sigil>,
    /// Ends once the server stopped (see [`shutdown`]), or never if nobody asks.
    pub task: tokio::task::JoinHandle<()>,
    /// Asks the server to stop; `sigil serve` drives it from SIGTERM and SIGINT.
    pub shutdown: shutdown::Shutdown,
}

/// Serves Sigil on `listener` (and `/metrics` on `metrics_listen` if set) until
/// [`Running::shutdown`] is asked, or the task is dropped with the runtime.
pub async fn serve_on(
    listener: TcpListener,
    config: &Config,
    sigil: Arc<Sigil>,
) -> anyhow::Result<Running> {
    let addr = listener.local_addr()?;
    let mut state = AppState::new(
        sigil.clone(),
        WebConfig {
            public_url: config.public_url.clone(),
            trust_forwarded_for: config.trust_forwarded_for,
            brand: config.brand.clone(),
            policy: config.policy.clone(),
        },
    )?;
    let metrics_listener = match config.metrics_listen {
        Some(at) => Some(
            TcpListener::bind(at)
                .await
                .with_context(|| format!("listening on {at} (SIGIL_METRICS_LISTEN)"))?,
        ),
        None => None,
    };
    let metrics_addr = metrics_listener
        .as_ref()
        .map(TcpListener::local_addr)
        .transpose()?;
    if let Some(render) = telemetry::renderer() {
        let public = metrics_listener.is_none() && metrics_on_public_listener(config);
        state = state.with_metrics(sigil_web::telemetry::Exposure::new(render, public));
    }
    let shutdown = shutdown::Shutdown::new(state.shutting_down.clone());
    let in_flight = state.in_flight.clone();
    let metrics_app =
        metrics_listener.map(|l| (l, sigil_web::telemetry::metrics_app(state.clone())));
    let app = sigil_web::app(state).into_make_service_with_connect_info::<SocketAddr>();
    // Unique among the nodes (and servers in one test process) sharing the database.
    let node = format!(
        "pid {} {}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    );
    let stop = shutdown.stopping();
    let courier = courier::Courier::new(
        &config.delivery,
        &config.brand.product_name,
        config.outbox_dir(),
    )?;
    let mut jobs = vec![
        jobs::spawn_housekeeping(
            sigil.clone(),
            node.clone(),
            config.housekeeping_every,
            stop.clone(),
        ),
        jobs::spawn_erasure(
            sigil.clone(),
            node.clone(),
            config.housekeeping_every,
            stop.clone(),
        ),
        jobs::spawn_key_watch(sigil.clone(), stop.clone()),
        jobs::spawn_app_watch(sigil.clone(), stop.clone()),
    ];
    jobs.extend(jobs::spawn_delivery(
        sigil.clone(),
        Arc::new(courier),
        stop.clone(),
    ));
    let everything = {
        let stop = stop.clone();
        async move {
            // Answers are small and sent whole: Nagle's algorithm would only hold back
            // the last segment of a larger one until the client's delayed ACK.
            let listener = listener.tap_io(|tcp| {
                if let Err(e) = tcp.set_nodelay(true) {
                    tracing::debug!(error = %e, "TCP_NODELAY");
                }
            });
            // Each stops accepting when a stop is asked for, closes idle keep-alive
            // connections and ends once the requests in flight are answered.
            let mut public_stop = stop.clone();
            let public = axum::serve(listener, app)
                .with_graceful_shutdown(async move { public_stop.requested().await });
            let separate = async move {
                let Some((listener, router)) = metrics_app else {
                    return Ok(());
                };
                let mut stop = stop;
                axum::serve(listener, router)
                    .with_graceful_shutdown(async move { stop.requested().await })
                    .await
            };
            let (public, separate) = tokio::join!(async { public.await }, separate);
            if let Err(e) = public.and(separate) {
                tracing::error!(error = %e, "server stopped");
            }
            for job in jobs {
                if let Err(e) = job.await {
                    tracing::error!(error = %e, "a background job failed");
                }
            }
        }
    };
    let task = tokio::spawn(shutdown::bounded(
        everything,
        stop,
        config.shutdown_timeout,
        in_flight,
    ));
    Ok(Running {
        addr,
        metrics_addr,
        node,
        sigil,
        task,
        shutdown,
    })
}

/// Whether `/metrics` may answer on the public listener (to loopback peers, never
/// through a proxy header) when no `metrics_listen` is set: only where the public URL
/// itself is this machine (or left at its default). A reverse proxy does not always add a forwarding header
/// (nginx's plain `proxy_pass` adds none) and then reaches Sigil from loopback, so an
/// installation served under a real host name exposes metrics only on `metrics_listen`.
pub fn metrics_on_public_listener(config: &Config) -> bool {
    let Ok(url) = url::Url::parse(&config.public_url) else {
        return false;
    };
    // An unspecified address is the default public URL of `listen = "0.0.0.0:…"`: no
    // name was set for the installation, so it is not served under one.
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback() || ip.is_unspecified(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback() || ip.is_unspecified(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}
