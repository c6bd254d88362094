//! Userinfo ([OpenID Connect Core §5.3](https://openid.net/specs/openid-connect-core-1_0.html#UserInfo)),
//! introspection ([RFC 7662](https://www.rfc-editor.org/rfc/rfc7662)), revocation
//! ([RFC 7009](https://www.rfc-editor.org/rfc/rfc7009)) and RP-initiated logout
//! ([OpenID Connect RP-Initiated Logout 1.0](https://openid.net/specs/openid-connect-rpinitiated-1_0.html)).
use std::sync::Arc;

use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use super::mint::AccessClaims;
use super::token::{ClientAuth, TokenError};
use super::verified;
use crate::error::CoreError;
use crate::event::{ClientInfo, EventCategory};
use crate::ids::{ClientId, UserId};
use crate::oidc::grant::GrantState;
use crate::oidc::jose;
use crate::oidc::redirect::RedirectUri;
use crate::oidc::scope::ScopeSet;
use crate::ports::Tx;
use crate::services::Sigil;
use crate::session::Session;
use crate::user::User;

/// Why a bearer token was refused ([RFC 6750 §3.1](https://www.rfc-editor.org/rfc/rfc6750#section-3.1)).
#[derive(Debug)]
pub enum BearerError {
    InvalidToken,
    InsufficientScope,
    Core(CoreError),
}

impl From<crate::ports::StoreError> for BearerError {
    fn from(e: crate::ports::StoreError) -> Self {
        Self::Core(e.into())
    }
}

impl From<CoreError> for BearerError {
    fn from(e: CoreError) -> Self {
        Self::Core(e)
    }
}

/// The answer to an introspection request.
pub type Introspection = Value;

/// What the logout endpoint should do.
#[derive(Debug)]
pub enum EndSession {
    /// Signed out (or nobody was signed in); go here, or show Sigil's page if `None`.
    Done(Option<String>),
    /// Someone is signed in but the request does not prove the application knows them:
    /// ask the person before signing out.
    Confirm { redirect: Option<String> },
    /// The `post_logout_redirect_uri` is not registered, or no valid hint names the
    /// client: an error page, never a redirect.
    BadRequest,
    /// The `id_token_hint` is not an ID token Sigil issued to a registered application
    /// (an access token, another issuer's token, a forgery), or names another client
    /// than `client_id`: an error page, and nobody is signed out
    /// ([RP-Initiated Logout §2, §4](https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout)).
    BadHint,
}

/// Whether the grant `state` still backs the access token `claims`: neither the token
/// nor its grant revoked or expired, the grant the token's application's, and the
/// browser session it hangs on (if it does) not ended.
fn grant_allows(
    state: &GrantState,
    revoked: bool,
    claims: &AccessClaims,
    now: OffsetDateTime,
) -> bool {
    let family = &state.family;
    !revoked
        && family.is_live(now)
        && family.client_id.0 == claims.client_id
        && state.session_allows(now)
}

impl Sigil {
    /// Verifies one of Sigil's access tokens and that nothing it hangs on has ended.
    async fn live_access_token(&self, token: &str) -> Result<Arc<AccessClaims>, BearerError> {
        let claims = self.verified_access_token(token).await?;
        let mut conn = self.store.read().await?;
        self.still_live_in(&mut *conn, claims).await
    }

    /// The claims of one of Sigil's access tokens, signed by a key it trusts and not
    /// expired; nothing read from the database but, for a key id this node does not
    /// hold, the keys. Called before any handle is taken: a reload of the keys takes one
    /// of its own, and must not wait for a connection while holding another.
    async fn verified_access_token(&self, token: &str) -> Result<Arc<AccessClaims>, BearerError> {
        let now = self.clock.now();
        let kid = jose::kid_of(token).ok_or(BearerError::InvalidToken)?;
        let key = self
            .verification_key(&kid)
            .await
            .ok_or(BearerError::InvalidToken)?;
        let digest = verified::digest(token);
        let claims = match self.verified.get(&digest) {
            Some(claims) => claims,
            None => {
                let claims: Arc<AccessClaims> = key
                    .verify(token, &self.settings.oidc.issuer)
                    .map(Arc::new)
                    .ok_or(BearerError::InvalidToken)?;
                self.verified
                    .put(digest, claims.clone(), now.unix_timestamp());
                claims
            }
        };
        if claims.exp <= now.unix_timestamp() {
            return Err(BearerError::InvalidToken);
        }
        Ok(claims)
    }

