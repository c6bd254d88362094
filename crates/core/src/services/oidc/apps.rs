//! The operator's management of applications.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::error::CoreError;
use crate::ids::ClientId;
use crate::oidc::application::{AppInput, Application, BackchannelChange};
use crate::services::Sigil;
use crate::token::SecretToken;

/// A registered application and, for confidential clients, its secret, shown once.
#[derive(Debug)]
pub struct NewAppCredentials {
    pub app: Application,
    pub client_secret: Option<String>,
}

impl Sigil {
    pub async fn create_app(&self, input: &AppInput) -> Result<NewAppCredentials, CoreError> {
        let spec = input
            .validate(&self.settings.oidc.scopes)
            .map_err(CoreError::Invalid)?;
        let mut id = [0u8; 16];
        self.random.fill(&mut id);
        // A generated secret has 256 bits of entropy, so a fast hash is the right
        // way to keep it (a slow one only protects guessable secrets).
        let secret = spec
            .app_type
            .is_confidential()
            .then(|| SecretToken::generate(self.random.as_ref()));
        let app = Application {
            client_id: ClientId(URL_SAFE_NO_PAD.encode(id)),
            secret_hash: secret.as_ref().map(SecretToken::hash),
            name: spec.name,
            description: spec.description,
            app_type: spec.app_type,
            logo_url: spec.logo_url,
            home_url: spec.home_url,
            redirect_uris: spec.redirect_uris,
            post_logout_redirect_uris: spec.post_logout_redirect_uris,
            grant_types: spec.grant_types,
            scopes: spec.scopes,
            access_token_ttl: spec.access_token_ttl,
            id_token_ttl: spec.id_token_ttl,
            refresh_token_ttl: spec.refresh_token_ttl,
            signing_alg: spec.signing_alg,
            closed: spec.closed,
            in_catalog: spec.in_catalog,
            allow_no_pkce: spec.allow_no_pkce,
            backchannel_logout_uri: spec.backchannel_logout_uri,
            backchannel_logout_session_required: spec.backchannel_logout_session_required,
            created_at: self.clock.now(),
        };
        let mut tx = self.store.begin().await?;
        tx.create_app(&app).await?;
        tx.commit().await?;
        self.held_apps.forget();
        Ok(NewAppCredentials {
            app,
            client_secret: secret.map(|s| s.expose().to_owned()),
        })
    }

    pub async fn list_apps(&self) -> Result<Vec<Application>, CoreError> {
        Ok(self.store.read().await?.list_apps().await?)
    }

    pub async fn find_app(&self, client_id: &str) -> Result<Application, CoreError> {
        self.store
            .read()
            .await?
            .find_app(&ClientId(client_id.to_owned()))
            .await?
            .ok_or(CoreError::NotFound)
    }

    /// Changes what the operator may change after registration, in one transaction:
    /// the back-channel logout settings ([`Sigil::set_app_backchannel`]), whether the
    /// application is closed (invitation only) and whether it is listed in the
    /// catalog. A value left out stays as it is; a bad one changes nothing. Closing
    /// takes effect at once: from then on only people holding access get a code, and
    /// nobody else's refresh token works.
    pub async fn update_app(
        &self,
        client_id: &str,
        backchannel: &BackchannelChange,
        closed: Option<bool>,
        in_catalog: Option<bool>,
    ) -> Result<Application, CoreError> {
        let client_id = ClientId(client_id.to_owned());
        let mut tx = self.store.begin().await?;
        let app = tx.find_app(&client_id).await?.ok_or(CoreError::NotFound)?;
        self.change_backchannel(&mut *tx, &app, backchannel).await?;
        if closed.is_some() || in_catalog.is_some() {
            let closed = closed.unwrap_or(app.closed);
            let in_catalog = in_catalog.unwrap_or(app.in_catalog);
            if !tx.set_app_listing(&client_id, closed, in_catalog).await? {
                return Err(CoreError::NotFound);
            }
        }
        let app = tx.find_app(&client_id).await?.ok_or(CoreError::NotFound)?;
        tx.commit().await?;
        self.held_apps.forget();
        Ok(app)
    }

    /// Removes the application, the consents people gave it and every token it holds.
    pub async fn delete_app(&self, client_id: &str) -> Result<(), CoreError> {
        let mut tx = self.store.begin().await?;
        if !tx.delete_app(&ClientId(client_id.to_owned())).await? {
            return Err(CoreError::NotFound);
        }
        tx.commit().await?;
        self.held_apps.forget();
        Ok(())
    }
}
