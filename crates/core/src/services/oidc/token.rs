//! The token endpoint ([RFC 6749 §3.2](https://www.rfc-editor.org/rfc/rfc6749#section-3.2),
//! [§5](https://www.rfc-editor.org/rfc/rfc6749#section-5)): code exchange, refresh with
//! rotation and reuse detection, and client credentials.
//!
//! Reuse of a rotated refresh token ends the whole family, with every access token
//! issued under it, whenever it comes after the rotation was committed; there is no
//! grace period ([RFC 9700 §4.14.2](https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2)).
//! Requests that present the same token at the same moment are told apart by the
//! compare-and-set of the rotation: one wins, the others get `invalid_grant` and end
//! nothing, since they read the family before the winner had moved it on.
use serde_json::{Map, Value};

use crate::error::CoreError;
use crate::oidc::application::{Application, GrantType};
use crate::oidc::grant::TokenFamily;
use crate::oidc::pkce::CodeChallenge;
use crate::oidc::scope::ScopeSet;
use crate::ports::Tx;
use crate::services::access::may_enter;
use crate::services::Sigil;
use crate::token::SecretToken;

/// The refusal when the application is closed and the person holds no access to it.
const NO_ACCESS: &str = "the person holds no access to this closed application";

/// How the client proved who it is.
#[derive(Debug)]
pub enum ClientAuth {
    /// `client_secret_basic` or `client_secret_post`.
    Secret {
        client_id: String,
        secret: String,
    },
    /// `none`: a public client naming itself.
    None {
        client_id: String,
    },
    Missing,
}

#[derive(Debug, Default)]
pub struct TokenRequest {
    pub grant_type: Option<String>,
    pub code: Option<String>,
    pub redirect_uri: Option<String>,
    pub code_verifier: Option<String>,
    pub refresh_token: Option<String>,
    pub scope: Option<String>,
}

/// The error codes of [RFC 6749 §5.2](https://www.rfc-editor.org/rfc/rfc6749#section-5.2).
#[derive(Debug)]
pub enum TokenError {
    InvalidRequest(&'static str),
    InvalidClient,
    InvalidGrant(&'static str),
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidScope,
    Core(CoreError),
}

impl From<CoreError> for TokenError {
    fn from(e: CoreError) -> Self {
        Self::Core(e)
    }
}

impl From<crate::ports::StoreError> for TokenError {
    fn from(e: crate::ports::StoreError) -> Self {
        Self::Core(e.into())
    }
}

impl From<anyhow::Error> for TokenError {
    fn from(e: anyhow::Error) -> Self {
        Self::Core(CoreError::Unexpected(e))
    }
}

#[derive(Debug, serde::Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    pub scope: String,
}

impl Sigil {
    /// Authenticates the client of a token, introspection or revocation request.
    pub async fn authenticate_client(&self, auth: &ClientAuth) -> Result<Application, TokenError> {
        self.client_of(&mut None, auth).await
    }

    /// Finds and authenticates the client of `auth`: among the applications this node
    /// holds (see `held_apps`), else through `conn`, which is opened only then.
    async fn client_of(
        &self,
        conn: &mut Option<Box<dyn Tx>>,
        auth: &ClientAuth,
    ) -> Result<Application, TokenError> {
        let (client_id, secret) = match auth {
            ClientAuth::Secret { client_id, secret } => (client_id, Some(secret)),
            ClientAuth::None { client_id } => (client_id, None),
            ClientAuth::Missing => return Err(TokenError::InvalidClient),
        };
        let app = self
            .held_app(conn, client_id)
            .await?
            .ok_or(TokenError::InvalidClient)?;
        match (app.secret_hash.is_some(), secret) {
            (true, Some(s)) if app.secret_matches(s) => Ok(app),
            (false, None) => Ok(app),
            _ => Err(TokenError::InvalidClient),
        }
    }

