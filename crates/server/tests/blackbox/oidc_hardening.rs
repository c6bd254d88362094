//! What hostile and certified clients probed at the OpenID endpoints: refresh-token
//! reuse, logout hints and return addresses, repeated authorization parameters, and the
//! registration policy (https redirects, PKCE for every client).
use std::process::Command;

use regex::Regex;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sigil_core::oidc::application::AppInput;
use sigil_store::testing::{scratch_database, Backend};

use crate::helpers::{form_urlencoded, location, spawn_app, Browser};
use crate::oidc_helpers::{
    authorize, authorize_path, pkce, post_client, register, signed_in_operator, signed_in_tokens,
    unescape, url_param, userinfo, Rp, REDIRECT,
};
use crate::on_both_backends;

on_both_backends!(
    a_rotated_refresh_token_used_again_at_once_ends_the_whole_family,
    an_access_token_is_refused_as_logout_hint_and_signs_nobody_out,
    the_logout_confirmation_redirects_only_to_the_checked_address,
    a_repeated_authorization_parameter_is_invalid_request,
    every_client_needs_pkce_unless_the_operator_waives_it_for_a_legacy_one,
    the_admin_api_refuses_plain_http_redirects_and_records_the_pkce_waiver,
    the_command_line_refuses_plain_http_redirects_and_shows_the_pkce_waiver,
);

async fn refresh(app: &crate::helpers::TestApp, rp: &Rp, token: &str) -> (StatusCode, Value) {
    post_client(
        app,
        rp,
        "/oauth/token",
        &[("grant_type", "refresh_token"), ("refresh_token", token)],
    )
    .await
}

/// RFC 9700 §4.14.2, as the certified client checks it: token N after rotating to N+1.
async fn a_rotated_refresh_token_used_again_at_once_ends_the_whole_family(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let (_, tokens) = signed_in_tokens(&app, &rp, "ivy", "openid").await;
    let first = tokens["refresh_token"].as_str().expect("rt").to_owned();
    let (status, rotated) = refresh(&app, &rp, &first).await;
    assert_eq!(status, StatusCode::OK, "{rotated}");
    let next = rotated["refresh_token"].as_str().expect("rt").to_owned();
    let access = rotated["access_token"].as_str().expect("at").to_owned();

    // The same instant on Sigil's clock: no grace period spares the replay.
    let (status, body) = refresh(&app, &rp, &first).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");

    let (status, body) = refresh(&app, &rp, &next).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the newest token died too");
    assert_eq!(body["error"], "invalid_grant");
    let (_, intro) = post_client(&app, &rp, "/oauth/introspect", &[("token", &access)]).await;
    assert_eq!(intro, json!({ "active": false }));
    assert_eq!(userinfo(&app, &access).await.0, StatusCode::UNAUTHORIZED);
}

/// What the 400 page says when a logout hint is not one of Sigil's ID tokens.
const BAD_HINT: &str = "sign-in tokens (ID tokens) for a registered application";

async fn an_access_token_is_refused_as_logout_hint_and_signs_nobody_out(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let (b, tokens) = signed_in_tokens(&app, &rp, "kim", "openid").await;
    let bye = "&post_logout_redirect_uri=https://rp.example/bye";
    let access = tokens["access_token"].as_str().expect("at");
    let refresh_token = tokens["refresh_token"].as_str().expect("rt");
    for hint in [access, refresh_token] {
        let r = b
            .get(&format!("/oauth/end_session?id_token_hint={hint}{bye}"))
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{hint}");
        assert!(r.headers().get("location").is_none(), "{hint}");
        assert!(r.text().await.expect("body").contains(BAD_HINT), "{hint}");
        assert_eq!(
            b.page("/profile").await.0,
            StatusCode::OK,
            "still signed in"
        );
    }

    // An ID token of an application deleted since is no longer one of a registered client.
    let gone = register(&app, "web", None).await;
    let (other, gone_tokens) = signed_in_tokens(&app, &gone, "lou", "openid").await;
    app.sigil
        .delete_app(&gone.client_id)
        .await
        .expect("deleted");
    let hint = gone_tokens["id_token"].as_str().expect("id token");
    let r = other
        .get(&format!("/oauth/end_session?id_token_hint={hint}"))
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(other.page("/profile").await.0, StatusCode::OK);

    // The ID token itself still signs out at once.
    let hint = tokens["id_token"].as_str().expect("id token");
    let r = b
        .get(&format!("/oauth/end_session?id_token_hint={hint}{bye}"))
        .await;
    assert_eq!(location(&r), "https://rp.example/bye");
    assert_eq!(b.get("/profile").await.status(), StatusCode::SEE_OTHER);
}

