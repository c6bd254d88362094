//! Keeping the SQLite files in shape while the server runs: the WAL checkpointer, and
//! the online backup behind `sigil backup`.
//!
//! # The WAL
//! Every commit appends to the `-wal` file; a checkpoint copies what it holds into the
//! database file, and the next writer then starts the log over from its beginning. A
//! PASSIVE checkpoint never waits for anyone, so it is what runs every half second; but
//! neither it nor the start over ever shortens the file: under steady load, or while a
//! long read (a backup, a report) holds an old snapshot, the log grows, and the file
//! stayed at its largest (29–82 MB seen in a soak). Two things bring it back:
//! `journal_size_limit` on every connection cuts the file to [`WAL_LIMIT`] whenever the
//! log starts over, and once the file is past that limit the checkpointer follows its
//! PASSIVE pass with a TRUNCATE one, which empties it. TRUNCATE has to wait for the
//! writer and for readers on older snapshots, and writers wait for it while it runs; it
//! runs right after a PASSIVE pass copied nearly everything, and its connection gives
//! up after [`TRUNCATE_PATIENCE`] (trying again half a second later), so a request is
//! never held up for longer than that.
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use rusqlite::{Connection, OpenFlags};

/// How often the background thread checkpoints the WAL.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// The size the WAL file is brought back to, in bytes: a thousand pages, SQLite's own
/// default checkpoint size, which a busy server refills in well under a second.
pub(super) const WAL_LIMIT: u64 = 4 * 1024 * 1024;

/// How long the TRUNCATE checkpoint waits for the writer and older readers.
const TRUNCATE_PATIENCE: Duration = Duration::from_millis(20);

/// The WAL file beside the database at `path`.
pub(super) fn wal_of(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

/// Checkpoints the WAL every [`CHECKPOINT_EVERY`] until `stop` is set, and empties the
/// file when it grew past [`WAL_LIMIT`] (see the module's doc).
pub(super) fn checkpointer(path: PathBuf, stop: Arc<AtomicBool>) {
    let conn = match Connection::open_with_flags(
        &path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .and_then(|c| c.busy_timeout(TRUNCATE_PATIENCE).map(|()| c))
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "the WAL checkpointer could not open the database");
            return;
        }
    };
    let wal = wal_of(&path);
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(CHECKPOINT_EVERY);
        if let Err(e) = checkpoint(&conn, &wal) {
            tracing::warn!(error = %e, "WAL checkpoint failed");
        }
    }
}

fn checkpoint(conn: &Connection, wal: &Path) -> rusqlite::Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
    let size = std::fs::metadata(wal).map_or(0, |m| m.len());
    if size > WAL_LIMIT {
        // (busy, frames in the log, frames copied): busy when it gave up waiting.
        let (busy, log, copied): (i64, i64, i64) =
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        tracing::debug!(size, busy, log, copied, "WAL truncated");
    }
    Ok(())
}

/// Writes the whole WAL into the database file and empties it, waiting for other
/// connections up to `conn`'s busy timeout; false if another one kept it from finishing.
pub(super) fn truncate(conn: &Connection) -> rusqlite::Result<bool> {
    let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
    Ok(busy == 0)
}

/// Copies the database at `from` into a new file `to` while others keep reading and
/// writing it: `VACUUM INTO` reads one snapshot in one read transaction (so the copy is
/// consistent, as of the moment it started) on a read-only connection, and writes a
/// compact database that needs no WAL beside it. `to` must not exist; it is made
/// readable by its owner only (it holds everything the database does), synced to disk,
/// and removed again if the copy fails.
pub(crate) fn backup(from: &Path, to: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    anyhow::ensure!(
        from.exists(),
        "there is no SQLite database at {}",
        from.display()
    );
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(to)
        .with_context(|| match to.exists() {
            true => format!(
                "{} exists already: a backup never replaces a file",
                to.display()
            ),
            false => format!("creating {}", to.display()),
        })?;
    let copied = (|| -> anyhow::Result<()> {
        let conn = Connection::open_with_flags(
            from,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(super::BUSY)?;
        let target = to
            .to_str()
            .ok_or_else(|| anyhow::anyhow!("{} is not a UTF-8 path", to.display()))?;
        conn.execute("VACUUM INTO ?1", [target])
            .context("copying the database")?;
        // VACUUM INTO does not sync what it wrote.
        file.sync_all().context("syncing the copy")?;
        let check: String = Connection::open_with_flags(target, OpenFlags::SQLITE_OPEN_READ_ONLY)?
            .query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        anyhow::ensure!(check == "ok", "the copy failed its check: {check}");
        Ok(())
    })();
    if copied.is_err() {
        let _ = std::fs::remove_file(to);
    }
    copied
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wal_file_is_named_after_the_database() {
        assert_eq!(
            wal_of(Path::new("/data/sigil.db")),
            PathBuf::from("/data/sigil.db-wal")
        );
    }
}
