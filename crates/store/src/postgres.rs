//! PostgreSQL, for any number of Sigil nodes sharing one database, through sqlx.
//! How outages are told apart and recovered from: [`link`].
mod link;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use sigil_core::ports::{Connections, SchemaState, Store, StoreError, StoreResult, Tx};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgArguments, PgConnectOptions, PgPoolOptions, PgRow, PgTransactionManager};
use sqlx::{Column, Connection as _, PgPool, Postgres, Row as _, TransactionManager, TypeInfo};

use self::link::{is_broken, is_outage, outage, worth_retrying, Link};
use crate::db::{unique_violation, Conn, Exec, Kind, Query, Row, Value};
use crate::StoreOptions;

mod migrate;

pub(crate) use migrate::check;

pub struct PgStore {
    pool: PgPool,
    link: Arc<Link>,
}

impl PgStore {
    pub async fn connect(url: &str, options: &StoreOptions) -> anyhow::Result<Self> {
        let base = PgConnectOptions::from_str(url)?;
        // The server cancels a statement that runs longer (57014, answered 503).
        let pooled = base.clone().options([(
            "statement_timeout",
            format!("{}ms", options.statement_timeout.as_millis().max(1)),
        )]);
        let link = Arc::new(Link::new(
            options.statement_timeout,
            options.acquire_timeout,
        ));
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            // No ping on every acquire (a round trip per request): only connections
            // that sat idle across a failure are tested (see `link`).
            .test_before_acquire(false)
            .before_acquire({
                let link = link.clone();
                move |conn, meta| {
                    let link = link.clone();
                    Box::pin(async move {
                        if !link.idle_across_failure(meta.idle_for) {
                            return Ok(true);
                        }
                        // An error closes the connection and the pool opens another.
                        link.within(conn.ping()).await.map(|()| true)
                    })
                }
            })
            .connect_lazy_with(pooled);
        // Migrations may run longer than a request's statement: their own connection,
        // without the timeout, under the migrator's advisory lock (see `migrate`).
        migrate::migrate(&base).await?;
        Ok(Self { pool, link })
    }

    /// A pooled connection within `acquire_timeout` (sqlx's), or Unavailable.
    async fn acquire(&self) -> StoreResult<PoolConnection<Postgres>> {
        self.pool.acquire().await.map_err(|e| self.failure(e))
    }

    /// A pooled connection for a retry, no later than `deadline`.
    async fn acquire_until(&self, deadline: Instant) -> StoreResult<PoolConnection<Postgres>> {
        acquire_until(&self.pool, deadline)
            .await
            .map_err(|e| self.failure(e))
    }

    /// `e` as the store's error, noting an outage.
    fn failure(&self, e: sqlx::Error) -> StoreError {
        if is_outage(&e) {
            self.link.failed();
        }
        db_err(e)
    }
}

/// How long a command or a starting node waits for PostgreSQL to answer one of the
/// short questions asked outside the pool (is there a schema, which version): a
/// database that accepts no packets must not leave `sigil migrate --check` or start-up
/// hanging.
pub(crate) const ASK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// `work` within [`ASK_WAIT`], or an error saying the database did not answer.
pub(crate) async fn asking<T>(
    work: impl std::future::Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    tokio::time::timeout(ASK_WAIT, work)
        .await
        .unwrap_or_else(|_| {
            Err(anyhow::anyhow!(
                "PostgreSQL did not answer within {} s",
                ASK_WAIT.as_secs()
            ))
        })
}

/// A connection of its own (outside the pool), opened within [`ASK_WAIT`].
pub(crate) async fn connect_once(options: &PgConnectOptions) -> anyhow::Result<sqlx::PgConnection> {
    asking(async { Ok(sqlx::PgConnection::connect_with(options).await?) }).await
}

/// See [`crate::wait_for_database`]: tries every second, saying once that it waits.
pub(crate) async fn wait_for(url: &str, bound: std::time::Duration) -> anyhow::Result<()> {
    let options = PgConnectOptions::from_str(url)?;
    let started = Instant::now();
    let mut said = false;
    loop {
        let tried = tokio::time::timeout(ASK_WAIT, async {
            let conn = sqlx::PgConnection::connect_with(&options).await?;
            conn.close().await
        })
        .await;
        let e = match tried {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(e)) if is_outage(&e) => anyhow::Error::from(e),
            Ok(Err(e)) => return Err(e.into()),
            Err(_) => anyhow::anyhow!("PostgreSQL did not answer within {} s", ASK_WAIT.as_secs()),
        };
        if started.elapsed() + WAIT_STEP > bound {
            return Err(e.context(format!("waited {} s", started.elapsed().as_secs())));
        }
        if !said {
            tracing::warn!(error = %e, "PostgreSQL is not reachable yet; waiting up to {} s", bound.as_secs());
            said = true;
        }
        tokio::time::sleep(WAIT_STEP).await;
    }
}

