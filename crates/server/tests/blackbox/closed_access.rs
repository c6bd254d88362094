//! The operator's side of closed applications: `sigil access grant|revoke|list`, `sigil
//! app set`, and the same in the admin API. A grant lets the person through the code
//! flow; taking access away (or closing the application) ends at once what the
//! application holds for the person, on every node.
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
};
use reqwest::{Method, StatusCode};
use serde_json::json;
use sigil_store::testing::Backend;

use crate::backchannel::{id_claims, register_told, verified_logout_token, Receiver};
use crate::closed_apps::{close, grant, refused, sigil_json, sigil_refused};
use crate::helpers::{spawn_app, spawn_node};
use crate::oidc_helpers::{
    authorize, authorize_path, exchange, pkce, post_client, register, signed_in_operator,
    signed_in_tokens, url_param, userinfo, REDIRECT,
};
use crate::on_both_backends;

on_both_backends!(
    a_grant_on_the_command_line_lets_the_person_in_and_a_revocation_ends_everything_at_once,
    the_command_line_refuses_bad_input_and_changes_nothing,
    the_admin_api_grants_lists_and_revokes_access_and_refuses_bad_input,
    closing_an_application_stops_the_refresh_chains_of_people_without_access,
    revoking_access_to_an_application_opened_since_removes_the_row_and_ends_nothing,
);

async fn a_grant_on_the_command_line_lets_the_person_in_and_a_revocation_ends_everything_at_once(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let told = Receiver::start(&[]).await;
    let rp = register_told(&app, &told.uri).await;
    let shown = sigil_json(&app, &["app", "set", &rp.client_id, "--closed", "true"]);
    assert_eq!(shown["closed"], true);
    assert_eq!(shown["in_catalog"], false, "left as it was");
    let b = app.signed_in("nora").await;
    let (_, challenge) = pkce();
    refused(&b, &authorize_path(&rp, "openid", &challenge, &[])).await;

    let granted = sigil_json(
        &app,
        &["access", "grant", "--app", &rp.client_id, "--user", "nora"],
    );
    assert_eq!(granted["granted"], true, "{granted}");
    let again = sigil_json(
        &app,
        &["access", "grant", "--app", &rp.client_id, "--user", "nora"],
    );
    assert_eq!(again["already"], true, "{again}");
    assert_eq!(again["granted"], false, "{again}");
    let listed = sigil_json(&app, &["access", "list", "--app", &rp.client_id]);
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed[0]["login"], "nora");
    assert_eq!(listed[0]["source"], "operator");

    // A real relying party signs the person in and verifies what it gets.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let metadata = CoreProviderMetadata::discover_async(
        IssuerUrl::new(app.base.clone()).expect("issuer"),
        &http,
    )
    .await
    .expect("discovery");
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(rp.client_id.clone()),
        rp.secret.clone().map(ClientSecret::new),
    )
    .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).expect("redirect"));
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, _, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    let back = authorize(&b, url.as_str(), "nora").await;
    let code = url_param(&back, "code").expect("a code");
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .expect("token endpoint")
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("token response");
    let id = tokens
        .id_token()
        .expect("an ID token")
        .claims(&client.id_token_verifier(), &nonce)
        .expect("a valid ID token");
    assert_eq!(id.preferred_username().map(|u| u.as_str()), Some("nora"));
    let access = tokens.access_token().secret().clone();
    let refresh = tokens
        .refresh_token()
        .expect("a refresh token")
        .secret()
        .clone();
    assert_eq!(userinfo(&app, &access).await.0, StatusCode::OK);
    // A second code, issued while access held and not yet exchanged.
    let (late_verifier, late_challenge) = pkce();
    let late = authorize(
        &b,
        &authorize_path(&rp, "openid", &late_challenge, &[]),
        "nora",
    )
    .await;
    let late_code = url_param(&late, "code").expect("a second code");

    let revoked = sigil_json(
        &app,
        &["access", "revoke", "--app", &rp.client_id, "--user", "nora"],
    );
    assert_eq!(revoked["revoked"], true, "{revoked}");
    assert_eq!(revoked["grants_ended"], 1, "{revoked}");

    let (status, body) = post_client(
        &app,
        &rp,
        "/oauth/token",
        &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    let (status, body) = exchange(&app, &rp, &late_code, &late_verifier).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    // Over at once, on this node and on another one sharing the database — and its
    // public address, as the nodes of one installation do: a node of another issuer
    // would refuse the tokens anyway, and would sign the logout notice it delivers
    // under its own name.
    let public = app.base.clone();
    let node = spawn_node(&app, move |c| {
        c.public_url = public.clone();
        c.settings.oidc.issuer = public;
    })
    .await;
    for server in [&app, &node] {
        assert_eq!(userinfo(server, &access).await.0, StatusCode::UNAUTHORIZED);
        for token in [&access, &refresh] {
            let (status, body) =
                post_client(server, &rp, "/oauth/introspect", &[("token", token)]).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(body, json!({ "active": false }));
        }
    }
    // The application is told. The command queued the notice by the real clock; the
    // test server's clock stands still at the test's start, so it is moved past that.
    app.clock.advance(time::Duration::minutes(1));
    let got = told.wait_for(1).await;
    let claims = verified_logout_token(&app, &got[0], &rp.client_id).await;
    assert_eq!(
        claims["sub"],
        id_claims(&tokens.id_token().expect("id").to_string())["sub"]
    );
    // And the person is refused again.
    refused(&b, &authorize_path(&rp, "openid", &late_challenge, &[])).await;

    // Both changes are in the person's log, with the application.
    let (_, events) = b.api(Method::GET, "/api/v1/me/events", None).await;
    let events = events["events"].as_array().expect("events").clone();
    for category in ["access.granted_by_operator", "access.revoked_by_operator"] {
        let found: Vec<_> = events
            .iter()
            .filter(|e| e["category"] == category)
            .collect();
        assert_eq!(found.len(), 1, "{category}: {events:?}");
        assert_eq!(found[0]["client_id"], rp.client_id.as_str(), "{category}");
    }
}

