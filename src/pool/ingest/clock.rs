//! The multipart clock: gives up on SMS whose missing parts never came.

use std::time::Duration;

use tokio::sync::watch;

use super::Ingest;
use crate::ticker;

/// Delivers multipart SMS still missing parts `timeout` after their first part as they
/// are, marked incomplete, checking a quarter of `timeout` apart (between 1 s and a
/// minute), until `shutdown` turns true.
pub(crate) async fn run_multipart_clock(
    ingest: Ingest,
    timeout: Duration,
    shutdown: watch::Receiver<bool>,
) {
    let every = (timeout / 4).clamp(Duration::from_secs(1), Duration::from_secs(60));
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let ingest = &ingest;
    ticker::every_tick_until_shutdown(tick, shutdown, move || async move {
        let now = time::OffsetDateTime::now_utc();
        match ingest.flush_incomplete(timeout, now).await {
            Ok(flushed) if !flushed.is_empty() => {
                tracing::warn!(count = flushed.len(), "multipart SMS delivered incomplete");
            }
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "could not flush incomplete SMS"),
        }
    })
    .await;
}
