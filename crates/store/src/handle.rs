//! One type for "a transaction or a plain pooled connection", so the repository code
//! is written once for both.
use sqlx::pool::PoolConnection;
use sqlx::{Database, Transaction};
use tokio::sync::OwnedMutexGuard;

pub enum Handle<DB: Database> {
    /// A transaction, holding the writer lock where the engine has one (SQLite).
    Tx(Transaction<'static, DB>, Option<OwnedMutexGuard<()>>),
    Conn(PoolConnection<DB>),
}

impl<DB: Database> Handle<DB> {
    pub(crate) fn conn(&mut self) -> &mut DB::Connection {
        match self {
            Handle::Tx(tx, _) => tx,
            Handle::Conn(conn) => conn,
        }
    }

    pub(crate) async fn finish(self) -> Result<(), sqlx::Error> {
        match self {
            Handle::Tx(tx, _guard) => tx.commit().await,
            Handle::Conn(_) => Ok(()),
        }
    }
}
