//! The hot paths' combined reads and writes (see [`HotRepo`]).
use sigil_core::ids::UserId;
use sigil_core::ports::{GrantVersion, HotRepo, Profile, StoreResult};
use time::OffsetDateTime;

use crate::db::{query, Conn, Exec, FromRow, Row};
use crate::repos::grants::{grant_state_from, grant_state_select, GrantStateRow};
use crate::repos::privacy::fields_of;
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

/// A person's whole profile at one version, in one row: their columns, their version
/// and their field document (see `privacy::fields_of`), one key lookup.
const PROFILE: &str = concat!(
    "SELECT id, login, email, email_verified, phone, photo, photo_small, password_hash, ",
    "status, is_operator, profile_private, locale, created_at, updated_at, ",
    "deletion_requested_at, erase_after, ",
    crate::repos::users::name_column!(),
    ", profile_version, CAST(fields AS TEXT) AS fields FROM users WHERE id = $1"
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
        let Some(row) = self
            .0
            .fetch(query(PROFILE).bind(user.to_string()), None)
            .await?
            .into_iter()
            .next()
        else {
            return Ok(None);
        };
        let (values, privacy) = fields_of(&row.get::<String>("fields")?)?;
        Ok(Some(Profile {
            version: row.get("profile_version")?,
            user: UserRow::from_row(&row)?.into_user()?,
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
