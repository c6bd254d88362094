//! Background work: delivering the outbox, noticing key changes made elsewhere, and
//! housekeeping (whatever expired for good goes). Deliveries are claimed in the database,
//! so of several nodes one delivers each message; housekeeping runs on the node that
//! holds its lease. Each job stops when the node shuts down, after the item it is on.
use std::sync::Arc;
use std::time::Duration;

use sigil_core::outbox::Lane;
use sigil_core::services::oidc::KEY_CHECK_INTERVAL;
use sigil_core::Sigil;

use crate::courier::Courier;
use crate::shutdown::Stopping;

type Job = tokio::task::JoinHandle<()>;

/// Delivers what is due whenever a use case queued something, and every second for
/// retries: one job per lane, so applications' notices never hold up people's messages.
pub(crate) fn spawn_delivery(sigil: Arc<Sigil>, courier: Arc<Courier>, stop: Stopping) -> Vec<Job> {
    Lane::ALL
        .into_iter()
        .map(|lane| spawn_lane(sigil.clone(), courier.clone(), lane, stop.clone()))
        .collect()
}

fn spawn_lane(sigil: Arc<Sigil>, courier: Arc<Courier>, lane: Lane, mut stop: Stopping) -> Job {
    tokio::spawn(async move {
        while !stop.is_requested() {
            match sigil.deliver_due(courier.as_ref(), lane).await {
                // A full batch: there may be more right away.
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "delivering the outbox failed"),
            }
            tokio::select! {
                _ = sigil.outbox_notified(lane) => {}
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                () = stop.requested() => {}
            }
        }
    })
}

/// Reloads the signing keys within seconds of a rotation by another node or the CLI
/// (see `sigil_core::services::oidc` keys): one one-row read per interval.
pub(crate) fn spawn_key_watch(sigil: Arc<Sigil>, mut stop: Stopping) -> Job {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(KEY_CHECK_INTERVAL.unsigned_abs());
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = stop.requested() => break,
            }
            if let Err(e) = sigil.refresh_keys().await {
                tracing::warn!(error = %e, "checking the signing keys failed");
            }
        }
    })
}

/// Housekeeping every `every` on this node; of the nodes sharing the database, the
/// first whose turn comes runs it and the others skip until its lease runs out (see
/// [`Sigil::housekeeping`]).
pub(crate) fn spawn_housekeeping(
    sigil: Arc<Sigil>,
    node: String,
    every: Duration,
    mut stop: Stopping,
) -> Job {
    let lease = time::Duration::try_from(every).unwrap_or(time::Duration::minutes(10));
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = stop.requested() => break,
            }
            match sigil.housekeeping(&node, lease).await {
                Ok(Some(purged)) => tracing::debug!(?purged, "housekeeping"),
                Ok(None) => tracing::debug!("housekeeping ran on another node"),
                Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
            }
        }
    })
}

/// The erasure job every `every` on this node: the node holding its lease erases the
/// accounts whose grace period has passed (see [`Sigil::erase_due_accounts`]).
pub(crate) fn spawn_erasure(
    sigil: Arc<Sigil>,
    node: String,
    every: Duration,
    mut stop: Stopping,
) -> Job {
    let lease = time::Duration::try_from(every).unwrap_or(time::Duration::minutes(10));
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = stop.requested() => break,
            }
            match sigil.erase_due_accounts(&node, lease).await {
                Ok(Some(erased)) if !erased.is_empty() => {
                    tracing::info!(
                        accounts = erased.len(),
                        "erased accounts past their grace period"
                    )
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "erasing accounts failed"),
            }
        }
    })
}
