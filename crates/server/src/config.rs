//! Configuration: a TOML file, then environment variables on top. Every error names
//! the setting at fault, so a bad start-up says exactly what to fix.
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sigil_core::contact::Channel;
use sigil_core::oidc::jose::MasterKey;
use sigil_core::Settings;
use sigil_core::{password, phone};
use time::Duration;

mod accounts;
mod branding;
mod catalogue;
mod operations;
mod policy;
mod providers;
use accounts::{accounts, AccountsFile};
use branding::{branding, BrandingFile};
use catalogue::{catalogue, privacy_level, scopes, FieldFile, ScopeFile};
use operations::{DatabaseFile, EventsFile, Operations};
use policy::{operator_language, policy, OperatorFile, PolicyFile};
use providers::{providers, ProviderFile};

/// The file's shape. Unknown keys are errors: a typo must not pass silently.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<String>,
    public_url: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    trust_forwarded_for: Option<bool>,
    registration_open: Option<bool>,
    housekeeping_seconds: Option<i64>,
    sessions: Option<SessionsFile>,
    throttle: Option<ThrottleFile>,
    master_key: Option<String>,
    #[serde(default)]
    fields: Vec<FieldFile>,
    #[serde(default)]
    scopes: Vec<ScopeFile>,
    mail: Option<MailFile>,
    sms: Option<SmsFile>,
    contacts: Option<ContactsFile>,
    cards: Option<CardsFile>,
    catalog: Option<CatalogFile>,
    passwords: Option<PasswordsFile>,
    #[serde(default)]
    providers: Vec<ProviderFile>,
    branding: Option<BrandingFile>,
    operator: Option<OperatorFile>,
    policy: Option<PolicyFile>,
    accounts: Option<AccountsFile>,
    backchannel: Option<BackchannelFile>,
    database: Option<DatabaseFile>,
    events: Option<EventsFile>,
    metrics_listen: Option<String>,
    shutdown_timeout_seconds: Option<i64>,
}

/// `[backchannel]`: how logout tokens reach applications.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct BackchannelFile {
    /// Let logout tokens go to applications on private networks (10.0.0.0/8 and the
    /// like); off, only the public internet and URIs naming the loopback interface.
    private_network: Option<bool>,
}

/// `[cards]`: the business card, an experimental feature.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CardsFile {
    enabled: Option<bool>,
}

/// `[catalog]`: the application catalog and favourites, an experimental feature.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    enabled: Option<bool>,
}

/// `[passwords]`: what a new password needs.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordsFile {
    min_length: Option<usize>,
}

/// `[mail]`: SMTP for email; without `smtp_url`, messages go to the outbox folder.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MailFile {
    smtp_url: Option<String>,
    from: Option<String>,
}

/// `[sms]`: the HTTP gateway for SMS and calls; without `url`, the outbox folder.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SmsFile {
    url: Option<String>,
    token: Option<String>,
}

/// `[contacts]`: how phone numbers are read and codes travel.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactsFile {
    phone_region: Option<String>,
    phone_channels: Option<Vec<String>>,
    reauth_minutes: Option<i64>,
    email_privacy: Option<String>,
    phone_privacy: Option<String>,
}

