//! Applications, grants and signing keys.

use sigil_core::event::ClientInfo;
use sigil_core::ids::ClientId;
use sigil_core::ids::UserId;
use sigil_core::oidc::application::{AppInput, Application};
use sigil_core::oidc::grant::{AuthCode, TokenFamily};
use sigil_core::oidc::jose::{self, MasterKey, SigningAlg};
use sigil_core::oidc::scope::{ScopeCatalogue, ScopeSet};
use sigil_core::random::SystemRandom;
use sigil_core::session::Session;
use sigil_core::token::SecretToken;
use sigil_core::token::TokenHash;
use sigil_store::testing::Backend;
use time::Duration;

use crate::{new_user, on_both_backends, store, T0};

on_both_backends!(
    applications_round_trip_and_take_their_grants_with_them,
    codes_are_used_once_and_refresh_generations_move_once,
    families_are_revoked_by_session_by_grant_and_by_user,
    signing_keys_are_kept_retired_and_dropped,
    grant_states_join_session_and_revocation,
);
pub(crate) fn app(client_id: &str) -> Application {
    let spec = AppInput {
        name: format!("App {client_id}"),
        app_type: "web".into(),
        redirect_uris: vec![
            "https://app.example/cb".into(),
            "https://app.example/other".into(),
        ],
        post_logout_redirect_uris: vec!["https://app.example/bye".into()],
        ..AppInput::default()
    }
    .validate(&ScopeCatalogue::standard())
    .expect("valid");
    Application {
        client_id: ClientId(client_id.into()),
        secret_hash: Some(SecretToken::hash_str("s3cret")),
        name: spec.name,
        description: spec.description,
        app_type: spec.app_type,
        logo_url: None,
        home_url: Some("https://app.example/".into()),
        redirect_uris: spec.redirect_uris,
        post_logout_redirect_uris: spec.post_logout_redirect_uris,
        grant_types: spec.grant_types,
        scopes: spec.scopes,
        access_token_ttl: spec.access_token_ttl,
        id_token_ttl: spec.id_token_ttl,
        refresh_token_ttl: spec.refresh_token_ttl,
        signing_alg: SigningAlg::ES256,
        closed: false,
        in_catalog: true,
        allow_no_pkce: true,
        backchannel_logout_uri: None,
        backchannel_logout_session_required: false,
        created_at: T0,
    }
}

pub(crate) fn family(
    id: &str,
    user: Option<UserId>,
    client: &str,
    session: Option<TokenHash>,
) -> TokenFamily {
    TokenFamily {
        id: id.into(),
        client_id: ClientId(client.into()),
        user_id: user,
        session_hash: session,
        sid: Some("sid".into()),
        scopes: ScopeSet::parse("openid profile").expect("scopes"),
        auth_time: Some(T0),
        method: sigil_core::session::SignInMethod::Provider("corp".into()),
        nonce: Some("n".into()),
        created_at: T0,
        expires_at: T0 + Duration::days(30),
        revoked_at: None,
        refresh_generation: 0,
        refreshed_at: None,
    }
}

async fn applications_round_trip_and_take_their_grants_with_them(backend: Backend) {
    let store = store(backend).await;
    let alice = new_user("alice", None);
    let mut conn = store.begin().await.expect("begin");
    conn.create_user(&alice).await.expect("user");
    conn.create_app(&app("demo")).await.expect("app");
    let found = conn
        .find_app(&ClientId("demo".into()))
        .await
        .expect("find")
        .expect("exists");
    assert_eq!(found.redirect_uris.len(), 2);
    assert_eq!(found.signing_alg, SigningAlg::ES256);
    assert!(found.allow_no_pkce);
    assert!(found.secret_matches("s3cret"));
    assert!(!found.secret_matches("s3cret "));
    assert_eq!(
        found.scopes.to_string(),
        "email offline_access openid phone profile"
    );
    assert_eq!(conn.list_apps().await.expect("list").len(), 1);

    let scopes = ScopeSet::parse("openid profile").expect("scopes");
    conn.save_consent(alice.id, &found.client_id, &scopes, T0)
        .await
        .expect("consent");
    let more = ScopeSet::parse("openid profile email").expect("scopes");
    conn.save_consent(alice.id, &found.client_id, &more, T0 + Duration::hours(1))
        .await
        .expect("consent again");
    let consent = conn
        .find_consent(alice.id, &found.client_id)
        .await
        .expect("find")
        .expect("exists");
    assert_eq!(consent.scopes, more);
    assert_eq!(consent.granted_at, T0);
    assert_eq!(consent.updated_at, T0 + Duration::hours(1));
    conn.insert_family(&family("f1", Some(alice.id), "demo", None))
        .await
        .expect("family");

    assert!(conn.delete_app(&found.client_id).await.expect("delete"));
    assert!(conn.list_consents(alice.id).await.expect("list").is_empty());
    assert!(conn.find_family("f1").await.expect("find").is_none());
}

