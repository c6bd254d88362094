//! The hot paths' combined reads and writes (see [`HotRepo`]).
use sigil_core::ids::UserId;
use sigil_core::ports::{HotRepo, StoreError, StoreResult, UserinfoState};
use sigil_core::privacy::{PrivacyLevel, PrivacyLevels};
use sigil_core::user::FieldValues;
use time::OffsetDateTime;

use crate::db::{query, Conn, Exec, FromRow, Row};
use crate::repos::grants::GrantStateRow;
use crate::repos::ts;
use crate::repos::users::UserRow;

/// Sixteen NULLs then seventeen: the grant's and the person's columns in the rows
/// that carry a field.
macro_rules! no_grant_nor_person {
    () => {
        "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
         NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
         NULL, NULL, NULL, NULL, NULL, "
    };
}

/// Where the grant's columns (as `grants::GrantStateRow` reads them) and the person's
/// (as `users::UserRow` does) sit in a row of [`USERINFO`]; column 0 is the row's kind.
const GRANT_COLUMNS: std::ops::Range<usize> = 1..17;
const PERSON_COLUMNS: std::ops::Range<usize> = 17..34;

/// Userinfo's reads in one statement, so PostgreSQL answers in one round trip: a row
/// of kind 0 holds the grant `$1`, whether the access token `$2` is revoked and the
/// grant's person side by side; kind 1 rows each hold one field value of `$3`, kind 2
/// rows one privacy choice. Every branch is a key lookup; a row carries only its own
/// columns and NULLs elsewhere, so no column is repeated per field (the one-query read
/// that joined the person to each field measured slower than separate reads).
const USERINFO: &str = concat!(
    "SELECT CAST(0 AS BIGINT) AS kind, f.id, f.client_id, f.user_id, f.session_hash, f.sid, ",
    "f.scopes, f.auth_time, f.method, f.nonce, f.created_at, f.expires_at, f.revoked_at, ",
    "f.refresh_generation, f.refreshed_at, s.expires_at AS session_expires_at, ",
    "CAST(CASE WHEN EXISTS (SELECT 1 FROM revoked_access_tokens r WHERE r.jti = $2) ",
    "THEN 1 ELSE 0 END AS BIGINT) AS revoked, ",
    "u.id, u.login, u.email, u.email_verified, u.phone, u.photo, u.photo_small, ",
    "u.password_hash, u.status, u.is_operator, u.profile_private, u.locale, u.created_at, ",
    "u.updated_at, u.deletion_requested_at, u.erase_after, ",
    "(SELECT v.value FROM field_values v WHERE v.user_id = u.id ",
    "AND v.field_key = 'nickname') AS name, ",
    "CAST(NULL AS TEXT) AS field_key, CAST(NULL AS TEXT) AS field_text ",
    "FROM token_families f LEFT JOIN sessions s ON s.id_hash = f.session_hash ",
    "LEFT JOIN users u ON u.id = f.user_id WHERE f.id = $1 ",
    "UNION ALL SELECT CAST(1 AS BIGINT), ",
    no_grant_nor_person!(),
    "field_key, value FROM field_values WHERE user_id = $3 ",
    "UNION ALL SELECT CAST(2 AS BIGINT), ",
    no_grant_nor_person!(),
    "field_key, level FROM field_privacy WHERE user_id = $3"
);

/// The columns `range` of `row` as a row of their own.
fn part(row: &Row, range: std::ops::Range<usize>) -> StoreResult<Row> {
    let columns = row.columns.get(range.clone());
    let values = row.values.get(range);
    match (columns, values) {
        (Some(columns), Some(values)) => Ok(Row {
            columns: columns.into(),
            values: values.to_vec(),
        }),
        _ => Err(StoreError::Other(anyhow::anyhow!("userinfo row too short"))),
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

    async fn find_userinfo(
        &mut self,
        gid: &str,
        jti: &str,
        user: UserId,
    ) -> StoreResult<Option<UserinfoState>> {
        let rows = self
            .0
            .fetch(
                query(USERINFO).bind(gid).bind(jti).bind(user.to_string()),
                None,
            )
            .await?;
        let mut found = None;
        let mut values = FieldValues::new();
        let mut privacy = PrivacyLevels::new();
        for row in &rows {
            let kind: i64 = row.at(0)?;
            match kind {
                0 => {
                    let (grant, revoked) =
                        GrantStateRow::from_row(&part(row, GRANT_COLUMNS)?)?.into_state()?;
                    let person = part(row, PERSON_COLUMNS)?;
                    let user = match person.at::<Option<String>>(0)? {
                        Some(_) => Some(UserRow::from_row(&person)?.into_user()?),
                        None => None,
                    };
                    found = Some((grant, revoked, user));
                }
                1 => {
                    values.insert(row.get("field_key")?, row.get("field_text")?);
                }
                _ => {
                    let text: String = row.get("field_text")?;
                    let level = PrivacyLevel::parse(&text).ok_or_else(|| {
                        StoreError::Other(anyhow::anyhow!("privacy level {text}"))
                    })?;
                    privacy.insert(row.get("field_key")?, level);
                }
            }
        }
        Ok(found.map(|(grant, revoked, user)| UserinfoState {
            grant,
            revoked,
            user,
            values,
            privacy,
        }))
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
