//! The embedded default: one SQLite file in WAL mode, run in place with rusqlite.
//!
//! Statements run on the calling task's thread: on a warm page cache they take
//! microseconds, less than handing them to another thread would, and they never yield,
//! so a handle is held only while its task runs. Writes go through one connection (SQLite
//! has a single writer anyway) behind an async mutex that lets a running task take it at
//! once rather than handing it to the next sleeping waiter (which would leave it idle
//! until that waiter is scheduled, on every hand-off); no task ever waits inside SQLite's
//! busy handler for another task of this process. Reads that need no write go to read
//! connections, one per core: in WAL mode each sees the last committed snapshot and waits
//! neither for the writer nor for the other readers. A background thread with a
//! connection of its own checkpoints the WAL into the database file and keeps the file
//! short (see [`upkeep`]), so no request pays for that.
//!
//! The migrations and the schema's version are in [`migrate`]; the online backup
//! (`sigil backup`) in [`upkeep`].
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_lock::{Mutex, MutexGuardArc};
use async_trait::async_trait;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, ErrorCode, OpenFlags};
use sigil_core::ports::{Connections, SchemaState, Store, StoreError, StoreResult, Tx};

use crate::db::{unique_violation, Conn, Exec, Kind, Query, Row, Value};
use crate::StoreOptions;

mod migrate;
mod upkeep;

pub(crate) use migrate::check;
pub(crate) use upkeep::backup;

/// How long a connection waits inside SQLite for a lock another process holds.
pub(crate) const BUSY: Duration = Duration::from_secs(5);

pub struct SqliteStore {
    /// The one connection that writes: SQLite has a single writer anyway.
    writer: Arc<Mutex<Connection>>,
    /// Connections for reads, one per core: in WAL mode readers neither wait for each
    /// other nor for the writer, so reads need not queue behind one lock.
    readers: Vec<Arc<Mutex<Connection>>>,
    /// Where the next reader search starts, so waits spread over the readers.
    next_reader: AtomicUsize,
    /// How long a request waits for a connection, and for another process's lock on the
    /// file, before it is answered 503 (`[database] acquire_timeout_ms`). Handles are
    /// held for microseconds, so within this process a long wait means the file is
    /// locked elsewhere or a task asked for a second handle while holding one.
    wait: Duration,
    stop: Arc<AtomicBool>,
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// A connection to the database at `path` (made if absent), with the page cache and
/// memory-mapping of `options`.
fn open(path: &Path, options: &StoreOptions) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // First, so that even switching a new file to WAL waits for another process doing
    // the same instead of failing.
    conn.busy_timeout(BUSY)?;
    // Only a crash of the machine, not of Sigil, can lose the last commits in WAL mode
    // with synchronous=NORMAL; the database itself stays consistent. The checkpoint
    // thread keeps the WAL short (see `upkeep`); the automatic checkpoint is only its
    // backstop, and a WAL file that grew past the limit (while a long read held an old
    // snapshot) is cut back to it whenever the log starts over.
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
         PRAGMA wal_autocheckpoint = 20000; PRAGMA journal_size_limit = {}; \
         PRAGMA cache_size = -{}; PRAGMA mmap_size = {};",
        upkeep::WAL_LIMIT,
        options.sqlite_cache_kib,
        options.sqlite_mmap_bytes,
    ))?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

/// Makes the database file, if it is not there yet, readable and writable by its owner
/// only: it holds password hashes and personal data. SQLite gives the WAL and shared
/// memory files it makes beside it the same permissions.
fn create_private(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    if path
        .to_str()
        .is_some_and(|p| p.is_empty() || p.starts_with(":memory:"))
    {
        return Ok(());
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        other => other.map(drop),
    }
}

/// The file named by a `sqlite:` URL (`sqlite://data/sigil.db`, `sqlite:///abs.db`,
/// `sqlite:file.db`, with any `?options` ignored).
pub(crate) fn file_of(url: &str) -> anyhow::Result<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| anyhow::anyhow!("not a sqlite: URL"))?;
    let path = rest.split('?').next().unwrap_or_default();
    anyhow::ensure!(!path.is_empty(), "the sqlite: URL names no file");
    Ok(PathBuf::from(path))
}

