//! The daemon's core: the store, discovery and one port task per path, and the timers that
//! belong to no port (multipart SMS left incomplete).
//!
//! The supervisor owns the set of port tasks and nothing else: a path discovery reports
//! gets a task; a task whose path still exists but whose task ended (a race between an
//! unplug and a replug) is restarted at the next scan; a path that vanished is left to its
//! task, which ends by itself. Each task publishes its status on a `watch` channel that the
//! status views read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::at::runner::Timeouts;
use crate::config::Config;
use crate::discovery::{self, PathChange};
use crate::inventory;
use crate::modem::session::{PIN_REFUSED_EVENT, PIN_RETRY_EVENT};
use crate::modem::{PortHandle, PortSettings, PortStatus, SimDirectory, spawn_port};
use crate::store::{Store, StoreError};

/// What the daemon runs with, resolved from the configuration file and the flags.
#[derive(Clone)]
pub struct DaemonOptions {
    /// Where to look for ports.
    pub globs: Vec<String>,
    /// How often to look again.
    pub scan_interval: Duration,
    /// The SQLite file.
    pub database: PathBuf,
    /// The settings of the port at a path, per-port overrides applied.
    pub port_settings: Arc<dyn Fn(&Path) -> PortSettings + Send + Sync>,
    /// PINs, numbers, USSD codes.
    pub directory: SimDirectory,
    /// After this, a multipart SMS still missing parts is delivered as it is, marked
    /// incomplete.
    pub multipart_timeout: Duration,
    /// ICCIDs whose refused PIN a technician allows to be tried once more (after fixing it).
    pub retry_pins: Vec<String>,
}

impl DaemonOptions {
    /// The options a configuration (file and flags already merged) asks for.
    pub fn from_config(config: &Config) -> DaemonOptions {
        let shared = Arc::new(config.clone());
        let settings_config = Arc::clone(&shared);
        let port_settings = move |path: &Path| {
            let config = &settings_config;
            let defaults = PortSettings::default();
            PortSettings {
                baud: config.ports.baud,
                timeouts: Timeouts::from(&config.timeouts),
                ingest: config.ingest_for(path),
                reset_command: config
                    .port_override(path)
                    .and_then(|port| port.reset_command.clone())
                    .unwrap_or(defaults.reset_command),
                // The USB location of a port is not known yet: a command that needs
                // `{usb_path}` is skipped (see `RecoveryConfig::power_cycle_argv`).
                power_cycle_command: config.recovery.power_cycle_argv(path, None),
                health_interval: config.health.poll_interval(),
                sweep_interval: config.health.sweep_interval(),
                backoff_initial: config.recovery.backoff_initial(),
                backoff_max: config.recovery.backoff_max(),
                ..defaults
            }
        };
        let ussd_config = Arc::clone(&shared);
        let directory = SimDirectory {
            pins: config.pins.clone().into_iter().collect(),
            numbers: config.numbers.clone().into_iter().collect(),
            ussd_code: Some(Arc::new(move |mcc: &str, mnc: &str| {
                inventory::number_query_code(&ussd_config, mcc, mnc).map(str::to_owned)
            })),
            ..SimDirectory::default()
        };
        DaemonOptions {
            globs: config.ports.globs.clone(),
            scan_interval: config.ports.scan_interval(),
            database: config.database_path(),
            port_settings: Arc::new(port_settings),
            directory,
            multipart_timeout: config.health.multipart_timeout(),
            retry_pins: Vec::new(),
        }
    }
}

/// Why the daemon could not start.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    /// The database could not be opened or migrated.
    #[error("database {path}: {source}")]
    Store {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: StoreError,
    },
    /// The task opening the database died.
    #[error("starting the daemon: {0}")]
    Startup(String),
}

type Statuses = Arc<RwLock<BTreeMap<PathBuf, PortHandle>>>;

/// What the API and the status views may do with the running ports: read their status,
/// ask one for a reset. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct DaemonHandle {
    statuses: Statuses,
    heartbeat: Heartbeat,
}

