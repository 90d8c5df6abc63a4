//! The live board of the rack: every running port task's published status and its reset
//! request, and the supervisor's heartbeat. The supervisor registers each task it starts;
//! the faces read the board through the [`Pool`](super::Pool), never a port directly.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tokio::sync::{Notify, watch};

use super::port_status::PortStatus;

/// What the rest of the daemon holds of a running port task.
#[derive(Debug, Clone)]
pub struct PortHandle {
    /// The port's status, as the task publishes it.
    pub status: watch::Receiver<PortStatus>,
    /// Notify it to have the task reset its modem (at its next safe point: between
    /// commands, once the port is serving).
    pub reset: Arc<Notify>,
}

/// The board: cheap to clone, shared by the supervisor (which writes it) and the pool's
/// readers.
#[derive(Debug, Clone, Default)]
pub struct Board {
    ports: Arc<RwLock<BTreeMap<PathBuf, PortHandle>>>,
    heartbeat: Heartbeat,
}

/// When the supervisor loop last went round: the service manager's watchdog is fed only
/// while it is recent, so a daemon whose loop is stuck (a store that no longer answers, a
/// task that never yields) gets restarted.
#[derive(Debug, Clone, Default)]
struct Heartbeat(Arc<Mutex<Option<tokio::time::Instant>>>);

impl Board {
    /// Puts the task of the port at `path` on the board, in place of an earlier one.
    pub fn register(&self, path: &Path, handle: PortHandle) {
        if let Ok(mut ports) = self.ports.write() {
            ports.insert(path.to_owned(), handle);
        }
    }

    /// Every port's status, by path.
    pub fn ports(&self) -> Vec<PortStatus> {
        match self.ports.read() {
            Ok(ports) => ports
                .values()
                .map(|handle| handle.status.borrow().clone())
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// Asks the task of the port at `path` to reset its modem; `false` if there is no such
    /// port.
    pub fn reset_port(&self, path: &Path) -> bool {
        match self.ports.read() {
            Ok(ports) => match ports.get(path) {
                Some(handle) => {
                    handle.reset.notify_one();
                    true
                }
                None => false,
            },
            Err(_) => false,
        }
    }

    /// The supervisor loop went round now.
    pub fn beat(&self) {
        if let Ok(mut last) = self.heartbeat.0.lock() {
            *last = Some(tokio::time::Instant::now());
        }
    }

    /// How long ago the supervisor loop last went round; `None` before its first round.
    pub fn heartbeat_age(&self) -> Option<Duration> {
        self.heartbeat
            .0
            .lock()
            .ok()
            .and_then(|last| last.map(|at| at.elapsed()))
    }
}
