//! Applications held in memory by each node (for the token endpoint's client lookup)
//! never outlive a change made elsewhere by more than a few seconds: two nodes on one
//! database, the change made on one node, by the CLI, or by hand in the database, and
//! the other node refuses what the change took away, polling, within a bound that only
//! fails the test when the change is never seen.
use std::process::Command;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use sigil_store::testing::{execute, Backend};

use crate::helpers::{spawn_app, spawn_node, TestApp};
use crate::oidc_helpers::{post_client, register, Rp};
use crate::on_both_backends;

on_both_backends!(a_change_to_an_application_reaches_the_other_node_within_seconds);

/// Far longer than the few seconds a node may take (its check interval and trust
/// bound): reached only if the change is never seen.
const NEVER: Duration = Duration::from_secs(30);

async fn client_credentials(node: &TestApp, rp: &Rp) -> StatusCode {
    post_client(
        node,
        rp,
        "/oauth/token",
        &[("grant_type", "client_credentials")],
    )
    .await
    .0
}

/// Asks `node` until `rp` gets `want`; fails only if it never does.
async fn until(node: &TestApp, rp: &Rp, want: StatusCode, what: &str) {
    let deadline = Instant::now() + NEVER;
    loop {
        let got = client_credentials(node, rp).await;
        if got == want {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: still {got}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `sigil app delete ID` from another process on the same database.
async fn delete_with_the_cli(app: &TestApp, client_id: &str) {
    let (dir, url, id) = (
        app.dir.clone(),
        app.database_url.clone(),
        client_id.to_owned(),
    );
    let out = tokio::task::spawn_blocking(move || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_sigil"));
        for var in [
            "SIGIL_CONFIG",
            "SIGIL_LISTEN",
            "SIGIL_PUBLIC_URL",
            "SIGIL_MASTER_KEY",
        ] {
            c.env_remove(var);
        }
        c.env("SIGIL_DATA_DIR", dir)
            .env("DATABASE_URL", url)
            .args(["app", "delete", &id])
            .output()
            .expect("run sigil app delete")
    })
    .await
    .expect("join");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn a_change_to_an_application_reaches_the_other_node_within_seconds(backend: Backend) {
    let one = spawn_app(backend).await;
    let two = spawn_node(&one, |_| {}).await;
    let svc = register(&one, "service", None).await;
    let other = register(&one, "service", None).await;
    let third = register(&one, "service", None).await;

    // Node two serves all three from memory once it has checked and looked them up.
    let deadline = Instant::now() + NEVER;
    while two.sigil.held_app_count() < 3 {
        assert!(
            Instant::now() < deadline,
            "node two never held the applications"
        );
        for rp in [&svc, &other, &third] {
            assert_eq!(client_credentials(&two, rp).await, StatusCode::OK);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // An operator gives `svc` another secret by hand, in the database: no Sigil code
    // runs, yet node two refuses the old secret within seconds and takes the new one.
    execute(
        &one.database_url,
        &format!(
            "UPDATE applications SET secret_hash = \
             (SELECT secret_hash FROM applications WHERE client_id = '{}') \
             WHERE client_id = '{}'",
            other.client_id, svc.client_id
        ),
    )
    .await
    .expect("change the secret");
    until(&two, &svc, StatusCode::UNAUTHORIZED, "the old secret").await;
    let rotated = Rp {
        secret: other.secret.clone(),
        ..svc
    };
    assert_eq!(client_credentials(&two, &rotated).await, StatusCode::OK);
    assert_eq!(client_credentials(&one, &rotated).await, StatusCode::OK);

    // The CLI deletes it: node two refuses it within seconds.
    delete_with_the_cli(&one, &rotated.client_id).await;
    until(
        &two,
        &rotated,
        StatusCode::UNAUTHORIZED,
        "the deleted application",
    )
    .await;

    // Node one deletes another through its own use case: node two follows, and node
    // one itself refuses at once.
    assert_eq!(client_credentials(&two, &third).await, StatusCode::OK);
    one.sigil
        .delete_app(&third.client_id)
        .await
        .expect("delete");
    assert_eq!(
        client_credentials(&one, &third).await,
        StatusCode::UNAUTHORIZED
    );
    until(
        &two,
        &third,
        StatusCode::UNAUTHORIZED,
        "the application node one deleted",
    )
    .await;
    assert_eq!(client_credentials(&two, &other).await, StatusCode::OK);
}
