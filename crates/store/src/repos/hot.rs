//! The hot paths' combined reads and writes (see [`HotRepo`]).
use sigil_core::ids::UserId;
use sigil_core::ports::{HotRepo, StoreError, StoreResult};
use sigil_core::privacy::{PrivacyLevel, PrivacyLevels};
use sigil_core::user::{FieldValues, User};
use time::OffsetDateTime;

use crate::db::{query, Conn, Exec, FromRow, Row};
use crate::repos::ts;
use crate::repos::users::UserRow;

/// The person's row (as `users::USER_BY_ID` reads it) beside each of their field
/// values (kind 0) and privacy choices (kind 1); one row with NULLs when they have
/// neither. Both branches are key lookups on `$1`, on either engine.
const USER_WITH_FIELDS: &str = concat!(
    "SELECT id, login, email, email_verified, phone, photo, photo_small, password_hash, status, ",
    "is_operator, profile_private, locale, created_at, updated_at, deletion_requested_at, ",
    "erase_after, (SELECT value FROM field_values WHERE field_values.user_id = users.id ",
    "AND field_values.field_key = 'nickname') AS name, x.kind, x.field_key, x.field_text ",
    "FROM users LEFT JOIN (",
    "SELECT CAST(0 AS BIGINT) AS kind, field_key, value AS field_text FROM field_values ",
    "WHERE user_id = $1 UNION ALL SELECT CAST(1 AS BIGINT), field_key, level FROM field_privacy ",
    "WHERE user_id = $1) x ON 1 = 1 WHERE users.id = $1"
);

struct UserFieldRow {
    user: UserRow,
    kind: Option<i64>,
    field_key: Option<String>,
    field_text: Option<String>,
}

impl FromRow for UserFieldRow {
    fn from_row(row: &Row) -> StoreResult<Self> {
        Ok(Self {
            user: UserRow::from_row(row)?,
            kind: row.get("kind")?,
            field_key: row.get("field_key")?,
            field_text: row.get("field_text")?,
        })
    }
}

#[async_trait::async_trait]
impl<E: Exec + 'static> HotRepo for Conn<E> {
    async fn app_generation(&mut self) -> StoreResult<i64> {
        let (generation,): (i64,) =
            query("SELECT generation FROM application_generation WHERE id = 1")
                .fetch_one(&mut self.0)
                .await?;
        Ok(generation)
    }

    async fn find_user_with_fields(
        &mut self,
        id: UserId,
    ) -> StoreResult<Option<(User, FieldValues, PrivacyLevels)>> {
        let rows: Vec<UserFieldRow> = query(USER_WITH_FIELDS)
            .bind(id.to_string())
            .fetch_all(&mut self.0)
            .await?;
        let mut values = FieldValues::new();
        let mut levels = PrivacyLevels::new();
        let mut user = None;
        for row in rows {
            match (row.kind, row.field_key, row.field_text) {
                (Some(0), Some(key), Some(text)) => {
                    values.insert(key, text);
                }
                (Some(_), Some(key), Some(text)) => {
                    let level = PrivacyLevel::parse(&text).ok_or_else(|| {
                        StoreError::Other(anyhow::anyhow!("privacy level {text}"))
                    })?;
                    levels.insert(key, level);
                }
                _ => {}
            }
            if user.is_none() {
                user = Some(row.user);
            }
        }
        match user {
            Some(row) => Ok(Some((row.into_user()?, values, levels))),
            None => Ok(None),
        }
    }

    async fn rotate_refresh_if_open(
        &mut self,
        id: &str,
        generation: i64,
        at: OffsetDateTime,
    ) -> StoreResult<bool> {
        let done = query(
            "UPDATE token_families SET refresh_generation = refresh_generation + 1, refreshed_at = $3 \
             WHERE id = $1 AND refresh_generation = $2 AND revoked_at IS NULL \
             AND EXISTS (SELECT 1 FROM applications a \
             WHERE a.client_id = token_families.client_id AND a.closed = FALSE)",
        )
        .bind(id)
        .bind(generation)
        .bind(ts(at))
        .execute(&mut self.0)
        .await?;
        Ok(done == 1)
    }
}
