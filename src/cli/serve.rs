//! `modempool serve`: the daemon. With `--simulate N` it also runs N simulated modems
//! in-process, so it runs on any machine with no hardware and no configuration.
//!
//! It prints what it started, one fact per line (`database PATH`, the simulated ports in the
//! `modempool simulate` form, `control ADDR`, `grpc ADDR`, `metrics ADDR` when
//! `[metrics] listen` is set, `partner ADDR` when `[partner_api] listen` is,
//! `web http://ADDR/` for the rack page unless `[web]` is off), then `ready`, and runs
//! until SIGINT or SIGTERM: then it stops
//! taking API calls (open ones finish, watches end), stops every port task (each finishes
//! its command and its commit in flight), closes the database and exits 0.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::api::grpc::{self as api, ApiError};
use crate::api::http::{self, TlsError};
use crate::api::metrics::{self, MetricsError};
use crate::api::partner;
use crate::api::web::{self, WebError, WebOptions};
use crate::config::{Config, ConfigError, Overrides};
use crate::modem::{Daemon, DaemonOptions};
use crate::pool::{OpenError, Pool};
use crate::service_manager;
use crate::simulator::control;
use crate::simulator::host::{PersonalityChoice, Rack, RackConfig, SimulatorError};

/// What `serve` was asked on the command line.
#[derive(Debug, Clone)]
pub struct ServeRequest {
    /// `--config FILE`.
    pub config: Option<PathBuf>,
    /// The flags that override the file.
    pub overrides: Overrides,
    /// `--simulate N`: that many simulated modems, in-process.
    pub simulate: Option<u32>,
    /// The simulated modems' models.
    pub personality: PersonalityChoice,
    /// The simulated rack's seed.
    pub seed: u64,
    /// Where the simulator's control endpoint listens.
    pub control: SocketAddr,
    /// Where the simulated ports' links go; default a fresh directory under the temporary
    /// directory.
    pub link_dir: Option<PathBuf>,
    /// `--retry-pin ICCID`: SIMs whose refused PIN may be tried once more.
    pub retry_pins: Vec<String>,
    /// `--replay FILE`: real modems' transcripts the simulated ports play back.
    pub replay: Vec<crate::at::transcript::Transcript>,
}

