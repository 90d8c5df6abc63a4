//! The supervisor: discovery and one port task per path, each reporting to the pool.
//!
//! The supervisor owns the set of port tasks and nothing else: a path discovery reports
//! gets a task; a task whose path still exists but whose task ended (a race between an
//! unplug and a replug) is restarted at the next scan; a path that vanished is left to its
//! task, which ends by itself. Each task publishes its status on a `watch` channel, which
//! the supervisor puts on the pool's board for the faces to read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::at::runner::Timeouts;
use crate::config::{Config, TimeoutsConfig};
use crate::inventory;
use crate::pool::{Pool, PortStatus};

use super::discovery::{self, PathChange};
use super::{PortSettings, SimDirectory, spawn_port};

/// What the daemon runs with, resolved from the configuration file and the flags.
#[derive(Clone)]
pub struct DaemonOptions {
    /// Where to look for ports.
    pub globs: Vec<String>,
    /// How often to look again.
    pub scan_interval: Duration,
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
                timeouts: runner_timeouts(&config.timeouts),
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
                capture: config
                    .capture
                    .dir
                    .clone()
                    .map(|dir| (dir, config.capture.max_file_bytes)),
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
            port_settings: Arc::new(port_settings),
            directory,
            multipart_timeout: config.health.multipart_timeout(),
            retry_pins: Vec::new(),
        }
    }
}

/// The `[timeouts]` of the config file in the form the AT command runner takes.
pub fn runner_timeouts(config: &TimeoutsConfig) -> Timeouts {
    Timeouts {
        quick: config.quick(),
        storage: config.storage(),
        network: config.network(),
        scan: config.scan(),
    }
}

/// How often the supervisor loop goes round even when nothing happens: its heartbeat.
const HEARTBEAT: Duration = Duration::from_secs(1);

/// The running ports: discovery, one task per path, and the multipart clock.
pub struct Daemon {
    pool: Pool,
    shutdown: watch::Sender<bool>,
    supervisor: JoinHandle<()>,
    multipart_clock: JoinHandle<()>,
}

impl Daemon {
    /// Starts discovery and the port tasks, each reporting to `pool` (whose board lists
    /// them), and the pool's multipart clock. Must run inside tokio.
    pub async fn start(options: DaemonOptions, pool: Pool) -> Daemon {
        // A PIN refused before this start is never entered again, restarts included.
        let refused = pool
            .refused_pins(&options.retry_pins, options.directory.pins.keys())
            .await;
        if let Ok(mut rejected) = options.directory.rejected_pins.lock() {
            rejected.extend(refused);
        }
        let (shutdown, shutdown_receiver) = watch::channel(false);
        let multipart_clock =
            pool.spawn_multipart_clock(options.multipart_timeout, shutdown_receiver.clone());
        let supervisor = Supervisor {
            options,
            pool: pool.clone(),
            shutdown: shutdown_receiver,
            tasks: BTreeMap::new(),
            present: BTreeSet::new(),
        };
        let supervisor = tokio::spawn(supervisor.run());
        Daemon {
            pool,
            shutdown,
            supervisor,
            multipart_clock,
        }
    }

    /// The pool the ports report to.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Every port's status, by path.
    pub fn ports(&self) -> Vec<PortStatus> {
        self.pool.live_ports()
    }

    /// Asks the task of the port at `path` to reset its modem; `false` if the daemon has no
    /// such port.
    pub fn reset_port(&self, path: &Path) -> bool {
        self.pool.reset_port(path)
    }

    /// Stops every port task (each finishes its command and commit in flight) and the
    /// multipart clock. Bounded: a task stuck past `limit` is abandoned. The pool stays
    /// open: its owner closes it.
    pub async fn stop(self, limit: Duration) {
        let _ = self.shutdown.send(true);
        let _ = tokio::time::timeout(limit, self.supervisor).await;
        let _ = tokio::time::timeout(limit, self.multipart_clock).await;
    }
}

struct Supervisor {
    options: DaemonOptions,
    pool: Pool,
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
        let mut heartbeat = tokio::time::interval(HEARTBEAT);
        heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            self.pool.board().beat();
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
            self.pool.port_link(),
            self.shutdown.clone(),
        );
        self.tasks.insert(path.to_owned(), task);
        self.pool.board().register(path, handle);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::at::command::TimeoutClass;

    #[test]
    fn the_config_file_defaults_are_the_runner_defaults() {
        // `[timeouts]` states its defaults in milliseconds; they are the classes' own.
        assert_eq!(
            runner_timeouts(&TimeoutsConfig::default()),
            Timeouts::default()
        );
        let config = TimeoutsConfig {
            quick_ms: 3000,
            storage_ms: 40_000,
            network_ms: 150_000,
            scan_ms: 200_000,
        };
        let timeouts = runner_timeouts(&config);
        assert_eq!(timeouts.of(TimeoutClass::Quick), Duration::from_secs(3));
        assert_eq!(timeouts.of(TimeoutClass::Storage), Duration::from_secs(40));
        assert_eq!(timeouts.of(TimeoutClass::Network), Duration::from_secs(150));
        assert_eq!(timeouts.of(TimeoutClass::Scan), Duration::from_secs(200));
    }
}
