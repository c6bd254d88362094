//! Linking, listing and removing identifiers (accounts at external providers), and
//! taking a linked account's picture as the profile photo.
use serde_json::json;

use super::Sigil;
use crate::error::{CoreError, FieldErrorKind};
use crate::event::{ClientInfo, EventCategory};
use crate::identifier::{
    ExternalAccount, Identifier, NewIdentifier, PendingRequest, ProviderDef, Purpose,
    RequestSecrets, UpstreamError, REQUEST_TTL,
};
use crate::ids::UserId;
use crate::outbox::Message;
use crate::photo;
use crate::ports::{StoreError, Tx};
use crate::privacy::PrivacyLevel;
use crate::services::recovery::verified_email;
use crate::services::SignedIn;
use crate::session::Session;
use crate::session::SignInMethod;
use crate::telemetry::{self, Method};
use crate::token::SecretToken;
use crate::token::{constant_time_eq, TokenHash};
use crate::user::User;
use crate::user::UserStatus;

/// What seals a request's nonce and PKCE verifier at rest.
const SEAL_LABEL: &str = "identifier-request";

/// What a provider's answer came to.
pub enum Finished {
    Linked(Identifier),
    SignedIn {
        signed_in: Box<SignedIn>,
        next: String,
    },
}

/// What the provider sent back to the callback address.
#[derive(Clone, Debug, Default)]
pub struct Callback {
    pub state: Option<String>,
    pub code: Option<String>,
    /// An error code instead of a code (RFC 6749 §4.1.2.1).
    pub error: Option<String>,
    /// The issuer, where the provider sends it (RFC 9207).
    pub iss: Option<String>,
}

fn failed(kind: FieldErrorKind) -> CoreError {
    CoreError::field("identifier", kind)
}

impl Sigil {
    /// The providers people may link, in the operator's order.
    pub fn providers(&self) -> &[ProviderDef] {
        &self.settings.providers
    }

    pub fn provider(&self, id: &str) -> Option<&ProviderDef> {
        self.settings.providers.iter().find(|p| p.id == id)
    }

    /// The providers the sign-in page offers.
    pub fn sign_in_providers(&self) -> impl Iterator<Item = &ProviderDef> {
        self.settings.providers.iter().filter(|p| p.sign_in)
    }

    /// The redirect URI registered at `provider`: one per provider, so that an answer
    /// can only come back to the provider the request went to.
    pub fn identifier_callback_uri(&self, provider: &str) -> String {
        format!(
            "{}/identifiers/callback/{provider}",
            self.settings.oidc.issuer
        )
    }

    /// The level in force for a linked identifier.
    pub fn identifier_privacy(&self, identifier: &Identifier) -> PrivacyLevel {
        identifier.privacy.unwrap_or_else(|| {
            self.provider(&identifier.provider)
                .map_or(PrivacyLevel::OnRequest, |p| p.default_privacy)
        })
    }

    pub async fn identifiers(&self, user: &User) -> Result<Vec<Identifier>, CoreError> {
        Ok(self.store.read().await?.list_identifiers(user.id).await?)
    }

    /// Starts linking an account at `provider`; returns where to send the browser.
    /// A new way to sign in needs a recent sign-in, as a contact does: a session
    /// cookie alone must not be enough to add a way back in.
    pub async fn start_link(
        &self,
        user: &User,
        session: &Session,
        provider: &str,
    ) -> Result<String, CoreError> {
        self.require_recent(session)?;
        self.start(provider, Purpose::Link(user.id)).await
    }

    /// Starts signing in with an account linked at `provider`. `binding` is the
    /// browser's form token: only that browser may finish. After it, go to `next`.
    pub async fn start_sign_in(
        &self,
        provider: &str,
        binding: &str,
        next: &str,
    ) -> Result<String, CoreError> {
        if !self.provider(provider).is_some_and(|p| p.sign_in) {
            return Err(CoreError::NotFound);
        }
        let purpose = Purpose::SignIn {
            binding: SecretToken::hash_str(binding).to_hex(),
            next: next.to_owned(),
        };
        self.start(provider, purpose).await
    }

    async fn start(&self, provider: &str, purpose: Purpose) -> Result<String, CoreError> {
        let def = self.provider(provider).ok_or(CoreError::NotFound)?;
        let auth = self
            .upstream
            .authorize(&def.id, &self.identifier_callback_uri(&def.id))
            .await
            .map_err(|e| upstream_failure(&def.id, e))?;
        let secrets = serde_json::to_vec(&auth.secrets).map_err(anyhow::Error::from)?;
        let sealed =
            self.settings
                .oidc
                .master_key
                .seal(SEAL_LABEL, &secrets, self.random.as_ref())?;
        let now = self.clock.now();
        let request = PendingRequest {
            provider: def.id.clone(),
            purpose,
            sealed,
            expires_at: now + REQUEST_TTL,
        };
        let mut tx = self.store.begin().await?;
        tx.save_identifier_request(&SecretToken::hash_str(&auth.state), &request, now)
            .await?;
        tx.commit().await?;
        Ok(auth.url)
    }

