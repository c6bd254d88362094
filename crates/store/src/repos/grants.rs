//! Consents, codes, token families (with their refresh generation) and revoked access
//! tokens.
use super::dt;
use crate::db::query;
use crate::db::Conn;
use crate::db::Exec;
use crate::db::FromRow;
use crate::db::Row;
use crate::repos::ts;
use sigil_core::ids::ClientId;
use sigil_core::ids::UserId;
use sigil_core::oidc::backchannel::LogoutTarget;
use sigil_core::oidc::grant::AuthCode;
use sigil_core::oidc::grant::Consent;
use sigil_core::oidc::grant::GrantState;
use sigil_core::oidc::grant::TokenFamily;
use sigil_core::oidc::scope::ScopeSet;
use sigil_core::ports::GrantRepo;
use sigil_core::ports::StoreError;
use sigil_core::ports::StoreResult;
use sigil_core::session::SignInMethod;
use sigil_core::token::TokenHash;
use time::OffsetDateTime;

fn other(what: &str) -> StoreError {
    StoreError::Other(anyhow::anyhow!("stored grant data has a bad {what}"))
}

fn hash(hex: &str) -> Result<TokenHash, StoreError> {
    TokenHash::from_hex(hex).ok_or_else(|| other("hash"))
}

fn scopes(s: &str) -> Result<ScopeSet, StoreError> {
    ScopeSet::parse(s).map_err(|_| other("scope"))
}

fn user(s: &str) -> Result<sigil_core::ids::UserId, StoreError> {
    s.parse().map_err(|_| other("user id"))
}

crate::db::row_struct! {
pub(crate) struct ConsentRow {
    user_id: String,
    client_id: String,
    scopes: String,
    granted_at: i64,
    updated_at: i64,
}
}

impl ConsentRow {
    pub(crate) fn into_consent(self) -> Result<Consent, StoreError> {
        Ok(Consent {
            user_id: user(&self.user_id)?,
            client_id: ClientId(self.client_id),
            scopes: scopes(&self.scopes)?,
            granted_at: dt(self.granted_at)?,
            updated_at: dt(self.updated_at)?,
        })
    }
}

crate::db::row_struct! {
pub(crate) struct CodeRow {
    code_hash: String,
    client_id: String,
    user_id: String,
    session_hash: String,
    sid: String,
    redirect_uri: String,
    scopes: String,
    nonce: Option<String>,
    code_challenge: Option<String>,
    auth_time: i64,
    method: Option<String>,
    created_at: i64,
    expires_at: i64,
    used_at: Option<i64>,
    family_id: Option<String>,
}
}

impl CodeRow {
    pub(crate) fn into_code(self) -> Result<AuthCode, StoreError> {
        Ok(AuthCode {
            code_hash: hash(&self.code_hash)?,
            client_id: ClientId(self.client_id),
            user_id: user(&self.user_id)?,
            session_hash: hash(&self.session_hash)?,
            sid: self.sid,
            redirect_uri: self.redirect_uri,
            scopes: scopes(&self.scopes)?,
            nonce: self.nonce,
            code_challenge: self.code_challenge,
            auth_time: dt(self.auth_time)?,
            method: SignInMethod::from_stored(self.method.as_deref()),
            created_at: dt(self.created_at)?,
            expires_at: dt(self.expires_at)?,
            used_at: self.used_at.map(dt).transpose()?,
            family_id: self.family_id,
        })
    }
}

crate::db::row_struct! {
pub(crate) struct FamilyRow {
    id: String,
    client_id: String,
    user_id: Option<String>,
    session_hash: Option<String>,
    sid: Option<String>,
    scopes: String,
    auth_time: Option<i64>,
    method: Option<String>,
    nonce: Option<String>,
    created_at: i64,
    expires_at: i64,
    revoked_at: Option<i64>,
    refresh_generation: i64,
    refreshed_at: Option<i64>,
}
}