async fn codes_are_used_once_and_refresh_generations_move_once(backend: Backend) {
    let store = store(backend).await;
    let alice = new_user("alice", None);
    let mut conn = store.begin().await.expect("begin");
    conn.create_user(&alice).await.expect("user");
    conn.create_app(&app("demo")).await.expect("app");
    let code = SecretToken::generate(&SystemRandom);
    conn.insert_code(&AuthCode {
        code_hash: code.hash(),
        client_id: ClientId("demo".into()),
        user_id: alice.id,
        session_hash: SecretToken::generate(&SystemRandom).hash(),
        sid: "sid".into(),
        redirect_uri: "https://app.example/cb".into(),
        scopes: ScopeSet::parse("openid").expect("scopes"),
        nonce: None,
        code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into()),
        auth_time: T0,
        method: sigil_core::session::SignInMethod::Provider("corp".into()),
        created_at: T0,
        expires_at: T0 + Duration::minutes(1),
        used_at: None,
        family_id: None,
    })
    .await
    .expect("code");
    conn.insert_family(&family("f1", Some(alice.id), "demo", None))
        .await
        .expect("family");
    assert!(conn.use_code(&code.hash(), "f1", T0).await.expect("use"));
    assert!(!conn.use_code(&code.hash(), "f2", T0).await.expect("reuse"));
    let used = conn
        .find_code(&code.hash())
        .await
        .expect("find")
        .expect("exists");
    assert_eq!(used.family_id.as_deref(), Some("f1"));
    assert_eq!(
        used.method,
        sigil_core::session::SignInMethod::Provider("corp".into())
    );
    assert_eq!(
        used.code_challenge.as_deref(),
        Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    );

    // A rotation moves the family on once from the generation it is at; a second
    // rotation from the same generation, or one of a revoked family, does nothing.
    assert!(conn.rotate_refresh("f1", 0, T0).await.expect("rotate"));
    assert!(!conn.rotate_refresh("f1", 0, T0).await.expect("again"));
    assert!(!conn.rotate_refresh("f1", 5, T0).await.expect("ahead"));
    let later = T0 + Duration::minutes(1);
    assert!(conn.rotate_refresh("f1", 1, later).await.expect("next"));
    let f1 = conn.find_family("f1").await.expect("find").expect("exists");
    assert_eq!((f1.refresh_generation, f1.refreshed_at), (2, Some(later)));
    conn.revoke_family("f1", later)
        .await
        .expect("revoke family");
    assert!(!conn.rotate_refresh("f1", 2, later).await.expect("revoked"));
    assert!(!conn.rotate_refresh("nope", 0, T0).await.expect("unknown"));

    conn.revoke_access_token("jti-1", T0 + Duration::minutes(5))
        .await
        .expect("revoke");
    conn.revoke_access_token("jti-1", T0 + Duration::minutes(5))
        .await
        .expect("revoke twice");
    assert!(conn.is_access_token_revoked("jti-1").await.expect("check"));
    assert!(!conn.is_access_token_revoked("jti-2").await.expect("check"));
}

async fn families_are_revoked_by_session_by_grant_and_by_user(backend: Backend) {
    let store = store(backend).await;
    let alice = new_user("alice", None);
    let mut conn = store.begin().await.expect("begin");
    conn.create_user(&alice).await.expect("user");
    conn.create_app(&app("one")).await.expect("app");
    conn.create_app(&app("two")).await.expect("app");
    let session = SecretToken::generate(&SystemRandom).hash();
    conn.insert_family(&family("a", Some(alice.id), "one", Some(session)))
        .await
        .expect("family");
    conn.insert_family(&family("b", Some(alice.id), "two", None))
        .await
        .expect("family");
    conn.insert_family(&family("c", None, "two", None))
        .await
        .expect("family");
    assert_eq!(
        conn.revoke_families_of_session(&session, T0)
            .await
            .expect("revoke"),
        1
    );
    let a = conn.find_family("a").await.expect("find").expect("a");
    assert!(!a.is_live(T0));
    assert_eq!(
        a.method,
        sigil_core::session::SignInMethod::Provider("corp".into())
    );
    assert_eq!(
        conn.revoke_families_of_grant(alice.id, &ClientId("two".into()), T0)
            .await
            .expect("revoke"),
        1
    );
    assert!(
        conn.find_family("c")
            .await
            .expect("find")
            .expect("c")
            .is_live(T0),
        "the service's own grant stays"
    );
    conn.insert_family(&family("d", Some(alice.id), "one", None))
        .await
        .expect("family");
    assert_eq!(
        conn.revoke_families_of_user(alice.id, T0)
            .await
            .expect("revoke"),
        1
    );
}

