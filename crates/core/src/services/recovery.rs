//! Notices about the account and the link in them that secures it (see
//! [`crate::recovery`]): the language mail goes in, the link itself, and the page and
//! action behind it.
use serde_json::json;
use time::OffsetDateTime;

use super::Sigil;
use crate::contact::ContactKind;
use crate::email::Email;
use crate::error::{CoreError, FieldErrorKind};
use crate::event::{ClientInfo, EventCategory};
use crate::identifier::Identifier;
use crate::ids::UserId;
use crate::locale::Locale;
use crate::outbox::{mask, Message};
use crate::ports::Tx;
use crate::recovery::{Recovery, RECOVERY_TTL};
use crate::token::SecretToken;
use crate::user::User;

/// What the page behind a notice's link shows.
#[derive(Clone, Debug)]
pub struct RecoveryPage {
    /// The account's login (or email), so the person knows which account it is.
    pub account: String,
    /// Every linked identifier: all are offered for removal, since an intruder can
    /// move any line drawn in time (changing the password moves "since the password
    /// was last set").
    pub recent: Vec<Identifier>,
}

/// The address notices go to: the account's email, once verified.
pub(crate) fn verified_email(user: &User) -> Option<&Email> {
    user.email.as_ref().filter(|_| user.email_verified)
}

fn link_error(kind: FieldErrorKind) -> CoreError {
    CoreError::field("token", kind)
}

/// The link's row, if it can still be used.
async fn open_recovery(
    conn: &mut dyn Tx,
    token: &str,
    now: OffsetDateTime,
) -> Result<Recovery, CoreError> {
    let missing = || link_error(FieldErrorKind::CodeMissing);
    let token = SecretToken::from_client(token).ok_or_else(missing)?;
    let recovery = conn
        .find_recovery(&token.hash())
        .await?
        .ok_or_else(missing)?;
    if recovery.used_at.is_some() {
        return Err(link_error(FieldErrorKind::CodeUsed));
    }
    if !recovery.is_open(now) {
        return Err(link_error(FieldErrorKind::CodeExpired));
    }
    Ok(recovery)
}

impl Sigil {
    /// The language of mail to `user`: the one they picked, else the one they
    /// registered in.
    pub(crate) async fn mail_locale(
        &self,
        tx: &mut dyn Tx,
        user: &User,
    ) -> Result<Locale, CoreError> {
        match user.locale {
            Some(picked) => Ok(picked),
            None => Ok(tx.mail_locale(user.id).await?.unwrap_or_default()),
        }
    }

    /// Stores a fresh link that secures the account, sent to `sent_to`; returns its
    /// address. Using it puts `sent_to` back as the account's email: the link proves
    /// that mailbox, and whatever address came after it may be an intruder's.
    pub(crate) async fn recovery_link(
        &self,
        tx: &mut dyn Tx,
        user: UserId,
        sent_to: &Email,
    ) -> Result<String, CoreError> {
        let restore_email = Some(sent_to);
        let token = SecretToken::generate(self.random.as_ref());
        let now = self.clock.now();
        tx.insert_recovery(&Recovery {
            token_hash: token.hash(),
            user_id: user,
            restore_email: restore_email.cloned(),
            created_at: now,
            expires_at: now + RECOVERY_TTL,
            used_at: None,
        })
        .await?;
        Ok(format!(
            "{}/account/secure?token={}",
            self.settings.oidc.issuer,
            token.expose()
        ))
    }

    /// Tells the verified address that the password changed; false if there is none.
    pub(crate) async fn notify_password_changed(
        &self,
        tx: &mut dyn Tx,
        user: &User,
    ) -> Result<bool, CoreError> {
        let Some(to) = verified_email(user) else {
            return Ok(false);
        };
        let message = Message::PasswordChanged {
            to: to.to_string(),
            locale: self.mail_locale(tx, user).await?,
            secure_link: self.recovery_link(tx, user.id, to).await?,
        };
        self.enqueue(tx, &message).await?;
        Ok(true)
    }

    /// The identifiers linked since the password was last set: those that someone who
    /// held a session, or the old password, could have added to come back later.
    pub(crate) async fn recent_identifiers_in(
        &self,
        tx: &mut dyn Tx,
        user: UserId,
    ) -> Result<Vec<Identifier>, CoreError> {
        let since = tx
            .password_set_at(user)
            .await?
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        Ok(tx
            .list_identifiers(user)
            .await?
            .into_iter()
            .filter(|i| i.linked_at >= since)
            .collect())
    }

    /// What the password form offers to remove with the change.
    pub async fn recent_identifiers(&self, user: &User) -> Result<Vec<Identifier>, CoreError> {
        let mut conn = self.store.read().await?;
        self.recent_identifiers_in(&mut *conn, user.id).await
    }

