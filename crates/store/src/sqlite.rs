//! The embedded default: one SQLite file in WAL mode, run in place with rusqlite.
//!
//! Statements run on the calling task's thread: on a warm page cache they take
//! microseconds, less than handing them to another thread would. Writers queue on an
//! async mutex for the one write connection, in order, so no task ever waits inside
//! SQLite's busy handler for another task of this process; readers take one of a few
//! read-only connections and never block the writer (WAL).
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex as SyncMutex};
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, ErrorCode, OpenFlags};
use rusqlite_migration::{Migrations, M};
use sigil_core::ports::{Store, StoreError, StoreResult, Tx};
use tokio::sync::{Mutex, OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};

use crate::db::{unique_violation, Conn, Exec, Kind, Query, Row, Value};

/// The migrations, in order; the same numbered files as PostgreSQL's.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_accounts.sql",
        include_str!("../migrations/sqlite/0001_accounts.sql"),
    ),
    (
        "0002_oidc.sql",
        include_str!("../migrations/sqlite/0002_oidc.sql"),
    ),
];

/// Read connections: enough for the tasks that hold one across an await.
const READERS: usize = 8;

pub struct SqliteStore {
    writer: Arc<Mutex<Connection>>,
    readers: Arc<Readers>,
}

struct Readers {
    path: PathBuf,
    idle: SyncMutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
}

fn open(path: &Path, read_only: bool) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // Only a crash of the machine, not of Sigil, can lose the last commits in WAL mode
    // with synchronous=NORMAL; the database itself stays consistent.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
         PRAGMA cache_size = -1024;",
    )?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.set_prepared_statement_cache_capacity(64);
    if read_only {
        // A write on a reader would wait on the writer inside SQLite, blocking its
        // thread; refusing it makes such a mistake fail loudly in the tests instead.
        conn.execute_batch("PRAGMA query_only = ON;")?;
    }
    Ok(conn)
}

/// The file named by a `sqlite:` URL (`sqlite://data/sigil.db`, `sqlite:///abs.db`,
/// `sqlite:file.db`, with any `?options` ignored).
fn file_of(url: &str) -> anyhow::Result<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| anyhow::anyhow!("not a sqlite: URL"))?;
    let path = rest.split('?').next().unwrap_or_default();
    anyhow::ensure!(!path.is_empty(), "the sqlite: URL names no file");
    Ok(PathBuf::from(path))
}

fn migrate(conn: &mut Connection) -> anyhow::Result<()> {
    // A database made before rusqlite records its migrations in sqlx's table.
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version == 0 {
        let sqlx_done: i64 = conn.query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = '_sqlx_migrations'",
            [],
            |r| r.get(0),
        )?;
        if sqlx_done == 1 {
            let applied: i64 = conn.query_row(
                "SELECT COUNT(*) FROM _sqlx_migrations WHERE success",
                [],
                |r| r.get(0),
            )?;
            conn.pragma_update(None, "user_version", applied)?;
        }
    }
    Migrations::new(MIGRATIONS.iter().map(|(_, sql)| M::up(sql)).collect()).to_latest(conn)?;
    Ok(())
}

impl SqliteStore {
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let path = file_of(url)?;
        let mut writer = open(&path, false)?;
        migrate(&mut writer)?;
        Ok(Self {
            writer: Arc::new(Mutex::new(writer)),
            readers: Arc::new(Readers {
                path,
                idle: SyncMutex::new(Vec::new()),
                permits: Arc::new(Semaphore::new(READERS)),
            }),
        })
    }
}

fn sql_err(e: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::SqliteFailure(f, msg) = &e {
        // SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY.
        if f.code == ErrorCode::ConstraintViolation && matches!(f.extended_code, 2067 | 1555) {
            return unique_violation(msg.as_deref().unwrap_or_default());
        }
    }
    StoreError::Other(anyhow::anyhow!(e))
}

#[async_trait]
impl Store for SqliteStore {
    async fn begin(&self) -> StoreResult<Box<dyn Tx>> {
        let conn = self.writer.clone().lock_owned().await;
        // IMMEDIATE takes the write lock at once, so a transaction never fails half-way
        // when it turns from reading to writing.
        conn.execute_batch("BEGIN IMMEDIATE").map_err(sql_err)?;
        Ok(Box::new(Conn(SqliteHandle::Write { conn, open: true })))
    }

    async fn read(&self) -> StoreResult<Box<dyn Tx>> {
        let permit = self
            .readers
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| StoreError::Other(e.into()))?;
        let idle = self
            .readers
            .idle
            .lock()
            .map_err(|_| StoreError::Other(anyhow::anyhow!("reader pool poisoned")))?
            .pop();
        let conn = match idle {
            Some(c) => c,
            None => open(&self.readers.path, true).map_err(sql_err)?,
        };
        Ok(Box::new(Conn(SqliteHandle::Read(Reader {
            conn: Some(conn),
            pool: self.readers.clone(),
            _permit: permit,
        }))))
    }
}

