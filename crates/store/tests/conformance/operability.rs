//! What running at scale asks of the store: the schema's version read alike on both
//! engines, and the activity log purged by age in bounded batches.
use sigil_core::event::{ClientInfo, EventCategory, NewEvent};
use sigil_store::testing::Backend;
use time::Duration;

use crate::{new_user, on_both_backends, store, T0};

on_both_backends!(
    the_schema_version_is_the_newest_migration_number,
    old_events_are_purged_in_batches_and_recent_ones_stay,
);

async fn the_schema_version_is_the_newest_migration_number(backend: Backend) {
    let store = store(backend).await;

    let state = store.schema_state().await.expect("schema state");

    // 0028_profile_fields.sql is the newest migration on both engines.
    assert_eq!((state.found, state.expected), (28, 28));
}

async fn old_events_are_purged_in_batches_and_recent_ones_stay(backend: Backend) {
    let store = store(backend).await;
    let ada = new_user("ada", None);
    let mut tx = store.begin().await.expect("begin");
    tx.create_user(&ada).await.expect("user");
    for (at, n) in [(T0 - Duration::days(500), 5), (T0, 3)] {
        for _ in 0..n {
            let e = NewEvent::new(
                at,
                Some(ada.id),
                EventCategory::SignInSucceeded,
                &ClientInfo::default(),
            );
            tx.insert_event(&e).await.expect("event");
        }
    }
    tx.commit().await.expect("commit");
    let cutoff = T0 - Duration::days(400);

    let mut batches = Vec::new();
    loop {
        let mut tx = store.begin().await.expect("begin");
        let n = tx.purge_events(cutoff, 2).await.expect("purge");
        tx.commit().await.expect("commit");
        batches.push(n);
        if n < 2 {
            break;
        }
    }

    assert_eq!(batches, vec![2, 2, 1], "at most the limit each time");
    let mut conn = store.read().await.expect("read");
    let left = conn
        .list_events(ada.id, None, None, 100)
        .await
        .expect("events");
    assert_eq!(left.len(), 3);
    assert!(left.iter().all(|e| e.at == T0), "{left:?}");
}