    /// Whether nothing the verified `claims` hang on has ended, read through `conn`.
    async fn still_live_in(
        &self,
        conn: &mut dyn Tx,
        claims: Arc<AccessClaims>,
    ) -> Result<Arc<AccessClaims>, BearerError> {
        let now = self.clock.now();
        match &claims.gid {
            Some(gid) => {
                let (state, revoked) = conn
                    .find_grant_state(gid, &claims.jti)
                    .await?
                    .ok_or(BearerError::InvalidToken)?;
                if !grant_allows(&state, revoked, &claims, now) {
                    return Err(BearerError::InvalidToken);
                }
            }
            // A client-credentials token lives as long as its application.
            None => {
                if conn.is_access_token_revoked(&claims.jti).await? {
                    return Err(BearerError::InvalidToken);
                }
                if conn
                    .find_app(&ClientId(claims.client_id.clone()))
                    .await?
                    .is_none()
                {
                    return Err(BearerError::InvalidToken);
                }
            }
        }
        Ok(claims)
    }

    /// The claims the bearer's grant releases about the person.
    /// One round trip on every request: the grant, the token's revocation and the
    /// person's profile version ([`crate::ports::HotRepo::find_grant_version`]); the
    /// profile itself comes from memory when held at that version (see `profiles`),
    /// else in one more.
    pub async fn userinfo(&self, token: &str) -> Result<Map<String, Value>, BearerError> {
        let claims = self.verified_access_token(token).await?;
        let mut conn = self.store.read().await?;
        let Some(gid) = &claims.gid else {
            // A client-credentials token names nobody: refused for its scope once it
            // is known to be live.
            self.still_live_in(&mut *conn, claims).await?;
            return Err(BearerError::InsufficientScope);
        };
        let user: UserId = claims.sub.parse().map_err(|_| BearerError::InvalidToken)?;
        let Some(found) = conn.find_grant_version(gid, Some(&claims.jti)).await? else {
            // The grant is gone (ended with the account, or cleaned up): so is what
            // this node holds of the person, whoever ended it.
            self.profiles.forget(user);
            return Err(BearerError::InvalidToken);
        };
        if !grant_allows(&found.grant, found.revoked, &claims, self.clock.now())
            || found.grant.family.user_id != Some(user)
        {
            return Err(BearerError::InvalidToken);
        }
        let scopes = ScopeSet::parse(&claims.scope).map_err(|_| BearerError::InvalidToken)?;
        if !scopes.contains("openid") {
            return Err(BearerError::InsufficientScope);
        }
        let Some(profile) = self
            .profile_at(&mut *conn, user, found.profile_version)
            .await?
        else {
            return Err(BearerError::InvalidToken);
        };
        drop(conn);
        let mut out = self.claims_of(&profile.user, &profile.values, &profile.privacy, &scopes);
        out.insert("sub".into(), json!(claims.sub));
        Ok(out)
    }

