//! Housekeeping in the background: expired sessions and old failure counters go.
//! Both deletes are idempotent, so several nodes running them at once do no harm.
use std::sync::Arc;
use std::time::Duration;

use sigil_core::Sigil;

pub(crate) fn spawn(sigil: Arc<Sigil>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = sigil.purge_expired().await {
                tracing::warn!(error = %e, "housekeeping failed");
            }
        }
    });
}
