//! Back-channel logout ([`crate::oidc::backchannel`]): which applications are told when
//! sessions end, and the operator's setting of an application's logout URI.
//!
//! Every use case that ends sessions goes through [`Sigil::end_one_session`] or
//! [`Sigil::end_all_sessions`] (or, for one application's grant,
//! [`Sigil::end_app_grant`]); each finds the applications to tell inside its own
//! transaction, before the rows it ends are gone, and queues one logout per application
//! and session in the outbox, so the notices exist exactly when the logout does. After
//! the commit the use case wakes the delivery job ([`Sigil::outbox_changed`]); without
//! that the job finds them on its next round, within a second.
use time::OffsetDateTime;

use crate::error::CoreError;
use crate::ids::{ClientId, UserId};
use crate::oidc::application::{backchannel_uri, Application, BackchannelChange};
use crate::oidc::backchannel::{LogoutNotice, LogoutTarget};
use crate::ports::Tx;
use crate::services::Sigil;

impl Sigil {
    /// Queues one back-channel logout per target inside `tx`; returns how many. A
    /// target without `sid` is skipped for an application that requires one
    /// ([§2.2](https://openid.net/specs/openid-connect-backchannel-1_0.html#BCRegistration)).
    pub(crate) async fn queue_logouts(
        &self,
        tx: &mut dyn Tx,
        targets: &[LogoutTarget],
    ) -> Result<usize, CoreError> {
        let mut queued = 0;
        for target in targets {
            if target.session_required && target.sid.is_none() {
                continue;
            }
            self.enqueue_logout(tx, LogoutNotice::from(target)).await?;
            queued += 1;
        }
        Ok(queued)
    }

    /// Ends everything one application holds for the person (the Scopes tab's End
    /// sessions, and taking its permission back) inside `tx`, and tells the application
    /// if it asked to be told: one logout token per session it holds something under,
    /// or, when it holds nothing live, one with `sub` alone (its own sessions of the
    /// person may outlive the tokens) unless it requires `sid`. Returns how many token
    /// families ended.
    pub(crate) async fn end_app_grant(
        &self,
        tx: &mut dyn Tx,
        user: UserId,
        client_id: &ClientId,
        now: OffsetDateTime,
    ) -> Result<u64, CoreError> {
        let mut targets = tx.logout_targets_of_grant(user, client_id, now).await?;
        let ended = tx.revoke_families_of_grant(user, client_id, now).await?;
        if targets.is_empty() {
            let app = tx.find_app(client_id).await?;
            if let Some(app) = app.filter(|a| a.backchannel_logout_uri.is_some()) {
                targets.push(LogoutTarget {
                    client_id: app.client_id,
                    user_id: user,
                    sid: None,
                    session_required: app.backchannel_logout_session_required,
                });
            }
        }
        self.queue_logouts(tx, &targets).await?;
        Ok(ended)
    }

    /// Sets or removes an application's back-channel logout URI and whether it needs
    /// `sid` (the operator, through the command line or the admin API). A bad URI
    /// changes nothing and names the field.
    pub async fn set_app_backchannel(
        &self,
        client_id: &str,
        change: &BackchannelChange,
    ) -> Result<Application, CoreError> {
        self.update_app(client_id, change, None, None).await
    }

    /// [`Sigil::set_app_backchannel`]'s change inside `tx`, for
    /// [`Sigil::update_app`]; the URI is checked before anything is written.
    pub(crate) async fn change_backchannel(
        &self,
        tx: &mut dyn Tx,
        app: &Application,
        change: &BackchannelChange,
    ) -> Result<(), CoreError> {
        if change.backchannel_logout_uri.is_none()
            && change.backchannel_logout_session_required.is_none()
        {
            return Ok(());
        }
        let mut errors = Vec::new();
        let uri = change
            .backchannel_logout_uri
            .as_deref()
            .map(|raw| backchannel_uri(Some(raw), &mut errors));
        if !errors.is_empty() {
            return Err(CoreError::Invalid(errors));
        }
        let uri = uri.unwrap_or_else(|| app.backchannel_logout_uri.clone());
        let required = change
            .backchannel_logout_session_required
            .unwrap_or(app.backchannel_logout_session_required);
        if !tx
            .set_app_backchannel(&app.client_id, uri.as_ref(), required)
            .await?
        {
            return Err(CoreError::NotFound);
        }
        Ok(())
    }
}
