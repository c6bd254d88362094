//! The outbox of messages waiting for delivery.
use sigil_core::outbox::{AppNotice, Claimed, DeliveryStatus, Lane, MAX_DELIVERIES};
use sigil_core::ports::{OutboxRepo, StoreResult};
use time::OffsetDateTime;

use crate::db::{query, row_struct, Conn, Exec};
use crate::repos::ts;

row_struct! {
    pub(crate) struct ClaimedRow {
        id: i64,
        payload: Option<String>,
        attempts: i64,
    }
}

/// Claims due messages of one lane (`$lane`, over `$4`: the applications' channel); a
/// macro, so the statements stay `&'static str`.
macro_rules! claim {
    ($lane:literal) => {
        concat!(
            "UPDATE outbox SET locked_until = $2 WHERE id IN (SELECT id FROM outbox ",
            "WHERE status = 'pending' AND next_attempt_at <= $1 AND ",
            $lane,
            " AND (locked_until IS NULL OR locked_until <= $1) ORDER BY id LIMIT $3) ",
            "AND status = 'pending' AND (locked_until IS NULL OR locked_until <= $1) ",
            "RETURNING id, payload, attempts"
        )
    };
}

#[async_trait::async_trait]
impl<E: Exec + 'static> OutboxRepo for Conn<E> {
    async fn enqueue_message(
        &mut self,
        channel: &str,
        recipient: &str,
        sealed_payload: &str,
        at: OffsetDateTime,
    ) -> StoreResult<i64> {
        let (id,): (i64,) = query(
            "INSERT INTO outbox (channel, recipient, payload, status, attempts, next_attempt_at, \
             created_at) VALUES ($1, $2, $3, 'pending', 0, $4, $4) RETURNING id",
        )
        .bind(channel)
        .bind(recipient)
        .bind(sealed_payload)
        .bind(ts(at))
        .fetch_one(&mut self.0)
        .await?;
        Ok(id)
    }

    async fn claim_due_messages(
        &mut self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: i64,
        lane: Lane,
    ) -> StoreResult<Vec<Claimed>> {
        // The lease is re-checked by the UPDATE itself, so of two nodes racing for a
        // row (PostgreSQL re-reads it after waiting for the other's lock) one wins.
        let sql = match lane {
            Lane::People => claim!("channel <> $4"),
            Lane::Applications => claim!("channel = $4"),
        };
        let rows: Vec<ClaimedRow> = query(sql)
            .bind(ts(now))
            .bind(ts(lease_until))
            .bind(limit)
            .bind(AppNotice::CHANNEL)
            .fetch_all(&mut self.0)
            .await?;
        let mut out: Vec<Claimed> = rows
            .into_iter()
            .map(|r| Claimed {
                id: r.id,
                payload: r.payload,
                attempts: r.attempts,
            })
            .collect();
        out.sort_by_key(|c| c.id);
        Ok(out)
    }

    async fn release_message(&mut self, id: i64, lease_until: OffsetDateTime) -> StoreResult<bool> {
        let n = query(
            "UPDATE outbox SET locked_until = NULL \
             WHERE id = $1 AND status = 'pending' AND locked_until = $2",
        )
        .bind(id)
        .bind(ts(lease_until))
        .execute(&mut self.0)
        .await?;
        Ok(n == 1)
    }

    async fn mark_message_sent(&mut self, id: i64, at: OffsetDateTime) -> StoreResult<()> {
        query(
            "UPDATE outbox SET status = 'sent', payload = NULL, sent_at = $2, \
             attempts = attempts + 1, locked_until = NULL, last_error = NULL \
             WHERE id = $1 AND status = 'pending'",
        )
        .bind(id)
        .bind(ts(at))
        .execute(&mut self.0)
        .await?;
        Ok(())
    }

    async fn mark_message_retry(
        &mut self,
        id: i64,
        attempts: i64,
        next_at: OffsetDateTime,
        error: &str,
    ) -> StoreResult<()> {
        query(
            "UPDATE outbox SET attempts = $2, next_attempt_at = $3, last_error = $4, \
             locked_until = NULL WHERE id = $1",
        )
        .bind(id)
        .bind(attempts)
        .bind(ts(next_at))
        .bind(error)
        .execute(&mut self.0)
        .await?;
        Ok(())
    }

    async fn mark_message_failed(
        &mut self,
        id: i64,
        attempts: i64,
        error: &str,
    ) -> StoreResult<()> {
        query(
            "UPDATE outbox SET status = 'failed', payload = NULL, attempts = $2, \
             last_error = $3, locked_until = NULL WHERE id = $1",
        )
        .bind(id)
        .bind(attempts)
        .bind(error)
        .execute(&mut self.0)
        .await?;
        Ok(())
    }

    async fn purge_messages(&mut self, before: OffsetDateTime) -> StoreResult<u64> {
        query("DELETE FROM outbox WHERE status IN ('sent', 'failed') AND created_at < $1")
            .bind(ts(before))
            .execute(&mut self.0)
            .await
    }

    async fn message_status(&mut self, id: i64) -> StoreResult<Option<DeliveryStatus>> {
        let row: Option<(String, i64)> = query("SELECT status, attempts FROM outbox WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut self.0)
            .await?;
        Ok(row.map(|(status, attempts)| match status.as_str() {
            "sent" => DeliveryStatus::Sent,
            "failed" => DeliveryStatus::Failed,
            _ if attempts >= MAX_DELIVERIES => DeliveryStatus::Failed,
            _ => DeliveryStatus::Pending { attempts },
        }))
    }
}