async fn signing_keys_are_kept_retired_and_dropped(backend: Backend) {
    let store = store(backend).await;
    let master = MasterKey::generate(&SystemRandom);
    let mut conn = store.begin().await.expect("begin");
    let first = jose::generate(SigningAlg::EdDSA, &master, &SystemRandom, T0).expect("key");
    let second = jose::generate(
        SigningAlg::EdDSA,
        &master,
        &SystemRandom,
        T0 + Duration::hours(1),
    )
    .expect("key");
    conn.insert_key(&first).await.expect("insert");
    conn.insert_key(&second).await.expect("insert");
    conn.retire_keys("EdDSA", &second.kid, T0 + Duration::hours(1))
        .await
        .expect("retire");
    let keys = conn.list_keys().await.expect("list");
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0].retired_at, Some(T0 + Duration::hours(1)));
    assert_eq!(keys[1].retired_at, None);
    assert_eq!(keys[1].public_jwk, second.public_jwk);
    jose::SigningKey::open(&keys[1], &master).expect("the sealed key opens");
    assert_eq!(
        conn.delete_keys_retired_before(T0 + Duration::hours(2))
            .await
            .expect("delete"),
        1
    );
    assert_eq!(conn.list_keys().await.expect("list").len(), 1);
}

async fn grant_states_join_session_and_revocation(backend: Backend) {
    let store = store(backend).await;
    let alice = new_user("alice", None);
    let mut conn = store.begin().await.expect("begin");
    conn.create_user(&alice).await.expect("user");
    conn.create_app(&app("demo")).await.expect("app");
    let token = SecretToken::generate(&SystemRandom);
    conn.create_session(&Session {
        id_hash: token.hash(),
        sid: "sid".into(),
        user_id: alice.id,
        created_at: T0,
        last_seen_at: T0,
        expires_at: T0 + Duration::hours(1),
        auth_time: T0,
        method: sigil_core::session::SignInMethod::Password,
        client: ClientInfo::default(),
    })
    .await
    .expect("session");
    conn.insert_family(&family("f1", Some(alice.id), "demo", Some(token.hash())))
        .await
        .expect("family");
    let (state, revoked) = conn
        .find_grant_state("f1", "jti-1")
        .await
        .expect("state")
        .expect("exists");
    assert!(state.session_expires_at == Some(T0 + Duration::hours(1)) && !revoked);
    assert!(state.session_allows(T0) && !state.session_allows(T0 + Duration::hours(1)));
    assert_eq!(state.family.sid.as_deref(), Some("sid"));
    conn.revoke_access_token("jti-1", T0 + Duration::minutes(5))
        .await
        .expect("revoke");
    let (_, revoked) = conn
        .find_grant_state("f1", "jti-1")
        .await
        .expect("state")
        .expect("exists");
    assert!(revoked);
    let state = conn.find_grant("f1").await.expect("state").expect("exists");
    assert_eq!(state.session_expires_at, Some(T0 + Duration::hours(1)));
    assert_eq!(
        (state.family.created_at, state.family.refresh_generation),
        (T0, 0)
    );
    assert_eq!(
        state.family.method,
        sigil_core::session::SignInMethod::Provider("corp".into())
    );

    conn.delete_session(&token.hash()).await.expect("delete");
    let (state, _) = conn
        .find_grant_state("f1", "jti-2")
        .await
        .expect("state")
        .expect("exists");
    assert!(state.session_expires_at.is_none() && !state.session_allows(T0));
    assert!(conn
        .find_grant_state("nope", "x")
        .await
        .expect("state")
        .is_none());
    let state = conn.find_grant("f1").await.expect("state").expect("exists");
    assert!(state.session_expires_at.is_none() && !state.session_allows(T0));
    assert!(conn.find_grant("nope").await.expect("state").is_none());
}
