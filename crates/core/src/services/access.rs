//! Access to closed applications ([`crate::access`]): the check the authorization and
//! token endpoints make, the seam that grants access inside another use case's
//! transaction, and the operator's grant, revocation and list.
//!
//! Where the check is made, so that nothing gets around it:
//! - the authorization endpoint asks before anything else is shown to a signed-in
//!   person (the consent page, or a code for a stored consent), so a person without
//!   access meets the "by invitation only" page, and `prompt=none` gets
//!   `access_denied`;
//! - the transaction that issues a code (after a stored consent or the consent
//!   page's answer) asks again on the locked row, so an in-flight consent POST or a
//!   revocation in between cannot slip a code through;
//! - the token endpoint asks again, on the locked row, when it exchanges a code and at
//!   every refresh, so neither a code issued just before nor a refresh chain outlives
//!   the end of access or the closing of the application.
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::access::{AccessError, AccessSource, AppAccess};
use crate::email::Email;
use crate::error::CoreError;
use crate::event::{ClientInfo, EventCategory};
use crate::ids::{ClientId, UserId};
use crate::login::Login;
use crate::ports::Tx;
use crate::services::Sigil;
use crate::user::User;

/// Grants `user` access to the closed application `client` inside the caller's
/// transaction `tx`: the one seam every way of coming to hold access goes through (an
/// accepted invitation, a verified invited address at registration, the operator).
///
/// Returns false, and changes nothing, when the person already held access (whoever
/// granted it keeps the row). It does not check that the application exists or is
/// closed, and writes no event: the calling use case decides those and writes its own
/// event, with the application's client_id, in the same `tx`.
pub(crate) async fn grant_app_access(
    tx: &mut dyn Tx,
    user: UserId,
    client: &ClientId,
    source: AccessSource,
    invitation_id: Option<&str>,
    now: OffsetDateTime,
) -> Result<bool, CoreError> {
    let access = AppAccess {
        user_id: user,
        client_id: client.clone(),
        source,
        invitation_id: invitation_id.map(str::to_owned),
        granted_at: now,
    };
    Ok(tx.grant_access(&access).await?)
}

/// Whether `user` may get a code or tokens for `client`, decided on fresh rows inside
/// `tx`: an open application lets everyone in; a closed one only people holding
/// access, whose row stays locked until `tx` ends (a revocation racing the caller
/// either comes first, and this answers false, or waits and then ends what the caller
/// issued). An application that no longer exists lets nobody in.
pub(crate) async fn may_enter(
    tx: &mut dyn Tx,
    user: UserId,
    client: &ClientId,
) -> Result<bool, CoreError> {
    match tx.find_app(client).await? {
        None => Ok(false),
        Some(app) if !app.closed => Ok(true),
        Some(_) => Ok(tx.lock_access(user, client).await?),
    }
}

/// The operator acting: on the command line, or an operator's account through the
/// admin API. Named in the event's details, so the person's log says who.
#[derive(Clone, Debug)]
pub struct OperatorAct {
    /// The operator's account when acting through the admin API; `None` on the
    /// command line.
    pub operator: Option<UserId>,
    pub client: ClientInfo,
}

impl OperatorAct {
    pub fn command_line() -> Self {
        Self {
            operator: None,
            client: ClientInfo {
                device: Some("cli".into()),
                ..ClientInfo::default()
            },
        }
    }

    pub fn api(operator: UserId, client: ClientInfo) -> Self {
        Self {
            operator: Some(operator),
            client,
        }
    }

    fn details(&self) -> Value {
        match self.operator {
            Some(id) => json!({ "by": "admin_api", "operator_id": id.to_string() }),
            None => json!({ "by": "command_line" }),
        }
    }
}

/// The outcome of the operator's grant.
#[derive(Clone, Debug)]
pub struct AccessGranted {
    pub user_id: UserId,
    pub client_id: ClientId,
    /// False when the person already held access: nothing changed, nothing logged.
    pub newly: bool,
}

/// The outcome of the operator's revocation.
#[derive(Clone, Debug)]
pub struct AccessRevoked {
    pub user_id: UserId,
    pub client_id: ClientId,
    /// How many token families ended with it.
    pub grants_ended: u64,
}

/// A person holding access, as the operator's list shows them.
#[derive(Clone, Debug)]
pub struct AccessHolder {
    pub access: AppAccess,
    pub login: Option<String>,
    pub email: Option<String>,
}

/// The account the operator names: by its id, its login, or its verified email
/// address (an unverified address proves nothing about who holds it).
async fn find_person(tx: &mut dyn Tx, person: &str) -> Result<User, CoreError> {
    let person = person.trim();
    let found = if let Ok(id) = person.parse::<UserId>() {
        tx.find_user(id).await?
    } else if person.contains('@') {
        match Email::parse(person) {
            Ok(email) => tx
                .find_user_by_email(&email)
                .await?
                .filter(|u| u.email_verified),
            Err(_) => None,
        }
    } else {
        match Login::parse(person) {
            Ok(login) => tx.find_user_by_login(&login).await?,
            Err(_) => None,
        }
    };
    found.ok_or(CoreError::Access(AccessError::UnknownUser))
}

