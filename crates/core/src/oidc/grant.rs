//! What a person granted and what was issued under it. Codes, refresh tokens and
//! access tokens all belong to a family, and a family to a browser session, so ending
//! the session or the family ends everything issued under it.
use time::OffsetDateTime;

use super::scope::ScopeSet;
use crate::ids::{ClientId, UserId};
use crate::token::TokenHash;

/// A person's standing consent for an application.
#[derive(Clone, Debug)]
pub struct Consent {
    pub user_id: UserId,
    pub client_id: ClientId,
    pub scopes: ScopeSet,
    pub granted_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// An authorization code: single use, short-lived, bound to client, redirect URI and
/// PKCE challenge.
#[derive(Clone, Debug)]
pub struct AuthCode {
    pub code_hash: TokenHash,
    pub client_id: ClientId,
    pub user_id: UserId,
    pub session_hash: TokenHash,
    pub sid: String,
    pub redirect_uri: String,
    pub scopes: ScopeSet,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub auth_time: OffsetDateTime,
    pub method: crate::session::SignInMethod,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub used_at: Option<OffsetDateTime>,
    /// The family the code was exchanged into, once used.
    pub family_id: Option<String>,
}

/// Everything issued from one grant: the access tokens (by their `gid` claim) and the
/// chain of rotated refresh tokens.
#[derive(Clone, Debug)]
pub struct TokenFamily {
    pub id: String,
    pub client_id: ClientId,
    /// `None` for client-credentials grants, which act for the application itself.
    pub user_id: Option<UserId>,
    pub session_hash: Option<TokenHash>,
    pub sid: Option<String>,
    pub scopes: ScopeSet,
    pub auth_time: Option<OffsetDateTime>,
    /// How the person signed in, for grants made by a person.
    pub method: crate::session::SignInMethod,
    pub nonce: Option<String>,
    pub created_at: OffsetDateTime,
    /// Absolute end of the refresh chain.
    pub expires_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
    /// The generation of the one refresh token that is current; each rotation moves it
    /// on by one (see [`super::refresh`]).
    pub refresh_generation: i64,
    /// When the refresh token was last rotated.
    pub refreshed_at: Option<OffsetDateTime>,
}

impl TokenFamily {
    pub fn is_live(&self, now: OffsetDateTime) -> bool {
        self.revoked_at.is_none() && now < self.expires_at
    }
}

/// A family with what its use depends on, read in one go on hot paths.
#[derive(Clone, Debug)]
pub struct GrantState {
    pub family: TokenFamily,
    /// When the browser session the family hangs on ends; `None` if it is gone.
    pub session_expires_at: Option<OffsetDateTime>,
}

impl GrantState {
    /// Whether the sign-in behind the family still counts: tokens without
    /// `offline_access` end with the browser session they came from.
    pub fn session_allows(&self, now: OffsetDateTime) -> bool {
        self.family.session_hash.is_none()
            || self.family.scopes.contains("offline_access")
            || self.session_expires_at.is_some_and(|end| now < end)
    }
}
