//! Applications (OAuth clients) as the operator registers them.
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use super::backchannel::BackchannelUri;
use super::jose::SigningAlg;
use super::redirect::RedirectUri;
use super::scope::{ScopeCatalogue, ScopeSet};
use crate::error::{FieldError, FieldErrorKind};
use crate::ids::ClientId;
use crate::token::{constant_time_eq, TokenHash};

/// The kinds of client of [RFC 6749 §2.1](https://www.rfc-editor.org/rfc/rfc6749#section-2.1):
/// `web` and `service` keep a secret; `spa` and `native` cannot and must use PKCE.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AppType {
    Web,
    Spa,
    Native,
    Service,
}

impl AppType {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "web" => Some(Self::Web),
            "spa" => Some(Self::Spa),
            "native" => Some(Self::Native),
            "service" => Some(Self::Service),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Spa => "spa",
            Self::Native => "native",
            Self::Service => "service",
        }
    }

    pub fn is_confidential(self) -> bool {
        matches!(self, Self::Web | Self::Service)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantType {
    AuthorizationCode,
    RefreshToken,
    ClientCredentials,
}

impl GrantType {
    pub const ALL: [GrantType; 3] = [
        Self::AuthorizationCode,
        Self::RefreshToken,
        Self::ClientCredentials,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "authorization_code" => Some(Self::AuthorizationCode),
            "refresh_token" => Some(Self::RefreshToken),
            "client_credentials" => Some(Self::ClientCredentials),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AuthorizationCode => "authorization_code",
            Self::RefreshToken => "refresh_token",
            Self::ClientCredentials => "client_credentials",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Application {
    pub client_id: ClientId,
    pub secret_hash: Option<TokenHash>,
    pub name: String,
    pub description: String,
    pub app_type: AppType,
    pub logo_url: Option<String>,
    pub home_url: Option<String>,
    pub redirect_uris: Vec<RedirectUri>,
    pub post_logout_redirect_uris: Vec<RedirectUri>,
    pub grant_types: Vec<GrantType>,
    pub scopes: ScopeSet,
    pub access_token_ttl: Duration,
    pub id_token_ttl: Duration,
    /// Absolute lifetime of a refresh-token family, counted from the sign-in.
    pub refresh_token_ttl: Duration,
    pub signing_alg: SigningAlg,
    pub closed: bool,
    pub in_catalog: bool,
    /// A confidential client may leave PKCE out (a legacy relying party); off unless
    /// the operator sets it. Public clients always need PKCE.
    pub allow_no_pkce: bool,
    /// Where Sigil POSTs a logout token when a session of a person ends
    /// ([Back-Channel Logout §2.2](https://openid.net/specs/openid-connect-backchannel-1_0.html#BCRegistration)).
    pub backchannel_logout_uri: Option<BackchannelUri>,
    /// Whether the application needs `sid` in every logout token.
    pub backchannel_logout_session_required: bool,
    pub created_at: OffsetDateTime,
}

impl Application {
    pub fn is_public(&self) -> bool {
        !self.app_type.is_confidential()
    }

    /// Whether an authorization request must carry a `code_challenge`: always, as
    /// OAuth 2.1 asks ([draft-ietf-oauth-v2-1 §7.5.1](https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1#section-7.5.1),
    /// [RFC 9700 §2.1.1](https://www.rfc-editor.org/rfc/rfc9700#section-2.1.1)), except
    /// for a confidential client the operator let go without it.
    pub fn requires_pkce(&self) -> bool {
        self.is_public() || !self.allow_no_pkce
    }

    pub fn allows(&self, grant: GrantType) -> bool {
        self.grant_types.contains(&grant)
    }

    /// The registered URI that `requested` matches, if any.
    pub fn redirect_uri(&self, requested: &RedirectUri) -> Option<&RedirectUri> {
        let native = self.app_type == AppType::Native;
        self.redirect_uris
            .iter()
            .find(|r| r.matches(requested, native))
    }

    /// Checks a presented secret against the stored hash in constant time.
    pub fn secret_matches(&self, presented: &str) -> bool {
        match &self.secret_hash {
            Some(hash) => {
                let presented = crate::token::SecretToken::hash_str(presented);
                constant_time_eq(&hash.0, &presented.0)
            }
            None => false,
        }
    }
}

/// What the operator sends to register an application.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppInput {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(rename = "type")]
    pub app_type: String,
    pub logo_url: Option<String>,
    pub home_url: Option<String>,
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<String>,
    pub grant_types: Option<Vec<String>>,
    pub scopes: Option<String>,
    pub access_token_ttl: Option<i64>,
    pub id_token_ttl: Option<i64>,
    pub refresh_token_ttl: Option<i64>,
    pub signing_alg: Option<String>,
    #[serde(default)]
    pub closed: bool,
    #[serde(default)]
    pub in_catalog: bool,
    /// Let a confidential client (a legacy relying party) sign people in without PKCE.
    #[serde(default)]
    pub allow_no_pkce: bool,
    /// Where to POST logout tokens ([`BackchannelUri`]); none by default.
    pub backchannel_logout_uri: Option<String>,
    /// Whether every logout token must carry `sid`; false by default.
    #[serde(default)]
    pub backchannel_logout_session_required: bool,
}

/// A validated registration, ready to store once it has an id and secret.
#[derive(Clone, Debug)]
pub struct AppSpec {
    pub name: String,
    pub description: String,
    pub app_type: AppType,
    pub logo_url: Option<String>,
    pub home_url: Option<String>,
    pub redirect_uris: Vec<RedirectUri>,
    pub post_logout_redirect_uris: Vec<RedirectUri>,
    pub grant_types: Vec<GrantType>,
    pub scopes: ScopeSet,
    pub access_token_ttl: Duration,
    pub id_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub signing_alg: SigningAlg,
    pub closed: bool,
    pub in_catalog: bool,
    pub allow_no_pkce: bool,
    pub backchannel_logout_uri: Option<BackchannelUri>,
    pub backchannel_logout_session_required: bool,
}

/// A `backchannel_logout_uri` as sent: absent or blank is none; anything else must
/// parse, or the error names the field.
pub fn backchannel_uri(raw: Option<&str>, errors: &mut Vec<FieldError>) -> Option<BackchannelUri> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty())?;
    BackchannelUri::parse(raw)
        .map_err(|_| {
            errors.push(FieldError::new(
                "backchannel_logout_uri",
                FieldErrorKind::BackchannelUri,
            ))
        })
        .ok()
}

