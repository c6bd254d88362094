//! The one seam between the repositories and the engines. A repository builds a
//! [`Query`] — SQL with `$n` placeholders, written once for both engines — binds
//! [`Value`]s and reads [`Row`]s by column name; each engine runs it its own way
//! ([`crate::sqlite`] in place with rusqlite, [`crate::postgres`] through sqlx).
//!
//! sqlx would run SQLite too, but through a worker thread per connection and a channel
//! hand-off per statement, which cost more than the statements themselves on Sigil's
//! hot paths (token refresh, userinfo). rusqlite runs a statement on the calling thread
//! in microseconds, so this small layer lets each engine use its best driver while the
//! SQL and the row mapping stay shared.
use async_trait::async_trait;
use sigil_core::ports::{StoreError, StoreResult};

/// The kind of a NULL, which PostgreSQL needs to type a parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Int,
    Text,
    Bool,
    Bytes,
}

/// A value bound to a placeholder or read from a column. Sigil stores only big
/// integers, text and booleans (SQLite keeps booleans as 0 and 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Value {
    Null(Kind),
    Int(i64),
    Text(String),
    Bool(bool),
    Bytes(Vec<u8>),
}

/// A type with a typed NULL, so `Option<T>` can be bound.
pub(crate) trait Nullable {
    const NULL: Value;
}

impl Nullable for i64 {
    const NULL: Value = Value::Null(Kind::Int);
}
impl Nullable for bool {
    const NULL: Value = Value::Null(Kind::Bool);
}
impl Nullable for String {
    const NULL: Value = Value::Null(Kind::Text);
}
impl Nullable for &str {
    const NULL: Value = Value::Null(Kind::Text);
}
impl Nullable for &String {
    const NULL: Value = Value::Null(Kind::Text);
}
impl Nullable for &[u8] {
    const NULL: Value = Value::Null(Kind::Bytes);
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Bytes(v)
    }
}
impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Self {
        Value::Bytes(v.to_vec())
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl<T: Into<Value> + Nullable> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(T::NULL, Into::into)
    }
}

/// A statement and its arguments, `$1` first.
#[derive(Clone, Debug)]
pub(crate) struct Query {
    pub(crate) sql: &'static str,
    pub(crate) args: Vec<Value>,
}

pub(crate) fn query(sql: &'static str) -> Query {
    Query {
        sql,
        args: Vec::new(),
    }
}

impl Query {
    pub(crate) fn bind(mut self, v: impl Into<Value>) -> Self {
        self.args.push(v.into());
        self
    }

    /// Runs a statement that returns no rows; the number of rows it changed.
    pub(crate) async fn execute(self, e: &mut (impl Exec + ?Sized)) -> StoreResult<u64> {
        e.execute(self).await
    }

    pub(crate) async fn fetch_optional<T: FromRow>(
        self,
        e: &mut (impl Exec + ?Sized),
    ) -> StoreResult<Option<T>> {
        e.fetch(self, Some(1))
            .await?
            .first()
            .map(T::from_row)
            .transpose()
    }

    pub(crate) async fn fetch_one<T: FromRow>(
        self,
        e: &mut (impl Exec + ?Sized),
    ) -> StoreResult<T> {
        self.fetch_optional(e)
            .await?
            .ok_or_else(|| StoreError::Other(anyhow::anyhow!("the query returned no row")))
    }

    pub(crate) async fn fetch_all<T: FromRow>(
        self,
        e: &mut (impl Exec + ?Sized),
    ) -> StoreResult<Vec<T>> {
        e.fetch(self, None).await?.iter().map(T::from_row).collect()
    }
}

/// One result row: its column names and values, in select order.
#[derive(Debug)]
pub(crate) struct Row {
    pub(crate) columns: std::sync::Arc<[String]>,
    pub(crate) values: Vec<Value>,
}

impl Row {
    pub(crate) fn get<T: FromValue>(&self, column: &str) -> StoreResult<T> {
        let i = self
            .columns
            .iter()
            .position(|c| c == column)
            .ok_or_else(|| StoreError::Other(anyhow::anyhow!("no column {column}")))?;
        self.at(i)
    }

