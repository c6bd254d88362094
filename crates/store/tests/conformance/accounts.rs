//! Accounts, sessions and the activity log.

use sigil_core::email::Email;
use sigil_core::event::{ClientInfo, EventCategory, NewEvent};
use sigil_core::login::Login;
use sigil_core::ports::StoreError;
use sigil_core::random::SystemRandom;
use sigil_core::session::Session;
use sigil_core::token::SecretToken;
use sigil_store::testing::Backend;
use time::Duration;

use crate::{new_user, on_both_backends, store, T0};

on_both_backends!(
    users_round_trip_and_logins_and_emails_are_unique,
    field_values_are_set_replaced_and_removed,
    sessions_are_found_by_hash_touched_and_ended,
    sessions_are_listed_per_person_and_found_by_sid_of_their_owner_only,
    events_list_newest_first_in_pages,
    events_filter_by_category_and_carry_the_application_name,
    a_dropped_transaction_changes_nothing,
);

async fn users_round_trip_and_logins_and_emails_are_unique(backend: Backend) {
    let store = store(backend).await;
    let alice = new_user("alice", Some("alice@example.org"));
    let mut tx = store.begin().await.expect("begin");
    tx.create_user(&alice).await.expect("create");
    tx.commit().await.expect("commit");

    let mut conn = store.begin().await.expect("begin");
    let found = conn
        .find_user(alice.id)
        .await
        .expect("find")
        .expect("exists");
    assert_eq!(found.login.as_ref().map(Login::as_str), Some("alice"));
    assert_eq!(
        found.email.as_ref().map(Email::as_str),
        Some("alice@example.org")
    );
    assert!(!found.email_verified);
    assert_eq!(found.created_at, T0);
    let by_email = conn
        .find_user_by_email(&Email::parse("ALICE@example.org").expect("email"))
        .await
        .expect("find");
    assert_eq!(by_email.map(|u| u.id), Some(alice.id));

    let same_login = new_user("alice", None);
    let err = conn
        .create_user(&same_login)
        .await
        .expect_err("duplicate login");
    assert!(matches!(err, StoreError::Conflict("login")), "{err:?}");
    // A failed statement ends a PostgreSQL transaction: each attempt gets its own.
    drop(conn);
    let mut conn = store.begin().await.expect("begin");
    let same_email = new_user("alice2", Some("alice@example.org"));
    let err = conn
        .create_user(&same_email)
        .await
        .expect_err("duplicate email");
    assert!(matches!(err, StoreError::Conflict("email")), "{err:?}");
    drop(conn);

    let bob = new_user("bob", None);
    let mut conn = store.begin().await.expect("begin");
    conn.create_user(&bob).await.expect("create bob");
    conn.commit().await.expect("commit");
    let mut conn = store.begin().await.expect("begin");
    let err = conn
        .set_login(bob.id, alice.login.as_ref(), T0)
        .await
        .expect_err("taken");
    assert!(matches!(err, StoreError::Conflict("login")));
    drop(conn);
    let mut conn = store.begin().await.expect("begin");
    conn.set_login(bob.id, None, T0).await.expect("clear login");
    assert_eq!(conn.count_operators().await.expect("count"), 0);
}

async fn field_values_are_set_replaced_and_removed(backend: Backend) {
    let store = store(backend).await;
    let alice = new_user("alice", None);
    let mut conn = store.begin().await.expect("begin");
    conn.create_user(&alice).await.expect("create");
    conn.set_field_value(alice.id, "nickname", Some("Al"), T0)
        .await
        .expect("set");
    conn.set_field_value(alice.id, "nickname", Some("Ally"), T0)
        .await
        .expect("replace");
    conn.set_field_value(alice.id, "company", Some("ACME; \"quoted\""), T0)
        .await
        .expect("set");
    let values = conn.field_values(alice.id).await.expect("values");
    assert_eq!(values.get("nickname").map(String::as_str), Some("Ally"));
    assert_eq!(
        values.get("company").map(String::as_str),
        Some("ACME; \"quoted\"")
    );
    conn.set_field_value(alice.id, "nickname", None, T0)
        .await
        .expect("remove");
    let values = conn.field_values(alice.id).await.expect("values");
    assert!(!values.contains_key("nickname"));

    // Values and privacy levels come back together, each to its own map.
    conn.set_privacy(
        alice.id,
        "company",
        sigil_core::privacy::PrivacyLevel::Public,
        T0,
    )
    .await
    .expect("privacy");
    let (values, levels) = conn.values_and_privacy(alice.id).await.expect("both");
    assert_eq!(values, conn.field_values(alice.id).await.expect("values"));
    assert_eq!(levels, conn.privacy_levels(alice.id).await.expect("levels"));
    assert_eq!(levels.len(), 1);
    assert_eq!(values.len(), 1);
}

