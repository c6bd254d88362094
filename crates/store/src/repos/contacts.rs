//! Verified contacts and pending verifications.
use sigil_core::contact::{Channel, ContactKind, Verification};
use sigil_core::email::Email;
use sigil_core::ids::UserId;
use sigil_core::phone::Phone;
use sigil_core::ports::{ContactRepo, StoreError, StoreResult};
use sigil_core::token::TokenHash;
use time::OffsetDateTime;

use crate::db::{query, row_struct, Conn, Exec};
use crate::repos::{dt, ts};

fn other(what: &str) -> StoreError {
    StoreError::Other(anyhow::anyhow!("stored verification has a bad {what}"))
}

row_struct! {
    pub(crate) struct VerificationRow {
        id: String,
        user_id: String,
        kind: String,
        address: String,
        channel: String,
        code_hash: String,
        link_hash: Option<String>,
        attempts: i64,
        created_at: i64,
        expires_at: i64,
        used_at: Option<i64>,
        message_id: Option<i64>,
    }
}

impl VerificationRow {
    fn into_verification(self) -> StoreResult<Verification> {
        Ok(Verification {
            id: self.id,
            user_id: self.user_id.parse().map_err(|_| other("user id"))?,
            kind: ContactKind::parse(&self.kind).ok_or_else(|| other("kind"))?,
            address: self.address,
            channel: Channel::parse(&self.channel).ok_or_else(|| other("channel"))?,
            code_hash: self.code_hash,
            link_hash: self
                .link_hash
                .map(|h| TokenHash::from_hex(&h).ok_or_else(|| other("link hash")))
                .transpose()?,
            attempts: self.attempts,
            created_at: dt(self.created_at)?,
            expires_at: dt(self.expires_at)?,
            used_at: self.used_at.map(dt).transpose()?,
            message_id: self.message_id,
        })
    }
}

macro_rules! select_where {
    ($cond:literal) => {
        concat!(
            "SELECT id, user_id, kind, address, channel, code_hash, link_hash, attempts, ",
            "created_at, expires_at, used_at, message_id FROM contact_verifications WHERE ",
            $cond
        )
    };
}

#[async_trait::async_trait]
impl<E: Exec + 'static> ContactRepo for Conn<E> {
    async fn replace_verification(&mut self, v: &Verification) -> StoreResult<()> {
        query("DELETE FROM contact_verifications WHERE user_id = $1 AND kind = $2")
            .bind(v.user_id.to_string())
            .bind(v.kind.as_str())
            .execute(&mut self.0)
            .await?;
        query(
            "INSERT INTO contact_verifications (id, user_id, kind, address, channel, code_hash, \
             link_hash, attempts, created_at, expires_at, used_at, message_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&v.id)
        .bind(v.user_id.to_string())
        .bind(v.kind.as_str())
        .bind(&v.address)
        .bind(v.channel.as_str())
        .bind(&v.code_hash)
        .bind(v.link_hash.map(|h| h.to_hex()))
        .bind(v.attempts)
        .bind(ts(v.created_at))
        .bind(ts(v.expires_at))
        .bind(v.used_at.map(ts))
        .bind(v.message_id)
        .execute(&mut self.0)
        .await?;
        Ok(())
    }

    async fn find_verification(
        &mut self,
        user: UserId,
        kind: ContactKind,
    ) -> StoreResult<Option<Verification>> {
        query(select_where!("user_id = $1 AND kind = $2"))
            .bind(user.to_string())
            .bind(kind.as_str())
            .fetch_optional(&mut self.0)
            .await?
            .map(VerificationRow::into_verification)
            .transpose()
    }

    async fn lock_verification(
        &mut self,
        user: UserId,
        kind: ContactKind,
    ) -> StoreResult<Option<Verification>> {
        // A no-op update takes PostgreSQL's row lock (see `LOCK_USER` in users.rs).
        query(
            "UPDATE contact_verifications SET attempts = attempts \
             WHERE user_id = $1 AND kind = $2 RETURNING id, user_id, kind, address, channel, \
             code_hash, link_hash, attempts, created_at, expires_at, used_at, message_id",
        )
        .bind(user.to_string())
        .bind(kind.as_str())
        .fetch_optional(&mut self.0)
        .await?
        .map(VerificationRow::into_verification)
        .transpose()
    }

    async fn find_verification_by_link(
        &mut self,
        link_hash: &TokenHash,
    ) -> StoreResult<Option<Verification>> {
        query(select_where!("link_hash = $1"))
            .bind(link_hash.to_hex())
            .fetch_optional(&mut self.0)
            .await?
            .map(VerificationRow::into_verification)
            .transpose()
    }

    async fn count_attempt(&mut self, id: &str) -> StoreResult<i64> {
        let (n,): (i64,) = query(
            "UPDATE contact_verifications SET attempts = attempts + 1 WHERE id = $1 \
             RETURNING attempts",
        )
        .bind(id)
        .fetch_one(&mut self.0)
        .await?;
        Ok(n)
    }

    async fn use_verification(&mut self, id: &str, at: OffsetDateTime) -> StoreResult<bool> {
        let done = query(
            "UPDATE contact_verifications SET used_at = $2 WHERE id = $1 AND used_at IS NULL",
        )
        .bind(id)
        .bind(ts(at))
        .execute(&mut self.0)
        .await?;
        Ok(done == 1)
    }

    async fn delete_verification(&mut self, user: UserId, kind: ContactKind) -> StoreResult<()> {
        query("DELETE FROM contact_verifications WHERE user_id = $1 AND kind = $2")
            .bind(user.to_string())
            .bind(kind.as_str())
            .execute(&mut self.0)
            .await?;
        Ok(())
    }

    async fn purge_verifications(&mut self, before: OffsetDateTime) -> StoreResult<u64> {
        query("DELETE FROM contact_verifications WHERE expires_at < $1")
            .bind(ts(before))
            .execute(&mut self.0)
            .await
    }

    async fn set_email(
        &mut self,
        user: UserId,
        email: Option<&Email>,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        query("UPDATE users SET email = $2, email_verified = $3, updated_at = $4 WHERE id = $1")
            .bind(user.to_string())
            .bind(email.map(Email::as_str))
            .bind(email.is_some())
            .bind(ts(at))
            .execute(&mut self.0)
            .await?;
        Ok(())
    }

    async fn set_phone(
        &mut self,
        user: UserId,
        phone: Option<&Phone>,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        query("UPDATE users SET phone = $2, updated_at = $3 WHERE id = $1")
            .bind(user.to_string())
            .bind(phone.map(Phone::as_str))
            .bind(ts(at))
            .execute(&mut self.0)
            .await?;
        Ok(())
    }
}