/// A change of an application's back-channel logout settings: a field left out stays
/// as it is; a blank `backchannel_logout_uri` removes the URI.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackchannelChange {
    pub backchannel_logout_uri: Option<String>,
    pub backchannel_logout_session_required: Option<bool>,
}

fn web_url(raw: &Option<String>, field: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    let raw = raw.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    match url::Url::parse(raw) {
        Ok(u) if matches!(u.scheme(), "https" | "http") && u.host().is_some() => {
            Some(raw.to_owned())
        }
        _ => {
            errors.push(FieldError::new(field, FieldErrorKind::Pattern));
            None
        }
    }
}

fn ttl(
    raw: Option<i64>,
    default: i64,
    max: i64,
    field: &str,
    errors: &mut Vec<FieldError>,
) -> Duration {
    let secs = raw.unwrap_or(default);
    if !(1..=max).contains(&secs) {
        errors.push(FieldError::new(
            field,
            FieldErrorKind::TooLong { max: max as usize },
        ));
    }
    Duration::seconds(secs.clamp(1, max))
}

/// A description as stored: trimmed, its line breaks plain `\n` (a form's textarea
/// sends `\r\n`). It may run over several lines; nothing else invisible is allowed.
fn description_text(raw: &str) -> String {
    raw.trim().replace("\r\n", "\n")
}

