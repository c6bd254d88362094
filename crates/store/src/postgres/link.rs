//! The link to PostgreSQL and what to do when it breaks.
//!
//! Every outage becomes [`StoreError::Unavailable`] (answered 503), whatever form it
//! takes: the pool found no connection within `acquire_timeout` (the server refuses or
//! does not answer), the server cancelled a statement after `statement_timeout`, a
//! connection broke (I/O, TLS, a protocol error on a dropped socket, SQLSTATE class 08),
//! the server is shutting down or not accepting connections yet (57P01–57P03), it ran
//! out of resources (class 53), it is a read-only standby (25006, as during a fail-over),
//! or a transaction lost to another one (40001 serialization failure, 40P01 deadlock,
//! 55P03 lock not available): all of them pass, so the client is told to try again
//! rather than given a server error. A silent network (packets dropped, no reset) would make
//! a round trip wait for TCP's own timeouts, minutes: every round trip therefore runs
//! under a client-side backstop a little longer than `statement_timeout`.
//!
//! Recovery without a restart: a connection that broke or timed out is closed instead of
//! going back to the pool. Connections that sat idle while the link failed (the pool
//! still holds them after PostgreSQL restarted, each a dead socket) are pinged once
//! before use; otherwise no acquire pays a round trip for a ping. And a statement that
//! fails on a dead pooled connection before anything was done on it (`BEGIN`, or the
//! first read of a read handle) is run once more on a fresh connection — only when the
//! connection was found broken (a closed socket, an I/O error), never after a timeout
//! (a server that does not answer would only make the retry wait as long again), and
//! only within one deadline for the attempt and the retry ([`Link::window`], measured
//! from the first acquire), so a request still answers within about two seconds.
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sigil_core::ports::StoreError;

/// How much longer than `statement_timeout` the client waits for a round trip: the
/// server's own cancellation (57014) comes first whenever the server is there.
const BACKSTOP_MARGIN: Duration = Duration::from_millis(250);

/// What the store knows of its link to the server.
pub(crate) struct Link {
    /// The longest a round trip may take before the connection is given up.
    pub(crate) backstop: Duration,
    /// How long `begin`, or a read handle's first statement, may take in all, counted
    /// from the first acquire: the retry on a fresh connection gets what is left.
    pub(crate) window: Duration,
    epoch: Instant,
    /// When a connection last failed: milliseconds since `epoch`, plus one (0: never).
    last_failure: AtomicU64,
}

impl Link {
    pub(crate) fn new(statement_timeout: Duration, acquire_timeout: Duration) -> Self {
        let backstop = statement_timeout + BACKSTOP_MARGIN;
        Self {
            backstop,
            window: backstop.max(acquire_timeout),
            epoch: Instant::now(),
            last_failure: AtomicU64::new(0),
        }
    }

    /// Notes that the link failed now.
    pub(crate) fn failed(&self) {
        self.failed_at(self.epoch.elapsed());
    }

    /// Whether a connection idle for `idle_for` has been idle since before the last
    /// failure: it may be a dead socket and is pinged before use.
    pub(crate) fn idle_across_failure(&self, idle_for: Duration) -> bool {
        self.idle_across_failure_at(idle_for, self.epoch.elapsed())
    }

    /// Whether a connection failed within the last [`RECENT`]: an error page then
    /// does not ask the database again who is signed in.
    pub(crate) fn recently_failed(&self) -> bool {
        self.failed_within_at(RECENT, self.epoch.elapsed())
    }

    fn failed_within_at(&self, span: Duration, now: Duration) -> bool {
        match self.last_failure.load(Ordering::Relaxed) {
            0 => false,
            stamp => now.saturating_sub(Duration::from_millis(stamp - 1)) <= span,
        }
    }

    /// [`Self::failed`] at `now` (time since the link was made).
    fn failed_at(&self, now: Duration) {
        let ms = u64::try_from(now.as_millis()).unwrap_or(u64::MAX - 1);
        self.last_failure.store(ms + 1, Ordering::Relaxed);
    }

    /// [`Self::idle_across_failure`] at `now` (time since the link was made).
    fn idle_across_failure_at(&self, idle_for: Duration, now: Duration) -> bool {
        match self.last_failure.load(Ordering::Relaxed) {
            0 => false,
            stamp => {
                let failed_at = Duration::from_millis(stamp - 1);
                now.saturating_sub(idle_for) <= failed_at
            }
        }
    }

    /// `f`, or an I/O timeout once the backstop has passed (the connection is then in an
    /// unknown state and is closed by the caller, see [`is_broken`]).
    pub(crate) async fn within<T>(
        &self,
        f: impl std::future::Future<Output = Result<T, sqlx::Error>>,
    ) -> Result<T, sqlx::Error> {
        timed(self.backstop, f).await
    }

    /// [`Self::within`], but no later than `deadline`.
    pub(crate) async fn within_until<T>(
        &self,
        deadline: Instant,
        f: impl std::future::Future<Output = Result<T, sqlx::Error>>,
    ) -> Result<T, sqlx::Error> {
        let left = deadline.saturating_duration_since(Instant::now());
        timed(self.backstop.min(left), f).await
    }
}

/// How long after a failure [`Link::recently_failed`] holds.
const RECENT: Duration = Duration::from_secs(5);

/// `f`, or an I/O timeout (see [`is_timeout`]) after `wait`.
async fn timed<T>(
    wait: Duration,
    f: impl std::future::Future<Output = Result<T, sqlx::Error>>,
) -> Result<T, sqlx::Error> {
    match tokio::time::timeout(wait, f).await {
        Ok(done) => done,
        Err(_) => Err(sqlx::Error::Io(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!("PostgreSQL did not answer within {wait:?}"),
        ))),
    }
}