async fn the_command_line_refuses_bad_input_and_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let open = register(&app, "web", None).await;
    close(&app, &rp).await;
    app.signed_in("nora").await;
    let id = rp.client_id.as_str();
    let rows = "SELECT COUNT(*) FROM app_access";
    let logged = "SELECT COUNT(*) FROM events WHERE category LIKE 'access.%'";

    let said = sigil_refused(
        &app,
        &["access", "grant", "--app", "nope", "--user", "nora"],
    );
    assert!(said.contains("unknown_application"), "{said}");
    let said = sigil_refused(&app, &["access", "grant", "--app", id, "--user", "nobody"]);
    assert!(said.contains("unknown_user"), "{said}");
    let said = sigil_refused(
        &app,
        &[
            "access",
            "grant",
            "--app",
            &open.client_id,
            "--user",
            "nora",
        ],
    );
    assert!(said.contains("application_not_closed"), "{said}");
    assert!(said.contains("only for closed applications"), "{said}");
    let said = sigil_refused(&app, &["access", "revoke", "--app", id, "--user", "nora"]);
    assert!(said.contains("access_not_held"), "{said}");
    let said = sigil_refused(&app, &["access", "list", "--app", "nope"]);
    assert!(said.contains("unknown_application"), "{said}");
    let said = sigil_refused(&app, &["app", "set", "nope", "--closed", "true"]);
    assert!(said.contains("not found"), "{said}");
    let said = sigil_refused(&app, &["app", "set", id, "--closed", "maybe"]);
    assert!(said.contains("maybe"), "{said}");

    assert_eq!(app.query_i64(rows).await, 0);
    assert_eq!(app.query_i64(logged).await, 0);
    assert!(app.sigil.find_app(id).await.expect("app").closed);
    assert!(
        !app.sigil
            .find_app(&open.client_id)
            .await
            .expect("app")
            .closed
    );
}

