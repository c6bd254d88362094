//! The real `sigil` binary as a child process, as an operator's supervisor runs it:
//! `sigil serve` on a port of its own choosing (`SIGIL_LISTEN=127.0.0.1:0`, the address
//! read from its banner), stopped with SIGTERM or killed with SIGKILL, and `sigil`
//! commands run with the same settings. Nothing of the environment the tests run in
//! reaches it: every setting it reads is given here, and it runs in its own directory
//! (so no `sigil.toml` lying around is read).
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use sigil_core::oidc::jose::MasterKey;
use sigil_core::random::SystemRandom;

/// Every variable `sigil` reads (see `sigil --help`), removed before ours are set.
const INHERITED: &[&str] = &[
    "SIGIL_CONFIG",
    "SIGIL_LISTEN",
    "SIGIL_PUBLIC_URL",
    "SIGIL_DATA_DIR",
    "DATABASE_URL",
    "SIGIL_MASTER_KEY",
    "SIGIL_SMTP_URL",
    "SIGIL_SMS_TOKEN",
    "SIGIL_METRICS_LISTEN",
];

/// How long a start may take before the test gives up on it: a bound against hanging,
/// not a measurement (a debug build migrating a fresh database on a busy machine).
const START_BOUND: Duration = Duration::from_secs(120);

/// The settings one installation's nodes share: database, master key, public URL and
/// configuration file. Each node has a data directory of its own (its outbox folder and
/// log), as nodes on separate machines would.
#[derive(Clone, Debug)]
pub struct Installation {
    pub database_url: String,
    pub master_key: String,
    pub public_url: String,
    /// The TOML configuration every node reads.
    pub config: PathBuf,
    /// Where nodes' data directories go.
    pub root: PathBuf,
}

impl Installation {
    /// A new installation in a fresh temporary directory with a fresh master key;
    /// `toml` is its configuration file's text.
    pub fn new(database_url: String, public_url: String, toml: &str) -> Installation {
        let root =
            std::env::temp_dir().join(format!("sigil-process-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&root).expect("temp dir");
        let config = root.join("sigil.toml");
        std::fs::write(&config, toml).expect("configuration file");
        Installation {
            database_url,
            master_key: MasterKey::generate(&SystemRandom).encode(),
            public_url,
            config,
            root,
        }
    }

    /// The data directory of node `name` (made if missing).
    pub fn data_dir(&self, name: &str) -> PathBuf {
        let dir = self.root.join(name);
        std::fs::create_dir_all(&dir).expect("node directory");
        dir
    }

    /// `sigil` with this installation's settings, run in node `name`'s directory.
    pub fn command(&self, name: &str) -> Command {
        let dir = self.data_dir(name);
        let mut c = Command::new(env!("CARGO_BIN_EXE_sigil"));
        for var in INHERITED {
            c.env_remove(var);
        }
        c.current_dir(&dir)
            .env("SIGIL_CONFIG", &self.config)
            .env("SIGIL_DATA_DIR", &dir)
            .env("DATABASE_URL", &self.database_url)
            .env("SIGIL_MASTER_KEY", &self.master_key)
            .env("SIGIL_PUBLIC_URL", &self.public_url);
        c
    }

    /// Runs a `sigil` command (not `serve`) as node `name` would; it must succeed.
    pub fn run(&self, name: &str, args: &[&str]) -> Output {
        let out = self.command(name).args(args).output().expect("run sigil");
        assert!(
            out.status.success(),
            "sigil {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Starts `sigil serve` as node `name`; returns once it listens.
    pub async fn start(&self, name: &str) -> Node {
        let dir = self.data_dir(name);
        let log = dir.join("sigil.log");
        let stderr = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .expect("log file");
        let mut child = self
            .command(name)
            .arg("serve")
            .env("SIGIL_LISTEN", "127.0.0.1:0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(stderr))
            .spawn()
            .expect("start sigil serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        // Reads the banner, then keeps reading so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(addr) = listening_on(&line) {
                    if let Some(tx) = tx.take() {
                        let _ = tx.send(addr);
                    }
                }
            }
        });
        let mut node = Node {
            name: name.to_owned(),
            child,
            addr: "127.0.0.1:0".parse().expect("addr"),
            base: String::new(),
            log,
        };
        let waited = tokio::task::spawn_blocking(move || rx.recv_timeout(START_BOUND))
            .await
            .expect("banner reader");
        match waited {
            Ok(addr) => {
                node.addr = addr;
                node.base = format!("http://{addr}");
                node
            }
            Err(_) => {
                let status = node.child.try_wait().ok().flatten();
                let _ = node.child.kill();
                panic!(
                    "node {name} did not start ({status:?}): {}",
                    std::fs::read_to_string(&node.log).unwrap_or_default()
                )
            }
        }
    }
}

/// The address in the banner's "(listening on 127.0.0.1:PORT, database …)".
fn listening_on(line: &str) -> Option<SocketAddr> {
    let rest = line.split("(listening on ").nth(1)?;
    rest.split(',').next()?.trim().parse().ok()
}

/// A running `sigil serve`. Dropping it kills the process.
pub struct Node {
    pub name: String,
    child: Child,
    /// Where it really listens.
    pub addr: SocketAddr,
    /// `http://` and that address.
    pub base: String,
    /// Its standard error (the log).
    pub log: PathBuf,
}

impl Node {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL: the process ends at once, whatever it was doing.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }

    /// SIGTERM, as a supervisor stops a node.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("kill -TERM");
        assert!(status.success(), "kill -TERM {}", self.pid());
    }

    /// Waits up to `bound` for the process to end; `None` if it is still running.
    pub async fn exited_within(&mut self, bound: Duration) -> Option<ExitStatus> {
        let deadline = tokio::time::Instant::now() + bound;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status);
            }
            if tokio::time::Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// What the node wrote to its log so far.
    pub fn log_text(&self) -> String {
        read(&self.log)
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

impl Drop for Node {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
