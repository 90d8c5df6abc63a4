//! `modempool status`: every port of a running daemon at a glance, from its Admin API.
//!
//! One row per port: slot, state, model, IMEI, ICCID, number, operator, signal bars,
//! registration, SMS today, active allocation, last error. Coloured on a terminal (unless
//! `NO_COLOR` is set), plain when piped, `--json` for scripts, `--watch` to refresh in
//! place. The exit status says whether every port is healthy: 0 all ready, 1 some not (or
//! none at all), 2 the daemon could not be asked.

use std::io::{self, Write};
use std::path::Path;
use std::time::Duration;

use serde::Serialize;
use tonic::metadata::MetadataValue;
use tonic::transport::Channel;

use crate::proto::v1 as pb;
use crate::proto::v1::admin_client::AdminClient;

/// What `status` was asked.
#[derive(Debug, Clone)]
pub struct StatusRequest {
    /// The daemon's gRPC address, `host:port` or a URL.
    pub server: String,
    /// An admin token (`None`: a daemon without tokens, local callers only).
    pub token: Option<String>,
    /// One JSON document instead of the table.
    pub json: bool,
    /// Colours (a terminal, `NO_COLOR` unset).
    pub colour: bool,
}

/// Why the daemon could not be asked.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    /// The address is not one.
    #[error("'{0}' is not a server address (host:port or http[s]://host:port)")]
    Address(String),
    /// No connection.
    #[error("cannot reach the daemon at {server}: {reason}")]
    Connect {
        /// Where.
        server: String,
        /// Why.
        reason: String,
    },
    /// The daemon refused or failed the call.
    #[error("the daemon at {server} answered {code:?}: {message}")]
    Call {
        /// Where.
        server: String,
        /// The gRPC code.
        code: tonic::Code,
        /// Its message.
        message: String,
    },
    /// Writing the output failed.
    #[error("writing the status: {0}")]
    Output(#[from] io::Error),
}

/// One port as `status` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortLine {
    /// The port's file name (`usb1-1.4.2`, `sim0`).
    pub slot: String,
    /// Its path.
    pub port: String,
    /// ready, degraded, recovering, failed, gone, ...
    pub state: String,
    /// Modem model.
    pub model: String,
    /// Modem IMEI.
    pub imei: String,
    /// The SIM in it.
    pub iccid: String,
    /// Its number, E.164.
    pub number: String,
    /// Its operator.
    pub operator: String,
    /// `+CSQ` rssi 0..31, `None` when unknown.
    pub signal_rssi: Option<u32>,
    /// Signal bars 0..4 from the rssi, `None` when unknown.
    pub signal_bars: Option<u8>,
    /// registered, not registered, or empty.
    pub registration: String,
    /// SMS received since midnight UTC.
    pub sms_today: u64,
    /// Its active allocation, empty when idle.
    pub allocation: String,
    /// The last error, empty when none.
    pub last_error: String,
    /// While the port is failed and waiting: when it is tried again (RFC 3339), else `None`.
    pub next_retry: Option<String>,
}

/// The whole answer, as `--json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    /// Every port.
    pub ports: Vec<PortLine>,
    /// How many are ready.
    pub ready: usize,
    /// Whether every port is ready (and there is at least one).
    pub healthy: bool,
}

/// Bars from a `+CSQ` rssi: the rack page shows the same (see [`crate::api::rack_view`]).
pub use crate::api::rack_view::signal_bars;

/// The snapshot of what the daemon answered.
pub fn snapshot(modems: &[pb::Modem]) -> Snapshot {
    let ports: Vec<PortLine> = modems
        .iter()
        .map(|modem| {
            let rssi = (modem.signal_rssi <= 31).then_some(modem.signal_rssi);
            PortLine {
                slot: Path::new(&modem.port).file_name().map_or_else(
                    || modem.port.clone(),
                    |name| name.to_string_lossy().into_owned(),
                ),
                port: modem.port.clone(),
                state: modem.state.clone(),
                model: modem.model.clone(),
                imei: modem.imei.clone(),
                iccid: modem.iccid.clone(),
                number: modem.number.clone(),
                operator: modem.operator.clone(),
                signal_rssi: rssi,
                signal_bars: signal_bars(rssi),
                registration: modem.registration.clone(),
                sms_today: modem.sms_today,
                allocation: modem.active_allocation.clone(),
                last_error: modem.detail.clone(),
                next_retry: modem.next_retry.as_ref().and_then(|at| {
                    time::OffsetDateTime::from_unix_timestamp(at.seconds)
                        .ok()
                        .and_then(|at| {
                            at.format(&time::format_description::well_known::Rfc3339)
                                .ok()
                        })
                }),
            }
        })
        .collect();
    let ready = ports.iter().filter(|port| port.state == "ready").count();
    Snapshot {
        healthy: !ports.is_empty() && ready == ports.len(),
        ready,
        ports,
    }
}