    /// The provider's answer: spends the request, validates the account at the
    /// provider, then links it to the signed-in person (`current`) or signs in the
    /// person it is linked to. `binding` is the browser's form token; `previous` its
    /// session, which a sign-in replaces.
    pub async fn finish_callback(
        &self,
        current: Option<&User>,
        provider: &str,
        callback: Callback,
        binding: &str,
        previous: Option<TokenHash>,
        client: &ClientInfo,
    ) -> Result<Finished, CoreError> {
        let state = callback
            .state
            .as_deref()
            .ok_or(failed(FieldErrorKind::ProviderExpired))?;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let request = tx
            .take_identifier_request(&SecretToken::hash_str(state))
            .await?;
        tx.commit().await?;
        let request = request
            .filter(|r| r.provider == provider && r.expires_at > now)
            .filter(|r| match &r.purpose {
                Purpose::Link(user) => current.is_some_and(|c| c.id == *user),
                Purpose::SignIn { binding: hash, .. } => constant_time_eq(
                    SecretToken::hash_str(binding).to_hex().as_bytes(),
                    hash.as_bytes(),
                ),
            })
            .ok_or(failed(FieldErrorKind::ProviderExpired))?;
        if let Some(error) = callback.error {
            tracing::info!(provider, error, "the provider refused");
            return Err(failed(if error == "access_denied" {
                FieldErrorKind::ProviderDenied
            } else {
                FieldErrorKind::ProviderFailed
            }));
        }
        let code = callback
            .code
            .as_deref()
            .ok_or(failed(FieldErrorKind::ProviderFailed))?;
        let secrets: RequestSecrets = serde_json::from_slice(
            &self
                .settings
                .oidc
                .master_key
                .open(SEAL_LABEL, &request.sealed)?,
        )
        .map_err(anyhow::Error::from)?;
        let account = self
            .upstream
            .complete(
                provider,
                &self.identifier_callback_uri(provider),
                code,
                callback.iss.as_deref(),
                &secrets,
            )
            .await
            .map_err(|e| upstream_failure(provider, e))?;
        match request.purpose {
            Purpose::Link(_) => {
                let user = current.ok_or(failed(FieldErrorKind::ProviderExpired))?;
                let linked = self.link(user, provider, account, client).await?;
                Ok(Finished::Linked(linked))
            }
            Purpose::SignIn { next, .. } => {
                let signed_in = self
                    .sign_in_linked(provider, &account, previous, client)
                    .await
                    .map_err(|e| crate::deletion::going_to(e, &next))?;
                Ok(Finished::SignedIn {
                    signed_in: Box::new(signed_in),
                    next,
                })
            }
        }
    }

    /// Opens a session for the person `account` is linked to.
    async fn sign_in_linked(
        &self,
        provider: &str,
        account: &ExternalAccount,
        previous: Option<TokenHash>,
        client: &ClientInfo,
    ) -> Result<SignedIn, CoreError> {
        let mut tx = self.store.begin().await?;
        let Some(identifier) = tx
            .find_identifier_by_subject(provider, &account.subject)
            .await?
        else {
            return Err(failed(FieldErrorKind::ProviderNotLinked));
        };
        let user = tx
            .find_user(identifier.user_id)
            .await?
            .ok_or(CoreError::NotFound)?;
        if let UserStatus::PendingDeletion { .. } = user.status {
            let method = SignInMethod::Provider(provider.to_owned());
            let refusal = self
                .refuse_pending_sign_in(&mut *tx, &user, method, client)
                .await?;
            tx.commit().await?;
            telemetry::sign_in(Method::Provider, "pending_deletion");
            return Err(refusal);
        }
        if user.status != UserStatus::Active {
            let event = self
                .event(Some(user.id), EventCategory::SignInFailed, client)
                .with_details(json!({ "reason": "blocked", "provider": provider }));
            tx.insert_event(&event).await?;
            tx.commit().await?;
            telemetry::sign_in(Method::Provider, "blocked");
            return Err(CoreError::Blocked);
        }
        let method = SignInMethod::Provider(provider.to_owned());
        let signed_in = self
            .open_session(&mut *tx, user.id, previous, method, client)
            .await?;
        tx.commit().await?;
        telemetry::sign_in(Method::Provider, "success");
        Ok(signed_in)
    }