/// How often a starting node tries PostgreSQL again.
const WAIT_STEP: std::time::Duration = std::time::Duration::from_secs(1);

/// A connection from `pool` no later than `deadline` (the pool's own acquire timeout
/// still applies).
async fn acquire_until(
    pool: &PgPool,
    deadline: Instant,
) -> Result<PoolConnection<Postgres>, sqlx::Error> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(sqlx::Error::PoolTimedOut);
    }
    match tokio::time::timeout(left, pool.acquire()).await {
        Ok(done) => done,
        Err(_) => Err(sqlx::Error::PoolTimedOut),
    }
}

/// Whether the database has been migrated (sqlx records migrations in its own table).
pub(crate) async fn has_schema(url: &str) -> anyhow::Result<bool> {
    let options = PgConnectOptions::from_str(url)?;
    asking(async {
        let mut conn = sqlx::PgConnection::connect_with(&options).await?;
        let found: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
            .fetch_one(&mut conn)
            .await?;
        conn.close().await?;
        Ok(found)
    })
    .await
}

#[async_trait]
impl Store for PgStore {
    async fn begin(&self) -> StoreResult<Box<dyn Tx>> {
        // `BEGIN` does nothing yet: on a connection found dead (PostgreSQL restarted
        // while it sat in the pool) it is sent once more on a fresh one, within what is
        // left of one window for both (see `link`).
        let started = Instant::now();
        let deadline = started + self.link.window;
        let mut conn = self.acquire().await?;
        let mut retried = false;
        loop {
            match self
                .link
                .within_until(deadline, PgTransactionManager::begin(&mut conn, None))
                .await
            {
                Ok(()) => {
                    crate::telemetry::waited("write", started);
                    return Ok(Box::new(Conn(PgHandle {
                        conn: Some(conn),
                        in_tx: true,
                        used: true,
                        started,
                        pool: self.pool.clone(),
                        link: self.link.clone(),
                    })));
                }
                Err(e) => {
                    let retry = !retried && worth_retrying(&e);
                    if is_broken(&e) {
                        conn.close_on_drop();
                    }
                    let error = self.failure(e);
                    if !retry {
                        return Err(error);
                    }
                    retried = true;
                    conn = self.acquire_until(deadline).await.map_err(|_| error)?;
                }
            }
        }
    }

    async fn read(&self) -> StoreResult<Box<dyn Tx>> {
        let started = Instant::now();
        let conn = self.acquire().await?;
        crate::telemetry::waited("read", started);
        Ok(Box::new(Conn(PgHandle {
            conn: Some(conn),
            in_tx: false,
            used: false,
            started,
            pool: self.pool.clone(),
            link: self.link.clone(),
        })))
    }

    async fn autocommit(&self) -> StoreResult<Box<dyn Tx>> {
        // A plain connection: each statement commits on its own, as its own transaction.
        self.read().await
    }

    async fn schema_state(&self) -> StoreResult<SchemaState> {
        let mut handle = PgHandle {
            conn: Some(self.acquire().await?),
            in_tx: false,
            used: false,
            started: Instant::now(),
            pool: self.pool.clone(),
            link: self.link.clone(),
        };
        let newest = crate::db::query(
            "SELECT COALESCE(MAX(version), 0)::int8 FROM _sqlx_migrations WHERE success",
        );
        let found: i64 = handle
            .run(newest, |conn, q| {
                Box::pin(sqlx::query_scalar(q.sql).fetch_one(conn))
            })
            .await?;
        Ok(SchemaState {
            found,
            expected: migrate::latest(),
        })
    }

    fn recently_unavailable(&self) -> bool {
        self.link.recently_failed()
    }

    fn connections(&self) -> Option<Connections> {
        let idle = u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX);
        let in_use = self.pool.size().saturating_sub(idle);
        Some(Connections { in_use, idle })
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}

