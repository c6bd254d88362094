//! The repository implementations, written once over [`crate::db::Exec`] for every
//! engine.
pub(crate) mod access;
pub(crate) mod apps;
pub(crate) mod cards;
pub(crate) mod contacts;
pub(crate) mod deletion;
pub(crate) mod events;
pub(crate) mod favorites;
pub(crate) mod gauges;
pub(crate) mod grants;
pub(crate) mod hot;
pub(crate) mod identifiers;
pub(crate) mod images;
pub(crate) mod invitations;
pub(crate) mod keys;
pub(crate) mod leases;
pub(crate) mod outbox;
pub(crate) mod privacy;
pub(crate) mod recovery;
pub(crate) mod sessions;
pub(crate) mod throttle;
pub(crate) mod users;

use anyhow::anyhow;
use sigil_core::ports::StoreError;
use time::OffsetDateTime;

pub(crate) fn ts(t: OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

pub(crate) fn dt(secs: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp(secs).map_err(|e| StoreError::Other(anyhow!(e)))
}
