//! What the faces may read and change of the rack's inventory, through the pool: ports as
//! stored and as running, SIMs, their messages, the audit trail, and a technician's
//! decisions (a SIM taken out of rotation, a number set by hand). The faces never hold the
//! store; what they are shown and allowed is decided here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use tokio::sync::watch;

use super::{Pool, PoolError, PortStatus};
use crate::store::{EventRow, MessageFilter, MessageRow, PortRow, RentalTotals, SimRow, SimState};

/// The audit trail's name for a SIM whose PIN was refused: it is never entered again, not
/// even after a restart (three wrong tries block a SIM).
pub const PIN_REFUSED_EVENT: &str = "pin_refused";

/// The audit trail's name for a technician's permission to try a refused PIN once more.
pub const PIN_RETRY_EVENT: &str = "pin_retry_allowed";

impl Pool {
    /// Every port's live status, by path, as its task publishes it.
    pub fn live_ports(&self) -> Vec<PortStatus> {
        self.inner.board.ports()
    }

    /// Asks the task of the port at `path` to reset its modem; `false` if there is no such
    /// running port.
    pub fn reset_port(&self, path: &Path) -> bool {
        self.inner.board.reset_port(path)
    }

    /// How long ago the supervisor loop last went round; `None` before its first round.
    pub fn heartbeat_age(&self) -> Option<Duration> {
        self.inner.board.heartbeat_age()
    }

    /// Every port as stored, by path.
    pub fn stored_ports(&self) -> Result<Vec<PortRow>, PoolError> {
        Ok(self.inner.store.ports()?)
    }

    /// Every SIM ever seen, by ICCID.
    pub fn sims(&self) -> Result<Vec<SimRow>, PoolError> {
        Ok(self.inner.store.sims()?)
    }

    /// One SIM by ICCID.
    pub fn sim(&self, iccid: &str) -> Result<Option<SimRow>, PoolError> {
        Ok(self.inner.store.sim(iccid)?)
    }

    /// The active allocation of each SIM that has one, by ICCID.
    pub fn active_allocations_by_sim(&self) -> Result<BTreeMap<String, String>, PoolError> {
        Ok(self.inner.store.active_allocations_by_sim()?)
    }

    /// A SIM's latest messages, newest first, whoever they were for (technicians only).
    pub fn latest_messages(&self, iccid: &str, limit: usize) -> Result<Vec<MessageRow>, PoolError> {
        Ok(self.inner.store.latest_messages(iccid, limit)?)
    }

    /// Messages received since midnight UTC, per port ("SMS today").
    pub fn messages_today_per_port(&self) -> Result<BTreeMap<String, u64>, PoolError> {
        Ok(self.inner.store.messages_today_per_port()?)
    }

    /// Every stored message after `filter.after_id`, oldest first, whoever it was for:
    /// for technicians and audits (a renter sees only its allocation's, through
    /// [`Pool::messages`]).
    pub fn stored_messages(&self, filter: MessageFilter) -> Result<Vec<MessageRow>, PoolError> {
        Ok(self.inner.store.messages(filter)?)
    }

    /// How many PDUs (parts of SMS) are stored.
    pub fn part_count(&self) -> Result<u64, PoolError> {
        Ok(self.inner.store.part_count()?)
    }

    /// How many messages are stored.
    pub fn message_count(&self) -> Result<u64, PoolError> {
        Ok(self.inner.store.message_count()?)
    }

    /// Allocation and attribution totals.
    pub fn rental_totals(&self) -> Result<RentalTotals, PoolError> {
        Ok(self.inner.store.rental_totals()?)
    }

    /// Write transactions committed since the database was opened (a metric).
    pub fn batches_committed(&self) -> u64 {
        self.inner.store.batches_committed()
    }

    /// The latest `limit` events of the port at `path`, newest first.
    pub fn port_events(&self, path: &str, limit: usize) -> Result<Vec<EventRow>, PoolError> {
        Ok(self.inner.store.port_events(path, limit)?)
    }

    /// The allocation feed's last committed cursor: watchers wait for it to change.
    pub fn feed_cursor(&self) -> watch::Receiver<i64> {
        self.inner.store.feed_cursor()
    }

    /// Sets a SIM's state (a technician's decision, with the reason for the audit trail);
    /// `false` if there is no such SIM.
    pub async fn set_sim_state(
        &self,
        iccid: &str,
        state: SimState,
        reason: &str,
    ) -> Result<bool, PoolError> {
        Ok(self.inner.store.set_sim_state(iccid, state, reason).await?)
    }

    /// Sets a SIM's number by hand (E.164, already normalised); `false` if no such SIM.
    pub async fn set_sim_number(&self, iccid: &str, number: &str) -> Result<bool, PoolError> {
        Ok(self.inner.store.set_sim_number(iccid, number).await?)
    }

    /// The SIMs whose PIN was refused before this start, less those a technician allows
    /// again now (`retry`, recorded first). When the audit trail cannot be read, every SIM
    /// with a configured PIN (`configured`) counts as refused: safer to enter no PIN at all
    /// than to risk a second wrong one.
    pub async fn refused_pins<'a>(
        &self,
        retry: &[String],
        configured: impl IntoIterator<Item = &'a String>,
    ) -> BTreeSet<String> {
        let store = &self.inner.store;
        for iccid in retry {
            if let Err(error) = store
                .event(
                    PIN_RETRY_EVENT,
                    None,
                    Some(iccid),
                    "PIN may be tried once more",
                )
                .await
            {
                tracing::error!(%error, iccid, "could not record the PIN retry");
            }
        }
        let events = store
            .events_of_kind(PIN_REFUSED_EVENT, 100_000)
            .and_then(|mut refused| {
                refused.extend(store.events_of_kind(PIN_RETRY_EVENT, 100_000)?);
                // Newest first, as each list is.
                refused.sort_by_key(|event| std::cmp::Reverse(event.id));
                Ok(refused)
            });
        let events = match events {
            Ok(events) => events,
            Err(error) => {
                tracing::error!(%error, "could not read the refused PINs; none will be entered");
                return configured.into_iter().cloned().collect();
            }
        };
        let mut rejected = BTreeSet::new();
        // Oldest first: a retry cancels the refusals before it, not after it.
        for event in events.into_iter().rev() {
            match (event.kind.as_str(), event.iccid) {
                (PIN_REFUSED_EVENT, Some(iccid)) => {
                    rejected.insert(iccid);
                }
                (PIN_RETRY_EVENT, Some(iccid)) => {
                    rejected.remove(&iccid);
                }
                _ => {}
            }
        }
        rejected
    }
}
