//! Domain types to wire types and back, and pool errors to gRPC statuses: in one place, so
//! that every service answers alike.

use std::time::Duration;

use prost_types::Timestamp;
use time::OffsetDateTime;
use tonic::Status;

use crate::pool::{
    AllocationRow, AllocationState, FeedItem, FeedKind, MessageRow, PoolError, ReleaseReason,
    RerentReason, SimRow, SimState,
};
use crate::proto::v1 as pb;

/// A pool error as the status a client sees: the code says what kind, the message what.
pub fn status_of(error: PoolError) -> Status {
    match error {
        PoolError::InvalidArgument(message) => Status::invalid_argument(message),
        PoolError::NotFound(message) => Status::not_found(message),
        PoolError::FailedPrecondition(message) => Status::failed_precondition(message),
        PoolError::NoStock(message) => Status::resource_exhausted(message),
        PoolError::AlreadyExists(message) => Status::already_exists(message),
        PoolError::Store(error) => {
            tracing::error!(%error, "store error answering a request");
            Status::unavailable(format!("the database failed; retry: {error}"))
        }
    }
}

/// A time on the wire.
pub fn timestamp(time: OffsetDateTime) -> Timestamp {
    Timestamp {
        seconds: time.unix_timestamp(),
        nanos: i32::try_from(time.nanosecond()).unwrap_or(0),
    }
}

/// A duration on the wire.
pub fn duration(duration: Duration) -> prost_types::Duration {
    prost_types::Duration {
        seconds: i64::try_from(duration.as_secs()).unwrap_or(i64::MAX),
        nanos: i32::try_from(duration.subsec_nanos()).unwrap_or(0),
    }
}

/// A wire duration as a positive `Duration`, or INVALID_ARGUMENT naming `field`.
pub fn positive_duration(
    value: &prost_types::Duration,
    field: &str,
) -> Result<Duration, PoolError> {
    let seconds = u64::try_from(value.seconds).ok();
    let nanos = u32::try_from(value.nanos)
        .ok()
        .filter(|nanos| *nanos < 1_000_000_000);
    match (seconds, nanos) {
        (Some(seconds), Some(nanos)) => Ok(Duration::new(seconds, nanos)),
        _ => Err(PoolError::InvalidArgument(format!(
            "{field}: not a positive duration ({}s {}ns)",
            value.seconds, value.nanos
        ))),
    }
}

/// An allocation's state on the wire.
pub fn allocation_state(state: AllocationState) -> pb::AllocationState {
    match state {
        AllocationState::Active => pb::AllocationState::Active,
        AllocationState::Released => pb::AllocationState::Released,
        AllocationState::Expired => pb::AllocationState::Expired,
    }
}

/// A wire state as a filter (`None`: any).
pub fn state_filter(state: i32) -> Result<Option<AllocationState>, PoolError> {
    match pb::AllocationState::try_from(state) {
        Ok(pb::AllocationState::Unspecified) => Ok(None),
        Ok(pb::AllocationState::Active) => Ok(Some(AllocationState::Active)),
        Ok(pb::AllocationState::Released) => Ok(Some(AllocationState::Released)),
        Ok(pb::AllocationState::Expired) => Ok(Some(AllocationState::Expired)),
        Err(_) => Err(PoolError::InvalidArgument(format!(
            "state: {state} is not an AllocationState"
        ))),
    }
}

/// A wire release reason (required).
pub fn release_reason(reason: i32) -> Result<ReleaseReason, PoolError> {
    match pb::ReleaseReason::try_from(reason) {
        Ok(pb::ReleaseReason::Completed) => Ok(ReleaseReason::Completed),
        Ok(pb::ReleaseReason::Cancelled) => Ok(ReleaseReason::Cancelled),
        Ok(pb::ReleaseReason::BadNumber) => Ok(ReleaseReason::BadNumber),
        Ok(pb::ReleaseReason::Unspecified) | Err(_) => Err(PoolError::InvalidArgument(format!(
            "reason: {reason} is not COMPLETED, CANCELLED or BAD_NUMBER"
        ))),
    }
}

/// An allocation on the wire.
pub fn allocation(row: &AllocationRow) -> pb::Allocation {
    pb::Allocation {
        id: row.id.clone(),
        service: row.service.clone(),
        number: row.number.clone(),
        country: row.country.clone().unwrap_or_default(),
        operator: row.operator.clone().unwrap_or_default(),
        state: allocation_state(row.state).into(),
        created_at: Some(timestamp(row.created_at)),
        expires_at: Some(timestamp(row.expires_at)),
        ended_at: row.ended_at.map(timestamp),
        release_reason: match row.release_reason {
            None => pb::ReleaseReason::Unspecified,
            Some(ReleaseReason::Completed) => pb::ReleaseReason::Completed,
            Some(ReleaseReason::Cancelled) => pb::ReleaseReason::Cancelled,
            Some(ReleaseReason::BadNumber) => pb::ReleaseReason::BadNumber,
        }
        .into(),
        message_count: row.message_count,
        first_message_at: row.first_message_at.map(timestamp),
        rerent: row.rerent,
    }
}

