//! The command line.
use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Every environment variable Sigil reads; a test compares this with the configuration's
/// source, so a new one cannot be left out.
const ENVIRONMENT: &str = "\
Environment (each overrides its key in the file):
  SIGIL_CONFIG                 the configuration file (like --config)
  SIGIL_LISTEN                 address:port to listen on (listen), default 127.0.0.1:8080
  SIGIL_PUBLIC_URL             the address people open (public_url)
  SIGIL_DATA_DIR               the data directory (data_dir), default ./data
  DATABASE_URL                 sqlite:… or postgres://… (database_url),
                               default sqlite://<data_dir>/sigil.db
  SIGIL_MASTER_KEY             the key that seals secrets at rest (master_key),
                               default <data_dir>/master.key, made on the first run
  SIGIL_SMTP_URL               smtp://… or smtps://… (mail.smtp_url); without it mail
                               is written to <data_dir>/outbox
  SIGIL_SMS_TOKEN              the SMS gateway's bearer token (sms.token)
  SIGIL_METRICS_LISTEN         address:port serving /metrics alone (metrics_listen);
                               without it /metrics answers loopback peers only
  SIGIL_PROVIDER_<ID>_SECRET   an external provider's client secret ([[providers]])
  RUST_LOG                     log filter, default sigil=info,sigil_web=info,warn
";

/// Sigil: a self-hosted OpenID Connect identity provider centred on the person's own
/// profile.
///
/// Configuration comes from a TOML file (--config, or ./sigil.toml if present) with
/// the environment on top. Every command reads the same configuration and data
/// directory as the server: run them where the server runs, with the same settings.
#[derive(Debug, Parser)]
#[command(
    name = "sigil",
    version,
    after_long_help = ENVIRONMENT,
)]
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
    /// Create or upgrade the database schema, then exit. Each migration runs in a
    /// transaction of its own; nodes starting at once migrate once (a database lock). A
    /// schema newer than this binary is refused, by this and every other command.
    Migrate {
        /// Change nothing: say whether migrations are pending, and which. Exit codes:
        /// 0 up to date, 3 migrations pending, 4 the schema is newer than this binary,
        /// 5 no database there or it could not be reached. Creates nothing.
        #[arg(long)]
        check: bool,
    },
    /// Write a consistent copy of the SQLite database to FILE while the server runs
    /// (readable by its owner only; an existing FILE is never replaced). Keep the master
    /// key with it. PostgreSQL: pg_dump and pg_restore, see the README.
    Backup {
        /// Where the copy goes; it must not exist.
        file: PathBuf,
    },
    /// Manage operator accounts.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Manage applications (OAuth clients).
    #[command(subcommand)]
    App(AppCommand),
    /// Manage signing keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Accounts waiting for deletion.
    #[command(subcommand)]
    Accounts(AccountsCommand),
    /// Who may sign in to closed (invitation only) applications.
    #[command(subcommand)]
    Access(AccessCommand),
    /// Invitations to closed applications.
    #[command(subcommand)]
    Invite(InviteCommand),
}

