//! Registration, sign-in, sessions, sign-out and password change.
use serde_json::json;

use super::{throttle, Sigil};
use crate::contact::{Channel, ContactKind};
use crate::email::Email;
use crate::error::{CoreError, FieldError, FieldErrorKind};
use crate::event::{ClientInfo, EventCategory, EventPage};
use crate::ids::UserId;
use crate::locale::Locale;
use crate::login::Login;
use crate::password::{NewPassword, PersonalWords};
use crate::ports::Tx;
use crate::session::Session;
use crate::session::SignInMethod;
use crate::token::{SecretToken, TokenHash};
use crate::user::{NewUser, User, UserStatus};

/// What a person types to register: a login, an email, or both, and a password.
#[derive(Debug, Default)]
pub struct Registration {
    pub login: String,
    pub email: String,
    pub password: String,
    pub locale: Option<Locale>,
    /// The language of the request, for the verification message.
    pub request_locale: Locale,
}

/// A fresh session: the token goes into the cookie once and is never stored.
#[derive(Debug)]
pub struct SignedIn {
    pub user: User,
    pub session: Session,
    pub token: SecretToken,
    /// Mandatory fields still empty; the person is asked for them before going on.
    pub missing_fields: Vec<String>,
}

impl Sigil {
    /// Creates an account and signs it in.
    pub async fn register(
        &self,
        input: Registration,
        client: &ClientInfo,
    ) -> Result<SignedIn, CoreError> {
        if !self.settings.registration_open {
            return Err(CoreError::NotFound);
        }
        let mut errors = Vec::new();
        let login = match input.login.trim() {
            "" => None,
            raw => Login::parse(raw)
                .map_err(|e| errors.push(FieldError::new("login", FieldErrorKind::Login(e))))
                .ok(),
        };
        let email = match input.email.trim() {
            "" => None,
            raw => Email::parse(raw)
                .map_err(|e| errors.push(FieldError::new("email", FieldErrorKind::Email(e))))
                .ok(),
        };
        if input.login.trim().is_empty() && input.email.trim().is_empty() {
            errors.push(FieldError::new("login", FieldErrorKind::Required));
        }
        let personal = PersonalWords {
            login: Some(input.login.trim()),
            email: Some(input.email.trim()),
            names: Vec::new(),
        };
        let password = NewPassword::parse(&input.password, &self.settings.passwords, &personal)
            .map_err(|e| errors.push(FieldError::new("password", FieldErrorKind::Password(e))))
            .ok();
        let Some(password) = password.filter(|_| errors.is_empty()) else {
            return Err(CoreError::Invalid(errors));
        };

        // Registrations count against the client address like failed sign-ins do, so
        // one address cannot mass-create accounts.
        let now = self.clock.now();
        let ip_key = throttle::key("register", client.ip.as_deref().unwrap_or("unknown"));
        let mut conn = self.store.read().await?;
        let window_start = now - self.settings.throttle.window;
        if conn.count_failures(&ip_key, window_start).await? >= self.settings.throttle.per_ip {
            return Err(CoreError::Throttled);
        }
        drop(conn);

        let password_hash = self.hasher.hash(password).await?;
        // The email goes on the account only once its code or link confirms it.
        let user = NewUser {
            id: UserId::generate(self.random.as_ref()),
            login,
            email: None,
            password_hash,
            is_operator: false,
            locale: input.locale,
            created_at: now,
        };
        let mut tx = self.store.begin().await?;
        tx.create_user(&user).await?;
        tx.record_failure(&ip_key, now).await?;
        tx.insert_event(&self.event(Some(user.id), EventCategory::Registered, client))
            .await?;
        let signed_in = self
            .open_session(&mut *tx, user.id, None, SignInMethod::Password, client)
            .await?;
        if let Some(email) = &email {
            self.start_verification(
                &mut *tx,
                &signed_in.user,
                ContactKind::Email,
                email.as_str(),
                Channel::Email,
                input.locale.unwrap_or(input.request_locale),
                client,
            )
            .await?;
        }
        tx.commit().await?;
        if email.is_some() {
            self.outbox_changed();
        }
        Ok(signed_in)
    }

