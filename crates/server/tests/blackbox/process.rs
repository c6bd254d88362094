//! `sigil serve` as a process of its own beside a test's in-process node, on the same
//! database and data directory: for what only a process shows (its own metrics, its
//! answer to SIGTERM and SIGINT, its exit status).
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::TestApp;

pub struct Node {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    pub addr: SocketAddr,
    /// `http://<metrics_listen>`, when one was set.
    pub metrics_base: Option<String>,
    /// The start-up lines the server printed.
    pub banner: Vec<String>,
    log: PathBuf,
}

/// Starts `sigil serve` on 127.0.0.1:0 with `app`'s database and data directory (so its
/// master key), `config` as its configuration file and `env` on top.
pub async fn serve(app: &TestApp, config: &str, env: &[(&str, &str)]) -> Node {
    let name = uuid::Uuid::new_v4().simple().to_string();
    let config_file = app.dir.join(format!("node-{name}.toml"));
    std::fs::write(&config_file, config).expect("configuration file");
    let log = app.dir.join(format!("node-{name}.log"));
    let mut command = Command::new(env!("CARGO_BIN_EXE_sigil"));
    for var in [
        "SIGIL_PUBLIC_URL",
        "SIGIL_SMTP_URL",
        "SIGIL_SMS_TOKEN",
        "SIGIL_MASTER_KEY",
        "SIGIL_METRICS_LISTEN",
    ] {
        command.env_remove(var);
    }
    command
        .arg("serve")
        .env("SIGIL_CONFIG", &config_file)
        .env("SIGIL_DATA_DIR", &app.dir)
        .env("DATABASE_URL", &app.database_url)
        .env("SIGIL_LISTEN", "127.0.0.1:0")
        .env("RUST_LOG", "sigil=info,warn")
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).expect("log file"));
    let mut child = command.spawn().expect("spawn sigil serve");
    let stdout = child.stdout.take().expect("stdout");
    // The banner ends with the line on how to stop; the lines before it vary.
    let banner = tokio::task::spawn_blocking(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let last = line.starts_with("Stop with");
            lines.push(line);
            if last {
                break;
            }
        }
        lines
    })
    .await
    .expect("banner");
    let logged = || std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        banner.last().is_some_and(|l| l.starts_with("Stop with")),
        "sigil serve did not start: {banner:?}\n{}",
        logged()
    );
    let addr: SocketAddr = between(&banner[0], "(listening on ", ",")
        .parse()
        .expect("the listening address");
    let metrics_base = banner
        .iter()
        .find(|l| l.ends_with("/metrics (metrics_listen)."))
        .map(|l| between(l, "Metrics: ", "/metrics").to_owned());
    Node {
        child,
        base: format!("http://{addr}"),
        addr,
        metrics_base,
        banner,
        log,
    }
}

fn between<'a>(line: &'a str, start: &str, end: &str) -> &'a str {
    let rest = line
        .split_once(start)
        .unwrap_or_else(|| panic!("`{start}` in {line}"))
        .1;
    rest.split_once(end).map_or(rest, |(s, _)| s)
}

impl Node {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends `signal` (`TERM`, `INT`) to the server.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.pid().to_string())
            .status()
            .expect("kill");
        assert!(status.success(), "kill -{signal} {}", self.pid());
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_none()
    }

    /// The exit status, once the process ended within `bound` (a "did not hang" bound).
    pub async fn exit_within(&mut self, bound: Duration) -> ExitStatus {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                started.elapsed() < bound,
                "still running {bound:?} after being told to stop:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// What the server logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if self.running() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
