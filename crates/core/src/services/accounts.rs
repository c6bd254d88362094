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
use crate::telemetry::{self, Method};
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
    /// The browser's device cookie ([`crate::throttle::DeviceKey`]), which learns this
    /// account too.
    pub device: Option<String>,
}

/// What [`Sigil::end_all_sessions`] ended.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ended {
    pub sessions: u64,
    pub grants: u64,
    /// Back-channel logouts queued for applications.
    pub logouts: usize,
}

/// A fresh session: the token goes into the cookie once and is never stored.
#[derive(Debug)]
pub struct SignedIn {
    pub user: User,
    pub session: Session,
    pub token: SecretToken,
    /// Mandatory fields still empty; the person is asked for them before going on.
    pub missing_fields: Vec<String>,
    /// The browser's new device cookie, after a password sign-in ([`crate::throttle::DeviceKey`]).
    pub device_cookie: Option<String>,
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
        // one address cannot mass-create accounts; taken before the hashing.
        let now = self.clock.now();
        let gate = throttle::Gate {
            key: throttle::key("register", client.ip.as_deref().unwrap_or("unknown")),
            rule: self.settings.throttle.address(),
        };
        let mut tx = self.store.begin().await?;
        let taken = throttle::take(&mut *tx, &[gate], now).await?;
        tx.commit().await?;
        if taken != throttle::Taken::Allowed {
            return Err(CoreError::Throttled);
        }

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
        // Notices go in the language the person registered in until they pick one.
        tx.set_mail_locale(user.id, input.locale.unwrap_or(input.request_locale))
            .await?;
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
        let token = self
            .device_key
            .issue(user.id, &user.password_hash, self.random.as_ref());
        let mut signed_in = signed_in;
        signed_in.device_cookie =
            Some(self.device_key.cookie_with(input.device.as_deref(), &token));
        Ok(signed_in)
    }

    /// Signs in with a login or email and a password. Unknown accounts and wrong
    /// passwords get the same answer after the same work. `device` is the browser's
    /// device cookie: a browser in which the account signed in before has an allowance
    /// of its own, so that failures elsewhere cannot lock the owner out.
    pub async fn sign_in(
        &self,
        identifier: &str,
        password: &str,
        previous: Option<TokenHash>,
        device: Option<&str>,
        client: &ClientInfo,
    ) -> Result<SignedIn, CoreError> {
        let now = self.clock.now();
        let policy = self.settings.throttle;
        let mut conn = self.store.read().await?;
        let user = find_by_identifier(&mut *conn, identifier).await?;
        drop(conn);
        let trusted = user.as_ref().zip(device).and_then(|(u, cookie)| {
            let epoch = u.password_hash.as_deref().unwrap_or_default();
            self.device_key.find(cookie, u.id, epoch)
        });
        let ip_key = throttle::key("ip", client.ip.as_deref().unwrap_or("unknown"));
        // The attempt is taken before the password is checked, on rows locked in this
        // transaction: simultaneous requests get no more checks than the limit.
        // One allowance per account, whichever of its identifiers is typed; one per
        // identifier for accounts that do not exist, which answer the same.
        let account_key = match &user {
            Some(u) => throttle::key("account", &u.id.to_string()),
            None => throttle::key("sign-in", identifier),
        };
        let gates = match &trusted {
            Some(token) => vec![throttle::Gate {
                key: throttle::key("device", &token.nonce),
                rule: policy.device(),
            }],
            None => vec![
                throttle::Gate {
                    key: ip_key.clone(),
                    rule: policy.address(),
                },
                throttle::Gate {
                    key: account_key.clone(),
                    rule: policy.account(),
                },
            ],
        };
        let mut tx = self.store.begin().await?;
        if let throttle::Taken::Refused { first } = throttle::take(&mut *tx, &gates, now).await? {
            // One event per window, however many attempts a flood makes.
            if first {
                let event = self
                    .event(
                        user.as_ref().map(|u| u.id),
                        EventCategory::SignInFailed,
                        client,
                    )
                    .with_details(json!({ "reason": "throttled" }));
                tx.insert_event(&event).await?;
            }
            tx.commit().await?;
            telemetry::sign_in(Method::Password, "throttled");
            return Err(CoreError::Throttled);
        }
        tx.commit().await?;

        let stored = user.as_ref().and_then(|u| u.password_hash.as_deref());
        let matched = self.hasher.verify(password, stored).await?;
        let user_id = user.as_ref().map(|u| u.id);
        let Some(user) = user.filter(|_| matched) else {
            // The attempt taken above is the failure's count.
            let mut tx = self.store.begin().await?;
            let event = self
                .event(user_id, EventCategory::SignInFailed, client)
                .with_details(json!({ "reason": "invalid_credentials" }));
            tx.insert_event(&event).await?;
            tx.commit().await?;
            telemetry::sign_in(Method::Password, "invalid_credentials");
            return Err(CoreError::InvalidCredentials);
        };
        if let UserStatus::PendingDeletion { .. } = user.status {
            // The right password: like a sign-in, it takes nothing from the allowance
            // (the owner must be able to reach the recovery page).
            let mut tx = self.store.begin().await?;
            match &trusted {
                Some(_) => tx.clear_counter(&gates[0].key).await?,
                None => {
                    throttle::refund(&mut *tx, &ip_key, now).await?;
                    tx.clear_counter(&account_key).await?;
                }
            }
            let refusal = self
                .refuse_pending_sign_in(&mut *tx, &user, SignInMethod::Password, client)
                .await?;
            tx.commit().await?;
            telemetry::sign_in(Method::Password, "pending_deletion");
            return Err(refusal);
        }
        if user.status != UserStatus::Active {
            let mut tx = self.store.begin().await?;
            let event = self
                .event(Some(user.id), EventCategory::SignInFailed, client)
                .with_details(json!({ "reason": "blocked" }));
            tx.insert_event(&event).await?;
            tx.commit().await?;
            telemetry::sign_in(Method::Password, "blocked");
            return Err(CoreError::Blocked);
        }

        let mut tx = self.store.begin().await?;
        match &trusted {
            Some(_) => tx.clear_counter(&gates[0].key).await?,
            None => {
                throttle::refund(&mut *tx, &ip_key, now).await?;
                tx.clear_counter(&account_key).await?;
            }
        }
        let mut signed_in = self
            .open_session(&mut *tx, user.id, previous, SignInMethod::Password, client)
            .await?;
        tx.commit().await?;
        telemetry::sign_in(Method::Password, "success");
        let epoch = user.password_hash.as_deref().unwrap_or_default();
        let token =
            trusted.unwrap_or_else(|| self.device_key.issue(user.id, epoch, self.random.as_ref()));
        signed_in.device_cookie = Some(self.device_key.cookie_with(device, &token));
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
            // what applications got under the old session ends with it (and they are
            // told, as at any sign-out; the delivery job finds the notices within a
            // second).
            self.end_one_session(tx, &previous, now).await?;
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
            device_cookie: None,
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
        if self
            .end_one_session(&mut *tx, &session.id_hash, self.clock.now())
            .await?
        {
            tx.insert_event(&self.event(Some(session.user_id), EventCategory::SignedOut, client))
                .await?;
        }
        tx.commit().await?;
        // Back-channel logouts may have been queued; a wake with none costs one query.
        self.outbox_changed();
        Ok(())
    }

    /// Log out from all devices: every browser session of the person ends, and with
    /// it every code, refresh token and access token any application holds for them
    /// (each is checked against these rows on use, so no node keeps one alive).
    /// Returns how many sessions ended.
    pub async fn sign_out_everywhere(
        &self,
        user: &User,
        client: &ClientInfo,
    ) -> Result<u64, CoreError> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let ended = self.end_all_sessions(&mut *tx, user.id, now).await?;
        let event = self
            .event(Some(user.id), EventCategory::SignedOutEverywhere, client)
            .with_details(
                json!({ "sessions_ended": ended.sessions, "grants_ended": ended.grants }),
            );
        tx.insert_event(&event).await?;
        tx.commit().await?;
        if ended.logouts > 0 {
            self.outbox_changed();
        }
        Ok(ended.sessions)
    }

    /// Ends one browser session and every code, refresh and access token issued under
    /// it, inside `tx`; `false` when there was no such session. Every use case that ends
    /// one session (sign-out, a device signed out from the console) goes through here.
    ///
    /// Each application that registered a back-channel logout URI and holds something
    /// under the session gets a logout token, queued here (see
    /// `services::oidc::backchannel`); the caller wakes the delivery job after its
    /// commit with [`Sigil::outbox_changed`].
    ///
    /// The session row goes first: a code exchange holds it (`lock_session`) while it
    /// inserts its family, so on PostgreSQL the delete waits for that exchange to
    /// commit, and the statements after it see the new family and end it.
    pub(crate) async fn end_one_session(
        &self,
        tx: &mut dyn Tx,
        id_hash: &TokenHash,
        now: time::OffsetDateTime,
    ) -> Result<bool, CoreError> {
        let ended = tx.delete_session(id_hash).await?;
        let targets = tx.logout_targets_of_session(id_hash, now).await?;
        tx.revoke_families_of_session(id_hash, now).await?;
        self.queue_logouts(tx, &targets).await?;
        Ok(ended)
    }

    /// Ends every browser session of the person and every code, refresh and access
    /// token issued under them, inside `tx`. Every use case that ends all of a
    /// person's sessions (log out everywhere, password change, deletion) goes through
    /// here, so each ends them the same way, and each tells the applications that
    /// asked for back-channel logout, as [`Sigil::end_one_session`] does (the caller
    /// wakes the delivery job after its commit when `Ended::logouts` is not zero).
    pub(crate) async fn end_all_sessions(
        &self,
        tx: &mut dyn Tx,
        user: UserId,
        now: time::OffsetDateTime,
    ) -> Result<Ended, CoreError> {
        let sessions = tx.delete_sessions_of_user(user).await?;
        let targets = tx.logout_targets_of_user(user, now).await?;
        let grants = tx.revoke_families_of_user(user, now).await?;
        let logouts = self.queue_logouts(tx, &targets).await?;
        Ok(Ended {
            sessions,
            grants,
            logouts,
        })
    }

    /// Changes the password after checking the current one, and ends every session of
    /// the person, this one included. The identifiers in `remove` (the form offers
    /// those linked since the password was last set) go with it; the verified address
    /// is told.
    pub async fn change_password(
        &self,
        user: &User,
        current: &str,
        new: &str,
        remove: &[String],
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        let now = self.clock.now();
        let policy = self.settings.throttle;
        let gate = throttle::Gate {
            key: throttle::key("password", &user.id.to_string()),
            rule: policy.password(),
        };
        let mut tx = self.store.begin().await?;
        let taken = throttle::take(&mut *tx, std::slice::from_ref(&gate), now).await?;
        tx.commit().await?;
        if taken != throttle::Taken::Allowed {
            return Err(CoreError::Throttled);
        }
        let new = self.parse_new_password(user, new).await?;
        if !self
            .hasher
            .verify(current, user.password_hash.as_deref())
            .await?
        {
            let mut errors = vec![FieldError::new(
                "current_password",
                FieldErrorKind::WrongPassword,
            )];
            if let Err(e) = new {
                errors.push(FieldError::new("new_password", FieldErrorKind::Password(e)));
            }
            return Err(CoreError::Invalid(errors));
        }
        let new = match new {
            Ok(new) => new,
            Err(e) => {
                // The current password was right: only guesses use up the allowance.
                let mut tx = self.store.begin().await?;
                throttle::refund(&mut *tx, &gate.key, now).await?;
                tx.commit().await?;
                return Err(CoreError::field(
                    "new_password",
                    FieldErrorKind::Password(e),
                ));
            }
        };
        let hash = self.hasher.hash(new).await?;
        let mut tx = self.store.begin().await?;
        tx.set_password_hash(user.id, &hash, now).await?;
        self.remove_identifiers_in(&mut *tx, user.id, remove, "password_changed", client)
            .await?;
        tx.mark_password_set(user.id, now).await?;
        let ended = self.end_all_sessions(&mut *tx, user.id, now).await?;
        tx.clear_counter(&gate.key).await?;
        let event = self
            .event(Some(user.id), EventCategory::PasswordChanged, client)
            .with_details(json!({ "sessions_ended": ended.sessions }));
        tx.insert_event(&event).await?;
        let fresh = tx.find_user(user.id).await?.ok_or(CoreError::NotFound)?;
        let notified = self.notify_password_changed(&mut *tx, &fresh).await?;
        tx.commit().await?;
        if notified || ended.logouts > 0 {
            self.outbox_changed();
        }
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
    /// [`EventPage::MAX`]) older than `before`, of `category` if given, where the next
    /// page starts, and which categories the whole log holds (one read, two queries).
    pub async fn events(
        &self,
        user: &User,
        category: Option<EventCategory>,
        before: Option<i64>,
        limit: i64,
    ) -> Result<EventPage, CoreError> {
        let limit = limit.clamp(1, EventPage::MAX);
        let mut conn = self.store.read().await?;
        // One more than the page tells whether an older page exists.
        let events = conn
            .list_events(user.id, category, before, limit + 1)
            .await?;
        let mut page = EventPage::cut(events, limit);
        page.categories = conn.event_categories(user.id).await?;
        Ok(page)
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
