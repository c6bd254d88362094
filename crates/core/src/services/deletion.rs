//! Deleting an account, the recovery page and restoring, and erasure once the grace
//! period has passed. The lifecycle and its reasons are in [`crate::deletion`].
use serde_json::json;
use time::OffsetDateTime;

use super::recovery::verified_email;
use super::{throttle, Sigil, SignedIn};
use crate::deletion::{
    self, DeletionError, PendingAccount, PendingSignIn, RestoreTicket, Scheduled, StoredTicket,
    ERASURE, KEPT_EVENT_DETAILS, RESTORE_TICKET_TTL, TOMBSTONE_PREFIX,
};
use crate::error::{CoreError, FieldErrorKind};
use crate::event::{ClientInfo, EventCategory};
use crate::ids::UserId;
use crate::outbox::Message;
use crate::ports::Tx;
use crate::session::{Session, SignInMethod};
use crate::telemetry::{self, Method};
use crate::token::{SecretToken, TokenHash};
use crate::user::{User, UserStatus};

fn refused(e: DeletionError) -> CoreError {
    CoreError::Deletion(e)
}

/// The recovery page: whose account, and when it will be erased.
#[derive(Clone, Debug)]
pub struct RestorePage {
    pub user: User,
    pub erase_after: OffsetDateTime,
}

impl Sigil {
    /// Delete account: the account becomes pending deletion for the grace period
    /// ([`super::Settings::deletion_grace`]), every session and token of the person ends
    /// (through [`Sigil::end_all_sessions`], so applications are told as for Log out
    /// from all devices), and the verified address learns the date of erasure.
    ///
    /// The person confirms with their password, throttled like a password change (one
    /// allowance for both: they check the same secret). An account without a password
    /// (it signs in through providers only) confirms with a sign-in younger than the
    /// re-authentication window instead: `ReauthRequired` sends the person through the
    /// console's re-auth step, a fresh sign-in at their provider.
    ///
    /// Decided on the account's row locked in the transaction that changes it: deleting
    /// twice (two tabs, two nodes) schedules once and answers the second with
    /// [`DeletionError::AlreadyPending`].
    pub async fn request_deletion(
        &self,
        session: &Session,
        user: &User,
        password: &str,
        client: &ClientInfo,
    ) -> Result<Scheduled, CoreError> {
        let now = self.clock.now();
        let mut conn = self.store.read().await?;
        let fresh = conn
            .find_user(user.id)
            .await?
            .ok_or(CoreError::Unauthenticated)?;
        drop(conn);
        if let Some(erase_after) = fresh.status.erase_after() {
            return Err(refused(DeletionError::AlreadyPending { erase_after }));
        }
        let gate = throttle::Gate {
            key: throttle::key("password", &user.id.to_string()),
            rule: self.settings.throttle.password(),
        };
        match fresh.password_hash.as_deref() {
            Some(hash) => {
                let mut tx = self.store.begin().await?;
                let taken = throttle::take(&mut *tx, std::slice::from_ref(&gate), now).await?;
                tx.commit().await?;
                if taken != throttle::Taken::Allowed {
                    return Err(CoreError::Throttled);
                }
                if !self.hasher.verify(password, Some(hash)).await? {
                    return Err(CoreError::field("password", FieldErrorKind::WrongPassword));
                }
            }
            None if now - session.auth_time > self.settings.contacts.reauth_after => {
                return Err(CoreError::ReauthRequired);
            }
            None => {}
        }

        let mut tx = self.store.begin().await?;
        let locked = tx
            .lock_user(user.id)
            .await?
            .ok_or(CoreError::Unauthenticated)?;
        match locked.status {
            UserStatus::Active => {}
            UserStatus::PendingDeletion { erase_after, .. } => {
                return Err(refused(DeletionError::AlreadyPending { erase_after }));
            }
            UserStatus::Blocked => return Err(CoreError::Blocked),
        }
        // A password changed since it was checked has ended this session already.
        if locked.password_hash != fresh.password_hash {
            return Err(CoreError::Unauthenticated);
        }
        let erase_after = deletion::erase_after(now, self.settings.deletion_grace);
        if !tx.mark_pending_deletion(user.id, now, erase_after).await? {
            return Err(CoreError::Unauthenticated);
        }
        let ended = self.end_all_sessions(&mut *tx, user.id, now).await?;
        tx.clear_counter(&gate.key).await?;
        let event = self
            .event(Some(user.id), EventCategory::DeletionRequested, client)
            .with_details(json!({
                "erase_after": erase_after.unix_timestamp(),
                "sessions_ended": ended.sessions,
                "grants_ended": ended.grants,
            }));
        tx.insert_event(&event).await?;
        let notified = match verified_email(&locked) {
            Some(to) => {
                let message = Message::DeletionScheduled {
                    to: to.to_string(),
                    locale: self.mail_locale(&mut *tx, &locked).await?,
                    erase_after,
                    sign_in: Some(format!("{}/login", self.settings.oidc.issuer)),
                };
                self.enqueue(&mut *tx, &message).await?;
                true
            }
            None => false,
        };
        tx.commit().await?;
        if notified || ended.logouts > 0 {
            self.outbox_changed();
        }
        Ok(Scheduled {
            erase_after,
            sessions_ended: ended.sessions,
        })
    }

