//! `sigil`: see `sigil --help`.
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use sigil::cli::{
    AccessCommand, AccountsCommand, AdminCommand, AppArgs, AppCommand, Cli, Command, InviteCommand,
    KeysCommand,
};
use sigil::config::Config;
use sigil_core::clock::SystemClock;
use sigil_core::login::Login;
use sigil_core::oidc::application::AppInput;
use tokio::net::TcpListener;

/// mimalloc returns freed memory to the system where glibc's malloc kept the arenas of
/// busy threads. Built with `no_thp`: otherwise it asks for transparent huge pages on
/// its arena (`MADV_HUGEPAGE`, which Debian's default `madvise` setting honours), and
/// every 2 MiB region it touches becomes resident whole: 14 MiB of a 2 MiB working set
/// at rest, 16 MiB more at the peak of the login flood (BENCHMARKS.md, issue 17).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "sigil=info,sigil_web=info,warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref(), |k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("sigil: {e}");
            return ExitCode::from(2);
        }
    };
    // These two work on the database as it is: they neither migrate nor create anything.
    match &cli.command {
        Some(Command::Migrate { check: true }) => return sigil::maintenance::check(&config).await,
        Some(Command::Backup { file }) => {
            return match sigil::maintenance::backup(&config, file).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("sigil: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
        _ => {}
    }
    match run(cli.command.unwrap_or(Command::Serve), config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sigil: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// How long `sigil serve` waits at start for a PostgreSQL that is not reachable yet.
const START_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    // Before anything else: from now on SIGTERM and SIGINT stop `sigil serve` cleanly
    // (exit 0), even while it waits for its database. Once it waits no more they are
    // held until the server drains (a migration is never cut half-way).
    let mut signals = None;
    if matches!(command, Command::Serve) {
        let caught =
            signals.insert(sigil::shutdown::Signals::register().context("listening for signals")?);
        tokio::select! {
            waited = sigil_store::wait_for_database(&config.database_url, START_WAIT) => waited?,
            signal = caught.next() => {
                tracing::info!(signal, "stopped while waiting for the database");
                return Ok(());
            }
        }
    }
    let open = match command {
        Command::Serve | Command::Migrate { .. } => sigil::Open::CreateIfMissing,
        _ => sigil::Open::Existing,
    };
    let existed = sigil_store::is_initialised(&config.database_url).await?;
    let pending = match (&command, existed) {
        (Command::Migrate { .. }, true) => sigil_store::check_schema(&config.database_url).await?,
        _ => sigil_store::SchemaCheck::Missing,
    };
    let sigil = sigil::build_with(&config, Arc::new(SystemClock), open).await?;
    match command {
        Command::Migrate { .. } if existed => {
            match pending {
                sigil_store::SchemaCheck::Pending { known, pending, .. } => {
                    println!("Applied (unless another node was first):");
                    for name in pending {
                        println!("  {name}");
                    }
                    println!("The database is up to date: its schema is at version {known}.");
                }
                _ => println!("The database is up to date."),
            }
            Ok(())
        }
        Command::Migrate { .. } => {
            println!(
                "Created a new, empty database at {}.",
                sigil::redact(&config.database_url)
            );
            Ok(())
        }
        Command::Admin(AdminCommand::Create { login }) => {
            let login =
                Login::parse(&login).map_err(|e| anyhow::anyhow!("invalid login: {e:?}"))?;
            let creds = sigil.create_operator(login).await.map_err(describe)?;
            println!(
                "Operator `{}` created. Password (shown once): {}",
                creds.login, creds.password
            );
            Ok(())
        }
        Command::Admin(AdminCommand::Reset { login }) => {
            let login =
                Login::parse(&login).map_err(|e| anyhow::anyhow!("invalid login: {e:?}"))?;
            let creds = sigil
                .reset_operator_password(&login)
                .await
                .map_err(describe)?;
            println!(
                "New password for operator `{}` (shown once): {}",
                creds.login, creds.password
            );
            Ok(())
        }
        Command::App(cmd) => app(&sigil, cmd).await,
        Command::Accounts(cmd) => accounts(&sigil, cmd).await,
        Command::Access(cmd) => access(&sigil, cmd).await,
        Command::Invite(cmd) => invite(&sigil, cmd, &config).await,
        Command::Keys(KeysCommand::Rotate) => {
            let rotation = sigil.rotate_keys().await.map_err(describe)?;
            for (alg, kid) in rotation.keys {
                println!("{}: new signing key {kid}", alg.as_str());
            }
            // Published at once; running nodes pick them up within seconds and sign
            // with them from this time on.
            println!(
                "The new keys are published now and sign from {}.",
                rotation
                    .active_from
                    .format(&time::format_description::well_known::Rfc3339)?
            );
            Ok(())
        }
        Command::Keys(KeysCommand::List) => {
            println!("{}", serde_json::to_string_pretty(&sigil.jwks())?);
            Ok(())
        }
        Command::Serve => match signals {
            Some(signals) => serve(config, sigil, signals).await,
            None => Err(anyhow::anyhow!("signals are not registered")),
        },
        // Answered in `main`, before anything is opened or migrated.
        Command::Backup { .. } => anyhow::bail!("sigil backup opens no database here"),
    }
}

async fn app(sigil: &sigil_core::Sigil, cmd: AppCommand) -> anyhow::Result<()> {
    let show = |v: serde_json::Value| -> anyhow::Result<()> {
        println!("{}", serde_json::to_string_pretty(&v)?);
        Ok(())
    };
    match cmd {
        AppCommand::Create(args) => {
            let created = sigil.create_app(&input(*args)).await.map_err(describe)?;
            let mut v = sigil_web::api::admin::app_json(&created.app);
            v["client_secret"] = serde_json::json!(created.client_secret);
            show(v)
        }
        AppCommand::List => {
            let apps = sigil.list_apps().await.map_err(describe)?;
            show(serde_json::json!(apps
                .iter()
                .map(sigil_web::api::admin::app_json)
                .collect::<Vec<_>>()))
        }
        AppCommand::Show { client_id } => show(sigil_web::api::admin::app_json(
            &sigil.find_app(&client_id).await.map_err(describe)?,
        )),
        AppCommand::Backchannel {
            client_id,
            uri,
            session_required,
        } => {
            let change = sigil_core::oidc::application::BackchannelChange {
                backchannel_logout_uri: uri,
                backchannel_logout_session_required: session_required,
            };
            let app = sigil
                .set_app_backchannel(&client_id, &change)
                .await
                .map_err(describe)?;
            show(sigil_web::api::admin::app_json(&app))
        }
        AppCommand::Set {
            client_id,
            closed,
            catalog,
        } => {
            let unchanged = sigil_core::oidc::application::BackchannelChange::default();
            let app = sigil
                .update_app(&client_id, &unchanged, closed, catalog)
                .await
                .map_err(describe)?;
            show(sigil_web::api::admin::app_json(&app))
        }
        AppCommand::Delete { client_id } => {
            sigil.delete_app(&client_id).await.map_err(describe)?;
            println!("Application {client_id} deleted.");
            Ok(())
        }
    }
}

async fn access(sigil: &sigil_core::Sigil, cmd: AccessCommand) -> anyhow::Result<()> {
    use sigil_web::api::admin_access::{granted_json, holder_json, revoked_json};
    let by = sigil_core::services::OperatorAct::command_line();
    let v = match cmd {
        AccessCommand::Grant { app, user } => granted_json(
            &sigil
                .grant_access_by_operator(&app, &user, &by)
                .await
                .map_err(describe)?,
        ),
        AccessCommand::Revoke { app, user } => revoked_json(
            &sigil
                .revoke_access_by_operator(&app, &user, &by)
                .await
                .map_err(describe)?,
        ),
        AccessCommand::List { app } => serde_json::json!(sigil
            .list_access_of_app(&app)
            .await
            .map_err(describe)?
            .iter()
            .map(holder_json)
            .collect::<Vec<_>>()),
    };
    println!("{}", serde_json::to_string_pretty(&v)?);
    Ok(())
}

async fn accounts(sigil: &sigil_core::Sigil, cmd: AccountsCommand) -> anyhow::Result<()> {
    let day = |at: time::OffsetDateTime| -> anyhow::Result<String> {
        Ok(at.format(&time::format_description::well_known::Rfc3339)?)
    };
    match cmd {
        AccountsCommand::Pending => {
            let pending = sigil.pending_deletions().await.map_err(describe)?;
            if pending.is_empty() {
                println!("No account is pending deletion.");
            }
            for a in pending {
                println!(
                    "{}  {}  requested {}  erased after {}",
                    a.id,
                    a.name.as_deref().unwrap_or("-"),
                    day(a.requested_at)?,
                    day(a.erase_after)?
                );
            }
            Ok(())
        }
        AccountsCommand::Purge => {
            let erased = sigil.purge_due_accounts().await.map_err(describe)?;
            for a in &erased {
                println!("Erased {} ({}).", a.id, a.name.as_deref().unwrap_or("-"));
            }
            println!(
                "{} account(s) erased: their grace period had passed.",
                erased.len()
            );
            Ok(())
        }
    }
}

async fn invite(
    sigil: &sigil_core::Sigil,
    cmd: InviteCommand,
    config: &Config,
) -> anyhow::Result<()> {
    use sigil_web::api::invitations::{invitation_json, result_json};
    let show = |v: serde_json::Value| -> anyhow::Result<()> {
        println!("{}", serde_json::to_string_pretty(&v)?);
        Ok(())
    };
    let client = sigil_core::event::ClientInfo::default();
    match cmd {
        InviteCommand::Create {
            client_id,
            emails,
            expires_days,
        } => {
            let request = sigil_core::services::InviteRequest {
                client_id,
                emails,
                expires_days,
                inviter: config.policy.operator.organisation.clone(),
                operator: None,
            };
            let results = sigil.invite(&request, &client).await.map_err(describe)?;
            let i18n = sigil_web::i18n::I18n::load()?;
            let tr = sigil_web::i18n::Tr::new(&i18n, sigil_core::locale::Locale::En);
            show(serde_json::json!(results
                .iter()
                .map(|r| result_json(tr, r))
                .collect::<Vec<_>>()))?;
            // A repeat or a person holding access already is left out, not refused.
            let refused = results
                .iter()
                .filter(|r| match &r.outcome {
                    Ok(_) => false,
                    Err(sigil_core::CoreError::Invitation(e)) => !e.is_skip(),
                    Err(_) => true,
                })
                .count();
            if refused > 0 {
                anyhow::bail!("{refused} of {} addresses were not invited", results.len());
            }
            Ok(())
        }
        InviteCommand::List { client_id } => {
            let list = sigil.list_invitations(&client_id).await.map_err(describe)?;
            show(serde_json::json!(list
                .iter()
                .map(invitation_json)
                .collect::<Vec<_>>()))
        }
        InviteCommand::Revoke { id } => {
            let revoked = sigil
                .revoke_invitation(&id, None, &client)
                .await
                .map_err(describe)?;
            show(invitation_json(&revoked))
        }
    }
}

fn input(a: AppArgs) -> AppInput {
    AppInput {
        name: a.name,
        description: a.description,
        app_type: a.app_type,
        logo_url: a.logo_url,
        home_url: a.home_url,
        redirect_uris: a.redirect_uris,
        post_logout_redirect_uris: a.post_logout_uris,
        grant_types: (!a.grant_types.is_empty()).then_some(a.grant_types),
        scopes: a.scopes,
        access_token_ttl: a.access_token_ttl,
        id_token_ttl: a.id_token_ttl,
        refresh_token_ttl: a.refresh_token_ttl,
        signing_alg: a.signing_alg,
        closed: a.closed,
        in_catalog: a.in_catalog,
        allow_no_pkce: a.allow_no_pkce,
        backchannel_logout_uri: a.backchannel_logout_uri,
        backchannel_logout_session_required: a.backchannel_logout_session_required,
    }
}

async fn serve(
    config: Config,
    sigil: Arc<sigil_core::Sigil>,
    signals: sigil::shutdown::Signals,
) -> anyhow::Result<()> {
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {} (SIGIL_LISTEN)", config.listen))?;
    let first = sigil.bootstrap_operator().await.map_err(describe)?;
    let closing = sigil.clone();
    let running = sigil::serve_on(listener, &config, sigil).await?;
    let url = &config.public_url;
    let mut banner = format!(
        "Sigil is running at {url}/ (listening on {}, database {}).\n",
        running.addr,
        sigil::redact(&config.database_url)
    );
    match first {
        Some(creds) => banner.push_str(&format!(
            "First sign-in: open {url}/login and sign in as `{}` with the password\n    {}\n\
             It is shown only this once: change it under Profile → Security.\n",
            creds.login, creds.password
        )),
        None => banner.push_str(&format!(
            "Sign in at {url}/login. Lost the operator password? Run `sigil admin reset --login admin`.\n"
        )),
    }
    banner.push_str(&delivery_line(&config));
    banner.push_str(&metrics_line(
        running.addr,
        running.metrics_addr,
        sigil::metrics_on_public_listener(&config),
    ));
    banner.push_str(&format!(
        "Stop with Ctrl-C or SIGTERM (requests in flight get up to {} s).\n",
        config.shutdown_timeout.as_secs()
    ));
    // One write, and its failure ignored: whoever started the server may stop reading
    // after the first lines (a supervisor, a test), and `println!` would then bring the
    // running server down with a broken pipe.
    {
        use std::io::Write;
        let _ = std::io::stdout().lock().write_all(banner.as_bytes());
    }
    signals.drive(running.shutdown.clone());
    running.task.await.context("server task")?;
    // Requests answered and jobs finished: nothing uses the database any more.
    closing.close().await;
    Ok(())
}

/// Where `/metrics` answers (see `sigil_web::telemetry`).
fn metrics_line(
    public: std::net::SocketAddr,
    separate: Option<std::net::SocketAddr>,
    on_public: bool,
) -> String {
    match separate {
        Some(at) => format!("Metrics: http://{at}/metrics (metrics_listen).\n"),
        None if !on_public => "Metrics are not served: the public URL is not this machine, so \
             set metrics_listen to an address your Prometheus reaches.\n"
            .to_owned(),
        None => format!(
            "Metrics: http://{public}/metrics, to this machine only (set metrics_listen to serve them elsewhere).\n"
        ),
    }
}

/// Where mail and SMS really go: the SMTP server or SMS gateway when one is configured,
/// otherwise files in the outbox folder that nobody receives.
fn delivery_line(config: &Config) -> String {
    let outbox = config.outbox_dir();
    let mail = match &config.delivery.smtp_url {
        Some(url) => format!("Mail goes to the SMTP server {}", sigil::redact(url)),
        None => format!(
            "Mail is not sent: it is written to {} (set SIGIL_SMTP_URL to send it)",
            outbox.display()
        ),
    };
    let sms = match &config.delivery.sms_url {
        Some(url) => format!("SMS and calls go to the gateway {}", sigil::redact(url)),
        None => format!(
            "SMS and calls are written to {} ([sms] url sends them)",
            outbox.display()
        ),
    };
    format!("{mail}.\n{sms}.\n")
}

fn describe(e: sigil_core::CoreError) -> anyhow::Error {
    match e {
        sigil_core::CoreError::Invalid(fields) => {
            // The field, its stable code and the English message, so the operator
            // learns what to change without looking the code up.
            let i18n = sigil_web::i18n::I18n::load().ok();
            let what: Vec<_> = fields
                .iter()
                .map(|f| {
                    let message = i18n.as_ref().map(|i| {
                        sigil_web::i18n::Tr::new(i, sigil_core::locale::Locale::En)
                            .field_error(&f.kind)
                    });
                    match message {
                        Some(m) => format!("{} {}: {m}", f.field, f.kind.code()),
                        None => format!("{} {}", f.field, f.kind.code()),
                    }
                })
                .collect();
            anyhow::anyhow!("refused: {}", what.join("; "))
        }
        sigil_core::CoreError::NotFound => {
            anyhow::anyhow!("not found: nothing has this id (the list command shows the ids)")
        }
        sigil_core::CoreError::Access(e) => anyhow::anyhow!("refused ({}): {e}", e.code()),
        sigil_core::CoreError::Invitation(e) => {
            let i18n = sigil_web::i18n::I18n::load().ok();
            let code = e.code();
            let error = sigil_core::CoreError::Invitation(e);
            match i18n {
                Some(i) => {
                    let tr = sigil_web::i18n::Tr::new(&i, sigil_core::locale::Locale::En);
                    anyhow::anyhow!("{code}: {}", sigil_web::error::message_of(tr, &error))
                }
                None => anyhow::anyhow!("{code}"),
            }
        }
        other => anyhow::anyhow!(other),
    }
}
