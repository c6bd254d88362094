//! Identifiers: accounts at external providers (upstream OpenID Connect providers the
//! operator configured) that a person links to their profile.
//!
//! Linking is an authorization code flow with PKCE, run by an [`Upstream`] (the server
//! implements it with the `openidconnect` crate). The request's state is stored hashed
//! and its nonce and PKCE verifier sealed, so the flow survives any node and is spent
//! once; the callback must come back to the provider's own redirect URI (against
//! mix-up, RFC 9700 §4.4) in the browser session that started it.
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::UserId;
use crate::privacy::PrivacyLevel;

/// How long a person has to finish signing in at the provider.
pub const REQUEST_TTL: time::Duration = time::Duration::minutes(10);

/// A provider as the profile shows it; the connection details stay in the [`Upstream`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderDef {
    /// Lower-case letters, digits and hyphens; part of the callback address.
    pub id: String,
    /// The name people know it by, e.g. "GitHub".
    pub name: String,
    /// The level a linked identifier has until the person picks one.
    pub default_privacy: PrivacyLevel,
    /// Whether the sign-in page offers it (the login widget); if not, accounts there
    /// can be linked as identifiers but do not sign in.
    pub sign_in: bool,
}

/// Whether `id` may name a provider (it appears in URLs).
pub fn valid_provider_id(id: &str) -> bool {
    (1..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A linked identifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identifier {
    pub id: String,
    pub user_id: UserId,
    pub provider: String,
    /// The provider's `sub`: unique per provider across all accounts.
    pub subject: String,
    pub email: Option<String>,
    pub name: Option<String>,
    /// A square JPEG of the account's picture, re-drawn like an uploaded photo.
    pub has_avatar: bool,
    /// `None` until the person picks a level: the provider's default holds.
    pub privacy: Option<PrivacyLevel>,
    pub linked_at: OffsetDateTime,
}

impl Identifier {
    /// The privacy key of this identifier, as forms and the JSON API name it.
    pub fn privacy_key(&self) -> String {
        format!("{PRIVACY_PREFIX}{}", self.id)
    }

    /// What the profile shows of it: the name at the provider, else the email, else
    /// the subject.
    pub fn label(&self) -> &str {
        self.name
            .as_deref()
            .or(self.email.as_deref())
            .unwrap_or(&self.subject)
    }
}

/// Privacy keys of identifiers are `identifier:<id>`.
pub const PRIVACY_PREFIX: &str = "identifier:";

/// A new link, as stored.
#[derive(Clone, Debug)]
pub struct NewIdentifier<'a> {
    pub id: &'a str,
    pub user_id: UserId,
    pub provider: &'a str,
    pub account: &'a ExternalAccount,
    /// The re-drawn avatar, if the account has a picture that could be read.
    pub avatar: Option<&'a [u8]>,
    pub at: OffsetDateTime,
}

/// The secrets of one authorization request, known only to Sigil.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RequestSecrets {
    pub nonce: String,
    pub pkce_verifier: String,
}

/// A request waiting for the provider's callback.
#[derive(Clone, Debug)]
pub struct PendingRequest {
    pub provider: String,
    pub purpose: Purpose,
    /// [`RequestSecrets`] sealed with the master key.
    pub sealed: String,
    pub expires_at: OffsetDateTime,
}

/// What a request is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Link the account to this person's profile (they are signed in).
    Link(UserId),
    /// Sign in with a linked account: only the browser holding the form token whose
    /// hash is `binding` may finish it (against login CSRF); then go to `next`.
    SignIn { binding: String, next: String },
}

/// Where to send the browser, and what to keep until it comes back.
#[derive(Clone, Debug)]
pub struct Authorization {
    pub url: String,
    pub state: String,
    pub secrets: RequestSecrets,
}

/// The account at the provider, from its validated ID token and userinfo.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExternalAccount {
    pub subject: String,
    pub email: Option<String>,
    pub name: Option<String>,
    /// The picture's bytes as the provider served them (not yet checked).
    pub picture: Option<Vec<u8>>,
}

#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    #[error("no such provider")]
    UnknownProvider,
    /// The provider could not be reached or answered something unusable.
    #[error("provider unavailable: {0}")]
    Unavailable(String),
    /// The provider refused, or its answer failed validation (ID token, nonce, issuer).
    #[error("provider answer refused: {0}")]
    Refused(String),
}

/// The client side of the flow with each configured provider.
#[async_trait]
pub trait Upstream: Send + Sync {
    /// Starts an authorization code flow with PKCE S256 at `provider`.
    async fn authorize(
        &self,
        provider: &str,
        redirect_uri: &str,
    ) -> Result<Authorization, UpstreamError>;

    /// Redeems `code`, validates the ID token against `secrets.nonce`, reads userinfo
    /// and fetches the picture. `iss` is the callback's issuer parameter, if sent
    /// (RFC 9207): it must name the provider.
    async fn complete(
        &self,
        provider: &str,
        redirect_uri: &str,
        code: &str,
        iss: Option<&str>,
        secrets: &RequestSecrets,
    ) -> Result<ExternalAccount, UpstreamError>;
}

/// No providers configured.
pub struct NoUpstream;

#[async_trait]
impl Upstream for NoUpstream {
    async fn authorize(&self, _: &str, _: &str) -> Result<Authorization, UpstreamError> {
        Err(UpstreamError::UnknownProvider)
    }

    async fn complete(
        &self,
        _: &str,
        _: &str,
        _: &str,
        _: Option<&str>,
        _: &RequestSecrets,
    ) -> Result<ExternalAccount, UpstreamError> {
        Err(UpstreamError::UnknownProvider)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_ids_are_url_safe() {
        assert!(valid_provider_id("github"));
        assert!(valid_provider_id("corp-sso2"));
        assert!(!valid_provider_id(""));
        assert!(!valid_provider_id("GitHub"));
        assert!(!valid_provider_id("a/b"));
        assert!(!valid_provider_id(&"a".repeat(33)));
    }

    #[test]
    fn the_label_prefers_the_name() {
        let mut i = Identifier {
            id: "x".into(),
            user_id: "00000000-0000-4000-8000-000000000001".parse().expect("id"),
            provider: "p".into(),
            subject: "s-1".into(),
            email: Some("a@example.org".into()),
            name: None,
            has_avatar: false,
            privacy: None,
            linked_at: OffsetDateTime::UNIX_EPOCH,
        };
        assert_eq!(i.label(), "a@example.org");
        i.name = Some("Ada".into());
        assert_eq!(i.label(), "Ada");
        i.email = None;
        i.name = None;
        assert_eq!(i.label(), "s-1");
        assert_eq!(i.privacy_key(), "identifier:x");
    }
}