    /// The answer to a correct sign-in (password or identifier) to an account pending
    /// deletion: no session, one event in `tx` (which the caller commits), and
    /// [`DeletionError::Scheduled`] for the web layer to answer with (the recovery page
    /// in the console, the scheduled-deletion page for an application). The person
    /// proved who they are, so it is not a failed sign-in.
    pub(crate) async fn refuse_pending_sign_in(
        &self,
        tx: &mut dyn Tx,
        user: &User,
        method: SignInMethod,
        client: &ClientInfo,
    ) -> Result<CoreError, CoreError> {
        let Some(erase_after) = user.status.erase_after() else {
            return Ok(CoreError::Blocked);
        };
        let mut details = json!({});
        if let SignInMethod::Provider(provider) = &method {
            details["provider"] = json!(provider);
        }
        let event = self
            .event(Some(user.id), EventCategory::SignInPendingDeletion, client)
            .with_details(details);
        tx.insert_event(&event).await?;
        Ok(refused(DeletionError::Scheduled(Box::new(
            PendingSignIn::new(user.id, user.locale, erase_after, method),
        ))))
    }

    /// Opens the recovery page for a sign-in to the console that [`DeletionError::Scheduled`]
    /// answered: a ticket for the browser, valid for [`RESTORE_TICKET_TTL`], good for the
    /// recovery page and nothing else.
    pub async fn open_restore(&self, pending: PendingSignIn) -> Result<RestoreTicket, CoreError> {
        let now = self.clock.now();
        let token = SecretToken::generate(self.random.as_ref());
        let expires_at = now + RESTORE_TICKET_TTL;
        let mut tx = self.store.begin().await?;
        tx.insert_restore_ticket(
            &token.hash(),
            pending.user,
            &pending.method.stored(),
            now,
            expires_at,
        )
        .await?;
        tx.commit().await?;
        Ok(RestoreTicket { token, expires_at })
    }

    /// What the recovery page shows for `ticket`: the account and when it will be
    /// erased. A spent, expired or unknown ticket, or an account no longer pending, is
    /// a [`DeletionError`] that says which.
    pub async fn restore_page(&self, ticket: &SecretToken) -> Result<RestorePage, CoreError> {
        let now = self.clock.now();
        let mut conn = self.store.read().await?;
        let stored = conn.find_restore_ticket(&ticket.hash()).await?;
        let user = match &stored {
            Some(t) => conn.find_user(t.user).await?,
            None => None,
        };
        drop(conn);
        let (stored, user) = ticket_state(stored, user, now)?;
        if stored.used {
            return Err(refused(DeletionError::NotPending));
        }
        Ok(RestorePage {
            erase_after: user.status.erase_after().unwrap_or(now),
            user,
        })
    }

    /// Restore account: spends the ticket and returns the account to active with all it
    /// held, and opens a fresh session (the ticket proves a sign-in minutes ago). The
    /// sessions and tokens that ended at deletion stay ended. Restoring an active
    /// account, or one already erased, changes nothing and says so.
    pub async fn restore_account(
        &self,
        ticket: &SecretToken,
        previous: Option<TokenHash>,
        client: &ClientInfo,
    ) -> Result<SignedIn, CoreError> {
        let now = self.clock.now();
        let hash = ticket.hash();
        let mut tx = self.store.begin().await?;
        let stored = tx.find_restore_ticket(&hash).await?;
        let user = match &stored {
            Some(t) => tx.lock_user(t.user).await?,
            None => None,
        };
        let (stored, user) = ticket_state(stored, user, now)?;
        if stored.used || !tx.use_restore_ticket(&hash, now).await? {
            return Err(refused(DeletionError::NotPending));
        }
        if !tx.restore_user(user.id, now).await? {
            return Err(refused(DeletionError::NotPending));
        }
        let requested_at = match user.status {
            UserStatus::PendingDeletion { requested_at, .. } => requested_at.unix_timestamp(),
            _ => 0,
        };
        let event = self
            .event(Some(user.id), EventCategory::AccountRestored, client)
            .with_details(json!({ "requested_at": requested_at }));
        tx.insert_event(&event).await?;
        let signed_in = self
            .open_session(&mut *tx, user.id, previous, stored.method, client)
            .await?;
        tx.commit().await?;
        telemetry::sign_in(Method::Restore, "success");
        Ok(signed_in)
    }