    /// RFC 7662: active only for a live token issued to the asking client.
    pub async fn introspect(
        &self,
        auth: &ClientAuth,
        token: &str,
    ) -> Result<Introspection, TokenError> {
        let app = self.authenticate_client(auth).await?;
        let inactive = json!({ "active": false });
        if let Ok(claims) = self.live_access_token(token).await {
            if claims.client_id != app.client_id.0 {
                return Ok(inactive);
            }
            return Ok(json!({
                "active": true,
                "token_type": "Bearer",
                "scope": claims.scope,
                "client_id": claims.client_id,
                "sub": claims.sub,
                "aud": claims.aud,
                "iss": claims.iss,
                "exp": claims.exp,
                "iat": claims.iat,
                "jti": claims.jti,
            }));
        }
        let Some(presented) = self.refresh_key.open(token) else {
            return Ok(inactive);
        };
        let now = self.clock.now();
        let mut conn = self.store.read().await?;
        let Some(state) = conn.find_grant(&presented.family_id).await? else {
            return Ok(inactive);
        };
        let family = &state.family;
        if presented.generation != family.refresh_generation
            || !family.is_live(now)
            || !state.session_allows(now)
            || family.client_id != app.client_id
        {
            return Ok(inactive);
        }
        Ok(json!({
            "active": true,
            "token_type": "refresh_token",
            "scope": family.scopes.to_string(),
            "client_id": family.client_id.0,
            "sub": family.user_id.map(|u| u.to_string()),
            "iss": self.settings.oidc.issuer,
            "exp": family.expires_at.unix_timestamp(),
            "iat": family.refreshed_at.unwrap_or(family.created_at).unix_timestamp(),
        }))
    }

