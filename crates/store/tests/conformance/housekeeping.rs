//! What housekeeping deletes: expired codes, ended grants and stale revocation entries,
//! and nothing that a token still alive could need.

use sigil_core::ids::{ClientId, UserId};
use sigil_core::oidc::grant::AuthCode;
use sigil_core::oidc::scope::ScopeSet;
use sigil_core::ports::Store;
use sigil_core::random::SystemRandom;
use sigil_core::token::{SecretToken, TokenHash};
use sigil_store::testing::Backend;
use time::{Duration, OffsetDateTime};

use crate::oidc::{app, family};
use crate::{new_user, on_both_backends, store, T0};

on_both_backends!(
    expired_codes_ended_families_and_stale_revocations_are_purged,
    two_purges_at_once_delete_each_row_once,
);

fn code(user: UserId, expires_at: OffsetDateTime) -> AuthCode {
    AuthCode {
        code_hash: SecretToken::generate(&SystemRandom).hash(),
        client_id: ClientId("demo".into()),
        user_id: user,
        session_hash: SecretToken::generate(&SystemRandom).hash(),
        sid: "sid".into(),
        redirect_uri: "https://app.example/cb".into(),
        scopes: ScopeSet::parse("openid").expect("scopes"),
        nonce: None,
        code_challenge: None,
        auth_time: T0,
        method: sigil_core::session::SignInMethod::Password,
        created_at: expires_at - Duration::minutes(1),
        expires_at,
        used_at: None,
        family_id: None,
    }
}

/// Alice with the application `demo`, committed.
async fn seeded(backend: Backend) -> (std::sync::Arc<dyn Store>, UserId) {
    let store = store(backend).await;
    let alice = new_user("alice", None);
    let mut tx = store.begin().await.expect("begin");
    tx.create_user(&alice).await.expect("user");
    tx.create_app(&app("demo")).await.expect("app");
    tx.commit().await.expect("commit");
    (store, alice.id)
}

async fn codes_left(store: &dyn Store, hashes: &[TokenHash]) -> usize {
    let mut conn = store.read().await.expect("read");
    let mut left = 0;
    for h in hashes {
        if conn.find_code(h).await.expect("find").is_some() {
            left += 1;
        }
    }
    left
}

async fn expired_codes_ended_families_and_stale_revocations_are_purged(backend: Backend) {
    let (store, alice) = seeded(backend).await;
    let now = T0 + Duration::days(2);
    let mut tx = store.begin().await.expect("begin");
    let expired = code(alice, now - Duration::hours(2));
    let fresh = code(alice, now + Duration::minutes(1));
    tx.insert_code(&expired).await.expect("code");
    tx.insert_code(&fresh).await.expect("code");
    let mut ended = family("ended", Some(alice), "demo", None);
    ended.expires_at = now - Duration::seconds(1);
    let mut revoked = family("revoked", Some(alice), "demo", None);
    revoked.revoked_at = Some(T0);
    let live = family("live", Some(alice), "demo", None);
    for f in [&ended, &revoked, &live] {
        tx.insert_family(f).await.expect("family");
    }
    tx.revoke_access_token("stale", now - Duration::seconds(1))
        .await
        .expect("revoke");
    tx.revoke_access_token("current", now + Duration::minutes(5))
        .await
        .expect("revoke");
    tx.commit().await.expect("commit");
    let hashes = [expired.code_hash, fresh.code_hash];
    assert_eq!(codes_left(store.as_ref(), &hashes).await, 2);

    let mut tx = store.begin().await.expect("begin");
    assert_eq!(tx.purge_codes(now).await.expect("codes"), 1);
    assert_eq!(tx.purge_families(now).await.expect("families"), 1);
    assert_eq!(
        tx.purge_revoked_access_tokens(now)
            .await
            .expect("revocations"),
        1
    );
    tx.commit().await.expect("commit");

    assert_eq!(codes_left(store.as_ref(), &hashes).await, 1);
    let mut conn = store.read().await.expect("read");
    assert!(conn
        .find_code(&fresh.code_hash)
        .await
        .expect("find")
        .is_some());
    assert!(conn.find_family("ended").await.expect("find").is_none());
    // A revoked family stays while its refresh token could still be presented, so it
    // keeps answering "revoked".
    let kept = conn.find_family("revoked").await.expect("find");
    assert_eq!(kept.and_then(|f| f.revoked_at), Some(T0));
    assert!(conn.find_family("live").await.expect("find").is_some());
    assert!(!conn.is_access_token_revoked("stale").await.expect("check"));
    assert!(conn
        .is_access_token_revoked("current")
        .await
        .expect("check"));
    drop(conn);

    // Once the revoked family's lifetime is over too, it goes.
    let mut tx = store.begin().await.expect("begin");
    let later = revoked.expires_at + Duration::seconds(1);
    assert_eq!(tx.purge_families(later).await.expect("families"), 2);
    assert_eq!(tx.purge_codes(now).await.expect("codes"), 0);
    tx.commit().await.expect("commit");
}

async fn two_purges_at_once_delete_each_row_once(backend: Backend) {
    let (store, alice) = seeded(backend).await;
    let now = T0 + Duration::days(60);
    let mut tx = store.begin().await.expect("begin");
    for i in 0..20 {
        tx.insert_code(&code(alice, T0)).await.expect("code");
        tx.insert_family(&family(&format!("f{i}"), Some(alice), "demo", None))
            .await
            .expect("family");
        tx.revoke_access_token(&format!("j{i}"), T0)
            .await
            .expect("revoke");
    }
    tx.commit().await.expect("commit");

    // Two nodes' housekeeping at the same moment: together they delete every row once,
    // and neither fails.
    let purge = |store: std::sync::Arc<dyn Store>| async move {
        let mut tx = store.begin().await.expect("begin");
        let done = (
            tx.purge_codes(now).await.expect("codes"),
            tx.purge_families(now).await.expect("families"),
            tx.purge_revoked_access_tokens(now)
                .await
                .expect("revocations"),
        );
        tx.commit().await.expect("commit");
        done
    };
    let (a, b) = tokio::join!(
        tokio::spawn(purge(store.clone())),
        tokio::spawn(purge(store.clone()))
    );
    let (a, b) = (a.expect("first"), b.expect("second"));
    assert_eq!((a.0 + b.0, a.1 + b.1, a.2 + b.2), (20, 20, 20));
}
