//! The simulator's control endpoint: the `SimulatorControl` gRPC service of
//! `proto/modempool/v1/simulator.proto` over a running [`Rack`], and the client calls that
//! `modempool sim` makes.
//!
//! gRPC because the daemon speaks it already (one stack, one set of tools: grpcurl works
//! against it) and because the requests are typed. The service only translates: every
//! decision about a port is its port task's.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::task::JoinHandle;
use tonic::{Request, Response, Status};

use super::host::{PortView, Rack, RackFault, SimulatorError};
use super::modem::Fault;
use super::sms::IncomingSms;
use crate::pdu::MessageClass;
use crate::proto::v1 as pb;
use crate::proto::v1::simulator_control_server::{SimulatorControl, SimulatorControlServer};

/// Serves the control endpoint for `rack` on `listener` until the rack is dropped or the
/// task aborted. Returns the task; the address is the listener's.
pub fn serve(
    rack: Arc<Rack>,
    listener: tokio::net::TcpListener,
) -> JoinHandle<Result<(), tonic::transport::Error>> {
    let service = SimulatorControlServer::new(ControlService { rack });
    // Without TCP_NODELAY a small reply can wait for the client's delayed ACK (Nagle):
    // 40 ms added to a fair share of SendSms calls, which every test and bench would measure.
    let incoming = tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true));
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(service)
            .serve_with_incoming(incoming),
    )
}

/// Binds `address` (port 0: any free port) for [`serve`]; the error names the address.
pub async fn bind(address: SocketAddr) -> Result<tokio::net::TcpListener, std::io::Error> {
    tokio::net::TcpListener::bind(address)
        .await
        .map_err(|error| {
            std::io::Error::new(error.kind(), format!("cannot listen on {address}: {error}"))
        })
}

struct ControlService {
    rack: Arc<Rack>,
}

fn status(error: SimulatorError) -> Status {
    match error {
        SimulatorError::NoSuchPort { .. } => Status::not_found(error.to_string()),
        SimulatorError::Sms(_) | SimulatorError::BadRequest(_) => {
            Status::invalid_argument(error.to_string())
        }
        SimulatorError::Fault { .. } => Status::failed_precondition(error.to_string()),
        _ => Status::internal(error.to_string()),
    }
}

/// The wire form of a port.
pub fn port_to_proto(view: &PortView) -> pb::SimulatedPort {
    pb::SimulatedPort {
        index: view.index,
        link: view.link.display().to_string(),
        tty: view.tty.clone().unwrap_or_default(),
        personality: view.personality.to_string(),
        imei: view.imei.clone(),
        iccid: view.iccid.clone().unwrap_or_default(),
        imsi: view.imsi.clone().unwrap_or_default(),
        msisdn: view.msisdn.clone().unwrap_or_default(),
        msisdn_on_sim: view.msisdn_on_sim,
        stored: view.stored,
        listings: view.listings,
        faults: view.faults.clone(),
    }
}

/// The port a wire message describes, for the client to print in the start-up line's form.
pub fn port_from_proto(port: pb::SimulatedPort) -> Result<PortView, String> {
    let non_empty = |text: String| (!text.is_empty()).then_some(text);
    Ok(PortView {
        index: port.index,
        link: port.link.into(),
        tty: non_empty(port.tty),
        personality: port
            .personality
            .parse()
            .map_err(|_| format!("unknown personality `{}`", port.personality))?,
        imei: port.imei,
        iccid: non_empty(port.iccid),
        imsi: non_empty(port.imsi),
        msisdn: non_empty(port.msisdn),
        msisdn_on_sim: port.msisdn_on_sim,
        stored: port.stored,
        listings: port.listings,
        faults: port.faults,
    })
}

/// The fault a request names, or why it names none.
fn fault_from_proto(request: &pb::InjectFaultRequest) -> Result<RackFault, Status> {
    use pb::Fault as F;
    let fault = F::try_from(request.fault)
        .map_err(|_| Status::invalid_argument(format!("unknown fault {}", request.fault)))?;
    Ok(match fault {
        F::Unspecified => return Err(Status::invalid_argument("no fault given")),
        F::Hang => RackFault::Modem(Fault::Hang),
        F::Unplug => RackFault::Unplug,
        F::Replug => RackFault::Replug,
        F::Reboot => RackFault::Modem(Fault::Reboot),
        F::Garbage => RackFault::Modem(Fault::Garbage),
        F::SimRemove => RackFault::Modem(Fault::SimRemove),
        F::SimInsert => RackFault::Modem(Fault::SimInsert),
        F::SimSwap => RackFault::SimSwap,
        F::StorageFull => RackFault::Modem(Fault::StorageFull),
        F::Slow => {
            if request.delay_ms == 0 || request.delay_ms > 600_000 {
                return Err(Status::invalid_argument(
                    "slow needs delay_ms between 1 and 600000",
                ));
            }
            RackFault::Modem(Fault::Slow(std::time::Duration::from_millis(
                request.delay_ms,
            )))
        }
        F::NotRegistered => RackFault::Modem(Fault::NotRegistered),
        F::Registered => RackFault::Modem(Fault::Registered),
        F::Clear => RackFault::Modem(Fault::Clear),
    })
}

/// The SMS a request describes.
fn sms_from_proto(request: &pb::SendSmsRequest) -> Result<IncomingSms, Status> {
    let class = match request.class {
        None => None,
        Some(number) => Some(MessageClass::from_number(number).ok_or_else(|| {
            Status::invalid_argument(format!("class must be 0 to 3, not {number}"))
        })?),
    };
    let small = |value: u32, what: &str| {
        u8::try_from(value)
            .map_err(|_| Status::invalid_argument(format!("{what} must be at most 255")))
    };
    Ok(IncomingSms {
        from: request.from.clone(),
        text: request.text.clone(),
        ucs2: request.ucs2,
        parts: match request.parts {
            0 => None,
            n => Some(small(n, "parts")?),
        },
        class,
        shuffle: request.shuffle,
        drop_part: match request.drop_part {
            0 => None,
            n => Some(small(n, "drop_part")?),
        },
    })
}

#[tonic::async_trait]
impl SimulatorControl for ControlService {
    async fn list_ports(
        &self,
        _request: Request<pb::ListPortsRequest>,
    ) -> Result<Response<pb::ListPortsResponse>, Status> {
        let ports = self.rack.list().await.map_err(status)?;
        Ok(Response::new(pb::ListPortsResponse {
            ports: ports.iter().map(port_to_proto).collect(),
        }))
    }

    async fn send_sms(
        &self,
        request: Request<pb::SendSmsRequest>,
    ) -> Result<Response<pb::SendSmsResponse>, Status> {
        let request = request.into_inner();
        let sms = sms_from_proto(&request)?;
        let outcomes = self
            .rack
            .send_sms(request.port, sms, request.count.max(1))
            .await
            .map_err(status)?;
        Ok(Response::new(pb::SendSmsResponse { outcomes }))
    }

    async fn inject_fault(
        &self,
        request: Request<pb::InjectFaultRequest>,
    ) -> Result<Response<pb::InjectFaultResponse>, Status> {
        let request = request.into_inner();
        let fault = fault_from_proto(&request)?;
        let view = self.rack.fault(request.port, fault).await.map_err(status)?;
        Ok(Response::new(pb::InjectFaultResponse {
            port: Some(port_to_proto(&view)),
        }))
    }
}
