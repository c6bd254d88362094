//! Minting access tokens ([RFC 9068](https://www.rfc-editor.org/rfc/rfc9068)) and ID
//! tokens ([OpenID Connect Core §2](https://openid.net/specs/openid-connect-core-1_0.html#IDToken)).
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::error::CoreError;
use crate::ids::UserId;
use crate::oidc::application::Application;
use crate::oidc::claims::{self, Subject};
use crate::oidc::grant::TokenFamily;
use crate::oidc::scope::ScopeSet;
use crate::ports::Tx;
use crate::privacy::PrivacyLevels;
use crate::services::Sigil;
use crate::user::{FieldValues, User};

/// The claims of a Sigil access token. `gid` names the token family it belongs to,
/// so ending the family ends the token.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    pub jti: String,
    pub client_id: String,
    pub scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gid: Option<String>,
}

impl Sigil {
    pub(crate) fn random_id(&self, bytes: usize) -> String {
        let mut b = vec![0u8; bytes];
        self.random.fill(&mut b);
        URL_SAFE_NO_PAD.encode(b)
    }

    pub(crate) async fn mint_access(
        &self,
        app: &Application,
        scopes: &ScopeSet,
        family: Option<&TokenFamily>,
    ) -> Result<(String, AccessClaims), CoreError> {
        let now = self.clock.now();
        let claims = AccessClaims {
            iss: self.settings.oidc.issuer.clone(),
            sub: family
                .and_then(|f| f.user_id)
                .map(|u| u.to_string())
                .unwrap_or_else(|| app.client_id.0.clone()),
            aud: app.client_id.0.clone(),
            exp: (now + app.access_token_ttl).unix_timestamp(),
            iat: now.unix_timestamp(),
            jti: self.random_id(16),
            client_id: app.client_id.0.clone(),
            scope: scopes.to_string(),
            sid: family.and_then(|f| f.sid.clone()),
            auth_time: family.and_then(|f| f.auth_time).map(|t| t.unix_timestamp()),
            gid: family.map(|f| f.id.clone()),
        };
        let key = self.signing_key(app.signing_alg).await?;
        Ok((key.sign("at+jwt", &claims)?, claims))
    }

    /// The released profile claims of `user` for `scopes`, read through `conn`.
    pub(crate) async fn released_claims(
        &self,
        conn: &mut dyn Tx,
        user: UserId,
        scopes: &ScopeSet,
    ) -> Result<Map<String, Value>, CoreError> {
        let user = conn.find_user(user).await?.ok_or(CoreError::NotFound)?;
        let (values, chosen) = conn.values_and_privacy(user.id).await?;
        Ok(self.claims_of(&user, &values, &chosen, scopes))
    }

    /// The profile claims `scopes` release of `user`, whose field values and privacy
    /// choices are `values` and `chosen`.
    pub(crate) fn claims_of(
        &self,
        user: &User,
        values: &FieldValues,
        chosen: &PrivacyLevels,
        scopes: &ScopeSet,
    ) -> Map<String, Value> {
        let view = self.privacy_view(user, chosen);
        let privacy = |k: &str| view.level(k);
        let subject = Subject {
            user,
            values,
            privacy: &privacy,
            profile_private: view.profile_private,
            photo_url: user.photo.as_deref().map(|h| self.image_url(h)),
        };
        claims::claims(&subject, scopes, &self.settings.oidc.scopes)
    }

    /// Signs an ID token carrying `claims`, the released claims of the family's user.
    pub(crate) async fn mint_id_token(
        &self,
        app: &Application,
        family: &TokenFamily,
        nonce: Option<&str>,
        mut claims: Map<String, Value>,
    ) -> Result<String, CoreError> {
        let now = self.clock.now();
        let user = family.user_id.ok_or(CoreError::NotFound)?;
        claims.insert("iss".into(), json!(self.settings.oidc.issuer));
        claims.insert("sub".into(), json!(user.to_string()));
        claims.insert("aud".into(), json!(app.client_id.0));
        claims.insert("azp".into(), json!(app.client_id.0));
        claims.insert("iat".into(), json!(now.unix_timestamp()));
        claims.insert(
            "exp".into(),
            json!((now + app.id_token_ttl).unix_timestamp()),
        );
        if let Some(t) = family.auth_time {
            claims.insert("auth_time".into(), json!(t.unix_timestamp()));
        }
        if let Some(n) = nonce {
            claims.insert("nonce".into(), json!(n));
        }
        if let Some(sid) = &family.sid {
            claims.insert("sid".into(), json!(sid));
        }
        if let Some(amr) = family.method.amr() {
            claims.insert("amr".into(), json!(amr));
        }
        let key = self.signing_key(app.signing_alg).await?;
        Ok(key.sign("JWT", &claims)?)
    }
}
