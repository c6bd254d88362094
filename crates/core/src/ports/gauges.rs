//! The storage port of the figures `/metrics` reads at each scrape ([`crate::telemetry`]).
use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreResult;
use crate::outbox::Lane;

/// The messages of one lane waiting in the outbox.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OutboxDepth {
    /// Not yet delivered (nor given up on).
    pub pending: i64,
    /// Of those, the ones due now.
    pub due: i64,
}

/// A node's connections to the database (its pool, or SQLite's writer and readers).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Connections {
    pub in_use: u32,
    pub idle: u32,
}

#[async_trait]
pub trait GaugeRepo {
    /// Browser sessions not yet expired, of every node sharing the database: one count.
    async fn count_active_sessions(&mut self, now: OffsetDateTime) -> StoreResult<i64>;
    /// The depth of `lane`'s queue: one count over the outbox's due index.
    async fn outbox_depth(&mut self, lane: Lane, now: OffsetDateTime) -> StoreResult<OutboxDepth>;
}