impl SqliteStore {
    pub async fn connect(url: &str, options: &crate::StoreOptions) -> anyhow::Result<Self> {
        let path = file_of(url)?;
        create_private(&path)?;
        let mut conn = open(&path, options)?;
        migrate::migrate(&mut conn)?;
        // Another process holding the file's lock (a CLI command, a backup) makes the
        // writer wait in SQLite's busy handler at most this long (see `handle`).
        let wait = options.acquire_timeout;
        conn.busy_timeout(wait)?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        std::thread::Builder::new()
            .name("sigil-checkpoint".into())
            .spawn({
                let path = path.clone();
                move || upkeep::checkpointer(path, flag)
            })?;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        // An in-memory database exists once per connection: it has only the writer.
        let memory = path.to_str().is_some_and(|p| p.starts_with(":memory:"));
        let readers = (0..if memory { 0 } else { cores.clamp(2, 8) })
            .map(|_| {
                let reader = open(&path, options)?;
                reader.execute_batch("PRAGMA query_only = ON;")?;
                reader.busy_timeout(wait)?;
                Ok(Arc::new(Mutex::new(reader)))
            })
            .collect::<rusqlite::Result<_>>()?;
        Ok(Self {
            writer: Arc::new(Mutex::new(conn)),
            readers,
            next_reader: AtomicUsize::new(0),
            wait,
            stop,
        })
    }

    /// A free reader if there is one, else the next in turn once it is free.
    async fn reader(&self) -> Option<MutexGuardArc<Connection>> {
        let n = self.readers.len();
        if n == 0 {
            return tokio::time::timeout(self.wait, self.writer.lock_arc())
                .await
                .ok();
        }
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
        for i in 0..n {
            if let Some(guard) = self.readers[(start + i) % n].try_lock_arc() {
                return Some(guard);
            }
        }
        tokio::time::timeout(self.wait, self.readers[start % n].lock_arc())
            .await
            .ok()
    }

    async fn handle(&self, begin: &'static str, read_only: bool) -> StoreResult<Box<dyn Tx>> {
        let asked = std::time::Instant::now();
        let conn = if read_only {
            self.reader().await
        } else {
            tokio::time::timeout(self.wait, self.writer.lock_arc())
                .await
                .ok()
        };
        let conn = conn.ok_or_else(|| self.busy())?;
        crate::telemetry::waited(if read_only { "read" } else { "write" }, asked);
        if !read_only {
            // What is left of the wait, for another process's lock: a request waits
            // `wait` in all, not once for the connection and again for the file. The
            // busy handler blocks this thread meanwhile; only the one task holding the
            // writer can be in it, and never for another task of this process.
            let left = self.wait.saturating_sub(asked.elapsed());
            conn.busy_timeout(left.max(Duration::from_millis(1)))
                .map_err(sql_err)?;
        }
        conn.prepare_cached(begin)
            .and_then(|mut s| s.raw_execute())
            .map_err(sql_err)?;
        Ok(Box::new(Conn(SqliteHandle {
            conn,
            open: true,
            read_only,
        })))
    }
}

impl SqliteStore {
    /// The answer when no connection came free within the wait.
    fn busy(&self) -> StoreError {
        StoreError::Unavailable(anyhow::anyhow!(
            "the SQLite connection stayed busy for {:?}",
            self.wait
        ))
    }
}

fn sql_err(e: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::SqliteFailure(f, msg) = &e {
        // SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY.
        if f.code == ErrorCode::ConstraintViolation && matches!(f.extended_code, 2067 | 1555) {
            return unique_violation(msg.as_deref().unwrap_or_default());
        }
        if is_outage(f.code) {
            return StoreError::Unavailable(anyhow::anyhow!(e).context("SQLite"));
        }
    }
    StoreError::Other(anyhow::anyhow!(e))
}

/// Whether SQLite cannot go on for now, through no fault of the statement: another
/// process holds the file's lock (BUSY, LOCKED), the disk is full, the file cannot be
/// read, written, opened or is read-only. SQLite then leaves the transaction rolled back
/// or open for the handle's drop to roll back: nothing is half-written.
fn is_outage(code: ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::DatabaseBusy
            | ErrorCode::DatabaseLocked
            | ErrorCode::DiskFull
            | ErrorCode::SystemIoFailure
            | ErrorCode::CannotOpen
            | ErrorCode::ReadOnly
    )
}