/// A sender's address on the wire.
pub fn address(value: Option<&str>, kind: Option<&str>) -> Option<pb::Address> {
    let value = value?;
    let kind = match kind {
        Some("international") => pb::AddressType::International,
        Some("national") => pb::AddressType::National,
        Some("alphanumeric") => pb::AddressType::Alphanumeric,
        Some("unknown") => pb::AddressType::Unknown,
        _ => pb::AddressType::Unspecified,
    };
    Some(pb::Address {
        value: value.to_owned(),
        r#type: kind.into(),
    })
}

/// A message as its allocation sees it, with the code the pool found in it.
pub fn allocation_message(
    allocation_id: &str,
    number: &str,
    message: &MessageRow,
) -> pb::AllocationMessage {
    pb::AllocationMessage {
        allocation_id: allocation_id.to_owned(),
        number: number.to_owned(),
        message_id: u64::try_from(message.id.0).unwrap_or(0),
        sender: address(message.sender.as_deref(), message.sender_type.as_deref()),
        text: message.text.clone().unwrap_or_default(),
        code: message.code.clone().unwrap_or_default(),
        received_at: Some(timestamp(message.received_at)),
        sent_at: message.sent_at.map(timestamp),
        incomplete: message.incomplete,
    }
}

/// A feed entry as WatchMessages streams it.
pub fn feed_item(item: &FeedItem) -> pb::WatchMessagesResponse {
    use pb::watch_messages_response::Item;
    let event = |kind: pb::AllocationEventKind| {
        Item::Event(pb::AllocationEvent {
            allocation_id: item.allocation_id.clone(),
            kind: kind.into(),
            at: Some(timestamp(item.at)),
            detail: item.detail.clone(),
        })
    };
    let entry = match (item.kind, &item.message) {
        (FeedKind::Message, Some(message)) => Item::Message(allocation_message(
            &item.allocation_id,
            &item.number,
            message,
        )),
        // The schema ties a message entry to its message; should one be missing, say so
        // rather than stream an empty SMS.
        (FeedKind::Message, None) => event(pb::AllocationEventKind::Unspecified),
        (FeedKind::Expired, _) => event(pb::AllocationEventKind::Expired),
        (FeedKind::Released, _) => event(pb::AllocationEventKind::Released),
        (FeedKind::Extended, _) => event(pb::AllocationEventKind::Extended),
        (FeedKind::SimLost, _) => event(pb::AllocationEventKind::SimLost),
        (FeedKind::SimBack, _) => event(pb::AllocationEventKind::SimBack),
    };
    pb::WatchMessagesResponse {
        cursor: u64::try_from(item.cursor).unwrap_or(0),
        item: Some(entry),
    }
}

/// A re-rent reason on the wire.
pub fn rerent_reason(reason: RerentReason) -> pb::RerentReason {
    match reason {
        RerentReason::Ok => pb::RerentReason::Ok,
        RerentReason::InvalidNumber => pb::RerentReason::InvalidNumber,
        RerentReason::NotInInventory => pb::RerentReason::NotInInventory,
        RerentReason::NotUsedForService => pb::RerentReason::NotUsedForService,
        RerentReason::CurrentlyAllocated => pb::RerentReason::CurrentlyAllocated,
        RerentReason::SimNotPresent => pb::RerentReason::SimNotPresent,
        RerentReason::SimUnhealthy => pb::RerentReason::SimUnhealthy,
        RerentReason::QuarantinedForService => pb::RerentReason::QuarantinedForService,
        RerentReason::CoolingDown => pb::RerentReason::CoolingDown,
    }
}

/// A SIM on the wire.
pub fn sim(row: &SimRow, active_allocation: Option<&String>) -> pb::Sim {
    pb::Sim {
        iccid: row.iccid.clone(),
        imsi: row.imsi.clone().unwrap_or_default(),
        number: row
            .number
            .as_ref()
            .map(|number| number.number.clone())
            .unwrap_or_default(),
        number_source: row
            .number
            .as_ref()
            .map(|number| number.source.as_str().to_owned())
            .unwrap_or_default(),
        country: row.country.clone().unwrap_or_default(),
        operator: row.operator.clone().unwrap_or_default(),
        state: sim_state(row.state).into(),
        health: u32::try_from(row.health).unwrap_or(0),
        port: row.port_path.clone().unwrap_or_default(),
        first_seen: Some(timestamp(row.first_seen)),
        last_seen: Some(timestamp(row.last_seen)),
        active_allocation: active_allocation.cloned().unwrap_or_default(),
    }
}

/// A SIM state on the wire.
pub fn sim_state(state: SimState) -> pb::SimState {
    match state {
        SimState::Active => pb::SimState::Active,
        SimState::Quarantined => pb::SimState::Quarantined,
        SimState::Retired => pb::SimState::Retired,
    }
}

/// A wire SIM state (required).
pub fn sim_state_from(state: i32) -> Result<SimState, PoolError> {
    match pb::SimState::try_from(state) {
        Ok(pb::SimState::Active) => Ok(SimState::Active),
        Ok(pb::SimState::Quarantined) => Ok(SimState::Quarantined),
        Ok(pb::SimState::Retired) => Ok(SimState::Retired),
        Ok(pb::SimState::Unspecified) | Err(_) => Err(PoolError::InvalidArgument(format!(
            "state: {state} is not ACTIVE, QUARANTINED or RETIRED"
        ))),
    }
}
