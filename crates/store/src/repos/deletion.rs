//! The deletion lifecycle: the pending state, restore tickets, and erasure.
use sigil_core::deletion::StoredTicket;
use sigil_core::ids::UserId;
use sigil_core::ports::{DeletionRepo, StoreError, StoreResult};
use sigil_core::session::SignInMethod;
use sigil_core::token::TokenHash;
use sigil_core::user::User;
use time::OffsetDateTime;

use crate::db::{query, Conn, Exec};
use crate::repos::users::UserRow;
use crate::repos::{dt, ts};

const PENDING_DUE_BY: &str = "SELECT id, login, email, email_verified, phone, photo, \
     photo_small, password_hash, status, is_operator, profile_private, locale, created_at, \
     updated_at, deletion_requested_at, erase_after, CAST(NULL AS TEXT) AS name FROM users \
     WHERE status = 'pending_deletion' AND erase_after <= $1 ORDER BY erase_after, id";

crate::db::row_struct! {
struct TicketRow {
    user_id: String,
    method: String,
    expires_at: i64,
    used_at: Option<i64>,
}
}

/// `details` with only the keys in `kept`; anything that is not an object goes whole.
fn kept_details(details: &str, kept: &[&str]) -> String {
    match serde_json::from_str::<serde_json::Value>(details) {
        Ok(serde_json::Value::Object(map)) => {
            let kept: serde_json::Map<_, _> = map
                .into_iter()
                .filter(|(k, _)| kept.contains(&k.as_str()))
                .collect();
            if kept.is_empty() {
                "null".to_owned()
            } else {
                serde_json::Value::Object(kept).to_string()
            }
        }
        _ => "null".to_owned(),
    }
}

