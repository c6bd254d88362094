//! Adding, changing and removing the account's email and phone number, each verified
//! by a one-time code (and, for email, a link) before it takes effect.
//!
//! The address on the account stays in force until the new one is confirmed, so an
//! address on the account is always verified, and uniqueness is decided then: the
//! person has proven the address is theirs before learning it is in use elsewhere,
//! which tells nothing to someone typing other people's addresses.
use serde_json::json;
use time::OffsetDateTime;

use super::Sigil;
use crate::contact::{
    generate_code, Channel, CodeError, CodeKey, ContactKind, Verification, CODE_TTL, MAX_ATTEMPTS,
};
use crate::email::Email;
use crate::error::{CoreError, FieldErrorKind};
use crate::event::{ClientInfo, EventCategory};
use crate::locale::Locale;
use crate::outbox::{mask, DeliveryStatus, Message};
use crate::phone::Phone;
use crate::ports::{StoreError, Tx};
use crate::session::Session;
use crate::token::SecretToken;
use crate::user::User;

/// A verification waiting for its code, as the person's page shows it.
#[derive(Clone, Debug)]
pub struct PendingContact {
    pub kind: ContactKind,
    pub address: String,
    pub channel: Channel,
    pub resend_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// The code can still be entered.
    pub open: bool,
    pub attempts_left: i64,
    /// How delivery of the code goes; `None` if the message is gone.
    pub delivery: Option<DeliveryStatus>,
}

/// The person's contacts and what is being verified.
#[derive(Clone, Debug)]
pub struct Contacts {
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub pending_email: Option<PendingContact>,
    pub pending_phone: Option<PendingContact>,
    pub phone_channels: Vec<Channel>,
}

fn field_for(kind: ContactKind) -> &'static str {
    kind.as_str()
}

fn code_error(e: CodeError, attempts: i64) -> FieldErrorKind {
    match e {
        CodeError::Wrong => FieldErrorKind::CodeWrong {
            left: (MAX_ATTEMPTS - attempts).max(0),
        },
        CodeError::Expired => FieldErrorKind::CodeExpired,
        CodeError::Used => FieldErrorKind::CodeUsed,
        CodeError::Exhausted => FieldErrorKind::CodeExhausted,
    }
}

impl Sigil {
    fn code_key(&self) -> CodeKey {
        CodeKey::derive(self.settings.oidc.master_key.secret())
    }

    /// Changing a contact, or linking a way to sign in, needs a sign-in younger than
    /// the operator's limit.
    pub fn require_recent(&self, session: &Session) -> Result<(), CoreError> {
        if self.clock.now() - session.auth_time > self.settings.contacts.reauth_after {
            return Err(CoreError::ReauthRequired);
        }
        Ok(())
    }

    pub async fn contacts(&self, user: &User) -> Result<Contacts, CoreError> {
        let now = self.clock.now();
        let mut conn = self.store.read().await?;
        let mut pending = [None, None];
        for (slot, kind) in pending
            .iter_mut()
            .zip([ContactKind::Email, ContactKind::Phone])
        {
            let Some(v) = conn.find_verification(user.id, kind).await? else {
                continue;
            };
            if v.used_at.is_some() {
                continue;
            }
            let delivery = match v.message_id {
                Some(id) => conn.message_status(id).await?,
                None => None,
            };
            *slot = Some(PendingContact {
                kind,
                address: v.address.clone(),
                channel: v.channel,
                resend_at: v.resend_at(),
                expires_at: v.expires_at,
                open: v.is_open(now),
                attempts_left: (MAX_ATTEMPTS - v.attempts).max(0),
                delivery,
            });
        }
        let [pending_email, pending_phone] = pending;
        Ok(Contacts {
            email: user.email.clone(),
            phone: user.phone.clone(),
            pending_email,
            pending_phone,
            phone_channels: self.settings.contacts.phone_channels.clone(),
        })
    }

