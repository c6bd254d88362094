//! The language of mail, when the password was last set, and the links in notices that
//! secure the account.
use sigil_core::email::Email;
use sigil_core::ids::UserId;
use sigil_core::locale::Locale;
use sigil_core::ports::{RecoveryRepo, StoreError, StoreResult};
use sigil_core::recovery::Recovery;
use sigil_core::token::TokenHash;
use time::OffsetDateTime;

use crate::db::{query, row_struct, Conn, Exec};
use crate::repos::{dt, ts};

fn other(what: &str) -> StoreError {
    StoreError::Other(anyhow::anyhow!("stored recovery has a bad {what}"))
}

row_struct! {
    pub(crate) struct RecoveryRow {
        token_hash: String,
        user_id: String,
        restore_email: Option<String>,
        created_at: i64,
        expires_at: i64,
        used_at: Option<i64>,
    }
}

impl RecoveryRow {
    fn into_recovery(self) -> StoreResult<Recovery> {
        Ok(Recovery {
            token_hash: TokenHash::from_hex(&self.token_hash).ok_or_else(|| other("hash"))?,
            user_id: self.user_id.parse().map_err(|_| other("user id"))?,
            restore_email: self.restore_email.map(Email::from_trusted),
            created_at: dt(self.created_at)?,
            expires_at: dt(self.expires_at)?,
            used_at: self.used_at.map(dt).transpose()?,
        })
    }
}

#[async_trait::async_trait]
impl<E: Exec + 'static> RecoveryRepo for Conn<E> {
    async fn set_mail_locale(&mut self, user: UserId, locale: Locale) -> StoreResult<()> {
        query("UPDATE users SET mail_locale = $2 WHERE id = $1")
            .bind(user.to_string())
            .bind(locale.tag())
            .execute(&mut self.0)
            .await?;
        Ok(())
    }

    async fn mail_locale(&mut self, user: UserId) -> StoreResult<Option<Locale>> {
        let row: Option<(Option<String>,)> = query("SELECT mail_locale FROM users WHERE id = $1")
            .bind(user.to_string())
            .fetch_optional(&mut self.0)
            .await?;
        Ok(row
            .and_then(|(tag,)| tag)
            .and_then(|tag| Locale::parse(&tag)))
    }

    async fn mark_password_set(&mut self, user: UserId, at: OffsetDateTime) -> StoreResult<()> {
        query("UPDATE users SET password_set_at = $2 WHERE id = $1")
            .bind(user.to_string())
            .bind(ts(at))
            .execute(&mut self.0)
            .await?;
        Ok(())
    }

    async fn password_set_at(&mut self, user: UserId) -> StoreResult<Option<OffsetDateTime>> {
        let row: Option<(i64,)> =
            query("SELECT COALESCE(password_set_at, created_at) FROM users WHERE id = $1")
                .bind(user.to_string())
                .fetch_optional(&mut self.0)
                .await?;
        row.map(|(at,)| dt(at)).transpose()
    }

    async fn insert_recovery(&mut self, r: &Recovery) -> StoreResult<()> {
        // seq orders the account's links by when they were made, finer than created_at.
        query(
            "INSERT INTO account_recoveries (token_hash, user_id, restore_email, created_at, \
             expires_at, used_at, seq) VALUES ($1, $2, $3, $4, $5, $6, \
             (SELECT COALESCE(MAX(seq), $4) + 1 FROM account_recoveries WHERE user_id = $2))",
        )
        .bind(r.token_hash.to_hex())
        .bind(r.user_id.to_string())
        .bind(r.restore_email.as_ref().map(|e| e.as_str().to_owned()))
        .bind(ts(r.created_at))
        .bind(ts(r.expires_at))
        .bind(r.used_at.map(ts))
        .execute(&mut self.0)
        .await?;
        Ok(())
    }

    async fn find_recovery(&mut self, token_hash: &TokenHash) -> StoreResult<Option<Recovery>> {
        query(
            "SELECT token_hash, user_id, restore_email, created_at, expires_at, used_at \
             FROM account_recoveries WHERE token_hash = $1",
        )
        .bind(token_hash.to_hex())
        .fetch_optional(&mut self.0)
        .await?
        .map(RecoveryRow::into_recovery)
        .transpose()
    }

    async fn use_recovery(
        &mut self,
        token_hash: &TokenHash,
        at: OffsetDateTime,
    ) -> StoreResult<bool> {
        // One conditional UPDATE: of two requests at once, one sees the row unused.
        let done = query(
            "UPDATE account_recoveries SET used_at = $2 \
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash.to_hex())
        .bind(ts(at))
        .execute(&mut self.0)
        .await?;
        if done != 1 {
            return Ok(false);
        }
        // The account's links made since went to addresses at least as recent as this
        // one's, possibly an intruder's: they are spent with it. Older ones stay open.
        query(
            "UPDATE account_recoveries SET used_at = $2 WHERE used_at IS NULL \
             AND user_id = (SELECT user_id FROM account_recoveries WHERE token_hash = $1) \
             AND seq >= (SELECT seq FROM account_recoveries WHERE token_hash = $1)",
        )
        .bind(token_hash.to_hex())
        .bind(ts(at))
        .execute(&mut self.0)
        .await?;
        Ok(true)
    }

    async fn purge_recoveries(&mut self, expired_by: OffsetDateTime) -> StoreResult<u64> {
        let done = query("DELETE FROM account_recoveries WHERE expires_at <= $1")
            .bind(ts(expired_by))
            .execute(&mut self.0)
            .await?;
        Ok(done)
    }
}
