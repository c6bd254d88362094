//! The operator's side of invitations to closed applications ([`crate::invitation`]):
//! invite one or many addresses, list, revoke.
//!
//! A bulk invitation checks what concerns the whole request first (the application
//! exists and is closed, the expiry is in range) and refuses it all if one fails. Then
//! each address is its own use case in its own transaction: a malformed address is
//! reported for itself, and the valid ones are invited all the same, each with its
//! mail and its event, so one address that fails at the database cannot undo another's
//! mail already queued.
use std::collections::HashSet;

use serde_json::json;

use super::Sigil;
use crate::access::AccessError;
use crate::email::Email;
use crate::error::{CoreError, FieldErrorKind};
use crate::event::{ClientInfo, EventCategory};
use crate::ids::{ClientId, UserId};
use crate::invitation::{self, Invitation, InvitationError, InvitationStatus};
use crate::oidc::application::Application;
use crate::outbox::{mask, InvitationMail, Message};
use crate::ports::StoreError;
use crate::token::SecretToken;

/// How many times one address is tried when simultaneous invitations of it keep
/// getting in first.
const INVITE_TRIES: usize = 5;

/// The path of an invitation's link; its query carries the token.
pub const ACCEPT_PATH: &str = "/invitations/accept";

/// What the operator asks for.
#[derive(Clone, Debug, Default)]
pub struct InviteRequest {
    pub client_id: String,
    /// The addresses as typed; each is normalised as an account's email is.
    pub emails: Vec<String>,
    /// Days until the invitations expire (default [`invitation::DEFAULT_EXPIRY_DAYS`]).
    pub expires_days: Option<i64>,
    /// Who invites, as the mail names them: the operator's organisation.
    pub inviter: String,
    /// The operator's account, when invited through the admin API (the command line
    /// has none): the event goes in their log.
    pub operator: Option<UserId>,
}

/// What became of one address of an [`InviteRequest`].
#[derive(Debug)]
pub struct InviteResult {
    /// The address as given.
    pub address: String,
    pub outcome: Result<Invited, CoreError>,
}

/// An invitation sent.
#[derive(Clone, Debug)]
pub struct Invited {
    pub invitation: Invitation,
    /// The id of the earlier pending invitation of the address that this one replaced.
    pub replaced: Option<String>,
}

impl Sigil {
    /// Invites every address of `request` to its closed application. Fails as a whole
    /// for an unknown application (`unknown_application`), one that is not closed, or
    /// an expiry out of range; otherwise answers per address, in the order given. An
    /// address given twice (after normalisation) is invited once, its repeat reported
    /// as [`InvitationError::Duplicate`]; one whose verified account holds access
    /// already is skipped ([`InvitationError::AlreadyHasAccess`]: no mail, nothing
    /// pending).
    pub async fn invite(
        &self,
        request: &InviteRequest,
        client: &ClientInfo,
    ) -> Result<Vec<InviteResult>, CoreError> {
        let ttl = invitation::expiry(request.expires_days).map_err(CoreError::Invitation)?;
        let app = match self.find_app(&request.client_id).await {
            Err(CoreError::NotFound) => return Err(CoreError::Access(AccessError::UnknownApp)),
            found => found?,
        };
        if !app.closed {
            return Err(CoreError::Invitation(InvitationError::AppNotClosed));
        }
        if request.emails.is_empty() {
            return Err(CoreError::field("emails", FieldErrorKind::Required));
        }
        let mut results = Vec::with_capacity(request.emails.len());
        let mut seen = HashSet::new();
        for address in &request.emails {
            let outcome = match Email::parse(address) {
                // A second invitation would replace the first and kill its link.
                Ok(email) if !seen.insert(email.clone()) => {
                    Err(CoreError::Invitation(InvitationError::Duplicate))
                }
                Ok(email) => self.invite_one(&app, &email, ttl, request, client).await,
                Err(e) => Err(CoreError::field("email", FieldErrorKind::Email(e))),
            };
            results.push(InviteResult {
                address: address.clone(),
                outcome,
            });
        }
        if results.iter().any(|r| r.outcome.is_ok()) {
            self.outbox_changed();
        }
        Ok(results)
    }