    pub(crate) fn at<T: FromValue>(&self, i: usize) -> StoreResult<T> {
        let v = self
            .values
            .get(i)
            .ok_or_else(|| StoreError::Other(anyhow::anyhow!("no column {i}")))?;
        T::from_value(v).ok_or_else(|| {
            let name = self.columns.get(i).map_or("?", String::as_str);
            StoreError::Other(anyhow::anyhow!("column {name} holds {v:?}"))
        })
    }
}

pub(crate) trait FromValue: Sized {
    fn from_value(v: &Value) -> Option<Self>;
}

impl FromValue for i64 {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
}

impl FromValue for bool {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Bool(b) => Some(*b),
            Value::Int(0) => Some(false),
            Value::Int(1) => Some(true),
            _ => None,
        }
    }
}

impl FromValue for String {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Text(s) => Some(s.clone()),
            _ => None,
        }
    }
}

impl FromValue for Vec<u8> {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Bytes(b) => Some(b.clone()),
            _ => None,
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Null(_) => Some(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// Decoding a row into a type; derived by name with [`from_row!`], or by position for
/// tuples.
pub(crate) trait FromRow: Sized {
    fn from_row(row: &Row) -> StoreResult<Self>;
}

impl<A: FromValue> FromRow for (A,) {
    fn from_row(row: &Row) -> StoreResult<Self> {
        Ok((row.at(0)?,))
    }
}

impl<A: FromValue, B: FromValue> FromRow for (A, B) {
    fn from_row(row: &Row) -> StoreResult<Self> {
        Ok((row.at(0)?, row.at(1)?))
    }
}

impl<A: FromValue, B: FromValue, C: FromValue> FromRow for (A, B, C) {
    fn from_row(row: &Row) -> StoreResult<Self> {
        Ok((row.at(0)?, row.at(1)?, row.at(2)?))
    }
}

/// Declares a row struct whose fields are read from the columns of the same names.
macro_rules! row_struct {
    ($(#[$m:meta])* $vis:vis struct $name:ident { $($field:ident : $ty:ty),* $(,)? }) => {
        $(#[$m])*
        $vis struct $name {
            $($field: $ty,)*
        }

        impl $crate::db::FromRow for $name {
            fn from_row(row: &$crate::db::Row) -> sigil_core::ports::StoreResult<Self> {
                Ok(Self {
                    $($field: row.get(stringify!($field))?,)*
                })
            }
        }
    };
}
pub(crate) use row_struct;

/// What an engine's connection or transaction does with a [`Query`].
#[async_trait]
pub(crate) trait Exec: Send {
    async fn execute(&mut self, q: Query) -> StoreResult<u64>;
    /// The rows of `q`, at most `limit` of them.
    async fn fetch(&mut self, q: Query, limit: Option<usize>) -> StoreResult<Vec<Row>>;
    /// Commits a transaction; a plain connection has nothing to commit.
    async fn commit(self) -> StoreResult<()>
    where
        Self: Sized;
}

/// The handle the core receives from [`sigil_core::ports::Store`]: every repository is
/// implemented once for it, over any engine.
pub struct Conn<E>(pub(crate) E);

#[async_trait]
impl<E: Exec + 'static> sigil_core::ports::Tx for Conn<E> {
    async fn commit(self: Box<Self>) -> StoreResult<()> {
        self.0.commit().await
    }
}

/// The error for a unique violation whose message or constraint is `text`: a
/// [`StoreError::Conflict`] naming the guarded field (SQLite says `users.login`,
/// PostgreSQL `users_login_key`). The pending invitation of an application and address
/// (`invitations_open`, or SQLite's `invitations.client_id, invitations.email`) comes
/// first: its message names `email` too.
pub(crate) fn unique_violation(text: &str) -> StoreError {
    for field in ["invitation", "login", "email", "phone", "slug", "subject"] {
        if text.contains(field) {
            return StoreError::Conflict(field);
        }
    }
    StoreError::Other(anyhow::anyhow!("unique violation: {text}"))
}
