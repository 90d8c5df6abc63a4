//! The SQLite store: the rack's ports and SIMs, every SMS received, the rentals, and the
//! audit trail. It owns the SQL and nothing else: decoding PDUs, joining multipart SMS and
//! deciding which allocation a message belongs to are the pool's (`pool::ingest`), which
//! runs them inside one writer request through [`Store::take_in`] and its [`Inbox`].
//!
//! What it guarantees:
//! 1. Nothing is acknowledged before it is on disk: every write answers `Ok` only once its
//!    batch is committed, so a port task that deletes an SMS from its modem after the
//!    pool's `Ok` never deletes one that is not stored.
//! 2. One request is all or nothing: each runs in a savepoint of its own, so a request
//!    that fails (a constraint) leaves no half-written SMS and does not fail the others.
//! 3. A message's allocation is written in the transaction that writes the message, and
//!    never after (`allocation_id` has no other writer).
//!
//! How: one writer thread owns the only write connection and runs queued requests in
//! batches, one transaction per batch and a savepoint per request (`writer`); reads use
//! connections of their own (`read`). The schema and its migrations are in `schema`.
//!
//! Files: `schema` (tables, migrations, connection settings), `writer` (the thread and its
//! batches), `rack` (ports and SIMs), `inbox` (the steps of taking SMS in: parts, groups,
//! messages, attribution), `allocation` and `rental` (rentals), `events` (the audit
//! trail), `read` and `rental_read` (queries), `model` (the types in and out), `timestamp`
//! (how times are stored).

mod allocation;
mod checkpoint;
mod error;
mod events;
mod inbox;
mod model;
mod rack;
mod read;
mod rental;
mod rental_read;
mod schema;
mod timestamp;
mod writer;

#[cfg(test)]
mod rental_tests;
#[cfg(test)]
mod tests;

use std::path::Path;
use std::sync::Arc;

use time::OffsetDateTime;
use tokio::sync::watch;

