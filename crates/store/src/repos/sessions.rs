//! Browser sessions, keyed by the hex SHA-256 of the cookie value.
use super::dt;
use crate::db::query;
use crate::db::Conn;
use crate::db::Exec;
use crate::repos::ts;
use sigil_core::event::ClientInfo;
use sigil_core::ids::UserId;
use sigil_core::ports::SessionRepo;
use sigil_core::ports::StoreError;
use sigil_core::ports::StoreResult;
use sigil_core::session::{Session, SignInMethod};
use sigil_core::token::TokenHash;
use time::OffsetDateTime;

/// The columns of [`SessionRow`], in its order.
macro_rules! select {
    () => {
        "SELECT id_hash, sid, user_id, created_at, last_seen_at, expires_at, auth_time, \
         method, ip, device, browser, os FROM sessions"
    };
}

crate::db::row_struct! {
pub(crate) struct SessionRow {
    id_hash: String,
    sid: Option<String>,
    user_id: String,
    created_at: i64,
    last_seen_at: i64,
    expires_at: i64,
    auth_time: i64,
    method: Option<String>,
    ip: Option<String>,
    device: Option<String>,
    browser: Option<String>,
    os: Option<String>,
}
}

impl SessionRow {
    pub(crate) fn into_session(self) -> Result<Session, StoreError> {
        let id_hash = TokenHash::from_hex(&self.id_hash)
            .ok_or_else(|| StoreError::Other(anyhow::anyhow!("session hash")))?;
        Ok(Session {
            // Sessions from before `sid` existed get a stable stand-in from the hash.
            sid: self
                .sid
                .unwrap_or_else(|| self.id_hash.chars().take(22).collect()),
            id_hash,
            user_id: self
                .user_id
                .parse()
                .map_err(|e| StoreError::Other(anyhow::anyhow!("user id: {e}")))?,
            created_at: dt(self.created_at)?,
            last_seen_at: dt(self.last_seen_at)?,
            expires_at: dt(self.expires_at)?,
            auth_time: dt(self.auth_time)?,
            method: SignInMethod::from_stored(self.method.as_deref()),
            client: ClientInfo {
                ip: self.ip,
                device: self.device,
                browser: self.browser,
                os: self.os,
            },
        })
    }
}

#[async_trait::async_trait]
impl<E: Exec + 'static> SessionRepo for Conn<E> {
    async fn create_session(&mut self, s: &Session) -> StoreResult<()> {
        query(
            "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, \
                         expires_at, auth_time, ip, device, browser, sid, method, os) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(s.id_hash.to_hex())
        .bind(s.user_id.to_string())
        .bind(ts(s.created_at))
        .bind(ts(s.last_seen_at))
        .bind(ts(s.expires_at))
        .bind(ts(s.auth_time))
        .bind(s.client.ip.as_deref())
        .bind(s.client.device.as_deref())
        .bind(s.client.browser.as_deref())
        .bind(&s.sid)
        .bind(s.method.stored())
        .bind(s.client.os.as_deref())
        .execute(&mut self.0)
        .await?;
        Ok(())
    }

    async fn find_session(&mut self, id_hash: &TokenHash) -> StoreResult<Option<Session>> {
        query(concat!(select!(), " WHERE id_hash = $1"))
            .bind(id_hash.to_hex())
            .fetch_optional(&mut self.0)
            .await?
            .map(SessionRow::into_session)
            .transpose()
    }

    async fn find_session_by_sid(
        &mut self,
        user: UserId,
        sid: &str,
    ) -> StoreResult<Option<Session>> {
        query(concat!(select!(), " WHERE user_id = $1 AND sid = $2"))
            .bind(user.to_string())
            .bind(sid)
            .fetch_optional(&mut self.0)
            .await?
            .map(SessionRow::into_session)
            .transpose()
    }

    async fn list_sessions_of_user(&mut self, user: UserId) -> StoreResult<Vec<Session>> {
        query(concat!(
            select!(),
            " WHERE user_id = $1 ORDER BY last_seen_at DESC, created_at DESC"
        ))
        .bind(user.to_string())
        .fetch_all(&mut self.0)
        .await?
        .into_iter()
        .map(SessionRow::into_session)
        .collect()
    }

    async fn touch_session(&mut self, id_hash: &TokenHash, at: OffsetDateTime) -> StoreResult<()> {
        query("UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1")
            .bind(id_hash.to_hex())
            .bind(ts(at))
            .execute(&mut self.0)
            .await?;
        Ok(())
    }

    async fn lock_session(&mut self, id_hash: &TokenHash) -> StoreResult<bool> {
        // An UPDATE that changes nothing still takes PostgreSQL's row lock, and waits
        // for (then re-reads after) a concurrent DELETE; SQLite has a single writer.
        let done = query("UPDATE sessions SET last_seen_at = last_seen_at WHERE id_hash = $1")
            .bind(id_hash.to_hex())
            .execute(&mut self.0)
            .await?;
        Ok(done == 1)
    }

    async fn delete_session(&mut self, id_hash: &TokenHash) -> StoreResult<bool> {
        let done = query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash.to_hex())
            .execute(&mut self.0)
            .await?;
        Ok(done > 0)
    }

    async fn delete_sessions_of_user(&mut self, user: UserId) -> StoreResult<u64> {
        let done = query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user.to_string())
            .execute(&mut self.0)
            .await?;
        Ok(done)
    }

    async fn delete_expired_sessions(&mut self, now: OffsetDateTime) -> StoreResult<u64> {
        let done = query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(ts(now))
            .execute(&mut self.0)
            .await?;
        Ok(done)
    }
}
