//! The binary itself: help, configuration errors, the first operator sign-in.
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};

use reqwest::StatusCode;

fn sigil() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sigil"));
    for var in [
        "SIGIL_CONFIG",
        "SIGIL_LISTEN",
        "SIGIL_PUBLIC_URL",
        "SIGIL_DATA_DIR",
        "DATABASE_URL",
        "SIGIL_SMTP_URL",
        "SIGIL_SMS_TOKEN",
        "SIGIL_MASTER_KEY",
    ] {
        c.env_remove(var);
    }
    c
}

#[test]
fn help_documents_the_commands_and_settings() {
    let out = sigil().arg("--help").output().expect("run");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for word in [
        "serve",
        "migrate",
        "admin",
        "SIGIL_LISTEN",
        "SIGIL_PUBLIC_URL",
        "SIGIL_DATA_DIR",
        "DATABASE_URL",
    ] {
        assert!(text.contains(word), "--help lacks {word}:\n{text}");
    }
}

/// Every variable the configuration reads, found in its source (`env("…")` and the
/// providers' secret pattern), is named by `--help`, so a new one cannot go unmentioned.
#[test]
fn help_names_every_environment_variable_the_configuration_reads() {
    let out = sigil().arg("--help").output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    let sources = [
        include_str!("../../src/config.rs"),
        include_str!("../../src/config/providers.rs"),
        include_str!("../../src/config/catalogue.rs"),
        include_str!("../../src/main.rs"),
        include_str!("../../src/cli.rs"),
    ];
    let read = regex::Regex::new(r#"(?:env\(|env = )"([A-Z_]+)""#).expect("regex");
    let mut names: Vec<String> = sources
        .iter()
        .flat_map(|s| read.captures_iter(s).map(|c| c[1].to_owned()))
        .collect();
    assert!(names.len() >= 8, "found only {names:?}");
    names.push("SIGIL_PROVIDER_<ID>_SECRET".into());
    names.push("RUST_LOG".into());
    for name in names {
        assert!(text.contains(&name), "--help does not name {name}:\n{text}");
    }
}

/// A command run with another data directory than the server's (here: an empty one)
/// says so and leaves nothing behind, instead of working on a new, empty database.
#[test]
fn a_command_pointed_at_another_data_directory_says_so_and_creates_nothing() {
    let dir =
        std::env::temp_dir().join(format!("sigil-cli-none-{}", uuid::Uuid::new_v4().simple()));
    for args in [
        &["app", "list"][..],
        &["keys", "rotate"],
        &["admin", "reset", "--login", "admin"],
    ] {
        let out = sigil()
            .env("SIGIL_DATA_DIR", &dir)
            .args(args)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("There is no Sigil database at"),
            "{args:?}: {err}"
        );
        assert!(err.contains("same configuration as the server"), "{err}");
        assert!(!dir.exists(), "{args:?} created {}", dir.display());
    }
    // `migrate` makes a new installation on purpose, and says that it did.
    let out = sigil()
        .env("SIGIL_DATA_DIR", &dir)
        .arg("migrate")
        .output()
        .expect("run");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Created a new, empty database"));
    // The database (and any file SQLite made beside it) and the master key are the
    // owner's alone: they hold password hashes, personal data and the keys' seal.
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("data dir") {
        let entry = entry.expect("entry");
        let meta = entry.metadata().expect("metadata");
        if meta.is_file() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let mode = meta.permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{name} is {mode:o}");
            seen.push(name);
        }
    }
    assert!(seen.iter().any(|n| n.ends_with(".db")), "{seen:?}");
    assert!(seen.iter().any(|n| n == "master.key"), "{seen:?}");
    let out = sigil()
        .env("SIGIL_DATA_DIR", &dir)
        .arg("migrate")
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&out.stdout).contains("up to date"));
    // Without the master key the server's secrets cannot be read: said, not replaced.
    std::fs::remove_file(dir.join("master.key")).expect("remove the key");
    let out = sigil()
        .env("SIGIL_DATA_DIR", &dir)
        .args(["app", "list"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("There is no master key"));
    assert!(!dir.join("master.key").exists());
}