/// The hidden return address on the logout confirmation page.
async fn confirmation_redirect(b: &Browser, path: &str) -> String {
    let (status, html) = b.page(path).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let re = Regex::new(r#"name="redirect" value="([^"]*)""#).expect("regex");
    unescape(&re.captures(&html).expect("a confirmation form")[1])
}

async fn the_logout_confirmation_redirects_only_to_the_checked_address(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let b = app.signed_in("max").await;
    let not_registered = "its return address is not registered";
    for tampered in [
        // The parser drops CR and LF, so this matched the registration and was then
        // sent as a header as it came.
        "https://rp.example/\r\nbye",
        "https://rp.example/bye\r\nSet-Cookie: a=b",
        "https://evil.example/bye",
        "/profile",
    ] {
        let r = b
            .post_form("/oauth/end_session/confirm", &[("redirect", tampered)])
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{tampered:?}");
        assert!(
            r.text().await.expect("body").contains(not_registered),
            "{tampered:?}"
        );
        assert_eq!(
            b.page("/profile").await.0,
            StatusCode::OK,
            "{tampered:?} signed nobody out"
        );
    }

    let asked = format!(
        "/oauth/end_session?client_id={}&post_logout_redirect_uri=https://rp.example/bye&state=a%20b%0D%0A",
        rp.client_id
    );
    let redirect = confirmation_redirect(&b, &asked).await;
    assert_eq!(redirect, "https://rp.example/bye?state=a+b%0D%0A");
    let r = b
        .post_form("/oauth/end_session/confirm", &[("redirect", &redirect)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), redirect, "exactly the address checked");
    assert_eq!(b.get("/profile").await.status(), StatusCode::SEE_OTHER);
}

async fn a_repeated_authorization_parameter_is_invalid_request(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let b = app.signed_in("ned").await;
    let (_, challenge) = pkce();
    for repeated in [("state", "other"), ("nonce", "other"), ("scope", "openid")] {
        let r = b
            .get(&authorize_path(&rp, "openid", &challenge, &[repeated]))
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{repeated:?}");
        let loc = location(&r);
        assert!(loc.starts_with(REDIRECT), "{loc}");
        assert_eq!(
            url_param(&loc, "error").as_deref(),
            Some("invalid_request"),
            "{loc}"
        );
        assert_eq!(url_param(&loc, "code"), None, "{loc}");
    }
    // Until the client and its redirect URI are known, and each came once, nothing is
    // redirected.
    for repeated in [
        ("client_id", rp.client_id.as_str()),
        ("redirect_uri", REDIRECT),
    ] {
        let r = b
            .get(&authorize_path(&rp, "openid", &challenge, &[repeated]))
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{repeated:?}");
        assert!(r.headers().get("location").is_none(), "{repeated:?}");
    }
}

/// An authorization request without PKCE.
fn path_without_pkce(rp: &Rp) -> String {
    let params = [
        ("response_type", "code"),
        ("client_id", rp.client_id.as_str()),
        ("redirect_uri", rp.redirect.as_str()),
        ("scope", "openid"),
        ("state", "st4te"),
    ];
    format!("/oauth/authorize?{}", form_urlencoded(&params))
}

async fn every_client_needs_pkce_unless_the_operator_waives_it_for_a_legacy_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let b = app.signed_in("ola").await;
    let r = b.get(&path_without_pkce(&rp)).await;
    let loc = location(&r);
    assert!(loc.starts_with(REDIRECT), "{loc}");
    assert_eq!(url_param(&loc, "error").as_deref(), Some("invalid_request"));
    assert_eq!(url_param(&loc, "state").as_deref(), Some("st4te"));

    let created = app
        .sigil
        .create_app(&AppInput {
            name: "Legacy".into(),
            app_type: "web".into(),
            redirect_uris: vec![REDIRECT.into()],
            allow_no_pkce: true,
            ..AppInput::default()
        })
        .await
        .expect("legacy application");
    let legacy = Rp {
        client_id: created.app.client_id.0,
        secret: created.client_secret,
        redirect: REDIRECT.into(),
    };
    let loc = authorize(&b, &path_without_pkce(&legacy), "ola").await;
    let code = url_param(&loc, "code").expect("a code without PKCE");
    let (status, body) = post_client(
        &app,
        &legacy,
        "/oauth/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (_, discovery) = b.page("/.well-known/openid-configuration").await;
    let discovery: Value = serde_json::from_str(&discovery).expect("JSON");
    assert_eq!(
        discovery["code_challenge_methods_supported"],
        json!(["S256"])
    );
}

async fn the_admin_api_refuses_plain_http_redirects_and_records_the_pkce_waiver(backend: Backend) {
    let app = spawn_app(backend).await;
    let op = signed_in_operator(&app).await;
    let clear =
        json!({ "name": "Shop", "type": "web", "redirect_uris": ["http://shop.example/cb"] });
    let (status, body) = op
        .api(Method::POST, "/api/v1/admin/apps", Some(clear))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["fields"][0]["field"], "redirect_uris");
    assert_eq!(
        body["error"]["fields"][0]["code"], "insecure_redirect_uri",
        "{body}"
    );

    let local =
        json!({ "name": "Dev", "type": "web", "redirect_uris": ["http://localhost:3000/cb"] });
    let (status, body) = op
        .api(Method::POST, "/api/v1/admin/apps", Some(local))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["allow_no_pkce"], false);

    let legacy = json!({ "name": "Old", "type": "web", "redirect_uris": ["https://old.example/cb"], "allow_no_pkce": true });
    let (status, body) = op
        .api(Method::POST, "/api/v1/admin/apps", Some(legacy))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["client_id"].as_str().expect("id");
    let (_, shown) = op
        .api(Method::GET, &format!("/api/v1/admin/apps/{id}"), None)
        .await;
    assert_eq!(shown["allow_no_pkce"], true);

    let public = json!({ "name": "Spa", "type": "spa", "redirect_uris": ["https://spa.example/cb"], "allow_no_pkce": true });
    let (status, body) = op
        .api(Method::POST, "/api/v1/admin/apps", Some(public))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["fields"][0]["code"], "pkce_required");
}

