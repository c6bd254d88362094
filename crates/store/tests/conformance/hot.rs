//! The hot paths' combined reads and writes, and the application generation.
use sigil_core::event::ClientInfo;
use sigil_core::ids::{ClientId, UserId};
use sigil_core::locale::Locale;
use sigil_core::privacy::PrivacyLevel;
use sigil_core::random::SystemRandom;
use sigil_core::session::{Session, SignInMethod};
use sigil_core::token::SecretToken;
use sigil_store::testing::Backend;
use time::Duration;

use crate::oidc::{app, family};
use crate::{new_user, on_both_backends, store, T0};

on_both_backends!(
    every_change_to_the_applications_moves_their_generation,
    userinfo_reads_the_grant_with_the_profile_version_and_the_profile_apart,
    every_change_to_a_profile_moves_its_version,
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

async fn userinfo_reads_the_grant_with_the_profile_version_and_the_profile_apart(backend: Backend) {
    let store = store(backend).await;
    let alice = new_user("alice", None);
    let bob = new_user("bob", None);
    let session = SecretToken::generate(&SystemRandom).hash();
    let mut tx = store.begin().await.expect("begin");
    tx.create_user(&alice).await.expect("alice");
    tx.create_user(&bob).await.expect("bob");
    tx.create_app(&app("demo")).await.expect("app");
    tx.create_session(&Session {
        id_hash: session,
        sid: "sid".into(),
        user_id: alice.id,
        created_at: T0,
        last_seen_at: T0,
        expires_at: T0 + Duration::hours(8),
        auth_time: T0,
        method: SignInMethod::Password,
        client: ClientInfo::default(),
    })
    .await
    .expect("session");
    tx.insert_family(&family("fa", Some(alice.id), "demo", Some(session)))
        .await
        .expect("alice's grant");
    tx.insert_family(&family("fb", Some(bob.id), "demo", None))
        .await
        .expect("bob's grant");
    tx.set_field_value(alice.id, "nickname", Some("Al"), T0)
        .await
        .expect("nickname");
    tx.set_field_value(alice.id, "given_name", Some("Alice"), T0)
        .await
        .expect("given name");
    tx.set_privacy(alice.id, "given_name", PrivacyLevel::Public, T0)
        .await
        .expect("privacy");
    tx.revoke_access_token("spent", T0 + Duration::minutes(5))
        .await
        .expect("revoke");
    tx.commit().await.expect("commit");

    let mut conn = store.read().await.expect("read");
    let found = conn
        .find_grant_version("fa", Some("live"))
        .await
        .expect("find")
        .expect("alice's grant");
    let (grant, revoked) = conn
        .find_grant_state("fa", "live")
        .await
        .expect("state")
        .expect("fa");
    assert_eq!(format!("{:?}", found.grant), format!("{grant:?}"));
    assert_eq!(
        found.grant.session_expires_at,
        Some(T0 + Duration::hours(8))
    );
    assert!(!found.revoked && !revoked);
    let version = found.profile_version.expect("alice is there");

    let profile = conn
        .find_profile(alice.id)
        .await
        .expect("profile")
        .expect("alice");
    assert_eq!(profile.version, version);
    let apart = conn
        .find_user(alice.id)
        .await
        .expect("user")
        .expect("alice");
    assert_eq!(format!("{:?}", profile.user), format!("{apart:?}"));
    assert_eq!(profile.user.name.as_deref(), Some("Al"));
    let (values, levels) = conn.values_and_privacy(alice.id).await.expect("apart");
    assert_eq!((profile.values.len(), profile.privacy.len()), (2, 1));
    assert_eq!((profile.values, profile.privacy), (values, levels));

    let spent = conn
        .find_grant_version("fa", Some("spent"))
        .await
        .expect("find")
        .expect("fa");
    assert!(spent.revoked, "a revoked access token is reported");
    // Refresh names no access token: the same grant and version, nothing revoked.
    let unnamed = conn
        .find_grant_version("fa", None)
        .await
        .expect("find")
        .expect("fa");
    assert!(!unnamed.revoked);
    assert_eq!(format!("{:?}", unnamed.grant), format!("{grant:?}"));
    assert_eq!(unnamed.profile_version, Some(version));

    // Neither values nor choices, nor a session: the grant and the person alone.
    let found = conn
        .find_grant_version("fb", Some("live"))
        .await
        .expect("find")
        .expect("bob's grant");
    assert_eq!(found.grant.session_expires_at, None);
    let profile = conn.find_profile(bob.id).await.expect("find").expect("bob");
    assert_eq!(profile.user.id, bob.id);
    assert!(profile.values.is_empty() && profile.privacy.is_empty());
    assert!(conn
        .find_grant_version("nothing", Some("live"))
        .await
        .expect("find")
        .is_none());
    drop(conn);

    // The person erased: their grants went with them.
    let mut tx = store.begin().await.expect("begin");
    assert!(tx.erase_user(bob.id, "gone", &[]).await.expect("erase"));
    tx.commit().await.expect("commit");
    let mut conn = store.read().await.expect("read");
    assert!(conn
        .find_grant_version("fb", Some("live"))
        .await
        .expect("find")
        .is_none());
    assert!(conn.find_profile(bob.id).await.expect("find").is_none());
}

async fn every_change_to_a_profile_moves_its_version(backend: Backend) {
    let store = store(backend).await;
    let alice = new_user("alice", None);
    let bob = new_user("bob", None);
    let mut tx = store.begin().await.expect("begin");
    tx.create_user(&alice).await.expect("alice");
    tx.create_user(&bob).await.expect("bob");
    tx.commit().await.expect("commit");
    let version = |who| {
        let store = store.clone();
        async move {
            let mut conn = store.read().await.expect("read");
            conn.find_profile(who)
                .await
                .expect("profile")
                .expect("someone")
                .version
        }
    };
    let bobs = version(bob.id).await;
    let mut last = version(alice.id).await;
    let a = alice.id;
    let steps = [
        ("a field value added", Change::Field(a, Some("Al"))),
        ("a field value changed", Change::Field(a, Some("Ally"))),
        ("a field value removed", Change::Field(a, None)),
        (
            "a privacy choice made",
            Change::Privacy(a, PrivacyLevel::Public),
        ),
        (
            "a privacy choice changed",
            Change::Privacy(a, PrivacyLevel::Private),
        ),
        ("the row itself", Change::Locale(a)),
        ("the profile made private", Change::Private(a)),
    ];
    for (what, change) in steps {
        let mut tx = store.begin().await.expect("begin");
        match change {
            Change::Field(u, value) => tx.set_field_value(u, "nickname", value, T0).await,
            Change::Privacy(u, level) => tx.set_privacy(u, "given_name", level, T0).await,
            Change::Locale(u) => tx.set_locale(u, Some(Locale::De), T0).await,
            Change::Private(u) => tx.set_profile_private(u, true, T0).await,
        }
        .expect(what);
        // Not committed: nobody else sees the move.
        assert_eq!(version(alice.id).await, last, "{what}, uncommitted");
        tx.commit().await.expect("commit");
        let now = version(alice.id).await;
        assert!(now > last, "{what}: {last} → {now}");
        last = now;
    }
    assert_eq!(
        version(bob.id).await,
        bobs,
        "another person's version stays"
    );
}

/// One change to a profile, for [`every_change_to_a_profile_moves_its_version`].
enum Change {
    Field(UserId, Option<&'static str>),
    Privacy(UserId, PrivacyLevel),
    Locale(UserId),
    Private(UserId),
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
