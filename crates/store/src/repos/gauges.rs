//! The counts `/metrics` reads at each scrape.
use sigil_core::outbox::{AppNotice, Lane};
use sigil_core::ports::{GaugeRepo, OutboxDepth, StoreResult};
use time::OffsetDateTime;

use crate::db::{query, Conn, Exec};
use crate::repos::ts;

#[async_trait::async_trait]
impl<E: Exec + 'static> GaugeRepo for Conn<E> {
    async fn count_active_sessions(&mut self, now: OffsetDateTime) -> StoreResult<i64> {
        let (n,): (i64,) = query("SELECT COUNT(*) FROM sessions WHERE expires_at > $1")
            .bind(ts(now))
            .fetch_one(&mut self.0)
            .await?;
        Ok(n)
    }

    async fn outbox_depth(&mut self, lane: Lane, now: OffsetDateTime) -> StoreResult<OutboxDepth> {
        // Pending rows only, found through the (status, next_attempt_at) index.
        let sql = match lane {
            Lane::People => {
                "SELECT COUNT(*), COUNT(*) FILTER (WHERE next_attempt_at <= $1) FROM outbox \
                 WHERE status = 'pending' AND channel <> $2"
            }
            Lane::Applications => {
                "SELECT COUNT(*), COUNT(*) FILTER (WHERE next_attempt_at <= $1) FROM outbox \
                 WHERE status = 'pending' AND channel = $2"
            }
        };
        let (pending, due): (i64, i64) = query(sql)
            .bind(ts(now))
            .bind(AppNotice::CHANNEL)
            .fetch_one(&mut self.0)
            .await?;
        Ok(OutboxDepth { pending, due })
    }
}
