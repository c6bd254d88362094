//! `[[providers]]`: the external providers people may link as identifiers.
use serde::Deserialize;
use sigil_core::identifier::{valid_provider_id, ProviderDef};
use sigil_core::privacy::PrivacyLevel;

use super::catalogue::privacy_level;
use super::{err, ConfigError};
use crate::upstream::ProviderConfig;

/// One `[[providers]]` entry.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ProviderFile {
    id: String,
    name: String,
    issuer: String,
    client_id: String,
    /// Also read from `SIGIL_PROVIDER_<ID>_SECRET` (upper case, `-` as `_`).
    client_secret: Option<String>,
    scopes: Option<Vec<String>>,
    privacy: Option<String>,
    #[serde(default)]
    private_network: bool,
    /// Offered on the sign-in page (the login widget); true unless set.
    sign_in: Option<bool>,
}

/// The providers for the profile (`ProviderDef`) and for the client (`ProviderConfig`).
pub(super) fn providers(
    list: Vec<ProviderFile>,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<(Vec<ProviderDef>, Vec<ProviderConfig>), ConfigError> {
    let mut defs: Vec<ProviderDef> = Vec::new();
    let mut configs = Vec::new();
    for p in list {
        let setting = format!("providers.{}", p.id);
        if !valid_provider_id(&p.id) {
            return Err(err(
                &setting,
                "id: 1 to 32 lower-case letters, digits and hyphens",
            ));
        }
        if defs.iter().any(|d| d.id == p.id) {
            return Err(err(&setting, "defined twice"));
        }
        if p.name.trim().is_empty() {
            return Err(err(&setting, "name must not be empty"));
        }
        let issuer = url::Url::parse(&p.issuer)
            .ok()
            .filter(|u| matches!(u.scheme(), "https" | "http") && u.host_str().is_some())
            .ok_or_else(|| err(&format!("{setting}.issuer"), "expected an https:// address"))?;
        if issuer.scheme() == "http" && !p.private_network {
            return Err(err(
                &format!("{setting}.issuer"),
                "http:// is only allowed with private_network = true",
            ));
        }
        // A name is checked when it resolves; an address can be refused now.
        if !p.private_network && !crate::upstream::guard::is_public_url(&issuer) {
            return Err(err(
                &format!("{setting}.issuer"),
                "a private address is only allowed with private_network = true",
            ));
        }
        let default_privacy = match &p.privacy {
            Some(raw) => privacy_level(&format!("{setting}.privacy"), raw)?,
            None => PrivacyLevel::OnRequest,
        };
        let secret_var = format!(
            "SIGIL_PROVIDER_{}_SECRET",
            p.id.to_ascii_uppercase().replace('-', "_")
        );
        let mut scopes = p
            .scopes
            .unwrap_or_else(|| vec!["profile".into(), "email".into()]);
        scopes.retain(|s| s != "openid");
        defs.push(ProviderDef {
            id: p.id.clone(),
            name: p.name,
            default_privacy,
            sign_in: p.sign_in.unwrap_or(true),
        });
        configs.push(ProviderConfig {
            client_secret: env(&secret_var).or(p.client_secret),
            id: p.id,
            issuer: p.issuer.trim_end_matches('/').to_owned(),
            client_id: p.client_id,
            scopes,
            private_network: p.private_network,
        });
    }
    Ok((defs, configs))
}
