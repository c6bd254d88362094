//! What notices about the account need: the language of mail, when the password was
//! last set, and the single-use links that secure the account.
use std::sync::Arc;

use sigil_core::email::Email;
use sigil_core::locale::Locale;
use sigil_core::random::SystemRandom;
use sigil_core::recovery::Recovery;
use sigil_core::token::SecretToken;
use sigil_store::testing::Backend;
use time::Duration;
use tokio::sync::Barrier;

use crate::{new_user, on_both_backends, store, T0};

on_both_backends!(
    the_mail_language_and_the_password_time_are_kept_per_account,
    a_recovery_link_is_spent_once_and_not_after_it_expires,
    of_two_transactions_spending_one_link_at_once_one_wins,
    a_used_link_spends_the_newer_links_of_its_account_and_keeps_the_older,
);

fn recovery(user: sigil_core::ids::UserId) -> Recovery {
    Recovery {
        token_hash: SecretToken::generate(&SystemRandom).hash(),
        user_id: user,
        restore_email: Some(Email::parse("ada@example.org").expect("email")),
        created_at: T0,
        expires_at: T0 + Duration::days(7),
        used_at: None,
    }
}

async fn the_mail_language_and_the_password_time_are_kept_per_account(backend: Backend) {
    let store = store(backend).await;
    let ada = new_user("ada", None);
    let mut tx = store.begin().await.expect("begin");
    tx.create_user(&ada).await.expect("create");
    assert_eq!(tx.mail_locale(ada.id).await.expect("read"), None);
    assert_eq!(
        tx.password_set_at(ada.id).await.expect("read"),
        Some(T0),
        "registration"
    );
    tx.set_mail_locale(ada.id, Locale::De).await.expect("set");
    tx.mark_password_set(ada.id, T0 + Duration::hours(1))
        .await
        .expect("mark");
    tx.commit().await.expect("commit");
    let mut conn = store.read().await.expect("read");
    assert_eq!(
        conn.mail_locale(ada.id).await.expect("read"),
        Some(Locale::De)
    );
    assert_eq!(
        conn.password_set_at(ada.id).await.expect("read"),
        Some(T0 + Duration::hours(1))
    );
    let user = conn.find_user(ada.id).await.expect("find").expect("ada");
    assert_eq!(
        user.locale, None,
        "the language shown still follows the browser"
    );
}

async fn a_recovery_link_is_spent_once_and_not_after_it_expires(backend: Backend) {
    let store = store(backend).await;
    let ada = new_user("ada", None);
    let (first, second) = (recovery(ada.id), recovery(ada.id));
    let mut tx = store.begin().await.expect("begin");
    tx.create_user(&ada).await.expect("create");
    tx.insert_recovery(&first).await.expect("insert");
    tx.insert_recovery(&second).await.expect("insert");
    assert_eq!(
        tx.find_recovery(&first.token_hash).await.expect("find"),
        Some(first.clone())
    );
    assert!(tx.use_recovery(&first.token_hash, T0).await.expect("use"));
    assert!(!tx
        .use_recovery(&first.token_hash, T0)
        .await
        .expect("use again"));
    let spent = tx.find_recovery(&first.token_hash).await.expect("find");
    assert_eq!(spent.and_then(|r| r.used_at), Some(T0));
    let late = T0 + Duration::days(7);
    assert!(!tx
        .use_recovery(&second.token_hash, late)
        .await
        .expect("late"));
    assert_eq!(tx.purge_recoveries(late).await.expect("purge"), 2);
    assert_eq!(
        tx.find_recovery(&second.token_hash).await.expect("find"),
        None
    );
    tx.commit().await.expect("commit");
}

async fn of_two_transactions_spending_one_link_at_once_one_wins(backend: Backend) {
    let store = store(backend).await;
    let ada = new_user("ada", None);
    let link = recovery(ada.id);
    let mut tx = store.begin().await.expect("begin");
    tx.create_user(&ada).await.expect("create");
    tx.insert_recovery(&link).await.expect("insert");
    tx.commit().await.expect("commit");

    let barrier = Arc::new(Barrier::new(2));
    let tries = (0..2).map(|_| {
        let (store, barrier, hash) = (store.clone(), barrier.clone(), link.token_hash);
        tokio::spawn(async move {
            barrier.wait().await;
            let mut tx = store.begin().await.expect("begin");
            let won = tx.use_recovery(&hash, T0).await.expect("use");
            tx.commit().await.expect("commit");
            won
        })
    });
    let mut wins = 0;
    for t in tries.collect::<Vec<_>>() {
        wins += usize::from(t.await.expect("task"));
    }
    assert_eq!(wins, 1);
}

async fn a_used_link_spends_the_newer_links_of_its_account_and_keeps_the_older(backend: Backend) {
    let store = store(backend).await;
    let (ada, bob) = (new_user("ada", None), new_user("bob", None));
    // All made in the same second: the order they were stored in still counts.
    let (older, used, newer) = (recovery(ada.id), recovery(ada.id), recovery(ada.id));
    let bobs = recovery(bob.id);
    let mut tx = store.begin().await.expect("begin");
    tx.create_user(&ada).await.expect("create");
    tx.create_user(&bob).await.expect("create");
    for link in [&older, &used, &bobs, &newer] {
        tx.insert_recovery(link).await.expect("insert");
    }
    tx.commit().await.expect("commit");

    let mut tx = store.begin().await.expect("begin");
    assert!(tx.use_recovery(&used.token_hash, T0).await.expect("use"));
    tx.commit().await.expect("commit");
    let mut conn = store.read().await.expect("read");
    let used_at = |r: Option<Recovery>| r.expect("stored").used_at;
    let found = conn.find_recovery(&newer.token_hash).await.expect("find");
    assert_eq!(used_at(found), Some(T0), "a newer link is spent with it");
    let found = conn.find_recovery(&older.token_hash).await.expect("find");
    assert_eq!(used_at(found), None, "an older link stays open");
    let found = conn.find_recovery(&bobs.token_hash).await.expect("find");
    assert_eq!(used_at(found), None, "another account's link stays open");
    drop(conn);

    let mut tx = store.begin().await.expect("begin");
    assert!(!tx.use_recovery(&newer.token_hash, T0).await.expect("use"));
    assert!(tx.use_recovery(&older.token_hash, T0).await.expect("use"));
    assert!(tx.use_recovery(&bobs.token_hash, T0).await.expect("use"));
    tx.commit().await.expect("commit");
}