impl AppInput {
    pub fn validate(&self, scopes: &ScopeCatalogue) -> Result<AppSpec, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = self.name.trim().to_owned();
        if name.is_empty() {
            errors.push(FieldError::new("name", FieldErrorKind::Required));
        } else if name.chars().count() > 100 {
            errors.push(FieldError::new(
                "name",
                FieldErrorKind::TooLong { max: 100 },
            ));
        } else if crate::text::has_invisible(&name) {
            // The name goes into mail subjects and pages: no line breaks, controls or
            // characters that hide or reorder text.
            errors.push(FieldError::new("name", FieldErrorKind::Invisible));
        }
        let description = description_text(&self.description);
        if description.chars().count() > 1000 {
            errors.push(FieldError::new(
                "description",
                FieldErrorKind::TooLong { max: 1000 },
            ));
        } else if description
            .split('\n')
            .any(|line| line.chars().any(crate::text::is_invisible))
        {
            errors.push(FieldError::new("description", FieldErrorKind::Invisible));
        }
        let app_type = AppType::parse(&self.app_type).unwrap_or_else(|| {
            errors.push(FieldError::new("type", FieldErrorKind::Unknown));
            AppType::Web
        });
        let uris = |list: &[String],
                    field: &str,
                    errors: &mut Vec<FieldError>|
         -> Vec<RedirectUri> {
            list.iter()
                .filter_map(|u| {
                    RedirectUri::parse(u)
                        .map_err(|_| errors.push(FieldError::new(field, FieldErrorKind::Pattern)))
                        .ok()
                })
                .collect()
        };
        let redirect_uris = uris(&self.redirect_uris, "redirect_uris", &mut errors);
        if redirect_uris
            .iter()
            .any(RedirectUri::is_plain_http_off_loopback)
        {
            errors.push(FieldError::new(
                "redirect_uris",
                FieldErrorKind::InsecureRedirectUri,
            ));
        }
        // PKCE cannot be waived for a client without a secret (RFC 9700 §2.1.1).
        if self.allow_no_pkce && !app_type.is_confidential() {
            errors.push(FieldError::new(
                "allow_no_pkce",
                FieldErrorKind::PkceRequired,
            ));
        }
        let post_logout_redirect_uris = uris(
            &self.post_logout_redirect_uris,
            "post_logout_redirect_uris",
            &mut errors,
        );
        let default_grants: &[&str] = match app_type {
            AppType::Service => &["client_credentials"],
            _ => &["authorization_code", "refresh_token"],
        };
        let grant_types: Vec<GrantType> = match &self.grant_types {
            Some(list) => list
                .iter()
                .filter_map(|g| {
                    GrantType::parse(g).or_else(|| {
                        errors.push(FieldError::new("grant_types", FieldErrorKind::Unknown));
                        None
                    })
                })
                .collect(),
            None => default_grants
                .iter()
                .filter_map(|g| GrantType::parse(g))
                .collect(),
        };
        let needs_secret = grant_types.contains(&GrantType::ClientCredentials);
        if needs_secret && !app_type.is_confidential() {
            errors.push(FieldError::new("grant_types", FieldErrorKind::Pattern));
        }
        if app_type == AppType::Service
            && grant_types
                .iter()
                .any(|g| *g != GrantType::ClientCredentials)
        {
            errors.push(FieldError::new("grant_types", FieldErrorKind::Pattern));
        }
        if grant_types.contains(&GrantType::AuthorizationCode) && redirect_uris.is_empty() {
            errors.push(FieldError::new("redirect_uris", FieldErrorKind::Required));
        }
        let scopes_raw = self.scopes.clone().unwrap_or_else(|| match app_type {
            AppType::Service => String::new(),
            _ => "openid profile email phone offline_access".into(),
        });
        let scope_set = match ScopeSet::parse(&scopes_raw) {
            Ok(s) if scopes.check(&s).is_ok() => s,
            _ => {
                errors.push(FieldError::new("scopes", FieldErrorKind::Unknown));
                ScopeSet::default()
            }
        };
        let signing_alg = match self.signing_alg.as_deref() {
            None => SigningAlg::RS256,
            Some(a) => SigningAlg::parse(a).unwrap_or_else(|| {
                errors.push(FieldError::new("signing_alg", FieldErrorKind::Unknown));
                SigningAlg::RS256
            }),
        };
        let spec = AppSpec {
            logo_url: web_url(&self.logo_url, "logo_url", &mut errors),
            home_url: web_url(&self.home_url, "home_url", &mut errors),
            access_token_ttl: ttl(
                self.access_token_ttl,
                300,
                86_400,
                "access_token_ttl",
                &mut errors,
            ),
            id_token_ttl: ttl(
                self.id_token_ttl,
                3_600,
                86_400,
                "id_token_ttl",
                &mut errors,
            ),
            refresh_token_ttl: ttl(
                self.refresh_token_ttl,
                30 * 86_400,
                365 * 86_400,
                "refresh_token_ttl",
                &mut errors,
            ),
            name,
            description,
            app_type,
            redirect_uris,
            post_logout_redirect_uris,
            grant_types,
            scopes: scope_set,
            signing_alg,
            closed: self.closed,
            in_catalog: self.in_catalog,
            allow_no_pkce: self.allow_no_pkce,
            backchannel_logout_uri: backchannel_uri(
                self.backchannel_logout_uri.as_deref(),
                &mut errors,
            ),
            backchannel_logout_session_required: self.backchannel_logout_session_required,
        };
        if errors.is_empty() {
            Ok(spec)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str) -> AppInput {
        AppInput {
            name: "Demo".into(),
            app_type: kind.into(),
            redirect_uris: vec!["https://demo.example/cb".into()],
            ..AppInput::default()
        }
    }

