//! Stopping a node lets its jobs end after their current item (issue 17, graceful
//! shutdown): a delivery round that is told to stop gives back the messages it claimed
//! but did not try, so another node sends them at once instead of after the lease; a
//! housekeeping run stops purging the activity log between batches.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use sigil_core::clock::SystemClock;
use sigil_core::event::{ClientInfo, EventCategory, NewEvent};
use sigil_core::outbox::{Courier, DeliveryError, DeliveryStatus, Lane, Message, CLAIM_LEASE};
use sigil_core::password::PasswordHasher;
use sigil_core::ports::Store;
use sigil_core::random::SystemRandom;
use sigil_core::services::{Settings, Sigil};
use sigil_store::testing::Backend;
use time::{Duration, OffsetDateTime};

use crate::{new_user, on_both_backends, store};

on_both_backends!(
    a_stop_between_messages_gives_the_untried_ones_back_at_once,
    the_release_leaves_a_claim_of_another_node_alone,
    a_stop_ends_the_event_purge_between_batches,
);

/// Counts what it is given; delivers nothing.
#[derive(Default)]
struct Counting(AtomicUsize);

#[async_trait::async_trait]
impl Courier for Counting {
    async fn deliver(&self, _: &Message) -> Result<(), DeliveryError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    async fn post_logout_token(&self, _: &str, _: &str) -> Result<(), DeliveryError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

fn sigil(store: Arc<dyn Store>) -> Sigil {
    let hasher = PasswordHasher::new(1).expect("hasher");
    Sigil::new(
        store,
        Arc::new(SystemClock),
        Arc::new(SystemRandom),
        hasher,
        Settings::default(),
    )
}

/// `n` messages queued a minute ago (payloads this node cannot open: each is tried,
/// and given up, without a courier).
async fn queued(store: &dyn Store, n: usize) -> Vec<i64> {
    let at = OffsetDateTime::now_utc() - Duration::minutes(1);
    let mut tx = store.begin().await.expect("begin");
    let mut ids = Vec::new();
    for i in 0..n {
        let recipient = format!("p{i}@example.org");
        let id = tx
            .enqueue_message("email", &recipient, "not-sealed", at)
            .await
            .expect("enqueue");
        ids.push(id);
    }
    tx.commit().await.expect("commit");
    ids
}

async fn a_stop_between_messages_gives_the_untried_ones_back_at_once(backend: Backend) {
    let store = store(backend).await;
    let ids = queued(store.as_ref(), 4).await;
    let sigil = sigil(store.clone());
    let asked = AtomicUsize::new(0);
    // The stop comes while the first message is on its way.
    let stopping = || asked.fetch_add(1, Ordering::SeqCst) >= 1;

    let tried = sigil
        .deliver_due(&Counting::default(), Lane::People, &stopping)
        .await
        .expect("deliver");

    assert_eq!(tried, 1, "the round ended after its current message");
    let mut tx = store.begin().await.expect("begin");
    assert_eq!(
        tx.message_status(ids[0]).await.expect("status"),
        Some(DeliveryStatus::Failed),
        "the first was tried (and given up: it cannot be opened)"
    );
    // Another node, right now, finds the rest due and unclaimed.
    let now = OffsetDateTime::now_utc();
    let again = tx
        .claim_due_messages(now, now + CLAIM_LEASE, 16, Lane::People)
        .await
        .expect("claim");
    assert_eq!(again.iter().map(|m| m.id).collect::<Vec<_>>(), ids[1..]);
    assert!(
        again.iter().all(|m| m.attempts == 0),
        "none was counted as tried"
    );
    tx.commit().await.expect("commit");
}

async fn the_release_leaves_a_claim_of_another_node_alone(backend: Backend) {
    let store = store(backend).await;
    let ids = queued(store.as_ref(), 1).await;
    let now = OffsetDateTime::now_utc();
    let mine = now + CLAIM_LEASE;
    let mut tx = store.begin().await.expect("begin");
    assert_eq!(
        tx.claim_due_messages(now, mine, 16, Lane::People)
            .await
            .expect("claim")
            .len(),
        1
    );
    // My lease ran out and another node claimed the message: my release is late.
    let later = mine + Duration::seconds(1);
    let theirs = later + CLAIM_LEASE;
    assert_eq!(
        tx.claim_due_messages(later, theirs, 16, Lane::People)
            .await
            .expect("claim")
            .len(),
        1
    );
    assert!(!tx.release_message(ids[0], mine).await.expect("release"));
    assert!(
        tx.claim_due_messages(later, later + CLAIM_LEASE, 16, Lane::People)
            .await
            .expect("claim")
            .is_empty(),
        "still the other node's"
    );
    assert!(tx.release_message(ids[0], theirs).await.expect("release"));
    tx.commit().await.expect("commit");
}

async fn a_stop_ends_the_event_purge_between_batches(backend: Backend) {
    let store = store(backend).await;
    let ada = new_user("ada", None);
    let old = OffsetDateTime::now_utc() - Duration::days(500);
    let mut tx = store.begin().await.expect("begin");
    tx.create_user(&ada).await.expect("user");
    let e = NewEvent::new(
        old,
        Some(ada.id),
        EventCategory::SignInSucceeded,
        &ClientInfo::default(),
    );
    tx.insert_event(&e).await.expect("event");
    tx.commit().await.expect("commit");
    let sigil = sigil(store.clone());

    // A lease that ends at once, so that the next run may come right after.
    let stopped = sigil
        .housekeeping("a", Duration::ZERO, &|| true)
        .await
        .expect("housekeeping")
        .expect("the lease");
    assert_eq!(stopped.events, 0, "the node was stopping: no batch");

    let purged = sigil
        .housekeeping("b", Duration::ZERO, &|| false)
        .await
        .expect("housekeeping")
        .expect("the lease (the first run's ended)");
    assert_eq!(purged.events, 1);
}
