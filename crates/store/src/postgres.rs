//! PostgreSQL, for any number of Sigil nodes sharing one database.
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sigil_core::ports::{Store, StoreResult, Tx};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres};

use crate::handle::Handle;
use crate::repos::{db_err, impl_repos};

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

#[async_trait]
impl Store for PgStore {
    async fn begin(&self) -> StoreResult<Box<dyn Tx>> {
        let tx = self.pool.begin().await.map_err(db_err)?;
        Ok(Box::new(Handle::Tx(tx, None)))
    }

    async fn read(&self) -> StoreResult<Box<dyn Tx>> {
        let conn = self.pool.acquire().await.map_err(db_err)?;
        Ok(Box::new(Handle::Conn(conn)))
    }
}

impl_repos!(Postgres);
