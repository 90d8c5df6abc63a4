//! Metrics: what the daemon counts and measures. A leaf: it imports nothing of the crate, so
//! that every module may record; the endpoint that shows the figures in the Prometheus text
//! format (`[metrics] listen`, `GET /metrics`) is the API's (`api::metrics`).
//!
//! This module owns every metric name and label: the rest of the code calls one function
//! per fact (`port_state`, `sms_received`, `allocation_released`, ...) and never spells a name,
//! so that the names stay consistent and documented in one place. Labels are bounded: a
//! port's path, a state, a recovery step, a release reason; never an ICCID, a number or an
//! allocation id, which would grow the series without end.
//!
//! These functions go through the `metrics` facade: until the endpoint installs the recorder
//! they do nothing, so tests, benches and the simulator pay nothing and need nothing set up.
//!
//! | name | type | labels | what |
//! | --- | --- | --- | --- |
//! | `modempool_port_up` | gauge | `port`, `state` | 1 for the port's current state, 0 for the others |
//! | `modempool_port_signal_rssi` | gauge | `port` | `+CSQ` rssi 0..=31 last read; NaN when unknown |
//! | `modempool_sms_received_total` | counter | `port` | SMS committed (duplicates not counted) |
//! | `modempool_command_timeouts_total` | counter | `port` | AT commands that got no answer in time |
//! | `modempool_modem_resets_total` | counter | `port`, `step` | recovery steps: `reopen`, `reset`, `power_cycle` |
//! | `modempool_ingest_latency_seconds` | histogram | | from reading an SMS off the modem to its commit |
//! | `modempool_allocations` | gauge | `state` | allocations `active` now (sampled) |
//! | `modempool_allocations_created_total` | counter | | allocations made |
//! | `modempool_allocations_released_total` | counter | `reason` | allocations released: `completed`, `cancelled`, `bad_number` |
//! | `modempool_allocations_expired_total` | counter | | allocations whose lease ran out |
//! | `modempool_store_batches_total` | counter | | write transactions the store committed (sampled) |

use std::time::Duration;

/// Gauge: 1 for a port's current state, 0 for its other states. Labels `port`, `state`.
pub const PORT_UP: &str = "modempool_port_up";
/// Gauge: a port's last `+CSQ` rssi (0..=31), NaN when the modem does not know it. Label
/// `port`.
pub const PORT_SIGNAL_RSSI: &str = "modempool_port_signal_rssi";
/// Counter: SMS committed from a port (a duplicate read is not counted). Label `port`.
pub const SMS_RECEIVED: &str = "modempool_sms_received_total";
/// Counter: AT commands a port's modem did not answer in time. Label `port`.
pub const COMMAND_TIMEOUTS: &str = "modempool_command_timeouts_total";
/// Counter: recovery steps taken on a port's modem. Labels `port`, `step`.
pub const MODEM_RESETS: &str = "modempool_modem_resets_total";
/// Histogram: seconds from reading an SMS off a modem to its commit in the database.
pub const INGEST_LATENCY: &str = "modempool_ingest_latency_seconds";
/// Gauge: allocations by state; `active` only (ended ones are counted by the counters).
/// Label `state`.
pub const ALLOCATIONS: &str = "modempool_allocations";
/// Counter: allocations made.
pub const ALLOCATIONS_CREATED: &str = "modempool_allocations_created_total";
/// Counter: allocations released by their renter or an admin. Label `reason`.
pub const ALLOCATIONS_RELEASED: &str = "modempool_allocations_released_total";
/// Counter: allocations whose lease ran out.
pub const ALLOCATIONS_EXPIRED: &str = "modempool_allocations_expired_total";
/// Counter: write transactions the store committed since it was opened.
pub const STORE_BATCHES: &str = "modempool_store_batches_total";
/// Counter: partner API requests answered. Labels `call` (getNumbers, rentNumber, getSMS,
/// cancelNumber, openapi, other) and `status` (the HTTP status code).
pub const PARTNER_REQUESTS: &str = "modempool_partner_requests_total";

/// The buckets of [`INGEST_LATENCY`], in seconds: a commit normally takes milliseconds; tens
/// of milliseconds mean a busy writer; seconds mean a stalled disk.
pub const INGEST_LATENCY_BUCKETS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The `reason` labels of [`ALLOCATIONS_RELEASED`], registered at zero at start: the pool's
/// release reasons by name (a test in the pool keeps the two lists equal).
pub const RELEASE_REASONS: [&str; 3] = ["completed", "cancelled", "bad_number"];

/// How often the values read from the store (allocations, batches) are refreshed, and the
/// recorder's upkeep runs: Prometheus's default scrape interval, so that counting the
/// allocations table costs no more than the scrapes that show it.
pub const SAMPLE_INTERVAL: Duration = Duration::from_secs(15);

/// The steps of a port's recovery ladder, as the `step` label of [`MODEM_RESETS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecoveryStep {
    /// The port was closed and opened again.
    Reopen,
    /// The module was told to restart (`AT+CFUN=1,1` or the port's reset command), by the
    /// recovery ladder or a technician.
    Reset,
    /// The configured power-cycle command ran for the port's USB port.
    PowerCycle,
}

impl RecoveryStep {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            RecoveryStep::Reopen => "reopen",
            RecoveryStep::Reset => "reset",
            RecoveryStep::PowerCycle => "power_cycle",
        }
    }
}

// ---- what the rest of the daemon records -------------------------------------------------