/// Why `serve` stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The configuration is wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The database or the pool over it could not open (or a code pattern of the config
    /// does not compile).
    #[error(transparent)]
    Open(#[from] OpenError),
    /// The simulator could not start.
    #[error(transparent)]
    Simulator(#[from] SimulatorError),
    /// The gRPC API could not start.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The metrics endpoint could not start.
    #[error(transparent)]
    Metrics(#[from] MetricsError),
    /// The rack page could not start.
    #[error(transparent)]
    Web(#[from] WebError),
    /// The partner API's TLS files cannot be used.
    #[error("partner_api.tls: {0}")]
    PartnerTls(#[from] TlsError),
    /// An HTTP listener could not bind its address.
    #[error("{what} cannot listen on {}: {source}", address.map_or_else(|| "?".to_owned(), |a| a.to_string()))]
    Bind {
        /// Which listener.
        what: &'static str,
        /// Its address.
        address: Option<SocketAddr>,
        /// Why.
        source: io::Error,
    },
    /// Output, signals or binding failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// How long stopping may take before tasks are abandoned.
const STOP_LIMIT: Duration = Duration::from_secs(30);

/// Runs the daemon until SIGINT or SIGTERM.
pub async fn serve(request: ServeRequest, out: &mut dyn Write) -> Result<(), ServeError> {
    let mut config = match &request.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    let mut overrides = request.overrides.clone();
    let mut simulated = None;
    if let Some(ports) = request.simulate {
        let made_link_dir = request.link_dir.is_none();
        let link_dir = request.link_dir.clone().unwrap_or_else(|| {
            std::env::temp_dir().join(format!("modempool-sim-{}", std::process::id()))
        });
        let listener = control::bind(request.control).await?;
        let control_address = listener.local_addr()?;
        let rack = Arc::new(
            Rack::start(RackConfig {
                ports,
                link_dir: link_dir.clone(),
                personality: request.personality,
                seed: request.seed,
                sim_pin: None,
                replay: request.replay.clone(),
            })
            .await?,
        );
        let server = control::serve(Arc::clone(&rack), listener);
        overrides.ports.push(format!("{}/sim*", link_dir.display()));
        // With no file and no --db, the database is a file in the working directory.
        if request.config.is_none() && overrides.db.is_none() {
            overrides.db = Some(PathBuf::from("modempool.db"));
        }
        simulated = Some((
            rack,
            server,
            control_address,
            made_link_dir.then_some(link_dir),
        ));
    }
    config.apply(overrides)?;
    // Bound (and recording) before the port tasks start, so that their first states count.
    let metrics = match config.metrics.listen {
        Some(address) => Some(metrics::bind(address).await?),
        None => None,
    };
    // The certificate files are read before any modem is touched: a wrong path stops
    // `serve` at once, naming the file.
    let partner_tls = match (&config.partner_api.listen, &config.partner_api.tls) {
        (Some(_), Some(tls)) => Some(http::tls_acceptor(tls)?),
        _ => None,
    };
    let options = DaemonOptions {
        retry_pins: request.retry_pins.clone(),
        ..DaemonOptions::from_config(&config)
    };
    let database = config.database_path();
    writeln!(out, "database {}", database.display())?;
    let pool = Pool::open(&database, &config.rack_id(), config.pool.clone()).await?;
    let daemon = Daemon::start(options, pool.clone()).await;
    // The API and the expiry clock stop first, so that no call is half-answered when the
    // database closes.
    let (stop_api, api_stopping) = watch::channel(false);
    let expiry = pool.spawn_expiry(api_stopping.clone());
    let api_stopping_for_manager = api_stopping.clone();
    let metrics = metrics.map(|bound| bound.serve(pool.clone(), api_stopping.clone()));
    let partner_api = partner::serve(
        &config.partner_api,
        pool.clone(),
        partner_tls,
        api_stopping.clone(),
    )
    .await
    .map_err(|source| ServeError::Bind {
        what: "the partner API",
        address: config.partner_api.listen,
        source,
    })?;
    let server = api::serve(
        config.listen,
        &config.api,
        pool.clone(),
        api_stopping.clone(),
    )
    .await?;
    // The rack page stops with the API (its event streams end then).
    let web = if config.web.enabled {
        let options = WebOptions {
            listen: config.web.listen,
            rack: config.rack_id(),
            tokens: config.api.tokens.clone(),
        };
        Some(web::serve(options, pool.clone(), api_stopping).await?)
    } else {
        None
    };
    if let Some((rack, _, control_address, _)) = &simulated {
        for port in rack.list().await? {
            writeln!(out, "{port}")?;
        }
        writeln!(out, "control {control_address}")?;
    }
    writeln!(out, "grpc {}", server.local_addr)?;
    if let Some(metrics) = &metrics {
        writeln!(out, "metrics {}", metrics.local_addr)?;
    }
    if let Some(partner_api) = &partner_api {
        writeln!(out, "partner {}", partner_api.local_addr)?;
    }
    if let Some(web) = &web {
        writeln!(out, "web http://{}/", web.local_addr)?;
    }
    writeln!(out, "ready")?;
    out.flush()?;
    service_manager::ready(&service_manager::summary(&pool));
    let watchdog = service_manager::spawn(pool.clone(), api_stopping_for_manager);
    wait_for_stop_signal().await?;
    tracing::info!("stopping");
    service_manager::stopping();
    let _ = stop_api.send(true);
    let _ = watchdog.await;
    match tokio::time::timeout(STOP_LIMIT, server.task).await {
        Ok(Ok(Err(error))) => tracing::error!(%error, "the gRPC server failed"),
        Err(_) => tracing::warn!("API calls still open after {STOP_LIMIT:?}; stopping anyway"),
        _ => {}
    }
    if let Some(partner_api) = partner_api
        && let Ok(Ok(Err(error))) = tokio::time::timeout(STOP_LIMIT, partner_api.task).await
    {
        tracing::error!(%error, "the partner API failed");
    }
    if let Some(web) = web {
        match tokio::time::timeout(STOP_LIMIT, web.task).await {
            Ok(Ok(Err(error))) => tracing::error!(%error, "the rack page's server failed"),
            Err(_) => tracing::warn!("rack page requests still open after {STOP_LIMIT:?}"),
            _ => {}
        }
    }
    let _ = tokio::time::timeout(STOP_LIMIT, expiry).await;
    daemon.stop(STOP_LIMIT).await;
    pool.close().await;
    if let Some((rack, server, _, made_link_dir)) = simulated {
        server.abort();
        let _ = server.await;
        if let Ok(rack) = Arc::try_unwrap(rack) {
            rack.shutdown().await;
        }
        // The directory we made for the links, now empty.
        if let Some(dir) = made_link_dir {
            let _ = std::fs::remove_dir(dir);
        }
    }
    Ok(())
}

/// Waits for SIGTERM (systemd, kill) or SIGINT (Ctrl-C).
pub async fn wait_for_stop_signal() -> io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    tokio::select! {
        _ = terminate.recv() => {}
        _ = interrupt.recv() => {}
    }
    Ok(())
}
