//! `modempool simulate` (run a simulated rack on pseudo-terminals) and `modempool sim` (talk
//! to its control endpoint).
//!
//! Both print ports in one form, `sim0 /dev/pts/7 personality=... imei=... iccid=...
//! msisdn=+... stored=N faults=none`, so that a script reading the start-up lines can read
//! `sim list` the same way.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::sync::Arc;

use crate::proto::v1 as pb;
use crate::proto::v1::simulator_control_client::SimulatorControlClient;
use crate::simulator::control::{self, port_from_proto};
use crate::simulator::host::{Rack, RackConfig, SimulatorError};

/// Why a simulator command failed.
#[derive(Debug, thiserror::Error)]
pub enum SimulateError {
    /// The rack could not be started.
    #[error(transparent)]
    Simulator(#[from] SimulatorError),
    /// Writing the output, binding the control address or waiting for signals failed.
    #[error(transparent)]
    Io(#[from] io::Error),
    /// The control endpoint could not be reached.
    #[error("cannot reach the simulator's control endpoint at {address}: {source}")]
    Connect {
        /// The address tried.
        address: String,
        /// The cause.
        source: tonic::transport::Error,
    },
    /// The simulator refused the request.
    #[error("{}", .0.message())]
    Refused(tonic::Status),
    /// The simulator answered something that cannot be shown.
    #[error("unexpected answer from the simulator: {0}")]
    BadAnswer(String),
}

/// Runs a rack until SIGINT or SIGTERM: prints one line per port, `control <address>`, then
/// `ready`, and removes the links on the way out.
pub async fn simulate(
    config: RackConfig,
    control_address: SocketAddr,
    out: &mut dyn Write,
) -> Result<(), SimulateError> {
    let listener = control::bind(control_address).await?;
    let bound = listener.local_addr()?;
    let rack = Arc::new(Rack::start(config).await?);
    let server = control::serve(Arc::clone(&rack), listener);
    for port in rack.list().await? {
        writeln!(out, "{port}")?;
    }
    writeln!(out, "control {bound}")?;
    writeln!(out, "ready")?;
    out.flush()?;
    super::serve::wait_for_stop_signal().await?;
    server.abort();
    let _ = server.await;
    if let Ok(rack) = Arc::try_unwrap(rack) {
        rack.shutdown().await;
    }
    Ok(())
}

/// What `modempool sim` asks.
#[derive(Debug, Clone)]
pub enum SimRequest {
    /// List the ports.
    List,
    /// Deliver an SMS.
    Send(pb::SendSmsRequest),
    /// Inject a fault.
    Fault(pb::InjectFaultRequest),
}

/// Sends `request` to the control endpoint at `address` (`host:port` or a URI) and prints
/// the answer: ports in the start-up line form, or one outcome per SMS part.
pub async fn sim(
    address: &str,
    request: SimRequest,
    out: &mut dyn Write,
) -> Result<(), SimulateError> {
    let uri = if address.contains("://") {
        address.to_owned()
    } else {
        format!("http://{address}")
    };
    let mut client = SimulatorControlClient::connect(uri)
        .await
        .map_err(|source| SimulateError::Connect {
            address: address.to_owned(),
            source,
        })?;
    match request {
        SimRequest::List => {
            let ports = client
                .list_ports(pb::ListPortsRequest {})
                .await
                .map_err(SimulateError::Refused)?
                .into_inner()
                .ports;
            for port in ports {
                writeln!(
                    out,
                    "{}",
                    port_from_proto(port).map_err(SimulateError::BadAnswer)?
                )?;
            }
        }
        SimRequest::Send(request) => {
            let outcomes = client
                .send_sms(request)
                .await
                .map_err(SimulateError::Refused)?
                .into_inner()
                .outcomes;
            for outcome in outcomes {
                writeln!(out, "{outcome}")?;
            }
        }
        SimRequest::Fault(request) => {
            let port = client
                .inject_fault(request)
                .await
                .map_err(SimulateError::Refused)?
                .into_inner()
                .port
                .ok_or_else(|| SimulateError::BadAnswer("no port in the answer".to_owned()))?;
            writeln!(
                out,
                "{}",
                port_from_proto(port).map_err(SimulateError::BadAnswer)?
            )?;
        }
    }
    out.flush()?;
    Ok(())
}
