//! Log out everywhere racing the token endpoint: refreshes (rotating their families
//! again and again) and code exchanges released together with the logout, on both
//! engines. Whatever they won before the logout, once the logout has returned no token
//! issued before it works — neither the refresh and access tokens the applications held,
//! nor any a racing request minted.
use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::Value;
use sigil_store::testing::Backend;

use crate::concurrency::at_once;
use crate::helpers::{spawn_app, Browser, TestApp};
use crate::oidc_helpers::{
    authorize, authorize_path, exchange, pkce, post_client, register, url_param, userinfo, Rp,
};
use crate::on_both_backends;

on_both_backends!(no_token_issued_before_log_out_everywhere_works_after_it);

/// Families refreshed during each race, and codes exchanged during it.
const FAMILIES: usize = 8;
const CODES: usize = 8;
/// Refreshes each family tries in a row.
const ROTATIONS: usize = 4;
const ROUNDS: usize = 3;

/// What one racing task ends up holding.
#[derive(Default)]
struct Held {
    access: Vec<String>,
    /// The newest refresh token of the family, the one a client would use next.
    refresh: Option<String>,
}

/// A fresh code for `rp`, with its verifier, from the signed-in browser.
async fn code(b: &Browser, rp: &Rp, login: &str) -> (String, String) {
    let (verifier, challenge) = pkce();
    let path = authorize_path(rp, "openid offline_access", &challenge, &[]);
    let loc = authorize(b, &path, login).await;
    (url_param(&loc, "code").expect("a code"), verifier)
}

async fn refresh(app: &TestApp, rp: &Rp, token: &str) -> (StatusCode, Value) {
    post_client(
        app,
        rp,
        "/oauth/token",
        &[("grant_type", "refresh_token"), ("refresh_token", token)],
    )
    .await
}

fn held_of(tokens: &Value) -> Held {
    Held {
        access: vec![tokens["access_token"].as_str().expect("at").to_owned()],
        refresh: tokens["refresh_token"].as_str().map(str::to_owned),
    }
}

async fn no_token_issued_before_log_out_everywhere_works_after_it(backend: Backend) {
    let app = Arc::new(spawn_app(backend).await);
    let rp = Arc::new(register(&app, "web", None).await);
    let b = Arc::new(app.signed_in("race").await);

    for round in 0..ROUNDS {
        if round > 0 {
            let r = b.sign_in("race", crate::helpers::PASSWORD).await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
        }
        let mut families = Vec::new();
        for _ in 0..FAMILIES {
            let (c, verifier) = code(&b, &rp, "race").await;
            let (status, tokens) = exchange(&app, &rp, &c, &verifier).await;
            assert_eq!(status, StatusCode::OK, "{tokens}");
            families.push(tokens);
        }
        let mut codes = Vec::new();
        for _ in 0..CODES {
            codes.push(code(&b, &rp, "race").await);
        }
        let families = Arc::new(families);
        let codes = Arc::new(codes);

        // Task 0 logs out; the others refresh a family again and again, or exchange a
        // code, all released together.
        let held = at_once(1 + FAMILIES + CODES, |i| {
            let (app, rp, b) = (app.clone(), rp.clone(), b.clone());
            let (families, codes) = (families.clone(), codes.clone());
            async move {
                if i == 0 {
                    let r = b.post_form("/profile/sign-out-everywhere", &[]).await;
                    assert_eq!(r.status(), StatusCode::SEE_OTHER, "the logout");
                    return Held::default();
                }
                if i <= FAMILIES {
                    let mut held = held_of(&families[i - 1]);
                    for _ in 0..ROTATIONS {
                        let Some(token) = held.refresh.clone() else {
                            break;
                        };
                        let (status, tokens) = refresh(&app, &rp, &token).await;
                        if status != StatusCode::OK {
                            assert_eq!(tokens["error"], "invalid_grant", "{tokens}");
                            break;
                        }
                        let next = held_of(&tokens);
                        held.access.extend(next.access);
                        held.refresh = next.refresh;
                    }
                    return held;
                }
                let (c, verifier) = &codes[i - 1 - FAMILIES];
                let (status, tokens) = exchange(&app, &rp, c, verifier).await;
                if status == StatusCode::OK {
                    held_of(&tokens)
                } else {
                    assert_eq!(tokens["error"], "invalid_grant", "{tokens}");
                    Held::default()
                }
            }
        })
        .await;

        // Every task has finished, the logout among them: nothing issued works.
        let mut live = Vec::new();
        for (i, h) in held.iter().enumerate() {
            for at in &h.access {
                let (status, body) = userinfo(&app, at).await;
                if status != StatusCode::UNAUTHORIZED {
                    live.push(format!("task {i}: access token answered {status} {body}"));
                }
            }
        }
        for (i, h) in held.iter().enumerate() {
            if let Some(token) = &h.refresh {
                let (status, body) = refresh(&app, &rp, token).await;
                if body["error"] != "invalid_grant" {
                    live.push(format!("task {i}: refresh answered {status} {body}"));
                }
            }
        }
        assert!(live.is_empty(), "round {round}: {live:#?}");
    }
}