async fn the_command_line_refuses_plain_http_redirects_and_shows_the_pkce_waiver(backend: Backend) {
    let name = uuid::Uuid::new_v4().simple().to_string();
    let dir = std::env::temp_dir().join(format!("sigil-cli-pkce-{name}"));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let database = scratch_database(backend, &dir, &name)
        .await
        .expect("scratch database");
    let run = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_sigil"));
        for var in ["SIGIL_CONFIG", "SIGIL_LISTEN", "SIGIL_PUBLIC_URL"] {
            c.env_remove(var);
        }
        c.env("SIGIL_DATA_DIR", &dir)
            .env("DATABASE_URL", &database)
            .args(args)
            .output()
            .expect("run")
    };
    // A new installation, as `sigil serve` or `sigil migrate` makes it.
    assert!(run(&["migrate"]).status.success(), "migrate");
    let create = |extra: &[&str]| {
        let mut args = vec!["app", "create", "--name", "CLI app", "--redirect-uri"];
        args.extend_from_slice(extra);
        run(&args)
    };

    let out = create(&["http://cli.example/cb"]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("redirect_uris insecure_redirect_uri"),
        "{said}"
    );
    assert!(said.contains("Redirect URIs must use https"), "{said}");

    let out = create(&["https://cli.example/cb", "--type", "spa", "--allow-no-pkce"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("allow_no_pkce pkce_required"));

    let out = create(&["https://cli.example/cb", "--allow-no-pkce"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let created: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let id = created["client_id"].as_str().expect("client id");
    let out = run(&["app", "show", id]);
    let shown: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(shown["allow_no_pkce"], true);

    let out = create(&["https://cli.example/cb"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let created: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        created["allow_no_pkce"], false,
        "PKCE is required by default"
    );
}
