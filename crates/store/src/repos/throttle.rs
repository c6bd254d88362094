//! Failed-attempt counters.
macro_rules! throttle_repo {
    ($db:ty) => {
        const _: () = {
            use sigil_core::ports::{StoreResult, ThrottleRepo};
            use time::OffsetDateTime;

            use $crate::handle::Handle;
            use $crate::repos::{db_err, ts};

            #[async_trait::async_trait]
            impl ThrottleRepo for Handle<$db> {
                async fn record_failure(
                    &mut self,
                    key: &str,
                    at: OffsetDateTime,
                ) -> StoreResult<()> {
                    sqlx::query("INSERT INTO auth_failures (key, at) VALUES ($1, $2)")
                        .bind(key)
                        .bind(ts(at))
                        .execute(self.conn())
                        .await
                        .map_err(db_err)?;
                    Ok(())
                }

                async fn count_failures(
                    &mut self,
                    key: &str,
                    since: OffsetDateTime,
                ) -> StoreResult<i64> {
                    let (n,): (i64,) = sqlx::query_as(
                        "SELECT COUNT(*) FROM auth_failures WHERE key = $1 AND at > $2",
                    )
                    .bind(key)
                    .bind(ts(since))
                    .fetch_one(self.conn())
                    .await
                    .map_err(db_err)?;
                    Ok(n)
                }

                async fn clear_failures(&mut self, key: &str) -> StoreResult<()> {
                    sqlx::query("DELETE FROM auth_failures WHERE key = $1")
                        .bind(key)
                        .execute(self.conn())
                        .await
                        .map_err(db_err)?;
                    Ok(())
                }

                async fn purge_failures(&mut self, before: OffsetDateTime) -> StoreResult<u64> {
                    let done = sqlx::query("DELETE FROM auth_failures WHERE at <= $1")
                        .bind(ts(before))
                        .execute(self.conn())
                        .await
                        .map_err(db_err)?;
                    Ok(done.rows_affected())
                }
            }
        };
    };
}
pub(crate) use throttle_repo;