    /// Sends a code (and link) to a new email address.
    pub async fn request_email_code(
        &self,
        user: &User,
        session: &Session,
        raw: &str,
        locale: Locale,
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        self.require_recent(session)?;
        let email =
            Email::parse(raw).map_err(|e| CoreError::field("email", FieldErrorKind::Email(e)))?;
        if user.email.as_ref() == Some(&email) {
            return Err(CoreError::field("email", FieldErrorKind::Unchanged));
        }
        self.verify_in_own_tx(
            user,
            ContactKind::Email,
            email.as_str(),
            Channel::Email,
            locale,
            client,
        )
        .await
    }

    /// Sends a code to a new phone number by SMS or call.
    pub async fn request_phone_code(
        &self,
        user: &User,
        session: &Session,
        raw: &str,
        channel: &str,
        locale: Locale,
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        self.require_recent(session)?;
        let channel = Channel::parse(channel)
            .filter(|c| self.settings.contacts.phone_channels.contains(c))
            .ok_or_else(|| CoreError::field("channel", FieldErrorKind::Channel))?;
        let phone = Phone::parse(raw, self.settings.contacts.phone_region)
            .map_err(|_| CoreError::field("phone", FieldErrorKind::Phone))?;
        if user.phone.as_ref() == Some(&phone) {
            return Err(CoreError::field("phone", FieldErrorKind::Unchanged));
        }
        self.verify_in_own_tx(
            user,
            ContactKind::Phone,
            phone.as_str(),
            channel,
            locale,
            client,
        )
        .await
    }

    /// Sends a new code for the address being verified (the old code dies).
    pub async fn resend_code(
        &self,
        user: &User,
        session: &Session,
        kind: ContactKind,
        locale: Locale,
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        self.require_recent(session)?;
        let mut tx = self.store.begin().await?;
        let pending = tx
            .find_verification(user.id, kind)
            .await?
            .filter(|v| v.used_at.is_none())
            .ok_or_else(|| CoreError::field("code", FieldErrorKind::CodeMissing))?;
        self.start_verification(
            &mut *tx,
            user,
            kind,
            &pending.address,
            pending.channel,
            locale,
            client,
        )
        .await?;
        tx.commit().await?;
        self.outbox_changed();
        Ok(())
    }

    /// [`Self::start_verification`] as a use case of its own.
    async fn verify_in_own_tx(
        &self,
        user: &User,
        kind: ContactKind,
        address: &str,
        channel: Channel,
        locale: Locale,
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        let mut tx = self.store.begin().await?;
        self.start_verification(&mut *tx, user, kind, address, channel, locale, client)
            .await?;
        tx.commit().await?;
        self.outbox_changed();
        Ok(())
    }

