//! Background work: delivering the outbox, noticing key changes made elsewhere, and
//! housekeeping (whatever expired for good goes). Deliveries are claimed in the database,
//! so of several nodes one delivers each message; housekeeping runs on the node that
//! holds its lease. Each job stops when the node shuts down, after the item it is on.
//!
//! While the database is unavailable every job backs off (1 s, 2 s, 4 s … up to 30 s
//! between tries), says so once per outage rather than at every try, and resumes on its
//! own when the database answers again (see [`Backoff`]).
use std::sync::Arc;
use std::time::Duration;

use sigil_core::outbox::Lane;
use sigil_core::services::oidc::{APP_CHECK_INTERVAL, KEY_CHECK_INTERVAL};
use sigil_core::{CoreError, Sigil};

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
        let mut backoff = Backoff::new("delivering the outbox");
        while !stop.is_requested() {
            let stopping = || stop.is_requested();
            let wait = match sigil.deliver_due(courier.as_ref(), lane, &stopping).await {
                // A full batch: there may be more right away.
                Ok(n) if n > 0 => {
                    backoff.succeeded();
                    continue;
                }
                Ok(_) => {
                    backoff.succeeded();
                    Duration::from_secs(1)
                }
                Err(e) => backoff.failed(&e),
            };
            // A use case that queued something proves the database is back.
            tokio::select! {
                _ = sigil.outbox_notified(lane) => {}
                _ = tokio::time::sleep(wait) => {}
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
        let mut backoff = Backoff::new("checking the signing keys");
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = stop.requested() => break,
            }
            let ok = retrying(&mut backoff, &mut stop, || sigil.refresh_keys()).await;
            if ok.is_none() {
                break;
            }
        }
    })
}

/// Notices, within a second, a change to the applications made by another node or the
/// CLI (see `sigil_core::services::oidc` held_apps): one one-row read per interval. A
/// failed check needs no backoff: until one succeeds the node answers nothing from
/// memory, and the next tick simply asks again.
pub(crate) fn spawn_app_watch(sigil: Arc<Sigil>, mut stop: Stopping) -> Job {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(APP_CHECK_INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = stop.requested() => break,
            }
            if let Err(e) = sigil.check_apps().await {
                tracing::debug!(error = %e, "checking the applications");
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
        let mut backoff = Backoff::new("housekeeping");
        let stopping = {
            let stop = stop.clone();
            move || stop.is_requested()
        };
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = stop.requested() => break,
            }
            let done = retrying(&mut backoff, &mut stop, || {
                sigil.housekeeping(&node, lease, &stopping)
            });
            match done.await {
                None => break,
                Some(Some(purged)) => tracing::debug!(?purged, "housekeeping"),
                Some(None) => tracing::debug!("housekeeping ran on another node"),
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
        let mut backoff = Backoff::new("erasing accounts");
        let stopping = {
            let stop = stop.clone();
            move || stop.is_requested()
        };
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = stop.requested() => break,
            }
            let erased = retrying(&mut backoff, &mut stop, || {
                sigil.erase_due_accounts(&node, lease, &stopping)
            });
            match erased.await {
                None => break,
                Some(Some(erased)) if !erased.is_empty() => tracing::info!(
                    accounts = erased.len(),
                    "erased accounts past their grace period"
                ),
                Some(_) => {}
            }
        }
    })
}

/// Runs `job` until it succeeds, backing off between failures; `None` when the node
/// began to stop while it waited (a running try is never cut short).
async fn retrying<T, F, Fut>(backoff: &mut Backoff, stop: &mut Stopping, mut job: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, CoreError>>,
{
    loop {
        match job().await {
            Ok(done) => {
                backoff.succeeded();
                return Some(done);
            }
            Err(e) => {
                let wait = backoff.failed(&e);
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    () = stop.requested() => return None,
                }
            }
        }
    }
}

/// How a job waits after failing: 1 s, then twice as long after each failure in a row,
/// at most [`Backoff::MOST`]; back to its own pace after a success. An outage of the
/// database is logged once when it starts and once when the job resumes; any other
/// failure at every try, since it points at a fault to fix.
struct Backoff {
    job: &'static str,
    failures: u32,
}

impl Backoff {
    const FIRST: Duration = Duration::from_secs(1);
    const MOST: Duration = Duration::from_secs(30);

    fn new(job: &'static str) -> Self {
        Self { job, failures: 0 }
    }

    /// Notes a failure; how long to wait before trying again.
    fn failed(&mut self, error: &CoreError) -> Duration {
        self.failures = self.failures.saturating_add(1);
        let job = self.job;
        match error {
            CoreError::Unavailable(e) if self.failures == 1 => tracing::warn!(
                error = %format!("{e:#}"),
                "{job}: the database is unavailable; trying again with backoff"
            ),
            CoreError::Unavailable(_) => {
                tracing::debug!(failures = self.failures, "{job}: still unavailable")
            }
            e => tracing::warn!(error = %e, "{job} failed"),
        }
        self.delay()
    }

    /// Notes a success, saying so if the job had been failing.
    fn succeeded(&mut self) {
        if self.failures > 0 {
            let job = self.job;
            tracing::info!(failures = self.failures, "{job}: resumed");
        }
        self.failures = 0;
    }

    fn delay(&self) -> Duration {
        let doublings = self.failures.saturating_sub(1).min(16);
        Self::FIRST.saturating_mul(1 << doublings).min(Self::MOST)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_thirty_seconds_and_starts_over_after_a_success() {
        let mut b = Backoff::new("test");
        let outage = || CoreError::Unavailable(anyhow::anyhow!("down"));
        let waits: Vec<u64> = (0..8).map(|_| b.failed(&outage()).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 30, 30, 30]);
        b.succeeded();
        assert_eq!(b.failed(&outage()), Duration::from_secs(1));
    }
}
