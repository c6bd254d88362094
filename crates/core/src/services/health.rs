//! What the readiness check asks of the database.
use crate::error::CoreError;
use crate::ports::SchemaState;
use crate::services::Sigil;

impl Sigil {
    /// Asks the database which schema it holds (within the store's acquire and
    /// statement timeouts): whether this node can serve, for `/readyz`.
    pub async fn schema_state(&self) -> Result<SchemaState, CoreError> {
        Ok(self.store.schema_state().await?)
    }

    /// Whether the database was found unavailable moments ago (see
    /// [`crate::ports::Store::recently_unavailable`]).
    pub fn recently_unavailable(&self) -> bool {
        self.store.recently_unavailable()
    }

    /// Ends this node's use of the database at a clean stop (see
    /// [`crate::ports::Store::close`]).
    pub async fn close(&self) {
        self.store.close().await;
    }
}
