//! What can go wrong in the store, with the context of what it was doing.

use std::path::PathBuf;
use std::sync::Arc;

/// Why a store operation failed. Bad SMS content is never one of these: the store keeps
/// what it cannot decode, and no decoding happens here (see the pool's ingest).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file could not be opened or configured.
    #[error("opening the database {path}: {source}")]
    Open {
        /// The database file.
        path: PathBuf,
        /// The cause.
        source: rusqlite::Error,
    },
    /// A migration failed; the database stays at the version before it.
    #[error("migrating the database schema to version {version}: {source}")]
    Migration {
        /// The version the failed migration would have reached.
        version: usize,
        /// The cause.
        source: rusqlite::Error,
    },
    /// The database was written by a newer modempool: running an older one on it could
    /// corrupt what the newer one relies on, so it is refused.
    #[error(
        "the database schema is at version {found}, newer than the {known} versions this \
         build knows; run a newer modempool"
    )]
    SchemaTooNew {
        /// The database's `user_version`.
        found: i64,
        /// The number of migrations this build has.
        known: usize,
    },
    /// One statement failed.
    #[error("{context}: {source}")]
    Sqlite {
        /// What the store was doing.
        context: &'static str,
        /// The cause.
        source: rusqlite::Error,
    },
    /// The batch transaction this request was part of could not begin or commit, so nothing
    /// of it was written. Shared by every request of the batch, hence the `Arc`.
    #[error("{context} (a batch of {requests} write requests): {source}")]
    Batch {
        /// The step that failed.
        context: &'static str,
        /// How many requests the batch held; all of them failed.
        requests: usize,
        /// The cause.
        source: Arc<rusqlite::Error>,
    },
    /// A write request panicked (a bug); its savepoint was rolled back and the writer went on.
    #[error("a write request panicked while {context}; it was rolled back")]
    Panicked {
        /// What the request was for.
        context: &'static str,
    },
    /// The writer thread has stopped: the store was closed, or the thread died.
    #[error("the store is closed: its writer thread has stopped")]
    Closed,
    /// A blocking task running a store call (`tokio::task::spawn_blocking` around
    /// [`Store::open`](super::Store::open) or a read) panicked or was cancelled.
    #[error("a blocking store task failed: {0}")]
    Thread(String),
    /// The writer thread could not be started.
    #[error("starting the store's writer thread: {0}")]
    Spawn(#[source] std::io::Error),
    /// A time could not be written as RFC 3339 (out of the years 0..=9999).
    #[error("{what} {time} cannot be stored as an RFC 3339 time: {reason}")]
    Time {
        /// Which time.
        what: &'static str,
        /// The time, as Debug prints it.
        time: String,
        /// Why.
        reason: String,
    },
    /// A value read back from the database is not what the schema promises (edited by hand,
    /// or written by a buggy build).
    #[error("stored {what} {value:?} is not valid: {reason}")]
    Corrupt {
        /// Which column.
        what: &'static str,
        /// The value found.
        value: String,
        /// Why it is refused.
        reason: String,
    },
}

/// Adds the "what was the store doing" to a rusqlite error.
pub(crate) trait SqlContext<T> {
    /// Wraps the error in [`StoreError::Sqlite`] with `context`.
    fn context(self, context: &'static str) -> Result<T, StoreError>;
}

impl<T> SqlContext<T> for Result<T, rusqlite::Error> {
    fn context(self, context: &'static str) -> Result<T, StoreError> {
        self.map_err(|source| StoreError::Sqlite { context, source })
    }
}