    #[test]
    fn defaults_follow_the_application_type() {
        let cat = ScopeCatalogue::standard();
        let web = input("web").validate(&cat).expect("valid");
        assert_eq!(
            web.grant_types,
            [GrantType::AuthorizationCode, GrantType::RefreshToken]
        );
        assert_eq!(web.access_token_ttl, Duration::minutes(5));
        let mut svc = input("service");
        svc.redirect_uris.clear();
        assert_eq!(
            svc.validate(&cat).expect("valid").grant_types,
            [GrantType::ClientCredentials]
        );
    }

    #[test]
    fn plain_http_redirects_are_only_for_loopback_and_pkce_only_waived_for_secrets() {
        let cat = ScopeCatalogue::standard();
        for kind in ["web", "spa", "native"] {
            let mut clear = input(kind);
            clear.redirect_uris = vec!["http://app.example/cb".into()];
            let errors = clear.validate(&cat).expect_err("plain http");
            assert_eq!(
                errors,
                [FieldError::new(
                    "redirect_uris",
                    FieldErrorKind::InsecureRedirectUri
                )],
                "{kind}"
            );
            let mut local = input(kind);
            local.redirect_uris = vec!["http://127.0.0.1:8080/cb".into()];
            assert!(local.validate(&cat).is_ok(), "{kind}");
        }
        let mut legacy = input("web");
        legacy.allow_no_pkce = true;
        assert!(legacy.validate(&cat).expect("valid").allow_no_pkce);
        let mut spa = input("spa");
        spa.allow_no_pkce = true;
        assert_eq!(
            spa.validate(&cat).expect_err("public"),
            [FieldError::new(
                "allow_no_pkce",
                FieldErrorKind::PkceRequired
            )]
        );
    }

    #[test]
    fn a_backchannel_logout_uri_must_be_https_or_loopback_without_a_fragment() {
        let cat = ScopeCatalogue::standard();
        let mut told = input("web");
        told.backchannel_logout_uri = Some("https://demo.example/bc".into());
        told.backchannel_logout_session_required = true;
        let spec = told.validate(&cat).expect("valid");
        assert_eq!(
            spec.backchannel_logout_uri
                .as_ref()
                .map(BackchannelUri::as_str),
            Some("https://demo.example/bc")
        );
        assert!(spec.backchannel_logout_session_required);
        assert!(input("web")
            .validate(&cat)
            .expect("valid")
            .backchannel_logout_uri
            .is_none());
        for bad in ["http://demo.example/bc", "https://demo.example/bc#x", "bc"] {
            let mut wrong = input("web");
            wrong.backchannel_logout_uri = Some(bad.into());
            assert_eq!(
                wrong.validate(&cat).expect_err(bad),
                [FieldError::new(
                    "backchannel_logout_uri",
                    FieldErrorKind::BackchannelUri
                )],
                "{bad}"
            );
        }
    }

    #[test]
    fn public_clients_cannot_use_client_credentials_and_bad_uris_are_named() {
        let cat = ScopeCatalogue::standard();
        let mut spa = input("spa");
        spa.grant_types = Some(vec!["client_credentials".into()]);
        spa.redirect_uris = vec!["javascript:alert(1)".into()];
        let errors = spa.validate(&cat).expect_err("invalid");
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert!(
            fields.contains(&"grant_types") && fields.contains(&"redirect_uris"),
            "{fields:?}"
        );
    }
}
