//! The Scopes tab: the applications a person granted, and taking grants back.
use crate::error::CoreError;
use crate::event::{ClientInfo, EventCategory};
use crate::ids::ClientId;
use crate::oidc::application::Application;
use crate::oidc::claims::{plan, Subject};
use crate::oidc::grant::Consent;
use crate::services::Sigil;
use crate::user::User;

/// One application holding the person's consent, with what it receives.
#[derive(Debug)]
pub struct Permission {
    pub app: Application,
    pub consent: Consent,
    /// Per granted scope, the field keys released under today's privacy levels.
    pub fields: Vec<(String, Vec<String>)>,
}

impl Sigil {
    pub async fn permissions(&self, user: &User) -> Result<Vec<Permission>, CoreError> {
        let mut conn = self.store.read().await?;
        let (values, chosen) = conn.values_and_privacy(user.id).await?;
        let view = self.privacy_view(user, &chosen);
        let privacy = |k: &str| view.level(k);
        let subject = Subject {
            user,
            values: &values,
            privacy: &privacy,
            profile_private: view.profile_private,
            photo_url: user.photo.as_deref().map(|h| self.image_url(h)),
        };
        let mut out = Vec::new();
        for consent in conn.list_consents(user.id).await? {
            let Some(app) = conn.find_app(&consent.client_id).await? else {
                continue;
            };
            let fields = plan(&subject, &consent.scopes, &self.settings.oidc.scopes)
                .into_iter()
                .map(|(scope, f)| (scope.to_owned(), f.into_iter().map(|(k, _)| k).collect()))
                .collect();
            out.push(Permission {
                app,
                consent,
                fields,
            });
        }
        Ok(out)
    }

    /// What a consent screen shows: per scope, the fields (key and value) the
    /// application would receive.
    pub async fn consent_plan(
        &self,
        user: &User,
        scopes: &crate::oidc::scope::ScopeSet,
    ) -> Result<Vec<(String, Vec<(String, String)>)>, CoreError> {
        let mut conn = self.store.read().await?;
        let user = conn.find_user(user.id).await?.ok_or(CoreError::NotFound)?;
        let (values, chosen) = conn.values_and_privacy(user.id).await?;
        let view = self.privacy_view(&user, &chosen);
        let privacy = |k: &str| view.level(k);
        let subject = Subject {
            user: &user,
            values: &values,
            privacy: &privacy,
            profile_private: view.profile_private,
            photo_url: user.photo.as_deref().map(|h| self.image_url(h)),
        };
        Ok(plan(&subject, scopes, &self.settings.oidc.scopes)
            .into_iter()
            .map(|(s, f)| (s.to_owned(), f))
            .collect())
    }

    /// Ends every session and token the application holds for this person; the
    /// consent stays, so the next sign-in needs no new consent. An application with a
    /// back-channel logout URI is told ([`Sigil::end_app_grant`]).
    pub async fn end_app_sessions(
        &self,
        user: &User,
        client_id: &str,
        client: &ClientInfo,
    ) -> Result<u64, CoreError> {
        let client_id = ClientId(client_id.to_owned());
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        tx.find_consent(user.id, &client_id)
            .await?
            .ok_or(CoreError::NotFound)?;
        let ended = self
            .end_app_grant(&mut *tx, user.id, &client_id, now)
            .await?;
        let event = self
            .app_event(user, EventCategory::AppSessionsEnded, &client_id, client)
            .with_details(serde_json::json!({ "grants_ended": ended }));
        tx.insert_event(&event).await?;
        tx.commit().await?;
        self.outbox_changed();
        Ok(ended)
    }

    /// Removes the consent and ends everything issued under it (telling the
    /// application, as ending its sessions does); the next sign-in asks for consent
    /// again.
    pub async fn revoke_permission(
        &self,
        user: &User,
        client_id: &str,
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        let client_id = ClientId(client_id.to_owned());
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        if !tx.delete_consent(user.id, &client_id).await? {
            return Err(CoreError::NotFound);
        }
        self.end_app_grant(&mut *tx, user.id, &client_id, now)
            .await?;
        tx.insert_event(&self.app_event(
            user,
            EventCategory::AppPermissionRevoked,
            &client_id,
            client,
        ))
        .await?;
        tx.commit().await?;
        self.outbox_changed();
        Ok(())
    }
}