    /// Creates a verification with a fresh code and queues its message, unless the
    /// previous code of this kind is younger than a minute.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn start_verification(
        &self,
        tx: &mut dyn Tx,
        user: &User,
        kind: ContactKind,
        address: &str,
        channel: Channel,
        locale: Locale,
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        let now = self.clock.now();
        // The account's row held until this commits: simultaneous requests for codes
        // queue here, so each sees the code the one before it sent (one a minute).
        tx.lock_user(user.id).await?.ok_or(CoreError::NotFound)?;
        if let Some(previous) = tx.find_verification(user.id, kind).await? {
            if previous.used_at.is_none() && !previous.may_resend(now) {
                let seconds = (previous.resend_at() - now).whole_seconds().max(1);
                return Err(CoreError::field(
                    field_for(kind),
                    FieldErrorKind::TooSoon { seconds },
                ));
            }
        }
        let locale = user.locale.unwrap_or(locale);
        let id = self.random_id(16);
        let code = generate_code(self.random.as_ref());
        let link =
            (kind == ContactKind::Email).then(|| SecretToken::generate(self.random.as_ref()));
        let message = match (kind, channel) {
            (ContactKind::Email, _) => Message::VerifyEmail {
                to: address.to_owned(),
                locale,
                code: code.clone(),
                link: format!(
                    "{}/contacts/confirm?token={}",
                    self.settings.oidc.issuer,
                    link.as_ref().map(SecretToken::expose).unwrap_or_default()
                ),
            },
            (ContactKind::Phone, Channel::Call) => Message::VerifyPhoneCall {
                to: address.to_owned(),
                code: code.clone(),
            },
            (ContactKind::Phone, _) => Message::VerifyPhoneSms {
                to: address.to_owned(),
                locale,
                code: code.clone(),
            },
        };
        let message_id = self.enqueue(tx, &message).await?;
        tx.replace_verification(&Verification {
            code_hash: self.code_key().hash(&id, &code),
            id,
            user_id: user.id,
            kind,
            address: address.to_owned(),
            channel,
            link_hash: link.as_ref().map(SecretToken::hash),
            attempts: 0,
            created_at: now,
            expires_at: now + CODE_TTL,
            used_at: None,
            message_id: Some(message_id),
        })
        .await?;
        let event = self
            .event(Some(user.id), EventCategory::ContactCodeSent, client)
            .with_details(
                json!({ "kind": kind.as_str(), "channel": channel.as_str(), "to": mask(address) }),
            );
        tx.insert_event(&event).await?;
        Ok(())
    }

    /// Confirms the pending address of `kind` with the code the person typed.
    pub async fn confirm_code(
        &self,
        user: &User,
        kind: ContactKind,
        code: &str,
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        // Locked: simultaneous confirmations queue here, and each sees the attempts
        // counted before it.
        let pending = tx
            .lock_verification(user.id, kind)
            .await?
            .ok_or_else(|| CoreError::field("code", FieldErrorKind::CodeMissing))?;
        match pending.check(&self.code_key(), code, now) {
            Ok(()) => {}
            Err(CodeError::Wrong) => {
                // The try counts even though nothing else changes.
                let attempts = tx.count_attempt(&pending.id).await?;
                if attempts >= MAX_ATTEMPTS {
                    let event = self
                        .event(Some(user.id), EventCategory::ContactCodeRejected, client)
                        .with_details(json!({ "kind": kind.as_str() }));
                    tx.insert_event(&event).await?;
                }
                tx.commit().await?;
                return Err(CoreError::field(
                    "code",
                    code_error(CodeError::Wrong, attempts),
                ));
            }
            Err(e) => return Err(CoreError::field("code", code_error(e, pending.attempts))),
        }
        self.apply_verification(&mut *tx, user, &pending, client)
            .await?;
        tx.commit().await?;
        self.outbox_changed();
        Ok(())
    }

    /// Confirms an email address from the link in the message; no session needed, as
    /// the link itself proves the mailbox.
    pub async fn confirm_link(&self, token: &str, client: &ClientInfo) -> Result<(), CoreError> {
        let now = self.clock.now();
        let invalid = || CoreError::field("code", FieldErrorKind::CodeMissing);
        let token = SecretToken::from_client(token).ok_or_else(invalid)?;
        let mut tx = self.store.begin().await?;
        let pending = tx
            .find_verification_by_link(&token.hash())
            .await?
            .ok_or_else(invalid)?;
        if pending.used_at.is_some() {
            return Err(CoreError::field("code", FieldErrorKind::CodeUsed));
        }
        if now >= pending.expires_at {
            return Err(CoreError::field("code", FieldErrorKind::CodeExpired));
        }
        if pending.attempts >= MAX_ATTEMPTS {
            return Err(CoreError::field("code", FieldErrorKind::CodeExhausted));
        }
        let user = tx
            .find_user(pending.user_id)
            .await?
            .ok_or(CoreError::NotFound)?;
        self.apply_verification(&mut *tx, &user, &pending, client)
            .await?;
        tx.commit().await?;
        self.outbox_changed();
        Ok(())
    }

    /// Puts the verified address on the account, spends the code and the link, logs
    /// the change and tells the old address.
    async fn apply_verification(
        &self,
        tx: &mut dyn Tx,
        user: &User,
        pending: &Verification,
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        let now = self.clock.now();
        let taken = |e: StoreError| match e {
            StoreError::Conflict(_) => {
                CoreError::field(field_for(pending.kind), FieldErrorKind::Taken)
            }
            e => e.into(),
        };
        match pending.kind {
            ContactKind::Email => {
                let email = Email::from_trusted(pending.address.clone());
                tx.set_email(user.id, Some(&email), now)
                    .await
                    .map_err(taken)?;
                let event = self
                    .event(Some(user.id), EventCategory::EmailChanged, client)
                    .with_details(
                        json!({ "to": mask(email.as_str()), "added": user.email.is_none() }),
                    );
                tx.insert_event(&event).await?;
                self.grant_invited(tx, user.id, &email, client).await?;
                if let Some(old) = user.email.as_ref().filter(|old| **old != email) {
                    let notice = Message::EmailChanged {
                        to: old.to_string(),
                        locale: self.mail_locale(tx, user).await?,
                        new_address: Some(mask(email.as_str())),
                        secure_link: Some(self.recovery_link(tx, user.id, old).await?),
                    };
                    self.enqueue(tx, &notice).await?;
                }
            }
            ContactKind::Phone => {
                let phone = Phone::from_trusted(pending.address.clone());
                tx.set_phone(user.id, Some(&phone), now)
                    .await
                    .map_err(taken)?;
                let event = self
                    .event(Some(user.id), EventCategory::PhoneChanged, client)
                    .with_details(
                        json!({ "to": mask(phone.as_str()), "added": user.phone.is_none() }),
                    );
                tx.insert_event(&event).await?;
            }
        }
        if !tx.use_verification(&pending.id, now).await? {
            return Err(CoreError::field("code", FieldErrorKind::CodeUsed));
        }
        Ok(())
    }

    /// Removes the account's email or phone (the page confirms first).
    pub async fn remove_contact(
        &self,
        user: &User,
        session: &Session,
        kind: ContactKind,
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        self.require_recent(session)?;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        // The row as it is now, held until this commits: a login cleared a moment ago
        // in another request must count.
        let user = tx.lock_user(user.id).await?.ok_or(CoreError::NotFound)?;
        match kind {
            ContactKind::Email => {
                let Some(old) = &user.email else {
                    return Err(CoreError::NotFound);
                };
                // Without a login the email is the only way to sign in.
                if user.login.is_none() {
                    return Err(CoreError::field("email", FieldErrorKind::LastIdentifier));
                }
                tx.set_email(user.id, None, now).await?;
                let event = self
                    .event(Some(user.id), EventCategory::EmailRemoved, client)
                    .with_details(json!({ "was": mask(old.as_str()) }));
                tx.insert_event(&event).await?;
                let notice = Message::EmailChanged {
                    to: old.to_string(),
                    locale: self.mail_locale(&mut *tx, &user).await?,
                    new_address: None,
                    secure_link: Some(self.recovery_link(&mut *tx, user.id, old).await?),
                };
                self.enqueue(&mut *tx, &notice).await?;
            }
            ContactKind::Phone => {
                let Some(old) = &user.phone else {
                    return Err(CoreError::NotFound);
                };
                tx.set_phone(user.id, None, now).await?;
                let event = self
                    .event(Some(user.id), EventCategory::PhoneRemoved, client)
                    .with_details(json!({ "was": mask(old.as_str()) }));
                tx.insert_event(&event).await?;
            }
        }
        tx.delete_verification(user.id, kind).await?;
        tx.commit().await?;
        self.outbox_changed();
        Ok(())
    }
}
