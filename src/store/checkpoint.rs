//! The checkpointer: copies the write-ahead log into the database file on a thread and a
//! connection of its own, so that the writer never does it inside a commit.
//!
//! SQLite would otherwise checkpoint automatically in whichever commit crosses the log's
//! size limit, and every request of that batch would wait for the copy and its fsync: the
//! slowest Allocate answers of a busy rack. A PASSIVE checkpoint here runs beside the
//! writer (WAL lets one checkpointer and one writer work at once) and never blocks it; the
//! log restarts from its beginning once a checkpoint has copied all of it.

use std::path::PathBuf;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use super::error::StoreError;
use super::schema;

/// How often the log is copied: often enough that it stays a few megabytes at a thousand
/// commits per second, rarely enough to cost nothing on an idle rack.
const INTERVAL: Duration = Duration::from_millis(500);

/// The running checkpointer; it stops when this is dropped (with the store).
#[derive(Debug)]
pub(crate) struct Checkpointer {
    /// Dropping it wakes the thread, which then makes a last checkpoint and ends.
    _stop: mpsc::Sender<()>,
}

impl Checkpointer {
    /// Starts the thread on a connection of its own to the database at `path`.
    pub(crate) fn spawn(path: PathBuf) -> Result<Checkpointer, StoreError> {
        let connection = schema::connect(&path)?;
        let (stop, stopped) = mpsc::channel::<()>();
        thread::Builder::new()
            .name("store-checkpoint".to_owned())
            .spawn(move || {
                loop {
                    let last = !matches!(
                        stopped.recv_timeout(INTERVAL),
                        Err(mpsc::RecvTimeoutError::Timeout)
                    );
                    // PASSIVE: copy what no reader still needs, without waiting for anyone.
                    let done = connection.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
                        Ok((
                            row.get::<_, i64>(0)?,
                            row.get::<_, i64>(1)?,
                            row.get::<_, i64>(2)?,
                        ))
                    });
                    if let Err(error) = done {
                        tracing::warn!(%error, "checkpointing the database log");
                    }
                    if last {
                        break;
                    }
                }
            })
            .map_err(StoreError::Spawn)?;
        Ok(Checkpointer { _stop: stop })
    }
}
