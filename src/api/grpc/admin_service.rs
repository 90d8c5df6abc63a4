//! The `Admin` service, for technicians: the rack's modems and SIMs, a SIM's messages,
//! taking SIMs out of rotation, resets, counters. Needs an admin token (the interceptor
//! checks).

use std::path::Path;
use std::sync::atomic::Ordering;

use tonic::{Request, Response, Status};

use super::convert::{self, status_of};
use crate::api::rack_view;
use crate::inventory;
use crate::pool::{Pool, PortState};
use crate::proto::v1 as pb;
use crate::proto::v1::admin_server;

/// Default and largest number of a SIM's messages listed.
const DEFAULT_MESSAGES: usize = 50;
const MAX_MESSAGES: usize = 500;

/// The service.
#[derive(Debug, Clone)]
pub struct AdminService {
    pool: Pool,
}

impl AdminService {
    /// A service over the pool (which holds the running ports too).
    pub fn new(pool: Pool) -> AdminService {
        AdminService { pool }
    }

    fn sim(&self, iccid: &str) -> Result<pb::Sim, Status> {
        let pool = &self.pool;
        let row = pool
            .sim(iccid)
            .map_err(status_of)?
            .ok_or_else(|| Status::not_found(format!("no SIM with ICCID '{iccid}'")))?;
        let active = pool.active_allocations_by_sim().map_err(status_of)?;
        Ok(convert::sim(&row, active.get(iccid)))
    }
}

#[tonic::async_trait]
impl admin_server::Admin for AdminService {
    async fn list_modems(
        &self,
        _request: Request<pb::ListModemsRequest>,
    ) -> Result<Response<pb::ListModemsResponse>, Status> {
        let modems = rack_view::modems(&self.pool)
            .map_err(status_of)?
            .into_iter()
            .map(|view| pb::Modem {
                port: view.port,
                state: view.state,
                detail: view.detail.unwrap_or_default(),
                model: view.model.unwrap_or_default(),
                manufacturer: view.manufacturer.unwrap_or_default(),
                firmware: view.firmware.unwrap_or_default(),
                imei: view.imei.unwrap_or_default(),
                signal_rssi: view.signal_rssi.map_or(99, u32::from),
                registration: view.registration.unwrap_or_default(),
                number: view.number.unwrap_or_default(),
                operator: view.operator.unwrap_or_default(),
                sms_received: view.sms_received,
                recoveries: view.recoveries,
                active_allocation: view.active_allocation.unwrap_or_default(),
                iccid: view.iccid.unwrap_or_default(),
                updated_at: Some(convert::timestamp(view.updated_at)),
                next_retry: view.next_retry.map(convert::timestamp),
                sms_today: view.sms_today,
            })
            .collect();
        Ok(Response::new(pb::ListModemsResponse { modems }))
    }

    async fn list_sims(
        &self,
        _request: Request<pb::ListSimsRequest>,
    ) -> Result<Response<pb::ListSimsResponse>, Status> {
        let pool = &self.pool;
        let sims = pool.sims().map_err(status_of)?;
        let active = pool.active_allocations_by_sim().map_err(status_of)?;
        Ok(Response::new(pb::ListSimsResponse {
            sims: sims
                .iter()
                .map(|row| convert::sim(row, active.get(&row.iccid)))
                .collect(),
        }))
    }

    async fn list_sim_messages(
        &self,
        request: Request<pb::ListSimMessagesRequest>,
    ) -> Result<Response<pb::ListSimMessagesResponse>, Status> {
        let request = request.into_inner();
        self.sim(&request.iccid)?;
        let limit = match usize::try_from(request.limit).unwrap_or(MAX_MESSAGES) {
            0 => DEFAULT_MESSAGES,
            limit => limit.min(MAX_MESSAGES),
        };
        let messages = self
            .pool
            .latest_messages(&request.iccid, limit)
            .map_err(status_of)?;
        Ok(Response::new(pb::ListSimMessagesResponse {
            messages: messages
                .iter()
                .map(|message| pb::SimMessage {
                    message_id: u64::try_from(message.id.0).unwrap_or(0),
                    allocation_id: message.allocation_id.clone().unwrap_or_default(),
                    kind: message.kind.as_str().to_owned(),
                    sender: convert::address(
                        message.sender.as_deref(),
                        message.sender_type.as_deref(),
                    ),
                    text: message.text.clone().unwrap_or_default(),
                    received_at: Some(convert::timestamp(message.received_at)),
                    sent_at: message.sent_at.map(convert::timestamp),
                    incomplete: message.incomplete,
                    port: message.port_path.clone(),
                })
                .collect(),
        }))
    }

    async fn set_sim_state(
        &self,
        request: Request<pb::SetSimStateRequest>,
    ) -> Result<Response<pb::Sim>, Status> {
        let request = request.into_inner();
        let state = convert::sim_state_from(request.state).map_err(status_of)?;
        let found = self
            .pool
            .set_sim_state(&request.iccid, state, request.reason.trim())
            .await
            .map_err(status_of)?;
        if !found {
            return Err(Status::not_found(format!(
                "no SIM with ICCID '{}'",
                request.iccid
            )));
        }
        Ok(Response::new(self.sim(&request.iccid)?))
    }

    async fn set_sim_number(
        &self,
        request: Request<pb::SetSimNumberRequest>,
    ) -> Result<Response<pb::Sim>, Status> {
        let request = request.into_inner();
        let current = self.sim(&request.iccid)?;
        let country = (!current.country.is_empty()).then_some(current.country.as_str());
        let number = inventory::normalise(&request.number, country).map_err(|error| {
            Status::invalid_argument(format!("number '{}': {error}", request.number))
        })?;
        self.pool
            .set_sim_number(&request.iccid, &number)
            .await
            .map_err(status_of)?;
        Ok(Response::new(self.sim(&request.iccid)?))
    }

    async fn reset_modem(
        &self,
        request: Request<pb::ResetModemRequest>,
    ) -> Result<Response<pb::ResetModemResponse>, Status> {
        let port = request.into_inner().port;
        if !self.pool.reset_port(Path::new(&port)) {
            return Err(Status::not_found(format!("no running port '{port}'")));
        }
        Ok(Response::new(pb::ResetModemResponse {}))
    }

    async fn get_counters(
        &self,
        _request: Request<pb::GetCountersRequest>,
    ) -> Result<Response<pb::Counters>, Status> {
        let pool = &self.pool;
        let totals = pool.rental_totals().map_err(status_of)?;
        let ports = self.pool.live_ports();
        let count = |value: usize| u32::try_from(value).unwrap_or(u32::MAX);
        Ok(Response::new(pb::Counters {
            ports: count(ports.len()),
            ports_ready: count(
                ports
                    .iter()
                    .filter(|port| port.state == PortState::Ready)
                    .count(),
            ),
            sims: count(pool.sims().map_err(status_of)?.len()),
            messages: pool.message_count().map_err(status_of)?,
            messages_outside_allocations: totals.messages_unattributed,
            allocations_active: u32::try_from(totals.active).unwrap_or(u32::MAX),
            allocations_total: totals.total,
            allocations_with_sms: totals.with_messages,
            store_batches_committed: pool.batches_committed(),
            allocate_no_stock: self.pool.counters().no_stock.load(Ordering::Relaxed),
        }))
    }
}
