//! What every handler can reach.
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use sigil_core::Sigil;

use crate::i18n::I18n;

#[derive(Clone, Debug)]
pub struct WebConfig {
    /// The address people use to reach Sigil, e.g. `https://id.example.org`.
    pub public_url: String,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// The operator's product name, logo and accent colour.
    pub brand: crate::brand::Brand,
    /// The personal data processing policy and the operator it names.
    pub policy: crate::policy::Policy,
}

impl WebConfig {
    /// Served over HTTPS: cookies get `Secure` and the `__Host-` prefix.
    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The origin (`scheme://host[:port]`) that forms must come from.
    pub fn origin(&self) -> &str {
        let rest = self
            .public_url
            .split_once("://")
            .map(|(_, r)| r)
            .unwrap_or_default();
        let host_len = rest.find('/').unwrap_or(rest.len());
        let scheme_len = self.public_url.len() - rest.len();
        &self.public_url[..scheme_len + host_len]
    }
}

#[derive(Clone)]
pub struct AppState {
    pub sigil: Arc<Sigil>,
    pub i18n: Arc<I18n>,
    pub config: Arc<WebConfig>,
    /// What `/metrics` serves and where; `None` until the binary installs its recorder.
    pub metrics: Option<crate::telemetry::Exposure>,
    /// Set when the node received SIGTERM or SIGINT and drains: the listener no longer
    /// accepts and `/readyz` answers 503.
    pub shutting_down: Arc<AtomicBool>,
    /// Requests being answered now (the shutdown says how many a timeout cut).
    pub in_flight: Arc<AtomicUsize>,
}

impl AppState {
    pub fn new(sigil: Arc<Sigil>, config: WebConfig) -> anyhow::Result<Self> {
        Ok(Self {
            sigil,
            i18n: Arc::new(I18n::load()?),
            config: Arc::new(config),
            metrics: None,
            shutting_down: Arc::new(AtomicBool::new(false)),
            in_flight: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// Serves `/metrics` as `exposure` says.
    pub fn with_metrics(mut self, exposure: crate::telemetry::Exposure) -> Self {
        self.metrics = Some(exposure);
        self
    }

    /// Marks this node as stopping (the shutdown sequence calls it first, on SIGTERM or
    /// SIGINT); see [`AppState::shutting_down`].
    pub fn begin_shutdown(&self) {
        self.shutting_down.store(true, Ordering::SeqCst);
    }

    /// Whether the node is draining for a shutdown.
    pub fn is_shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_origin_drops_the_path() {
        let c = WebConfig {
            public_url: "https://id.example.org:8443/sigil".into(),
            trust_forwarded_for: false,
            brand: Default::default(),
            policy: Default::default(),
        };
        assert_eq!(c.origin(), "https://id.example.org:8443");
        assert!(c.is_https());
    }
}
