//! The authorization endpoint's decisions ([RFC 6749 §4.1](https://www.rfc-editor.org/rfc/rfc6749#section-4.1),
//! [OpenID Connect Core §3.1.2](https://openid.net/specs/openid-connect-core-1_0.html#AuthorizationEndpoint)).
use serde_json::json;
use time::Duration;
use url::Url;

use crate::error::CoreError;
use crate::event::{ClientInfo, EventCategory};
use crate::ids::ClientId;
use crate::oidc::application::{Application, GrantType};
use crate::oidc::grant::AuthCode;
use crate::oidc::pkce::CodeChallenge;
use crate::oidc::redirect::RedirectUri;
use crate::oidc::scope::ScopeSet;
use crate::services::access::may_enter;
use crate::services::Sigil;
use crate::session::Session;
use crate::token::SecretToken;
use crate::user::User;

/// The request's parameters as received (query or form).
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
pub struct AuthorizeParams {
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub response_type: Option<String>,
    pub response_mode: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub prompt: Option<String>,
    pub max_age: Option<String>,
    pub login_hint: Option<String>,
    pub ui_locales: Option<String>,
    pub request: Option<String>,
    pub request_uri: Option<String>,
    /// Sigil's own marker: the person (re)authenticated after this Unix time, which
    /// satisfies `prompt=login` and `max_age` on the way back from the sign-in page.
    pub auth_after: Option<i64>,
    /// Some parameter was sent more than once; the fields above hold only the ones sent
    /// once. Such a request is refused ([RFC 6749 §3.1](https://www.rfc-editor.org/rfc/rfc6749#section-3.1)),
    /// however harmless the parameter: a dropped `state` or `nonce` would otherwise be
    /// issued a code without the protection the client asked for.
    #[serde(default)]
    pub repeated: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Prompt {
    pub none: bool,
    pub login: bool,
    pub consent: bool,
}

/// A request that passed every check.
#[derive(Clone, Debug)]
pub struct ValidRequest {
    pub app: Application,
    pub redirect_uri: RedirectUri,
    pub scopes: ScopeSet,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub challenge: Option<CodeChallenge>,
    pub prompt: Prompt,
    pub max_age: Option<i64>,
    pub login_hint: Option<String>,
    pub ui_locales: Option<String>,
    pub auth_after: Option<i64>,
}

#[derive(Debug)]
pub enum AuthorizeError {
    /// The client or redirect URI cannot be trusted: shown on Sigil's own page, never
    /// redirected ([RFC 6749 §4.1.2.1](https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1)).
    UnknownClient,
    BadRedirectUri,
    /// Sent back to the application's redirect URI.
    Redirect(String),
    /// The application is closed (invitation only) and the signed-in person holds no
    /// access to it: Sigil's own page says so, never a code and never a redirect to
    /// the application ([`crate::services::access`]).
    NoAccess,
    Core(CoreError),
}

impl From<CoreError> for AuthorizeError {
    fn from(e: CoreError) -> Self {
        Self::Core(e)
    }
}

impl From<crate::ports::StoreError> for AuthorizeError {
    fn from(e: crate::ports::StoreError) -> Self {
        Self::Core(e.into())
    }
}

/// What happens next for a valid request.
#[derive(Debug)]
pub enum Decision {
    /// Send the person to sign in; `force` when an existing session does not suffice.
    SignIn { force: bool },
    /// Ask for consent to these scopes.
    Consent,
    /// Everything is in place: redirect here (with the code).
    Redirect(String),
}

/// `redirect_uri` with the response parameters added, `iss` included
/// ([RFC 9207](https://www.rfc-editor.org/rfc/rfc9207)).
pub(crate) fn response_url(
    redirect_uri: &str,
    issuer: &str,
    params: &[(&str, &str)],
    state: Option<&str>,
) -> String {
    let Ok(mut url) = Url::parse(redirect_uri) else {
        return redirect_uri.to_owned();
    };
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in params {
            q.append_pair(k, v);
        }
        if let Some(s) = state {
            q.append_pair("state", s);
        }
        q.append_pair("iss", issuer);
    }
    url.to_string()
}

impl Sigil {
    fn error_redirect(
        &self,
        redirect_uri: &RedirectUri,
        state: Option<&str>,
        error: &str,
        description: &str,
    ) -> AuthorizeError {
        AuthorizeError::Redirect(response_url(
            redirect_uri.as_str(),
            &self.settings.oidc.issuer,
            &[("error", error), ("error_description", description)],
            state,
        ))
    }

