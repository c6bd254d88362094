//! Back-channel logout: the settings on an application, and which applications hold
//! something under the sessions that end.
use sigil_core::ids::ClientId;
use sigil_core::oidc::backchannel::{BackchannelUri, LogoutTarget};
use sigil_core::oidc::grant::AuthCode;
use sigil_core::oidc::scope::ScopeSet;
use sigil_core::random::SystemRandom;
use sigil_core::token::{SecretToken, TokenHash};
use sigil_store::testing::Backend;
use time::Duration;

use crate::oidc::{app, family};
use crate::{new_user, on_both_backends, store, T0};

on_both_backends!(
    backchannel_settings_round_trip_and_change,
    logout_targets_are_the_live_grants_and_codes_of_applications_that_asked,
    a_logout_waits_for_a_grant_under_a_locked_session_and_ends_it,
    a_grant_waits_for_a_logout_in_flight_and_finds_the_session_gone,
);

/// A person with one session and an application, committed.
async fn person_with_session(
    store: &std::sync::Arc<dyn sigil_core::ports::Store>,
) -> (sigil_core::ids::UserId, TokenHash) {
    let alice = new_user("alice", None);
    let token = SecretToken::generate(&SystemRandom);
    let mut tx = store.begin().await.expect("begin");
    tx.create_user(&alice).await.expect("user");
    tx.create_app(&app("one")).await.expect("app");
    tx.create_session(&sigil_core::session::Session {
        id_hash: token.hash(),
        sid: "sid".into(),
        user_id: alice.id,
        created_at: T0,
        last_seen_at: T0,
        expires_at: T0 + Duration::hours(8),
        auth_time: T0,
        method: sigil_core::session::SignInMethod::Password,
        client: sigil_core::event::ClientInfo::default(),
    })
    .await
    .expect("session");
    tx.commit().await.expect("commit");
    (alice.id, token.hash())
}

/// Log out everywhere as the service does it: the sessions first, then the grants.
async fn log_out_everywhere(
    store: std::sync::Arc<dyn sigil_core::ports::Store>,
    user: sigil_core::ids::UserId,
) {
    let mut tx = store.begin().await.expect("begin");
    tx.delete_sessions_of_user(user).await.expect("sessions");
    tx.revoke_families_of_user(user, T0).await.expect("grants");
    tx.commit().await.expect("commit");
}

/// How long the first transaction stays open while the second one tries its luck.
const HOLD: std::time::Duration = std::time::Duration::from_millis(300);

async fn a_logout_waits_for_a_grant_under_a_locked_session_and_ends_it(backend: Backend) {
    let store = store(backend).await;
    let (user, session) = person_with_session(&store).await;
    let mut grant = store.begin().await.expect("begin");
    assert!(grant.lock_session(&session).await.expect("lock"));
    let mut f = family("f", Some(user), "one", Some(session));
    f.scopes = ScopeSet::parse("openid offline_access").expect("scopes");
    grant.insert_family(&f).await.expect("family");

    let logout = tokio::spawn(log_out_everywhere(store.clone(), user));
    tokio::time::sleep(HOLD).await;
    grant.commit().await.expect("commit");
    logout.await.expect("logout");

    let mut conn = store.read().await.expect("read");
    let f = conn.find_family("f").await.expect("find").expect("exists");
    assert!(
        f.revoked_at.is_some(),
        "the grant did not outlive the logout"
    );
}

async fn a_grant_waits_for_a_logout_in_flight_and_finds_the_session_gone(backend: Backend) {
    let store = store(backend).await;
    let (user, session) = person_with_session(&store).await;
    let mut logout = store.begin().await.expect("begin");
    logout
        .delete_sessions_of_user(user)
        .await
        .expect("sessions");

    let grant = tokio::spawn({
        let store = store.clone();
        async move {
            let mut tx = store.begin().await.expect("begin");
            let alive = tx.lock_session(&session).await.expect("lock");
            tx.commit().await.expect("commit");
            alive
        }
    });
    tokio::time::sleep(HOLD).await;
    logout.commit().await.expect("commit");

    assert!(!grant.await.expect("grant"), "the session had ended");
}

fn uri(s: &str) -> BackchannelUri {
    BackchannelUri::parse(s).expect("uri")
}

async fn backchannel_settings_round_trip_and_change(backend: Backend) {
    let store = store(backend).await;
    let mut conn = store.begin().await.expect("begin");
    let mut told = app("told");
    told.backchannel_logout_uri = Some(uri("https://app.example/bc?x=1"));
    told.backchannel_logout_session_required = true;
    conn.create_app(&told).await.expect("app");
    conn.create_app(&app("quiet")).await.expect("app");
    let id = ClientId("told".into());
    let found = conn.find_app(&id).await.expect("find").expect("exists");
    assert_eq!(found.backchannel_logout_uri, told.backchannel_logout_uri);
    assert!(found.backchannel_logout_session_required);
    let quiet = conn
        .find_app(&ClientId("quiet".into()))
        .await
        .expect("find")
        .expect("exists");
    assert_eq!(quiet.backchannel_logout_uri, None);
    assert!(!quiet.backchannel_logout_session_required);

    assert!(conn
        .set_app_backchannel(&id, None, false)
        .await
        .expect("set"));
    let found = conn.find_app(&id).await.expect("find").expect("exists");
    assert_eq!(found.backchannel_logout_uri, None);
    assert!(!found.backchannel_logout_session_required);
    assert!(!conn
        .set_app_backchannel(&ClientId("nope".into()), None, false)
        .await
        .expect("set unknown"));
}