pub use error::StoreError;
pub use inbox::{
    ActiveAllocation, GroupKey, GroupPart, GroupState, Inbox, NewMessage, NewPart, PartGroup,
};
pub use model::{
    EventRow, MessageFilter, MessageId, MessageKind, MessageRow, NumberSource, PartId, PortRow,
    PortUpdate, SimNumber, SimRow, SimSeen, SimState, SimUpdate,
};
pub use rental::{
    AllocateOutcome, AllocationFilter, AllocationRequest, AllocationRow, AllocationState, Change,
    FeedItem, FeedKind, Idempotency, PoolRules, ReleaseReason, RentalTotals, RerentReason,
    ServiceRental, StockCount,
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
    /// The allocation feed's last committed cursor: watchers wait on it.
    feed: watch::Receiver<i64>,
    /// Copies the log into the database file beside the writer; stops with the store.
    _checkpointer: checkpoint::Checkpointer,
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
        let (feed_sender, feed) = watch::channel(rental_read::last_feed_cursor(&connection)?);
        let publish_feed = move |connection: &rusqlite::Connection| {
            match rental_read::last_feed_cursor(connection) {
                Ok(cursor) => {
                    feed_sender.send_if_modified(|last| {
                        let newer = cursor > *last;
                        if newer {
                            *last = cursor;
                        }
                        newer
                    });
                }
                Err(error) => tracing::error!(%error, "could not read the feed's last cursor"),
            }
        };
        let writer = Writer::spawn(connection, Box::new(publish_feed))?;
        Ok(Store {
            inner: Arc::new(Inner {
                writer,
                readers: Readers::new(path.to_owned()),
                feed,
                _checkpointer: checkpoint::Checkpointer::spawn(path.to_owned())?,
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

    /// Runs `work` (the pool's ingest rules) over the SMS tables in the writer's next
    /// batch and returns its outcome once committed: only then may a port task delete what
    /// it handed over from its modem. `work` runs inside a savepoint of its own; if it
    /// fails, everything it wrote is rolled back and the rest of the batch commits.
    /// `context` names the request in logs.
    pub async fn take_in<R, F>(&self, context: &'static str, work: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&Inbox<'_>) -> Result<R, StoreError> + Send + 'static,
    {
        self.inner
            .writer
            .call(context, move |connection| work(&Inbox::new(connection)?))
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

    /// Marks every stored port as gone. The daemon calls it at start, before its port
    /// tasks report: a port that was ready in the last run is not ready until it says so.
    pub async fn ports_unseen(&self) -> Result<usize, StoreError> {
        self.inner
            .writer
            .call("marking ports unseen", move |connection| {
                rack::ports_unseen(connection, &timestamp::now_text()?)
            })
            .await
    }

    /// Sets a SIM's number by hand (E.164, source `manual`); `false` if no such SIM.
    pub async fn set_sim_number(&self, iccid: &str, number: &str) -> Result<bool, StoreError> {
        let iccid = iccid.to_owned();
        let number = number.to_owned();
        self.inner
            .writer
            .call("setting a SIM's number", move |connection| {
                rack::set_sim_number(connection, &iccid, &number, &timestamp::now_text()?)
            })
            .await
    }

    /// Sets a SIM's state (a technician's decision, with the reason for the audit trail);
    /// `false` if no such SIM.
    pub async fn set_sim_state(
        &self,
        iccid: &str,
        state: SimState,
        reason: &str,
    ) -> Result<bool, StoreError> {
        let iccid = iccid.to_owned();
        let reason = reason.to_owned();
        self.inner
            .writer
            .call("setting a SIM's state", move |connection| {
                rack::set_sim_state(connection, &iccid, state, &reason, &timestamp::now_text()?)
            })
            .await
    }

    // ---- rentals ------------------------------------------------------------------------

    /// Allocates as `request` says, all or none, in one transaction: the SIMs picked are
    /// not in another allocation when this commits. The current time is taken when the
    /// request runs.
    pub async fn allocate(
        &self,
        request: AllocationRequest,
        rules: PoolRules,
    ) -> Result<AllocateOutcome, StoreError> {
        self.inner
            .writer
            .call("allocating", move |connection| {
                allocation::allocate(connection, &request, &rules, OffsetDateTime::now_utc())
            })
            .await
    }

    /// Ends an active allocation. `owner` `None`: whoever's it is (admins).
    pub async fn release(
        &self,
        owner: Option<&str>,
        id: &str,
        reason: ReleaseReason,
        rules: PoolRules,
    ) -> Result<Change<AllocationRow>, StoreError> {
        let owner = owner.map(str::to_owned);
        let id = id.to_owned();
        self.inner
            .writer
            .call("releasing an allocation", move |connection| {
                allocation::release(
                    connection,
                    owner.as_deref(),
                    &id,
                    reason,
                    &rules,
                    OffsetDateTime::now_utc(),
                )
            })
            .await
    }

    /// Lengthens an active lease by `by`, within `max_lease` in all.
    pub async fn extend(
        &self,
        owner: Option<&str>,
        id: &str,
        by: std::time::Duration,
        max_lease: std::time::Duration,
    ) -> Result<Change<AllocationRow>, StoreError> {
        let owner = owner.map(str::to_owned);
        let id = id.to_owned();
        self.inner
            .writer
            .call("extending an allocation", move |connection| {
                allocation::extend(
                    connection,
                    owner.as_deref(),
                    &id,
                    by,
                    max_lease,
                    OffsetDateTime::now_utc(),
                )
            })
            .await
    }

    /// Marks the allocations whose lease has run out as expired; returns their ids.
    pub async fn expire_due(&self) -> Result<Vec<String>, StoreError> {
        self.inner
            .writer
            .call("expiring leases", move |connection| {
                allocation::expire_due(connection, OffsetDateTime::now_utc())
            })
            .await
    }

    /// One allocation (`owner` `Some`: only if it is that caller's).
    pub fn allocation(
        &self,
        owner: Option<&str>,
        id: &str,
    ) -> Result<Option<AllocationRow>, StoreError> {
        self.inner
            .readers
            .with(|connection| rental_read::allocation(connection, owner, id))
    }

    /// Allocations matching `filter`, newest first.
    pub fn allocations(&self, filter: &AllocationFilter) -> Result<Vec<AllocationRow>, StoreError> {
        self.inner
            .readers
            .with(|connection| rental_read::allocations(connection, filter))
    }

    /// Active allocations, by ICCID.
    pub fn active_allocations_by_sim(
        &self,
    ) -> Result<std::collections::BTreeMap<String, String>, StoreError> {
        self.inner
            .readers
            .with(|connection| rental_read::active_by_sim(connection, OffsetDateTime::now_utc()))
    }

    /// When the next active lease runs out, if any is active.
    pub fn next_expiry(&self) -> Result<Option<OffsetDateTime>, StoreError> {
        self.inner.readers.with(rental_read::next_expiry)
    }

    /// Feed entries after `after` for the owner's allocations (only `ids` when not empty),
    /// oldest first, at most `limit`.
    pub fn feed_after(
        &self,
        owner: Option<&str>,
        ids: &[String],
        after: i64,
        limit: usize,
    ) -> Result<Vec<FeedItem>, StoreError> {
        self.inner
            .readers
            .with(|connection| rental_read::feed_after(connection, owner, ids, after, limit))
    }

    /// The feed's last committed cursor, updated after every commit that added to it:
    /// watchers wait for it to change, then read.
    pub fn feed_cursor(&self) -> watch::Receiver<i64> {
        self.inner.feed.clone()
    }

    /// SIMs rentable now, per country and operator (for `service`: not yet used for it).
    pub fn stock(
        &self,
        service: Option<&str>,
        country: Option<&str>,
        rules: &PoolRules,
    ) -> Result<Vec<StockCount>, StoreError> {
        self.inner.readers.with(|connection| {
            rental_read::stock(
                connection,
                service,
                country,
                rules,
                OffsetDateTime::now_utc(),
            )
        })
    }

    /// A service's allocations since `since` that ended or got an SMS.
    pub fn service_rentals(
        &self,
        service: &str,
        since: OffsetDateTime,
    ) -> Result<Vec<ServiceRental>, StoreError> {
        self.inner
            .readers
            .with(|connection| rental_read::service_rentals(connection, service, since))
    }

    /// Whether `number` (E.164) can be re-rented for `service` now, or why not.
    pub fn rerent_check(
        &self,
        service: &str,
        number: &str,
        rules: &PoolRules,
    ) -> Result<RerentReason, StoreError> {
        self.inner.readers.with(|connection| {
            rental_read::rerent_check(
                connection,
                service,
                number,
                rules,
                OffsetDateTime::now_utc(),
            )
            .map(|(reason, _)| reason)
        })
    }

    /// Allocation and attribution totals.
    pub fn rental_totals(&self) -> Result<RentalTotals, StoreError> {
        self.inner
            .readers
            .with(|connection| rental_read::totals(connection, OffsetDateTime::now_utc()))
    }

    /// Messages received since midnight UTC, per port: "SMS today" in the status views.
    pub fn messages_today_per_port(
        &self,
    ) -> Result<std::collections::BTreeMap<String, u64>, StoreError> {
        let midnight = OffsetDateTime::now_utc().replace_time(time::Time::MIDNIGHT);
        let since = timestamp::to_text(midnight, "midnight")?;
        self.inner
            .readers
            .with(|connection| read::messages_per_port_since(connection, &since))
    }

    /// A SIM's latest messages, newest first.
    pub fn latest_messages(
        &self,
        iccid: &str,
        limit: usize,
    ) -> Result<Vec<MessageRow>, StoreError> {
        self.inner
            .readers
            .with(|connection| read::latest_messages(connection, iccid, limit))
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

    /// The latest `limit` events of the port at `path`, newest first: what happened to one
    /// slot (state changes and their reasons, SIMs coming and going), for the rack page.
    pub fn port_events(&self, path: &str, limit: usize) -> Result<Vec<EventRow>, StoreError> {
        self.inner
            .readers
            .with(|connection| read::port_events(connection, path, limit))
    }

    /// The latest `limit` events of one kind, newest first: what the daemon needs at start
    /// (refused PINs) without reading the whole audit trail.
    pub fn events_of_kind(&self, kind: &str, limit: usize) -> Result<Vec<EventRow>, StoreError> {
        self.inner
            .readers
            .with(|connection| read::events_where(connection, Some(kind), limit))
    }
}