async fn the_admin_api_grants_lists_and_revokes_access_and_refuses_bad_input(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let op = signed_in_operator(&app).await;
    let nora = app.signed_in("nora").await;
    let (_, me) = nora.api(Method::GET, "/api/v1/me", None).await;
    let nora_id = me["id"].as_str().expect("id").to_owned();
    let apps = "/api/v1/admin/apps";
    let access = format!("{apps}/{}/access", rp.client_id);
    let rows = "SELECT COUNT(*) FROM app_access";

    // Access is for closed applications only.
    let (status, body) = op
        .api(Method::POST, &access, Some(json!({ "user": "nora" })))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "application_not_closed");
    let (status, body) = op
        .api(
            Method::PATCH,
            &format!("{apps}/{}", rp.client_id),
            Some(json!({ "closed": true, "in_catalog": true })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["closed"], true);
    assert_eq!(body["in_catalog"], true);

    let (status, body) = op
        .api(Method::POST, &access, Some(json!({ "user": "nora" })))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["user_id"], nora_id.as_str());
    let (status, body) = op
        .api(Method::POST, &access, Some(json!({ "user": nora_id })))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["already"], true);
    let (status, body) = op.api(Method::GET, &access, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["access"].as_array().map(Vec::len), Some(1), "{body}");
    assert_eq!(body["access"][0]["login"], "nora");

    // Bad input: a clear error, nothing changed.
    for (method, path, payload, status, code) in [
        (
            Method::POST,
            format!("{apps}/nope/access"),
            Some(json!({ "user": "nora" })),
            StatusCode::NOT_FOUND,
            "unknown_application",
        ),
        (
            Method::POST,
            access.clone(),
            Some(json!({ "user": "nobody" })),
            StatusCode::NOT_FOUND,
            "unknown_user",
        ),
        (
            Method::POST,
            access.clone(),
            Some(json!({ "person": "nora" })),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            Method::DELETE,
            format!("{access}/nobody"),
            None,
            StatusCode::NOT_FOUND,
            "unknown_user",
        ),
        (
            Method::GET,
            format!("{apps}/nope/access"),
            None,
            StatusCode::NOT_FOUND,
            "unknown_application",
        ),
        (
            Method::PATCH,
            format!("{apps}/{}", rp.client_id),
            Some(json!({ "closed": "yes" })),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
    ] {
        let (got, body) = op.api(method.clone(), &path, payload).await;
        assert_eq!(got, status, "{method} {path}: {body}");
        assert_eq!(body["error"]["code"], code, "{method} {path}: {body}");
        assert!(body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    // Only operators.
    let (status, _) = nora
        .api(Method::POST, &access, Some(json!({ "user": "nora" })))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = nora
        .api(Method::DELETE, &format!("{access}/{nora_id}"), None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.query_i64(rows).await, 1);

    // In the operator's language.
    let de = app.browser_in("de").await;
    let creds = app
        .sigil
        .reset_operator_password(&sigil_core::login::Login::parse("admin").expect("login"))
        .await
        .expect("reset");
    assert_eq!(
        de.sign_in("admin", &creds.password).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, body) = de
        .api(Method::POST, &access, Some(json!({ "user": "nobody" })))
        .await;
    assert_eq!(
        body["error"]["message"],
        "Es gibt kein Konto mit diesem Login, dieser bestätigten E-Mail-Adresse oder dieser ID."
    );

    let (status, body) = de
        .api(Method::DELETE, &format!("{access}/{nora_id}"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["revoked"], true);
    let (status, body) = de
        .api(Method::DELETE, &format!("{access}/{nora_id}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "access_not_held");
    assert_eq!(app.query_i64(rows).await, 0);
}

async fn closing_an_application_stops_the_refresh_chains_of_people_without_access(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let (_, tokens) = signed_in_tokens(&app, &rp, "nora", "openid").await;
    let refresh = |token: String| {
        let app = &app;
        let rp = &rp;
        async move {
            post_client(
                app,
                rp,
                "/oauth/token",
                &[("grant_type", "refresh_token"), ("refresh_token", &token)],
            )
            .await
        }
    };
    let (status, tokens) = refresh(tokens["refresh_token"].as_str().expect("rt").into()).await;
    assert_eq!(status, StatusCode::OK, "open: the chain goes on");
    let token = tokens["refresh_token"].as_str().expect("rt").to_owned();

    close(&app, &rp).await;
    let (status, body) = refresh(token.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");

    // Read fresh every time: once the person holds access, the same token works.
    grant(&app, &rp, "nora").await;
    let (status, body) = refresh(token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Access left over from when the application was closed can be taken away after it
/// was opened: the row goes (it would matter again the day the application is closed),
/// and nothing the application holds ends, since it lets everyone in.
async fn revoking_access_to_an_application_opened_since_removes_the_row_and_ends_nothing(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    close(&app, &rp).await;
    let _nora = app.signed_in("nora").await;
    grant(&app, &rp, "nora").await;
    let id = rp.client_id.as_str();
    let shown = sigil_json(&app, &["app", "set", id, "--closed", "false"]);
    assert_eq!(shown["closed"], false);

    let revoked = sigil_json(&app, &["access", "revoke", "--app", id, "--user", "nora"]);
    assert_eq!(revoked["revoked"], true, "{revoked}");
    assert_eq!(revoked["grants_ended"], 0, "{revoked}");
    assert_eq!(
        sigil_json(&app, &["access", "list", "--app", id]),
        json!([])
    );
    let logged = "SELECT COUNT(*) FROM events WHERE category = 'access.revoked_by_operator'";
    assert_eq!(app.query_i64(logged).await, 1);
    let said = sigil_refused(&app, &["access", "revoke", "--app", id, "--user", "nora"]);
    assert!(said.contains("access_not_held"), "{said}");
}
