//! The task that owns one port path for as long as the path exists: it opens the port, runs
//! sessions on it, and climbs the recovery ladder when the modem stops answering.
//!
//! Recovery, one rung per unresponsive session in a row: reopen the port; reset the module
//! (`AT+CFUN=1,1` or the port's reset command); run the configured power-cycle command for
//! the USB port (a rung only when one is configured); then mark the port failed and retry
//! (reset, reopen) with exponential backoff, the port staying `failed`, with its next retry
//! time, until the modem answers. A session that
//! reaches ready (or degraded: the modem answers) puts the ladder back at the bottom. Every
//! step is logged, counted in the port's status and recorded as an event.
//!
//! A path that disappears ends the task (the discovery starts a new one if it comes back);
//! a lost port whose path still exists is reopened.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use tokio_serial::{SerialPort, SerialPortBuilderExt, SerialStream};
use tracing::Instrument;

use crate::at::capture::Capture;
use crate::at::runner::{self, RunnerConfig};
use crate::metrics::{self, RecoveryStep};
use crate::pool::{PortHandle, PortLink, PortUpdate};

use super::probe::Inbox;
use super::session::{Session, SessionContext, SessionEnd};
use super::{PortSettings, SimDirectory};
use crate::pool::{PortState, PortStatus};

/// One port's task and what it needs.
pub struct PortTask {
    path: PathBuf,
    settings: PortSettings,
    directory: SimDirectory,
    pool: PortLink,
    status: watch::Sender<PortStatus>,
    shutdown: watch::Receiver<bool>,
    /// A technician's request to reset the modem (Admin.ResetModem).
    reset: Arc<Notify>,
}

/// Starts the task of the port at `path`. Returns the handle on it and the task, which ends
/// when the path disappears or `shutdown` turns true.
pub fn spawn_port(
    path: PathBuf,
    settings: PortSettings,
    directory: SimDirectory,
    pool: PortLink,
    shutdown: watch::Receiver<bool>,
) -> (PortHandle, JoinHandle<()>) {
    let (status, receiver) = watch::channel(PortStatus::new(&path.display().to_string()));
    let reset = Arc::new(Notify::new());
    let task = PortTask {
        path,
        settings,
        directory,
        pool,
        status,
        shutdown,
        reset: Arc::clone(&reset),
    };
    let handle = PortHandle {
        status: receiver,
        reset,
    };
    // Every log line of the task carries the slot and, once known, the SIM's ICCID.
    let slot = task.slot();
    let span = tracing::info_span!("port", slot = %slot, iccid = tracing::field::Empty);
    (handle, tokio::spawn(task.run().instrument(span)))
}

/// The rungs of the recovery ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rung {
    Reopen,
    Reset,
    PowerCycle,
    Failed,
}

impl PortTask {
    fn name(&self) -> String {
        self.path.display().to_string()
    }

    fn set_state(&self, state: PortState, detail: Option<String>) {
        state.record(&self.name());
        self.status.send_modify(|status| {
            status.state = state;
            status.detail = detail;
        });
    }

    async fn event(&self, kind: &str, detail: &str) {
        if let Err(error) = self
            .pool
            .event(kind, Some(&self.name()), None, detail)
            .await
        {
            tracing::error!(port = %self.path.display(), %error, "could not record an event");
        }
    }

    /// Waits `duration`, or less if the daemon stops; returns whether to go on.
    async fn pause(&mut self, duration: Duration) -> bool {
        if *self.shutdown.borrow() {
            return false;
        }
        tokio::select! {
            () = tokio::time::sleep(duration) => true,
            changed = self.shutdown.changed() => changed.is_ok() && !*self.shutdown.borrow(),
        }
    }

    fn open(&self) -> Result<SerialStream, tokio_serial::Error> {
        let stream = tokio_serial::new(self.path.to_string_lossy(), self.settings.baud)
            .open_native_async()?;
        // Bytes written while nobody had the port open (boot lines, old URCs) belong to no
        // one now: a fresh start reads them in the drain instead.
        let _ = stream.clear(tokio_serial::ClearBuffer::Input);
        Ok(stream)
    }

