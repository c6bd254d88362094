//! Back-Channel Logout, the operator's side: discovery says Sigil sends logout tokens
//! (with `sid`), and an application's `backchannel_logout_uri` is registered or changed
//! through the admin API and the command line — https, or plain http on loopback, with
//! no fragment; a bad value is refused by name and changes nothing.
use std::process::Command;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sigil_store::testing::{scratch_database, Backend};

use crate::helpers::spawn_app;
use crate::oidc_helpers::signed_in_operator;
use crate::on_both_backends;

on_both_backends!(
    discovery_advertises_back_channel_logout_with_sessions,
    the_admin_api_registers_changes_and_refuses_logout_uris,
    the_command_line_registers_changes_and_refuses_logout_uris,
);

async fn discovery_advertises_back_channel_logout_with_sessions(backend: Backend) {
    let app = spawn_app(backend).await;

    let doc: Value = reqwest::get(format!("{}/.well-known/openid-configuration", app.base))
        .await
        .expect("GET")
        .json()
        .await
        .expect("JSON");

    assert_eq!(doc["backchannel_logout_supported"], true, "{doc}");
    assert_eq!(doc["backchannel_logout_session_supported"], true, "{doc}");
}

async fn the_admin_api_registers_changes_and_refuses_logout_uris(backend: Backend) {
    let app = spawn_app(backend).await;
    let op = signed_in_operator(&app).await;
    let apps = "/api/v1/admin/apps";

    let plain = json!({ "name": "Plain", "type": "web", "redirect_uris": ["https://rp.example/cb"],
        "backchannel_logout_uri": "http://rp.example/bc" });
    let (status, body) = op.api(Method::POST, apps, Some(plain)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let field = &body["error"]["fields"][0];
    assert_eq!(field["field"], "backchannel_logout_uri", "{body}");
    assert_eq!(field["code"], "invalid_backchannel_logout_uri", "{body}");
    let (_, list) = op.api(Method::GET, apps, None).await;
    assert_eq!(list["apps"], json!([]), "nothing was registered");

    let good = json!({ "name": "Told", "type": "web", "redirect_uris": ["https://rp.example/cb"],
        "backchannel_logout_uri": "https://rp.example/bc?tenant=1",
        "backchannel_logout_session_required": true });
    let (status, body) = op.api(Method::POST, apps, Some(good)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        body["backchannel_logout_uri"],
        "https://rp.example/bc?tenant=1"
    );
    assert_eq!(body["backchannel_logout_session_required"], true);
    let one = format!("{apps}/{}", body["client_id"].as_str().expect("id"));

    // A loopback relying party may use plain http.
    let (status, body) = op
        .api(
            Method::PATCH,
            &one,
            Some(json!({ "backchannel_logout_uri": "http://127.0.0.1:4000/bc" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["backchannel_logout_uri"], "http://127.0.0.1:4000/bc");
    assert_eq!(body["backchannel_logout_session_required"], true, "kept");

    for bad in ["https://rp.example/bc#x", "http://10.0.0.5/bc", "/bc"] {
        let (status, body) = op
            .api(
                Method::PATCH,
                &one,
                Some(json!({ "backchannel_logout_uri": bad, "backchannel_logout_session_required": false })),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
        assert_eq!(
            body["error"]["fields"][0]["code"],
            "invalid_backchannel_logout_uri"
        );
    }
    let (_, shown) = op.api(Method::GET, &one, None).await;
    assert_eq!(shown["backchannel_logout_uri"], "http://127.0.0.1:4000/bc");
    assert_eq!(shown["backchannel_logout_session_required"], true);

    // Only these settings change here.
    let (status, _) = op
        .api(Method::PATCH, &one, Some(json!({ "name": "Renamed" })))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = op
        .api(
            Method::PATCH,
            &one,
            Some(json!({ "backchannel_logout_uri": "", "backchannel_logout_session_required": false })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["backchannel_logout_uri"], Value::Null);
    assert_eq!(body["backchannel_logout_session_required"], false);
    let (status, _) = op
        .api(
            Method::PATCH,
            &format!("{apps}/nope"),
            Some(json!({ "backchannel_logout_uri": "" })),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn the_command_line_registers_changes_and_refuses_logout_uris(backend: Backend) {
    let name = uuid::Uuid::new_v4().simple().to_string();
    let dir = std::env::temp_dir().join(format!("sigil-cli-bcl-{name}"));
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
    assert!(run(&["migrate"]).status.success(), "migrate");
    let create = |uri: &str| {
        run(&[
            "app",
            "create",
            "--name",
            "CLI app",
            "--redirect-uri",
            "https://cli.example/cb",
            "--backchannel-logout-uri",
            uri,
        ])
    };

    let out = create("http://cli.example/bc");
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("backchannel_logout_uri invalid_backchannel_logout_uri"),
        "{said}"
    );
    assert!(said.contains("must be an absolute https address"), "{said}");
    let listed: Value = serde_json::from_slice(&run(&["app", "list"]).stdout).expect("JSON list");
    assert_eq!(listed, json!([]), "nothing was registered");

    let out = create("https://cli.example/bc");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let created: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(created["backchannel_logout_uri"], "https://cli.example/bc");
    assert_eq!(created["backchannel_logout_session_required"], false);
    let id = created["client_id"].as_str().expect("client id");

    let out = run(&[
        "app",
        "backchannel",
        id,
        "--uri",
        "https://cli.example/bc#x",
    ]);
    assert!(!out.status.success());
    let out = run(&[
        "app",
        "backchannel",
        id,
        "--uri",
        "http://localhost:5000/bc",
        "--session-required",
        "true",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown: Value = serde_json::from_slice(&run(&["app", "show", id]).stdout).expect("JSON");
    assert_eq!(shown["backchannel_logout_uri"], "http://localhost:5000/bc");
    assert_eq!(shown["backchannel_logout_session_required"], true);
}
