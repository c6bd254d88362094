//! Verified contacts, pending verifications and the outbox.
use sigil_core::contact::{Channel, ContactKind, Verification};
use sigil_core::email::Email;
use sigil_core::outbox::{AppNotice, DeliveryStatus, Lane};
use sigil_core::phone::Phone;
use sigil_core::ports::StoreError;
use sigil_core::random::SystemRandom;
use sigil_core::token::{SecretToken, TokenHash};
use sigil_store::testing::Backend;
use time::Duration;

use crate::{new_user, on_both_backends, store, T0};

on_both_backends!(
    a_new_verification_replaces_the_previous_one_and_counts_its_tries,
    verified_contacts_are_unique_among_accounts,
    the_outbox_hands_each_due_message_out_once_and_records_the_outcome,
    people_and_applications_are_claimed_in_lanes_of_their_own,
);

pub(crate) fn verification(
    user: sigil_core::ids::UserId,
    id: &str,
    address: &str,
) -> (Verification, TokenHash) {
    let link = SecretToken::generate(&SystemRandom).hash();
    (
        Verification {
            id: id.into(),
            user_id: user,
            kind: ContactKind::Email,
            address: address.into(),
            channel: Channel::Email,
            code_hash: format!("hash-{id}"),
            link_hash: Some(link),
            attempts: 0,
            created_at: T0,
            expires_at: T0 + Duration::minutes(10),
            used_at: None,
            message_id: Some(7),
        },
        link,
    )
}

async fn a_new_verification_replaces_the_previous_one_and_counts_its_tries(backend: Backend) {
    let store = store(backend).await;
    let ada = new_user("ada", None);
    let mut tx = store.begin().await.expect("begin");
    tx.create_user(&ada).await.expect("user");
    let (first, first_link) = verification(ada.id, "v1", "ada@example.org");
    tx.replace_verification(&first).await.expect("first");
    let (second, second_link) = verification(ada.id, "v2", "ada@example.net");
    tx.replace_verification(&second).await.expect("second");
    tx.commit().await.expect("commit");

    let mut tx = store.begin().await.expect("begin");
    let found = tx
        .find_verification(ada.id, ContactKind::Email)
        .await
        .expect("find")
        .expect("exists");
    assert_eq!(found.id, "v2");
    assert_eq!(found.address, "ada@example.net");
    assert_eq!(found.expires_at, T0 + Duration::minutes(10));
    assert_eq!(found.message_id, Some(7));
    assert!(tx
        .find_verification(ada.id, ContactKind::Phone)
        .await
        .expect("find")
        .is_none());
    assert!(tx
        .find_verification_by_link(&first_link)
        .await
        .expect("find")
        .is_none());
    assert_eq!(
        tx.find_verification_by_link(&second_link)
            .await
            .expect("find")
            .map(|v| v.id),
        Some("v2".to_owned())
    );
    assert_eq!(tx.count_attempt("v2").await.expect("try"), 1);
    assert_eq!(tx.count_attempt("v2").await.expect("try"), 2);
    assert!(tx.use_verification("v2", T0).await.expect("use"));
    assert!(!tx.use_verification("v2", T0).await.expect("use again"));
    assert_eq!(
        tx.purge_verifications(T0 + Duration::minutes(10))
            .await
            .expect("purge"),
        0,
        "not yet expired"
    );
    tx.delete_verification(ada.id, ContactKind::Email)
        .await
        .expect("delete");
    assert!(tx
        .find_verification(ada.id, ContactKind::Email)
        .await
        .expect("find")
        .is_none());
}

async fn verified_contacts_are_unique_among_accounts(backend: Backend) {
    let store = store(backend).await;
    let ada = new_user("ada", None);
    let bob = new_user("bob", None);
    let email = Email::parse("shared@example.org").expect("email");
    let phone = Phone::from_trusted("+493012345678".into());
    let mut tx = store.begin().await.expect("begin");
    tx.create_user(&ada).await.expect("ada");
    tx.create_user(&bob).await.expect("bob");
    tx.set_email(ada.id, Some(&email), T0).await.expect("email");
    tx.set_phone(ada.id, Some(&phone), T0).await.expect("phone");
    tx.commit().await.expect("commit");

    let mut tx = store.begin().await.expect("begin");
    let err = tx
        .set_email(bob.id, Some(&email), T0)
        .await
        .expect_err("taken");
    assert!(matches!(err, StoreError::Conflict("email")), "{err:?}");
    drop(tx);
    let mut tx = store.begin().await.expect("begin");
    let err = tx
        .set_phone(bob.id, Some(&phone), T0)
        .await
        .expect_err("taken");
    assert!(matches!(err, StoreError::Conflict("phone")), "{err:?}");
    drop(tx);

    let mut conn = store.read().await.expect("read");
    let found = conn.find_user(ada.id).await.expect("find").expect("ada");
    assert_eq!(found.email.as_ref(), Some(&email));
    assert!(found.email_verified);
    assert_eq!(found.phone.as_ref(), Some(&phone));
    drop(conn);
    let mut tx = store.begin().await.expect("begin");
    tx.set_email(ada.id, None, T0).await.expect("remove");
    tx.set_phone(ada.id, None, T0).await.expect("remove");
    tx.set_email(bob.id, Some(&email), T0)
        .await
        .expect("now free");
    tx.commit().await.expect("commit");
}