async fn sessions_are_found_by_hash_touched_and_ended(backend: Backend) {
    let store = store(backend).await;
    let alice = new_user("alice", None);
    let mut conn = store.begin().await.expect("begin");
    conn.create_user(&alice).await.expect("create");
    let tokens: Vec<SecretToken> = (0..2)
        .map(|_| SecretToken::generate(&SystemRandom))
        .collect();
    for token in &tokens {
        conn.create_session(&Session {
            id_hash: token.hash(),
            sid: format!("sid-{}", &token.expose()[..8]),
            user_id: alice.id,
            created_at: T0,
            last_seen_at: T0,
            expires_at: T0 + Duration::hours(1),
            method: sigil_core::session::SignInMethod::Provider("corp".into()),
            auth_time: T0,
            client: ClientInfo {
                ip: Some("192.0.2.1".into()),
                device: Some("pc".into()),
                browser: Some("Firefox 128".into()),
                os: Some("Linux".into()),
            },
        })
        .await
        .expect("create session");
    }
    let s = conn
        .find_session(&tokens[0].hash())
        .await
        .expect("find")
        .expect("exists");
    assert_eq!(s.user_id, alice.id);
    assert_eq!(
        s.method,
        sigil_core::session::SignInMethod::Provider("corp".into())
    );
    assert_eq!(s.client.browser.as_deref(), Some("Firefox 128"));
    assert_eq!(s.client.os.as_deref(), Some("Linux"));
    conn.touch_session(&tokens[0].hash(), T0 + Duration::minutes(5))
        .await
        .expect("touch");
    let s = conn
        .find_session(&tokens[0].hash())
        .await
        .expect("find")
        .expect("exists");
    assert_eq!(s.last_seen_at, T0 + Duration::minutes(5));
    assert!(conn
        .delete_session(&tokens[0].hash())
        .await
        .expect("delete"));
    assert!(!conn
        .delete_session(&tokens[0].hash())
        .await
        .expect("delete again"));
    assert_eq!(
        conn.delete_sessions_of_user(alice.id)
            .await
            .expect("delete all"),
        1
    );
    assert!(conn
        .find_session(&tokens[1].hash())
        .await
        .expect("find")
        .is_none());
}

async fn sessions_are_listed_per_person_and_found_by_sid_of_their_owner_only(backend: Backend) {
    let store = store(backend).await;
    let alice = new_user("alice", None);
    let bob = new_user("bob", None);
    let mut conn = store.begin().await.expect("begin");
    conn.create_user(&alice).await.expect("create");
    conn.create_user(&bob).await.expect("create");
    for (n, (user, seen)) in [(alice.id, 1), (alice.id, 7), (bob.id, 3)]
        .into_iter()
        .enumerate()
    {
        conn.create_session(&Session {
            id_hash: SecretToken::generate(&SystemRandom).hash(),
            sid: format!("sid-{n}"),
            user_id: user,
            created_at: T0,
            last_seen_at: T0 + Duration::minutes(seen),
            expires_at: T0 + Duration::hours(1),
            method: sigil_core::session::SignInMethod::Password,
            auth_time: T0,
            client: ClientInfo::default(),
        })
        .await
        .expect("create session");
    }
    let listed = conn.list_sessions_of_user(alice.id).await.expect("list");
    let sids: Vec<&str> = listed.iter().map(|s| s.sid.as_str()).collect();
    assert_eq!(
        sids,
        ["sid-1", "sid-0"],
        "alice's, most recently seen first"
    );
    let found = conn
        .find_session_by_sid(alice.id, "sid-1")
        .await
        .expect("find")
        .expect("alice's own");
    assert_eq!(found.id_hash, listed[0].id_hash);
    assert!(conn
        .find_session_by_sid(alice.id, "sid-2")
        .await
        .expect("find")
        .is_none());
    assert!(conn
        .find_session_by_sid(bob.id, "sid-2")
        .await
        .expect("find")
        .is_some());
}