impl FamilyRow {
    pub(crate) fn into_family(self) -> Result<TokenFamily, StoreError> {
        Ok(TokenFamily {
            id: self.id,
            client_id: ClientId(self.client_id),
            user_id: self.user_id.as_deref().map(user).transpose()?,
            session_hash: self.session_hash.as_deref().map(hash).transpose()?,
            sid: self.sid,
            scopes: scopes(&self.scopes)?,
            auth_time: self.auth_time.map(dt).transpose()?,
            method: SignInMethod::from_stored(self.method.as_deref()),
            nonce: self.nonce,
            created_at: dt(self.created_at)?,
            expires_at: dt(self.expires_at)?,
            revoked_at: self.revoked_at.map(dt).transpose()?,
            refresh_generation: self.refresh_generation,
            refreshed_at: self.refreshed_at.map(dt).transpose()?,
        })
    }
}

/// The family's columns and its session's end, for the grant-state reads (a macro, so
/// the statements stay `&'static str`).
macro_rules! grant_state_select {
    () => {
        "SELECT f.id, f.client_id, f.user_id, f.session_hash, f.sid, f.scopes, f.auth_time, \
         f.method, f.nonce, f.created_at, f.expires_at, f.revoked_at, f.refresh_generation, \
         f.refreshed_at, s.expires_at AS session_expires_at, "
    };
}

macro_rules! grant_state_from {
    () => {
        "FROM token_families f LEFT JOIN sessions s ON s.id_hash = f.session_hash WHERE f.id = $1"
    };
}
pub(crate) use {grant_state_from, grant_state_select};

pub(crate) struct GrantStateRow {
    family: FamilyRow,
    session_expires_at: Option<i64>,
    revoked: i64,
}

impl FromRow for GrantStateRow {
    fn from_row(row: &Row) -> StoreResult<Self> {
        Ok(Self {
            family: FamilyRow::from_row(row)?,
            session_expires_at: row.get("session_expires_at")?,
            revoked: row.get("revoked")?,
        })
    }
}

impl GrantStateRow {
    pub(crate) fn into_state(self) -> Result<(GrantState, bool), StoreError> {
        Ok((
            GrantState {
                family: self.family.into_family()?,
                session_expires_at: self.session_expires_at.map(dt).transpose()?,
            },
            self.revoked == 1,
        ))
    }
}

crate::db::row_struct! {
pub(crate) struct TargetRow {
    client_id: String,
    user_id: String,
    sid: Option<String>,
    session_required: bool,
}
}

impl TargetRow {
    fn into_target(self) -> Result<LogoutTarget, StoreError> {
        Ok(LogoutTarget {
            client_id: ClientId(self.client_id),
            user_id: user(&self.user_id)?,
            sid: self.sid,
            session_required: self.session_required,
        })
    }
}

/// The live families and unused codes matching the `WHERE` clause `$cond` (over columns
/// both tables have; `$2` is now), joined with the applications that want back-channel
/// logout (a macro, so the statements stay `&'static str`).
macro_rules! logout_targets {
    ($cond:literal) => {
        concat!(
            "SELECT DISTINCT t.client_id, t.user_id, t.sid, ",
            "a.backchannel_logout_session_required AS session_required FROM (",
            "SELECT client_id, user_id, sid FROM token_families WHERE ",
            $cond,
            " AND user_id IS NOT NULL AND revoked_at IS NULL AND expires_at > $2 ",
            "UNION SELECT client_id, user_id, sid FROM auth_codes WHERE ",
            $cond,
            " AND used_at IS NULL AND expires_at > $2",
            ") t JOIN applications a ON a.client_id = t.client_id ",
            "WHERE a.backchannel_logout_uri IS NOT NULL ",
            "ORDER BY t.client_id, t.user_id, t.sid"
        )
    };
}

