//! The Devices page: the person's live browser sessions, and signing out one of the
//! others. Sessions are addressed by their public `sid` (the OpenID `sid` claim, which
//! grants nothing), never by the hash of a cookie, and only among the person's own: a
//! `sid` that is someone else's, or gone, is [`CoreError::NotFound`] either way.
use serde_json::json;
use time::OffsetDateTime;

use super::Sigil;
use crate::error::CoreError;
use crate::event::{ClientInfo, EventCategory};
use crate::session::Session;

/// The longest `sid` looked up; Sigil's are 22 characters.
const SID_MAX: usize = 64;

/// One live session as its owner sees it: where and when, never what opens it.
#[derive(Clone, Debug)]
pub struct Device {
    /// The public session id, which addresses it on the Devices page.
    pub sid: String,
    /// Device type, browser, operating system and address at sign-in.
    pub client: ClientInfo,
    /// When the session began.
    pub signed_in_at: OffsetDateTime,
    /// When the person last proved who they are in it.
    pub auth_time: OffsetDateTime,
    /// When it was last used (the current one: now).
    pub last_seen_at: OffsetDateTime,
    /// When it ends at the latest.
    pub expires_at: OffsetDateTime,
    /// The session making the request.
    pub is_current: bool,
    /// How the person signed in (`pwd` or `provider:<id>`).
    pub method: String,
}

impl Device {
    pub(crate) fn of(session: Session, current: &Session, now: OffsetDateTime) -> Self {
        let is_current = session.id_hash == current.id_hash;
        Self {
            is_current,
            last_seen_at: if is_current {
                now
            } else {
                session.last_seen_at
            },
            signed_in_at: session.created_at,
            auth_time: session.auth_time,
            expires_at: session.expires_at,
            method: session.method.stored(),
            sid: session.sid,
            client: session.client,
        }
    }
}

impl Sigil {
    /// The person's live sessions: the current one first, then the others, most
    /// recently seen first.
    pub async fn devices(&self, current: &Session) -> Result<Vec<Device>, CoreError> {
        let mut conn = self.store.read().await?;
        let sessions = conn.list_sessions_of_user(current.user_id).await?;
        drop(conn);
        Ok(self.live_devices(sessions, current))
    }

    pub(crate) fn live_devices(&self, sessions: Vec<Session>, current: &Session) -> Vec<Device> {
        let now = self.clock.now();
        let policy = self.settings.sessions;
        let mut devices: Vec<Device> = sessions
            .into_iter()
            .filter(|s| s.is_live(now, &policy))
            .map(|s| Device::of(s, current, now))
            .collect();
        // A stable sort keeps the store's most-recently-seen order among the others.
        devices.sort_by_key(|d| !d.is_current);
        devices
    }

    /// One other live session of the person, for the step that confirms signing it
    /// out. [`CoreError::NotFound`] if there is none such (someone else's, ended or
    /// unknown: the answer is the same), [`CoreError::CurrentSession`] for this one.
    pub async fn device(&self, current: &Session, sid: &str) -> Result<Device, CoreError> {
        let mut conn = self.store.read().await?;
        let found = self.find_other(&mut *conn, current, sid).await?;
        Ok(Device::of(found, current, self.clock.now()))
    }

    async fn find_other(
        &self,
        conn: &mut dyn crate::ports::Tx,
        current: &Session,
        sid: &str,
    ) -> Result<Session, CoreError> {
        if sid.is_empty() || sid.len() > SID_MAX {
            return Err(CoreError::NotFound);
        }
        let now = self.clock.now();
        let found = conn
            .find_session_by_sid(current.user_id, sid)
            .await?
            .filter(|s| s.is_live(now, &self.settings.sessions))
            .ok_or(CoreError::NotFound)?;
        if found.id_hash == current.id_hash {
            return Err(CoreError::CurrentSession);
        }
        Ok(found)
    }

    /// Signs out one other session of the person, and with it every code, refresh
    /// and access token issued under it; one event names the device. The current
    /// session is refused (it ends with the normal sign-out); a `sid` that is not one
    /// of the person's live sessions changes nothing and says only "not found".
    pub async fn sign_out_device(
        &self,
        current: &Session,
        sid: &str,
        client: &ClientInfo,
    ) -> Result<Device, CoreError> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let found = self.find_other(&mut *tx, current, sid).await?;
        // Ended by someone else in the meantime: gone, like any unknown sid.
        if !self.end_one_session(&mut *tx, &found.id_hash, now).await? {
            return Err(CoreError::NotFound);
        }
        let event = self
            .event(
                Some(current.user_id),
                EventCategory::DeviceSignedOut,
                client,
            )
            .with_details(json!({
                "device": found.client.device,
                "browser": found.client.browser,
                "os": found.client.os,
            }));
        tx.insert_event(&event).await?;
        tx.commit().await?;
        // Back-channel logouts may have been queued; a wake with none costs one query.
        self.outbox_changed();
        Ok(Device::of(found, current, now))
    }
}
