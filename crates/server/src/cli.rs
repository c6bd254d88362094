//! The command line.
use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Sigil: a self-hosted OpenID Connect identity provider centred on the person's own
/// profile.
///
/// Configuration comes from a TOML file (--config, or ./sigil.toml if present) with
/// the environment on top: SIGIL_LISTEN (address:port), SIGIL_PUBLIC_URL,
/// SIGIL_DATA_DIR and DATABASE_URL (sqlite:… or postgres://…).
#[derive(Debug, Parser)]
#[command(name = "sigil", version)]
pub struct Cli {
    /// The TOML configuration file.
    #[arg(long, short, global = true, env = "SIGIL_CONFIG")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default). On the first run it creates an operator account
    /// and prints its password once.
    Serve,
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Manage operator accounts.
    #[command(subcommand)]
    Admin(AdminCommand),
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an operator account and print its generated password.
    Create {
        /// The operator's login.
        #[arg(long)]
        login: String,
    },
    /// Give an operator a new generated password (ending their sessions) and print it.
    Reset {
        /// The operator's login.
        #[arg(long)]
        login: String,
    },
}