    /// Sign out on the recovery page: the ticket is spent; nothing else changes.
    pub async fn leave_restore(&self, ticket: &SecretToken) -> Result<(), CoreError> {
        let mut tx = self.store.begin().await?;
        tx.delete_restore_ticket(&ticket.hash()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The accounts pending deletion, soonest erasure first (`sigil accounts pending`).
    pub async fn pending_deletions(&self) -> Result<Vec<PendingAccount>, CoreError> {
        let mut conn = self.store.read().await?;
        let users = conn.list_pending_deletions(None).await?;
        Ok(users.iter().filter_map(PendingAccount::from_user).collect())
    }

    /// The erasure job: every node calls it every `every`; the node that takes the
    /// [`ERASURE`] lease erases the accounts due, the others skip (`None`). Each account
    /// is erased in its own transaction on its locked row, so a run that overlaps
    /// `sigil accounts purge` erases each account once. `stopping` is asked before each
    /// account: once the node is stopping, the rest waits for the next run.
    pub async fn erase_due_accounts(
        &self,
        node: &str,
        every: time::Duration,
        stopping: &(dyn Fn() -> bool + Sync),
    ) -> Result<Option<Vec<PendingAccount>>, CoreError> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        if !tx.take_lease(ERASURE, node, now, now + every).await? {
            return Ok(None);
        }
        tx.purge_restore_tickets(now - time::Duration::days(1))
            .await?;
        tx.commit().await?;
        self.erase_due(stopping).await.map(Some)
    }

    /// Erases every account whose grace period has passed, now (`sigil accounts purge`,
    /// and the job); returns what was erased.
    pub async fn purge_due_accounts(&self) -> Result<Vec<PendingAccount>, CoreError> {
        self.erase_due(&|| false).await
    }

    /// Erases the accounts due, one by one until `stopping` says so.
    async fn erase_due(
        &self,
        stopping: &(dyn Fn() -> bool + Sync),
    ) -> Result<Vec<PendingAccount>, CoreError> {
        let now = self.clock.now();
        let mut conn = self.store.read().await?;
        let due = conn.list_pending_deletions(Some(now)).await?;
        drop(conn);
        let mut erased = Vec::new();
        for user in due {
            if stopping() {
                break;
            }
            if let Some(account) = self.erase_account(user.id, now).await? {
                erased.push(account);
            }
        }
        Ok(erased)
    }

    /// Erases one account if it is still pending and due, with one event under its
    /// tombstone.
    async fn erase_account(
        &self,
        id: UserId,
        now: OffsetDateTime,
    ) -> Result<Option<PendingAccount>, CoreError> {
        let mut tx = self.store.begin().await?;
        let Some(user) = tx.lock_user(id).await? else {
            return Ok(None);
        };
        if !deletion::is_due(user.status, now) {
            return Ok(None);
        }
        let account = PendingAccount::from_user(&user);
        let mut bytes = [0u8; 16];
        self.random.fill(&mut bytes);
        let tombstone: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let tombstone = format!("{TOMBSTONE_PREFIX}{tombstone}");
        // Written under the account's id, then anonymised with the rest of its log.
        let event = self
            .event(
                Some(id),
                EventCategory::AccountErased,
                &ClientInfo::default(),
            )
            .with_details(json!({ "reason": "grace_period_ended" }));
        tx.insert_event(&event).await?;
        if !tx.erase_user(id, &tombstone, &KEPT_EVENT_DETAILS).await? {
            return Ok(None);
        }
        tx.commit().await?;
        Ok(account)
    }
}

/// The ticket and its account, or why there is nothing to restore with it.
fn ticket_state(
    stored: Option<StoredTicket>,
    user: Option<User>,
    now: OffsetDateTime,
) -> Result<(StoredTicket, User), CoreError> {
    let (Some(stored), Some(user)) = (stored, user) else {
        return Err(refused(DeletionError::NothingToRestore));
    };
    if !stored.used && stored.expires_at <= now {
        return Err(refused(DeletionError::TicketExpired));
    }
    if !matches!(user.status, UserStatus::PendingDeletion { .. }) {
        return Err(refused(DeletionError::NotPending));
    }
    Ok((stored, user))
}