#[async_trait]
impl Store for SqliteStore {
    async fn begin(&self) -> StoreResult<Box<dyn Tx>> {
        // IMMEDIATE takes the write lock at once, so a transaction never fails half-way
        // when it turns from reading to writing (another process may write too).
        self.handle("BEGIN IMMEDIATE", false).await
    }

    async fn read(&self) -> StoreResult<Box<dyn Tx>> {
        // One read transaction: the handle's reads see one snapshot.
        self.handle("BEGIN DEFERRED", true).await
    }

    async fn schema_state(&self) -> StoreResult<SchemaState> {
        let conn = self.reader().await.ok_or_else(|| self.busy())?;
        let found = migrate::version(&conn).map_err(sql_err)?;
        Ok(SchemaState {
            found,
            expected: migrate::latest(),
        })
    }

    /// A connection whose lock is held is in use (taken and let go at once, without
    /// waiting: a scrape never queues behind a request).
    fn connections(&self) -> Option<Connections> {
        let (mut in_use, mut idle) = (0, 0);
        for conn in std::iter::once(&self.writer).chain(&self.readers) {
            match conn.try_lock() {
                Some(_) => idle += 1,
                None => in_use += 1,
            }
        }
        Some(Connections { in_use, idle })
    }

    async fn close(&self) {
        self.stop.store(true, Ordering::Relaxed);
        let Ok(writer) = tokio::time::timeout(self.wait, self.writer.lock()).await else {
            tracing::warn!("the database was still in use at the stop; its WAL stays");
            return;
        };
        match upkeep::truncate(&writer) {
            Ok(true) => tracing::info!("the WAL is written into the database file"),
            Ok(false) => tracing::warn!("another process reads the database; its WAL stays"),
            Err(e) => tracing::warn!(error = %e, "the last WAL checkpoint failed"),
        }
    }
}

/// The connection, inside a transaction that is rolled back if dropped open.
pub(crate) struct SqliteHandle {
    conn: MutexGuardArc<Connection>,
    open: bool,
    read_only: bool,
}

impl Drop for SqliteHandle {
    fn drop(&mut self) {
        // After a full disk or an I/O error SQLite may have rolled back already.
        if self.open && !self.conn.is_autocommit() {
            let done = self
                .conn
                .prepare_cached("ROLLBACK")
                .and_then(|mut s| s.raw_execute());
            if let Err(e) = done {
                tracing::error!(error = %e, "rolling back a SQLite transaction failed");
            }
        }
    }
}

impl SqliteHandle {
    /// Refuses to go on once SQLite ended the transaction by itself (after a full disk
    /// or an I/O error): a statement run now would commit on its own, half a use case.
    fn still_open(&self) -> StoreResult<()> {
        if self.open && self.conn.is_autocommit() {
            return Err(StoreError::Unavailable(anyhow::anyhow!(
                "SQLite rolled the transaction back after an error"
            )));
        }
        Ok(())
    }

    /// The prepared, bound statement of `q`; a read handle refuses statements that write.
    fn statement(&self, q: &Query) -> StoreResult<rusqlite::CachedStatement<'_>> {
        self.still_open()?;
        let mut stmt = self.conn.prepare_cached(q.sql).map_err(sql_err)?;
        if self.read_only && !stmt.readonly() {
            return Err(StoreError::Other(anyhow::anyhow!(
                "a write through a read handle: {}",
                q.sql
            )));
        }
        bind(&mut stmt, &q.args)?;
        Ok(stmt)
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
            Value::Bytes(b) => stmt.raw_bind_parameter(index, b.as_slice()),
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
        ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
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
        let mut stmt = self.statement(&q)?;
        let changed = stmt.raw_execute().map_err(sql_err)?;
        Ok(changed as u64)
    }

    async fn fetch(&mut self, q: Query, limit: Option<usize>) -> StoreResult<Vec<Row>> {
        let mut stmt = self.statement(&q)?;
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
        self.still_open()?;
        self.conn
            .prepare_cached("COMMIT")
            .and_then(|mut s| s.raw_execute())
            .map_err(sql_err)?;
        self.open = false;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