async fn targets<E: Exec + 'static>(
    conn: &mut Conn<E>,
    q: crate::db::Query,
) -> StoreResult<Vec<LogoutTarget>> {
    q.fetch_all(&mut conn.0)
        .await?
        .into_iter()
        .map(TargetRow::into_target)
        .collect()
}

#[async_trait::async_trait]
impl<E: Exec + 'static> GrantRepo for Conn<E> {
    async fn logout_targets_of_session(
        &mut self,
        s: &TokenHash,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<LogoutTarget>> {
        let q = query(logout_targets!("session_hash = $1"))
            .bind(s.to_hex())
            .bind(ts(now));
        targets(self, q).await
    }

    async fn logout_targets_of_user(
        &mut self,
        u: UserId,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<LogoutTarget>> {
        let q = query(logout_targets!("user_id = $1"))
            .bind(u.to_string())
            .bind(ts(now));
        targets(self, q).await
    }

    async fn logout_targets_of_grant(
        &mut self,
        u: UserId,
        c: &ClientId,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<LogoutTarget>> {
        let q = query(logout_targets!("user_id = $1 AND client_id = $3"))
            .bind(u.to_string())
            .bind(ts(now))
            .bind(&c.0);
        targets(self, q).await
    }

    async fn find_consent(&mut self, u: UserId, c: &ClientId) -> StoreResult<Option<Consent>> {
        query(
            "SELECT user_id, client_id, scopes, granted_at, updated_at FROM consents \
                         WHERE user_id = $1 AND client_id = $2",
        )
        .bind(u.to_string())
        .bind(&c.0)
        .fetch_optional(&mut self.0)
        .await?
        .map(ConsentRow::into_consent)
        .transpose()
    }

    async fn save_consent(
        &mut self,
        u: UserId,
        c: &ClientId,
        s: &ScopeSet,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        query(
            "INSERT INTO consents (user_id, client_id, scopes, granted_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $4) ON CONFLICT (user_id, client_id) \
                         DO UPDATE SET scopes = excluded.scopes, updated_at = excluded.updated_at",
        )
        .bind(u.to_string())
        .bind(&c.0)
        .bind(s.to_string())
        .bind(ts(at))
        .execute(&mut self.0)
        .await?;
        Ok(())
    }

    async fn delete_consent(&mut self, u: UserId, c: &ClientId) -> StoreResult<bool> {
        let done = query("DELETE FROM consents WHERE user_id = $1 AND client_id = $2")
            .bind(u.to_string())
            .bind(&c.0)
            .execute(&mut self.0)
            .await?;
        Ok(done > 0)
    }

    async fn list_consents(&mut self, u: UserId) -> StoreResult<Vec<Consent>> {
        query(
            "SELECT user_id, client_id, scopes, granted_at, updated_at FROM consents \
                         WHERE user_id = $1 ORDER BY granted_at DESC, client_id",
        )
        .bind(u.to_string())
        .fetch_all(&mut self.0)
        .await?
        .into_iter()
        .map(ConsentRow::into_consent)
        .collect()
    }

    async fn insert_code(&mut self, c: &AuthCode) -> StoreResult<()> {
        query(
                        "INSERT INTO auth_codes (code_hash, client_id, user_id, session_hash, sid, \
                         redirect_uri, scopes, nonce, code_challenge, auth_time, created_at, expires_at, \
                         method) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                    )
                    .bind(c.code_hash.to_hex())
                    .bind(&c.client_id.0)
                    .bind(c.user_id.to_string())
                    .bind(c.session_hash.to_hex())
                    .bind(&c.sid)
                    .bind(&c.redirect_uri)
                    .bind(c.scopes.to_string())
                    .bind(c.nonce.as_deref())
                    .bind(c.code_challenge.as_deref())
                    .bind(ts(c.auth_time))
                    .bind(ts(c.created_at))
                    .bind(ts(c.expires_at))
                    .bind(c.method.stored())
                    .execute(&mut self.0)
                    .await
                    ?;
        Ok(())
    }

    async fn find_code(&mut self, h: &TokenHash) -> StoreResult<Option<AuthCode>> {
        query(
                        "SELECT code_hash, client_id, user_id, session_hash, sid, redirect_uri, scopes, \
                         nonce, code_challenge, auth_time, method, created_at, expires_at, used_at, family_id \
                         FROM auth_codes WHERE code_hash = $1",
                    )
                    .bind(h.to_hex())
                    .fetch_optional(&mut self.0)
                    .await
                    ?
                    .map(CodeRow::into_code)
                    .transpose()
    }

    async fn use_code(
        &mut self,
        h: &TokenHash,
        family: &str,
        at: OffsetDateTime,
    ) -> StoreResult<bool> {
        let done = query(
            "UPDATE auth_codes SET used_at = $3, family_id = $2 \
                         WHERE code_hash = $1 AND used_at IS NULL",
        )
        .bind(h.to_hex())
        .bind(family)
        .bind(ts(at))
        .execute(&mut self.0)
        .await?;
        Ok(done == 1)
    }

    async fn insert_family(&mut self, f: &TokenFamily) -> StoreResult<()> {
        query(
            "INSERT INTO token_families (id, client_id, user_id, session_hash, sid, scopes, \
                         auth_time, nonce, created_at, expires_at, revoked_at, method, refresh_generation, refreshed_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(&f.id)
        .bind(&f.client_id.0)
        .bind(f.user_id.map(|u| u.to_string()))
        .bind(f.session_hash.map(|h| h.to_hex()))
        .bind(f.sid.as_deref())
        .bind(f.scopes.to_string())
        .bind(f.auth_time.map(ts))
        .bind(f.nonce.as_deref())
        .bind(ts(f.created_at))
        .bind(ts(f.expires_at))
        .bind(f.revoked_at.map(ts))
        .bind(f.user_id.map(|_| f.method.stored()))
        .bind(f.refresh_generation)
        .bind(f.refreshed_at.map(ts))
        .execute(&mut self.0)
        .await?;
        Ok(())
    }

    async fn find_family(&mut self, id: &str) -> StoreResult<Option<TokenFamily>> {
        query(
            "SELECT id, client_id, user_id, session_hash, sid, scopes, auth_time, method, nonce, \
                         created_at, expires_at, revoked_at, refresh_generation, refreshed_at FROM token_families WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut self.0)
        .await?
        .map(FamilyRow::into_family)
        .transpose()
    }

    async fn find_grant_state(
        &mut self,
        id: &str,
        jti: &str,
    ) -> StoreResult<Option<(GrantState, bool)>> {
        query(concat!(
            grant_state_select!(),
            "CAST(CASE WHEN EXISTS (SELECT 1 FROM revoked_access_tokens r WHERE r.jti = $2) \
             THEN 1 ELSE 0 END AS BIGINT) AS revoked ",
            grant_state_from!()
        ))
        .bind(id)
        .bind(jti)
        .fetch_optional(&mut self.0)
        .await?
        .map(GrantStateRow::into_state)
        .transpose()
    }

    async fn find_grant(&mut self, id: &str) -> StoreResult<Option<GrantState>> {
        query(concat!(
            grant_state_select!(),
            "CAST(0 AS BIGINT) AS revoked ",
            grant_state_from!()
        ))
        .bind(id)
        .fetch_optional(&mut self.0)
        .await?
        .map(|row| GrantStateRow::into_state(row).map(|(state, _)| state))
        .transpose()
    }

    async fn rotate_refresh(
        &mut self,
        id: &str,
        generation: i64,
        at: OffsetDateTime,
    ) -> StoreResult<bool> {
        let done = query(
            "UPDATE token_families SET refresh_generation = refresh_generation + 1, refreshed_at = $3 \
             WHERE id = $1 AND refresh_generation = $2 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(generation)
        .bind(ts(at))
        .execute(&mut self.0)
        .await?;
        Ok(done == 1)
    }

    async fn revoke_family(&mut self, id: &str, at: OffsetDateTime) -> StoreResult<()> {
        query("UPDATE token_families SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
            .bind(id)
            .bind(ts(at))
            .execute(&mut self.0)
            .await?;
        Ok(())
    }

    async fn revoke_families_of_session(
        &mut self,
        s: &TokenHash,
        at: OffsetDateTime,
    ) -> StoreResult<u64> {
        let done = query(
            "UPDATE token_families SET revoked_at = $2 WHERE session_hash = $1 AND revoked_at IS NULL",
        )
        .bind(s.to_hex())
        .bind(ts(at))
        .execute(&mut self.0)
        .await?;
        // Codes not yet exchanged go too: nothing may be issued under the session any
        // more, and an application told once is not told again for a code left over.
        query("DELETE FROM auth_codes WHERE session_hash = $1 AND used_at IS NULL")
            .bind(s.to_hex())
            .execute(&mut self.0)
            .await?;
        Ok(done)
    }

    async fn revoke_families_of_user(&mut self, u: UserId, at: OffsetDateTime) -> StoreResult<u64> {
        let done = query(
            "UPDATE token_families SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
        )
        .bind(u.to_string())
        .bind(ts(at))
        .execute(&mut self.0)
        .await?;
        query("DELETE FROM auth_codes WHERE user_id = $1 AND used_at IS NULL")
            .bind(u.to_string())
            .execute(&mut self.0)
            .await?;
        Ok(done)
    }

    async fn revoke_families_of_grant(
        &mut self,
        u: UserId,
        c: &ClientId,
        at: OffsetDateTime,
    ) -> StoreResult<u64> {
        let done = query(
            "UPDATE token_families SET revoked_at = $3 \
                         WHERE user_id = $1 AND client_id = $2 AND revoked_at IS NULL",
        )
        .bind(u.to_string())
        .bind(&c.0)
        .bind(ts(at))
        .execute(&mut self.0)
        .await?;
        query("DELETE FROM auth_codes WHERE user_id = $1 AND client_id = $2 AND used_at IS NULL")
            .bind(u.to_string())
            .bind(&c.0)
            .execute(&mut self.0)
            .await?;
        Ok(done)
    }

    async fn revoke_access_token(
        &mut self,
        jti: &str,
        expires_at: OffsetDateTime,
    ) -> StoreResult<()> {
        query(
                        "INSERT INTO revoked_access_tokens (jti, expires_at) VALUES ($1, $2) ON CONFLICT (jti) DO NOTHING",
                    )
                    .bind(jti)
                    .bind(ts(expires_at))
                    .execute(&mut self.0)
                    .await
                    ?;
        Ok(())
    }

    async fn is_access_token_revoked(&mut self, jti: &str) -> StoreResult<bool> {
        let row: Option<(String,)> = query("SELECT jti FROM revoked_access_tokens WHERE jti = $1")
            .bind(jti)
            .fetch_optional(&mut self.0)
            .await?;
        Ok(row.is_some())
    }

    async fn purge_codes(&mut self, before: OffsetDateTime) -> StoreResult<u64> {
        query("DELETE FROM auth_codes WHERE expires_at < $1")
            .bind(ts(before))
            .execute(&mut self.0)
            .await
    }

    async fn purge_families(&mut self, before: OffsetDateTime) -> StoreResult<u64> {
        query("DELETE FROM token_families WHERE expires_at < $1")
            .bind(ts(before))
            .execute(&mut self.0)
            .await
    }

    async fn purge_revoked_access_tokens(&mut self, before: OffsetDateTime) -> StoreResult<u64> {
        query("DELETE FROM revoked_access_tokens WHERE expires_at < $1")
            .bind(ts(before))
            .execute(&mut self.0)
            .await
    }
}
