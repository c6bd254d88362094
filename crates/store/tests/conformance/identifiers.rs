//! Linked identifiers and their pending requests.
use sigil_core::identifier::{ExternalAccount, NewIdentifier, PendingRequest, Purpose};
use sigil_core::ports::StoreError;
use sigil_core::privacy::PrivacyLevel;
use sigil_core::random::SystemRandom;
use sigil_core::token::SecretToken;
use sigil_store::testing::Backend;
use time::Duration;

use crate::{new_user, on_both_backends, store, T0};

on_both_backends!(
    a_request_is_taken_once_and_purged_when_expired,
    an_external_account_links_to_one_profile_only,
);

async fn a_request_is_taken_once_and_purged_when_expired(backend: Backend) {
    let store = store(backend).await;
    let user = new_user("ada", None);
    let mut tx = store.begin().await.expect("tx");
    tx.create_user(&user).await.expect("user");
    let request = |expires_at| PendingRequest {
        provider: "corp".into(),
        purpose: Purpose::Link(user.id),
        sealed: "sealed-secrets".into(),
        expires_at,
    };
    let sign_in = SecretToken::generate(&SystemRandom).hash();
    let purpose = Purpose::SignIn {
        binding: "ab12".into(),
        next: "/oauth/authorize?client_id=x".into(),
    };
    let live = SecretToken::generate(&SystemRandom).hash();
    let stale = SecretToken::generate(&SystemRandom).hash();
    tx.save_identifier_request(&live, &request(T0 + Duration::minutes(10)), T0)
        .await
        .expect("save");
    tx.save_identifier_request(&stale, &request(T0), T0)
        .await
        .expect("save");
    tx.save_identifier_request(
        &sign_in,
        &PendingRequest {
            purpose: purpose.clone(),
            ..request(T0 + Duration::minutes(10))
        },
        T0,
    )
    .await
    .expect("save");
    tx.commit().await.expect("commit");

    let mut tx = store.begin().await.expect("tx");
    let taken = tx
        .take_identifier_request(&sign_in)
        .await
        .expect("take")
        .expect("waiting");
    assert_eq!(taken.purpose, purpose);
    let taken = tx
        .take_identifier_request(&live)
        .await
        .expect("take")
        .expect("waiting");
    assert_eq!(taken.provider, "corp");
    assert_eq!(taken.purpose, Purpose::Link(user.id));
    assert_eq!(taken.sealed, "sealed-secrets");
    assert_eq!(taken.expires_at, T0 + Duration::minutes(10));
    assert!(tx
        .take_identifier_request(&live)
        .await
        .expect("take")
        .is_none());
    assert_eq!(
        tx.purge_identifier_requests(T0 + Duration::seconds(1))
            .await
            .expect("purge"),
        1
    );
    assert!(tx
        .take_identifier_request(&stale)
        .await
        .expect("take")
        .is_none());
    tx.commit().await.expect("commit");
}

async fn an_external_account_links_to_one_profile_only(backend: Backend) {
    let store = store(backend).await;
    let ada = new_user("ada", None);
    let bob = new_user("bob", None);
    let account = ExternalAccount {
        subject: "248289761001".into(),
        email: Some("ada@corp.example".into()),
        name: Some("Ада Лавлейс".into()),
        picture: None,
    };
    let mut tx = store.begin().await.expect("tx");
    tx.create_user(&ada).await.expect("user");
    tx.create_user(&bob).await.expect("user");
    let avatar = [0xffu8, 0xd8, 0xff, 0xd9];
    tx.insert_identifier(&NewIdentifier {
        id: "id-1",
        user_id: ada.id,
        provider: "corp",
        account: &account,
        avatar: Some(&avatar),
        at: T0,
    })
    .await
    .expect("link");
    tx.commit().await.expect("commit");

    let mut tx = store.begin().await.expect("tx");
    let taken = tx
        .insert_identifier(&NewIdentifier {
            id: "id-2",
            user_id: bob.id,
            provider: "corp",
            account: &account,
            avatar: None,
            at: T0,
        })
        .await;
    assert!(
        matches!(taken, Err(StoreError::Conflict("subject"))),
        "{taken:?}"
    );
    drop(tx);

    let mut tx = store.begin().await.expect("tx");
    // The same subject at another provider is another account.
    tx.insert_identifier(&NewIdentifier {
        id: "id-3",
        user_id: bob.id,
        provider: "other",
        account: &account,
        avatar: None,
        at: T0 + Duration::seconds(1),
    })
    .await
    .expect("other provider");
    let found = tx
        .find_identifier_by_subject("corp", "248289761001")
        .await
        .expect("find")
        .expect("linked");
    assert_eq!(found.user_id, ada.id);
    assert_eq!(found.name.as_deref(), Some("Ада Лавлейс"));
    assert!(found.has_avatar);
    assert_eq!(found.privacy, None);
    assert_eq!(found.linked_at, T0);
    assert_eq!(
        tx.identifier_avatar(ada.id, "id-1").await.expect("avatar"),
        Some(avatar.to_vec())
    );
    assert_eq!(
        tx.identifier_avatar(bob.id, "id-1").await.expect("avatar"),
        None,
        "only the owner reaches it"
    );
    assert!(tx
        .set_identifier_privacy(ada.id, "id-1", PrivacyLevel::Public)
        .await
        .expect("privacy"));
    assert!(!tx
        .set_identifier_privacy(bob.id, "id-1", PrivacyLevel::Private)
        .await
        .expect("privacy"));
    let refreshed = ExternalAccount {
        name: Some("Ada".into()),
        ..account.clone()
    };
    tx.refresh_identifier(&NewIdentifier {
        id: "id-1",
        user_id: ada.id,
        provider: "corp",
        account: &refreshed,
        avatar: None,
        at: T0 + Duration::minutes(1),
    })
    .await
    .expect("refresh");
    let mine = tx.list_identifiers(ada.id).await.expect("list");
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].name.as_deref(), Some("Ada"));
    assert!(!mine[0].has_avatar);
    assert_eq!(mine[0].privacy, Some(PrivacyLevel::Public));
    assert!(!tx.delete_identifier(bob.id, "id-1").await.expect("delete"));
    assert!(tx.delete_identifier(ada.id, "id-1").await.expect("delete"));
    assert!(tx.list_identifiers(ada.id).await.expect("list").is_empty());
    assert_eq!(tx.list_identifiers(bob.id).await.expect("list").len(), 1);
    tx.commit().await.expect("commit");
}
