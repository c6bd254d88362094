//! The hot paths' combined reads and writes, and the application generation.
use sigil_core::ids::ClientId;
use sigil_core::privacy::PrivacyLevel;
use sigil_store::testing::Backend;

use crate::oidc::{app, family};
use crate::{new_user, on_both_backends, store, T0};

on_both_backends!(
    every_change_to_the_applications_moves_their_generation,
    a_person_is_read_with_their_fields_in_one_query,
    a_rotation_in_one_statement_needs_the_application_open,
);

async fn every_change_to_the_applications_moves_their_generation(backend: Backend) {
    let store = store(backend).await;
    let generation = || async {
        let mut conn = store.read().await.expect("read");
        conn.app_generation().await.expect("generation")
    };
    let start = generation().await;
    let mut tx = store.begin().await.expect("begin");
    tx.create_app(&app("demo")).await.expect("app");
    tx.commit().await.expect("commit");
    let created = generation().await;
    assert!(created > start, "{start} → {created}");

    let mut tx = store.begin().await.expect("begin");
    let id = ClientId("demo".into());
    assert!(tx.set_app_listing(&id, true, false).await.expect("close"));
    // Not committed: no other reader sees the move.
    assert_eq!(generation().await, created);
    tx.commit().await.expect("commit");
    let closed = generation().await;
    assert!(closed > created);

    let mut tx = store.begin().await.expect("begin");
    assert!(tx.delete_app(&id).await.expect("delete"));
    tx.commit().await.expect("commit");
    assert!(generation().await > closed);
}

async fn a_person_is_read_with_their_fields_in_one_query(backend: Backend) {
    let store = store(backend).await;
    let alice = new_user("alice", None);
    let bob = new_user("bob", None);
    let mut tx = store.begin().await.expect("begin");
    tx.create_user(&alice).await.expect("alice");
    tx.create_user(&bob).await.expect("bob");
    tx.set_field_value(alice.id, "nickname", Some("Al"), T0)
        .await
        .expect("nickname");
    tx.set_field_value(alice.id, "given_name", Some("Alice"), T0)
        .await
        .expect("given name");
    tx.set_privacy(alice.id, "given_name", PrivacyLevel::Public, T0)
        .await
        .expect("privacy");
    tx.commit().await.expect("commit");

    let mut conn = store.read().await.expect("read");
    let (user, values, levels) = conn
        .find_user_with_fields(alice.id)
        .await
        .expect("find")
        .expect("alice");
    let (expected_values, expected_levels) =
        conn.values_and_privacy(alice.id).await.expect("apart");
    assert_eq!(user.id, alice.id);
    assert_eq!(user.name.as_deref(), Some("Al"));
    assert_eq!((values.len(), levels.len()), (2, 1));
    assert_eq!((values, levels), (expected_values, expected_levels));
    let found = conn
        .find_user(alice.id)
        .await
        .expect("user")
        .expect("alice");
    assert_eq!(format!("{user:?}"), format!("{found:?}"));

    // Neither values nor choices: the person alone.
    let (user, values, levels) = conn
        .find_user_with_fields(bob.id)
        .await
        .expect("find")
        .expect("bob");
    assert_eq!(user.id, bob.id);
    assert!(values.is_empty() && levels.is_empty());
    assert!(conn
        .find_user_with_fields(new_user("nobody", None).id)
        .await
        .expect("find")
        .is_none());
}

async fn a_rotation_in_one_statement_needs_the_application_open(backend: Backend) {
    let store = store(backend).await;
    let alice = new_user("alice", None);
    let mut tx = store.begin().await.expect("begin");
    tx.create_user(&alice).await.expect("user");
    tx.create_app(&app("demo")).await.expect("app");
    tx.insert_family(&family("f1", Some(alice.id), "demo", None))
        .await
        .expect("family");
    tx.commit().await.expect("commit");

    let rotate = |generation: i64| {
        let store = store.clone();
        async move {
            let mut one = store.autocommit().await.expect("handle");
            let done = one
                .rotate_refresh_if_open("f1", generation, T0)
                .await
                .expect("rotate");
            one.commit().await.expect("commit");
            done
        }
    };
    assert!(rotate(0).await);
    assert!(!rotate(0).await, "once from a generation");
    let f1 = {
        let mut conn = store.read().await.expect("read");
        conn.find_family("f1").await.expect("find").expect("f1")
    };
    assert_eq!((f1.refresh_generation, f1.refreshed_at), (1, Some(T0)));

    // A closed application: the caller must decide on the person's access.
    let mut tx = store.begin().await.expect("begin");
    let demo = ClientId("demo".into());
    assert!(tx.set_app_listing(&demo, true, false).await.expect("close"));
    tx.commit().await.expect("commit");
    assert!(!rotate(1).await, "closed");
    let mut tx = store.begin().await.expect("begin");
    assert!(tx.set_app_listing(&demo, false, false).await.expect("open"));
    tx.revoke_family("f1", T0).await.expect("revoke");
    tx.commit().await.expect("commit");
    assert!(!rotate(1).await, "revoked");
}