/// When the supervisor loop last went round: the service manager's watchdog is fed only
/// while it is recent, so a daemon whose loop is stuck (a store that no longer answers, a
/// task that never yields) gets restarted.
#[derive(Debug, Clone, Default)]
struct Heartbeat(Arc<std::sync::Mutex<Option<tokio::time::Instant>>>);

impl Heartbeat {
    fn beat(&self) {
        if let Ok(mut last) = self.0.lock() {
            *last = Some(tokio::time::Instant::now());
        }
    }

    fn age(&self) -> Option<Duration> {
        self.0
            .lock()
            .ok()
            .and_then(|last| last.map(|at| at.elapsed()))
    }
}

/// How often the supervisor loop goes round even when nothing happens: its heartbeat.
const HEARTBEAT: Duration = Duration::from_secs(1);

impl DaemonHandle {
    /// How long ago the supervisor loop last went round; `None` before its first round.
    pub fn heartbeat_age(&self) -> Option<Duration> {
        self.heartbeat.age()
    }

    /// Every port's status, by path.
    pub fn ports(&self) -> Vec<PortStatus> {
        match self.statuses.read() {
            Ok(statuses) => statuses
                .values()
                .map(|handle| handle.status.borrow().clone())
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// Asks the task of the port at `path` to reset its modem; `false` if there is no such
    /// port.
    pub fn reset_port(&self, path: &Path) -> bool {
        match self.statuses.read() {
            Ok(statuses) => match statuses.get(path) {
                Some(handle) => {
                    handle.reset.notify_one();
                    true
                }
                None => false,
            },
            Err(_) => false,
        }
    }
}

/// A running daemon core.
pub struct Daemon {
    store: Store,
    statuses: Statuses,
    heartbeat: Heartbeat,
    shutdown: watch::Sender<bool>,
    supervisor: JoinHandle<()>,
}

impl Daemon {
    /// Opens the store and starts discovery and the port tasks. Must run inside tokio.
    pub async fn start(options: DaemonOptions) -> Result<Daemon, DaemonError> {
        let path = options.database.clone();
        let opened = tokio::task::spawn_blocking(move || Store::open(&path)).await;
        let store = match opened {
            Ok(result) => result.map_err(|source| DaemonError::Store {
                path: options.database.clone(),
                source,
            })?,
            Err(error) => return Err(DaemonError::Startup(error.to_string())),
        };
        // Nothing stored from the last run may pass for a ready port until its task says so.
        if let Err(error) = store.ports_unseen().await {
            tracing::error!(%error, "could not mark the ports of the last run as unseen");
        }
        remember_refused_pins(&store, &options).await;
        let statuses = Statuses::default();
        let heartbeat = Heartbeat::default();
        let (shutdown, shutdown_receiver) = watch::channel(false);
        let supervisor = Supervisor {
            options,
            store: store.clone(),
            statuses: Arc::clone(&statuses),
            heartbeat: heartbeat.clone(),
            shutdown: shutdown_receiver,
            tasks: BTreeMap::new(),
            present: BTreeSet::new(),
        };
        let supervisor = tokio::spawn(supervisor.run());
        Ok(Daemon {
            store,
            statuses,
            heartbeat,
            shutdown,
            supervisor,
        })
    }

    /// The store, for readers (status views, tests).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Every port's status, by path.
    pub fn ports(&self) -> Vec<PortStatus> {
        self.handle().ports()
    }

    /// A handle on the running ports, for the API and status views.
    pub fn handle(&self) -> DaemonHandle {
        DaemonHandle {
            statuses: Arc::clone(&self.statuses),
            heartbeat: self.heartbeat.clone(),
        }
    }

    /// Asks the task of the port at `path` to reset its modem; `false` if the daemon has no
    /// such port.
    pub fn reset_port(&self, path: &Path) -> bool {
        self.handle().reset_port(path)
    }

    /// Stops every port task (each finishes its command and commit in flight), then the
    /// store's writer. Bounded: a task stuck past `limit` is abandoned.
    pub async fn stop(self, limit: Duration) {
        let _ = self.shutdown.send(true);
        let _ = tokio::time::timeout(limit, self.supervisor).await;
        if let Err(error) = self.store.close().await {
            tracing::error!(%error, "closing the database");
        }
    }
}

/// Loads the PINs refused before this start (a wrong PIN is never tried twice, restarts
/// included: three wrong tries block the SIM), less those a technician allows again now.
async fn remember_refused_pins(store: &Store, options: &DaemonOptions) {
    for iccid in &options.retry_pins {
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
            // Safer to enter no PIN at all than to risk a second wrong one.
            if let Ok(mut rejected) = options.directory.rejected_pins.lock() {
                rejected.extend(options.directory.pins.keys().cloned());
            }
            return;
        }
    };
    let Ok(mut rejected) = options.directory.rejected_pins.lock() else {
        return;
    };
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
}

struct Supervisor {
    options: DaemonOptions,
    store: Store,
    statuses: Statuses,
    heartbeat: Heartbeat,
    shutdown: watch::Receiver<bool>,
    tasks: BTreeMap<PathBuf, JoinHandle<()>>,
    /// Paths discovery says exist now.
    present: BTreeSet<PathBuf>,
}

impl Supervisor {
    async fn run(mut self) {
        let (mut changes, discovery) =
            discovery::spawn(self.options.globs.clone(), self.options.scan_interval);
        let mut reap = tokio::time::interval(self.options.scan_interval);
        reap.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let flush_every = (self.options.multipart_timeout / 4)
            .clamp(Duration::from_secs(1), Duration::from_secs(60));
        let mut flush = tokio::time::interval(flush_every);
        flush.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut heartbeat = tokio::time::interval(HEARTBEAT);
        heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            self.heartbeat.beat();
            tokio::select! {
                changed = self.shutdown.changed() => {
                    if changed.is_err() || *self.shutdown.borrow() {
                        break;
                    }
                }
                change = changes.recv() => match change {
                    Some(PathChange::Added(path)) => {
                        self.present.insert(path.clone());
                        self.ensure_task(&path);
                    }
                    Some(PathChange::Removed(path)) => {
                        // The task notices by itself (end of file, path gone) and ends.
                        self.present.remove(&path);
                    }
                    None => {
                        tracing::error!("discovery stopped; no new ports will be found");
                        std::future::pending::<()>().await;
                    }
                },
                _ = reap.tick() => {
                    let present: Vec<PathBuf> = self.present.iter().cloned().collect();
                    for path in present {
                        self.ensure_task(&path);
                    }
                }
                _ = flush.tick() => self.flush_incomplete().await,
                // Nothing to do but show the loop is alive.
                _ = heartbeat.tick() => {}
            }
        }
        discovery.abort();
        for (_, task) in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
    }

    /// Starts a task for `path` unless one is running.
    fn ensure_task(&mut self, path: &Path) {
        if self.tasks.get(path).is_some_and(|task| !task.is_finished()) {
            return;
        }
        tracing::info!(port = %path.display(), "starting port task");
        let settings = (self.options.port_settings)(path);
        let (handle, task) = spawn_port(
            path.to_owned(),
            settings,
            self.options.directory.clone(),
            self.store.clone(),
            self.shutdown.clone(),
        );
        self.tasks.insert(path.to_owned(), task);
        if let Ok(mut statuses) = self.statuses.write() {
            statuses.insert(path.to_owned(), handle);
        }
    }

    async fn flush_incomplete(&self) {
        let now = time::OffsetDateTime::now_utc();
        match self
            .store
            .flush_incomplete(self.options.multipart_timeout, now)
            .await
        {
            Ok(flushed) if !flushed.is_empty() => {
                tracing::warn!(count = flushed.len(), "multipart SMS delivered incomplete");
            }
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "could not flush incomplete SMS"),
        }
    }
}