impl Sigil {
    /// Whether `user` may sign in to the application now, read fresh: the
    /// authorization endpoint's first question ([`may_enter`] asks it again where a
    /// code or tokens are issued).
    pub(crate) async fn holds_access_now(
        &self,
        user: UserId,
        client: &ClientId,
    ) -> Result<bool, CoreError> {
        let mut conn = self.store.read().await?;
        match conn.find_app(client).await? {
            None => Ok(false),
            Some(app) if !app.closed => Ok(true),
            Some(_) => Ok(conn.has_access(user, client).await?),
        }
    }

    /// The operator grants `person` (an account id, login or verified email address)
    /// access to the closed application `client_id`. Granting what is already held
    /// changes nothing and says so ([`AccessGranted::newly`]). An unknown application
    /// or person, or an application that is not closed, is refused.
    pub async fn grant_access_by_operator(
        &self,
        client_id: &str,
        person: &str,
        by: &OperatorAct,
    ) -> Result<AccessGranted, CoreError> {
        let now = self.clock.now();
        let client_id = ClientId(client_id.to_owned());
        let mut tx = self.store.begin().await?;
        let app = tx
            .find_app(&client_id)
            .await?
            .ok_or(CoreError::Access(AccessError::UnknownApp))?;
        let user = find_person(&mut *tx, person).await?;
        if !app.closed {
            return Err(CoreError::Access(AccessError::NotClosed));
        }
        let newly = grant_app_access(
            &mut *tx,
            user.id,
            &client_id,
            AccessSource::Operator,
            None,
            now,
        )
        .await?;
        if newly {
            let mut event = self
                .event(
                    Some(user.id),
                    EventCategory::AccessGrantedByOperator,
                    &by.client,
                )
                .with_details(by.details());
            event.client_id = Some(client_id.clone());
            tx.insert_event(&event).await?;
        }
        tx.commit().await?;
        Ok(AccessGranted {
            user_id: user.id,
            client_id,
            newly,
        })
    }

    /// The operator takes `person`'s access to `client_id` away. For a closed
    /// application everything it holds for the person ends at once, in the same
    /// transaction: codes, refresh and access tokens, and the application is told
    /// through back-channel logout if it asked to be ([`Sigil::end_app_grant`]). The
    /// consent stays: it records what the person allowed, not who may enter. Revoking
    /// what is not held is refused.
    pub async fn revoke_access_by_operator(
        &self,
        client_id: &str,
        person: &str,
        by: &OperatorAct,
    ) -> Result<AccessRevoked, CoreError> {
        let now = self.clock.now();
        let client_id = ClientId(client_id.to_owned());
        let mut tx = self.store.begin().await?;
        let app = tx
            .find_app(&client_id)
            .await?
            .ok_or(CoreError::Access(AccessError::UnknownApp))?;
        let user = find_person(&mut *tx, person).await?;
        if !tx.revoke_access(user.id, &client_id).await? {
            return Err(CoreError::Access(AccessError::NotHeld));
        }
        // An open application lets the person in all the same: what it holds stays.
        let grants_ended = if app.closed {
            self.end_app_grant(&mut *tx, user.id, &client_id, now)
                .await?
        } else {
            0
        };
        let mut details = by.details();
        details["grants_ended"] = json!(grants_ended);
        let mut event = self
            .event(
                Some(user.id),
                EventCategory::AccessRevokedByOperator,
                &by.client,
            )
            .with_details(details);
        event.client_id = Some(client_id.clone());
        tx.insert_event(&event).await?;
        tx.commit().await?;
        self.outbox_changed();
        Ok(AccessRevoked {
            user_id: user.id,
            client_id,
            grants_ended,
        })
    }

    /// Who holds access to `client_id`, oldest grant first.
    pub async fn list_access_of_app(
        &self,
        client_id: &str,
    ) -> Result<Vec<AccessHolder>, CoreError> {
        let client_id = ClientId(client_id.to_owned());
        let mut conn = self.store.read().await?;
        conn.find_app(&client_id)
            .await?
            .ok_or(CoreError::Access(AccessError::UnknownApp))?;
        let mut holders = Vec::new();
        for access in conn.list_access_of_app(&client_id).await? {
            let user = conn.find_user(access.user_id).await?;
            holders.push(AccessHolder {
                login: user
                    .as_ref()
                    .and_then(|u| u.login.as_ref().map(|l| l.to_string())),
                email: user.and_then(|u| u.email.map(|e| e.to_string())),
                access,
            });
        }
        Ok(holders)
    }
}
