//! Invitations to closed applications.
use sigil_core::email::Email;
use sigil_core::ids::{ClientId, UserId};
use sigil_core::invitation::{Invitation, InvitationStatus};
use sigil_core::locale::Locale;
use sigil_core::ports::{InvitationRepo, StoreError, StoreResult};
use sigil_core::token::TokenHash;
use time::OffsetDateTime;

use crate::db::{query, Conn, Exec};
use crate::repos::{dt, ts};

/// `SELECT` of every column but the token's hash (never read back), then `rest`.
macro_rules! select_invitations {
    ($rest:literal) => {
        concat!(
            "SELECT id, client_id, email, status, created_at, expires_at, decided_at, ",
            "user_id, locale, message_id FROM invitations ",
            $rest
        )
    };
}

crate::db::row_struct! {
struct InvitationRow {
    id: String,
    client_id: String,
    email: String,
    status: String,
    created_at: i64,
    expires_at: i64,
    decided_at: Option<i64>,
    user_id: Option<String>,
    locale: Option<String>,
    message_id: Option<i64>,
}
}

impl InvitationRow {
    fn into_invitation(self) -> StoreResult<Invitation> {
        let bad =
            |what: &str| StoreError::Other(anyhow::anyhow!("stored invitation has a bad {what}"));
        Ok(Invitation {
            id: self.id,
            client_id: ClientId(self.client_id),
            email: Email::from_trusted(self.email),
            status: InvitationStatus::parse(&self.status).ok_or_else(|| bad("status"))?,
            created_at: dt(self.created_at)?,
            expires_at: dt(self.expires_at)?,
            decided_at: self.decided_at.map(dt).transpose()?,
            user_id: self
                .user_id
                .map(|u| u.parse().map_err(|_| bad("user id")))
                .transpose()?,
            locale: self.locale.as_deref().and_then(Locale::parse),
            message_id: self.message_id,
        })
    }
}

fn all(rows: Vec<InvitationRow>) -> StoreResult<Vec<Invitation>> {
    rows.into_iter()
        .map(InvitationRow::into_invitation)
        .collect()
}

#[async_trait::async_trait]
impl<E: Exec + 'static> InvitationRepo for Conn<E> {
    async fn count_pending_invitations(
        &mut self,
        email: &Email,
        now: OffsetDateTime,
    ) -> StoreResult<u64> {
        let (n,): (i64,) = query(
            "SELECT COUNT(*) FROM invitations \
             WHERE email = $1 AND status = 'pending' AND expires_at > $2",
        )
        .bind(email.as_str())
        .bind(ts(now))
        .fetch_one(&mut self.0)
        .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn create_invitation(
        &mut self,
        invitation: &Invitation,
        token_hash: &TokenHash,
    ) -> StoreResult<Option<String>> {
        // The earlier pending one for the pair (at most one, by the partial unique
        // index) is replaced in this transaction, so the index admits the new one.
        let replaced: Option<(String,)> = query(
            "UPDATE invitations SET status = 'replaced', decided_at = $3 \
             WHERE client_id = $1 AND email = $2 AND status = 'pending' RETURNING id",
        )
        .bind(&invitation.client_id.0)
        .bind(invitation.email.as_str())
        .bind(ts(invitation.created_at))
        .fetch_optional(&mut self.0)
        .await?;
        query(
            "INSERT INTO invitations (id, client_id, email, token_hash, status, created_at, \
             expires_at, decided_at, user_id, locale, message_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, $8, $9)",
        )
        .bind(&invitation.id)
        .bind(&invitation.client_id.0)
        .bind(invitation.email.as_str())
        .bind(token_hash.to_hex())
        .bind(invitation.status.as_str())
        .bind(ts(invitation.created_at))
        .bind(ts(invitation.expires_at))
        .bind(invitation.locale.map(Locale::tag))
        .bind(invitation.message_id)
        .execute(&mut self.0)
        .await?;
        Ok(replaced.map(|(id,)| id))
    }

    async fn find_invitation(&mut self, id: &str) -> StoreResult<Option<Invitation>> {
        query(select_invitations!("WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut self.0)
            .await?
            .map(InvitationRow::into_invitation)
            .transpose()
    }

    async fn find_invitation_by_token(
        &mut self,
        token_hash: &TokenHash,
    ) -> StoreResult<Option<Invitation>> {
        query(select_invitations!("WHERE token_hash = $1"))
            .bind(token_hash.to_hex())
            .fetch_optional(&mut self.0)
            .await?
            .map(InvitationRow::into_invitation)
            .transpose()
    }

    async fn list_invitations_of_app(&mut self, client: &ClientId) -> StoreResult<Vec<Invitation>> {
        let rows: Vec<InvitationRow> = query(select_invitations!(
            "WHERE client_id = $1 \
             ORDER BY created_at DESC, id"
        ))
        .bind(&client.0)
        .fetch_all(&mut self.0)
        .await?;
        all(rows)
    }

    async fn list_pending_invitations(
        &mut self,
        email: &Email,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<Invitation>> {
        let rows: Vec<InvitationRow> = query(select_invitations!(
            "\
             WHERE email = $1 AND status = 'pending' AND expires_at > $2 \
             ORDER BY created_at, id"
        ))
        .bind(email.as_str())
        .bind(ts(now))
        .fetch_all(&mut self.0)
        .await?;
        all(rows)
    }

    async fn list_invitations_of_person(
        &mut self,
        email: Option<&Email>,
        user: UserId,
    ) -> StoreResult<Vec<Invitation>> {
        let rows: Vec<InvitationRow> = query(select_invitations!(
            "WHERE email = $1 OR user_id = $2 \
             ORDER BY created_at DESC, id"
        ))
        .bind(email.map(|e| e.as_str().to_owned()))
        .bind(user.to_string())
        .fetch_all(&mut self.0)
        .await?;
        all(rows)
    }

    async fn decide_invitation(
        &mut self,
        id: &str,
        status: InvitationStatus,
        user: UserId,
        at: OffsetDateTime,
    ) -> StoreResult<bool> {
        // One conditional UPDATE: of two decisions at once, one sees it pending.
        let done = query(
            "UPDATE invitations SET status = $2, user_id = $3, decided_at = $4 \
             WHERE id = $1 AND status = 'pending' AND expires_at > $4",
        )
        .bind(id)
        .bind(status.as_str())
        .bind(user.to_string())
        .bind(ts(at))
        .execute(&mut self.0)
        .await?;
        Ok(done == 1)
    }

    async fn revoke_invitation(&mut self, id: &str, at: OffsetDateTime) -> StoreResult<bool> {
        let done = query(
            "UPDATE invitations SET status = 'revoked', decided_at = $2 \
             WHERE id = $1 AND status = 'pending'",
        )
        .bind(id)
        .bind(ts(at))
        .execute(&mut self.0)
        .await?;
        Ok(done == 1)
    }
}