/// Where messages go.
#[derive(Clone, Debug)]
pub struct DeliveryConfig {
    /// `smtp://host:25` (plain), `smtp://host:587?tls=required` (STARTTLS),
    /// `smtps://host:465` (TLS), with `user:password@` if the server wants it.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub sms_url: Option<String>,
    pub sms_token: Option<String>,
    /// `[backchannel] private_network`: logout tokens may go to private addresses.
    pub backchannel_private_network: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionsFile {
    idle_minutes: Option<i64>,
    absolute_hours: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThrottleFile {
    window_minutes: Option<i64>,
    per_account: Option<i64>,
    per_ip: Option<i64>,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub listen: SocketAddr,
    /// Without a trailing slash, e.g. `http://127.0.0.1:8080`.
    pub public_url: String,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub trust_forwarded_for: bool,
    /// Base64 of the 32-byte key that encrypts signing keys; when unset it is kept in
    /// `<data_dir>/master.key`. Nodes sharing a database must share it.
    pub master_key: Option<String>,
    pub settings: Settings,
    pub delivery: DeliveryConfig,
    /// How to reach the external providers in `settings.providers`.
    pub providers: Vec<crate::upstream::ProviderConfig>,
    /// How often housekeeping runs (on one of the nodes sharing the database).
    pub housekeeping_every: std::time::Duration,
    /// `[branding]`: product name, logo and accent on every page.
    pub brand: sigil_web::brand::Brand,
    /// `[operator]` and `[policy]`: the personal data processing policy.
    pub policy: sigil_web::policy::Policy,
    /// `[database]`: timeouts, pool and page cache.
    pub store: sigil_store::StoreOptions,
    /// Where `/metrics` is served apart from the public listener (`metrics_listen`).
    pub metrics_listen: Option<SocketAddr>,
    /// How long a stopping node lets requests in flight finish
    /// (`shutdown_timeout_seconds`).
    pub shutdown_timeout: std::time::Duration,
}

#[derive(Debug, thiserror::Error)]
#[error("configuration error in {setting}: {message}")]
pub struct ConfigError {
    pub setting: String,
    pub message: String,
}

fn err(setting: &str, message: impl ToString) -> ConfigError {
    ConfigError {
        setting: setting.to_owned(),
        message: message.to_string(),
    }
}

impl Config {
    /// Reads `file` (if given, it must exist; else `sigil.toml` if present) and applies
    /// `SIGIL_LISTEN`, `SIGIL_PUBLIC_URL`, `SIGIL_DATA_DIR` and `DATABASE_URL` on top.
    pub fn load(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let (text, origin) = match file {
            Some(path) => (
                Some(
                    std::fs::read_to_string(path)
                        .map_err(|e| err("--config", format!("{}: {e}", path.display())))?,
                ),
                path.display().to_string(),
            ),
            None => (
                std::fs::read_to_string("sigil.toml").ok(),
                "sigil.toml".to_owned(),
            ),
        };
        let file: FileConfig = match text {
            Some(t) => toml::from_str(&t).map_err(|e| err(&origin, e.message()))?,
            None => FileConfig::default(),
        };

        let listen_raw = env("SIGIL_LISTEN")
            .or(file.listen)
            .unwrap_or_else(|| "127.0.0.1:8080".into());
        let listen: SocketAddr = listen_raw.parse().map_err(|_| {
            err(
                "SIGIL_LISTEN (listen)",
                format!("`{listen_raw}` is not an address:port such as 127.0.0.1:8080"),
            )
        })?;

        let public_raw = env("SIGIL_PUBLIC_URL")
            .or(file.public_url)
            .unwrap_or_else(|| format!("http://{listen}"));
        let public_url = parse_public_url(&public_raw)?;

        let data_dir = env("SIGIL_DATA_DIR")
            .map(PathBuf::from)
            .or(file.data_dir)
            .unwrap_or_else(|| "data".into());
        if data_dir.as_os_str().is_empty() {
            return Err(err("SIGIL_DATA_DIR (data_dir)", "must not be empty"));
        }
        let database_url = env("DATABASE_URL")
            .or(file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("sigil.db").display()));
        if !["sqlite:", "postgres://", "postgresql://"]
            .iter()
            .any(|p| database_url.starts_with(p))
        {
            return Err(err(
                "DATABASE_URL (database_url)",
                "expected sqlite:… or postgres://…",
            ));
        }

        let mut settings = Settings::default();
        if let Some(s) = file.sessions {
            if let Some(m) = s.idle_minutes {
                settings.sessions.idle_timeout =
                    positive("sessions.idle_minutes", m, Duration::minutes)?;
            }
            if let Some(h) = s.absolute_hours {
                settings.sessions.absolute_lifetime =
                    positive("sessions.absolute_hours", h, Duration::hours)?;
            }
        }
        if let Some(t) = file.throttle {
            if let Some(m) = t.window_minutes {
                settings.throttle.window =
                    positive("throttle.window_minutes", m, Duration::minutes)?;
            }
            if let Some(n) = t.per_account {
                settings.throttle.per_account = positive("throttle.per_account", n, |n| n)?;
            }
            if let Some(n) = t.per_ip {
                settings.throttle.per_ip = positive("throttle.per_ip", n, |n| n)?;
            }
        }
        settings.registration_open = file.registration_open.unwrap_or(true);
        settings.cards_enabled = file.cards.and_then(|c| c.enabled).unwrap_or(false);
        settings.catalog_enabled = file.catalog.and_then(|c| c.enabled).unwrap_or(false);
        if let Some(min) = file.passwords.and_then(|p| p.min_length) {
            let range = password::MIN_CHARS..=64;
            if !range.contains(&min) {
                return Err(err(
                    "passwords.min_length",
                    format!("{min}: use {} to {}", range.start(), range.end()),
                ));
            }
            settings.passwords.min_chars = min;
        }
        settings.catalogue = catalogue(file.fields)?;
        settings.oidc.scopes = scopes(file.scopes, &settings.catalogue)?;
        settings.oidc.issuer = public_url.clone();
        let (provider_defs, provider_configs) = providers(file.providers, &env)?;
        settings.providers = provider_defs;
        let contacts = file.contacts.unwrap_or_default();
        if let Some(code) = &contacts.phone_region {
            settings.contacts.phone_region = Some(phone::region(code).ok_or_else(|| {
                err(
                    "contacts.phone_region",
                    format!("`{code}` is not an ISO 3166 country code such as DE"),
                )
            })?);
        }
        if let Some(list) = &contacts.phone_channels {
            settings.contacts.phone_channels = list
                .iter()
                .map(|c| {
                    Channel::parse(c)
                        .filter(|c| *c != Channel::Email)
                        .ok_or_else(|| {
                            err("contacts.phone_channels", format!("`{c}`: use sms or call"))
                        })
                })
                .collect::<Result<_, _>>()?;
        }
        if let Some(p) = &contacts.email_privacy {
            settings.contacts.email_privacy = privacy_level("contacts.email_privacy", p)?;
        }
        if let Some(p) = &contacts.phone_privacy {
            settings.contacts.phone_privacy = privacy_level("contacts.phone_privacy", p)?;
        }
        if let Some(m) = contacts.reauth_minutes {
            settings.contacts.reauth_after =
                positive("contacts.reauth_minutes", m, Duration::minutes)?;
        }
        accounts(file.accounts, &mut settings)?;
        let brand = branding(file.branding)?;
        // Without `[mail] from`, mail comes from the operator's product by name.
        let default_from = lettre::message::Mailbox::new(
            Some(brand.product_name.clone()),
            lettre::Address::new("sigil", "localhost").map_err(|e| err("mail.from", e))?,
        )
        .to_string();
        let mail = file.mail.unwrap_or_default();
        let sms = file.sms.unwrap_or_default();
        let delivery = DeliveryConfig {
            smtp_url: env("SIGIL_SMTP_URL").or(mail.smtp_url),
            mail_from: mail.from.unwrap_or(default_from),
            sms_url: sms.url,
            sms_token: env("SIGIL_SMS_TOKEN").or(sms.token),
            backchannel_private_network: file
                .backchannel
                .as_ref()
                .and_then(|b| b.private_network)
                .unwrap_or(false),
        };
        if let Some(u) = &delivery.smtp_url {
            let ok = url::Url::parse(u).is_ok_and(|u| matches!(u.scheme(), "smtp" | "smtps"));
            if !ok {
                return Err(err(
                    "SIGIL_SMTP_URL (mail.smtp_url)",
                    "expected smtp://… or smtps://…",
                ));
            }
        }
        if let Some(u) = &delivery.sms_url {
            let ok = url::Url::parse(u).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
            if !ok {
                return Err(err("sms.url", "expected an http:// or https:// address"));
            }
        }
        let housekeeping_every = match file.housekeeping_seconds {
            Some(n) => positive("housekeeping_seconds", n, |n| {
                std::time::Duration::from_secs(n.unsigned_abs())
            })?,
            None => std::time::Duration::from_secs(600),
        };
        settings.default_locale = operator_language(file.operator.as_ref())?;
        let ops = Operations::read(
            file.database,
            file.events,
            env("SIGIL_METRICS_LISTEN").or(file.metrics_listen),
            file.shutdown_timeout_seconds,
        )?;
        settings.events_retention = ops.events_retention;
        let policy = policy(file.operator, file.policy, &brand.product_name, &public_url)?;
        let master_key = env("SIGIL_MASTER_KEY").or(file.master_key);
        if let Some(k) = &master_key {
            MasterKey::parse(k).map_err(|e| err("SIGIL_MASTER_KEY (master_key)", e))?;
        }

        Ok(Self {
            listen,
            public_url,
            data_dir,
            database_url,
            trust_forwarded_for: file.trust_forwarded_for.unwrap_or(false),
            master_key,
            settings,
            delivery,
            providers: provider_configs,
            housekeeping_every,
            brand,
            policy,
            store: ops.store,
            metrics_listen: ops.metrics_listen,
            shutdown_timeout: ops.shutdown_timeout,
        })
    }

    pub fn outbox_dir(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }
}

fn positive<T>(setting: &str, n: i64, f: impl Fn(i64) -> T) -> Result<T, ConfigError> {
    if n > 0 {
        Ok(f(n))
    } else {
        Err(err(setting, "must be a positive whole number"))
    }
}

fn parse_public_url(raw: &str) -> Result<String, ConfigError> {
    let setting = "SIGIL_PUBLIC_URL (public_url)";
    let url = url::Url::parse(raw).map_err(|e| err(setting, format!("`{raw}`: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(err(
            setting,
            "must be an http:// or https:// address with a host",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(err(
            setting,
            "must not carry a query, fragment or user name",
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests;