    pub async fn token(
        &self,
        auth: ClientAuth,
        req: TokenRequest,
    ) -> Result<TokenResponse, TokenError> {
        let grant = match req.grant_type.as_deref() {
            None => return Err(TokenError::InvalidRequest("grant_type is required")),
            Some(g) => GrantType::parse(g).ok_or(TokenError::UnsupportedGrantType)?,
        };
        let issued = match grant {
            // Authenticated on the snapshot the refresh reads everything from.
            GrantType::RefreshToken => self.refresh(&auth, req).await,
            GrantType::AuthorizationCode => {
                let app = self.authenticate_client(&auth).await?;
                if !app.allows(grant) {
                    return Err(TokenError::UnauthorizedClient);
                }
                self.exchange_code(&app, req).await
            }
            GrantType::ClientCredentials => {
                // Nothing else of this grant touches the database: the application is
                // confirmed against it in this request (see `held_apps`).
                self.confirm_apps().await?;
                let app = self.authenticate_client(&auth).await?;
                if !app.allows(grant) {
                    return Err(TokenError::UnauthorizedClient);
                }
                self.client_credentials(&app, req).await
            }
        };
        if issued.is_ok() {
            crate::telemetry::token_issued(grant.as_str());
        }
        issued
    }

    async fn exchange_code(
        &self,
        app: &Application,
        req: TokenRequest,
    ) -> Result<TokenResponse, TokenError> {
        let now = self.clock.now();
        let raw = req
            .code
            .as_deref()
            .ok_or(TokenError::InvalidRequest("code is required"))?;
        let code_token =
            SecretToken::from_client(raw).ok_or(TokenError::InvalidGrant("unknown code"))?;
        let mut conn = self.store.read().await?;
        let code = conn
            .find_code(&code_token.hash())
            .await?
            .ok_or(TokenError::InvalidGrant("unknown code"))?;
        if code.client_id != app.client_id {
            return Err(TokenError::InvalidGrant(
                "the code was issued to another client",
            ));
        }
        if code.used_at.is_some() {
            // A second use: whatever the first one obtained is revoked (RFC 6749 §4.1.2).
            if let Some(family) = &code.family_id {
                drop(conn);
                self.end_family(family, now).await?;
            }
            return Err(TokenError::InvalidGrant("the code was already used"));
        }
        if now >= code.expires_at {
            return Err(TokenError::InvalidGrant("the code has expired"));
        }
        if req.redirect_uri.as_deref() != Some(code.redirect_uri.as_str()) {
            return Err(TokenError::InvalidGrant(
                "redirect_uri differs from the authorization request",
            ));
        }
        match (&code.code_challenge, req.code_verifier.as_deref()) {
            (Some(challenge), Some(verifier)) => {
                if !CodeChallenge::from_stored(challenge.clone()).verify(verifier) {
                    return Err(TokenError::InvalidGrant("PKCE verification failed"));
                }
            }
            (Some(_), None) => return Err(TokenError::InvalidGrant("code_verifier is required")),
            // A verifier for a code issued without a challenge is a downgrade attempt.
            (None, Some(_)) => return Err(TokenError::InvalidGrant("no code_challenge was sent")),
            (None, None) if app.requires_pkce() => {
                return Err(TokenError::InvalidGrant("PKCE is required"))
            }
            (None, None) => {}
        }
        if conn.find_session(&code.session_hash).await?.is_none() {
            return Err(TokenError::InvalidGrant(
                "the sign-in behind the code has ended",
            ));
        }
        drop(conn);

        let family = TokenFamily {
            id: self.random_id(16),
            client_id: app.client_id.clone(),
            user_id: Some(code.user_id),
            session_hash: Some(code.session_hash),
            sid: Some(code.sid.clone()),
            scopes: code.scopes.clone(),
            auth_time: Some(code.auth_time),
            method: code.method.clone(),
            nonce: code.nonce.clone(),
            created_at: now,
            expires_at: now + app.refresh_token_ttl,
            revoked_at: None,
            refresh_generation: 0,
            refreshed_at: None,
        };
        let refresh = app.allows(GrantType::RefreshToken).then(|| {
            self.refresh_key
                .issue(&family.id, family.refresh_generation)
        });
        let mut tx = self.store.begin().await?;
        // Decided again on the session's row, held until the family is committed: a log
        // out racing this exchange either ends the session first (and the exchange
        // fails here) or waits for the family and ends it too. The read above, from a
        // snapshot, could not tell — and a family with `offline_access` would outlive
        // the logout.
        if !tx.lock_session(&code.session_hash).await? {
            return Err(TokenError::InvalidGrant(
                "the sign-in behind the code has ended",
            ));
        }
        // A closed application: access read again, and held, in this transaction (see
        // `services::access`).
        if !may_enter(&mut *tx, code.user_id, &app.client_id).await? {
            return Err(TokenError::InvalidGrant(NO_ACCESS));
        }
        tx.insert_family(&family).await?;
        if !tx.use_code(&code.code_hash, &family.id, now).await? {
            return Err(TokenError::InvalidGrant("the code was already used"));
        }
        let id_claims = self.id_claims(&mut *tx, &family, &family.scopes).await?;
        tx.commit().await?;
        self.respond(
            app,
            &family,
            refresh,
            code.nonce.as_deref(),
            &family.scopes,
            id_claims,
        )
        .await
    }