/// The port at `path` is now in `state`: its [`PORT_UP`] series for `state` becomes 1, the
/// others 0, so that `sum by (state) (modempool_port_up)` counts ports per state.
///
/// `all` is every state's name (the caller owns the states); `first` is true at the first
/// state of every attempt (`opening`), when the port's counters are registered at zero, so
/// that they read 0 rather than missing before their first event.
pub fn port_state(path: &str, state: &'static str, all: &[&'static str], first: bool) {
    for &each in all {
        let up = if each == state { 1.0 } else { 0.0 };
        metrics::gauge!(PORT_UP, "port" => path.to_owned(), "state" => each).set(up);
    }
    if first {
        metrics::counter!(SMS_RECEIVED, "port" => path.to_owned()).increment(0);
        metrics::counter!(COMMAND_TIMEOUTS, "port" => path.to_owned()).increment(0);
        for step in [
            RecoveryStep::Reopen,
            RecoveryStep::Reset,
            RecoveryStep::PowerCycle,
        ] {
            metrics::counter!(MODEM_RESETS, "port" => path.to_owned(), "step" => step.as_str())
                .increment(0);
        }
    }
}

/// The modem at `path` reported its signal: `+CSQ` rssi 0..=31, `None` for unknown (99).
pub fn port_signal(path: &str, rssi: Option<u8>) {
    let value = rssi.map_or(f64::NAN, f64::from);
    metrics::gauge!(PORT_SIGNAL_RSSI, "port" => path.to_owned()).set(value);
}

/// An SMS from the port at `path` was committed (not a duplicate).
pub fn sms_received(path: &str) {
    metrics::counter!(SMS_RECEIVED, "port" => path.to_owned()).increment(1);
}

/// A command on the port at `path` timed out.
pub fn command_timeout(path: &str) {
    metrics::counter!(COMMAND_TIMEOUTS, "port" => path.to_owned()).increment(1);
}

/// A recovery step was taken on the port at `path`.
pub fn modem_reset(path: &str, step: RecoveryStep) {
    metrics::counter!(MODEM_RESETS, "port" => path.to_owned(), "step" => step.as_str())
        .increment(1);
}

/// `parts` SMS parts read `latency` ago were just committed (in one batch).
pub fn ingest_committed(latency: Duration, parts: usize) {
    if parts > 0 {
        metrics::histogram!(INGEST_LATENCY).record_many(latency.as_secs_f64(), parts);
    }
}

/// `count` allocations were made.
pub fn allocations_created(count: usize) {
    metrics::counter!(ALLOCATIONS_CREATED).increment(count_u64(count));
}

/// An allocation was released for `reason`.
pub fn allocation_released(reason: &'static str) {
    metrics::counter!(ALLOCATIONS_RELEASED, "reason" => reason).increment(1);
}

/// `count` allocations were marked expired.
pub fn allocations_expired(count: usize) {
    metrics::counter!(ALLOCATIONS_EXPIRED).increment(count_u64(count));
}

/// The partner API answered a `call` with HTTP `status`.
pub fn partner_request(call: &'static str, status: u16) {
    metrics::counter!(PARTNER_REQUESTS, "call" => call, "status" => status.to_string())
        .increment(1);
}

fn count_u64(count: usize) -> u64 {
    u64::try_from(count).unwrap_or(u64::MAX)
}

/// Describes every metric (the `# HELP` lines) and registers the series whose labels are
/// known in advance at zero, so that a counter reads 0 rather than missing before its
/// first event (`rate()` and alerts need the 0).
pub fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_gauge!(
        PORT_UP,
        "1 for the port's current state, 0 for its other states"
    );
    describe_gauge!(
        PORT_SIGNAL_RSSI,
        "Last +CSQ rssi of the port's modem (0..31; NaN when unknown)"
    );
    describe_counter!(SMS_RECEIVED, "SMS committed from the port");
    describe_counter!(
        COMMAND_TIMEOUTS,
        "AT commands the port's modem did not answer in time"
    );
    describe_counter!(
        MODEM_RESETS,
        "Recovery steps taken on the port's modem (reopen, reset, power_cycle)"
    );
    describe_histogram!(
        INGEST_LATENCY,
        Unit::Seconds,
        "From reading an SMS off a modem to its commit in the database"
    );
    describe_gauge!(ALLOCATIONS, "Allocations by state (active now)");
    describe_counter!(ALLOCATIONS_CREATED, "Allocations made");
    describe_counter!(ALLOCATIONS_RELEASED, "Allocations released, by reason");
    describe_counter!(ALLOCATIONS_EXPIRED, "Allocations whose lease ran out");
    describe_counter!(
        STORE_BATCHES,
        "Write transactions the store committed since it was opened"
    );
    metrics::counter!(ALLOCATIONS_CREATED).increment(0);
    metrics::counter!(ALLOCATIONS_EXPIRED).increment(0);
    for reason in RELEASE_REASONS {
        metrics::counter!(ALLOCATIONS_RELEASED, "reason" => reason).increment(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_buckets_go_up_from_a_millisecond_to_ten_seconds() {
        assert_eq!(INGEST_LATENCY_BUCKETS.first(), Some(&0.001));
        assert_eq!(INGEST_LATENCY_BUCKETS.last(), Some(&10.0));
        assert!(
            INGEST_LATENCY_BUCKETS
                .windows(2)
                .all(|pair| pair[0] < pair[1])
        );
    }

    #[test]
    fn without_a_recorder_recording_does_nothing() {
        port_state("/dev/a", "ready", &["opening", "ready"], true);
        port_signal("/dev/a", None);
        sms_received("/dev/a");
        command_timeout("/dev/a");
        modem_reset("/dev/a", RecoveryStep::PowerCycle);
        ingest_committed(Duration::from_millis(3), 2);
        allocations_created(1);
        allocation_released("bad_number");
        allocations_expired(0);
    }
}