    /// Signs in with a login or email and a password. Unknown accounts and wrong
    /// passwords get the same answer after the same work.
    pub async fn sign_in(
        &self,
        identifier: &str,
        password: &str,
        previous: Option<TokenHash>,
        client: &ClientInfo,
    ) -> Result<SignedIn, CoreError> {
        let now = self.clock.now();
        let policy = self.settings.throttle;
        let since = now - policy.window;
        let account_key = throttle::key("sign-in", identifier);
        let ip_key = throttle::key("ip", client.ip.as_deref().unwrap_or("unknown"));

        let mut conn = self.store.read().await?;
        if conn.count_failures(&account_key, since).await? >= policy.per_account
            || conn.count_failures(&ip_key, since).await? >= policy.per_ip
        {
            drop(conn);
            let mut tx = self.store.begin().await?;
            let user = find_by_identifier(&mut *tx, identifier).await?;
            let event = self
                .event(user.map(|u| u.id), EventCategory::SignInFailed, client)
                .with_details(json!({ "reason": "throttled" }));
            tx.insert_event(&event).await?;
            tx.commit().await?;
            return Err(CoreError::Throttled);
        }
        let user = find_by_identifier(&mut *conn, identifier).await?;
        drop(conn);

        let stored = user.as_ref().and_then(|u| u.password_hash.as_deref());
        let matched = self.hasher.verify(password, stored).await?;
        let user_id = user.as_ref().map(|u| u.id);
        let Some(user) = user.filter(|_| matched) else {
            let mut tx = self.store.begin().await?;
            tx.record_failure(&account_key, now).await?;
            tx.record_failure(&ip_key, now).await?;
            let event = self
                .event(user_id, EventCategory::SignInFailed, client)
                .with_details(json!({ "reason": "invalid_credentials" }));
            tx.insert_event(&event).await?;
            tx.commit().await?;
            return Err(CoreError::InvalidCredentials);
        };
        if user.status != UserStatus::Active {
            let mut tx = self.store.begin().await?;
            let event = self
                .event(Some(user.id), EventCategory::SignInFailed, client)
                .with_details(json!({ "reason": "blocked" }));
            tx.insert_event(&event).await?;
            tx.commit().await?;
            return Err(CoreError::Blocked);
        }

        let mut tx = self.store.begin().await?;
        tx.clear_failures(&account_key).await?;
        let signed_in = self
            .open_session(&mut *tx, user.id, previous, SignInMethod::Password, client)
            .await?;
        tx.commit().await?;
        Ok(signed_in)
    }

