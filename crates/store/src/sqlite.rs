//! The embedded default: one SQLite file in WAL mode with a busy timeout.
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sigil_core::ports::{Store, StoreResult, Tx};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool};
use tokio::sync::Mutex;

use crate::handle::Handle;
use crate::repos::{db_err, impl_repos};

pub struct SqliteStore {
    pool: SqlitePool,
    /// SQLite has one writer at a time. Queuing writers here, in order, is far cheaper
    /// than letting them collide in the database and back off in its busy handler.
    writer: Arc<Mutex<()>>,
}

impl SqliteStore {
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true)
            // A small page cache per connection: the working set is small and memory
            // is a stated budget (50 MB resident under load).
            .pragma("cache_size", "-1024");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Self {
            pool,
            writer: Arc::new(Mutex::new(())),
        })
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn begin(&self) -> StoreResult<Box<dyn Tx>> {
        let guard = self.writer.clone().lock_owned().await;
        // IMMEDIATE takes the write lock at once, so a transaction never fails half-way
        // when it turns from reading to writing.
        let tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_err)?;
        Ok(Box::new(Handle::Tx(tx, Some(guard))))
    }

    async fn read(&self) -> StoreResult<Box<dyn Tx>> {
        let conn = self.pool.acquire().await.map_err(db_err)?;
        Ok(Box::new(Handle::Conn(conn)))
    }
}

impl_repos!(Sqlite);
