//! One type for "a transaction or a plain pooled connection", so the repository code
//! is written once for both.
use sqlx::pool::PoolConnection;
use sqlx::{Database, Transaction};

pub enum Handle<DB: Database> {
    Tx(Transaction<'static, DB>),
    Conn(PoolConnection<DB>),
}

impl<DB: Database> Handle<DB> {
    pub(crate) fn conn(&mut self) -> &mut DB::Connection {
        match self {
            Handle::Tx(tx) => tx,
            Handle::Conn(conn) => conn,
        }
    }

    pub(crate) async fn finish(self) -> Result<(), sqlx::Error> {
        match self {
            Handle::Tx(tx) => tx.commit().await,
            Handle::Conn(_) => Ok(()),
        }
    }
}
