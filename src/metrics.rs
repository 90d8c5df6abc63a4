//! Metrics: what the daemon counts and measures, and the endpoint that shows it in the
//! Prometheus text format (`[metrics] listen`, `GET /metrics`).
//!
//! This module owns every metric name and label: the rest of the code calls one function
//! per fact (`port_state`, `sms_received`, `allocation_released`, ...) and never spells a name,
//! so that the names stay consistent and documented in one place. Labels are bounded: a
//! port's path, a state, a recovery step, a release reason; never an ICCID, a number or an
//! allocation id, which would grow the series without end.
//!
//! These functions go through the `metrics` facade: until [`bind`] installs the recorder
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

use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;
use metrics_exporter_prometheus::{BuildError, Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::http_server;

use crate::modem::PortState;
use crate::store::{ReleaseReason, Store};

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
/// At `Opening` (the first state of every attempt) the port's counters are registered at
/// zero, so that they read 0 rather than missing before their first event.
pub fn port_state(path: &str, state: PortState) {
    for each in PortState::ALL {
        let up = if each == state { 1.0 } else { 0.0 };
        metrics::gauge!(PORT_UP, "port" => path.to_owned(), "state" => each.as_str()).set(up);
    }
    if state == PortState::Opening {
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
pub fn allocation_released(reason: ReleaseReason) {
    metrics::counter!(ALLOCATIONS_RELEASED, "reason" => reason.as_str()).increment(1);
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

/// Reads what only the store knows and sets it: allocations active now, batches committed.
fn sample_store(store: &Store) {
    match store.rental_totals() {
        Ok(totals) => {
            // Allocation counts stay far below 2^53: the conversion is exact.
            metrics::gauge!(ALLOCATIONS, "state" => "active").set(totals.active as f64);
        }
        Err(error) => tracing::warn!(%error, "metrics: could not count allocations"),
    }
    metrics::counter!(STORE_BATCHES).absolute(store.batches_committed());
}

/// Describes every metric (the `# HELP` lines) and registers the series whose labels are
/// known in advance at zero, so that a counter reads 0 rather than missing before its
/// first event (`rate()` and alerts need the 0).
fn describe() {
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
    for reason in [
        ReleaseReason::Completed,
        ReleaseReason::Cancelled,
        ReleaseReason::BadNumber,
    ] {
        metrics::counter!(ALLOCATIONS_RELEASED, "reason" => reason.as_str()).increment(0);
    }
}

// ---- the endpoint -------------------------------------------------------------------------

/// Why the metrics endpoint could not start.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    /// The address could not be bound (in use, not an address of this host, a privileged
    /// port).
    #[error("metrics.listen: cannot listen on {address}: {reason}")]
    Bind {
        /// The address asked for.
        address: SocketAddr,
        /// Why. Not a `source`: the message holds it already, and error chains printed in
        /// full would say it twice.
        reason: std::io::Error,
    },
    /// The recorder could not be built or installed (another one is installed).
    #[error("metrics: {0}")]
    Recorder(String),
}

impl From<BuildError> for MetricsError {
    fn from(error: BuildError) -> Self {
        MetricsError::Recorder(error.to_string())
    }
}

/// The running endpoint.
#[derive(Debug)]
pub struct Endpoint {
    /// The address bound: the one configured, with the port the system chose for port 0.
    pub local_addr: SocketAddr,
    /// The task serving it and sampling the store; ends when `shutdown` turns true.
    pub task: JoinHandle<()>,
}

/// The recorder's handle, once installed: the process has one global recorder, so a second
/// endpoint in the same process (tests) shares it.
static HANDLE: Mutex<Option<PrometheusHandle>> = Mutex::new(None);

/// Installs the Prometheus recorder (once per process) and returns its handle.
fn install() -> Result<PrometheusHandle, MetricsError> {
    let mut installed = HANDLE
        .lock()
        .map_err(|_| MetricsError::Recorder("the recorder's lock is poisoned".to_owned()))?;
    if let Some(handle) = installed.as_ref() {
        return Ok(handle.clone());
    }
    let recorder = PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full(INGEST_LATENCY.to_owned()),
            &INGEST_LATENCY_BUCKETS,
        )?
        .build_recorder();
    let handle = recorder.handle();
    metrics::set_global_recorder(recorder)
        .map_err(|error| MetricsError::Recorder(format!("cannot install the recorder: {error}")))?;
    describe();
    *installed = Some(handle.clone());
    Ok(handle)
}

/// The endpoint's socket, bound, with the recorder installed: from here on every recording
/// function records. [`Bound::serve`] starts answering scrapes.
#[derive(Debug)]
pub struct Bound {
    listener: TcpListener,
    local_addr: SocketAddr,
    handle: PrometheusHandle,
}

/// Binds `address` and installs the recorder (once per process). Call it inside the
/// daemon's Tokio runtime, before the port tasks start, so that their first states are
/// recorded; then [`Bound::serve`] once the store is open.
///
/// Why not the exporter crate's own listener: it cannot report the port it bound, and a
/// test or a supervisor asking for port 0 needs that port (printed as `metrics ADDR`).
///
/// # Errors
/// [`MetricsError::Bind`] naming the address when it cannot be bound;
/// [`MetricsError::Recorder`] when another metrics recorder is installed.
pub async fn bind(address: SocketAddr) -> Result<Bound, MetricsError> {
    let bind_error = |reason| MetricsError::Bind { address, reason };
    let listener = TcpListener::bind(address).await.map_err(bind_error)?;
    let local_addr = listener.local_addr().map_err(bind_error)?;
    let handle = install()?;
    if !local_addr.ip().is_loopback() {
        tracing::warn!(
            %local_addr,
            "the metrics endpoint is reachable from other hosts and has no authentication"
        );
    }
    Ok(Bound {
        listener,
        local_addr,
        handle,
    })
}

impl Bound {
    /// The address bound: the one configured, with the port the system chose for port 0.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Serves `GET /metrics` until `shutdown` turns true, refreshing the store's figures
    /// (allocations, batches) every [`SAMPLE_INTERVAL`].
    pub fn serve(self, store: Store, shutdown: watch::Receiver<bool>) -> Endpoint {
        sample_store(&store);
        tracing::info!(local_addr = %self.local_addr, "metrics endpoint listening");
        Endpoint {
            local_addr: self.local_addr,
            task: tokio::spawn(async move {
                let server = http_server::serve_bound(
                    self.listener,
                    router(self.handle.clone()),
                    None,
                    shutdown.clone(),
                );
                sample(self.handle, store, shutdown).await;
                if let Ok(Err(error)) = server.await {
                    tracing::warn!(%error, "metrics: the endpoint failed");
                }
            }),
        }
    }
}

/// Refreshes the store's figures and runs the recorder's upkeep every [`SAMPLE_INTERVAL`]
/// until `shutdown` turns true.
async fn sample(handle: PrometheusHandle, store: Store, mut shutdown: watch::Receiver<bool>) {
    // The first sample was taken by `Bound::serve`, before `ready`.
    let mut sample = tokio::time::interval_at(
        tokio::time::Instant::now() + SAMPLE_INTERVAL,
        SAMPLE_INTERVAL,
    );
    sample.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        if *shutdown.borrow_and_update() {
            return;
        }
        tokio::select! {
            changed = shutdown.changed() => {
                if changed.is_err() {
                    return;
                }
            }
            _ = sample.tick() => {
                handle.run_upkeep();
                // Counting allocations reads the database: off the async threads.
                let store = store.clone();
                let _ = tokio::task::spawn_blocking(move || sample_store(&store)).await;
            }
        }
    }
}

/// The scrape endpoint: `GET /metrics` (and `HEAD`) in the Prometheus text format; any
/// other path or method says what is wrong.
fn router(handle: PrometheusHandle) -> Router {
    let text = |status: StatusCode, content_type: &'static str, body: String| {
        (status, [(CONTENT_TYPE, content_type)], body).into_response()
    };
    Router::new()
        .route(
            "/metrics",
            get(move || async move {
                text(
                    StatusCode::OK,
                    "text/plain; version=0.0.4; charset=utf-8",
                    handle.render(),
                )
            }),
        )
        .fallback(move || async move {
            text(
                StatusCode::NOT_FOUND,
                "text/plain; charset=utf-8",
                "not found: the metrics are at /metrics\n".to_owned(),
            )
        })
        .method_not_allowed_fallback(move || async move {
            text(
                StatusCode::METHOD_NOT_ALLOWED,
                "text/plain; charset=utf-8",
                "only GET\n".to_owned(),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_port_state_has_a_series() {
        // `port_state` writes one series per state: the list must be complete.
        let names: std::collections::BTreeSet<&str> =
            PortState::ALL.iter().map(|state| state.as_str()).collect();
        assert_eq!(names.len(), 9);
    }

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
        port_state("/dev/a", PortState::Ready);
        port_signal("/dev/a", None);
        sms_received("/dev/a");
        command_timeout("/dev/a");
        modem_reset("/dev/a", RecoveryStep::PowerCycle);
        ingest_committed(Duration::from_millis(3), 2);
        allocations_created(1);
        allocation_released(ReleaseReason::BadNumber);
        allocations_expired(0);
    }
}
