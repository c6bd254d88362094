//! Background work: delivering the outbox, noticing key changes made elsewhere, and
//! housekeeping (whatever expired for good goes). Deliveries are claimed in the database,
//! so of several nodes one delivers each message; the deletes are idempotent.
use std::sync::Arc;
use std::time::Duration;

use sigil_core::services::oidc::KEY_CHECK_INTERVAL;
use sigil_core::Sigil;

use crate::courier::Courier;

/// Delivers what is due whenever a use case queued something, and every second for
/// retries.
pub(crate) fn spawn_delivery(sigil: Arc<Sigil>, courier: Arc<Courier>) {
    tokio::spawn(async move {
        loop {
            match sigil.deliver_due(courier.as_ref()).await {
                // A full batch: there may be more right away.
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "delivering the outbox failed"),
            }
            tokio::select! {
                _ = sigil.outbox_notified() => {}
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    });
}

/// Reloads the signing keys within seconds of a rotation by another node or the CLI
/// (see `sigil_core::services::oidc` keys): one one-row read per interval.
pub(crate) fn spawn_key_watch(sigil: Arc<Sigil>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(KEY_CHECK_INTERVAL.unsigned_abs());
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = sigil.refresh_keys().await {
                tracing::warn!(error = %e, "checking the signing keys failed");
            }
        }
    });
}

pub(crate) fn spawn(sigil: Arc<Sigil>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            match sigil.purge_expired().await {
                Ok(purged) => tracing::debug!(?purged, "housekeeping"),
                Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
            }
        }
    });
}
