//! The one interface between the port tasks and the pool: what a port task may tell the
//! pool (its port, its SIM, events, the SMS parts it read) and the one fact it may ask (a
//! SIM's known number). A port task never sees the store: every report goes through here.
//!
//! The rule that makes "no SMS is lost" hold is in the answer of [`PortLink::ingest`] and
//! [`PortLink::ingest_batch`]: `Ok` comes only once the part is committed, and only then
//! may the port task delete it from its modem (or acknowledge it).

use super::ingest::{IncomingPart, Ingest, IngestOutcome};
use crate::store::{NumberSource, PortUpdate, SimNumber, SimSeen, SimUpdate, Store, StoreError};

/// What a port task holds of the pool. Cheap to clone, one per task.
#[derive(Debug, Clone)]
pub struct PortLink {
    store: Store,
    ingest: Ingest,
}

impl PortLink {
    pub(super) fn new(store: Store, ingest: Ingest) -> PortLink {
        PortLink { store, ingest }
    }

    /// Reports what the task saw of its modem (identity, state, signal, registration); a
    /// change of state goes to the audit trail.
    pub async fn port_seen(&self, update: PortUpdate) -> Result<(), StoreError> {
        self.store.port_seen(update).await
    }

    /// Reports the SIM found in the port: a new SIM, a move or a swap is recorded, and a
    /// known number is never replaced by none, nor a manual one by a probed one.
    pub async fn sim_seen(&self, update: SimUpdate) -> Result<SimSeen, StoreError> {
        self.store.sim_seen(update).await
    }

    /// Reports that the port's SIM was removed; the ICCID it held, if any.
    pub async fn sim_gone(&self, port_path: &str) -> Result<Option<String>, StoreError> {
        self.store.sim_gone(port_path).await
    }

    /// Adds an event to the audit trail (`kind` must not be empty).
    pub async fn event(
        &self,
        kind: &str,
        port_path: Option<&str>,
        iccid: Option<&str>,
        detail: &str,
    ) -> Result<(), StoreError> {
        self.store.event(kind, port_path, iccid, detail).await
    }

    /// The number a SIM is known by that was not read by `+CNUM` (learnt by USSD, from the
    /// mapping or set by hand): worth keeping rather than asking the operator again at
    /// every reconnect. `None` when there is none or the store cannot say.
    pub fn known_number(&self, iccid: &str) -> Option<SimNumber> {
        self.store
            .sim(iccid)
            .ok()
            .flatten()
            .and_then(|sim| sim.number)
            .filter(|number| number.source != NumberSource::Cnum)
    }

    /// Hands over one SMS part and returns once it is committed: only then may the port
    /// task delete it from its modem. `Err`: the database failed; keep the SMS.
    pub async fn ingest(&self, part: IncomingPart) -> Result<IngestOutcome, StoreError> {
        self.ingest.one(part).await
    }

    /// Hands over many parts (a storage drained at once), committed in one transaction,
    /// each part on its own (one failing does not undo the others). The outer `Err` means
    /// nothing was committed.
    pub async fn ingest_batch(
        &self,
        parts: Vec<IncomingPart>,
    ) -> Result<Vec<Result<IngestOutcome, StoreError>>, StoreError> {
        self.ingest.batch(parts).await
    }
}