    /// The ID token's claims, when `scopes` ask for one: read inside the grant's
    /// transaction, so the tokens are signed after it has let go of the database.
    async fn id_claims(
        &self,
        tx: &mut dyn Tx,
        family: &TokenFamily,
        scopes: &ScopeSet,
    ) -> Result<Option<Map<String, Value>>, TokenError> {
        match family.user_id {
            Some(user) if scopes.contains("openid") => {
                Ok(Some(self.released_claims(tx, user, &family.scopes).await?))
            }
            _ => Ok(None),
        }
    }

    async fn respond(
        &self,
        app: &Application,
        family: &TokenFamily,
        refresh: Option<String>,
        nonce: Option<&str>,
        scopes: &ScopeSet,
        id_claims: Option<Map<String, Value>>,
    ) -> Result<TokenResponse, TokenError> {
        let (access_token, _) = self.mint_access(app, scopes, Some(family)).await?;
        let id_token = match id_claims {
            Some(claims) => Some(self.mint_id_token(app, family, nonce, claims).await?),
            None => None,
        };
        Ok(TokenResponse {
            access_token,
            token_type: "Bearer",
            expires_in: app.access_token_ttl.whole_seconds(),
            refresh_token: refresh,
            id_token,
            scope: scopes.to_string(),
        })
    }

    async fn refresh(
        &self,
        auth: &ClientAuth,
        req: TokenRequest,
    ) -> Result<TokenResponse, TokenError> {
        let now = self.clock.now();
        // Everything is read from one snapshot and the tokens are signed before the
        // write, so the write lock is held only for the rotation itself. The rotation
        // moves the family on only from the generation read and only while the family is
        // not revoked: a concurrent use of the same token, a revocation, a logout or the
        // end of the permission in between makes it fail, and the signed tokens are
        // dropped unsent.
        let mut handle = None;
        let app = &self.client_of(&mut handle, auth).await?;
        let mut conn = match handle {
            Some(conn) => conn,
            None => self.store.read().await?,
        };
        if !app.allows(GrantType::RefreshToken) {
            return Err(TokenError::UnauthorizedClient);
        }
        let raw = req
            .refresh_token
            .as_deref()
            .ok_or(TokenError::InvalidRequest("refresh_token is required"))?;
        let presented = self
            .refresh_key
            .open(raw)
            .ok_or(TokenError::InvalidGrant("unknown refresh token"))?;
        let found = conn
            .find_grant_version(&presented.family_id, None)
            .await?
            .ok_or(TokenError::InvalidGrant("unknown refresh token"))?;
        let state = &found.grant;
        let family = state.family.clone();
        if family.client_id != app.client_id {
            return Err(TokenError::InvalidGrant(
                "the refresh token was issued to another client",
            ));
        }
        if !family.is_live(now) {
            return Err(TokenError::InvalidGrant("the grant has ended"));
        }
        if presented.generation != family.refresh_generation {
            // An older token of the family, presented after its rotation was committed:
            // a replay, however soon it comes, and the whole family ends
            // ([RFC 9700 §4.14.2](https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2)).
            // Only a use that read the family while the winning rotation was still in
            // flight is spared: it loses at the compare-and-set below.
            drop(conn);
            self.end_family(&family.id, now).await?;
            crate::telemetry::refresh_replay();
            return Err(TokenError::InvalidGrant(
                "the refresh token was already used",
            ));
        }
        if !state.session_allows(now) {
            drop(conn);
            self.end_family(&family.id, now).await?;
            return Err(TokenError::InvalidGrant(
                "the sign-in behind the grant has ended",
            ));
        }
        let scopes = match req.scope.as_deref() {
            None => family.scopes.clone(),
            Some(raw) => {
                let asked = ScopeSet::parse(raw).map_err(|_| TokenError::InvalidScope)?;
                if !asked.is_subset(&family.scopes) {
                    return Err(TokenError::InvalidScope);
                }
                asked
            }
        };
        // The ID token's claims from the person's profile at the version read with the
        // grant: held in memory when this node has it at that version (see `profiles`).
        let id_claims = match family.user_id {
            Some(user) if scopes.contains("openid") => {
                let profile = self
                    .profile_at(&mut *conn, user, found.profile_version)
                    .await?
                    .ok_or(TokenError::InvalidGrant("the grant has ended"))?;
                Some(self.claims_of(
                    &profile.user,
                    &profile.values,
                    &profile.privacy,
                    &family.scopes,
                ))
            }
            _ => None,
        };
        drop(conn);
        let next = self
            .refresh_key
            .issue(&family.id, presented.generation.saturating_add(1));
        // A refreshed ID token carries no nonce (OpenID Connect Core §12.2).
        let response = self
            .respond(app, &family, Some(next), None, &scopes, id_claims)
            .await?;
        self.rotate(&family, presented.generation, now).await?;
        Ok(response)
    }

