//! The SQLite store: the rack's ports and SIMs, every SMS received, and the audit trail.
//! It owns the SQL and nothing else: decoding is [`crate::pdu`]'s, deciding what to store
//! and when to delete from a modem is the caller's.
//!
//! What it guarantees:
//! 1. No SMS is lost: [`Store::ingest`] answers `Ok` only once the PDU is committed, so a
//!    port task that deletes an SMS from its modem after that `Ok` never deletes one that
//!    is not on disk.
//! 2. Exactly once: a PDU is keyed by its SIM and its TPDU (the PDU without the SMSC
//!    field); the same PDU ingested again (a re-read after a crash, a modem that both
//!    routed and stored it, a redelivery) is recognised and writes nothing.
//! 3. SMS are stored with their SIM; `allocation_id` is left NULL here and is never set
//!    after the fact.
//!
//! How: one writer thread owns the only write connection and runs queued requests in
//! batches, one transaction per batch and a savepoint per request (`writer`); reads use
//! connections of their own (`read`). The schema and its migrations are in `schema`.
//!
//! Files: `schema` (tables, migrations, connection settings), `writer` (the thread and its
//! batches), `rack` (ports and SIMs), `ingest` (one PDU in), `reassembly` (multipart SMS
//! and the flush of incomplete ones), `message` (message rows, joining parts' text),
//! `events` (the audit trail), `read` (queries), `model` (the types in and out),
//! `timestamp` (how times are stored).

mod error;
mod events;
mod ingest;
mod message;
mod model;
mod rack;
mod read;
mod reassembly;
mod schema;
mod timestamp;
mod writer;

#[cfg(test)]
mod tests;

use std::path::Path;
use std::sync::Arc;

use time::OffsetDateTime;

pub use error::StoreError;
pub use model::{
    EventRow, IncomingPart, IngestOutcome, MessageFilter, MessageId, MessageKind, MessageRow,
    NumberSource, PartId, PortRow, PortUpdate, SimNumber, SimRow, SimSeen, SimState, SimUpdate,
};

use read::{Readers, Table};
use writer::Writer;

/// A handle on the store. Cheap to clone (an `Arc`); `Send + Sync`.
///
/// Writes are `async`: they queue for the writer thread and resolve once committed. Reads
/// are synchronous and quick (see the `read` module). When the last handle is dropped the writer
/// finishes the queued requests and exits on its own; [`Store::close`] does the same and
/// waits for it.
#[derive(Debug, Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    writer: Writer,
    readers: Readers,
}

