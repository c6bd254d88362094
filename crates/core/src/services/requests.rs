//! The person's side of invitations ([`crate::invitation`]): the link in the mail,
//! the Requests tab (accept, decline), and the access granted without asking when an
//! account verifies an invited address.
//!
//! Only a **verified** address proves that an invitation is the person's: the link
//! and the tab read the account's row fresh in the transaction that decides, and an id
//! of an invitation to someone else's address is answered as an unknown one.
use serde_json::json;
use time::Duration;

use super::Sigil;
use crate::access::{AccessSource, AppAccess};
use crate::contact::ContactKind;
use crate::email::Email;
use crate::error::CoreError;
use crate::event::{ClientInfo, EventCategory};
use crate::ids::UserId;
use crate::invitation::{Invitation, InvitationError, InvitationStatus};
use crate::oidc::application::Application;
use crate::outbox::mask;
use crate::ports::Tx;
use crate::token::SecretToken;
use crate::user::User;

/// How long an accepted invitation stays on the Requests tab.
const ACCEPTED_SHOWN_FOR: Duration = Duration::days(30);

/// An invitation with its application, as the Requests tab shows it.
#[derive(Clone, Debug)]
pub struct RequestEntry {
    pub invitation: Invitation,
    pub app: Application,
}

/// An invitation the person holds now.
#[derive(Clone, Debug)]
pub struct Accepted {
    pub app: Application,
    /// This person had accepted it before (or got it when verifying the address):
    /// following the link again is not an error.
    pub already: bool,
    /// The person holds access to the application now (false when the operator took
    /// it away after the invitation was accepted).
    pub held: bool,
}

/// The answer on the Requests tab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Accept,
    Decline,
}

impl Sigil {
    /// The person's requests: invitations to their verified address that are pending
    /// and unexpired (oldest first), then those they accepted in the last 30 days.
    pub async fn requests(&self, user: &User) -> Result<Vec<RequestEntry>, CoreError> {
        let now = self.clock.now();
        let mut conn = self.store.read().await?;
        let email = user.email.as_ref().filter(|_| user.email_verified);
        let mut all = conn.list_invitations_of_person(email, user.id).await?;
        all.reverse();
        let (pending, accepted): (Vec<_>, Vec<_>) = all
            .into_iter()
            .filter(|i| {
                (i.is_open(now) && Some(&i.email) == email)
                    || (i.status == InvitationStatus::Accepted
                        && i.user_id == Some(user.id)
                        && i.decided_at.is_some_and(|d| d + ACCEPTED_SHOWN_FOR > now))
            })
            .partition(|i| i.status == InvitationStatus::Pending);
        let mut entries = Vec::with_capacity(pending.len() + accepted.len());
        for invitation in pending.into_iter().chain(accepted) {
            if let Some(app) = conn.find_app(&invitation.client_id).await? {
                entries.push(RequestEntry { invitation, app });
            }
        }
        // Pending first, oldest first; then accepted, latest first. Invitations made in
        // the same second keep one order: by application name, then id.
        entries.sort_by(|a, b| {
            let (ia, ib) = (&a.invitation, &b.invitation);
            let pa = ia.status == InvitationStatus::Pending;
            let pb = ib.status == InvitationStatus::Pending;
            let when = if pa && pb {
                ia.created_at.cmp(&ib.created_at)
            } else {
                ib.decided_at.cmp(&ia.decided_at)
            };
            pb.cmp(&pa)
                .then(when)
                .then_with(|| a.app.name.cmp(&b.app.name))
                .then_with(|| ia.id.cmp(&ib.id))
        });
        Ok(entries)
    }

    /// The link in the mail, followed by a signed-in person. Grants access when the
    /// account's verified email is the invited address; the same person following it
    /// again is told it is theirs already.
    pub async fn accept_invitation_link(
        &self,
        user: &User,
        token: &str,
        client: &ClientInfo,
    ) -> Result<Accepted, CoreError> {
        let unknown = || CoreError::Invitation(InvitationError::Unknown);
        let token = SecretToken::from_client(token).ok_or_else(unknown)?;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let invitation = tx
            .find_invitation_by_token(&token.hash())
            .await?
            .ok_or_else(unknown)?;
        let app = tx
            .find_app(&invitation.client_id)
            .await?
            .ok_or_else(unknown)?;
        if invitation.status == InvitationStatus::Accepted && invitation.user_id == Some(user.id) {
            let held = !app.closed || tx.has_access(user.id, &invitation.client_id).await?;
            return Ok(Accepted {
                app,
                already: true,
                held,
            });
        }
        if let Some(why) = invitation.closed_reason(now) {
            return Err(CoreError::Invitation(why));
        }
        // The account's row, fresh and held: its address now, not the session's copy.
        let fresh = tx.lock_user(user.id).await?.ok_or(CoreError::NotFound)?;
        let verified = fresh.email.as_ref().filter(|_| fresh.email_verified);
        if verified != Some(&invitation.email) {
            let invited = mask(invitation.email.as_str());
            let pending = tx.find_verification(user.id, ContactKind::Email).await?;
            let waiting = fresh.email.as_ref() == Some(&invitation.email)
                || pending
                    .is_some_and(|p| p.used_at.is_none() && p.address == invitation.email.as_str());
            return Err(CoreError::Invitation(if waiting {
                InvitationError::Unverified { invited }
            } else {
                InvitationError::OtherAccount { invited }
            }));
        }
        match self.accept_in(&mut *tx, &invitation, user.id, client).await {
            Ok(()) => {}
            // The same person, a moment earlier (a double click, two tabs): theirs.
            Err(CoreError::Invitation(InvitationError::Used)) => {
                let now_stored = tx.find_invitation(&invitation.id).await?;
                if now_stored.is_some_and(|i| {
                    i.status == InvitationStatus::Accepted && i.user_id == Some(user.id)
                }) {
                    return Ok(Accepted {
                        app,
                        already: true,
                        held: true,
                    });
                }
                return Err(CoreError::Invitation(InvitationError::Used));
            }
            Err(e) => return Err(e),
        }
        tx.commit().await?;
        Ok(Accepted {
            app,
            already: false,
            held: true,
        })
    }

