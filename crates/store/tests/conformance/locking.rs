//! What a check that guards a limit or an invariant relies on: a `lock_*` call reads the
//! row fresh and holds it until the transaction ends, so transactions that run at the
//! same time queue on it and each decides on what the one before left, on both engines
//! (SQLite serialises writers; PostgreSQL runs READ COMMITTED, where a plain SELECT
//! would let every one of them decide on the same old row).
use std::sync::Arc;

use sigil_core::contact::{ContactKind, MAX_ATTEMPTS};
use sigil_core::ports::Store;
use sigil_core::throttle::AttemptCounter;
use sigil_store::testing::Backend;
use time::Duration;
use tokio::sync::Barrier;

use crate::contacts::verification;
use crate::{new_user, on_both_backends, store, T0};

on_both_backends!(
    counters_are_saved_cleared_and_purged,
    simultaneous_counters_lose_no_count,
    two_transactions_cannot_both_remove_one_of_the_last_two_ways_to_sign_in,
    simultaneous_code_checks_get_no_more_tries_than_the_limit,
    a_lease_is_taken_again_only_once_it_has_run_out,
    simultaneous_takers_of_a_lease_have_exactly_one_winner,
);

/// Runs `n` copies of `task` released together by a barrier; their results in order.
pub(crate) async fn at_once<T, F, Fut>(store: &Arc<dyn Store>, n: usize, task: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(Arc<dyn Store>, usize) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
{
    let barrier = Arc::new(Barrier::new(n));
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let (barrier, fut) = (barrier.clone(), task(store.clone(), i));
            tokio::spawn(async move {
                barrier.wait().await;
                fut.await
            })
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}

async fn counters_are_saved_cleared_and_purged(backend: Backend) {
    let store = store(backend).await;
    let mut tx = store.begin().await.expect("begin");
    let fresh = tx.lock_counter("k", T0).await.expect("lock");
    assert_eq!(fresh, AttemptCounter::empty(T0), "a new key starts empty");
    let saved = AttemptCounter {
        window_start: T0,
        attempts: 3,
        refused: 1,
        last_at: T0 + Duration::minutes(2),
    };
    tx.save_counter("k", &saved).await.expect("save");
    tx.lock_counter("other", T0 + Duration::minutes(20))
        .await
        .expect("lock");
    tx.commit().await.expect("commit");

    let mut tx = store.begin().await.expect("begin");
    assert_eq!(
        tx.lock_counter("k", T0 + Duration::minutes(5))
            .await
            .expect("lock"),
        saved,
        "a saved counter comes back as saved, whatever `now` is"
    );
    // Only counters whose window opened by then go.
    assert_eq!(
        tx.purge_counters(T0 + Duration::minutes(1))
            .await
            .expect("purge"),
        1
    );
    assert_eq!(
        tx.lock_counter("k", T0 + Duration::minutes(30))
            .await
            .expect("lock"),
        AttemptCounter::empty(T0 + Duration::minutes(30))
    );
    tx.clear_counter("other").await.expect("clear");
    assert_eq!(
        tx.lock_counter("other", T0 + Duration::minutes(40))
            .await
            .expect("lock")
            .window_start,
        T0 + Duration::minutes(40)
    );
    tx.commit().await.expect("commit");
}

async fn simultaneous_counters_lose_no_count(backend: Backend) {
    let store = store(backend).await;
    let n = 24;
    at_once(&store, n, |store, _| async move {
        let mut tx = store.begin().await.expect("begin");
        let mut c = tx.lock_counter("k", T0).await.expect("lock");
        tokio::task::yield_now().await;
        c.attempts += 1;
        tx.save_counter("k", &c).await.expect("save");
        tx.commit().await.expect("commit");
    })
    .await;
    let mut tx = store.begin().await.expect("begin");
    let c = tx.lock_counter("k", T0).await.expect("lock");
    assert_eq!(c.attempts, n as i64, "every increment saw the one before");
}

async fn two_transactions_cannot_both_remove_one_of_the_last_two_ways_to_sign_in(backend: Backend) {
    let store = store(backend).await;
    for round in 0..8 {
        let user = new_user(
            &format!("pat{round}"),
            Some(&format!("pat{round}@example.org")),
        );
        let mut tx = store.begin().await.expect("begin");
        tx.create_user(&user).await.expect("create");
        tx.commit().await.expect("commit");
        let id = user.id;
        // One clears the login if the email stays; the other removes the email if the
        // login stays. Deciding on a fresh, held row, only one can go ahead.
        let done = at_once(&store, 2, move |store, i| async move {
            let mut tx = store.begin().await.expect("begin");
            let row = tx.lock_user(id).await.expect("lock").expect("user");
            tokio::task::yield_now().await;
            let changed = if i == 0 && row.email.is_some() {
                tx.set_login(id, None, T0).await.expect("login");
                true
            } else if i == 1 && row.login.is_some() {
                tx.set_email(id, None, T0).await.expect("email");
                true
            } else {
                false
            };
            tx.commit().await.expect("commit");
            changed
        })
        .await;
        assert_eq!(done.iter().filter(|d| **d).count(), 1, "round {round}");
        let mut conn = store.read().await.expect("read");
        let after = conn.find_user(id).await.expect("find").expect("user");
        assert!(
            after.login.is_some() || after.email.is_some(),
            "round {round}"
        );
    }
}

async fn simultaneous_code_checks_get_no_more_tries_than_the_limit(backend: Backend) {
    let store = store(backend).await;
    let ada = new_user("ada", None);
    let mut tx = store.begin().await.expect("begin");
    tx.create_user(&ada).await.expect("user");
    tx.replace_verification(&verification(ada.id, "v1", "ada@example.org").0)
        .await
        .expect("verification");
    tx.commit().await.expect("commit");
    let id = ada.id;
    let tried = at_once(&store, 20, move |store, _| async move {
        let mut tx = store.begin().await.expect("begin");
        let v = tx
            .lock_verification(id, ContactKind::Email)
            .await
            .expect("lock")
            .expect("verification");
        tokio::task::yield_now().await;
        let tried = v.attempts < MAX_ATTEMPTS;
        if tried {
            tx.count_attempt(&v.id).await.expect("count");
        }
        tx.commit().await.expect("commit");
        tried
    })
    .await;
    assert_eq!(
        tried.iter().filter(|t| **t).count() as i64,
        MAX_ATTEMPTS,
        "exactly the limit were tried"
    );
}

async fn a_lease_is_taken_again_only_once_it_has_run_out(backend: Backend) {
    let store = store(backend).await;
    let until = T0 + Duration::minutes(10);
    let mut tx = store.begin().await.expect("begin");
    assert!(tx.take_lease("job", "a", T0, until).await.expect("take"));
    assert!(
        tx.take_lease("other-job", "b", T0, until)
            .await
            .expect("take"),
        "each job has its own lease"
    );
    tx.commit().await.expect("commit");
    let mut tx = store.begin().await.expect("begin");
    let later = T0 + Duration::minutes(9);
    assert!(
        !tx.take_lease("job", "b", later, later + Duration::minutes(10))
            .await
            .expect("take"),
        "held until ten minutes past"
    );
    assert!(
        tx.take_lease("job", "b", until, until + Duration::minutes(10))
            .await
            .expect("take"),
        "run out"
    );
    assert!(
        !tx.take_lease("job", "a", until, until + Duration::minutes(10))
            .await
            .expect("take"),
        "now held by b"
    );
    tx.commit().await.expect("commit");
}

async fn simultaneous_takers_of_a_lease_have_exactly_one_winner(backend: Backend) {
    let store = store(backend).await;
    // The first round finds no row (both insert), the others a lease run out (both
    // update).
    for round in 0..8 {
        let now = T0 + Duration::minutes(10 * round);
        let won = at_once(&store, 2, move |store, i| async move {
            let mut tx = store.begin().await.expect("begin");
            let holder = format!("node{i}");
            let won = tx
                .take_lease("job", &holder, now, now + Duration::minutes(10))
                .await
                .expect("take");
            tokio::task::yield_now().await;
            tx.commit().await.expect("commit");
            won
        })
        .await;
        assert_eq!(won.iter().filter(|w| **w).count(), 1, "round {round}");
    }
}
