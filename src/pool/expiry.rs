//! The expiry clock: marks leases as expired when they run out, even if nobody calls, so
//! that watchers hear `expired` on time and the SIM goes back to stock.
//!
//! Correctness does not hang on it: the store treats a lease past its `expires_at` as over
//! whether or not it was marked (no SMS is attached to it, its SIM can be rented). The clock
//! makes it visible: it sleeps until the next lease ends, or until an allocation is made
//! (which may end sooner), and never longer than five seconds (`MAX_SLEEP`).

use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;
use tokio::sync::{Notify, watch};

use crate::metrics;
use crate::store::Store;

/// The longest the clock sleeps without looking again: a lease made by another path
/// (an extension shortened by nothing, a clock change) is caught within this.
const MAX_SLEEP: Duration = Duration::from_secs(5);

/// After a store error, wait this long before trying again rather than spinning.
const RETRY_AFTER_ERROR: Duration = Duration::from_secs(1);

/// Runs until `shutdown` turns true.
pub async fn run(store: Store, wake: Arc<Notify>, mut shutdown: watch::Receiver<bool>) {
    loop {
        if *shutdown.borrow_and_update() {
            return;
        }
        let sleep = match store.expire_due().await {
            Ok(expired) => {
                metrics::allocations_expired(expired.len());
                if !expired.is_empty() {
                    tracing::info!(count = expired.len(), ids = ?expired, "leases expired");
                }
                match store.next_expiry() {
                    Ok(Some(next)) => until(next).min(MAX_SLEEP),
                    Ok(None) => MAX_SLEEP,
                    Err(error) => {
                        tracing::error!(%error, "reading the next lease to run out");
                        RETRY_AFTER_ERROR
                    }
                }
            }
            Err(error) => {
                tracing::error!(%error, "expiring leases");
                RETRY_AFTER_ERROR
            }
        };
        tokio::select! {
            // The next lease ends (or it is time to look again).
            () = tokio::time::sleep(sleep) => {}
            // A new allocation: its lease may end before the one slept for.
            () = wake.notified() => {}
            changed = shutdown.changed() => {
                if changed.is_err() {
                    return;
                }
            }
        }
    }
}

/// How long until `at` (zero if past); a millisecond late so that the lease has ended by
/// the store's clock when the clock wakes.
fn until(at: OffsetDateTime) -> Duration {
    let left = at - OffsetDateTime::now_utc();
    Duration::try_from(left).unwrap_or_default() + Duration::from_millis(1)
}
