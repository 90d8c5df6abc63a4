//! SMS parts in: the pool's half of "commit, then delete". Each part a port task hands
//! over is committed through the store before the answer goes back, and the multipart
//! clock gives up on SMS whose missing parts never came.

use std::time::Duration;

use tokio::sync::watch;

use crate::store::{IncomingPart, IngestOutcome, Store, StoreError};

/// The ingest path, shared by every port link. Cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct Ingest {
    store: Store,
}

impl Ingest {
    pub(crate) fn new(store: Store) -> Ingest {
        Ingest { store }
    }

    /// One part, committed.
    pub(crate) async fn one(&self, part: IncomingPart) -> Result<IngestOutcome, StoreError> {
        self.store.ingest(part).await
    }

    /// Many parts in one transaction, each on its own.
    pub(crate) async fn batch(
        &self,
        parts: Vec<IncomingPart>,
    ) -> Result<Vec<Result<IngestOutcome, StoreError>>, StoreError> {
        self.store.ingest_batch(parts).await
    }
}

/// Delivers multipart SMS still missing parts `timeout` after their first part as they
/// are, marked incomplete, checking a quarter of `timeout` apart (between 1 s and a
/// minute), until `shutdown` turns true.
pub(crate) async fn run_multipart_clock(
    store: Store,
    timeout: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    let every = (timeout / 4).clamp(Duration::from_secs(1), Duration::from_secs(60));
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        if *shutdown.borrow_and_update() {
            return;
        }
        tokio::select! {
            changed = shutdown.changed() => {
                if changed.is_err() {
                    return;
                }
            }
            _ = tick.tick() => {
                let now = time::OffsetDateTime::now_utc();
                match store.flush_incomplete(timeout, now).await {
                    Ok(flushed) if !flushed.is_empty() => {
                        tracing::warn!(count = flushed.len(), "multipart SMS delivered incomplete");
                    }
                    Ok(_) => {}
                    Err(error) => tracing::error!(%error, "could not flush incomplete SMS"),
                }
            }
        }
    }
}