fn code(client: &str, user: sigil_core::ids::UserId, session: TokenHash, sid: &str) -> AuthCode {
    AuthCode {
        code_hash: SecretToken::generate(&SystemRandom).hash(),
        client_id: ClientId(client.into()),
        user_id: user,
        session_hash: session,
        sid: sid.into(),
        redirect_uri: "https://app.example/cb".into(),
        scopes: ScopeSet::parse("openid").expect("scopes"),
        nonce: None,
        code_challenge: None,
        auth_time: T0,
        method: sigil_core::session::SignInMethod::Password,
        created_at: T0,
        expires_at: T0 + Duration::minutes(1),
        used_at: None,
        family_id: None,
    }
}

async fn logout_targets_are_the_live_grants_and_codes_of_applications_that_asked(backend: Backend) {
    let store = store(backend).await;
    let alice = new_user("alice", None);
    let bob = new_user("bob", None);
    let mut conn = store.begin().await.expect("begin");
    conn.create_user(&alice).await.expect("user");
    conn.create_user(&bob).await.expect("user");
    for (id, wants, required) in [
        ("one", true, false),
        ("two", true, true),
        ("mute", false, false),
    ] {
        let mut a = app(id);
        a.backchannel_logout_uri = wants.then(|| uri("https://app.example/bc"));
        a.backchannel_logout_session_required = required;
        conn.create_app(&a).await.expect("app");
    }
    let s1 = SecretToken::generate(&SystemRandom).hash();
    let s2 = SecretToken::generate(&SystemRandom).hash();
    let with_sid = |id: &str, client: &str, session: TokenHash, sid: &str| {
        let mut f = family(id, Some(alice.id), client, Some(session));
        f.sid = Some(sid.into());
        f
    };
    // Under s1: a family of `one` (twice: one target), a family of the mute app, an
    // unused code of `two`.
    for f in [
        with_sid("a", "one", s1, "sid1"),
        with_sid("a2", "one", s1, "sid1"),
        with_sid("b", "mute", s1, "sid1"),
        with_sid("c", "one", s2, "sid2"),
    ] {
        conn.insert_family(&f).await.expect("family");
    }
    conn.insert_code(&code("two", alice.id, s1, "sid1"))
        .await
        .expect("code");
    // Under s2: besides `c`, a revoked family, a used code and an expired one of `two`:
    // none of them counts.
    conn.insert_family(&with_sid("d", "two", s2, "sid2"))
        .await
        .expect("family");
    conn.revoke_family("d", T0).await.expect("revoke");
    let used = code("two", alice.id, s2, "sid2");
    conn.insert_code(&used).await.expect("code");
    assert!(conn.use_code(&used.code_hash, "c", T0).await.expect("use"));
    let mut old = code("two", alice.id, s2, "sid2");
    old.expires_at = T0 - Duration::seconds(1);
    conn.insert_code(&old).await.expect("code");
    // Bob's grant of `one` is his.
    let mut bobs = family("e", Some(bob.id), "one", Some(s2));
    bobs.sid = Some("sidb".into());
    conn.insert_family(&bobs).await.expect("family");

    let target = |client: &str, user, sid: &str, required| LogoutTarget {
        client_id: ClientId(client.into()),
        user_id: user,
        sid: Some(sid.into()),
        session_required: required,
    };
    let mut of_s1 = conn.logout_targets_of_session(&s1, T0).await.expect("s1");
    of_s1.sort_by(|a, b| a.client_id.0.cmp(&b.client_id.0));
    assert_eq!(
        of_s1,
        [
            target("one", alice.id, "sid1", false),
            target("two", alice.id, "sid1", true)
        ]
    );
    let mut of_alice = conn.logout_targets_of_user(alice.id, T0).await.expect("u");
    of_alice.sort_by(|a, b| (&a.client_id.0, &a.sid).cmp(&(&b.client_id.0, &b.sid)));
    assert_eq!(
        of_alice,
        [
            target("one", alice.id, "sid1", false),
            target("one", alice.id, "sid2", false),
            target("two", alice.id, "sid1", true),
        ]
    );
    let mut of_grant = conn
        .logout_targets_of_grant(alice.id, &ClientId("one".into()), T0)
        .await
        .expect("grant");
    of_grant.sort_by(|a, b| a.sid.cmp(&b.sid));
    assert_eq!(
        of_grant,
        [
            target("one", alice.id, "sid1", false),
            target("one", alice.id, "sid2", false)
        ]
    );
    // Once the grants are ended, nothing is left to tell.
    conn.revoke_families_of_user(alice.id, T0)
        .await
        .expect("revoke");
    assert_eq!(
        conn.logout_targets_of_grant(alice.id, &ClientId("one".into()), T0)
            .await
            .expect("grant"),
        []
    );
    // A code expires by itself.
    let later = T0 + Duration::minutes(2);
    assert_eq!(
        conn.logout_targets_of_session(&s1, later)
            .await
            .expect("s1"),
        []
    );
}