#[test]
fn a_bad_setting_stops_start_up_and_is_named() {
    let out = sigil()
        .env("SIGIL_LISTEN", "not-an-address")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SIGIL_LISTEN"));
    let out = sigil()
        .env("SIGIL_PUBLIC_URL", "mailto:x@y")
        .arg("migrate")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SIGIL_PUBLIC_URL"));
}

#[tokio::test]
async fn the_first_run_prints_a_one_time_operator_password_that_signs_in() {
    let dir = std::env::temp_dir().join(format!("sigil-cli-{}", uuid::Uuid::new_v4().simple()));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let mut child = sigil()
        .env("SIGIL_DATA_DIR", &dir)
        .env("SIGIL_LISTEN", format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let lines: Vec<String> = BufReader::new(stdout)
        .lines()
        .take(6)
        .map(|l| l.expect("line"))
        .collect();
    assert!(
        lines[0].contains(&format!("http://127.0.0.1:{port}/")),
        "{lines:?}"
    );
    assert!(
        lines[4].starts_with("Mail is not sent: it is written to") && lines[4].contains("outbox"),
        "{lines:?}"
    );
    assert!(lines[1].contains("`admin`"), "{lines:?}");
    let password = lines[2].trim().to_owned();
    assert!(dir.join("sigil.db").exists(), "SQLite in the data dir");
    assert!(dir.join("outbox").is_dir(), "the outbox exists");

    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let base = format!("http://127.0.0.1:{port}");
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("GET");
    let token = page
        .cookies()
        .find(|c| c.name() == "sigil_csrf")
        .map(|c| c.value().to_owned())
        .expect("csrf");
    let r = client
        .post(format!("{base}/login"))
        .form(&[
            ("identifier", "admin"),
            ("password", password.as_str()),
            ("csrf", token.as_str()),
        ])
        .send()
        .await
        .expect("POST");
    let status = r.status();
    child.kill().expect("kill");
    let _ = child.wait();
    assert_eq!(status, StatusCode::SEE_OTHER);

    // The second run creates no new operator and prints no password.
    let mut again = sigil()
        .env("SIGIL_DATA_DIR", &dir)
        .env("SIGIL_SMTP_URL", "smtp://mailer:secret@127.0.0.1:2525")
        .env("SIGIL_LISTEN", format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let stdout = again.stdout.take().expect("stdout");
    let lines: Vec<String> = BufReader::new(stdout)
        .lines()
        .take(4)
        .map(|l| l.expect("line"))
        .collect();
    again.kill().expect("kill");
    let _ = again.wait();
    assert!(lines[1].contains("sigil admin reset"), "{lines:?}");
    // The start-up lines say where mail really goes, without the SMTP credentials.
    assert!(
        lines[2].contains("Mail goes to the SMTP server smtp://…@127.0.0.1:2525"),
        "{lines:?}"
    );
    assert!(!lines.concat().contains("secret"), "{lines:?}");
}

#[test]
fn applications_and_keys_are_managed_from_the_command_line() {
    let dir =
        std::env::temp_dir().join(format!("sigil-cli-apps-{}", uuid::Uuid::new_v4().simple()));
    let run = |args: &[&str]| {
        let out = sigil()
            .env("SIGIL_DATA_DIR", &dir)
            .args(args)
            .output()
            .expect("run");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&["migrate"]);
    let created: serde_json::Value = serde_json::from_str(&run(&[
        "app",
        "create",
        "--name",
        "CLI app",
        "--type",
        "web",
        "--redirect-uri",
        "https://cli.example/cb",
        "--signing-alg",
        "ES256",
    ]))
    .expect("JSON");
    let id = created["client_id"].as_str().expect("client id").to_owned();
    assert!(
        created["client_secret"]
            .as_str()
            .is_some_and(|s| s.len() >= 43),
        "the secret is shown once"
    );
    let listed = run(&["app", "list"]);
    assert!(listed.contains(&id) && !listed.contains("client_secret"));
    assert!(run(&["app", "show", &id]).contains("\"signing_alg\": \"ES256\""));
    let before: serde_json::Value = serde_json::from_str(&run(&["keys", "list"])).expect("jwks");
    assert!(run(&["keys", "rotate"]).contains("RS256: new signing key"));
    let after: serde_json::Value = serde_json::from_str(&run(&["keys", "list"])).expect("jwks");
    assert_eq!(
        after["keys"].as_array().map(Vec::len),
        before["keys"].as_array().map(|k| k.len() * 2)
    );
    run(&["app", "delete", &id]);
    // A client_id is random base64url and may begin with `-`: still an id, not an option.
    let out = sigil()
        .env("SIGIL_DATA_DIR", &dir)
        .args(["app", "show", "-Ez-no-such-app"])
        .output()
        .expect("run");
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("unexpected argument"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = sigil()
        .env("SIGIL_DATA_DIR", &dir)
        .args(["app", "show", &id])
        .output()
        .expect("run");
    assert!(!out.status.success());
}

/// The short sample configuration in the repository is one the server accepts as it is
/// (unknown keys are refused, so a typo there would show).
#[test]
fn the_sample_configuration_is_accepted() {
    let dir = std::env::temp_dir().join(format!(
        "sigil-cli-sample-{}",
        uuid::Uuid::new_v4().simple()
    ));
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../../sigil.example.toml");
    let out = sigil()
        .args(["--config", sample, "migrate"])
        .env("SIGIL_DATA_DIR", &dir)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("sigil.db").exists());
}

/// `sigil invite`: JSON results per address, a non-zero exit with the reason on bad
/// input, and never the token.
#[test]
fn invitations_are_sent_listed_and_revoked_from_the_command_line() {
    let dir = std::env::temp_dir().join(format!(
        "sigil-cli-invite-{}",
        uuid::Uuid::new_v4().simple()
    ));
    let run = |args: &[&str]| {
        sigil()
            .env("SIGIL_DATA_DIR", &dir)
            .args(args)
            .output()
            .expect("run")
    };
    assert!(run(&["migrate"]).status.success());
    let app = |closed: bool| -> String {
        let mut args = vec![
            "app",
            "create",
            "--name",
            "Team",
            "--redirect-uri",
            "https://t.example/cb",
        ];
        if closed {
            args.push("--closed");
        }
        let out = run(&args);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        v["client_id"].as_str().expect("client_id").to_owned()
    };
    let (open, closed) = (app(false), app(true));
    let out = run(&[
        "app",
        "create",
        "--name",
        "Evil\r\nBcc: x",
        "--redirect-uri",
        "https://t.example/cb",
    ]);
    assert!(!out.status.success(), "a name with a line break is refused");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("name invisible_characters"), "{err}");

    let out = run(&[
        "invite",
        "create",
        "--app",
        &open,
        "--email",
        "ada@example.org",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("application_not_closed") && err.contains("close the application first"),
        "{err}"
    );
    let out = run(&[
        "invite",
        "create",
        "--app",
        "nope",
        "--email",
        "a@example.org",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown_application") && err.contains("no application has this client_id"),
        "{err}"
    );
    let out = run(&["invite", "list", "--app", "nope"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown_application"));
    // The same address twice (after normalisation) is invited once; its repeat is
    // left out, not refused.
    let out = run(&[
        "invite",
        "create",
        "--app",
        &closed,
        "--email",
        "gina@example.com",
        "--email",
        "  GINA@example.com ",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(results[0]["ok"], true, "{results}");
    assert_eq!(results[1]["skipped"], true, "{results}");
    assert_eq!(results[1]["error"]["code"], "duplicate", "{results}");

    let out = run(&[
        "invite",
        "create",
        "--app",
        &closed,
        "--email",
        "ada@example.org",
        "--expires-days",
        "0",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid_expiry"));

    let out = run(&[
        "invite",
        "create",
        "--app",
        &closed,
        "--email",
        "Ada@Example.org",
        "--email",
        "nope",
    ]);
    assert!(!out.status.success(), "one address was refused");
    let results: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(results[0]["invitation"]["email"], "ada@example.org");
    assert_eq!(results[1]["error"]["code"], "invalid_email");
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 of 2 addresses"));
    let id = results[0]["invitation"]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    let out = run(&["invite", "list", "--app", &closed]);
    assert!(out.status.success());
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(listed[0]["status"], "pending");
    assert_eq!(
        listed.as_array().map(Vec::len),
        Some(2),
        "gina once, ada: {listed}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("token"));

    let out = run(&["invite", "revoke", &id]);
    assert!(out.status.success());
    let out = run(&["invite", "revoke", &id]);
    assert!(!out.status.success(), "only once");
    assert!(String::from_utf8_lossy(&out.stderr).contains("invitation_revoked"));
}
