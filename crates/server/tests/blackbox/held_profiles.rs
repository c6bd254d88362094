//! The profiles userinfo holds in memory are never older than the database: two nodes
//! on one database, the profile changed on one node or by hand in the database, and
//! the other node's very next userinfo answer shows the change (no waiting, no poll).
use reqwest::StatusCode;
use serde_json::Value;
use sigil_store::testing::{execute, Backend};

use crate::helpers::{spawn_app, spawn_node, TestApp};
use crate::oidc_helpers::{register, signed_in_tokens, userinfo};
use crate::on_both_backends;

on_both_backends!(a_profile_changed_anywhere_shows_in_the_next_userinfo_of_every_node);

async fn claims(node: &TestApp, access: &str) -> Value {
    let (status, claims) = userinfo(node, access).await;
    assert_eq!(status, StatusCode::OK, "{claims}");
    claims
}

async fn a_profile_changed_anywhere_shows_in_the_next_userinfo_of_every_node(backend: Backend) {
    let one = spawn_app(backend).await;
    // Nodes of one installation share its public address (and so its issuer).
    let public = one.base.clone();
    let two = spawn_node(&one, move |c| {
        c.public_url = public.clone();
        c.settings.oidc.issuer = public;
    })
    .await;
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
        // What node two answers from is its memory: a change made with the triggers
        // off (as a restore with --disable-triggers would) moves no version and is not
        // seen until something moves it.
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