async fn events_list_newest_first_in_pages(backend: Backend) {
    let store = store(backend).await;
    let alice = new_user("alice", None);
    let mut conn = store.begin().await.expect("begin");
    conn.create_user(&alice).await.expect("create");
    for i in 0..5 {
        let e = NewEvent::new(
            T0 + Duration::seconds(i),
            Some(alice.id),
            EventCategory::SignInSucceeded,
            &ClientInfo::default(),
        )
        .with_details(serde_json::json!({ "n": i }));
        conn.insert_event(&e).await.expect("insert");
    }
    let other = NewEvent::new(
        T0,
        None,
        EventCategory::SignInFailed,
        &ClientInfo::default(),
    );
    conn.insert_event(&other).await.expect("insert");
    let first = conn
        .list_events(alice.id, None, None, 3)
        .await
        .expect("list");
    let ns: Vec<_> = first.iter().map(|e| e.details["n"].as_i64()).collect();
    assert_eq!(ns, [Some(4), Some(3), Some(2)]);
    let last = first.last().map(|e| e.id);
    let second = conn
        .list_events(alice.id, None, last, 3)
        .await
        .expect("list");
    let ns: Vec<_> = second.iter().map(|e| e.details["n"].as_i64()).collect();
    assert_eq!(ns, [Some(1), Some(0)]);
    assert_eq!(second[0].category, "sign_in.succeeded");
}

async fn events_filter_by_category_and_carry_the_application_name(backend: Backend) {
    let store = store(backend).await;
    let alice = new_user("alice", None);
    let mut conn = store.begin().await.expect("begin");
    conn.create_user(&alice).await.expect("create");
    conn.create_app(&crate::oidc::app("demo"))
        .await
        .expect("app");
    let client = ClientInfo {
        os: Some("Linux".into()),
        ..ClientInfo::default()
    };
    let mut signed_in = NewEvent::new(T0, Some(alice.id), EventCategory::AppSignIn, &client);
    signed_in.client_id = Some(sigil_core::ids::ClientId("demo".into()));
    let mut gone = signed_in.clone();
    gone.client_id = Some(sigil_core::ids::ClientId("deleted-app".into()));
    let own = NewEvent::new(T0, Some(alice.id), EventCategory::PasswordChanged, &client);
    for e in [&signed_in, &own, &gone] {
        conn.insert_event(e).await.expect("insert");
    }

    let apps = conn
        .list_events(alice.id, Some(EventCategory::AppSignIn), None, 10)
        .await
        .expect("list");
    let names: Vec<_> = apps.iter().map(|e| e.client_name.as_deref()).collect();
    assert_eq!(names, [None, Some("App demo")]);
    assert_eq!(apps[1].client.os.as_deref(), Some("Linux"));
    assert_eq!(
        conn.event_categories(alice.id).await.expect("categories"),
        ["app.sign_in", "password.changed"]
    );
}

async fn a_dropped_transaction_changes_nothing(backend: Backend) {
    let store = store(backend).await;
    let alice = new_user("alice", None);
    {
        let mut tx = store.begin().await.expect("begin");
        tx.create_user(&alice).await.expect("create");
        tx.insert_event(&NewEvent::new(
            T0,
            Some(alice.id),
            EventCategory::Registered,
            &ClientInfo::default(),
        ))
        .await
        .expect("event");
    }
    let mut conn = store.begin().await.expect("begin");
    assert!(conn.find_user(alice.id).await.expect("find").is_none());
    assert!(conn
        .list_events(alice.id, None, None, 10)
        .await
        .expect("list")
        .is_empty());
}