    /// Checks an authorization request. The client and redirect URI are checked first;
    /// until both are known good, and each was sent once, nothing is redirected
    /// ([RFC 6749 §4.1.2.1](https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1)).
    pub async fn validate_authorize(
        &self,
        p: &AuthorizeParams,
    ) -> Result<ValidRequest, AuthorizeError> {
        let client_id = p
            .client_id
            .as_deref()
            .ok_or(AuthorizeError::UnknownClient)?;
        let app = self
            .store
            .read()
            .await?
            .find_app(&ClientId(client_id.to_owned()))
            .await?
            .ok_or(AuthorizeError::UnknownClient)?;
        let requested = p
            .redirect_uri
            .as_deref()
            .map(RedirectUri::parse)
            .ok_or(AuthorizeError::BadRedirectUri)?
            .map_err(|_| AuthorizeError::BadRedirectUri)?;
        let redirect_uri = app
            .redirect_uri(&requested)
            .ok_or(AuthorizeError::BadRedirectUri)?
            .clone();
        // The exact URI the client sent is the one to answer on and to bind the code to.
        let redirect_uri = if redirect_uri == requested {
            redirect_uri
        } else {
            requested
        };
        let state = p.state.as_deref();
        let fail = |error: &str, description: &str| {
            Err(self.error_redirect(&redirect_uri, state, error, description))
        };

        if p.repeated {
            return fail("invalid_request", "a parameter is sent more than once");
        }
        if p.request.is_some() {
            return fail("request_not_supported", "request objects are not supported");
        }
        if p.request_uri.is_some() {
            return fail("request_uri_not_supported", "request_uri is not supported");
        }
        if !matches!(p.response_mode.as_deref(), None | Some("query")) {
            return fail("invalid_request", "only response_mode=query is supported");
        }
        match p.response_type.as_deref() {
            Some("code") => {}
            None => return fail("invalid_request", "response_type is required"),
            Some(_) => {
                return fail(
                    "unsupported_response_type",
                    "only response_type=code is supported",
                )
            }
        }
        if !app.allows(GrantType::AuthorizationCode) {
            return fail(
                "unauthorized_client",
                "this application may not use the authorization code flow",
            );
        }
        let scopes = match ScopeSet::parse(p.scope.as_deref().unwrap_or("")) {
            Ok(s) if !s.is_empty() => s,
            Ok(_) => return fail("invalid_scope", "scope is required"),
            Err(_) => return fail("invalid_scope", "malformed scope"),
        };
        if self.settings.oidc.scopes.check(&scopes).is_err() || !scopes.is_subset(&app.scopes) {
            return fail(
                "invalid_scope",
                "a requested scope is unknown or not allowed for this application",
            );
        }
        let challenge = match (&p.code_challenge, &p.code_challenge_method) {
            (None, None) if app.requires_pkce() => {
                return fail(
                    "invalid_request",
                    "PKCE with S256 is required for this application",
                );
            }
            (None, None) => None,
            (None, Some(_)) => return fail("invalid_request", "code_challenge is missing"),
            (Some(c), method) => match CodeChallenge::parse(c, method.as_deref()) {
                Ok(c) => Some(c),
                Err(crate::oidc::pkce::PkceError::Method) => {
                    return fail("invalid_request", "code_challenge_method must be S256");
                }
                Err(_) => return fail("invalid_request", "malformed code_challenge"),
            },
        };
        let mut prompt = Prompt::default();
        for value in p
            .prompt
            .as_deref()
            .unwrap_or("")
            .split(' ')
            .filter(|v| !v.is_empty())
        {
            match value {
                "none" => prompt.none = true,
                "login" => prompt.login = true,
                "consent" => prompt.consent = true,
                "select_account" => {}
                _ => return fail("invalid_request", "unknown prompt value"),
            }
        }
        if prompt.none && (prompt.login || prompt.consent) {
            return fail(
                "invalid_request",
                "prompt=none cannot be combined with other values",
            );
        }
        let max_age = match p.max_age.as_deref() {
            None => None,
            Some(v) => match v.parse::<i64>() {
                Ok(n) if n >= 0 => Some(n),
                _ => return fail("invalid_request", "max_age must be a non-negative integer"),
            },
        };
        let too_long = |v: &Option<String>| v.as_ref().is_some_and(|s| s.len() > 512);
        if too_long(&p.nonce) || too_long(&p.state) || too_long(&p.login_hint) {
            return fail("invalid_request", "a parameter is too long");
        }
        Ok(ValidRequest {
            app,
            redirect_uri,
            scopes,
            state: p.state.clone(),
            nonce: p.nonce.clone(),
            challenge,
            prompt,
            max_age,
            login_hint: p.login_hint.clone(),
            ui_locales: p.ui_locales.clone(),
            auth_after: p.auth_after,
        })
    }

