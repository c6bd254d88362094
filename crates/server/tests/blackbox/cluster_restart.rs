//! PostgreSQL restarting under the cluster's running nodes (see `cluster`): while it is
//! down every node says it is not ready and answers 503 without issuing a token, within
//! the bound; once it is back every node is ready again by itself, without a restart.
use std::time::Duration;

use reqwest::StatusCode;

use crate::cluster::refresh;
use crate::oidc_helpers::Rp;
use crate::outage::{assert_no_token, timed};
use crate::own_postgres::OwnPostgres;
use crate::sigil_process::Node;

/// How long a node may take to be ready again after PostgreSQL is: a bound against
/// hanging, not a measurement (its jobs back off up to 30 s, but requests do not wait
/// for them).
const RECOVERY_BOUND: Duration = Duration::from_secs(30);

/// Stops PostgreSQL under `nodes` and starts it again; `refresh_token`, tried on every
/// node meanwhile, is refused with 503 and must still work afterwards.
pub async fn database_restarts_under(
    pg: &OwnPostgres,
    nodes: &[Node],
    rp: &Rp,
    refresh_token: &str,
) {
    pg.down().await;
    for node in nodes {
        let r = timed(
            "/readyz while PostgreSQL is down",
            reqwest::get(format!("{}/readyz", node.base)),
        )
        .await
        .expect("GET /readyz");
        assert_eq!(
            r.status(),
            StatusCode::SERVICE_UNAVAILABLE,
            "on {}",
            node.name
        );
        let (status, body) = timed("a refresh", refresh(&node.base, rp, refresh_token)).await;
        assert_no_token(&format!("a refresh on {}", node.name), status, &body);
    }
    pg.up().await;
    let deadline = tokio::time::Instant::now() + RECOVERY_BOUND;
    for node in nodes {
        loop {
            let ready = reqwest::get(format!("{}/readyz", node.base))
                .await
                .is_ok_and(|r| r.status() == StatusCode::OK);
            if ready {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{} is not ready again without a restart:\n{}",
                node.name,
                node.log_text()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
