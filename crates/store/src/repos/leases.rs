//! Leases on background jobs.
use crate::db::{query, Conn, Exec};
use crate::repos::ts;
use sigil_core::ports::{LeaseRepo, StoreResult};
use time::OffsetDateTime;

#[async_trait::async_trait]
impl<E: Exec + 'static> LeaseRepo for Conn<E> {
    async fn take_lease(
        &mut self,
        name: &str,
        holder: &str,
        now: OffsetDateTime,
        until: OffsetDateTime,
    ) -> StoreResult<bool> {
        // One statement decides: the first taker inserts; a later one updates only a
        // lease that has run out, and gets no row back otherwise. On PostgreSQL a second
        // taker waits on the first's row (or its unique-index entry) until it commits and
        // then sees the new `held_until`; SQLite has one writer.
        let taken: Option<(String,)> = query(
            "INSERT INTO job_leases (name, holder, held_until, runs) VALUES ($1, $2, $4, 1) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, \
             held_until = excluded.held_until, runs = job_leases.runs + 1 \
             WHERE job_leases.held_until <= $3 \
             RETURNING name",
        )
        .bind(name)
        .bind(holder)
        .bind(ts(now))
        .bind(ts(until))
        .fetch_optional(&mut self.0)
        .await?;
        Ok(taken.is_some())
    }
}
