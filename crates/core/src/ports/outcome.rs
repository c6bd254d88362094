//! What the store answers besides rows: its errors, and where the schema stands.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule refused the write; names the field it guards.
    #[error("{0} is already taken")]
    Conflict(&'static str),
    /// The database did not answer in time, refused the connection, or cannot write
    /// now (disk full, file locked): nothing was changed, and the same request may
    /// succeed once it is back. Answered with 503, never 500.
    #[error("the database is unavailable: {0:#}")]
    Unavailable(anyhow::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Where the database's schema stands against the migrations this binary carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SchemaState {
    /// The version the database records (the newest migration applied to it).
    pub found: i64,
    /// The newest migration this binary knows.
    pub expected: i64,
}

pub type StoreResult<T> = Result<T, StoreError>;