const HEADERS: [&str; 12] = [
    "SLOT",
    "STATE",
    "MODEL",
    "IMEI",
    "ICCID",
    "NUMBER",
    "OPERATOR",
    "SIGNAL",
    "REG",
    "SMS TODAY",
    "ALLOCATION",
    "LAST ERROR",
];

/// The ANSI colour of a state: green ready, yellow on its way, red broken.
fn state_colour(state: &str) -> &'static str {
    match state {
        "ready" => "\x1b[32m",
        "degraded" | "recovering" | "opening" | "probing" | "configuring" | "draining" => {
            "\x1b[33m"
        }
        _ => "\x1b[31m",
    }
}

/// The table, with a summary line; ANSI colours for the state column when `colour`.
pub fn render_table(snapshot: &Snapshot, colour: bool) -> String {
    let rows: Vec<[String; 12]> = snapshot
        .ports
        .iter()
        .map(|port| {
            [
                port.slot.clone(),
                port.state.clone(),
                port.model.clone(),
                port.imei.clone(),
                port.iccid.clone(),
                port.number.clone(),
                port.operator.clone(),
                match (port.signal_bars, port.signal_rssi) {
                    (Some(bars), Some(rssi)) => format!(
                        "{}{} {rssi}",
                        "▮".repeat(usize::from(bars)),
                        "▯".repeat(usize::from(4 - bars.min(4)))
                    ),
                    _ => "-".to_owned(),
                },
                match port.registration.as_str() {
                    "registered" => "yes".to_owned(),
                    "" => "-".to_owned(),
                    _ => "no".to_owned(),
                },
                port.sms_today.to_string(),
                port.allocation.clone(),
                port.last_error.clone(),
            ]
        })
        .collect();
    let mut widths = HEADERS.map(|header| header.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    let line = |cells: &[String], states: Option<&str>, text: &mut String| {
        let mut parts = Vec::with_capacity(cells.len());
        for (index, (cell, width)) in cells.iter().zip(widths).enumerate() {
            let padding = " ".repeat(width.saturating_sub(cell.chars().count()));
            let last = index + 1 == cells.len();
            let cell = match (index, states) {
                (1, Some(state)) if colour => format!("{}{cell}\x1b[0m", state_colour(state)),
                _ => cell.clone(),
            };
            parts.push(if last {
                cell
            } else {
                format!("{cell}{padding}")
            });
        }
        text.push_str(parts.join("  ").trim_end());
        text.push('\n');
    };
    let headers: Vec<String> = HEADERS.iter().map(|header| (*header).to_owned()).collect();
    line(&headers, None, &mut text);
    for (row, port) in rows.iter().zip(&snapshot.ports) {
        line(row, Some(&port.state), &mut text);
    }
    let allocated = snapshot
        .ports
        .iter()
        .filter(|port| !port.allocation.is_empty())
        .count();
    text.push_str(&format!(
        "{}/{} ports ready, {allocated} allocated\n",
        snapshot.ready,
        snapshot.ports.len()
    ));
    text
}

/// The exit status a snapshot means.
pub fn exit_code(snapshot: &Snapshot) -> u8 {
    if snapshot.healthy { 0 } else { 1 }
}

/// Asks the daemon once.
pub async fn fetch(request: &StatusRequest) -> Result<Snapshot, StatusError> {
    let url = if request.server.contains("://") {
        request.server.clone()
    } else {
        format!("http://{}", request.server)
    };
    let endpoint = Channel::from_shared(url)
        .map_err(|_| StatusError::Address(request.server.clone()))?
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10));
    let channel = endpoint
        .connect()
        .await
        .map_err(|error| StatusError::Connect {
            server: request.server.clone(),
            reason: error.to_string(),
        })?;
    let mut call = tonic::Request::new(pb::ListModemsRequest {});
    if let Some(token) = &request.token {
        let value: MetadataValue<_> =
            format!("Bearer {token}")
                .parse()
                .map_err(|_| StatusError::Call {
                    server: request.server.clone(),
                    code: tonic::Code::InvalidArgument,
                    message: "the token is not valid header text".to_owned(),
                })?;
        call.metadata_mut().insert("authorization", value);
    }
    let modems = AdminClient::new(channel)
        .list_modems(call)
        .await
        .map_err(|status| StatusError::Call {
            server: request.server.clone(),
            code: status.code(),
            message: status.message().to_owned(),
        })?
        .into_inner()
        .modems;
    Ok(snapshot(&modems))
}

