//! The profiles userinfo and refreshes hold in memory are never older than the
//! database: two nodes on one database, the profile changed on one node or by hand in
//! the database, and the other node's very next userinfo answer or refreshed ID token
//! shows the change (no waiting, no poll).
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::StatusCode;
use serde_json::Value;
use sigil_store::testing::{execute, Backend};

use crate::helpers::{spawn_app, spawn_node, TestApp};
use crate::oidc_helpers::{post_client, register, signed_in_tokens, userinfo, Rp};
use crate::on_both_backends;

on_both_backends!(
    a_profile_changed_anywhere_shows_in_the_next_userinfo_of_every_node,
    a_profile_changed_anywhere_shows_in_the_next_refreshed_id_token_of_every_node,
);

async fn claims(node: &TestApp, access: &str) -> Value {
    let (status, claims) = userinfo(node, access).await;
    assert_eq!(status, StatusCode::OK, "{claims}");
    claims
}

async fn a_profile_changed_anywhere_shows_in_the_next_userinfo_of_every_node(backend: Backend) {
    let (one, two) = two_nodes(backend).await;
    let rp = register(&one, "web", None).await;
    let (b, tokens) = signed_in_tokens(&one, &rp, "ada", "openid profile email").await;
    let edit = |given: &'static str| {
        let b = &b;
        async move {
            let r = b
                .post_form(
                    "/profile/edit",
                    &[
                        ("block", "main"),
                        ("given_name", given),
                        ("family_name", "Lovelace"),
                        ("nickname", "ada"),
                    ],
                )
                .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
        }
    };
    edit("Ada").await;
    let access = tokens["access_token"].as_str().expect("token");
    // Asked twice on each node: the second answer comes from what the node holds.
    for node in [&one, &two, &two] {
        assert_eq!(claims(node, access).await["given_name"], "Ada");
    }

    // Node one's own use case: node two's next answer has it.
    edit("Augusta").await;
    assert_eq!(claims(&two, access).await["given_name"], "Augusta");
    assert_eq!(claims(&two, access).await["given_name"], "Augusta");

    // By hand in the database, no Sigil code running: a value, a privacy choice and
    // the person's row itself.
    let sub = claims(&two, access).await["sub"]
        .as_str()
        .expect("sub")
        .to_owned();
    execute(
        &one.database_url,
        &format!(
            "UPDATE field_values SET value = 'Byron' \
             WHERE user_id = '{sub}' AND field_key = 'family_name'"
        ),
    )
    .await
    .expect("change a value");
    let seen = claims(&two, access).await;
    assert_eq!(seen["family_name"], "Byron", "{seen}");
    assert_eq!(claims(&one, access).await["family_name"], "Byron");

    execute(
        &one.database_url,
        &format!(
            "INSERT INTO field_privacy (user_id, field_key, level, updated_at) \
             VALUES ('{sub}', 'given_name', 'private', 0) \
             ON CONFLICT (user_id, field_key) DO UPDATE SET level = 'private'"
        ),
    )
    .await
    .expect("make a field private");
    let seen = claims(&two, access).await;
    assert!(seen.get("given_name").is_none(), "private now: {seen}");

    execute(
        &one.database_url,
        &format!("UPDATE users SET email = 'augusta@example.org' WHERE id = '{sub}'"),
    )
    .await
    .expect("change the address");
    assert_eq!(claims(&two, access).await["email"], "augusta@example.org");

    // A choice withdrawn: released again at once.
    execute(
        &one.database_url,
        &format!("DELETE FROM field_privacy WHERE user_id = '{sub}' AND field_key = 'given_name'"),
    )
    .await
    .expect("withdraw the choice");
    assert_eq!(claims(&two, access).await["given_name"], "Augusta");

    if backend == Backend::Postgres {
        // A change made with the triggers off (as a restore with --disable-triggers
        // would) moves no version and reaches neither the field document nor the
        // profiles held from it; a no-op update of the row rebuilds the document and
        // moves the version, and every node answers from the tables again.
        execute(
            &one.database_url,
            &format!(
                "SET session_replication_role = replica; UPDATE field_values SET value = 'Ada' \
                 WHERE user_id = '{sub}' AND field_key = 'given_name'"
            ),
        )
        .await
        .expect("change behind the triggers");
        assert_eq!(claims(&two, access).await["given_name"], "Augusta", "held");
        execute(
            &one.database_url,
            &format!("UPDATE users SET profile_version = profile_version WHERE id = '{sub}'"),
        )
        .await
        .expect("move the version");
        assert_eq!(
            claims(&two, access).await["given_name"],
            "Ada",
            "read again"
        );
    }

    // A removed value is gone at once too.
    execute(
        &one.database_url,
        &format!("DELETE FROM field_values WHERE user_id = '{sub}' AND field_key = 'family_name'"),
    )
    .await
    .expect("remove a value");
    let seen = claims(&two, access).await;
    assert!(seen.get("family_name").is_none(), "removed: {seen}");
}

