//! Invitations: created replacing the pending one for the same pair, decided once
//! whatever runs at the same time, and erased with the person.
use sigil_core::email::Email;
use sigil_core::ids::ClientId;
use sigil_core::invitation::{Invitation, InvitationStatus};
use sigil_core::ports::StoreError;
use sigil_core::random::SystemRandom;
use sigil_core::token::SecretToken;
use sigil_store::testing::Backend;
use time::Duration;

use crate::locking::at_once;
use crate::oidc::app;
use crate::{new_user, on_both_backends, store, T0};

on_both_backends!(
    an_invitation_is_found_by_its_token_and_replaced_by_a_newer_one,
    simultaneous_accepts_of_one_invitation_have_exactly_one_winner,
    simultaneous_invitations_of_one_address_leave_one_pending,
    an_expired_or_revoked_invitation_cannot_be_decided,
);

fn invitation(id: &str, email: &str) -> Invitation {
    Invitation {
        id: id.into(),
        client_id: ClientId("demo".into()),
        email: Email::parse(email).expect("email"),
        status: InvitationStatus::Pending,
        created_at: T0,
        expires_at: T0 + Duration::days(14),
        decided_at: None,
        user_id: None,
        locale: None,
        message_id: None,
    }
}

async fn an_invitation_is_found_by_its_token_and_replaced_by_a_newer_one(backend: Backend) {
    let store = store(backend).await;
    let mut tx = store.begin().await.expect("begin");
    tx.create_app(&app("demo")).await.expect("app");
    let first = SecretToken::generate(&SystemRandom);
    let replaced = tx
        .create_invitation(&invitation("one", "ada@example.org"), &first.hash())
        .await
        .expect("invite");
    assert_eq!(replaced, None);
    let second = SecretToken::generate(&SystemRandom);
    let mut again = invitation("two", "ada@example.org");
    again.created_at = T0 + Duration::hours(1);
    let replaced = tx
        .create_invitation(&again, &second.hash())
        .await
        .expect("invite again");
    assert_eq!(replaced.as_deref(), Some("one"));
    tx.commit().await.expect("commit");

    let mut conn = store.read().await.expect("read");
    let old = conn
        .find_invitation_by_token(&first.hash())
        .await
        .expect("find")
        .expect("the first is still there");
    assert_eq!(old.status, InvitationStatus::Replaced);
    assert_eq!(old.decided_at, Some(T0 + Duration::hours(1)));
    let new = conn
        .find_invitation_by_token(&second.hash())
        .await
        .expect("find")
        .expect("the second");
    assert_eq!(new, again);
    let email = Email::parse("ada@example.org").expect("email");
    assert_eq!(
        conn.count_pending_invitations(&email, T0)
            .await
            .expect("count"),
        1
    );
    let pending = conn
        .list_pending_invitations(&email, T0)
        .await
        .expect("pending");
    assert_eq!(
        pending.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        ["two"]
    );
    let listed = conn
        .list_invitations_of_app(&ClientId("demo".into()))
        .await
        .expect("list");
    assert_eq!(
        listed.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        ["two", "one"],
        "newest first"
    );
    assert!(conn
        .find_invitation_by_token(&SecretToken::generate(&SystemRandom).hash())
        .await
        .expect("find")
        .is_none());
}

async fn simultaneous_accepts_of_one_invitation_have_exactly_one_winner(backend: Backend) {
    let store = store(backend).await;
    let ada = new_user("ada", Some("ada@example.org"));
    let mut tx = store.begin().await.expect("begin");
    tx.create_user(&ada).await.expect("user");
    tx.create_app(&app("demo")).await.expect("app");
    tx.create_invitation(
        &invitation("one", "ada@example.org"),
        &SecretToken::generate(&SystemRandom).hash(),
    )
    .await
    .expect("invite");
    tx.commit().await.expect("commit");

    let user = ada.id;
    let wins = at_once(&store, 4, move |store, _| async move {
        let mut tx = store.begin().await.expect("begin");
        let won = tx
            .decide_invitation("one", InvitationStatus::Accepted, user, T0)
            .await
            .expect("decide");
        tx.commit().await.expect("commit");
        won
    })
    .await;
    assert_eq!(wins.iter().filter(|w| **w).count(), 1, "{wins:?}");
    let mut conn = store.read().await.expect("read");
    let decided = conn
        .find_invitation("one")
        .await
        .expect("find")
        .expect("it");
    assert_eq!(decided.status, InvitationStatus::Accepted);
    assert_eq!(decided.user_id, Some(user));
    let mine = conn
        .list_invitations_of_person(None, user)
        .await
        .expect("mine");
    assert_eq!(mine.len(), 1, "decided by the person, whatever the address");
}

async fn simultaneous_invitations_of_one_address_leave_one_pending(backend: Backend) {
    let store = store(backend).await;
    let mut tx = store.begin().await.expect("begin");
    tx.create_app(&app("demo")).await.expect("app");
    tx.commit().await.expect("commit");

    let results = at_once(&store, 3, |store, i| async move {
        let mut tx = store.begin().await.expect("begin");
        let created = tx
            .create_invitation(
                &invitation(&format!("i{i}"), "bob@example.org"),
                &SecretToken::generate(&SystemRandom).hash(),
            )
            .await;
        match created {
            Ok(_) => tx.commit().await.map(|()| true),
            Err(e) => Err(e),
        }
    })
    .await;
    for r in &results {
        assert!(
            matches!(r, Ok(true) | Err(StoreError::Conflict("invitation"))),
            "{r:?}"
        );
    }
    let email = Email::parse("bob@example.org").expect("email");
    let mut conn = store.read().await.expect("read");
    assert_eq!(
        conn.count_pending_invitations(&email, T0)
            .await
            .expect("count"),
        1,
        "never two pending for one application and address"
    );
}

async fn an_expired_or_revoked_invitation_cannot_be_decided(backend: Backend) {
    let store = store(backend).await;
    let ada = new_user("ada", Some("ada@example.org"));
    let mut tx = store.begin().await.expect("begin");
    tx.create_user(&ada).await.expect("user");
    tx.create_app(&app("demo")).await.expect("app");
    for id in ["late", "revoked"] {
        tx.create_invitation(
            &Invitation {
                client_id: ClientId("demo".into()),
                ..invitation(id, &format!("{id}@example.org"))
            },
            &SecretToken::generate(&SystemRandom).hash(),
        )
        .await
        .expect("invite");
    }
    let after = T0 + Duration::days(14);
    assert!(!tx
        .decide_invitation("late", InvitationStatus::Accepted, ada.id, after)
        .await
        .expect("decide"));
    assert!(tx.revoke_invitation("revoked", T0).await.expect("revoke"));
    assert!(!tx.revoke_invitation("revoked", T0).await.expect("again"));
    assert!(!tx
        .decide_invitation("revoked", InvitationStatus::Declined, ada.id, T0)
        .await
        .expect("decide"));
    // An expired one may still be withdrawn, so it stops showing anywhere.
    assert!(tx.revoke_invitation("late", after).await.expect("revoke"));
    tx.commit().await.expect("commit");
}
