//! Telling the service manager (systemd, `Type=notify`) how the daemon is doing.
//!
//! - `READY=1` once the database is open and migrated and the gRPC port is bound: units
//!   ordered after modempool start when its API can answer.
//! - `WATCHDOG=1` every half watchdog interval, but only while the supervisor loop went
//!   round recently: a daemon whose loop is stuck stops feeding the watchdog and systemd
//!   restarts it (`WatchdogSec=` in the unit).
//! - `STATUS=` a one-line summary (`48/64 ports ready, 3 allocations`), for
//!   `systemctl status`.
//! - `STOPPING=1` when a stop begins.
//!
//! Without `NOTIFY_SOCKET` (not started by systemd: a terminal, a test) every call does
//! nothing.

use std::time::Duration;

use sd_notify::NotifyState;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::pool::{Pool, PortState};

/// How often the status line is refreshed when no watchdog asks for more.
const STATUS_EVERY: Duration = Duration::from_secs(5);

/// Sends states, logging (not failing) when the socket refuses them: the daemon's work
/// does not depend on the service manager hearing it.
fn notify(states: &[NotifyState<'_>]) {
    if let Err(error) = sd_notify::notify(states) {
        tracing::warn!(%error, "could not notify the service manager");
    }
}

/// The daemon is ready (database open, API bound).
pub fn ready(status: &str) {
    notify(&[NotifyState::Ready, NotifyState::Status(status)]);
}

/// The daemon is stopping.
pub fn stopping() {
    notify(&[NotifyState::Stopping, NotifyState::Status("stopping")]);
}

/// The one-line summary: ports ready out of all, active allocations.
pub fn summary(pool: &Pool) -> String {
    let ports = pool.live_ports();
    let ready = ports
        .iter()
        .filter(|port| port.state == PortState::Ready)
        .count();
    let allocations = pool.rental_totals().map_or_else(
        |_| "? allocations".to_owned(),
        |totals| format!("{} allocations", totals.active),
    );
    format!("{ready}/{} ports ready, {allocations}", ports.len())
}

/// Feeds the watchdog (when the unit has one) and refreshes the status line until
/// `stop` turns true.
pub fn spawn(pool: Pool, mut stop: watch::Receiver<bool>) -> JoinHandle<()> {
    let watchdog = sd_notify::watchdog_enabled();
    let every = watchdog.map_or(STATUS_EVERY, |interval| (interval / 2).min(STATUS_EVERY));
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                // The stop: the caller sends STOPPING=1.
                _ = stop.wait_for(|stop| *stop) => return,
            }
            let status = summary(&pool);
            match watchdog {
                // Fed only while the supervisor's loop is alive: a stuck daemon is
                // restarted by the service manager.
                Some(interval) if pool.heartbeat_age().is_some_and(|age| age < interval / 2) => {
                    notify(&[NotifyState::Watchdog, NotifyState::Status(&status)]);
                }
                Some(_) => {
                    tracing::error!(
                        age = ?pool.heartbeat_age(),
                        "the supervisor loop is stuck; not feeding the watchdog"
                    );
                    notify(&[NotifyState::Status("supervisor loop stuck")]);
                }
                None => notify(&[NotifyState::Status(&status)]),
            }
        }
    })
}
