//! What a port is doing, as its task publishes it for the status views and the store.

use std::fmt;

/// The states of a port (DESIGN.md): a port task moves through them in this order and back
/// to `Opening` after a fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PortState {
    /// Opening the serial port and waiting for the modem to answer `AT`.
    Opening,
    /// Reading who the modem and the SIM are.
    Probing,
    /// Setting PDU mode, storage and new-message indications.
    Configuring,
    /// Reading every SMS stored on the modem into the database.
    Draining,
    /// Receiving SMS.
    Ready,
    /// Answering, but unable to receive SMS: no SIM, SIM locked, not registered.
    Degraded,
    /// A fault is being recovered from: reopen, reset, power cycle.
    Recovering,
    /// Every recovery step failed; retried after a backoff.
    Failed,
    /// The path is gone (unplugged); the task has ended.
    Gone,
}

impl PortState {
    /// Every state, in the order a port moves through them: for views (and metrics) that
    /// show each state, the current one and the others.
    pub const ALL: [PortState; 9] = [
        PortState::Opening,
        PortState::Probing,
        PortState::Configuring,
        PortState::Draining,
        PortState::Ready,
        PortState::Degraded,
        PortState::Recovering,
        PortState::Failed,
        PortState::Gone,
    ];

    /// The name used in logs, the database and status output.
    /// Sets the port's `modempool_port_up` series to this state (see
    /// [`metrics::port_state`](crate::metrics::port_state)).
    pub fn record(self, path: &str) {
        let names = PortState::ALL.map(PortState::as_str);
        crate::metrics::port_state(path, self.as_str(), &names, self == PortState::Opening);
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PortState::Opening => "opening",
            PortState::Probing => "probing",
            PortState::Configuring => "configuring",
            PortState::Draining => "draining",
            PortState::Ready => "ready",
            PortState::Degraded => "degraded",
            PortState::Recovering => "recovering",
            PortState::Failed => "failed",
            PortState::Gone => "gone",
        }
    }
}

impl fmt::Display for PortState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A port at a glance: what `modempool status` will show per slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortStatus {
    /// The port's path, e.g. `/dev/modempool/slot03`.
    pub path: String,
    /// Its state.
    pub state: PortState,
    /// Why it is degraded, recovering or failed, or the last error it recovered from.
    pub detail: Option<String>,
    /// The SIM in it, once probed.
    pub iccid: Option<String>,
    /// The SIM's number (E.164), once known.
    pub number: Option<String>,
    /// The modem's IMEI.
    pub imei: Option<String>,
    /// The modem model (`+CGMM`).
    pub model: Option<String>,
    /// The operator the modem is registered with.
    pub operator: Option<String>,
    /// `+CSQ` rssi 0..=31, `None` when unknown.
    pub signal: Option<u8>,
    /// Whether the modem is registered (home or roaming).
    pub registered: Option<bool>,
    /// SMS committed from this port since the task started.
    pub sms_received: u64,
    /// Recovery steps taken since the task started.
    pub recoveries: u64,
    /// While the port is `failed` and waiting: when it is tried again.
    pub next_retry: Option<time::OffsetDateTime>,
}

impl PortStatus {
    /// A port just discovered.
    pub fn new(path: &str) -> PortStatus {
        PortStatus {
            path: path.to_owned(),
            state: PortState::Opening,
            detail: None,
            iccid: None,
            number: None,
            imei: None,
            model: None,
            operator: None,
            signal: None,
            registered: None,
            sms_received: 0,
            recoveries: 0,
            next_retry: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_port_state_has_a_series() {
        // `record` writes one series per state: the list must be complete.
        let names: std::collections::BTreeSet<&str> =
            PortState::ALL.iter().map(|state| state.as_str()).collect();
        assert_eq!(names.len(), 9);
    }
}
