//! Failed-attempt counters.
use crate::db::query;
use crate::db::Conn;
use crate::db::Exec;
use crate::repos::ts;
use sigil_core::ports::StoreResult;
use sigil_core::ports::ThrottleRepo;
use time::OffsetDateTime;

#[async_trait::async_trait]
impl<E: Exec + 'static> ThrottleRepo for Conn<E> {
    async fn record_failure(&mut self, key: &str, at: OffsetDateTime) -> StoreResult<()> {
        query("INSERT INTO auth_failures (key, at) VALUES ($1, $2)")
            .bind(key)
            .bind(ts(at))
            .execute(&mut self.0)
            .await?;
        Ok(())
    }

    async fn count_failures(&mut self, key: &str, since: OffsetDateTime) -> StoreResult<i64> {
        let (n,): (i64,) = query("SELECT COUNT(*) FROM auth_failures WHERE key = $1 AND at > $2")
            .bind(key)
            .bind(ts(since))
            .fetch_one(&mut self.0)
            .await?;
        Ok(n)
    }

    async fn clear_failures(&mut self, key: &str) -> StoreResult<()> {
        query("DELETE FROM auth_failures WHERE key = $1")
            .bind(key)
            .execute(&mut self.0)
            .await?;
        Ok(())
    }

    async fn purge_failures(&mut self, before: OffsetDateTime) -> StoreResult<u64> {
        let done = query("DELETE FROM auth_failures WHERE at <= $1")
            .bind(ts(before))
            .execute(&mut self.0)
            .await?;
        Ok(done)
    }
}