/// Prints one snapshot as asked; returns it.
pub async fn print_once(
    request: &StatusRequest,
    out: &mut dyn Write,
) -> Result<Snapshot, StatusError> {
    let snapshot = fetch(request).await?;
    if request.json {
        let text = serde_json::to_string_pretty(&snapshot).map_err(io::Error::other)?;
        writeln!(out, "{text}")?;
    } else {
        write!(out, "{}", render_table(&snapshot, request.colour))?;
    }
    out.flush()?;
    Ok(snapshot)
}

/// Refreshes in place every `every` until SIGINT/SIGTERM; an unreachable daemon is shown
/// as such and asked again.
pub async fn watch(
    request: &StatusRequest,
    every: Duration,
    out: &mut dyn Write,
) -> Result<(), StatusError> {
    let stop = crate::cli::serve::wait_for_stop_signal();
    tokio::pin!(stop);
    loop {
        // Home and clear: the table is redrawn where it was.
        write!(out, "\x1b[H\x1b[2J")?;
        if let Err(error) = print_once(request, out).await {
            writeln!(out, "{error}")?;
            out.flush()?;
        }
        tokio::select! {
            _ = &mut stop => return Ok(()),
            () = tokio::time::sleep(every) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn modem(port: &str, state: &str, rssi: u32) -> pb::Modem {
        pb::Modem {
            port: port.to_owned(),
            state: state.to_owned(),
            model: "EC25".to_owned(),
            imei: "866758040249548".to_owned(),
            iccid: "89490150568542354080".to_owned(),
            number: "+4915190162921".to_owned(),
            operator: "Telekom.de".to_owned(),
            signal_rssi: rssi,
            registration: "registered".to_owned(),
            sms_today: 3,
            ..pb::Modem::default()
        }
    }

    #[test]
    fn signal_bars_follow_the_rssi_bands() {
        assert_eq!(signal_bars(None), None);
        assert_eq!(signal_bars(Some(99)), None);
        assert_eq!(signal_bars(Some(5)), Some(1));
        assert_eq!(signal_bars(Some(12)), Some(2));
        assert_eq!(signal_bars(Some(17)), Some(3));
        assert_eq!(signal_bars(Some(25)), Some(4));
    }

    #[test]
    fn the_table_has_a_row_per_port_and_is_plain_without_colour() {
        let snapshot = snapshot(&[
            modem("/dev/modempool/usb1-1.2", "ready", 17),
            modem("/dev/modempool/usb1-1.3", "failed", 99),
        ]);
        assert!(!snapshot.healthy);
        assert_eq!(exit_code(&snapshot), 1);
        let table = render_table(&snapshot, false);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 4, "{table}");
        assert!(lines[0].starts_with("SLOT"));
        assert!(lines[1].starts_with("usb1-1.2") && lines[1].contains("▮▮▮▯ 17"));
        assert!(lines[2].contains("failed") && lines[2].contains(" - "));
        assert_eq!(lines[3], "1/2 ports ready, 0 allocated");
        assert!(!table.contains('\x1b'));
        assert!(render_table(&snapshot, true).contains("\x1b[31mfailed"));
    }

    #[test]
    fn no_port_is_not_healthy() {
        assert_eq!(exit_code(&snapshot(&[])), 1);
        assert_eq!(exit_code(&snapshot(&[modem("/dev/x", "ready", 20)])), 0);
    }
}