    /// Removes those of `ids` that are the person's, each with its event.
    pub(crate) async fn remove_identifiers_in(
        &self,
        tx: &mut dyn Tx,
        user: UserId,
        ids: &[String],
        reason: &str,
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        for identifier in tx.list_identifiers(user).await? {
            if !ids.contains(&identifier.id) || !tx.delete_identifier(user, &identifier.id).await? {
                continue;
            }
            let event = self
                .event(Some(user), EventCategory::IdentifierRemoved, client)
                .with_details(json!({
                    "provider": identifier.provider,
                    "identifier": identifier.id,
                    "reason": reason,
                }));
            tx.insert_event(&event).await?;
        }
        Ok(())
    }

    /// The page behind a notice's link. Opening it changes nothing, so that a mail
    /// scanner following links cannot spend it.
    pub async fn recovery(&self, token: &str) -> Result<RecoveryPage, CoreError> {
        let mut conn = self.store.read().await?;
        let recovery = open_recovery(&mut *conn, token, self.clock.now()).await?;
        let user = conn
            .find_user(recovery.user_id)
            .await?
            .ok_or(CoreError::NotFound)?;
        let recent = conn.list_identifiers(user.id).await?;
        let account = match (&user.login, &user.email) {
            (Some(login), _) => login.as_str().to_owned(),
            (None, Some(email)) => email.to_string(),
            (None, None) => user.id.to_string(),
        };
        Ok(RecoveryPage { account, recent })
    }

    /// Secures the account from a notice's link: the new password replaces the old
    /// one, every session and every token of the account ends, the address the notice
    /// went to becomes the account's email again (whatever came after it may be an
    /// intruder's), and the identifiers in `remove` go. The link is spent, and with it every link of the account made since: those
    /// went to addresses at least as recent, possibly an intruder's, who could otherwise
    /// take the account back. Older links stay open, so an intruder using a newer link
    /// cannot spend the owner's. The verified address is told of the new password.
    pub async fn secure_account(
        &self,
        token: &str,
        new_password: &str,
        remove: &[String],
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        let now = self.clock.now();
        let mut conn = self.store.read().await?;
        let recovery = open_recovery(&mut *conn, token, now).await?;
        let user = conn
            .find_user(recovery.user_id)
            .await?
            .ok_or(CoreError::NotFound)?;
        drop(conn);
        let new = self
            .parse_new_password(&user, new_password)
            .await?
            .map_err(|e| CoreError::field("new_password", FieldErrorKind::Password(e)))?;
        let hash = self.hasher.hash(new).await?;

        let mut tx = self.store.begin().await?;
        // Spent by one conditional update: of two submissions, one goes through.
        if !tx.use_recovery(&recovery.token_hash, now).await? {
            return Err(link_error(FieldErrorKind::CodeUsed));
        }
        let user = tx
            .find_user(recovery.user_id)
            .await?
            .ok_or(CoreError::NotFound)?;
        tx.set_password_hash(user.id, &hash, now).await?;
        self.remove_identifiers_in(&mut *tx, user.id, remove, "account_secured", client)
            .await?;
        tx.mark_password_set(user.id, now).await?;
        let ended = self.end_all_sessions(&mut *tx, user.id, now).await?;
        let event = self
            .event(Some(user.id), EventCategory::PasswordChanged, client)
            .with_details(json!({ "sessions_ended": ended.sessions, "from_notice": true }));
        tx.insert_event(&event).await?;
        if let Some(old) = recovery.restore_email.as_ref() {
            self.restore_email(&mut *tx, &user, old, client).await?;
        }
        // Told like any change of password, to the address as it is now: its link
        // is newer than this one, so using an older link spends it too.
        let fresh = tx.find_user(user.id).await?.ok_or(CoreError::NotFound)?;
        let notified = self.notify_password_changed(&mut *tx, &fresh).await?;
        tx.commit().await?;
        if notified || ended.logouts > 0 {
            self.outbox_changed();
        }
        Ok(())
    }

    /// Puts `old` back on the account (and drops a pending change), unless it is
    /// there already or another account has it by now.
    async fn restore_email(
        &self,
        tx: &mut dyn Tx,
        user: &User,
        old: &Email,
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        tx.delete_verification(user.id, ContactKind::Email).await?;
        if user.email.as_ref() == Some(old) || tx.find_user_by_email(old).await?.is_some() {
            return Ok(());
        }
        tx.set_email(user.id, Some(old), self.clock.now()).await?;
        let event = self
            .event(Some(user.id), EventCategory::EmailChanged, client)
            .with_details(json!({ "to": mask(old.as_str()), "restored": true }));
        tx.insert_event(&event).await?;
        self.grant_invited(tx, user.id, old, client).await?;
        Ok(())
    }
}
