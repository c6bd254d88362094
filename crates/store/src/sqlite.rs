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
//! connection of its own checkpoints the WAL into the database file, so no request pays
//! for that.
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_lock::{Mutex, MutexGuardArc};
use async_trait::async_trait;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, ErrorCode, OpenFlags};
use rusqlite_migration::{Migrations, M};
use sigil_core::ports::{Connections, SchemaState, Store, StoreError, StoreResult, Tx};

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
    (
        "0003_contacts.sql",
        include_str!("../migrations/sqlite/0003_contacts.sql"),
    ),
    (
        "0004_privacy.sql",
        include_str!("../migrations/sqlite/0004_privacy.sql"),
    ),
    (
        "0005_cards.sql",
        include_str!("../migrations/sqlite/0005_cards.sql"),
    ),
    (
        "0006_photos.sql",
        include_str!("../migrations/sqlite/0006_photos.sql"),
    ),
    (
        "0007_identifiers.sql",
        include_str!("../migrations/sqlite/0007_identifiers.sql"),
    ),
    (
        "0008_refresh_generations.sql",
        include_str!("../migrations/sqlite/0008_refresh_generations.sql"),
    ),
    (
        "0009_clustered_keys.sql",
        include_str!("../migrations/sqlite/0009_clustered_keys.sql"),
    ),
    (
        "0010_app_pkce.sql",
        include_str!("../migrations/sqlite/0010_app_pkce.sql"),
    ),
    (
        "0011_key_generation.sql",
        include_str!("../migrations/sqlite/0011_key_generation.sql"),
    ),
    (
        "0013_account_notices.sql",
        include_str!("../migrations/sqlite/0013_account_notices.sql"),
    ),
    (
        "0014_attempt_counters.sql",
        include_str!("../migrations/sqlite/0014_attempt_counters.sql"),
    ),
    (
        "0015_job_leases.sql",
        include_str!("../migrations/sqlite/0015_job_leases.sql"),
    ),
    (
        "0016_recovery_order.sql",
        include_str!("../migrations/sqlite/0016_recovery_order.sql"),
    ),
    (
        "0017_event_os.sql",
        include_str!("../migrations/sqlite/0017_event_os.sql"),
    ),
    (
        "0018_backchannel_logout.sql",
        include_str!("../migrations/sqlite/0018_backchannel_logout.sql"),
    ),
    (
        "0019_account_deletion.sql",
        include_str!("../migrations/sqlite/0019_account_deletion.sql"),
    ),
    (
        "0020_session_os.sql",
        include_str!("../migrations/sqlite/0020_session_os.sql"),
    ),
    (
        "0021_app_access.sql",
        include_str!("../migrations/sqlite/0021_app_access.sql"),
    ),
    (
        "0022_invitations.sql",
        include_str!("../migrations/sqlite/0022_invitations.sql"),
    ),
    (
        "0023_favorites.sql",
        include_str!("../migrations/sqlite/0023_favorites.sql"),
    ),
];

/// How long a task waits for the connection before giving up. Handles are held for
/// microseconds; waiting this long means a task asked for a second handle while holding
/// one, and failing that request is better than stopping every other.
const WAIT: Duration = Duration::from_secs(10);

/// How often the background thread checkpoints the WAL.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

pub struct SqliteStore {
    /// The one connection that writes: SQLite has a single writer anyway.
    writer: Arc<Mutex<Connection>>,
    /// Connections for reads, one per core: in WAL mode readers neither wait for each
    /// other nor for the writer, so reads need not queue behind one lock.
    readers: Vec<Arc<Mutex<Connection>>>,
    /// Where the next reader search starts, so waits spread over the readers.
    next_reader: AtomicUsize,
    stop: Arc<AtomicBool>,
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // Only a crash of the machine, not of Sigil, can lose the last commits in WAL mode
    // with synchronous=NORMAL; the database itself stays consistent. The checkpoint
    // thread keeps the WAL short; the automatic checkpoint is only its backstop.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
         PRAGMA cache_size = -4096; PRAGMA wal_autocheckpoint = 20000;",
    )?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