    fn runner_config(&self, capture: Option<&Capture>) -> RunnerConfig {
        RunnerConfig {
            timeouts: self.settings.timeouts,
            capture: capture.map(Capture::begin),
            ..RunnerConfig::default()
        }
    }

    /// The port's capture file, when `[capture]` asks for one. A capture that cannot be
    /// opened is logged and recorded, and the port runs without it.
    async fn open_capture(&self) -> Option<Capture> {
        let (dir, max_file_bytes) = self.settings.capture.as_ref()?;
        match Capture::open(dir, &self.slot(), *max_file_bytes) {
            Ok(capture) => Some(capture),
            Err(error) => {
                tracing::warn!(port = %self.path.display(), %error, "cannot capture the port");
                self.event("capture_failed", &error.to_string()).await;
                None
            }
        }
    }

    /// The slot's name: the port's file name (`modem-1-1.4`, `sim3`).
    fn slot(&self) -> String {
        self.path
            .file_name()
            .map_or_else(|| self.name(), |name| name.to_string_lossy().into_owned())
    }

    async fn run(mut self) {
        let capture = self.open_capture().await;
        let mut backoff = self.settings.backoff_initial;
        let mut rung = Rung::Reopen;
        loop {
            if *self.shutdown.borrow() {
                break;
            }
            if !path_exists(&self.path) {
                break;
            }
            let retrying = rung == Rung::Failed;
            if !retrying {
                self.set_state(PortState::Opening, None);
            }
            let stream = match self.open() {
                Ok(stream) => stream,
                Err(error) => {
                    if !path_exists(&self.path) {
                        break;
                    }
                    // Busy (another program has it), permissions, not a tty: report and wait,
                    // never spin.
                    let detail = format!("cannot open: {error}");
                    tracing::warn!(port = %self.path.display(), %error, "cannot open the port");
                    self.set_state(PortState::Failed, Some(detail));
                    if !self.pause(backoff).await {
                        break;
                    }
                    backoff = (backoff * 2).min(self.settings.backoff_max);
                    continue;
                }
            };
            let (channel, unsolicited, runner) =
                runner::spawn(stream, self.runner_config(capture.as_ref()));
            let path = self.name();
            let context = SessionContext {
                path: &path,
                settings: &self.settings,
                directory: &self.directory,
                pool: &self.pool,
                status: &self.status,
                shutdown: self.shutdown.clone(),
                reset: Arc::clone(&self.reset),
                retrying,
            };
            let end = Session::new(context, channel, Inbox::new(unsolicited))
                .run()
                .await;
            // The session dropped its channel: the runner releases the port.
            let _ = tokio::time::timeout(Duration::from_secs(5), runner).await;
            let reached_service = matches!(
                self.status.borrow().state,
                PortState::Ready | PortState::Degraded
            );
            if reached_service {
                rung = Rung::Reopen;
                backoff = self.settings.backoff_initial;
                self.status.send_modify(|status| status.next_retry = None);
            }
            match end {
                SessionEnd::Shutdown => break,
                SessionEnd::ResetRequested => {
                    tracing::info!(port = %self.path.display(), "reset requested");
                    self.set_state(PortState::Recovering, Some("reset requested".to_owned()));
                    self.event("reset_requested", "").await;
                    self.reset(capture.as_ref()).await;
                }
                SessionEnd::PortLost(reason) => {
                    if !path_exists(&self.path) {
                        break;
                    }
                    tracing::warn!(port = %self.path.display(), reason, "port lost; reopening");
                    self.set_state(PortState::Recovering, Some(reason.clone()));
                    self.event("port_lost", &reason).await;
                    if !self.pause(self.settings.backoff_initial).await {
                        break;
                    }
                }
                SessionEnd::Unresponsive(reason) => {
                    self.status.send_modify(|status| status.recoveries += 1);
                    tracing::warn!(port = %self.path.display(), reason, rung = ?rung, "modem unresponsive");
                    self.event(
                        "modem_unresponsive",
                        &format!("{reason}; next step {rung:?}"),
                    )
                    .await;
                    // The power cycle is a rung only where a command for it is configured:
                    // without one the ladder goes from the reset straight to failed.
                    let after_reset = if self.settings.power_cycle_command.is_some() {
                        Rung::PowerCycle
                    } else {
                        Rung::Failed
                    };
                    let next = match rung {
                        Rung::Reopen => {
                            metrics::modem_reset(&self.name(), RecoveryStep::Reopen);
                            self.set_state(
                                PortState::Recovering,
                                Some(format!("{reason}; reopening")),
                            );
                            Rung::Reset
                        }
                        Rung::Reset => {
                            self.set_state(
                                PortState::Recovering,
                                Some(format!("{reason}; resetting the module")),
                            );
                            self.reset(capture.as_ref()).await;
                            after_reset
                        }
                        Rung::PowerCycle => {
                            self.set_state(
                                PortState::Recovering,
                                Some(format!("{reason}; power-cycling the USB port")),
                            );
                            self.power_cycle().await;
                            Rung::Failed
                        }
                        Rung::Failed => {
                            // Failed stays failed, with the count and the next retry in
                            // sight, while each retry (a reset, then a reopen) runs.
                            let recoveries = self.status.borrow().recoveries;
                            let at = time::OffsetDateTime::now_utc()
                                + time::Duration::try_from(backoff).unwrap_or_default();
                            self.status
                                .send_modify(|status| status.next_retry = Some(at));
                            self.set_state(
                                PortState::Failed,
                                Some(format!(
                                    "{reason}; {recoveries} recovery steps so far; next retry at {} UTC",
                                    clock_time(at)
                                )),
                            );
                            if !self.pause(backoff).await {
                                break;
                            }
                            backoff = (backoff * 2).min(self.settings.backoff_max);
                            self.status.send_modify(|status| status.next_retry = None);
                            self.reset(capture.as_ref()).await;
                            Rung::Failed
                        }
                    };
                    rung = next;
                }
            }
        }
        self.set_state(PortState::Gone, None);
        let _ = self.pool.port_seen(PortUpdate::gone(self.name())).await;
        tracing::info!(port = %self.path.display(), "port task ended");
    }

