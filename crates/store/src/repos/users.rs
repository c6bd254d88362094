//! Accounts and catalogue field values.
use super::dt;
use crate::db::query;
use crate::db::Conn;
use crate::db::Exec;
use crate::repos::ts;
use sigil_core::email::Email;
use sigil_core::ids::UserId;
use sigil_core::locale::Locale;
use sigil_core::login::Login;
use sigil_core::ports::StoreError;
use sigil_core::ports::StoreResult;
use sigil_core::ports::UserRepo;
use sigil_core::user::FieldValues;
use sigil_core::user::NewUser;
use sigil_core::user::User;
use sigil_core::user::UserStatus;
use time::OffsetDateTime;

crate::db::row_struct! {
pub(crate) struct UserRow {
    id: String,
    login: Option<String>,
    email: Option<String>,
    email_verified: bool,
    phone: Option<String>,
    photo: Option<String>,
    photo_small: Option<String>,
    password_hash: Option<String>,
    status: String,
    is_operator: bool,
    profile_private: bool,
    locale: Option<String>,
    created_at: i64,
    updated_at: i64,
    name: Option<String>,
    deletion_requested_at: Option<i64>,
    erase_after: Option<i64>,
}
}

/// The person's nickname, from their field document (the same operators on both
/// engines: SQLite's JSON `->` and `->>` follow PostgreSQL's).
macro_rules! name_column {
    () => {
        "fields -> 'v' ->> 'nickname' AS name"
    };
}
pub(crate) use name_column;

macro_rules! select_user_where {
    ($column:literal) => {
        concat!(
            "SELECT id, login, email, email_verified, phone, photo, photo_small, password_hash, status, is_operator, ",
            "profile_private, locale, created_at, updated_at, deletion_requested_at, erase_after, ",
            crate::repos::users::name_column!(),
            " FROM users WHERE ",
            $column,
            " = $1"
        )
    };
}
pub(crate) const USER_BY_ID: &str = select_user_where!("id");
pub(crate) const USER_BY_LOGIN: &str = select_user_where!("login");
pub(crate) const USER_BY_EMAIL: &str = select_user_where!("email");
/// A no-op update: on PostgreSQL it takes the row's lock (waiting for a concurrent
/// holder, then returning the row as that one left it); on SQLite the transaction
/// already holds the single writer.
const LOCK_USER: &str = "UPDATE users SET updated_at = updated_at WHERE id = $1 \
     RETURNING id, login, email, email_verified, phone, photo, photo_small, password_hash, \
     status, is_operator, profile_private, locale, created_at, updated_at, \
     deletion_requested_at, erase_after, fields -> 'v' ->> 'nickname' AS name";

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
            phone: self.phone.map(sigil_core::phone::Phone::from_trusted),
            photo: self.photo,
            photo_small: self.photo_small,
            password_hash: self.password_hash,
            status: UserStatus::from_stored(
                &self.status,
                self.deletion_requested_at.map(dt).transpose()?,
                self.erase_after.map(dt).transpose()?,
            )
            .ok_or_else(|| StoreError::Other(anyhow::anyhow!("user status {}", self.status)))?,
            is_operator: self.is_operator,
            profile_private: self.profile_private,
            locale: self.locale.as_deref().and_then(Locale::parse),
            created_at: dt(self.created_at)?,
            updated_at: dt(self.updated_at)?,
            name: self.name.filter(|n| !n.trim().is_empty()),
        })
    }
}

async fn find_one<E: Exec>(
    handle: &mut Conn<E>,
    sql: &'static str,
    value: String,
) -> StoreResult<Option<User>> {
    query(sql)
        .bind(value)
        .fetch_optional(&mut handle.0)
        .await?
        .map(UserRow::into_user)
        .transpose()
}

#[async_trait::async_trait]
impl<E: Exec + 'static> UserRepo for Conn<E> {
    async fn create_user(&mut self, user: &NewUser) -> StoreResult<()> {
        query(
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
        .execute(&mut self.0)
        .await?;
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

    async fn lock_user(&mut self, id: UserId) -> StoreResult<Option<User>> {
        find_one(self, LOCK_USER, id.to_string()).await
    }

    async fn set_login(
        &mut self,
        id: UserId,
        login: Option<&Login>,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        query("UPDATE users SET login = $2, updated_at = $3 WHERE id = $1")
            .bind(id.to_string())
            .bind(login.map(|l| l.as_str().to_owned()))
            .bind(ts(at))
            .execute(&mut self.0)
            .await?;
        Ok(())
    }

    async fn set_password_hash(
        &mut self,
        id: UserId,
        hash: &str,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
            .bind(id.to_string())
            .bind(hash)
            .bind(ts(at))
            .execute(&mut self.0)
            .await?;
        Ok(())
    }

    async fn set_locale(
        &mut self,
        id: UserId,
        locale: Option<Locale>,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        query("UPDATE users SET locale = $2, updated_at = $3 WHERE id = $1")
            .bind(id.to_string())
            .bind(locale.map(|l| l.tag()))
            .bind(ts(at))
            .execute(&mut self.0)
            .await?;
        Ok(())
    }

    async fn field_values(&mut self, id: UserId) -> StoreResult<FieldValues> {
        let doc: Option<(String,)> = query(crate::repos::privacy::FIELDS_OF)
            .bind(id.to_string())
            .fetch_optional(&mut self.0)
            .await?;
        doc.map_or_else(
            || Ok(FieldValues::new()),
            |(doc,)| crate::repos::privacy::fields_of(&doc).map(|(values, _)| values),
        )
    }

    async fn set_field_value(
        &mut self,
        id: UserId,
        key: &str,
        value: Option<&str>,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        match value {
                        Some(value) => query(
                            "INSERT INTO field_values (user_id, field_key, value, updated_at) \
                             VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, field_key) \
                             DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                        )
                        .bind(id.to_string())
                        .bind(key)
                        .bind(value)
                        .bind(ts(at)),
                        None => query(
                            "DELETE FROM field_values WHERE user_id = $1 AND field_key = $2",
                        )
                        .bind(id.to_string())
                        .bind(key),
                    }
                    .execute(&mut self.0)
                    .await
                    ?;
        query("UPDATE users SET updated_at = $2 WHERE id = $1")
            .bind(id.to_string())
            .bind(ts(at))
            .execute(&mut self.0)
            .await?;
        Ok(())
    }

    async fn count_operators(&mut self) -> StoreResult<i64> {
        let (n,): (i64,) = query("SELECT COUNT(*) FROM users WHERE is_operator = TRUE")
            .fetch_one(&mut self.0)
            .await?;
        Ok(n)
    }
}
