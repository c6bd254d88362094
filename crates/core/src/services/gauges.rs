//! The figures `/metrics` reads from the database at each scrape.
use super::Sigil;
use crate::error::CoreError;
use crate::outbox::Lane;
use crate::telemetry::{self, ACTIVE_SESSIONS, DB_CONNECTIONS, OUTBOX_DUE, OUTBOX_PENDING};

impl Sigil {
    /// Sets the gauges that the database knows and every node shares (active sessions,
    /// the outbox's depth by lane) and this node's connections: a few indexed counts on
    /// one read handle, so a scrape shows other nodes' sign-ins and sign-outs too.
    pub async fn record_gauges(&self) -> Result<(), CoreError> {
        // The pool is read first: the handle below would count as one in use.
        if let Some(c) = self.store.connections() {
            metrics::gauge!(DB_CONNECTIONS, "state" => "in_use").set(f64::from(c.in_use));
            metrics::gauge!(DB_CONNECTIONS, "state" => "idle").set(f64::from(c.idle));
        }
        let now = self.clock.now();
        let mut conn = self.store.read().await?;
        let sessions = conn.count_active_sessions(now).await?;
        let mut depths = Vec::with_capacity(Lane::ALL.len());
        for lane in Lane::ALL {
            depths.push((lane, conn.outbox_depth(lane, now).await?));
        }
        drop(conn);
        metrics::gauge!(ACTIVE_SESSIONS).set(sessions as f64);
        for (lane, depth) in depths {
            let lane = telemetry::lane_label(lane);
            metrics::gauge!(OUTBOX_PENDING, "lane" => lane).set(depth.pending as f64);
            metrics::gauge!(OUTBOX_DUE, "lane" => lane).set(depth.due as f64);
        }
        Ok(())
    }
}
