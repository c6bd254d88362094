//! PostgreSQL, for any number of Sigil nodes sharing one database, through sqlx.
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sigil_core::ports::{Connections, SchemaState, Store, StoreError, StoreResult, Tx};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgArguments, PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::{Column, PgPool, Postgres, Row as _, Transaction, TypeInfo};

use crate::db::{unique_violation, Conn, Exec, Kind, Query, Row, Value};

pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let options = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        // The migrator takes an advisory lock, so nodes starting together migrate once.
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }
}

/// Whether the database has been migrated (sqlx records migrations in its own table).
pub(crate) async fn has_schema(url: &str) -> anyhow::Result<bool> {
    use sqlx::Connection;
    let options = PgConnectOptions::from_str(url)?;
    let mut conn = sqlx::PgConnection::connect_with(&options).await?;
    let found: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(&mut conn)
        .await?;
    conn.close().await?;
    Ok(found)
}

#[async_trait]
impl Store for PgStore {
    async fn begin(&self) -> StoreResult<Box<dyn Tx>> {
        let started = std::time::Instant::now();
        let tx = self.pool.begin().await.map_err(db_err)?;
        crate::telemetry::waited("write", started);
        Ok(Box::new(Conn(PgHandle::Tx(tx))))
    }

    async fn read(&self) -> StoreResult<Box<dyn Tx>> {
        let started = std::time::Instant::now();
        let conn = self.pool.acquire().await.map_err(db_err)?;
        crate::telemetry::waited("read", started);
        Ok(Box::new(Conn(PgHandle::Conn(conn))))
    }

    async fn schema_state(&self) -> StoreResult<SchemaState> {
        let found: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(version), 0)::int8 FROM _sqlx_migrations WHERE success",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        let expected = sqlx::migrate!("./migrations/postgres")
            .iter()
            .map(|m| m.version)
            .max()
            .unwrap_or(0);
        Ok(SchemaState { found, expected })
    }

    fn connections(&self) -> Option<Connections> {
        let idle = u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX);
        let in_use = self.pool.size().saturating_sub(idle);
        Some(Connections { in_use, idle })
    }
}

pub(crate) enum PgHandle {
    Tx(Transaction<'static, Postgres>),
    Conn(PoolConnection<Postgres>),
}

impl PgHandle {
    fn conn(&mut self) -> &mut sqlx::PgConnection {
        match self {
            PgHandle::Tx(tx) => tx,
            PgHandle::Conn(conn) => conn,
        }
    }
}

fn db_err(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        if db.is_unique_violation() {
            return unique_violation(&format!(
                "{} {}",
                db.message(),
                db.constraint().unwrap_or_default()
            ));
        }
    }
    StoreError::Other(anyhow::anyhow!(e))
}

fn bound(q: Query) -> sqlx::query::Query<'static, Postgres, PgArguments> {
    let mut out = sqlx::query(q.sql);
    for v in q.args {
        out = match v {
            Value::Null(Kind::Int) => out.bind(None::<i64>),
            Value::Null(Kind::Text) => out.bind(None::<String>),
            Value::Null(Kind::Bool) => out.bind(None::<bool>),
            Value::Null(Kind::Bytes) => out.bind(None::<Vec<u8>>),
            Value::Bytes(b) => out.bind(b),
            Value::Int(i) => out.bind(i),
            Value::Text(s) => out.bind(s),
            Value::Bool(b) => out.bind(b),
        };
    }
    out
}

fn value(row: &PgRow, i: usize, type_name: &str) -> Result<Value, sqlx::Error> {
    Ok(match type_name {
        "INT8" => row
            .try_get::<Option<i64>, _>(i)?
            .map_or(Value::Null(Kind::Int), Value::Int),
        "INT4" => row
            .try_get::<Option<i32>, _>(i)?
            .map_or(Value::Null(Kind::Int), |v| Value::Int(v.into())),
        "INT2" => row
            .try_get::<Option<i16>, _>(i)?
            .map_or(Value::Null(Kind::Int), |v| Value::Int(v.into())),
        "BYTEA" => row
            .try_get::<Option<Vec<u8>>, _>(i)?
            .map_or(Value::Null(Kind::Bytes), Value::Bytes),
        "BOOL" => row
            .try_get::<Option<bool>, _>(i)?
            .map_or(Value::Null(Kind::Bool), Value::Bool),
        _ => row
            .try_get::<Option<String>, _>(i)?
            .map_or(Value::Null(Kind::Text), Value::Text),
    })
}

fn convert(rows: Vec<PgRow>) -> StoreResult<Vec<Row>> {
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let columns: Arc<[String]> = first
        .columns()
        .iter()
        .map(|c| c.name().to_owned())
        .collect();
    let types: Vec<String> = first
        .columns()
        .iter()
        .map(|c| c.type_info().name().to_owned())
        .collect();
    rows.iter()
        .map(|row| {
            let values = types
                .iter()
                .enumerate()
                .map(|(i, t)| value(row, i, t))
                .collect::<Result<_, _>>()
                .map_err(db_err)?;
            Ok(Row {
                columns: columns.clone(),
                values,
            })
        })
        .collect()
}

#[async_trait]
impl Exec for PgHandle {
    async fn execute(&mut self, q: Query) -> StoreResult<u64> {
        let done = bound(q).execute(self.conn()).await.map_err(db_err)?;
        Ok(done.rows_affected())
    }

    async fn fetch(&mut self, q: Query, limit: Option<usize>) -> StoreResult<Vec<Row>> {
        let rows = if limit == Some(1) {
            bound(q)
                .fetch_optional(self.conn())
                .await
                .map_err(db_err)?
                .into_iter()
                .collect()
        } else {
            bound(q).fetch_all(self.conn()).await.map_err(db_err)?
        };
        convert(rows)
    }

    async fn commit(self) -> StoreResult<()> {
        match self {
            PgHandle::Tx(tx) => tx.commit().await.map_err(db_err),
            PgHandle::Conn(_) => Ok(()),
        }
    }
}
