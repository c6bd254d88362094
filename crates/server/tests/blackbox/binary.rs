//! The real `sigil` binary run as an operator runs it: commands on a data directory and
//! database, and a server of its own on a free port.
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

/// The binary with none of the environment that would change what it opens.
pub fn sigil() -> Command {
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
        "SIGIL_METRICS_LISTEN",
    ] {
        c.env_remove(var);
    }
    c
}

/// The binary working on the data directory `dir` and the database `database_url`.
pub fn sigil_on(dir: &Path, database_url: &str) -> Command {
    let mut c = sigil();
    c.env("SIGIL_DATA_DIR", dir)
        .env("DATABASE_URL", database_url);
    c
}

/// Runs `command` to its end without holding up the test's runtime.
pub async fn output(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().expect("run sigil"))
        .await
        .expect("join")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A `sigil serve` process, killed when dropped.
pub struct Served {
    pub base: String,
    child: Child,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `sigil serve` from `command` on a free port of 127.0.0.1 and waits (thirty
/// seconds at most) until it says it is running; panics with what it printed if it
/// stops instead.
pub async fn serve(mut command: Command) -> Served {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    // The log goes to a file: a pipe nobody reads would stop the server once full.
    let log =
        std::env::temp_dir().join(format!("sigil-serve-{}.log", uuid::Uuid::new_v4().simple()));
    let mut child = command
        .arg("serve")
        .env("SIGIL_LISTEN", format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).expect("log file"))
        .spawn()
        .expect("spawn sigil serve");
    let stdout = child.stdout.take().expect("stdout");
    let started = tokio::time::timeout(
        Duration::from_secs(30),
        tokio::task::spawn_blocking(move || {
            let mut lines = BufReader::new(stdout).lines();
            let first = lines.next().and_then(Result::ok);
            // Keep reading, so the server never blocks on a full pipe.
            std::thread::spawn(move || lines.for_each(drop));
            first
        }),
    )
    .await
    .expect("sigil serve did not start within 30 s")
    .expect("join");
    match started {
        Some(line) if line.starts_with("Sigil is running at") => Served {
            base: format!("http://127.0.0.1:{port}"),
            child,
        },
        other => {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "sigil serve did not start: {other:?}\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
    }
}

/// A master key for a data directory, as `sigil` writes it on the first run.
pub fn master_key() -> String {
    sigil_core::oidc::jose::MasterKey::generate(&sigil_core::random::SystemRandom).encode()
}
