//! `[ports]`: where the modems are (the globs discovery expands) and how to talk to them
//! (the serial rate, how SMS are taken in).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{KeyPath, check_range};

/// The default of `ports.globs`: the links the shipped udev rules create.
pub const DEFAULT_PORT_GLOB: &str = "/dev/modempool/*";

/// The baud rates `ports.baud` accepts: the standard rates modems' `+IPR` offers from 9600
/// up. (USB modems ignore the rate; UART modules on a pool board do not.)
pub const STANDARD_BAUD_RATES: [u32; 8] = [
    9600, 19200, 38400, 57600, 115_200, 230_400, 460_800, 921_600,
];

/// `[ports]`: where the modems are and how to talk to them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct PortsConfig {
    /// `ports.globs`: the globs discovery expands to find serial ports, at least one.
    /// Default `["/dev/modempool/*"]`.
    pub globs: Vec<String>,
    /// `ports.baud`: the serial rate, one of [`STANDARD_BAUD_RATES`]. Default 115200.
    pub baud: u32,
    /// `ports.scan_interval_secs`: how often discovery looks for new and vanished ports,
    /// 1 to 3600. Default 5.
    pub scan_interval_secs: u64,
    /// `ports.ingest`: how SMS reach the daemon, see [`IngestMode`]. Default `"store"`.
    pub ingest: IngestMode,
}

impl Default for PortsConfig {
    fn default() -> Self {
        PortsConfig {
            globs: vec![DEFAULT_PORT_GLOB.to_owned()],
            baud: 115_200,
            scan_interval_secs: 5,
            ingest: IngestMode::Store,
        }
    }
}

impl PortsConfig {
    /// The time between two discovery scans.
    pub fn scan_interval(&self) -> Duration {
        Duration::from_secs(self.scan_interval_secs)
    }
}

/// How incoming SMS are taken from a modem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IngestMode {
    /// `"store"`: the modem stores each SMS and announces it (`+CNMI` mode 2, `+CMTI`,
    /// TS 27.005 §3.4.1); the daemon reads it, commits it, then deletes it. Survives a
    /// daemon crash at any point: what is not committed is still on the SIM.
    #[default]
    Store,
    /// `"direct"`: the modem hands each SMS over at once (`+CSMS=1`, `+CMT`) and the daemon
    /// acknowledges it with `+CNMA` after committing; for modems whose storage is broken
    /// or too small. An unacknowledged SMS is redelivered by the network.
    Direct,
}

/// Why `glob` cannot be a port glob; `None` when it can. Shared with `--ports`.
pub(super) fn glob_problem(glob: &str) -> Option<String> {
    glob::Pattern::new(glob)
        .err()
        .map(|error| format!("'{glob}' is not a valid glob: {error}"))
}

/// The problems of `[ports]`.
pub(super) fn ports_problems(ports: &PortsConfig, problem: &mut dyn FnMut(KeyPath, String)) {
    let key = KeyPath::key("ports");
    if ports.globs.is_empty() {
        problem(
            key.then("globs"),
            "no glob: the daemon would never find a port".to_owned(),
        );
    }
    for (index, glob) in ports.globs.iter().enumerate() {
        if let Some(reason) = glob_problem(glob) {
            problem(key.then("globs").at(index), reason);
        }
    }
    if !STANDARD_BAUD_RATES.contains(&ports.baud) {
        let rates: Vec<String> = STANDARD_BAUD_RATES.iter().map(u32::to_string).collect();
        problem(
            key.then("baud"),
            format!(
                "{} is not a standard baud rate ({})",
                ports.baud,
                rates.join(", ")
            ),
        );
    }
    check_range(
        problem,
        key.then("scan_interval_secs"),
        ports.scan_interval_secs,
        1,
        3600,
        "s",
    );
}

#[cfg(test)]
mod tests {
    use super::super::tests::each_names_its_key;

    #[test]
    fn each_bad_value_names_its_key() {
        each_names_its_key(&[
            (
                "[ports]\nbaud = 12345",
                "ports.baud: 12345 is not a standard baud rate",
            ),
            ("[ports]\nglobs = []", "ports.globs: no glob"),
            (
                "[ports]\nglobs = [\"/dev/ok*\", \"/dev/[bad\"]",
                "ports.globs[1]: '/dev/[bad' is not a valid glob",
            ),
            (
                "[ports]\nscan_interval_secs = 0",
                "ports.scan_interval_secs: 0 is not between 1 and 3600 s",
            ),
            (
                "[ports]\nscan_interval_secs = 86400",
                "ports.scan_interval_secs: 86400 is not between",
            ),
        ]);
    }
}