    pub(crate) async fn open_session(
        &self,
        tx: &mut dyn Tx,
        user_id: UserId,
        previous: Option<TokenHash>,
        method: SignInMethod,
        client: &ClientInfo,
    ) -> Result<SignedIn, CoreError> {
        let now = self.clock.now();
        if let Some(previous) = previous {
            // A sign-in always gets a fresh id, so a planted cookie cannot ride along;
            // what applications got under the old session ends with it.
            tx.delete_session(&previous).await?;
            tx.revoke_families_of_session(&previous, now).await?;
        }
        let token = SecretToken::generate(self.random.as_ref());
        let mut sid = [0u8; 16];
        self.random.fill(&mut sid);
        let session = Session {
            id_hash: token.hash(),
            sid: base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, sid),
            user_id,
            created_at: now,
            last_seen_at: now,
            expires_at: now + self.settings.sessions.absolute_lifetime,
            auth_time: now,
            method: method.clone(),
            client: client.clone(),
        };
        tx.create_session(&session).await?;
        let mut event = self.event(Some(user_id), EventCategory::SignInSucceeded, client);
        if let SignInMethod::Provider(provider) = &method {
            event = event.with_details(json!({ "provider": provider }));
        }
        tx.insert_event(&event).await?;
        let user = tx.find_user(user_id).await?.ok_or(CoreError::NotFound)?;
        let values = tx.field_values(user_id).await?;
        let missing_fields = self
            .settings
            .catalogue
            .missing_mandatory(|f| super::profile::has_value(&user, &values, f))
            .into_iter()
            .map(|f| f.key.clone())
            .collect();
        Ok(SignedIn {
            user,
            session,
            token,
            missing_fields,
        })
    }

    /// The session and person behind a cookie, if the session is still alive.
    pub async fn authenticate(&self, token: &SecretToken) -> Result<(Session, User), CoreError> {
        let now = self.clock.now();
        let policy = self.settings.sessions;
        let mut conn = self.store.read().await?;
        let session = conn
            .find_session(&token.hash())
            .await?
            .filter(|s| s.is_live(now, &policy))
            .ok_or(CoreError::Unauthenticated)?;
        let user = conn
            .find_user(session.user_id)
            .await?
            .filter(|u| u.status == UserStatus::Active)
            .ok_or(CoreError::Unauthenticated)?;
        drop(conn);
        if session.needs_touch(now, &policy) {
            let mut tx = self.store.begin().await?;
            tx.touch_session(&session.id_hash, now).await?;
            tx.commit().await?;
        }
        Ok((session, user))
    }

    pub async fn sign_out(&self, session: &Session, client: &ClientInfo) -> Result<(), CoreError> {
        let mut tx = self.store.begin().await?;
        tx.revoke_families_of_session(&session.id_hash, self.clock.now())
            .await?;
        if tx.delete_session(&session.id_hash).await? {
            tx.insert_event(&self.event(Some(session.user_id), EventCategory::SignedOut, client))
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Changes the password after checking the current one, and ends every session of
    /// the person, this one included.
    pub async fn change_password(
        &self,
        user: &User,
        current: &str,
        new: &str,
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        let now = self.clock.now();
        let policy = self.settings.throttle;
        let key = throttle::key("password", &user.id.to_string());
        let mut conn = self.store.read().await?;
        if conn.count_failures(&key, now - policy.window).await? >= policy.per_account {
            return Err(CoreError::Throttled);
        }
        drop(conn);
        let new = self.parse_new_password(user, new).await?;
        if !self
            .hasher
            .verify(current, user.password_hash.as_deref())
            .await?
        {
            let mut tx = self.store.begin().await?;
            tx.record_failure(&key, now).await?;
            tx.commit().await?;
            let mut errors = vec![FieldError::new(
                "current_password",
                FieldErrorKind::WrongPassword,
            )];
            if let Err(e) = new {
                errors.push(FieldError::new("new_password", FieldErrorKind::Password(e)));
            }
            return Err(CoreError::Invalid(errors));
        }
        let new = new.map_err(|e| CoreError::field("new_password", FieldErrorKind::Password(e)))?;
        let hash = self.hasher.hash(new).await?;
        let mut tx = self.store.begin().await?;
        tx.set_password_hash(user.id, &hash, now).await?;
        let ended = tx.delete_sessions_of_user(user.id).await?;
        tx.revoke_families_of_user(user.id, now).await?;
        tx.clear_failures(&key).await?;
        let event = self
            .event(Some(user.id), EventCategory::PasswordChanged, client)
            .with_details(json!({ "sessions_ended": ended }));
        tx.insert_event(&event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Remembers the language the person picked.
    pub async fn set_locale(
        &self,
        user: &User,
        locale: Locale,
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        if user.locale == Some(locale) {
            return Ok(());
        }
        let mut tx = self.store.begin().await?;
        tx.set_locale(user.id, Some(locale), self.clock.now())
            .await?;
        let event = self
            .event(Some(user.id), EventCategory::LocaleChanged, client)
            .with_details(json!({ "locale": locale.tag() }));
        tx.insert_event(&event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The person's activity log, newest first: up to `limit` events (1 to
    /// [`EventPage::MAX`]) older than `before`, and where the next page starts.
    pub async fn events(
        &self,
        user: &User,
        before: Option<i64>,
        limit: i64,
    ) -> Result<EventPage, CoreError> {
        let limit = limit.clamp(1, EventPage::MAX);
        let mut conn = self.store.read().await?;
        // One more than the page tells whether an older page exists.
        let events = conn.list_events(user.id, before, limit + 1).await?;
        Ok(EventPage::cut(events, limit))
    }
}

async fn find_by_identifier(
    conn: &mut dyn Tx,
    identifier: &str,
) -> Result<Option<User>, CoreError> {
    let identifier = identifier.trim();
    if identifier.contains('@') {
        match Email::parse(identifier) {
            // Only a verified address signs in (accounts from before verification
            // existed may hold an unverified one).
            Ok(email) => Ok(conn
                .find_user_by_email(&email)
                .await?
                .filter(|u| u.email_verified)),
            Err(_) => Ok(None),
        }
    } else {
        match Login::parse(identifier) {
            Ok(login) => Ok(conn.find_user_by_login(&login).await?),
            Err(_) => Ok(None),
        }
    }
}

impl Sigil {
    /// Housekeeping: drops expired sessions and failure counters past every window.
    pub async fn purge_expired(&self) -> Result<(), CoreError> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        tx.delete_expired_sessions(now).await?;
        tx.purge_failures(now - self.settings.throttle.window)
            .await?;
        // A day after expiry nobody needs a verification, nor a week after a message
        // went out (or was given up) its outbox row.
        tx.purge_verifications(now - time::Duration::days(1))
            .await?;
        tx.purge_messages(now - time::Duration::days(7)).await?;
        tx.purge_identifier_requests(now).await?;
        tx.commit().await?;
        Ok(())
    }
}
