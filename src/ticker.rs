//! Periodic work that stops with the daemon: the one loop the background clocks share (the
//! multipart clock, the metrics sampler), so that each says only what it does at a tick; and
//! the wait for a deadline that may not be set.

use std::future::Future;

use tokio::sync::watch;
use tokio::time::Interval;

/// Runs `work` at every tick of `tick` until `shutdown` turns true or its sender is gone.
/// The shutdown flag is read before each wait, so a stop that came during `work` is seen
/// before the next tick rather than after it.
pub async fn every_tick_until_shutdown<F, Work>(
    mut tick: Interval,
    mut shutdown: watch::Receiver<bool>,
    mut work: F,
) where
    // A closure returning a future rather than an async closure: the future of an async
    // closure cannot yet be required to be `Send`, and these loops run in spawned tasks.
    F: FnMut() -> Work,
    Work: Future<Output = ()>,
{
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
            _ = tick.tick() => work().await,
        }
    }
}

/// Waits until `deadline`, or for ever when there is none: a `select!` branch for a timer
/// that is only sometimes armed (a simulated modem's next output, a port's recheck).
pub async fn sleep_until_or_never(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn ticks_run_the_work_until_shutdown() {
        let (stop, shutdown) = watch::channel(false);
        let mut runs = 0u32;
        let tick = tokio::time::interval(Duration::from_secs(1));
        let runs_ref = &mut runs;
        every_tick_until_shutdown(tick, shutdown, || {
            *runs_ref += 1;
            if *runs_ref == 3 {
                let _ = stop.send(true);
            }
            async {}
        })
        .await;
        assert_eq!(runs, 3);
    }

    #[tokio::test(start_paused = true)]
    async fn a_dropped_sender_stops_it_too() {
        let (stop, shutdown) = watch::channel(false);
        drop(stop);
        let mut runs = 0u32;
        let tick = tokio::time::interval(Duration::from_secs(3600));
        every_tick_until_shutdown(tick, shutdown, || {
            runs += 1;
            async {}
        })
        .await;
        // The first tick is immediate; the closed channel ends the loop at the next wait.
        assert!(runs <= 1);
    }
}
