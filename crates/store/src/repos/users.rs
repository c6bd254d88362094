//! Accounts and catalogue field values.
use sigil_core::email::Email;
use sigil_core::locale::Locale;
use sigil_core::login::Login;
use sigil_core::ports::StoreError;
use sigil_core::user::{User, UserStatus};

use super::dt;

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: String,
    login: Option<String>,
    email: Option<String>,
    email_verified: bool,
    password_hash: Option<String>,
    status: String,
    is_operator: bool,
    locale: Option<String>,
    created_at: i64,
    updated_at: i64,
}

macro_rules! select_user_where {
    ($column:literal) => {
        concat!(
            "SELECT id, login, email, email_verified, password_hash, status, is_operator, ",
            "locale, created_at, updated_at FROM users WHERE ",
            $column,
            " = $1"
        )
    };
}
pub(crate) const USER_BY_ID: &str = select_user_where!("id");
pub(crate) const USER_BY_LOGIN: &str = select_user_where!("login");
pub(crate) const USER_BY_EMAIL: &str = select_user_where!("email");

impl UserRow {
    pub(crate) fn into_user(self) -> Result<User, StoreError> {
        Ok(User {
            id: self
                .id
                .parse()
                .map_err(|e| StoreError::Other(anyhow::anyhow!("user id: {e}")))?,
            login: self.login.map(Login::from_trusted),
            email: self.email.map(Email::from_trusted),
            email_verified: self.email_verified,
            password_hash: self.password_hash,
            status: UserStatus::parse(&self.status)
                .ok_or_else(|| StoreError::Other(anyhow::anyhow!("user status {}", self.status)))?,
            is_operator: self.is_operator,
            locale: self.locale.as_deref().and_then(Locale::parse),
            created_at: dt(self.created_at)?,
            updated_at: dt(self.updated_at)?,
        })
    }
}

macro_rules! users_repo {
    ($db:ty) => {
        const _: () = {
            use sigil_core::email::Email;
            use sigil_core::ids::UserId;
            use sigil_core::locale::Locale;
            use sigil_core::login::Login;
            use sigil_core::ports::{StoreResult, UserRepo};
            use sigil_core::user::{FieldValues, NewUser, User};
            use time::OffsetDateTime;

            use $crate::handle::Handle;
            use $crate::repos::users::{UserRow, USER_BY_EMAIL, USER_BY_ID, USER_BY_LOGIN};
            use $crate::repos::{db_err, ts};

            async fn find_one(
                handle: &mut Handle<$db>,
                sql: &'static str,
                value: String,
            ) -> StoreResult<Option<User>> {
                sqlx::query_as::<_, UserRow>(sql)
                    .bind(value)
                    .fetch_optional(handle.conn())
                    .await
                    .map_err(db_err)?
                    .map(UserRow::into_user)
                    .transpose()
            }

            #[async_trait::async_trait]
            impl UserRepo for Handle<$db> {
                async fn create_user(&mut self, user: &NewUser) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO users (id, login, email, password_hash, is_operator, locale, \
                         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
                    )
                    .bind(user.id.to_string())
                    .bind(user.login.as_ref().map(|l| l.as_str().to_owned()))
                    .bind(user.email.as_ref().map(|e| e.as_str().to_owned()))
                    .bind(&user.password_hash)
                    .bind(user.is_operator)
                    .bind(user.locale.map(|l| l.tag()))
                    .bind(ts(user.created_at))
                    .execute(self.conn())
                    .await
                    .map_err(db_err)?;
                    Ok(())
                }

                async fn find_user(&mut self, id: UserId) -> StoreResult<Option<User>> {
                    find_one(self, USER_BY_ID, id.to_string()).await
                }

                async fn find_user_by_login(&mut self, login: &Login) -> StoreResult<Option<User>> {
                    find_one(self, USER_BY_LOGIN, login.as_str().to_owned()).await
                }

                async fn find_user_by_email(&mut self, email: &Email) -> StoreResult<Option<User>> {
                    find_one(self, USER_BY_EMAIL, email.as_str().to_owned()).await
                }

                async fn set_login(
                    &mut self,
                    id: UserId,
                    login: Option<&Login>,
                    at: OffsetDateTime,
                ) -> StoreResult<()> {
                    sqlx::query("UPDATE users SET login = $2, updated_at = $3 WHERE id = $1")
                        .bind(id.to_string())
                        .bind(login.map(|l| l.as_str().to_owned()))
                        .bind(ts(at))
                        .execute(self.conn())
                        .await
                        .map_err(db_err)?;
                    Ok(())
                }

                async fn set_password_hash(
                    &mut self,
                    id: UserId,
                    hash: &str,
                    at: OffsetDateTime,
                ) -> StoreResult<()> {
                    sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
                        .bind(id.to_string())
                        .bind(hash)
                        .bind(ts(at))
                        .execute(self.conn())
                        .await
                        .map_err(db_err)?;
                    Ok(())
                }

                async fn set_locale(
                    &mut self,
                    id: UserId,
                    locale: Option<Locale>,
                    at: OffsetDateTime,
                ) -> StoreResult<()> {
                    sqlx::query("UPDATE users SET locale = $2, updated_at = $3 WHERE id = $1")
                        .bind(id.to_string())
                        .bind(locale.map(|l| l.tag()))
                        .bind(ts(at))
                        .execute(self.conn())
                        .await
                        .map_err(db_err)?;
                    Ok(())
                }

                async fn field_values(&mut self, id: UserId) -> StoreResult<FieldValues> {
                    let rows: Vec<(String, String)> = sqlx::query_as(
                        "SELECT field_key, value FROM field_values WHERE user_id = $1",
                    )
                    .bind(id.to_string())
                    .fetch_all(self.conn())
                    .await
                    .map_err(db_err)?;
                    Ok(rows.into_iter().collect())
                }

                async fn set_field_value(
                    &mut self,
                    id: UserId,
                    key: &str,
                    value: Option<&str>,
                    at: OffsetDateTime,
                ) -> StoreResult<()> {
                    match value {
                        Some(value) => sqlx::query(
                            "INSERT INTO field_values (user_id, field_key, value, updated_at) \
                             VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, field_key) \
                             DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                        )
                        .bind(id.to_string())
                        .bind(key)
                        .bind(value)
                        .bind(ts(at)),
                        None => sqlx::query(
                            "DELETE FROM field_values WHERE user_id = $1 AND field_key = $2",
                        )
                        .bind(id.to_string())
                        .bind(key),
                    }
                    .execute(self.conn())
                    .await
                    .map_err(db_err)?;
                    sqlx::query("UPDATE users SET updated_at = $2 WHERE id = $1")
                        .bind(id.to_string())
                        .bind(ts(at))
                        .execute(self.conn())
                        .await
                        .map_err(db_err)?;
                    Ok(())
                }

                async fn count_operators(&mut self) -> StoreResult<i64> {
                    let (n,): (i64,) =
                        sqlx::query_as("SELECT COUNT(*) FROM users WHERE is_operator = TRUE")
                            .fetch_one(self.conn())
                            .await
                            .map_err(db_err)?;
                    Ok(n)
                }
            }
        };
    };
}
pub(crate) use users_repo;
