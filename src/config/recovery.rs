//! `[recovery]`: how a port that stopped answering is brought back: the back-off between
//! retries and the command that power-cycles one modem.

use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{KeyPath, check_range};

/// The placeholders `recovery.power_cycle_command` may contain.
pub const POWER_CYCLE_PLACEHOLDERS: [&str; 2] = ["{port}", "{usb_path}"];

/// `[recovery]`: how a port that stopped answering is brought back.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RecoveryConfig {
    /// `recovery.backoff_initial_ms`: the first wait before retrying a failed port, doubled
    /// at each failure; 1 to 600000. Default 1000.
    pub backoff_initial_ms: u64,
    /// `recovery.backoff_max_secs`: the longest wait between retries, 1 to 86400 and not
    /// shorter than the first. Default 300.
    pub backoff_max_secs: u64,
    /// `recovery.power_cycle_command`: a program and its arguments that cut and restore
    /// power to one modem, run when resets did not help. `{port}` is replaced by the port's
    /// path, `{usb_path}` by its USB location (e.g. `1-1.4`, as sysfs and `uhubctl -l` name
    /// it). Default: absent, and that step is skipped.
    pub power_cycle_command: Option<Vec<String>>,
}

impl Default for RecoveryConfig {
    fn default() -> Self {
        RecoveryConfig {
            backoff_initial_ms: 1000,
            backoff_max_secs: 300,
            power_cycle_command: None,
        }
    }
}

impl RecoveryConfig {
    /// The first wait before a failed port is retried.
    pub fn backoff_initial(&self) -> Duration {
        Duration::from_millis(self.backoff_initial_ms)
    }

    /// The longest wait between retries.
    pub fn backoff_max(&self) -> Duration {
        Duration::from_secs(self.backoff_max_secs)
    }

    /// The power-cycle command for the modem at `port`, placeholders filled in, or `None`
    /// when none is configured or it needs `{usb_path}` and the port's USB location is not
    /// known (then the step is skipped, as if no command were configured).
    pub fn power_cycle_argv(&self, port: &Path, usb_path: Option<&str>) -> Option<Vec<String>> {
        let command = self.power_cycle_command.as_ref()?;
        let port = port.to_string_lossy();
        command
            .iter()
            .map(|argument| {
                let argument = argument.replace("{port}", &port);
                if argument.contains("{usb_path}") {
                    usb_path.map(|usb_path| argument.replace("{usb_path}", usb_path))
                } else {
                    Some(argument)
                }
            })
            .collect()
    }
}

/// The problems of `[recovery]`.
pub(super) fn recovery_problems(
    recovery: &RecoveryConfig,
    problem: &mut dyn FnMut(KeyPath, String),
) {
    let key = KeyPath::key("recovery");
    let r = recovery;
    check_range(
        problem,
        key.then("backoff_initial_ms"),
        r.backoff_initial_ms,
        1,
        600_000,
        "ms",
    );
    check_range(
        problem,
        key.then("backoff_max_secs"),
        r.backoff_max_secs,
        1,
        86_400,
        "s",
    );
    if r.backoff_max_secs > 0 && r.backoff_max() < r.backoff_initial() {
        problem(
            key.then("backoff_max_secs"),
            format!(
                "{} s is shorter than recovery.backoff_initial_ms ({} ms)",
                r.backoff_max_secs, r.backoff_initial_ms
            ),
        );
    }
    if let Some(command) = &r.power_cycle_command {
        let key = key.then("power_cycle_command");
        match command.first() {
            None => problem(
                key.clone(),
                "an empty command: leave the key out to skip power cycling".to_owned(),
            ),
            Some(program) if program.trim().is_empty() => {
                problem(key.at(0), "the program name is empty".to_owned());
            }
            Some(_) => {}
        }
        for (index, argument) in command.iter().enumerate() {
            for placeholder in placeholders(argument) {
                if !POWER_CYCLE_PLACEHOLDERS.contains(&placeholder) {
                    problem(
                        key.at(index),
                        format!(
                            "unknown placeholder {placeholder} (known: {})",
                            POWER_CYCLE_PLACEHOLDERS.join(", ")
                        ),
                    );
                }
            }
        }
    }
}

/// The `{name}` placeholders in a command argument.
fn placeholders(argument: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = argument;
    while let Some(open) = rest.find('{') {
        let after = &rest[open..];
        match after.find('}') {
            Some(close) => {
                found.push(&after[..=close]);
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::Config;
    use super::super::tests::{each_names_its_key, parse};

    #[test]
    fn power_cycle_placeholders() {
        let config = parse(
            "[recovery]\npower_cycle_command = [\"/usr/local/bin/cycle\", \"--tty={port}\"]\n",
        )
        .unwrap();
        assert_eq!(
            config
                .recovery
                .power_cycle_argv(Path::new("/dev/modempool/slot01"), None),
            Some(vec![
                "/usr/local/bin/cycle".to_owned(),
                "--tty=/dev/modempool/slot01".to_owned()
            ])
        );
        assert_eq!(
            Config::default()
                .recovery
                .power_cycle_argv(Path::new("/dev/x"), Some("1-1")),
            None
        );
    }

    #[test]
    fn each_bad_value_names_its_key() {
        each_names_its_key(&[
            (
                "[recovery]\nbackoff_initial_ms = 0",
                "recovery.backoff_initial_ms: 0 is not",
            ),
            (
                "[recovery]\nbackoff_max_secs = 0",
                "recovery.backoff_max_secs: 0 is not",
            ),
            (
                "[recovery]\nbackoff_initial_ms = 5000\nbackoff_max_secs = 2",
                "recovery.backoff_max_secs: 2 s is shorter than recovery.backoff_initial_ms (5000 ms)",
            ),
            (
                "[recovery]\npower_cycle_command = []",
                "recovery.power_cycle_command: an empty command",
            ),
            (
                "[recovery]\npower_cycle_command = [\"\"]",
                "recovery.power_cycle_command[0]: the program name is empty",
            ),
            (
                "[recovery]\npower_cycle_command = [\"x\", \"{tty}\"]",
                "recovery.power_cycle_command[1]: unknown placeholder {tty}",
            ),
        ]);
    }
}