    /// Writes the reset command on a fresh open of the port and lets the module restart.
    async fn reset(&mut self, capture: Option<&Capture>) {
        let Ok(stream) = self.open() else {
            return;
        };
        let (channel, _unsolicited, runner) = runner::spawn(stream, self.runner_config(capture));
        let result = channel
            .raw(&self.settings.reset_command, Duration::from_secs(10))
            .await;
        tracing::info!(port = %self.path.display(), ?result, "reset command sent");
        metrics::modem_reset(&self.name(), RecoveryStep::Reset);
        self.event("modem_reset", &format!("{result:?}")).await;
        drop(channel);
        let _ = tokio::time::timeout(Duration::from_secs(5), runner).await;
    }

    /// Runs the configured power-cycle command; returns whether there was one.
    async fn power_cycle(&mut self) -> bool {
        let Some(command) = self.settings.power_cycle_command.clone() else {
            return false;
        };
        let Some((program, args)) = command.split_first() else {
            return false;
        };
        let name = self.name();
        let args: Vec<String> = args
            .iter()
            .map(|arg| arg.replace("{port}", &name))
            .collect();
        let run = tokio::process::Command::new(program)
            .args(&args)
            .kill_on_drop(true)
            .output();
        let detail = match tokio::time::timeout(Duration::from_secs(60), run).await {
            Ok(Ok(output)) if output.status.success() => "power cycle done".to_owned(),
            Ok(Ok(output)) => format!(
                "power cycle command failed ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ),
            Ok(Err(error)) => format!("power cycle command could not run: {error}"),
            Err(_) => "power cycle command took longer than 60 s".to_owned(),
        };
        tracing::warn!(port = %self.path.display(), detail, "power cycle");
        metrics::modem_reset(&self.name(), RecoveryStep::PowerCycle);
        self.event("power_cycle", &detail).await;
        true
    }
}

/// `21:30:05`: the time of day a technician compares with the clock on the wall.
fn clock_time(at: time::OffsetDateTime) -> String {
    format!("{:02}:{:02}:{:02}", at.hour(), at.minute(), at.second())
}

/// Whether the path (or the device its link points at) exists.
fn path_exists(path: &Path) -> bool {
    match std::fs::metadata(path) {
        Ok(_) => true,
        Err(error) => error.kind() != io::ErrorKind::NotFound,
    }
}
