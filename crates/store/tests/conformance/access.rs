//! Access to closed applications (and closing one): granted once whoever comes first, listed, revoked,
//! and held by `lock_access` so that a revocation waits for the transaction that
//! decided on it.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use sigil_core::access::{AccessSource, AppAccess};
use sigil_core::ids::{ClientId, UserId};
use sigil_store::testing::Backend;
use time::Duration;

use crate::oidc::app;
use crate::{new_user, on_both_backends, store, T0};

on_both_backends!(
    access_is_granted_once_listed_and_revoked,
    a_locked_access_row_makes_a_revocation_wait_for_the_commit,
);

fn access(user: UserId, client: &str, source: AccessSource) -> AppAccess {
    AppAccess {
        user_id: user,
        client_id: ClientId(client.into()),
        source,
        invitation_id: None,
        granted_at: T0,
    }
}

async fn access_is_granted_once_listed_and_revoked(backend: Backend) {
    let store = store(backend).await;
    let mut tx = store.begin().await.expect("begin");
    let ada = new_user("ada", None);
    tx.create_user(&ada).await.expect("user");
    tx.create_app(&app("closed")).await.expect("app");
    let client = ClientId("closed".into());
    assert!(tx
        .set_app_listing(&client, true, true)
        .await
        .expect("listing"));
    let found = tx.find_app(&client).await.expect("find").expect("app");
    assert!(found.closed && found.in_catalog);
    assert!(!tx
        .set_app_listing(&ClientId("nope".into()), true, false)
        .await
        .expect("listing"));

    assert!(!tx.has_access(ada.id, &client).await.expect("has"));
    assert!(!tx.lock_access(ada.id, &client).await.expect("lock"));
    assert!(tx
        .grant_access(&access(ada.id, "closed", AccessSource::Invitation))
        .await
        .expect("grant"));
    let mut later = access(ada.id, "closed", AccessSource::Operator);
    later.granted_at = T0 + Duration::minutes(1);
    assert!(
        !tx.grant_access(&later).await.expect("grant again"),
        "held already"
    );
    assert!(tx.has_access(ada.id, &client).await.expect("has"));
    assert!(tx.lock_access(ada.id, &client).await.expect("lock"));
    let listed = tx.list_access_of_app(&client).await.expect("list");
    assert_eq!(
        listed,
        vec![access(ada.id, "closed", AccessSource::Invitation)],
        "the first grant keeps the row"
    );
    assert_eq!(tx.list_access_of_user(ada.id).await.expect("list"), listed);

    assert!(tx.revoke_access(ada.id, &client).await.expect("revoke"));
    assert!(!tx.revoke_access(ada.id, &client).await.expect("again"));
    assert!(!tx.has_access(ada.id, &client).await.expect("has"));
    assert!(!tx.lock_access(ada.id, &client).await.expect("lock"));
    tx.commit().await.expect("commit");
}

async fn a_locked_access_row_makes_a_revocation_wait_for_the_commit(backend: Backend) {
    let store = store(backend).await;
    let ada = new_user("ada", None);
    let client = ClientId("closed".into());
    let mut tx = store.begin().await.expect("begin");
    tx.create_user(&ada).await.expect("user");
    tx.create_app(&app("closed")).await.expect("app");
    tx.grant_access(&access(ada.id, "closed", AccessSource::Operator))
        .await
        .expect("grant");
    tx.commit().await.expect("commit");

    let mut holder = store.begin().await.expect("begin");
    assert!(holder.lock_access(ada.id, &client).await.expect("lock"));
    let committed = Arc::new(AtomicBool::new(false));
    let revocation = {
        let (store, client, committed) = (store.clone(), client.clone(), committed.clone());
        tokio::spawn(async move {
            let mut tx = store.begin().await.expect("begin");
            let revoked = tx.revoke_access(ada.id, &client).await.expect("revoke");
            let after_commit = committed.load(Ordering::SeqCst);
            tx.commit().await.expect("commit");
            (revoked, after_commit)
        })
    };
    // Long enough for the revocation to reach the row and queue on it.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    committed.store(true, Ordering::SeqCst);
    holder.commit().await.expect("commit");
    let (revoked, after_commit) = revocation.await.expect("task");
    assert!(revoked);
    assert!(
        after_commit,
        "the revocation waited for the lock's transaction"
    );
}