    /// Anyone, before signing in: whether the link could still grant access. A link
    /// that is unknown, expired, withdrawn, replaced or answered is refused with the
    /// reason, so that no one is sent to sign in for nothing. Changes nothing. Answers
    /// the invited address (the link's holder got it in the mail sent there).
    pub async fn check_invitation_link(&self, token: &str) -> Result<Email, CoreError> {
        let unknown = || CoreError::Invitation(InvitationError::Unknown);
        let token = SecretToken::from_client(token).ok_or_else(unknown)?;
        let now = self.clock.now();
        let mut conn = self.store.read().await?;
        let invitation = conn
            .find_invitation_by_token(&token.hash())
            .await?
            .ok_or_else(unknown)?;
        conn.find_app(&invitation.client_id)
            .await?
            .ok_or_else(unknown)?;
        match invitation.closed_reason(now) {
            Some(why) => Err(CoreError::Invitation(why)),
            None => Ok(invitation.email),
        }
    }

    /// Accept or Decline on the Requests tab, for an invitation to the person's own
    /// verified address (any other id is `NotFound`). Answers with the application.
    pub async fn answer_invitation(
        &self,
        user: &User,
        id: &str,
        answer: Answer,
        client: &ClientInfo,
    ) -> Result<Application, CoreError> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let fresh = tx.lock_user(user.id).await?.ok_or(CoreError::NotFound)?;
        let invitation = tx
            .find_invitation(id)
            .await?
            .filter(|i| fresh.email_verified && fresh.email.as_ref() == Some(&i.email))
            .ok_or(CoreError::NotFound)?;
        let app = tx
            .find_app(&invitation.client_id)
            .await?
            .ok_or(CoreError::NotFound)?;
        if let Some(why) = invitation.closed_reason(now) {
            return Err(CoreError::Invitation(why));
        }
        match answer {
            Answer::Accept => {
                self.accept_in(&mut *tx, &invitation, user.id, client)
                    .await?
            }
            Answer::Decline => {
                if !tx
                    .decide_invitation(id, InvitationStatus::Declined, user.id, now)
                    .await?
                {
                    return Err(CoreError::Invitation(InvitationError::Used));
                }
                let mut event = self
                    .event(Some(user.id), EventCategory::InvitationDeclined, client)
                    .with_details(json!({ "invitation": id }));
                event.client_id = Some(invitation.client_id.clone());
                tx.insert_event(&event).await?;
            }
        }
        tx.commit().await?;
        Ok(app)
    }

    /// Spends the invitation for `user` and grants access, with its event; refused if
    /// another decision got there first.
    async fn accept_in(
        &self,
        tx: &mut dyn Tx,
        invitation: &Invitation,
        user: UserId,
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        let now = self.clock.now();
        if !tx
            .decide_invitation(&invitation.id, InvitationStatus::Accepted, user, now)
            .await?
        {
            return Err(CoreError::Invitation(InvitationError::Used));
        }
        tx.grant_access(&AppAccess {
            user_id: user,
            client_id: invitation.client_id.clone(),
            source: AccessSource::Invitation,
            invitation_id: Some(invitation.id.clone()),
            granted_at: now,
        })
        .await?;
        let mut event = self
            .event(Some(user), EventCategory::InvitationAccepted, client)
            .with_details(json!({ "invitation": invitation.id }));
        event.client_id = Some(invitation.client_id.clone());
        tx.insert_event(&event).await?;
        Ok(())
    }

    /// In the transaction that verifies `email` for `user`: every invitation to it that
    /// is pending and unexpired is accepted, and its access granted, without asking (the
    /// guide: register with the invited address and the access is there).
    pub(crate) async fn grant_invited(
        &self,
        tx: &mut dyn Tx,
        user: UserId,
        email: &Email,
        client: &ClientInfo,
    ) -> Result<usize, CoreError> {
        let now = self.clock.now();
        let mut granted = 0;
        for invitation in tx.list_pending_invitations(email, now).await? {
            if !tx
                .decide_invitation(&invitation.id, InvitationStatus::Accepted, user, now)
                .await?
            {
                continue;
            }
            tx.grant_access(&AppAccess {
                user_id: user,
                client_id: invitation.client_id.clone(),
                source: AccessSource::Registration,
                invitation_id: Some(invitation.id.clone()),
                granted_at: now,
            })
            .await?;
            let mut event = self
                .event(Some(user), EventCategory::InvitationAccessGranted, client)
                .with_details(json!({ "invitation": invitation.id }));
            event.client_id = Some(invitation.client_id.clone());
            tx.insert_event(&event).await?;
            granted += 1;
        }
        Ok(granted)
    }
}