async fn the_outbox_hands_each_due_message_out_once_and_records_the_outcome(backend: Backend) {
    let store = store(backend).await;
    let mut tx = store.begin().await.expect("begin");
    let a = tx
        .enqueue_message("email", "ada@example.org", "sealed-a", T0)
        .await
        .expect("a");
    let b = tx
        .enqueue_message("sms", "+493012345678", "sealed-b", T0)
        .await
        .expect("b");
    let c = tx
        .enqueue_message(
            "email",
            "bob@example.org",
            "sealed-c",
            T0 + Duration::minutes(5),
        )
        .await
        .expect("c");
    tx.commit().await.expect("commit");

    let mut tx = store.begin().await.expect("begin");
    let lease = T0 + Duration::minutes(2);
    let claimed = tx
        .claim_due_messages(T0, lease, 10, Lane::People)
        .await
        .expect("claim");
    assert_eq!(claimed.iter().map(|m| m.id).collect::<Vec<_>>(), [a, b]);
    assert_eq!(claimed[0].payload.as_deref(), Some("sealed-a"));
    // Leased: nobody else gets them until the lease ends.
    assert!(tx
        .claim_due_messages(T0, lease, 10, Lane::People)
        .await
        .expect("again")
        .is_empty());
    tx.mark_message_sent(a, T0).await.expect("sent");
    tx.mark_message_retry(b, 1, T0 + Duration::seconds(10), "451 try later")
        .await
        .expect("retry");
    assert_eq!(
        tx.message_status(a).await.expect("status"),
        Some(DeliveryStatus::Sent)
    );
    assert_eq!(
        tx.message_status(b).await.expect("status"),
        Some(DeliveryStatus::Pending { attempts: 1 })
    );
    assert!(tx
        .claim_due_messages(T0 + Duration::seconds(5), lease, 10, Lane::People)
        .await
        .expect("not yet")
        .is_empty());
    let later = T0 + Duration::minutes(5);
    let claimed = tx
        .claim_due_messages(later, later + Duration::minutes(2), 10, Lane::People)
        .await
        .expect("claim");
    assert_eq!(claimed.iter().map(|m| m.id).collect::<Vec<_>>(), [b, c]);
    assert_eq!(claimed[0].attempts, 1);
    tx.mark_message_failed(b, 8, "550 no such user")
        .await
        .expect("failed");
    assert_eq!(
        tx.message_status(b).await.expect("status"),
        Some(DeliveryStatus::Failed)
    );
    tx.commit().await.expect("commit");
    // A lease that runs out (its node never reported) hands the message out again;
    // sent and given-up messages are done.
    let mut tx = store.begin().await.expect("begin");
    let far = T0 + Duration::days(1);
    assert_eq!(
        tx.claim_due_messages(far, far, 10, Lane::People)
            .await
            .expect("claim")
            .iter()
            .map(|m| m.id)
            .collect::<Vec<_>>(),
        [c]
    );
    // Housekeeping drops what is done, and only that.
    assert_eq!(tx.purge_messages(far).await.expect("purge"), 2);
    assert!(tx.message_status(a).await.expect("status").is_none());
    assert!(tx.message_status(c).await.expect("status").is_some());
}

async fn people_and_applications_are_claimed_in_lanes_of_their_own(backend: Backend) {
    let store = store(backend).await;
    let mut tx = store.begin().await.expect("begin");
    let notice = tx
        .enqueue_message(AppNotice::CHANNEL, "client-1", "sealed-n", T0)
        .await
        .expect("notice");
    let mail = tx
        .enqueue_message("email", "ada@example.org", "sealed-m", T0)
        .await
        .expect("mail");
    tx.commit().await.expect("commit");

    let lease = T0 + Duration::minutes(2);
    let mut tx = store.begin().await.expect("begin");
    let people = tx
        .claim_due_messages(T0, lease, 10, Lane::People)
        .await
        .expect("people");
    let apps = tx
        .claim_due_messages(T0, lease, 10, Lane::Applications)
        .await
        .expect("applications");
    tx.commit().await.expect("commit");

    assert_eq!(people.iter().map(|m| m.id).collect::<Vec<_>>(), [mail]);
    assert_eq!(apps.iter().map(|m| m.id).collect::<Vec<_>>(), [notice]);
}
