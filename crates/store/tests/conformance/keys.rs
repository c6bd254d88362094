//! The key generation: every change to the signing keys moves it, in the transaction
//! that makes the change, so nodes holding keys in memory can notice with one read.

use sigil_core::oidc::jose::{self, MasterKey, SigningAlg};
use sigil_core::ports::Store;
use sigil_core::random::SystemRandom;
use sigil_store::testing::Backend;
use time::Duration;

use crate::{on_both_backends, store, T0};

on_both_backends!(every_key_change_moves_the_generation_when_it_commits);

async fn generation(store: &dyn Store) -> i64 {
    let mut conn = store.read().await.expect("read");
    conn.key_generation().await.expect("generation")
}

async fn every_key_change_moves_the_generation_when_it_commits(backend: Backend) {
    let store = store(backend).await;
    let master = MasterKey::generate(&SystemRandom);
    let start = generation(store.as_ref()).await;

    let first = jose::generate(SigningAlg::EdDSA, &master, &SystemRandom, T0).expect("key");
    let mut second = jose::generate(SigningAlg::EdDSA, &master, &SystemRandom, T0).expect("key");
    second.active_from = T0 + Duration::minutes(6);
    let mut tx = store.begin().await.expect("begin");
    tx.insert_key(&first).await.expect("insert");
    tx.insert_key(&second).await.expect("insert");
    tx.retire_keys("EdDSA", &second.kid, second.active_from)
        .await
        .expect("retire");
    assert_eq!(
        generation(store.as_ref()).await,
        start,
        "other connections see the change only with its commit"
    );
    tx.commit().await.expect("commit");
    let rotated = generation(store.as_ref()).await;
    assert!(rotated > start);

    let mut conn = store.read().await.expect("read");
    let keys = conn.list_keys().await.expect("list");
    drop(conn);
    let published = keys.iter().find(|k| k.kid == second.kid).expect("new key");
    assert_eq!(published.active_from, T0 + Duration::minutes(6));
    let old = keys.iter().find(|k| k.kid == first.kid).expect("old key");
    assert_eq!(
        (old.active_from, old.retired_at),
        (T0, Some(T0 + Duration::minutes(6)))
    );

    // Nothing to retire or delete: nothing changed, and the generation stays.
    let mut tx = store.begin().await.expect("begin");
    tx.retire_keys("EdDSA", &second.kid, T0)
        .await
        .expect("retire");
    assert_eq!(tx.delete_keys_retired_before(T0).await.expect("delete"), 0);
    tx.commit().await.expect("commit");
    assert_eq!(generation(store.as_ref()).await, rotated);

    let mut tx = store.begin().await.expect("begin");
    assert_eq!(
        tx.delete_keys_retired_before(T0 + Duration::days(3))
            .await
            .expect("delete"),
        1
    );
    tx.commit().await.expect("commit");
    assert!(generation(store.as_ref()).await > rotated);
}
