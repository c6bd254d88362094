//! The repository implementations, written once as macros and expanded per driver by
//! [`impl_repos!`]. Row types and conversions are ordinary generic code.
pub(crate) mod apps;
pub(crate) mod events;
pub(crate) mod grants;
pub(crate) mod keys;
pub(crate) mod sessions;
pub(crate) mod throttle;
pub(crate) mod users;

use anyhow::anyhow;
use sigil_core::ports::StoreError;
use time::OffsetDateTime;

/// Maps a driver error; unique violations become [`StoreError::Conflict`] naming the
/// guarded field (SQLite says `users.login`, PostgreSQL `users_login_key`).
pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        if db.is_unique_violation() {
            let text = format!("{} {}", db.message(), db.constraint().unwrap_or_default());
            for field in ["login", "email"] {
                if text.contains(field) {
                    return StoreError::Conflict(field);
                }
            }
        }
    }
    StoreError::Other(anyhow!(e))
}

pub(crate) fn ts(t: OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

pub(crate) fn dt(secs: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp(secs).map_err(|e| StoreError::Other(anyhow!(e)))
}

/// Implements every repository trait and [`sigil_core::ports::Tx`] for
/// `Handle<$db>`.
macro_rules! impl_repos {
    ($db:ty) => {
        $crate::repos::users::users_repo!($db);
        $crate::repos::sessions::sessions_repo!($db);
        $crate::repos::events::events_repo!($db);
        $crate::repos::throttle::throttle_repo!($db);
        $crate::repos::apps::apps_repo!($db);
        $crate::repos::grants::grants_repo!($db);
        $crate::repos::keys::keys_repo!($db);

        #[async_trait::async_trait]
        impl sigil_core::ports::Tx for $crate::handle::Handle<$db> {
            async fn commit(self: Box<Self>) -> sigil_core::ports::StoreResult<()> {
                (*self).finish().await.map_err($crate::repos::db_err)
            }
        }
    };
}
pub(crate) use impl_repos;