/// Two nodes of one installation (sharing its public address, so its issuer).
async fn two_nodes(backend: Backend) -> (TestApp, TestApp) {
    let one = spawn_app(backend).await;
    let public = one.base.clone();
    let two = spawn_node(&one, move |c| {
        c.public_url = public.clone();
        c.settings.oidc.issuer = public;
    })
    .await;
    (one, two)
}

/// Refreshes `token` on `node`: the next refresh token and the ID token's claims
/// (unverified: the flow tests verify signatures).
async fn refreshed(node: &TestApp, rp: &Rp, token: &str) -> (String, Value) {
    let (status, body) = post_client(
        node,
        rp,
        "/oauth/token",
        &[("grant_type", "refresh_token"), ("refresh_token", token)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id_token = body["id_token"].as_str().expect("an ID token");
    let part = id_token.split('.').nth(1).expect("payload");
    let claims =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64")).expect("json");
    (
        body["refresh_token"].as_str().expect("refresh").to_owned(),
        claims,
    )
}

async fn a_profile_changed_anywhere_shows_in_the_next_refreshed_id_token_of_every_node(
    backend: Backend,
) {
    let (one, two) = two_nodes(backend).await;
    let rp = register(&one, "web", None).await;
    let (_b, tokens) =
        signed_in_tokens(&one, &rp, "ada", "openid profile email offline_access").await;
    let mut token = tokens["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_owned();
    let mut subs = Vec::new();
    // Twice on node two: the second ID token is made from what the node holds.
    for node in [&one, &two, &two] {
        let (next, claims) = refreshed(node, &rp, &token).await;
        token = next;
        assert!(
            claims.get("email").is_none(),
            "registered without: {claims}"
        );
        subs.push(claims["sub"].as_str().expect("sub").to_owned());
    }
    subs.dedup();
    let [sub] = &subs[..] else {
        panic!("one person: {subs:?}");
    };

    // By hand in the database: the address in the person's row, then a field made
    // private, a value that was not there before.
    execute(
        &one.database_url,
        &format!("UPDATE users SET email = 'augusta@example.org' WHERE id = '{sub}'"),
    )
    .await
    .expect("change the address");
    let (next, claims) = refreshed(&two, &rp, &token).await;
    token = next;
    assert_eq!(claims["email"], "augusta@example.org", "{claims}");

    execute(
        &one.database_url,
        &format!(
            "INSERT INTO field_values (user_id, field_key, value, updated_at) \
             VALUES ('{sub}', 'nickname', 'Countess', 0) \
             ON CONFLICT (user_id, field_key) DO UPDATE SET value = 'Countess'"
        ),
    )
    .await
    .expect("a nickname");
    let (next, claims) = refreshed(&two, &rp, &token).await;
    token = next;
    assert_eq!(claims["nickname"], "Countess", "{claims}");

    execute(
        &one.database_url,
        &format!(
            "INSERT INTO field_privacy (user_id, field_key, level, updated_at) \
             VALUES ('{sub}', 'nickname', 'private', 0) \
             ON CONFLICT (user_id, field_key) DO UPDATE SET level = 'private'"
        ),
    )
    .await
    .expect("make it private");
    let (_, claims) = refreshed(&two, &rp, &token).await;
    assert!(claims.get("nickname").is_none(), "private now: {claims}");
}