#[async_trait::async_trait]
impl<E: Exec + 'static> DeletionRepo for Conn<E> {
    async fn mark_pending_deletion(
        &mut self,
        user: UserId,
        requested_at: OffsetDateTime,
        erase_after: OffsetDateTime,
    ) -> StoreResult<bool> {
        let done = query(
            "UPDATE users SET status = 'pending_deletion', deletion_requested_at = $2, \
             erase_after = $3, updated_at = $2 WHERE id = $1 AND status = 'active'",
        )
        .bind(user.to_string())
        .bind(ts(requested_at))
        .bind(ts(erase_after))
        .execute(&mut self.0)
        .await?;
        Ok(done == 1)
    }

    async fn restore_user(&mut self, user: UserId, at: OffsetDateTime) -> StoreResult<bool> {
        let done = query(
            "UPDATE users SET status = 'active', deletion_requested_at = NULL, \
             erase_after = NULL, updated_at = $2 WHERE id = $1 AND status = 'pending_deletion'",
        )
        .bind(user.to_string())
        .bind(ts(at))
        .execute(&mut self.0)
        .await?;
        Ok(done == 1)
    }

    async fn insert_restore_ticket(
        &mut self,
        token_hash: &TokenHash,
        user: UserId,
        method: &str,
        created_at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> StoreResult<()> {
        query(
            "INSERT INTO restore_tickets (token_hash, user_id, method, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash.to_hex())
        .bind(user.to_string())
        .bind(method)
        .bind(ts(created_at))
        .bind(ts(expires_at))
        .execute(&mut self.0)
        .await?;
        Ok(())
    }

    async fn find_restore_ticket(
        &mut self,
        token_hash: &TokenHash,
    ) -> StoreResult<Option<StoredTicket>> {
        let row: Option<TicketRow> = query(
            "SELECT user_id, method, expires_at, used_at FROM restore_tickets \
             WHERE token_hash = $1",
        )
        .bind(token_hash.to_hex())
        .fetch_optional(&mut self.0)
        .await?;
        row.map(|t| {
            Ok(StoredTicket {
                user: t
                    .user_id
                    .parse()
                    .map_err(|e| StoreError::Other(anyhow::anyhow!("user id: {e}")))?,
                method: SignInMethod::from_stored(Some(&t.method)),
                expires_at: dt(t.expires_at)?,
                used: t.used_at.is_some(),
            })
        })
        .transpose()
    }

    async fn use_restore_ticket(
        &mut self,
        token_hash: &TokenHash,
        at: OffsetDateTime,
    ) -> StoreResult<bool> {
        // One conditional UPDATE: of two requests at once, one sees the ticket unused.
        let done = query(
            "UPDATE restore_tickets SET used_at = $2 \
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash.to_hex())
        .bind(ts(at))
        .execute(&mut self.0)
        .await?;
        Ok(done == 1)
    }

    async fn delete_restore_ticket(&mut self, token_hash: &TokenHash) -> StoreResult<bool> {
        let done = query("DELETE FROM restore_tickets WHERE token_hash = $1")
            .bind(token_hash.to_hex())
            .execute(&mut self.0)
            .await?;
        Ok(done == 1)
    }

    async fn purge_restore_tickets(&mut self, before: OffsetDateTime) -> StoreResult<u64> {
        query("DELETE FROM restore_tickets WHERE expires_at <= $1")
            .bind(ts(before))
            .execute(&mut self.0)
            .await
    }

    async fn list_pending_deletions(
        &mut self,
        due_by: Option<OffsetDateTime>,
    ) -> StoreResult<Vec<User>> {
        let rows: Vec<UserRow> = query(PENDING_DUE_BY)
            .bind(due_by.map_or(i64::MAX, ts))
            .fetch_all(&mut self.0)
            .await?;
        rows.into_iter().map(UserRow::into_user).collect()
    }

    async fn erase_user(
        &mut self,
        user: UserId,
        tombstone: &str,
        kept: &[&str],
    ) -> StoreResult<bool> {
        let id = user.to_string();
        let exists: Option<(String,)> = query("SELECT id FROM users WHERE id = $1")
            .bind(id.clone())
            .fetch_optional(&mut self.0)
            .await?;
        if exists.is_none() {
            return Ok(false);
        }
        // The activity log keeps its rows for the operator's counts, under the
        // tombstone, without where they came from or what they said about the person.
        let events: Vec<(i64, String)> = query("SELECT id, details FROM events WHERE user_id = $1")
            .bind(id.clone())
            .fetch_all(&mut self.0)
            .await?;
        query(
            "UPDATE events SET user_id = $2, ip = NULL, device = NULL, browser = NULL, \
             os = NULL WHERE user_id = $1",
        )
        .bind(id.clone())
        .bind(tombstone)
        .execute(&mut self.0)
        .await?;
        for (event, details) in events {
            let stripped = kept_details(&details, kept);
            if stripped != details {
                query("UPDATE events SET details = $2 WHERE id = $1")
                    .bind(event)
                    .bind(stripped)
                    .execute(&mut self.0)
                    .await?;
            }
        }
        // Messages still held for the account's addresses (codes, notices), except one
        // another account is waiting for at the same address.
        query(
            "DELETE FROM outbox WHERE recipient IN ( \
                 SELECT email FROM users WHERE id = $1 AND email IS NOT NULL \
                 UNION SELECT phone FROM users WHERE id = $1 AND phone IS NOT NULL \
                 UNION SELECT address FROM contact_verifications WHERE user_id = $1) \
             AND id NOT IN (SELECT message_id FROM contact_verifications \
                 WHERE user_id <> $1 AND message_id IS NOT NULL)",
        )
        .bind(id.clone())
        .execute(&mut self.0)
        .await?;
        // Invitations to the account's address, and those the person decided: who was
        // invited where, and what they answered, goes with them.
        query(
            "DELETE FROM invitations WHERE user_id = $1 OR email = \
                 (SELECT email FROM users WHERE id = $1 AND email IS NOT NULL)",
        )
        .bind(id.clone())
        .execute(&mut self.0)
        .await?;
        // An image another account shows too (the same bytes, so the same hash) stays,
        // handed to that account; the others go.
        query(
            "UPDATE images SET user_id = (SELECT u.id FROM users u WHERE u.id <> $1 \
                 AND (u.photo = images.hash OR u.photo_small = images.hash) \
                 ORDER BY u.id LIMIT 1) \
             WHERE user_id = $1 AND EXISTS (SELECT 1 FROM users u WHERE u.id <> $1 \
                 AND (u.photo = images.hash OR u.photo_small = images.hash))",
        )
        .bind(id.clone())
        .execute(&mut self.0)
        .await?;
        query("DELETE FROM images WHERE user_id = $1")
            .bind(id.clone())
            .execute(&mut self.0)
            .await?;
        // The account row: login, email, phone, password hash and photo go with it, and
        // (ON DELETE CASCADE, on both engines) everything else that names the person:
        // field_values, field_privacy, sessions, consents, auth_codes, token_families
        // (with their refresh_tokens), contact_verifications, business_cards,
        // identifiers, identifier_requests, account_recoveries and restore_tickets.
        // Their login, email, phone, card link and provider subjects are free again.
        let done = query("DELETE FROM users WHERE id = $1")
            .bind(id)
            .execute(&mut self.0)
            .await?;
        Ok(done == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::kept_details;

    #[test]
    fn erased_events_keep_only_the_details_that_say_nothing_about_the_person() {
        let kept = ["reason", "sessions_ended"];
        assert_eq!(
            kept_details(
                r#"{"reason":"blocked","provider":"corp","email":"a@b.c"}"#,
                &kept
            ),
            r#"{"reason":"blocked"}"#
        );
        assert_eq!(kept_details(r#"{"address":"a@b.c"}"#, &kept), "null");
        assert_eq!(kept_details("null", &kept), "null");
        assert_eq!(kept_details("not json", &kept), "null");
    }
}
