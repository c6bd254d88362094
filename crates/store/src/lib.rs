//! Sigil's storage: the ports of `sigil-core` implemented once in SQL for two engines,
//! SQLite (the embedded default, through rusqlite) and PostgreSQL (for several nodes,
//! through sqlx).
//!
//! The queries are written once: both databases accept `$n` placeholders, `RETURNING`
//! and `ON CONFLICT`, and every value is stored as a type both share (text, big
//! integers, booleans). The repositories are implemented once over [`db::Exec`], so
//! there is no `if sqlite { … } else { … }` anywhere and no query written twice.
mod db;
mod postgres;
mod repos;
mod sqlite;
pub mod testing;

use std::sync::Arc;

use anyhow::{bail, Context};
use sigil_core::ports::Store;

/// Opens the database named by `url` (`sqlite:…` or `postgres://…`) and applies the
/// migrations.
pub async fn connect(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        let store = sqlite::SqliteStore::connect(url)
            .await
            .with_context(|| format!("opening SQLite database {url}"))?;
        Ok(Arc::new(store))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = postgres::PgStore::connect(url)
            .await
            .context("connecting to PostgreSQL")?;
        Ok(Arc::new(store))
    } else {
        bail!("unsupported database URL (expected sqlite:… or postgres://…)")
    }
}