/// A pooled connection, inside a transaction ([`Store::begin`]) or not ([`Store::read`]).
/// A transaction dropped open is rolled back (queued, as sqlx's own `Transaction` does:
/// sent before the connection's next use); a connection that broke or timed out is
/// closed instead of going back to the pool.
pub(crate) struct PgHandle {
    /// `None` only while a read is moved to a fresh connection.
    conn: Option<PoolConnection<Postgres>>,
    in_tx: bool,
    /// Whether a statement ran: a read handle's first may be retried on a fresh
    /// connection if the pooled one was dead.
    used: bool,
    /// When the handle's connection was first asked for: a retry keeps to the window.
    started: Instant,
    pool: PgPool,
    link: Arc<Link>,
}

impl Drop for PgHandle {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.as_mut() {
            if self.in_tx {
                PgTransactionManager::start_rollback(conn);
            }
        }
    }
}

impl PgHandle {
    /// Runs `run` on the connection within the backstop. A broken connection is
    /// closed; a read handle's first statement is run once more on a fresh one when the
    /// connection was found dead (not after a timeout), within the handle's window.
    async fn run<T>(
        &mut self,
        q: Query,
        run: impl for<'c> Fn(
            &'c mut sqlx::PgConnection,
            Query,
        ) -> futures_like::BoxFuture<'c, Result<T, sqlx::Error>>,
    ) -> StoreResult<T> {
        let retry = (!self.used && !self.in_tx).then(|| q.clone());
        self.used = true;
        let first = self.attempt(q, &run).await;
        match (first, retry) {
            (Err(e), Some(q)) if worth_retrying(&e) => {
                self.close(&e);
                let deadline = self.started + self.link.window;
                let conn = acquire_until(&self.pool, deadline)
                    .await
                    .map_err(|e| self.failure(e))?;
                self.conn = Some(conn);
                let backstop = self.link.clone();
                let conn = self
                    .conn
                    .as_mut()
                    .ok_or(StoreError::Unavailable(anyhow::anyhow!(
                        "the PostgreSQL connection was lost"
                    )))?;
                let again = backstop.within_until(deadline, run(conn, q)).await;
                again.map_err(|e| self.failure(e))
            }
            (first, _) => first.map_err(|e| self.failure(e)),
        }
    }

    async fn attempt<T>(
        &mut self,
        q: Query,
        run: &impl for<'c> Fn(
            &'c mut sqlx::PgConnection,
            Query,
        ) -> futures_like::BoxFuture<'c, Result<T, sqlx::Error>>,
    ) -> Result<T, sqlx::Error> {
        let backstop = self.link.clone();
        let conn = self.conn.as_mut().ok_or(sqlx::Error::PoolClosed)?;
        backstop.within(run(conn, q)).await
    }

    /// Gives up the connection after `e` broke it.
    fn close(&mut self, e: &sqlx::Error) {
        self.link.failed();
        if let Some(mut conn) = self.conn.take() {
            tracing::debug!(error = %e, "closing a broken PostgreSQL connection");
            conn.close_on_drop();
        }
    }

    /// `e` as the store's error; a broken connection is closed, an outage noted.
    fn failure(&mut self, e: sqlx::Error) -> StoreError {
        if is_broken(&e) {
            self.close(&e);
        } else if is_outage(&e) {
            self.link.failed();
        }
        db_err(e)
    }
}

/// Minimal boxed-future alias (sqlx's own is not re-exported).
mod futures_like {
    pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;
}

fn db_err(e: sqlx::Error) -> StoreError {
    if is_outage(&e) {
        return outage(e);
    }
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
        let done = self
            .run(q, |conn, q| Box::pin(bound(q).execute(conn)))
            .await?;
        Ok(done.rows_affected())
    }

    async fn fetch(&mut self, q: Query, limit: Option<usize>) -> StoreResult<Vec<Row>> {
        let rows = if limit == Some(1) {
            self.run(q, |conn, q| Box::pin(bound(q).fetch_optional(conn)))
                .await?
                .into_iter()
                .collect()
        } else {
            self.run(q, |conn, q| Box::pin(bound(q).fetch_all(conn)))
                .await?
        };
        convert(rows)
    }

    async fn commit(mut self) -> StoreResult<()> {
        if !self.in_tx {
            return Ok(());
        }
        let Some(conn) = self.conn.as_mut() else {
            return Err(StoreError::Unavailable(anyhow::anyhow!(
                "the PostgreSQL connection was lost"
            )));
        };
        let link = self.link.clone();
        match link.within(PgTransactionManager::commit(conn)).await {
            Ok(()) => {
                self.in_tx = false;
                Ok(())
            }
            Err(e) => Err(self.failure(e)),
        }
    }
}