#[derive(Debug, Subcommand)]
pub enum AccessCommand {
    /// Let a person sign in to a closed application; prints the outcome as JSON
    /// (`"already": true` when the person held access before: nothing changes).
    Grant {
        /// The application's client_id.
        #[arg(long, allow_hyphen_values = true)]
        app: String,
        /// The account's login, verified email address or id.
        #[arg(long, allow_hyphen_values = true)]
        user: String,
    },
    /// Take a person's access away. Everything the application holds for them ends
    /// at once (codes, tokens; a back-channel logout if it asked for one).
    Revoke {
        #[arg(long, allow_hyphen_values = true)]
        app: String,
        #[arg(long, allow_hyphen_values = true)]
        user: String,
    },
    /// List who holds access to an application, as JSON, oldest grant first.
    List {
        #[arg(long, allow_hyphen_values = true)]
        app: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum InviteCommand {
    /// Invite addresses to a closed application: each gets a mail with a single-use
    /// link; inviting an address again replaces its earlier invitation. Prints one
    /// JSON result per address; exits with 1 if any address was not invited.
    Create {
        /// The closed application's client_id.
        #[arg(long = "app", allow_hyphen_values = true)]
        client_id: String,
        /// An address to invite; repeat for several.
        #[arg(long = "email", required = true)]
        emails: Vec<String>,
        /// Days until the invitations expire (1 to 365, default 14).
        #[arg(long, allow_negative_numbers = true)]
        expires_days: Option<i64>,
    },
    /// List the invitations to an application as JSON, newest first.
    List {
        #[arg(long = "app", allow_hyphen_values = true)]
        client_id: String,
    },
    /// Withdraw a pending invitation: its link stops working.
    Revoke {
        #[arg(allow_hyphen_values = true)]
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccountsCommand {
    /// List the accounts pending deletion, with the date each will be erased.
    Pending,
    /// Erase now every account whose grace period has passed (the background job does
    /// the same on its own).
    Purge,
}

#[derive(Debug, Subcommand)]
pub enum AppCommand {
    /// Register an application; prints it as JSON with its client secret (shown once).
    Create(Box<AppArgs>),
    /// List the applications.
    List,
    /// Show one application.
    Show {
        /// A client_id may begin with `-`; it is still the id, not an option.
        #[arg(allow_hyphen_values = true)]
        client_id: String,
    },
    /// Set or remove an application's back-channel logout URI (OpenID Connect
    /// Back-Channel Logout 1.0); prints the application as JSON.
    Backchannel {
        #[arg(allow_hyphen_values = true)]
        client_id: String,
        /// The URI to POST logout tokens to: https (plain http only on loopback), no
        /// fragment; an empty value removes it.
        #[arg(long)]
        uri: Option<String>,
        /// Whether every logout token must carry the session's `sid`.
        #[arg(long)]
        session_required: Option<bool>,
    },
    /// Close or open an application (invitation only) and list it in the catalog or
    /// not; prints the application as JSON. Closing takes effect at once.
    Set {
        #[arg(allow_hyphen_values = true)]
        client_id: String,
        /// true: invitation only, only people holding access sign in (`sigil access`).
        #[arg(long)]
        closed: Option<bool>,
        /// true: listed in the application catalog.
        #[arg(long)]
        catalog: Option<bool>,
    },
    /// Delete an application with every consent and token it holds.
    Delete {
        #[arg(allow_hyphen_values = true)]
        client_id: String,
    },
}

#[derive(Debug, clap::Args)]
pub struct AppArgs {
    #[arg(long)]
    pub name: String,
    /// web, spa, native or service.
    #[arg(long = "type", default_value = "web")]
    pub app_type: String,
    #[arg(long, default_value = "")]
    pub description: String,
    /// Exact redirect URI; repeat for several.
    #[arg(long = "redirect-uri")]
    pub redirect_uris: Vec<String>,
    /// Registered post-logout redirect URI; repeat for several.
    #[arg(long = "post-logout-uri")]
    pub post_logout_uris: Vec<String>,
    /// Grant type (authorization_code, refresh_token, client_credentials); repeat.
    #[arg(long = "grant-type")]
    pub grant_types: Vec<String>,
    /// Allowed scopes, space-separated.
    #[arg(long)]
    pub scopes: Option<String>,
    #[arg(long)]
    pub home_url: Option<String>,
    #[arg(long)]
    pub logo_url: Option<String>,
    /// RS256, ES256 or EdDSA.
    #[arg(long)]
    pub signing_alg: Option<String>,
    /// Access token lifetime in seconds (default 300).
    #[arg(long)]
    pub access_token_ttl: Option<i64>,
    /// ID token lifetime in seconds (default 3600).
    #[arg(long)]
    pub id_token_ttl: Option<i64>,
    /// Absolute refresh token lifetime in seconds (default 30 days).
    #[arg(long)]
    pub refresh_token_ttl: Option<i64>,
    /// Invitation only.
    #[arg(long)]
    pub closed: bool,
    /// Listed in the application catalog.
    #[arg(long)]
    pub in_catalog: bool,
    /// Let this confidential client (web, service) sign people in without PKCE, for a
    /// legacy relying party; every other client must send a code_challenge.
    #[arg(long)]
    pub allow_no_pkce: bool,
    /// Where Sigil POSTs a logout token when a session of a person ends (OpenID
    /// Connect Back-Channel Logout 1.0): https, or http on loopback; no fragment.
    #[arg(long)]
    pub backchannel_logout_uri: Option<String>,
    /// Every logout token must carry the session's `sid`.
    #[arg(long)]
    pub backchannel_logout_session_required: bool,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Add a new signing key for every algorithm in use; old public keys stay
    /// published until tokens they signed have expired.
    Rotate,
    /// List the signing keys (public parts).
    List,
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
