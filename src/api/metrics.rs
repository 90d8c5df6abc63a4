//! The Prometheus scrape endpoint (`[metrics] listen`, `GET /metrics`): installs the
//! recorder the metric functions of [`crate::metrics`] record into, serves it through the
//! shared HTTP server, and samples what only the pool knows (allocations active now, write
//! batches committed) every [`SAMPLE_INTERVAL`].

use std::net::SocketAddr;
use std::sync::Mutex;

use axum::Router;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;
use metrics_exporter_prometheus::{BuildError, Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::api::http;
use crate::metrics::{
    ALLOCATIONS, INGEST_LATENCY, INGEST_LATENCY_BUCKETS, SAMPLE_INTERVAL, STORE_BATCHES, describe,
};
use crate::pool::Pool;
use crate::ticker;

/// Reads what only the pool knows and sets it: allocations active now, batches committed.
fn sample_pool(pool: &Pool) {
    match pool.rental_totals() {
        Ok(totals) => {
            // Allocation counts stay far below 2^53: the conversion is exact.
            metrics::gauge!(ALLOCATIONS, "state" => "active").set(totals.active as f64);
        }
        Err(error) => tracing::warn!(%error, "metrics: could not count allocations"),
    }
    metrics::counter!(STORE_BATCHES).absolute(pool.batches_committed());
}

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
    /// The task serving it and sampling the pool; ends when `shutdown` turns true.
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
/// recorded; then [`Bound::serve`] once the pool is up.
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

    /// Serves `GET /metrics` until `shutdown` turns true, refreshing the pool's figures
    /// (allocations, batches) every [`SAMPLE_INTERVAL`].
    pub fn serve(self, pool: Pool, shutdown: watch::Receiver<bool>) -> Endpoint {
        sample_pool(&pool);
        tracing::info!(local_addr = %self.local_addr, "metrics endpoint listening");
        Endpoint {
            local_addr: self.local_addr,
            task: tokio::spawn(async move {
                let server = http::serve_bound(
                    self.listener,
                    router(self.handle.clone()),
                    None,
                    shutdown.clone(),
                );
                sample(self.handle, pool, shutdown).await;
                if let Ok(Err(error)) = server.await {
                    tracing::warn!(%error, "metrics: the endpoint failed");
                }
            }),
        }
    }
}

/// Refreshes the pool's figures and runs the recorder's upkeep every [`SAMPLE_INTERVAL`]
/// until `shutdown` turns true.
async fn sample(handle: PrometheusHandle, pool: Pool, shutdown: watch::Receiver<bool>) {
    // The first sample was taken by `Bound::serve`, before `ready`.
    let mut sample = tokio::time::interval_at(
        tokio::time::Instant::now() + SAMPLE_INTERVAL,
        SAMPLE_INTERVAL,
    );
    sample.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let (handle, pool) = (&handle, &pool);
    ticker::every_tick_until_shutdown(sample, shutdown, move || async move {
        handle.run_upkeep();
        // Counting allocations reads the database: off the async threads.
        let pool = pool.clone();
        let _ = tokio::task::spawn_blocking(move || sample_pool(&pool)).await;
    })
    .await;
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