    /// Decides the next step for a valid request and the current browser session.
    pub async fn authorize(
        &self,
        req: &ValidRequest,
        current: Option<(&Session, &User)>,
        client: &ClientInfo,
    ) -> Result<Decision, AuthorizeError> {
        let state = req.state.as_deref();
        let Some((session, user)) = current else {
            if req.prompt.none {
                return Err(self.error_redirect(
                    &req.redirect_uri,
                    state,
                    "login_required",
                    "the person is not signed in",
                ));
            }
            return Ok(Decision::SignIn { force: false });
        };
        let now = self.clock.now();
        let fresh = req
            .auth_after
            .is_some_and(|t| session.auth_time.unix_timestamp() >= t);
        let too_old = req
            .max_age
            .is_some_and(|max| now - session.auth_time > Duration::seconds(max));
        if (req.prompt.login || too_old) && !fresh {
            if req.prompt.none {
                return Err(self.error_redirect(
                    &req.redirect_uri,
                    state,
                    "login_required",
                    "a fresh sign-in is required",
                ));
            }
            return Ok(Decision::SignIn { force: true });
        }
        // Before consent: a person without access to a closed application is neither
        // asked to consent nor given a code for a consent stored earlier.
        if !self.holds_access_now(user.id, &req.app.client_id).await? {
            return Err(self.no_access(req));
        }
        let consent = self
            .store
            .read()
            .await?
            .find_consent(user.id, &req.app.client_id)
            .await?;
        let covered = consent.is_some_and(|c| req.scopes.is_subset(&c.scopes));
        if !covered || req.prompt.consent {
            if req.prompt.none {
                return Err(self.error_redirect(
                    &req.redirect_uri,
                    state,
                    "consent_required",
                    "consent is required",
                ));
            }
            return Ok(Decision::Consent);
        }
        Ok(Decision::Redirect(
            self.issue_code(req, session, user, client, false).await?,
        ))
    }

    /// The refusal for a person without access to a closed application: Sigil's page,
    /// or, when the application asked for no interaction, `access_denied` at its
    /// redirect URI ([OpenID Connect Core §3.1.2.6](https://openid.net/specs/openid-connect-core-1_0.html#AuthError)).
    fn no_access(&self, req: &ValidRequest) -> AuthorizeError {
        if req.prompt.none {
            return self.error_redirect(
                &req.redirect_uri,
                req.state.as_deref(),
                "access_denied",
                "this application is by invitation only",
            );
        }
        AuthorizeError::NoAccess
    }

    /// The person's answer on the consent page.
    pub async fn answer_consent(
        &self,
        req: &ValidRequest,
        session: &Session,
        user: &User,
        approved: bool,
        client: &ClientInfo,
    ) -> Result<String, AuthorizeError> {
        // Whatever the answer, a person without access to a closed application is
        // not sent to it (the code itself is guarded again in `issue_code`).
        if !self.holds_access_now(user.id, &req.app.client_id).await? {
            return Err(self.no_access(req));
        }
        if !approved {
            return Ok(response_url(
                req.redirect_uri.as_str(),
                &self.settings.oidc.issuer,
                &[
                    ("error", "access_denied"),
                    ("error_description", "the person declined"),
                ],
                req.state.as_deref(),
            ));
        }
        self.issue_code(req, session, user, client, true).await
    }

    async fn issue_code(
        &self,
        req: &ValidRequest,
        session: &Session,
        user: &User,
        client: &ClientInfo,
        record_consent: bool,
    ) -> Result<String, AuthorizeError> {
        let now = self.clock.now();
        let code = SecretToken::generate(self.random.as_ref());
        let mut tx = self.store.begin().await?;
        // Asked again on the locked row: neither the consent page's answer (perhaps
        // posted long after the page was shown, or forged) nor a revocation in between
        // gets a code past it.
        if !may_enter(&mut *tx, user.id, &req.app.client_id).await? {
            return Err(self.no_access(req));
        }
        if record_consent {
            let previous = tx.find_consent(user.id, &req.app.client_id).await?;
            let scopes = previous
                .map(|c| c.scopes.union(&req.scopes))
                .unwrap_or_else(|| req.scopes.clone());
            tx.save_consent(user.id, &req.app.client_id, &scopes, now)
                .await?;
            let mut event = self
                .event(Some(user.id), EventCategory::ConsentGranted, client)
                .with_details(json!({ "scopes": req.scopes.to_string() }));
            event.client_id = Some(req.app.client_id.clone());
            tx.insert_event(&event).await?;
        }
        tx.insert_code(&AuthCode {
            code_hash: code.hash(),
            client_id: req.app.client_id.clone(),
            user_id: user.id,
            session_hash: session.id_hash,
            sid: session.sid.clone(),
            redirect_uri: req.redirect_uri.to_string(),
            scopes: req.scopes.clone(),
            nonce: req.nonce.clone(),
            code_challenge: req.challenge.as_ref().map(|c| c.as_str().to_owned()),
            auth_time: session.auth_time,
            method: session.method.clone(),
            created_at: now,
            expires_at: now + self.settings.oidc.code_ttl,
            used_at: None,
            family_id: None,
        })
        .await?;
        let mut event = self
            .event(Some(user.id), EventCategory::AppSignIn, client)
            .with_details(json!({ "scopes": req.scopes.to_string() }));
        event.client_id = Some(req.app.client_id.clone());
        tx.insert_event(&event).await?;
        tx.commit().await?;
        Ok(response_url(
            req.redirect_uri.as_str(),
            &self.settings.oidc.issuer,
            &[("code", code.expose())],
            req.state.as_deref(),
        ))
    }
}
