//! Linked identifiers and their pending authorization requests.
use sigil_core::identifier::{Identifier, NewIdentifier, PendingRequest, Purpose};
use sigil_core::ids::UserId;
use sigil_core::ports::{IdentifierRepo, StoreError, StoreResult};
use sigil_core::privacy::PrivacyLevel;
use sigil_core::token::TokenHash;
use time::OffsetDateTime;

use crate::db::{query, row_struct, Conn, Exec};
use crate::repos::{dt, ts};

/// The columns of [`IdentifierRow`] (`SELECT` plus this plus the condition).
macro_rules! select {
    ($condition:literal) => {
        concat!(
            "SELECT id, user_id, provider, subject, email, name, \
             avatar IS NOT NULL AS has_avatar, privacy, linked_at FROM identifiers WHERE ",
            $condition
        )
    };
}

row_struct! {
    struct IdentifierRow {
        id: String,
        user_id: String,
        provider: String,
        subject: String,
        email: Option<String>,
        name: Option<String>,
        has_avatar: bool,
        privacy: Option<String>,
        linked_at: i64,
    }
}

fn other(what: String) -> StoreError {
    StoreError::Other(anyhow::anyhow!(what))
}

impl TryFrom<IdentifierRow> for Identifier {
    type Error = StoreError;

    fn try_from(r: IdentifierRow) -> StoreResult<Self> {
        let privacy = match r.privacy {
            Some(level) => {
                Some(PrivacyLevel::parse(&level).ok_or_else(|| other(format!("level {level}")))?)
            }
            None => None,
        };
        Ok(Identifier {
            user_id: r
                .user_id
                .parse()
                .map_err(|_| other(format!("identifier owner {}", r.user_id)))?,
            id: r.id,
            provider: r.provider,
            subject: r.subject,
            email: r.email,
            name: r.name,
            has_avatar: r.has_avatar,
            privacy,
            linked_at: dt(r.linked_at)?,
        })
    }
}

row_struct! {
    struct RequestRow {
        provider: String,
        user_id: Option<String>,
        binding: Option<String>,
        next: Option<String>,
        sealed: String,
        expires_at: i64,
    }
}

impl RequestRow {
    fn into_request(self) -> StoreResult<PendingRequest> {
        let purpose = match (self.user_id, self.binding) {
            (Some(user), _) => Purpose::Link(
                user.parse()
                    .map_err(|_| other(format!("request owner {user}")))?,
            ),
            (None, Some(binding)) => Purpose::SignIn {
                binding,
                next: self.next.unwrap_or_else(|| "/profile".into()),
            },
            (None, None) => return Err(other("a request for nobody".into())),
        };
        Ok(PendingRequest {
            provider: self.provider,
            purpose,
            sealed: self.sealed,
            expires_at: dt(self.expires_at)?,
        })
    }
}

#[async_trait::async_trait]
impl<E: Exec + 'static> IdentifierRepo for Conn<E> {
    async fn save_identifier_request(
        &mut self,
        state_hash: &TokenHash,
        request: &PendingRequest,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        let (user, binding, next) = match &request.purpose {
            Purpose::Link(user) => (Some(user.to_string()), None, None),
            Purpose::SignIn { binding, next } => {
                (None, Some(binding.as_str()), Some(next.as_str()))
            }
        };
        query(
            "INSERT INTO identifier_requests \
             (state_hash, provider, user_id, binding, next, sealed, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(state_hash.to_hex())
        .bind(request.provider.as_str())
        .bind(user)
        .bind(binding)
        .bind(next)
        .bind(request.sealed.as_str())
        .bind(ts(at))
        .bind(ts(request.expires_at))
        .execute(&mut self.0)
        .await?;
        Ok(())
    }

    async fn take_identifier_request(
        &mut self,
        state_hash: &TokenHash,
    ) -> StoreResult<Option<PendingRequest>> {
        let row: Option<RequestRow> = query(
            "DELETE FROM identifier_requests WHERE state_hash = $1 \
             RETURNING provider, user_id, binding, next, sealed, expires_at",
        )
        .bind(state_hash.to_hex())
        .fetch_optional(&mut self.0)
        .await?;
        row.map(RequestRow::into_request).transpose()
    }

    async fn purge_identifier_requests(&mut self, expired_by: OffsetDateTime) -> StoreResult<u64> {
        query("DELETE FROM identifier_requests WHERE expires_at <= $1")
            .bind(ts(expired_by))
            .execute(&mut self.0)
            .await
    }

    async fn list_identifiers(&mut self, user: UserId) -> StoreResult<Vec<Identifier>> {
        let rows: Vec<IdentifierRow> = query(select!("user_id = $1 ORDER BY linked_at, id"))
            .bind(user.to_string())
            .fetch_all(&mut self.0)
            .await?;
        rows.into_iter().map(Identifier::try_from).collect()
    }

    async fn find_identifier_by_subject(
        &mut self,
        provider: &str,
        subject: &str,
    ) -> StoreResult<Option<Identifier>> {
        let row: Option<IdentifierRow> = query(select!("provider = $1 AND subject = $2"))
            .bind(provider)
            .bind(subject)
            .fetch_optional(&mut self.0)
            .await?;
        row.map(Identifier::try_from).transpose()
    }

    async fn insert_identifier(&mut self, new: &NewIdentifier<'_>) -> StoreResult<()> {
        query(
            "INSERT INTO identifiers \
             (id, user_id, provider, subject, email, name, avatar, linked_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(new.id)
        .bind(new.user_id.to_string())
        .bind(new.provider)
        .bind(new.account.subject.as_str())
        .bind(new.account.email.as_deref())
        .bind(new.account.name.as_deref())
        .bind(new.avatar)
        .bind(ts(new.at))
        .execute(&mut self.0)
        .await?;
        Ok(())
    }

    async fn refresh_identifier(&mut self, new: &NewIdentifier<'_>) -> StoreResult<()> {
        query(
            "UPDATE identifiers SET email = $3, name = $4, avatar = $5, updated_at = $6 \
             WHERE id = $1 AND user_id = $2",
        )
        .bind(new.id)
        .bind(new.user_id.to_string())
        .bind(new.account.email.as_deref())
        .bind(new.account.name.as_deref())
        .bind(new.avatar)
        .bind(ts(new.at))
        .execute(&mut self.0)
        .await?;
        Ok(())
    }

    async fn delete_identifier(&mut self, user: UserId, id: &str) -> StoreResult<bool> {
        let n = query("DELETE FROM identifiers WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user.to_string())
            .execute(&mut self.0)
            .await?;
        Ok(n > 0)
    }

    async fn identifier_avatar(&mut self, user: UserId, id: &str) -> StoreResult<Option<Vec<u8>>> {
        let row: Option<(Option<Vec<u8>>,)> =
            query("SELECT avatar FROM identifiers WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(user.to_string())
                .fetch_optional(&mut self.0)
                .await?;
        Ok(row.and_then(|(a,)| a))
    }

    async fn set_identifier_privacy(
        &mut self,
        user: UserId,
        id: &str,
        level: PrivacyLevel,
    ) -> StoreResult<bool> {
        let n = query("UPDATE identifiers SET privacy = $3 WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user.to_string())
            .bind(level.as_str())
            .execute(&mut self.0)
            .await?;
        Ok(n > 0)
    }
}
