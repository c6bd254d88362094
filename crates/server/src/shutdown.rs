//! Stopping a node gracefully: on SIGTERM or SIGINT the listeners stop accepting (new
//! connections are refused), idle keep-alive connections close, the requests being
//! answered finish, and the background jobs finish their current item and stop — all
//! within `shutdown_timeout_seconds`, after which the server stops anyway and logs how
//! many requests were cut. A second signal cuts the drain at once. Either way the
//! process exits 0: the stop was asked for and done in the promised time; the log says
//! whether anything was cut.
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Serving,
    Draining,
    Cut,
}

/// Asks a running server to stop (see the module's documentation).
#[derive(Clone)]
pub struct Shutdown {
    phase: Arc<watch::Sender<Phase>>,
    /// `AppState::shutting_down`: `/readyz` answers 503 while it is set.
    flag: Arc<AtomicBool>,
}

impl Shutdown {
    pub(crate) fn new(flag: Arc<AtomicBool>) -> Self {
        Self {
            phase: Arc::new(watch::channel(Phase::Serving).0),
            flag,
        }
    }

    /// Starts draining: stop accepting, finish what is in flight.
    pub fn start(&self) {
        self.flag.store(true, Ordering::SeqCst);
        self.phase.send_if_modified(|p| {
            let serving = *p == Phase::Serving;
            if serving {
                *p = Phase::Draining;
            }
            serving
        });
    }

    /// Stops at once, whatever is still in flight.
    pub fn cut(&self) {
        self.flag.store(true, Ordering::SeqCst);
        self.phase.send_replace(Phase::Cut);
    }

    /// What a job or listener waits on.
    pub(crate) fn stopping(&self) -> Stopping {
        Stopping(self.phase.subscribe())
    }
}

/// Resolves once a stop was asked for; never if nobody can ask any more (a test that
/// dropped its handle keeps its server until the runtime ends).
#[derive(Clone)]
pub(crate) struct Stopping(watch::Receiver<Phase>);

impl Stopping {
    pub(crate) async fn requested(&mut self) {
        if self.0.wait_for(|p| *p != Phase::Serving).await.is_err() {
            std::future::pending::<()>().await;
        }
    }

    async fn cut(&mut self) {
        if self.0.wait_for(|p| *p == Phase::Cut).await.is_err() {
            std::future::pending::<()>().await;
        }
    }

    pub(crate) fn is_requested(&self) -> bool {
        *self.0.borrow() != Phase::Serving
    }
}

/// Runs `everything` (the listeners, which drain once a stop is asked for, and then the
/// jobs) until it ends; after a stop, for at most `timeout` or until a cut.
pub(crate) async fn bounded(
    everything: impl Future<Output = ()>,
    mut stopping: Stopping,
    timeout: Duration,
    in_flight: Arc<AtomicUsize>,
) {
    tokio::pin!(everything);
    // The stop first: once asked for, the listeners may end before this task looks.
    tokio::select! {
        biased;
        () = stopping.requested() => {}
        () = &mut everything => {
            // A stop asked for while `everything` was being polled (after the stop's
            // branch was), with nothing in flight: the drain finished in that one poll.
            if stopping.is_requested() {
                tracing::info!("stopped: every request in flight was answered and the jobs finished");
            } else {
                tracing::warn!("the listeners and jobs ended without a stop being asked for");
            }
            return;
        }
    }
    tracing::info!(
        in_flight = in_flight.load(Ordering::SeqCst),
        ?timeout,
        "stopping: no new connections; finishing the requests in flight and the jobs' current items"
    );
    let cut = tokio::select! {
        done = tokio::time::timeout(timeout, &mut everything) => done.is_err(),
        () = stopping.cut() => true,
    };
    if cut {
        let cut = in_flight.load(Ordering::SeqCst);
        tracing::warn!(
            cut,
            "stopped before everything finished: {cut} request(s) in flight were cut"
        );
    } else {
        tracing::info!("stopped: every request in flight was answered and the jobs finished");
    }
}

/// SIGTERM and SIGINT, registered before the server starts so that neither can kill
/// it without a drain: the first starts the drain, a second cuts it.
pub struct Signals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
}

impl Signals {
    pub fn register() -> std::io::Result<Self> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Self {
            term: signal(SignalKind::terminate())?,
            int: signal(SignalKind::interrupt())?,
        })
    }

    /// The next signal's name.
    pub async fn next(&mut self) -> &'static str {
        tokio::select! {
            _ = self.term.recv() => "SIGTERM",
            _ = self.int.recv() => "SIGINT",
        }
    }

    /// Drives `shutdown` from the signals, in a task of its own.
    pub fn drive(mut self, shutdown: Shutdown) {
        tokio::spawn(async move {
            let first = self.next().await;
            tracing::info!(signal = first, "shutting down");
            shutdown.start();
            let second = self.next().await;
            tracing::warn!(signal = second, "a second signal: stopping at once");
            shutdown.cut();
        });
    }
}
