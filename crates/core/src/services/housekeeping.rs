//! Housekeeping: whatever expired for good goes, once per interval across all nodes.
use super::Sigil;
use crate::error::CoreError;

/// The name of housekeeping's lease (see [`crate::ports::LeaseRepo`]).
pub const HOUSEKEEPING: &str = "housekeeping";

/// How many rows one housekeeping run deleted, by kind.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub codes: u64,
    pub families: u64,
    pub revoked_access_tokens: u64,
    pub identifier_requests: u64,
    pub keys: u64,
    /// Activity-log entries past `[events] retention_days`.
    pub events: u64,
}

/// How long an authorization code is kept past its expiry: a second use of a code ends
/// the grant its first use obtained (RFC 6749 §4.1.2), which takes the code's row; an
/// hour covers a replay of an intercepted code well after its minute of life, and past
/// it the replay is refused as an unknown code.
const CODE_KEPT_AFTER_EXPIRY: time::Duration = time::Duration::hours(1);

/// How many activity-log entries one transaction deletes: a few milliseconds of the
/// write lock (SQLite's one writer, PostgreSQL's row locks), so requests slip in between.
const EVENTS_BATCH: i64 = 1000;

/// How many batches one run deletes at most: a database that kept years of log loses
/// it over the next runs instead of keeping one node busy for minutes.
const EVENTS_BATCHES_PER_RUN: u32 = 200;

impl Sigil {
    /// Housekeeping: drops whatever has expired for good, so that nothing grows without
    /// limit however many codes, grants and revocations people cause. `None` when
    /// another node has run it within the last `every`.
    ///
    /// Every node calls it every `every`, and the first to take the [`HOUSEKEEPING`]
    /// lease (held for `every` by the clock, as `node`) runs it, in the transaction that
    /// took the lease: the lease row stays locked until the deletes commit, so two nodes
    /// never delete at once and the others skip until the lease runs out. If the holder
    /// stops, the next node whose turn comes after that takes over. Node clocks must
    /// agree, as token expiry already requires.
    ///
    /// What is deleted, and why nothing still needs it:
    /// - authorization codes an hour past expiry ([`CODE_KEPT_AFTER_EXPIRY`]);
    /// - token families past their absolute lifetime (`expires_at`), revoked or not.
    ///   Every token of a family is refused once the family has ended: access tokens by
    ///   the grant check, which requires a live family, whatever their own `exp`; and the
    ///   refresh token lives exactly as long as its family, so after `expires_at` no
    ///   token of it is unexpired and the unknown family answers as the ended one did
    ///   (`invalid_grant` at the token endpoint, inactive at introspection, nothing at
    ///   revocation). A family *revoked* earlier is kept until then all the same: its
    ///   refresh token is unexpired until `expires_at`, so the row still answers
    ///   "revoked" for it, and the rows this keeps are no more than the live families a
    ///   person could hold for as long anyway;
    /// - revocation entries of access tokens past the token's own expiry, which refuses
    ///   the token before the list is read;
    /// - pending identifier links past their expiry, and signing keys past retention
    ///   (every node already stopped trusting them by the clock);
    /// - activity-log entries older than `[events] retention_days` (at least a year, so
    ///   the person's activity page always shows the last year). These go after the
    ///   lease's transaction, in batches of [`EVENTS_BATCH`] each in a transaction of its
    ///   own, so that purging a long log never holds the write lock for long; the lease
    ///   taken above keeps the other nodes out meanwhile (and two nodes deleting the
    ///   same old rows would do no harm). `stopping` is asked between batches: once the
    ///   node is stopping, the rest waits for the next run (on this node or another).
    pub async fn housekeeping(
        &self,
        node: &str,
        every: time::Duration,
        stopping: &(dyn Fn() -> bool + Sync),
    ) -> Result<Option<Purged>, CoreError> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        if !tx.take_lease(HOUSEKEEPING, node, now, now + every).await? {
            return Ok(None);
        }
        tx.delete_expired_sessions(now).await?;
        tx.purge_counters(now - self.settings.throttle.window)
            .await?;
        // A day after expiry nobody needs a verification, nor a week after a message
        // went out (or was given up) its outbox row.
        tx.purge_verifications(now - time::Duration::days(1))
            .await?;
        tx.purge_messages(now - time::Duration::days(7)).await?;
        tx.purge_recoveries(now - time::Duration::days(1)).await?;
        let purged = Purged {
            codes: tx.purge_codes(now - CODE_KEPT_AFTER_EXPIRY).await?,
            families: tx.purge_families(now).await?,
            revoked_access_tokens: tx.purge_revoked_access_tokens(now).await?,
            identifier_requests: tx.purge_identifier_requests(now).await?,
            keys: tx
                .delete_keys_retired_before(now - self.settings.oidc.key_retention)
                .await?,
            events: 0,
        };
        tx.commit().await?;
        Ok(Some(Purged {
            events: self.purge_old_events(now, stopping).await?,
            ..purged
        }))
    }

    /// Deletes the activity log from before the retention period, a batch per
    /// transaction, until none is left or `stopping` says so; returns how many went.
    async fn purge_old_events(
        &self,
        now: time::OffsetDateTime,
        stopping: &(dyn Fn() -> bool + Sync),
    ) -> Result<u64, CoreError> {
        // A retention reaching before the calendar's start keeps everything.
        let Some(before) = now.checked_sub(self.settings.events_retention) else {
            return Ok(0);
        };
        let mut total = 0;
        for _ in 0..EVENTS_BATCHES_PER_RUN {
            if stopping() {
                break;
            }
            let mut tx = self.store.begin().await?;
            let n = tx.purge_events(before, EVENTS_BATCH).await?;
            tx.commit().await?;
            total += n;
            if n < EVENTS_BATCH.unsigned_abs() {
                break;
            }
        }
        Ok(total)
    }
}