impl Store {
    /// Opens (or creates) the database at `path`, migrates it to the current schema and
    /// starts the writer thread. Blocking (it may run migrations): call it at start-up, or
    /// from `spawn_blocking`.
    ///
    /// The path must be a file: readers and the writer each open their own connection,
    /// which an in-memory database would not share.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let mut connection = schema::connect(path)?;
        let version = schema::migrate(&mut connection)?;
        tracing::info!(path = %path.display(), version, "store opened");
        let writer = Writer::spawn(connection)?;
        Ok(Store {
            inner: Arc::new(Inner {
                writer,
                readers: Readers::new(path.to_owned()),
            }),
        })
    }

    /// Stops the writer once every request queued before this call is committed, and waits
    /// until its connection is closed. Other handles can still read; their writes then fail
    /// with [`StoreError::Closed`]. The daemon calls this last, after its tasks stopped.
    pub async fn close(self) -> Result<(), StoreError> {
        self.inner.writer.close().await
    }

    // ---- writes -------------------------------------------------------------------------

    /// Records what a port task saw of its modem (upsert by path); a change of state goes
    /// to the audit trail.
    pub async fn port_seen(&self, update: PortUpdate) -> Result<(), StoreError> {
        self.inner
            .writer
            .call("recording a port", move |connection| {
                rack::port_seen(connection, &update, &timestamp::now_text()?)
            })
            .await
    }

    /// Records the SIM found in a port: upserts it by ICCID, links it to the port and
    /// unlinks whatever SIM the port held before (a swap) or port the SIM was in before (a
    /// move). A known number is never replaced by none, nor a manual one by a probed one.
    /// Records `sim_new`, `sim_moved`, `sim_swapped` and `number_changed` events.
    pub async fn sim_seen(&self, update: SimUpdate) -> Result<SimSeen, StoreError> {
        self.inner
            .writer
            .call("recording a SIM", move |connection| {
                rack::sim_seen(connection, &update, &timestamp::now_text()?)
            })
            .await
    }

    /// Records that the port's SIM was removed; returns its ICCID, `None` if the port held
    /// none. The SIM keeps its row and its messages.
    pub async fn sim_gone(&self, port_path: &str) -> Result<Option<String>, StoreError> {
        let port_path = port_path.to_owned();
        self.inner
            .writer
            .call("recording a SIM's removal", move |connection| {
                rack::sim_gone(connection, &port_path, &timestamp::now_text()?)
            })
            .await
    }

    /// Stores one received PDU and returns once it is committed: only then may the port
    /// task delete the SMS from its modem. A PDU already stored for this SIM is reported
    /// as a duplicate and not stored again. A PDU that does not decode is stored anyway,
    /// with an `undecodable` message; an SMS-SUBMIT found in storage is stored as a part
    /// with no message. `Err` means the database failed: keep the SMS on the modem.
    pub async fn ingest(&self, part: IncomingPart) -> Result<IngestOutcome, StoreError> {
        self.inner
            .writer
            .call("storing an SMS", move |connection| {
                ingest::ingest(connection, &part, &timestamp::now_text()?)
            })
            .await
    }

    /// Stores many PDUs in one transaction (a port draining its SIM at start-up), each in a
    /// savepoint of its own so that one failing does not undo the others. The outer `Err`
    /// means nothing was committed; otherwise each part has its own result, in order.
    pub async fn ingest_batch(
        &self,
        parts: Vec<IncomingPart>,
    ) -> Result<Vec<Result<IngestOutcome, StoreError>>, StoreError> {
        self.inner
            .writer
            .call("storing a batch of SMS", move |connection| {
                let now = timestamp::now_text()?;
                parts
                    .iter()
                    .map(|part| {
                        writer::savepoint(connection, "part", |connection| {
                            ingest::ingest(connection, part, &now)
                        })
                        // The savepoint statements failing means the transaction is gone:
                        // fail the whole request (and so the batch).
                        .map_err(|source| StoreError::Sqlite {
                            context: "a savepoint for one SMS of a batch",
                            source,
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .await
    }

    /// Gives up waiting for the missing parts of multipart SMS whose first part arrived
    /// more than `older_than` before `now`: each becomes a message marked incomplete, its
    /// text without the missing parts. Returns the new messages' ids. A part arriving
    /// later is stored but makes no second message (a `late_part` event records it).
    pub async fn flush_incomplete(
        &self,
        older_than: std::time::Duration,
        now: OffsetDateTime,
    ) -> Result<Vec<MessageId>, StoreError> {
        let cutoff = now
            .checked_sub(time::Duration::try_from(older_than).unwrap_or(time::Duration::MAX))
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let cutoff = timestamp::to_text(cutoff, "the flush cut-off")?;
        self.inner
            .writer
            .call("flushing incomplete multipart SMS", move |connection| {
                reassembly::flush_incomplete(connection, &cutoff, &timestamp::now_text()?)
            })
            .await
    }

    /// Appends an event to the audit trail (`kind` must not be empty).
    pub async fn event(
        &self,
        kind: &str,
        port_path: Option<&str>,
        iccid: Option<&str>,
        detail: &str,
    ) -> Result<(), StoreError> {
        let kind = kind.to_owned();
        let port_path = port_path.map(str::to_owned);
        let iccid = iccid.map(str::to_owned);
        let detail = detail.to_owned();
        self.inner
            .writer
            .call("recording an event", move |connection| {
                events::record(
                    connection,
                    &timestamp::now_text()?,
                    &kind,
                    port_path.as_deref(),
                    iccid.as_deref(),
                    &detail,
                )
            })
            .await
    }

    // ---- reads --------------------------------------------------------------------------

    /// Every port, by path.
    pub fn ports(&self) -> Result<Vec<PortRow>, StoreError> {
        self.inner.readers.with(read::ports)
    }

    /// Every SIM ever seen, by ICCID.
    pub fn sims(&self) -> Result<Vec<SimRow>, StoreError> {
        self.inner.readers.with(read::sims)
    }

    /// One SIM by ICCID.
    pub fn sim(&self, iccid: &str) -> Result<Option<SimRow>, StoreError> {
        self.inner
            .readers
            .with(|connection| read::sim(connection, iccid))
    }

    /// Messages after `filter.after_id`, oldest first: page with the last id returned.
    pub fn messages(&self, filter: MessageFilter) -> Result<Vec<MessageRow>, StoreError> {
        self.inner
            .readers
            .with(|connection| read::messages(connection, &filter))
    }

    /// How many messages are stored.
    pub fn message_count(&self) -> Result<u64, StoreError> {
        self.inner
            .readers
            .with(|connection| read::count(connection, Table::Messages))
    }

    /// How many PDUs (parts) are stored.
    pub fn part_count(&self) -> Result<u64, StoreError> {
        self.inner
            .readers
            .with(|connection| read::count(connection, Table::Parts))
    }

    /// How many write batches (transactions) the writer has committed since the store was
    /// opened: against the number of writes, it shows how well bursts are grouped (a
    /// metric).
    pub fn batches_committed(&self) -> u64 {
        self.inner.writer.batches()
    }

    /// The latest `limit` events, newest first.
    pub fn events(&self, limit: usize) -> Result<Vec<EventRow>, StoreError> {
        self.inner
            .readers
            .with(|connection| read::events(connection, limit))
    }

    /// The latest `limit` events of one kind, newest first: what the daemon needs at start
    /// (refused PINs) without reading the whole audit trail.
    pub fn events_of_kind(&self, kind: &str, limit: usize) -> Result<Vec<EventRow>, StoreError> {
        self.inner
            .readers
            .with(|connection| read::events_where(connection, Some(kind), limit))
    }
}
