//! `[timeouts]`: how long each class of AT command may take. The classes themselves, and
//! which command is in which, are the AT layer's; it turns this section into the runner's
//! timeouts.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{KeyPath, check_range};

/// `[timeouts]`: how long each class of AT command may take, in milliseconds, 100 to
/// 600000 each. The defaults are the maximum response times the modem manuals give (the
/// AT layer's own defaults; a test beside the runner's timeouts checks that they agree).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct TimeoutsConfig {
    /// `timeouts.quick_ms`: settings and queries answered from the module's own state.
    /// Default 2000.
    pub quick_ms: u64,
    /// `timeouts.storage_ms`: SIM and message storage access. Default 30000.
    pub storage_ms: u64,
    /// `timeouts.network_ms`: operations that wait on the network (`+CMGS`, `+CUSD`,
    /// `+CFUN`). Default 120000.
    pub network_ms: u64,
    /// `timeouts.scan_ms`: the operator scan `+COPS=?`. Default 180000.
    pub scan_ms: u64,
}

impl Default for TimeoutsConfig {
    fn default() -> Self {
        TimeoutsConfig {
            quick_ms: 2000,
            storage_ms: 30_000,
            network_ms: 120_000,
            scan_ms: 180_000,
        }
    }
}

impl TimeoutsConfig {
    /// The time allowed to a quick command.
    pub fn quick(&self) -> Duration {
        Duration::from_millis(self.quick_ms)
    }

    /// The time allowed to a storage command.
    pub fn storage(&self) -> Duration {
        Duration::from_millis(self.storage_ms)
    }

    /// The time allowed to a command that waits on the network.
    pub fn network(&self) -> Duration {
        Duration::from_millis(self.network_ms)
    }

    /// The time allowed to the operator scan.
    pub fn scan(&self) -> Duration {
        Duration::from_millis(self.scan_ms)
    }
}

/// The problems of `[timeouts]`.
pub(super) fn timeouts_problems(
    timeouts: &TimeoutsConfig,
    problem: &mut dyn FnMut(KeyPath, String),
) {
    // Below 100 ms not even a short command's echo is back at 9600 baud; above ten
    // minutes a hung modem would hold its port for too long.
    let key = KeyPath::key("timeouts");
    for (name, value) in [
        ("quick_ms", timeouts.quick_ms),
        ("storage_ms", timeouts.storage_ms),
        ("network_ms", timeouts.network_ms),
        ("scan_ms", timeouts.scan_ms),
    ] {
        check_range(problem, key.then(name), value, 100, 600_000, "ms");
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::each_names_its_key;

    #[test]
    fn each_bad_value_names_its_key() {
        each_names_its_key(&[
            (
                "[timeouts]\nquick_ms = 0",
                "timeouts.quick_ms: 0 is not between 100 and 600000 ms",
            ),
            (
                "[timeouts]\nstorage_ms = 50",
                "timeouts.storage_ms: 50 is not",
            ),
            (
                "[timeouts]\nnetwork_ms = 600001",
                "timeouts.network_ms: 600001 is not",
            ),
            ("[timeouts]\nscan_ms = 0", "timeouts.scan_ms: 0 is not"),
        ]);
    }
}