    /// Moves `family` on from `generation`, on fresh rows: while its application is
    /// open, in one statement that reads the application and takes the family's row
    /// (see [`crate::ports::HotRepo::rotate_refresh_if_open`]); otherwise, or if that
    /// lost, in a transaction that first decides the person's access to a closed
    /// application, and tells why.
    async fn rotate(
        &self,
        family: &TokenFamily,
        generation: i64,
        now: time::OffsetDateTime,
    ) -> Result<(), TokenError> {
        let mut one = self.store.autocommit().await?;
        if one
            .rotate_refresh_if_open(&family.id, generation, now)
            .await?
        {
            one.commit().await?;
            return Ok(());
        }
        drop(one);
        let mut tx = self.store.begin().await?;
        // Closing the application, or taking the person's access away, is not
        // outlived by a refresh chain: decided on the fresh, locked row.
        if let Some(user) = family.user_id {
            if !may_enter(&mut *tx, user, &family.client_id).await? {
                return Err(TokenError::InvalidGrant(NO_ACCESS));
            }
        }
        if !tx.rotate_refresh(&family.id, generation, now).await? {
            // Another request with the same token, in flight at the same time, rotated
            // first, or the grant ended since the read. The winner's tokens are not
            // revoked: the two requests overlapped, so this one is the client racing
            // itself, not a replay of a token it had already been told was replaced.
            return Err(TokenError::InvalidGrant(
                "the refresh token was already used",
            ));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Ends a token family on its own, when a request has shown it compromised or over.
    async fn end_family(&self, id: &str, now: time::OffsetDateTime) -> Result<(), TokenError> {
        let mut tx = self.store.begin().await?;
        tx.revoke_family(id, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn client_credentials(
        &self,
        app: &Application,
        req: TokenRequest,
    ) -> Result<TokenResponse, TokenError> {
        if app.is_public() {
            return Err(TokenError::UnauthorizedClient);
        }
        let asked = match req.scope.as_deref() {
            None => app.scopes.clone(),
            Some(raw) => ScopeSet::parse(raw).map_err(|_| TokenError::InvalidScope)?,
        };
        // The application acts for itself: scopes about a person make no sense here.
        let personal = ["openid", "offline_access", "profile", "email", "phone"];
        if !asked.is_subset(&app.scopes)
            || asked.iter().any(|s| personal.contains(&s)) && req.scope.is_some()
        {
            return Err(TokenError::InvalidScope);
        }
        let mut scopes = ScopeSet::default();
        for s in asked.iter().filter(|s| !personal.contains(s)) {
            scopes.insert(s);
        }
        let (access_token, _) = self.mint_access(app, &scopes, None).await?;
        Ok(TokenResponse {
            access_token,
            token_type: "Bearer",
            expires_in: app.access_token_ttl.whole_seconds(),
            refresh_token: None,
            id_token: None,
            scope: scopes.to_string(),
        })
    }
}