/// Whether `e` is a wait that ran out (the backstop, the pool's acquire timeout, or the
/// server's statement timeout): the server is there but does not answer in time, so
/// trying again on another connection would only wait as long again.
pub(crate) fn is_timeout(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Io(io) => io.kind() == std::io::ErrorKind::TimedOut,
        sqlx::Error::Database(_) => sqlstate(e).as_deref() == Some("57014"),
        _ => false,
    }
}

/// Whether a statement that failed with `e` before anything was done on its connection
/// is worth sending once more on a fresh one: the connection was found dead, not slow.
pub(crate) fn worth_retrying(e: &sqlx::Error) -> bool {
    is_broken(e) && !is_timeout(e)
}

/// The SQLSTATE of a database error, if it is one.
fn sqlstate(e: &sqlx::Error) -> Option<String> {
    match e {
        sqlx::Error::Database(db) => db.code().map(|c| c.into_owned()),
        _ => None,
    }
}

/// Whether the connection `e` came from can no longer be used: it is closed rather
/// than returned to the pool, and a statement that did nothing yet may be retried on
/// another.
pub(crate) fn is_broken(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(_) => sqlstate(e).is_some_and(|code| {
            // Class 08: connection exceptions; 57P01/57P02: the server is shutting
            // down and ended this session.
            code.starts_with("08") || code == "57P01" || code == "57P02"
        }),
        _ => false,
    }
}

/// Whether `e` means the database is unavailable for now (see the module's doc).
pub(crate) fn is_outage(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => true,
        sqlx::Error::Database(_) => is_broken(e) || sqlstate(e).is_some_and(|c| passing(&c)),
        _ => is_broken(e),
    }
}

/// Whether SQLSTATE `code` reports a condition that passes by itself: 57P03 cannot
/// connect now (starting up); 57014 statement timeout (query_canceled); class 53
/// insufficient resources (disk full, out of memory, too many connections); 25006
/// read-only transaction (a standby, or a primary being demoted); 40001 and 40P01 (the
/// transaction lost a serialization conflict or a deadlock); 55P03 (a lock timeout).
fn passing(code: &str) -> bool {
    matches!(
        code,
        "57P03" | "57014" | "25006" | "40001" | "40P01" | "55P03"
    ) || code.starts_with("53")
}

/// `e` as the store's error: an outage is [`StoreError::Unavailable`].
pub(crate) fn outage(e: sqlx::Error) -> StoreError {
    StoreError::Unavailable(anyhow::anyhow!(e).context("PostgreSQL"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_idle_since_before_a_failure_is_suspect_and_a_newer_one_is_not() {
        let link = Link::new(Duration::from_millis(100), Duration::from_millis(100));
        let at = Duration::from_secs;
        assert!(
            !link.idle_across_failure_at(at(3600), at(7200)),
            "no failure yet"
        );
        link.failed_at(at(100));
        // Idle since 90 s: it sat in the pool when the link failed at 100 s.
        assert!(link.idle_across_failure_at(at(30), at(120)));
        // Idle since 110 s: it came back to the pool after the failure.
        assert!(!link.idle_across_failure_at(at(10), at(120)));
    }

    #[test]
    fn a_failure_is_recent_for_a_few_seconds() {
        let link = Link::new(Duration::from_millis(100), Duration::from_millis(100));
        let at = Duration::from_secs;
        assert!(!link.failed_within_at(RECENT, at(10)), "no failure yet");
        link.failed_at(at(100));
        assert!(link.failed_within_at(RECENT, at(102)));
        assert!(!link.failed_within_at(RECENT, at(110)));
    }

    #[test]
    fn a_timeout_is_not_retried_and_a_reset_is() {
        let reset = sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
        let timed_out = sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::TimedOut));
        assert!(worth_retrying(&reset));
        assert!(is_broken(&timed_out) && !worth_retrying(&timed_out));
        assert!(!worth_retrying(&sqlx::Error::PoolTimedOut));
    }

    #[tokio::test]
    async fn the_backstop_yields_a_timeout_that_is_not_retried() {
        let link = Link::new(Duration::from_millis(10), Duration::from_millis(10));
        let never = std::future::pending::<Result<(), sqlx::Error>>();
        let e = link.within(never).await.err();
        assert!(e
            .as_ref()
            .is_some_and(|e| is_timeout(e) && !worth_retrying(e)));
        let past = Instant::now();
        let started = Instant::now();
        let never = std::future::pending::<Result<(), sqlx::Error>>();
        assert!(link.within_until(past, never).await.is_err());
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn io_pool_and_protocol_failures_are_outages_and_broken_connections() {
        let io = sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
        assert!(is_broken(&io) && is_outage(&io));
        assert!(is_outage(&sqlx::Error::PoolTimedOut));
        assert!(!is_broken(&sqlx::Error::PoolTimedOut));
        assert!(is_outage(&sqlx::Error::Protocol(
            "unexpected message".into()
        )));
        assert!(!is_outage(&sqlx::Error::RowNotFound));
        assert!(!is_outage(&sqlx::Error::ColumnNotFound("x".into())));
    }

    #[test]
    fn passing_conditions_are_outages_and_faults_in_the_request_are_not() {
        for code in [
            "57P03", "57014", "53100", "53300", "25006", "40001", "40P01", "55P03",
        ] {
            assert!(passing(code), "{code}");
        }
        // Unique and foreign-key violations, a syntax error, a missing table.
        for code in ["23505", "23503", "42601", "42P01", "22P02"] {
            assert!(!passing(code), "{code}");
        }
    }
}
