//! `[health]`: how often each port is checked (signal, registration, the SMS storage) and
//! how long a multipart SMS waits for its parts.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{KeyPath, check_range};

/// `[health]`: the periodic checks of each port, in seconds, 1 to 86400 each.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct HealthConfig {
    /// `health.poll_interval_secs`: how often signal and registration are polled
    /// (`+CSQ`, `+CREG?`). Default 60.
    pub poll_interval_secs: u64,
    /// `health.sweep_interval_secs`: how often the SMS storage is listed (`+CMGL`) to pick
    /// up messages whose `+CMTI` was lost. Default 300.
    pub sweep_interval_secs: u64,
    /// `health.multipart_timeout_secs`: how long the parts of a concatenated SMS are waited
    /// for before what arrived is delivered as it is. Default 600.
    pub multipart_timeout_secs: u64,
}

impl Default for HealthConfig {
    fn default() -> Self {
        HealthConfig {
            poll_interval_secs: 60,
            sweep_interval_secs: 300,
            multipart_timeout_secs: 600,
        }
    }
}

impl HealthConfig {
    /// The time between two signal/registration polls of a port.
    pub fn poll_interval(&self) -> Duration {
        Duration::from_secs(self.poll_interval_secs)
    }

    /// The time between two storage sweeps of a port.
    pub fn sweep_interval(&self) -> Duration {
        Duration::from_secs(self.sweep_interval_secs)
    }

    /// How long an incomplete multipart SMS waits for its missing parts.
    pub fn multipart_timeout(&self) -> Duration {
        Duration::from_secs(self.multipart_timeout_secs)
    }
}

/// The problems of `[health]`.
pub(super) fn health_problems(health: &HealthConfig, problem: &mut dyn FnMut(KeyPath, String)) {
    // A day is the most any periodic check may wait: beyond it the check is off.
    let key = KeyPath::key("health");
    for (name, value) in [
        ("poll_interval_secs", health.poll_interval_secs),
        ("sweep_interval_secs", health.sweep_interval_secs),
        ("multipart_timeout_secs", health.multipart_timeout_secs),
    ] {
        check_range(problem, key.then(name), value, 1, 86_400, "s");
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::each_names_its_key;

    #[test]
    fn each_bad_value_names_its_key() {
        each_names_its_key(&[
            (
                "[health]\npoll_interval_secs = 0",
                "health.poll_interval_secs: 0 is not",
            ),
            (
                "[health]\nsweep_interval_secs = 0",
                "health.sweep_interval_secs: 0 is not",
            ),
            (
                "[health]\nmultipart_timeout_secs = 100000",
                "health.multipart_timeout_secs: 100000 is not",
            ),
        ]);
    }
}
