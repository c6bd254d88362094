//! The hot paths' combined reads and writes (see [`HotRepo`]).
use sigil_core::ids::UserId;
use sigil_core::ports::{GrantVersion, HotRepo, Profile, StoreError, StoreResult};
use sigil_core::privacy::{PrivacyLevel, PrivacyLevels};
use sigil_core::user::FieldValues;
use time::OffsetDateTime;

use crate::db::{query, Conn, Exec, FromRow, Row};
use crate::repos::grants::{grant_state_from, grant_state_select, GrantStateRow};
use crate::repos::ts;
use crate::repos::users::UserRow;

/// Userinfo's and refresh's read on every request: the grant `$1`, whether the access
/// token `$2` is revoked (NULL, as refresh passes, matches no token), and the version of the grant's person's profile (NULL if they are gone),
/// in one row: one round trip on PostgreSQL, three key lookups.
const GRANT_AND_VERSION: &str = concat!(
    grant_state_select!(),
    "CAST(CASE WHEN EXISTS (SELECT 1 FROM revoked_access_tokens r WHERE r.jti = $2) ",
    "THEN 1 ELSE 0 END AS BIGINT) AS revoked, ",
    "(SELECT u.profile_version FROM users u WHERE u.id = f.user_id) AS profile_version ",
    grant_state_from!()
);

/// Eighteen NULLs: the person's columns in the rows that carry a field.
macro_rules! no_person {
    () => {
        "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
         NULL, NULL, NULL, NULL, "
    };
}

/// Where the person's columns (as `users::UserRow` reads them) sit in a row of
/// [`PROFILE`]; column 0 is the row's kind, column 18 the profile's version.
const PERSON_COLUMNS: std::ops::Range<usize> = 1..18;

/// A person's whole profile at one version, in one statement (so one snapshot on
/// PostgreSQL too): the row of kind 0 holds the person and their version; kind 1 rows
/// each hold one field value, kind 2 rows one privacy choice. Every branch is a key
/// lookup, and a row carries only its own columns (NULLs elsewhere), so nothing is
/// repeated per field.
const PROFILE: &str = concat!(
    "SELECT CAST(0 AS BIGINT) AS kind, id, login, email, email_verified, phone, photo, ",
    "photo_small, password_hash, status, is_operator, profile_private, locale, created_at, ",
    "updated_at, deletion_requested_at, erase_after, ",
    "(SELECT v.value FROM field_values v WHERE v.user_id = users.id ",
    "AND v.field_key = 'nickname') AS name, profile_version, ",
    "CAST(NULL AS TEXT) AS field_key, CAST(NULL AS TEXT) AS field_text ",
    "FROM users WHERE id = $1 ",
    "UNION ALL SELECT CAST(1 AS BIGINT), ",
    no_person!(),
    "field_key, value FROM field_values WHERE user_id = $1 ",
    "UNION ALL SELECT CAST(2 AS BIGINT), ",
    no_person!(),
    "field_key, level FROM field_privacy WHERE user_id = $1"
);

struct GrantVersionRow {
    grant: GrantStateRow,
    profile_version: Option<i64>,
}

impl FromRow for GrantVersionRow {
    fn from_row(row: &Row) -> StoreResult<Self> {
        Ok(Self {
            grant: GrantStateRow::from_row(row)?,
            profile_version: row.get("profile_version")?,
        })
    }
}

/// The columns `range` of `row` as a row of their own.
fn part(row: &Row, range: std::ops::Range<usize>) -> StoreResult<Row> {
    let columns = row.columns.get(range.clone());
    let values = row.values.get(range);
    match (columns, values) {
        (Some(columns), Some(values)) => Ok(Row {
            columns: columns.into(),
            values: values.to_vec(),
        }),
        _ => Err(StoreError::Other(anyhow::anyhow!("profile row too short"))),
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

    async fn find_grant_version(
        &mut self,
        gid: &str,
        jti: Option<&str>,
    ) -> StoreResult<Option<GrantVersion>> {
        let Some(row) = query(GRANT_AND_VERSION)
            .bind(gid)
            .bind(jti)
            .fetch_optional::<GrantVersionRow>(&mut self.0)
            .await?
        else {
            return Ok(None);
        };
        let (grant, revoked) = row.grant.into_state()?;
        Ok(Some(GrantVersion {
            grant,
            revoked,
            profile_version: row.profile_version,
        }))
    }

    async fn find_profile(&mut self, user: UserId) -> StoreResult<Option<Profile>> {
        let rows = self
            .0
            .fetch(query(PROFILE).bind(user.to_string()), None)
            .await?;
        let mut found = None;
        let mut values = FieldValues::new();
        let mut privacy = PrivacyLevels::new();
        for row in &rows {
            let kind: i64 = row.at(0)?;
            match kind {
                0 => {
                    let person = UserRow::from_row(&part(row, PERSON_COLUMNS)?)?.into_user()?;
                    found = Some((person, row.get::<i64>("profile_version")?));
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
        Ok(found.map(|(user, version)| Profile {
            version,
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
