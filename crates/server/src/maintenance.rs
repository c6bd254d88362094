//! The commands that look after the database itself rather than what it holds:
//! `sigil migrate --check` and `sigil backup`. Neither migrates, and neither creates a
//! database or a master key: they run beside a server, before an upgrade or on a copy.
use std::path::Path;
use std::process::ExitCode;

use sigil_store::SchemaCheck;

use crate::config::Config;
use crate::redact;

/// `sigil migrate --check`'s exit codes (also in `sigil migrate --help` and the README).
pub mod exit {
    /// The schema is the one this binary expects.
    pub const UP_TO_DATE: u8 = 0;
    /// Migrations are pending: `sigil migrate` (or starting the server) applies them.
    pub const PENDING: u8 = 3;
    /// The schema is newer than this binary: it would refuse to start.
    pub const NEWER: u8 = 4;
    /// There is no database at the configured place, or it could not be reached.
    pub const UNREACHABLE: u8 = 5;
}

/// Says whether migrations are pending, changing nothing; the exit code tells a script
/// (see [`exit`]).
pub async fn check(config: &Config) -> ExitCode {
    let at = redact(&config.database_url);
    let code = match sigil_store::check_schema(&config.database_url).await {
        Ok(SchemaCheck::Current { version }) => {
            println!("The database is up to date: its schema is at version {version}.");
            exit::UP_TO_DATE
        }
        Ok(SchemaCheck::Pending {
            found,
            known,
            pending,
        }) => {
            println!(
                "The database's schema is at version {found}; this binary would bring it to \
                 version {known} with {} migration(s):",
                pending.len()
            );
            for name in &pending {
                println!("  {name}");
            }
            println!("`sigil migrate` (or starting the server) applies them; back up first.");
            exit::PENDING
        }
        Ok(SchemaCheck::Newer { found, known }) => {
            eprintln!("sigil: {}", sigil_store::SchemaTooNew { found, known });
            exit::NEWER
        }
        Ok(SchemaCheck::Missing) => {
            eprintln!(
                "sigil: there is no Sigil database at {at} (data directory {}); \
                 `sigil migrate` or `sigil serve` creates one.",
                config.data_dir.display()
            );
            exit::UNREACHABLE
        }
        Err(e) => {
            eprintln!("sigil: the database at {at} could not be read: {e:#}");
            exit::UNREACHABLE
        }
    };
    ExitCode::from(code)
}

/// Writes a consistent copy of the SQLite database to `file` while the server runs, and
/// says what to keep with it.
pub async fn backup(config: &Config, file: &Path) -> anyhow::Result<()> {
    let url = &config.database_url;
    if url.starts_with("sqlite:") && !sigil_store::is_initialised(url).await? {
        anyhow::bail!(
            "there is no Sigil database at {} (data directory {}): run the command with the \
             server's configuration",
            redact(url),
            config.data_dir.display()
        );
    }
    sigil_store::backup(url, file).await?;
    let key = match &config.master_key {
        Some(_) => "the master key you set (SIGIL_MASTER_KEY or master_key)".to_owned(),
        None => format!(
            "the master key {}",
            config.data_dir.join("master.key").display()
        ),
    };
    println!(
        "Backed up {} to {} (readable by you only).\n\
         Keep {key} with it: without the key, the copy's signing keys and other sealed \
         secrets cannot be read. Store the two as safely as the server itself: together \
         they are everything Sigil holds.\n\
         To restore: stop Sigil, put the copy in place of the database file (with no -wal \
         or -shm file beside it) and the key beside it, start Sigil, and check with \
         `sigil migrate --check`.",
        redact(url),
        file.display()
    );
    Ok(())
}