    /// RFC 7009: a refresh token ends its whole family; an access token is listed as
    /// revoked until it would have expired. Unknown tokens are not an error.
    pub async fn revoke(&self, auth: &ClientAuth, token: &str) -> Result<(), TokenError> {
        let app = self.authenticate_client(auth).await?;
        let now = self.clock.now();
        if let Ok(claims) = self.live_access_token(token).await {
            if claims.client_id == app.client_id.0 {
                let expires = OffsetDateTime::from_unix_timestamp(claims.exp).unwrap_or(now);
                let mut tx = self.store.begin().await?;
                tx.revoke_access_token(&claims.jti, expires).await?;
                tx.commit().await?;
            }
            return Ok(());
        }
        // Any genuine token of the family ends it, an already rotated one included: the
        // application asks for the grant to end, and a replay would end it anyway.
        let Some(presented) = self.refresh_key.open(token) else {
            return Ok(());
        };
        let mut tx = self.store.begin().await?;
        if let Some(family) = tx.find_family(&presented.family_id).await? {
            if family.client_id == app.client_id {
                tx.revoke_family(&family.id, now).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Decides an RP-initiated logout request.
    pub async fn end_session(
        &self,
        id_token_hint: Option<&str>,
        client_id: Option<&str>,
        post_logout_redirect_uri: Option<&str>,
        state: Option<&str>,
        current: Option<(&Session, &User)>,
        client: &ClientInfo,
    ) -> Result<EndSession, CoreError> {
        let hint = match id_token_hint {
            None => None,
            Some(token) => match self.id_token_hint(token).await? {
                Some(claims) => Some(claims),
                None => return Ok(EndSession::BadHint),
            },
        };
        let claim = |name: &str| hint.as_ref().and_then(|h| h.get(name)?.as_str());
        let hinted_client = claim("aud").map(str::to_owned);
        if let (Some(a), Some(b)) = (&hinted_client, client_id) {
            if a != b {
                return Ok(EndSession::BadHint);
            }
        }
        let app_id = hinted_client.or(client_id.map(str::to_owned));
        let redirect = match post_logout_redirect_uri {
            None => None,
            Some(raw) => {
                let Some(app_id) = &app_id else {
                    return Ok(EndSession::BadRequest);
                };
                let Ok(uri) = RedirectUri::parse(raw) else {
                    return Ok(EndSession::BadRequest);
                };
                let app = self
                    .store
                    .read()
                    .await?
                    .find_app(&ClientId(app_id.clone()))
                    .await?;
                match app {
                    Some(app)
                        if app
                            .post_logout_redirect_uris
                            .iter()
                            .any(|r| r.matches(&uri, false)) =>
                    {
                        let mut url = url::Url::parse(uri.as_str()).map_err(anyhow::Error::from)?;
                        if let Some(s) = state {
                            url.query_pairs_mut().append_pair("state", s);
                        }
                        Some(url.to_string())
                    }
                    _ => return Ok(EndSession::BadRequest),
                }
            }
        };
        let Some((session, user)) = current else {
            return Ok(EndSession::Done(redirect));
        };
        let knows_person = claim("sub") == Some(user.id.to_string().as_str())
            && claim("sid").is_none_or(|sid| sid == session.sid);
        if !knows_person {
            return Ok(EndSession::Confirm { redirect });
        }
        self.sign_out(session, client).await?;
        Ok(EndSession::Done(redirect))
    }

    /// The claims of `token` if it is an ID token Sigil issued to an application that is
    /// still registered ([RP-Initiated Logout §2](https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout)):
    /// signed by one of Sigil's keys with Sigil as `iss`, typed as a plain JWT (an access
    /// token is `at+jwt`, [RFC 9068 §2.1](https://www.rfc-editor.org/rfc/rfc9068#section-2.1)),
    /// without the claims only access tokens carry, and with one audience, a client.
    /// Expiry is not checked: the specification lets an expired ID token serve as a hint.
    async fn id_token_hint(&self, token: &str) -> Result<Option<Map<String, Value>>, CoreError> {
        let Some(kid) = jose::kid_of(token) else {
            return Ok(None);
        };
        let Some(key) = self.verification_key(&kid).await else {
            return Ok(None);
        };
        let Some(claims) = key.verify::<Map<String, Value>>(token, &self.settings.oidc.issuer)
        else {
            return Ok(None);
        };
        let access_token_claims = ["scope", "client_id", "gid"];
        if !jose::is_plain_jwt(token) || access_token_claims.iter().any(|c| claims.contains_key(*c))
        {
            return Ok(None);
        }
        let (Some(aud), Some(_)) = (
            claims.get("aud").and_then(Value::as_str),
            claims.get("sub").and_then(Value::as_str),
        ) else {
            return Ok(None);
        };
        let registered = self
            .store
            .read()
            .await?
            .find_app(&ClientId(aud.to_owned()))
            .await?
            .is_some();
        Ok(registered.then_some(claims))
    }

    /// The Scopes-tab and logout helper: the event category for ending app sessions.
    pub(crate) fn app_event(
        &self,
        user: &User,
        category: EventCategory,
        client_id: &ClientId,
        client: &ClientInfo,
    ) -> crate::event::NewEvent {
        let mut e = self.event(Some(user.id), category, client);
        e.client_id = Some(client_id.clone());
        e
    }
}

impl Sigil {
    /// Where to send the browser after the person confirmed a logout: `raw` is the
    /// address the logout endpoint put in the confirmation form, a registered
    /// post-logout redirect URI with perhaps the application's `state` appended. It
    /// comes back from the browser, so it is checked again, and what is returned is the
    /// very URL that was checked, serialised by the parser that read it (never the raw
    /// text beside it). `None` when it is not a clean absolute URI or not registered.
    pub async fn confirmed_logout_target(&self, raw: &str) -> Result<Option<String>, CoreError> {
        // The rules of a redirect URI: no control characters or spaces, no fragment.
        if RedirectUri::parse(raw).is_err() {
            return Ok(None);
        }
        let Ok(url) = url::Url::parse(raw) else {
            return Ok(None);
        };
        if !matches!(url.scheme(), "https" | "http") {
            return Ok(None);
        }
        // The registered URI is the URL without the `state` pair the endpoint appended,
        // compared textually so that no re-encoding can make two addresses equal.
        let mut registered_form = url.clone();
        let kept: Vec<&str> = url
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|pair| !pair.is_empty() && pair.split('=').next() != Some("state"))
            .collect();
        registered_form.set_query((!kept.is_empty()).then(|| kept.join("&")).as_deref());
        let apps = self.list_apps().await?;
        let registered = apps.iter().any(|a| {
            a.post_logout_redirect_uris.iter().any(|r| {
                url::Url::parse(r.as_str())
                    .is_ok_and(|reg| reg.as_str() == registered_form.as_str())
            })
        });
        Ok(registered.then(|| url.to_string()))
    }
}
