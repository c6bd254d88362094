//! Load generator for `bench/scale` (BENCHMARKS.md): the full password sign-in flood,
//! argon2id's limit on this machine, closed-loop request scenarios, the mixed soak and
//! start-up time. It speaks to a running Sigil over HTTP only, like any browser or
//! application; `hash` alone calls `sigil_core`'s own `PasswordHasher`.
//!
//!   cargo build --release --example flood
//!   target/release/examples/flood --help
//!
//! Every command prints what it measured and ends with one `RESULT key=value …` line
//! for the scripts.
mod browser;
mod load;
mod login;
mod soak;
mod stats;

use clap::{Args, Parser, Subcommand};

use crate::browser::App;

/// The allocator Sigil runs with (crates/server/src/main.rs): `hash` measures argon2id
/// as Sigil runs it. With glibc's malloc every hash mapped its 19 MiB afresh, and the
/// page faults cost another third of the hash's time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(about = "Load generator for bench/scale")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// argon2id hashes per second with every core busy, at Sigil's own parameters.
    Hash {
        #[arg(long, default_value_t = 3.0)]
        secs: f64,
        /// Concurrent hashes (default: the number of cores).
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Full password sign-ins by concurrent browsers, with client_credentials and
    /// userinfo probes at a fixed rate and the server's peak RSS.
    Login(login::LoginArgs),
    /// Signs in a random sample of accounts and runs the code flow once for each; writes
    /// DIR/prepared.tsv (account, cookies, form token, refresh and access token).
    Prepare(login::PrepareArgs),
    /// One scenario in a closed loop over a number of connections.
    Load(load::LoadArgs),
    /// The mixed soak at a fixed rate, printing a line a minute.
    Soak(soak::SoakArgs),
    /// Process start to `/healthz` 200, a few times.
    Startup(load::StartupArgs),
    /// Registers the account the seeded ones are copied from (`template`), through the
    /// pages: main information, three public fields, consent to the web application.
    Template {
        #[command(flatten)]
        target: Target,
        #[arg(long, default_value = "template")]
        login: String,
    },
    /// The id of seeded account N (to check the SQL's formula).
    Id { n: u64 },
}

/// Where Sigil is and the applications the benchmark uses.
#[derive(Args, Clone)]
pub struct Target {
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub base: String,
    /// The web application (code flow, refresh).
    #[arg(long, env = "WEB_ID")]
    pub web_id: String,
    #[arg(long, env = "WEB_SECRET")]
    pub web_secret: String,
    /// The service application (client_credentials).
    #[arg(long, env = "SVC_ID", default_value = "")]
    pub svc_id: String,
    #[arg(long, env = "SVC_SECRET", default_value = "")]
    pub svc_secret: String,
    /// Seeded accounts are user1 … userN with this password.
    #[arg(long, default_value_t = 1000)]
    pub accounts: u64,
    #[arg(
        long,
        env = "BENCH_PASSWORD",
        default_value = "correct horse battery staple"
    )]
    pub password: String,
    /// Sigil's process id, for RSS and open files.
    #[arg(long)]
    pub pid: Option<u32>,
}

impl Target {
    pub fn web(&self) -> App {
        App {
            id: self.web_id.clone(),
            secret: self.web_secret.clone(),
        }
    }

    pub fn service(&self) -> Option<App> {
        (!self.svc_id.is_empty()).then(|| App {
            id: self.svc_id.clone(),
            secret: self.svc_secret.clone(),
        })
    }

    /// A random account 1..=accounts.
    pub fn random_account(&self) -> u64 {
        rand::Rng::gen_range(&mut rand::thread_rng(), 1..=self.accounts.max(1))
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Hash { secs, threads } => login::hash_limit(secs, threads).await,
        Command::Login(args) => login::flood(args).await,
        Command::Prepare(args) => login::prepare(args).await,
        Command::Load(args) => load::load(args).await,
        Command::Soak(args) => soak::soak(args).await,
        Command::Startup(args) => load::startup(args).await,
        Command::Template { target, login } => {
            browser::make_template(&target.base, &target.web(), &login, &target.password).await?;
            println!("RESULT template={login}");
            Ok(())
        }
        Command::Id { n } => {
            println!("{}", browser::account_id(n));
            Ok(())
        }
    }
}