    /// One address, one transaction; again if a simultaneous invitation of the same
    /// address got in first (the unique index said so), replacing it in turn. A try
    /// that lost rolled back whole, its mail with it, so every invitation reported sent
    /// has exactly one mail.
    async fn invite_one(
        &self,
        app: &Application,
        email: &Email,
        ttl: time::Duration,
        request: &InviteRequest,
        client: &ClientInfo,
    ) -> Result<Invited, CoreError> {
        let mut tries = 1;
        loop {
            match self.try_invite(app, email, ttl, request, client).await {
                Err(CoreError::Invitation(InvitationError::Contended)) if tries < INVITE_TRIES => {
                    tries += 1;
                }
                other => return other,
            }
        }
    }

    async fn try_invite(
        &self,
        app: &Application,
        email: &Email,
        ttl: time::Duration,
        request: &InviteRequest,
        client: &ClientInfo,
    ) -> Result<Invited, CoreError> {
        let now = self.clock.now();
        let token = SecretToken::generate(self.random.as_ref());
        let mut tx = self.store.begin().await?;
        let holder = tx
            .find_user_by_email(email)
            .await?
            .filter(|u| u.email_verified);
        let locale = match &holder {
            Some(user) if tx.has_access(user.id, &app.client_id).await? => {
                return Err(CoreError::Invitation(InvitationError::AlreadyHasAccess));
            }
            // The mail in the language of the account holding the address verified.
            Some(user) => self.mail_locale(&mut *tx, user).await?,
            // Nobody holds it: the operator's language.
            None => self.settings.default_locale,
        };
        let expires_at = now + ttl;
        let message = Message::Invitation(InvitationMail {
            to: email.to_string(),
            locale,
            app_name: app.name.clone(),
            app_description: app.description.clone(),
            inviter: request.inviter.clone(),
            expires_at,
            link: format!(
                "{}{ACCEPT_PATH}?token={}",
                self.settings.oidc.issuer,
                token.expose()
            ),
        });
        let message_id = self.enqueue(&mut *tx, &message).await?;
        let invitation = Invitation {
            id: self.random_id(16),
            client_id: app.client_id.clone(),
            email: email.clone(),
            status: InvitationStatus::Pending,
            created_at: now,
            expires_at,
            decided_at: None,
            user_id: None,
            locale: Some(locale),
            message_id: Some(message_id),
        };
        let replaced = tx
            .create_invitation(&invitation, &token.hash())
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => CoreError::Invitation(InvitationError::Contended),
                e => e.into(),
            })?;
        let mut event = self
            .event(request.operator, EventCategory::InvitationSent, client)
            .with_details(json!({
                "invitation": invitation.id,
                "to": mask(email.as_str()),
                "replaced": replaced.is_some(),
            }));
        event.client_id = Some(app.client_id.clone());
        tx.insert_event(&event).await?;
        tx.commit().await?;
        Ok(Invited {
            invitation,
            replaced,
        })
    }

    /// Every invitation to the application, newest first (`unknown_application` if
    /// there is no such application).
    pub async fn list_invitations(&self, client_id: &str) -> Result<Vec<Invitation>, CoreError> {
        let mut conn = self.store.read().await?;
        let client = ClientId(client_id.to_owned());
        if conn.find_app(&client).await?.is_none() {
            return Err(CoreError::Access(AccessError::UnknownApp));
        }
        Ok(conn.list_invitations_of_app(&client).await?)
    }

    /// Withdraws a pending invitation: its link stops working and the Requests tab no
    /// longer shows it. One already decided (or replaced) cannot be.
    pub async fn revoke_invitation(
        &self,
        id: &str,
        operator: Option<UserId>,
        client: &ClientInfo,
    ) -> Result<Invitation, CoreError> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        if !tx.revoke_invitation(id, now).await? {
            let found = tx.find_invitation(id).await?.ok_or(CoreError::NotFound)?;
            let why = found.closed_reason(now).unwrap_or(InvitationError::Used);
            return Err(CoreError::Invitation(why));
        }
        let revoked = tx.find_invitation(id).await?.ok_or(CoreError::NotFound)?;
        let mut event = self
            .event(operator, EventCategory::InvitationRevoked, client)
            .with_details(json!({ "invitation": id, "to": mask(revoked.email.as_str()) }));
        event.client_id = Some(revoked.client_id.clone());
        tx.insert_event(&event).await?;
        tx.commit().await?;
        Ok(revoked)
    }
}