/// Checkpoints the WAL every [`CHECKPOINT_EVERY`] until `stop` is set. PASSIVE never
/// waits for readers or writers: what it cannot copy now it copies next time.
fn checkpointer(path: PathBuf, stop: Arc<AtomicBool>) {
    let conn = match open(&path) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "the WAL checkpointer could not open the database");
            return;
        }
    };
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(CHECKPOINT_EVERY);
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::warn!(error = %e, "WAL checkpoint failed");
        }
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
    // A migration that rebuilds a table drops the old one: with foreign keys on, that
    // would delete every row referring to it. They are off while migrations run (the
    // pragma does nothing inside a transaction) and every reference is checked after.
    conn.pragma_update(None, "foreign_keys", false)?;
    let done = Migrations::new(MIGRATIONS.iter().map(|(_, sql)| M::up(sql)).collect())
        .to_latest(conn)
        .map_err(anyhow::Error::from)
        .and_then(|()| {
            let broken: i64 =
                conn.query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
                    r.get(0)
                })?;
            anyhow::ensure!(broken == 0, "{broken} rows refer to rows that do not exist");
            Ok(())
        });
    conn.pragma_update(None, "foreign_keys", true)?;
    done
}

impl SqliteStore {
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let path = file_of(url)?;
        let mut conn = open(&path)?;
        migrate(&mut conn)?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        std::thread::Builder::new()
            .name("sigil-checkpoint".into())
            .spawn({
                let path = path.clone();
                move || checkpointer(path, flag)
            })?;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        // An in-memory database exists once per connection: it has only the writer.
        let memory = path.to_str().is_some_and(|p| p.starts_with(":memory:"));
        let readers = (0..if memory { 0 } else { cores.clamp(2, 8) })
            .map(|_| {
                let reader = open(&path)?;
                reader.execute_batch("PRAGMA query_only = ON;")?;
                Ok(Arc::new(Mutex::new(reader)))
            })
            .collect::<rusqlite::Result<_>>()?;
        Ok(Self {
            writer: Arc::new(Mutex::new(conn)),
            readers,
            next_reader: AtomicUsize::new(0),
            stop,
        })
    }

    /// A free reader if there is one, else the next in turn once it is free.
    async fn reader(&self) -> Option<MutexGuardArc<Connection>> {
        let n = self.readers.len();
        if n == 0 {
            return tokio::time::timeout(WAIT, self.writer.lock_arc())
                .await
                .ok();
        }
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
        for i in 0..n {
            if let Some(guard) = self.readers[(start + i) % n].try_lock_arc() {
                return Some(guard);
            }
        }
        tokio::time::timeout(WAIT, self.readers[start % n].lock_arc())
            .await
            .ok()
    }

    async fn handle(&self, begin: &'static str, read_only: bool) -> StoreResult<Box<dyn Tx>> {
        let started = std::time::Instant::now();
        let conn = if read_only {
            self.reader().await
        } else {
            tokio::time::timeout(WAIT, self.writer.lock_arc())
                .await
                .ok()
        };
        let conn = conn.ok_or_else(|| {
            StoreError::Other(anyhow::anyhow!(
                "the database connection stayed busy for {WAIT:?}"
            ))
        })?;
        crate::telemetry::waited(if read_only { "read" } else { "write" }, started);
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
        // IMMEDIATE takes the write lock at once, so a transaction never fails half-way
        // when it turns from reading to writing (another process may write too).
        self.handle("BEGIN IMMEDIATE", false).await
    }

    async fn read(&self) -> StoreResult<Box<dyn Tx>> {
        // One read transaction: the handle's reads see one snapshot.
        self.handle("BEGIN DEFERRED", true).await
    }

    async fn schema_state(&self) -> StoreResult<SchemaState> {
        let conn = self.reader().await.ok_or_else(|| {
            StoreError::Unavailable(anyhow::anyhow!(
                "the database connection stayed busy for {WAIT:?}"
            ))
        })?;
        let found: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(sql_err)?;
        Ok(SchemaState {
            found,
            expected: MIGRATIONS.len() as i64,
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
}

/// The connection, inside a transaction that is rolled back if dropped open.
pub(crate) struct SqliteHandle {
    conn: MutexGuardArc<Connection>,
    open: bool,
    read_only: bool,
}

impl Drop for SqliteHandle {
    fn drop(&mut self) {
        if self.open {
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
    /// The prepared, bound statement of `q`; a read handle refuses statements that write.
    fn statement(&self, q: &Query) -> StoreResult<rusqlite::CachedStatement<'_>> {
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
    fn clustering_the_tables_keeps_every_row_and_reference() {
        let path = std::env::temp_dir().join(format!("sigil-0009-{}.db", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let mut conn = open(&path).expect("open");
        let before_0009 = MIGRATIONS[..8].iter().map(|(_, sql)| M::up(sql)).collect();
        Migrations::new(before_0009)
            .to_latest(&mut conn)
            .expect("migrations 1-8");
        conn.execute_batch(
            "INSERT INTO users (id, login, created_at, updated_at, phone) \
               VALUES ('u1', 'ada', 1, 2, '+4915100000000');
             INSERT INTO field_values (user_id, field_key, value, updated_at) \
               VALUES ('u1', 'given_name', 'Ada', 3);
             INSERT INTO field_privacy (user_id, field_key, level, updated_at) \
               VALUES ('u1', 'given_name', 'public', 3);
             INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, \
               auth_time, sid, method) VALUES ('s1', 'u1', 1, 1, 9, 1, 'sid1', 'password');
             INSERT INTO applications (client_id, name, description, app_type, redirect_uris, \
               post_logout_redirect_uris, grant_types, scopes, access_token_ttl, id_token_ttl, \
               refresh_token_ttl, signing_alg, created_at) \
               VALUES ('c1', 'App', '', 'web', '[]', '[]', '[]', 'openid', 1, 1, 1, 'RS256', 1);
             INSERT INTO consents (user_id, client_id, scopes, granted_at, updated_at) \
               VALUES ('u1', 'c1', 'openid', 1, 1);
             INSERT INTO token_families (id, client_id, user_id, session_hash, scopes, \
               created_at, expires_at, refresh_generation) \
               VALUES ('f1', 'c1', 'u1', 's1', 'openid', 1, 9, 4);",
        )
        .expect("rows before 0009");

        migrate(&mut conn).expect("0009");

        let count = |table: &str| -> i64 {
            conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
                .expect("count")
        };
        for table in [
            "users",
            "field_values",
            "field_privacy",
            "sessions",
            "applications",
            "consents",
            "token_families",
        ] {
            assert_eq!(count(table), 1, "{table} kept its row");
        }
        let generation: i64 = conn
            .query_row(
                "SELECT refresh_generation FROM token_families WHERE id = 'f1'",
                [],
                |r| r.get(0),
            )
            .expect("family");
        assert_eq!(generation, 4);
        assert!(
            conn.prepare("SELECT rowid FROM token_families").is_err(),
            "clustered by key"
        );
        // The references still hold, and cascade, once foreign keys are back on.
        let on: i64 = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .expect("pragma");
        assert_eq!(on, 1);
        assert!(conn
            .execute(
                "INSERT INTO field_values (user_id, field_key, value, updated_at) \
                 VALUES ('nobody', 'x', 'y', 1)",
                [],
            )
            .is_err());
        conn.execute("DELETE FROM users WHERE id = 'u1'", [])
            .expect("delete");
        for table in [
            "field_values",
            "field_privacy",
            "sessions",
            "consents",
            "token_families",
        ] {
            assert_eq!(count(table), 0, "{table} followed its user");
        }
        drop(conn);
        let _ = std::fs::remove_file(&path);
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