    /// Links `account` at `provider` to `user`.
    async fn link(
        &self,
        user: &User,
        provider: &str,
        account: ExternalAccount,
        client: &ClientInfo,
    ) -> Result<Identifier, CoreError> {
        let avatar = match account.picture.clone() {
            Some(bytes) => tokio::task::spawn_blocking(move || photo::process(&bytes))
                .await
                .map_err(anyhow::Error::from)?
                .map_err(|e| tracing::info!(provider, error = ?e, "the picture was refused"))
                .ok()
                .map(|p| p.large),
            None => None,
        };
        let id = self.random_id(16);
        let new = NewIdentifier {
            id: &id,
            user_id: user.id,
            provider,
            account: &account,
            avatar: avatar.as_deref(),
            at: self.clock.now(),
        };
        let mut tx = self.store.begin().await?;
        let existing = tx
            .find_identifier_by_subject(provider, &account.subject)
            .await?;
        let added = existing.is_none();
        let linked_id = match existing {
            Some(other) if other.user_id != user.id => {
                return Err(failed(FieldErrorKind::LinkedElsewhere))
            }
            Some(mine) => {
                tx.refresh_identifier(&NewIdentifier {
                    id: &mine.id,
                    ..new
                })
                .await?;
                mine.id
            }
            None => {
                tx.insert_identifier(&new).await.map_err(|e| match e {
                    StoreError::Conflict(_) => failed(FieldErrorKind::LinkedElsewhere),
                    other => other.into(),
                })?;
                id
            }
        };
        let event = self
            .event(Some(user.id), EventCategory::IdentifierLinked, client)
            .with_details(json!({ "provider": provider, "identifier": linked_id }));
        tx.insert_event(&event).await?;
        let linked = tx
            .list_identifiers(user.id)
            .await?
            .into_iter()
            .find(|i| i.id == linked_id)
            .ok_or(CoreError::NotFound)?;
        let notified = added && self.notify_linked(&mut *tx, user.id, &linked).await?;
        tx.commit().await?;
        if notified {
            self.outbox_changed();
        }
        Ok(linked)
    }

    /// Tells the verified address that a way to sign in was added, with a link that
    /// secures the account if it was not the person.
    async fn notify_linked(
        &self,
        tx: &mut dyn Tx,
        user: UserId,
        linked: &Identifier,
    ) -> Result<bool, CoreError> {
        let user = tx.find_user(user).await?.ok_or(CoreError::NotFound)?;
        let Some(to) = verified_email(&user) else {
            return Ok(false);
        };
        let provider = self
            .provider(&linked.provider)
            .map_or_else(|| linked.provider.clone(), |p| p.name.clone());
        let message = Message::SignInMethodAdded {
            to: to.to_string(),
            locale: self.mail_locale(tx, &user).await?,
            provider,
            at: linked.linked_at,
            secure_link: self.recovery_link(tx, user.id, to).await?,
        };
        self.enqueue(tx, &message).await?;
        Ok(true)
    }

    /// Unlinks an identifier at once.
    pub async fn remove_identifier(
        &self,
        user: &User,
        id: &str,
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        let mut tx = self.store.begin().await?;
        let identifier = tx
            .list_identifiers(user.id)
            .await?
            .into_iter()
            .find(|i| i.id == id)
            .ok_or(CoreError::NotFound)?;
        tx.delete_identifier(user.id, id).await?;
        let event = self
            .event(Some(user.id), EventCategory::IdentifierRemoved, client)
            .with_details(json!({ "provider": identifier.provider, "identifier": id }));
        tx.insert_event(&event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The picture of one of the person's identifiers (a square JPEG).
    pub async fn identifier_avatar(&self, user: &User, id: &str) -> Result<Vec<u8>, CoreError> {
        self.store
            .read()
            .await?
            .identifier_avatar(user.id, id)
            .await?
            .ok_or(CoreError::NotFound)
    }

    /// Makes an identifier's picture the profile photo (the **Available** button).
    pub async fn use_identifier_avatar(
        &self,
        user: &User,
        id: &str,
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        let ready = self
            .prepare_photo(user, super::PhotoChange::Identifier(id.to_owned()))
            .await?;
        let mut tx = self.store.begin().await?;
        self.write_photo(&mut *tx, user, ready, client).await?;
        tx.commit().await?;
        Ok(())
    }
}

fn upstream_failure(provider: &str, e: UpstreamError) -> CoreError {
    match e {
        UpstreamError::UnknownProvider => CoreError::NotFound,
        other => {
            tracing::warn!(provider, error = %other, "linking an identifier failed");
            failed(FieldErrorKind::ProviderFailed)
        }
    }
}
