//! Sigil's storage: the ports of `sigil-core` implemented once in SQL and compiled for
//! two sqlx drivers, SQLite (the embedded default) and PostgreSQL (for several nodes).
//!
//! The queries are written once: both databases accept `$n` placeholders, `RETURNING`
//! and `ON CONFLICT`, and every value is stored as a type both share (text, big
//! integers, booleans). The `repos` macros expand the same bodies for each driver, so
//! there is no `if sqlite { … } else { … }` anywhere and no query written twice.
mod handle;
mod postgres;
mod repos;
mod sqlite;
pub mod testing;

use std::sync::Arc;

use anyhow::{bail, Context};
use sigil_core::ports::Store;

pub use handle::Handle;

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