pub(crate) struct Reader {
    conn: Option<Connection>,
    pool: Arc<Readers>,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Reader {
    fn drop(&mut self) {
        if let (Some(conn), Ok(mut idle)) = (self.conn.take(), self.pool.idle.lock()) {
            idle.push(conn);
        }
    }
}

pub(crate) enum SqliteHandle {
    /// The write connection inside `BEGIN IMMEDIATE`; rolled back if dropped open.
    Write {
        conn: OwnedMutexGuard<Connection>,
        open: bool,
    },
    Read(Reader),
}

impl Drop for SqliteHandle {
    fn drop(&mut self) {
        if let SqliteHandle::Write { conn, open: true } = self {
            if let Err(e) = conn.execute_batch("ROLLBACK") {
                tracing::error!(error = %e, "rolling back a SQLite transaction failed");
            }
        }
    }
}

impl SqliteHandle {
    fn conn(&self) -> StoreResult<&Connection> {
        match self {
            SqliteHandle::Write { conn, .. } => Ok(conn),
            SqliteHandle::Read(r) => r
                .conn
                .as_ref()
                .ok_or_else(|| StoreError::Other(anyhow::anyhow!("reader without connection"))),
        }
    }
}

/// Binds `$1`, `$2`, … by name: SQLite numbers named parameters in order of first
/// appearance, which need not be the order of their numbers.
fn bind(stmt: &mut rusqlite::Statement<'_>, args: &[Value]) -> StoreResult<()> {
    if stmt.parameter_count() != args.len() {
        return Err(StoreError::Other(anyhow::anyhow!(
            "statement takes {} parameters, {} given",
            stmt.parameter_count(),
            args.len()
        )));
    }
    for (n, v) in args.iter().enumerate() {
        let name = format!("${}", n + 1);
        let index = stmt
            .parameter_index(&name)
            .map_err(sql_err)?
            .ok_or_else(|| StoreError::Other(anyhow::anyhow!("no parameter {name}")))?;
        match v {
            Value::Null(_) => stmt.raw_bind_parameter(index, rusqlite::types::Null),
            Value::Int(i) => stmt.raw_bind_parameter(index, i),
            Value::Text(s) => stmt.raw_bind_parameter(index, s.as_str()),
            Value::Bool(b) => stmt.raw_bind_parameter(index, i64::from(*b)),
        }
        .map_err(sql_err)?;
    }
    Ok(())
}

fn value(v: ValueRef<'_>) -> StoreResult<Value> {
    Ok(match v {
        ValueRef::Null => Value::Null(Kind::Text),
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Text(t) => Value::Text(
            String::from_utf8(t.to_vec()).map_err(|e| StoreError::Other(anyhow::anyhow!(e)))?,
        ),
        other => {
            return Err(StoreError::Other(anyhow::anyhow!(
                "unexpected {:?} column",
                other.data_type()
            )))
        }
    })
}

#[async_trait]
impl Exec for SqliteHandle {
    async fn execute(&mut self, q: Query) -> StoreResult<u64> {
        let mut stmt = self.conn()?.prepare_cached(q.sql).map_err(sql_err)?;
        bind(&mut stmt, &q.args)?;
        let changed = stmt.raw_execute().map_err(sql_err)?;
        Ok(changed as u64)
    }

    async fn fetch(&mut self, q: Query, limit: Option<usize>) -> StoreResult<Vec<Row>> {
        let mut stmt = self.conn()?.prepare_cached(q.sql).map_err(sql_err)?;
        bind(&mut stmt, &q.args)?;
        let columns: Arc<[String]> = stmt.column_names().iter().map(|c| c.to_string()).collect();
        let mut rows = stmt.raw_query();
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(sql_err)? {
            let values = (0..columns.len())
                .map(|i| row.get_ref(i).map_err(sql_err).and_then(value))
                .collect::<StoreResult<_>>()?;
            out.push(Row {
                columns: columns.clone(),
                values,
            });
            if limit.is_some_and(|l| out.len() >= l) {
                break;
            }
        }
        Ok(out)
    }

    async fn commit(mut self) -> StoreResult<()> {
        if let SqliteHandle::Write { conn, open } = &mut self {
            conn.execute_batch("COMMIT").map_err(sql_err)?;
            *open = false;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_file_is_listed_in_order() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .expect("migrations dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        let listed: Vec<&str> = MIGRATIONS.iter().map(|(name, _)| *name).collect();
        assert_eq!(files, listed);
    }

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            file_of("sqlite://data/sigil.db").expect("url"),
            PathBuf::from("data/sigil.db")
        );
        assert_eq!(
            file_of("sqlite:///tmp/x.db?mode=rwc").expect("url"),
            PathBuf::from("/tmp/x.db")
        );
        assert_eq!(file_of("sqlite:x.db").expect("url"), PathBuf::from("x.db"));
        assert!(file_of("sqlite://").is_err());
    }
}
