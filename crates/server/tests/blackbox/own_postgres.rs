//! A PostgreSQL server of the test's own, to stop and start under a running Sigil: made
//! with `initdb` in a temporary directory, listening on loopback on a free port, run as
//! the `postgres` user when the tests run as root (PostgreSQL refuses root). Its binaries
//! come from `SIGIL_TEST_PG_BIN` (set by scripts/test); without it the test fails.
use std::path::PathBuf;
use std::process::Command;

pub struct OwnPostgres {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
}

/// Whether this process runs as root (from /proc, without libc).
pub fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().nth(1).map(|e| e == "0"))
        })
        .unwrap_or(false)
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    l.local_addr().expect("addr").port()
}

impl OwnPostgres {
    /// A new cluster, started.
    pub async fn start() -> Self {
        let bin = std::env::var("SIGIL_TEST_PG_BIN").unwrap_or_else(|_| {
            panic!(
                "SIGIL_TEST_PG_BIN is not set: it names PostgreSQL's bin directory (initdb, \
                 pg_ctl); scripts/test sets it, e.g. /usr/lib/postgresql/15/bin"
            )
        });
        let dir =
            std::env::temp_dir().join(format!("sigil-own-pg-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("the cluster's directory");
        if is_root() {
            let chown = Command::new("chown")
                .arg("postgres")
                .arg(&dir)
                .status()
                .expect("chown");
            assert!(chown.success(), "chown postgres {}", dir.display());
        }
        let pg = Self {
            bin: PathBuf::from(bin),
            dir,
            port: free_port(),
        };
        let data = pg.data();
        pg.run(
            "initdb",
            &[
                "-D",
                &data,
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-instructions",
            ],
        )
        .await;
        pg.up().await;
        pg
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    /// Starts the server (again), waiting until it accepts connections.
    pub async fn up(&self) {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -c port={} -c unix_socket_directories={} \
             -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("log").display().to_string();
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-l",
                &log,
                "-w",
                "start",
                "-o",
                &options,
            ],
        )
        .await;
    }

    /// Stops the server the way an operator's restart does (`-m fast`: sessions are
    /// ended, their transactions rolled back), waiting until it is gone.
    pub async fn down(&self) {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"])
            .await;
    }

    /// Makes the server stop answering without refusing anything (`kill -STOP` of the
    /// postmaster and its backends): connections stay open and new ones are accepted
    /// by the kernel, but nothing comes back, as with a hung host.
    pub fn freeze(&self) {
        self.signal("-STOP");
    }

    /// Lets a [`Self::freeze`]d server answer again.
    pub fn thaw(&self) {
        self.signal("-CONT");
    }

    /// Sends `signal` to the postmaster and its children (as root, or as the user that
    /// started them).
    fn signal(&self, signal: &str) {
        let pid_file = self.dir.join("data").join("postmaster.pid");
        let Some(postmaster) = std::fs::read_to_string(&pid_file)
            .ok()
            .and_then(|s| s.lines().next().map(str::to_owned))
        else {
            return;
        };
        let children = Command::new("pgrep")
            .args(["-P", &postmaster])
            .output()
            .expect("pgrep");
        let children = String::from_utf8_lossy(&children.stdout).into_owned();
        let mut pids: Vec<&str> = children.split_whitespace().collect();
        // The postmaster last on the way down (it forks no backend meanwhile), first on
        // the way up.
        match signal {
            "-CONT" => pids.insert(0, &postmaster),
            _ => pids.push(&postmaster),
        }
        let status = Command::new("kill")
            .arg(signal)
            .args(&pids)
            .status()
            .expect("kill");
        assert!(
            status.success() || signal == "-CONT",
            "kill {signal} {pids:?}"
        );
    }

    async fn run(&self, tool: &str, args: &[&str]) {
        let program = self.bin.join(tool);
        let mut command = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        command.args(args);
        let shown = format!("{command:?}");
        let out = tokio::task::spawn_blocking(move || command.output())
            .await
            .expect("join")
            .unwrap_or_else(|e| panic!("{shown}: {e}"));
        assert!(
            out.status.success(),
            "{shown}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        // A frozen server would not stop.
        self.signal("-CONT");
        let program = self.bin.join("pg_ctl");
        let data = self.data();
        let args = ["-D", data.as_str(), "-m", "immediate", "stop"];
        let _ = if is_root() {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&program)
                .args(args)
                .output()
        } else {
            Command::new(&program).args(args).output()
        };
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
