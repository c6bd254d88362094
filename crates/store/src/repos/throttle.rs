//! Attempt counters.
use crate::db::{query, row_struct, Conn, Exec};
use crate::repos::{dt, ts};
use sigil_core::ports::StoreResult;
use sigil_core::ports::ThrottleRepo;
use sigil_core::throttle::AttemptCounter;
use time::OffsetDateTime;

row_struct! {
    struct CounterRow {
        window_start: i64,
        attempts: i64,
        refused: i64,
        last_at: i64,
    }
}

#[async_trait::async_trait]
impl<E: Exec + 'static> ThrottleRepo for Conn<E> {
    async fn lock_counter(
        &mut self,
        key: &str,
        now: OffsetDateTime,
    ) -> StoreResult<AttemptCounter> {
        // The upsert's no-op update takes the row lock on PostgreSQL (and inserts the row
        // when two requests are the first at once without a unique violation); SQLite's
        // transaction holds the single writer already.
        let row: CounterRow = query(
            "INSERT INTO attempt_counters (key, window_start, attempts, refused, last_at) \
             VALUES ($1, $2, 0, 0, $2) \
             ON CONFLICT (key) DO UPDATE SET key = excluded.key \
             RETURNING window_start, attempts, refused, last_at",
        )
        .bind(key)
        .bind(ts(now))
        .fetch_one(&mut self.0)
        .await?;
        Ok(AttemptCounter {
            window_start: dt(row.window_start)?,
            attempts: row.attempts,
            refused: row.refused,
            last_at: dt(row.last_at)?,
        })
    }

    async fn save_counter(&mut self, key: &str, c: &AttemptCounter) -> StoreResult<()> {
        query(
            "UPDATE attempt_counters SET window_start = $2, attempts = $3, refused = $4, \
             last_at = $5 WHERE key = $1",
        )
        .bind(key)
        .bind(ts(c.window_start))
        .bind(c.attempts)
        .bind(c.refused)
        .bind(ts(c.last_at))
        .execute(&mut self.0)
        .await?;
        Ok(())
    }

    async fn clear_counter(&mut self, key: &str) -> StoreResult<()> {
        query("DELETE FROM attempt_counters WHERE key = $1")
            .bind(key)
            .execute(&mut self.0)
            .await?;
        Ok(())
    }

    async fn purge_counters(&mut self, before: OffsetDateTime) -> StoreResult<u64> {
        let done = query("DELETE FROM attempt_counters WHERE window_start <= $1")
            .bind(ts(before))
            .execute(&mut self.0)
            .await?;
        Ok(done)
    }
}
