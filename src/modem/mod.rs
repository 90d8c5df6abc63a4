//! The port task: one per serial port, alive through every fault the modem behind it has.
//!
//! A port task owns its serial port (through the AT [`runner`](crate::at::runner)) and nothing
//! else. It walks the port through open → probe → configure → drain → ready ⇄ degraded →
//! recovering → gone, tells the [`pool`](crate::pool) what it learns (the modem, the SIM,
//! its number) and hands it every SMS, deleting an SMS from the modem only once the pool has
//! committed it. Its state is published on a `watch` channel for the status views.
//!
//! - [`probe`]: who the modem and the SIM are (identity, number by `+CNUM`, USSD or mapping).
//! - [`session`]: one open port: configure, drain, then serve URCs and polls until it fails;
//!   its ingest half (`session/ingest.rs`) reads SMS and deletes them after the commit.
//! - [`port`]: the task around sessions: reopening, resets, power cycles, backoff.
//! - [`discovery`]: which serial ports exist, rescanned.
//! - [`supervisor`]: one port task per path discovery reports, restarted when it ends.

pub mod discovery;
pub mod port;
pub mod probe;
pub mod session;
pub mod supervisor;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::at::runner::Timeouts;
use crate::config::IngestMode;

pub use crate::pool::{PortHandle, PortState, PortStatus};
pub use port::{PortTask, spawn_port};
pub use supervisor::{Daemon, DaemonOptions};

/// What a port task needs to know from the configuration. Built by the daemon from the
/// config file and flags, one per port (per-port overrides applied).
#[derive(Debug, Clone)]
pub struct PortSettings {
    /// Serial speed. Pseudo-terminals and USB modems ignore it, UARTs on pool boards do not.
    pub baud: u32,
    /// Time allowed to each class of AT command.
    pub timeouts: Timeouts,
    /// How SMS arrive.
    pub ingest: IngestMode,
    /// The command that resets the module, `AT+CFUN=1,1` unless the port says otherwise.
    pub reset_command: String,
    /// An outside command that power-cycles the port's USB hub port (e.g. uhubctl), with
    /// `{port}` standing for the port's path; `None` skips that recovery step.
    pub power_cycle_command: Option<Vec<String>>,
    /// Between health polls (signal, registration, SIM still the same, `+CNMI` asserted).
    pub health_interval: Duration,
    /// Between sweeps of the modem's storage for SMS whose `+CMTI` was lost.
    pub sweep_interval: Duration,
    /// The first wait before reopening a port that failed; doubled up to `backoff_max`.
    pub backoff_initial: Duration,
    /// The longest wait between recovery attempts.
    pub backoff_max: Duration,
    /// How long a freshly opened modem may take to answer `AT` (it may be booting).
    pub boot_wait: Duration,
    /// How long to wait for the answer to a number-query USSD code.
    pub ussd_wait: Duration,
    /// Where the port's dialogue is captured and the capture file's rotation size
    /// (`[capture]`, `serve --capture`); `None`: not captured.
    pub capture: Option<(std::path::PathBuf, u64)>,
}

impl Default for PortSettings {
    fn default() -> Self {
        PortSettings {
            baud: 115_200,
            timeouts: Timeouts::default(),
            ingest: IngestMode::Store,
            reset_command: "AT+CFUN=1,1".to_owned(),
            power_cycle_command: None,
            health_interval: Duration::from_secs(60),
            sweep_interval: Duration::from_secs(300),
            backoff_initial: Duration::from_secs(1),
            backoff_max: Duration::from_secs(300),
            boot_wait: Duration::from_secs(30),
            ussd_wait: Duration::from_secs(30),
            capture: None,
        }
    }
}

/// Looks up the number-query USSD code of an operator by MCC and MNC.
pub type UssdCodeLookup = Arc<dyn Fn(&str, &str) -> Option<String> + Send + Sync>;

/// What the technicians told us about SIMs: PINs, numbers, and the USSD codes that make an
/// operator say a SIM's number. Shared by every port task.
#[derive(Clone, Default)]
pub struct SimDirectory {
    /// PIN by ICCID.
    pub pins: HashMap<String, String>,
    /// Number (E.164) by ICCID, for SIMs whose number neither `+CNUM` nor USSD gives.
    pub numbers: HashMap<String, String>,
    /// The number-query USSD code for an operator, by MCC and MNC.
    pub ussd_code: Option<UssdCodeLookup>,
    /// ICCIDs whose configured PIN the SIM refused. A wrong PIN is never tried again while
    /// the daemon runs: three wrong tries lock the SIM behind its PUK.
    pub rejected_pins: Arc<Mutex<std::collections::HashSet<String>>>,
}

impl std::fmt::Debug for SimDirectory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the PINs.
        f.debug_struct("SimDirectory")
            .field("pins", &self.pins.len())
            .field("numbers", &self.numbers.len())
            .finish()
    }
}

impl SimDirectory {
    /// The number-query code for the operator of `imsi`, trying a 3-digit MNC first (North
    /// America, India) and then a 2-digit one.
    pub fn ussd_code_for(&self, imsi: &str) -> Option<String> {
        let lookup = self.ussd_code.as_ref()?;
        let mcc = imsi.get(..3)?;
        [imsi.get(3..6), imsi.get(3..5)]
            .into_iter()
            .flatten()
            .find_map(|mnc| lookup(mcc, mnc))
    }
}
