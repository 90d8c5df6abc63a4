//! The types of renting numbers out, as the store takes and gives them. The rules that use
//! them are in `allocation` (writes) and `rental_read` (reads); the API turns them into
//! wire messages.

use std::time::Duration;

use time::OffsetDateTime;

use super::model::MessageRow;

/// Where an allocation is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AllocationState {
    /// Its number is rented out: SMS arriving on its SIM are its own.
    Active,
    /// Ended by its renter (or an admin).
    Released,
    /// Its lease ran out.
    Expired,
}

impl AllocationState {
    /// The name stored in `allocations.state`.
    pub fn as_str(self) -> &'static str {
        match self {
            AllocationState::Active => "active",
            AllocationState::Released => "released",
            AllocationState::Expired => "expired",
        }
    }

    /// The state a stored name stands for.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "active" => AllocationState::Active,
            "released" => AllocationState::Released,
            "expired" => AllocationState::Expired,
            _ => return None,
        })
    }
}

/// Why a renter ended an allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReleaseReason {
    /// The customer got the code.
    Completed,
    /// The customer gave up.
    Cancelled,
    /// The number did not work for the service: quarantined for it, and its SIM's health
    /// drops.
    BadNumber,
}

impl ReleaseReason {
    /// The name stored in `allocations.release_reason`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReleaseReason::Completed => "completed",
            ReleaseReason::Cancelled => "cancelled",
            ReleaseReason::BadNumber => "bad_number",
        }
    }

    /// The reason a stored name stands for.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "completed" => ReleaseReason::Completed,
            "cancelled" => ReleaseReason::Cancelled,
            "bad_number" => ReleaseReason::BadNumber,
            _ => return None,
        })
    }
}

/// An allocation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocationRow {
    /// `<rack>-<ULID>`.
    pub id: String,
    /// Who rented it: the API caller's name.
    pub owner: String,
    /// The service it was rented for (lower case).
    pub service: String,
    /// The SIM rented.
    pub iccid: String,
    /// The number it was rented as, E.164.
    pub number: String,
    /// ISO 3166-1 alpha-2, when known.
    pub country: Option<String>,
    /// The SIM's operator, when known.
    pub operator: Option<String>,
    /// Where it is in its life.
    pub state: AllocationState,
    /// When it began.
    pub created_at: OffsetDateTime,
    /// When its lease ends (or ended).
    pub expires_at: OffsetDateTime,
    /// When it was released or expired.
    pub ended_at: Option<OffsetDateTime>,
    /// Why it was released (`None` while active, or when it expired).
    pub release_reason: Option<ReleaseReason>,
    /// SMS attributed to it.
    pub message_count: u32,
    /// When its first SMS reached the daemon.
    pub first_message_at: Option<OffsetDateTime>,
    /// An explicit re-rent of a number used for this service before.
    pub rerent: bool,
    /// The price per SMS it was sold at, in millionths (partner API rentals only).
    pub price_micros: Option<i64>,
}

/// The pool's tunable rules, from the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolRules {
    /// SIMs with a lower health are not rented out.
    pub min_health: i64,
    /// Health a `bad_number` release costs a SIM.
    pub bad_number_penalty: i64,
    /// How long a SIM rests after a rental before the next: stragglers meant for the last
    /// renter then arrive while it is idle.
    pub cooldown: Duration,
    /// How long an idempotency key is remembered.
    pub idempotency_window: Duration,
}

impl Default for PoolRules {
    fn default() -> Self {
        PoolRules {
            min_health: 50,
            bad_number_penalty: 25,
            cooldown: Duration::from_secs(30),
            idempotency_window: Duration::from_secs(24 * 3600),
        }
    }
}

/// A retried request's key, and what the request asked (a key reused for another request
/// is refused).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idempotency {
    /// The caller's key.
    pub key: String,
    /// The request's parameters in a canonical form.
    pub fingerprint: String,
}

/// An Allocate request, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocationRequest {
    /// The caller.
    pub owner: String,
    /// The service, lower case.
    pub service: String,
    /// Only SIMs of this country (ISO alpha-2).
    pub country: Option<String>,
    /// Only SIMs of this operator (compared without regard to case).
    pub operator: Option<String>,
    /// This number (E.164) and no other.
    pub number: Option<String>,
    /// The new allocations' ids, one per number wanted: their count is the quantity.
    pub ids: Vec<String>,
    /// Lease length.
    pub lease: Duration,
    /// The retry key, if the caller gave one.
    pub idempotency: Option<Idempotency>,
    /// Numbers starting with one of these (E.164 with '+') are not given.
    pub exclude_prefixes: Vec<String>,
    /// The price per SMS the rental is sold at, in millionths (partner API rentals).
    pub price_micros: Option<i64>,
}

/// What an Allocate did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllocateOutcome {
    /// New allocations, one per id asked for.
    Allocated(Vec<AllocationRow>),
    /// The same key was used before for the same request: those allocations, as they are now.
    Replayed(Vec<AllocationRow>),
    /// Not enough SIMs can be rented for this request; nothing was allocated.
    NoStock {
        /// How many were asked for.
        wanted: usize,
        /// How many could have been given.
        available: usize,
    },
    /// The number asked for cannot be rented now.
    NumberRefused(RerentReason),
    /// The idempotency key was used before for a different request.
    KeyReused,
}

/// Whether a number can be re-rented for a service, or why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RerentReason {
    /// Eligible.
    Ok,
    /// Not a number in E.164 form.
    InvalidNumber,
    /// No SIM with this number was ever seen.
    NotInInventory,
    /// Never rented for this service (a plain Allocate can take it).
    NotUsedForService,
    /// In an active allocation.
    CurrentlyAllocated,
    /// Its SIM is not in a working, registered modem.
    SimNotPresent,
    /// Quarantined or retired, or its health is below the minimum.
    SimUnhealthy,
    /// Released as a bad number for this service.
    QuarantinedForService,
    /// Just released; eligible after the cool-down.
    CoolingDown,
}

impl RerentReason {
    /// A machine-readable name, as in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            RerentReason::Ok => "ok",
            RerentReason::InvalidNumber => "invalid_number",
            RerentReason::NotInInventory => "not_in_inventory",
            RerentReason::NotUsedForService => "not_used_for_service",
            RerentReason::CurrentlyAllocated => "currently_allocated",
            RerentReason::SimNotPresent => "sim_not_present",
            RerentReason::SimUnhealthy => "sim_unhealthy",
            RerentReason::QuarantinedForService => "quarantined_for_service",
            RerentReason::CoolingDown => "cooling_down",
        }
    }
}

/// The outcome of a change to an existing allocation (release, extend).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change<T> {
    /// Done.
    Done(T),
    /// No such allocation (for this caller).
    NotFound,
    /// It is no longer active (boxed: the other outcomes are small).
    NotActive(Box<AllocationRow>),
    /// The lease would exceed the maximum.
    TooLong {
        /// The longest lease allowed.
        max: Duration,
    },
}

/// What happened to an allocation, as `WatchMessages` streams it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedKind {
    /// An SMS was attributed to it.
    Message,
    /// Its lease ran out.
    Expired,
    /// It was released.
    Released,
    /// Its lease was extended.
    Extended,
    /// Its SIM stopped receiving (removed, modem down).
    SimLost,
    /// Its SIM receives again.
    SimBack,
}

impl FeedKind {
    /// The name stored in `allocation_feed.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            FeedKind::Message => "message",
            FeedKind::Expired => "expired",
            FeedKind::Released => "released",
            FeedKind::Extended => "extended",
            FeedKind::SimLost => "sim_lost",
            FeedKind::SimBack => "sim_back",
        }
    }

    /// The kind a stored name stands for.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "message" => FeedKind::Message,
            "expired" => FeedKind::Expired,
            "released" => FeedKind::Released,
            "extended" => FeedKind::Extended,
            "sim_lost" => FeedKind::SimLost,
            "sim_back" => FeedKind::SimBack,
            _ => return None,
        })
    }
}

/// One entry of an allocation's feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedItem {
    /// The watchers' cursor.
    pub cursor: i64,
    /// The allocation.
    pub allocation_id: String,
    /// Its number.
    pub number: String,
    /// Its service.
    pub service: String,
    /// What happened.
    pub kind: FeedKind,
    /// When.
    pub at: OffsetDateTime,
    /// Details (release reason, new expiry, why the SIM was lost).
    pub detail: String,
    /// The message, for [`FeedKind::Message`].
    pub message: Option<MessageRow>,
}

/// Which allocations a listing wants, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AllocationFilter {
    /// Only this caller's (`None`: everyone's, for admins).
    pub owner: Option<String>,
    /// Only in this state.
    pub state: Option<AllocationState>,
    /// Only for this service.
    pub service: Option<String>,
    /// Only those that did (or did not) receive an SMS.
    pub has_messages: Option<bool>,
    /// Only ids before this one (the previous page's last).
    pub before_id: Option<String>,
    /// At most this many.
    pub limit: usize,
}

/// SIMs that can be rented now, for one country and operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockCount {
    /// ISO alpha-2, when known.
    pub country: Option<String>,
    /// Operator, when known.
    pub operator: Option<String>,
    /// How many.
    pub available: u32,
}

/// One past allocation of a service, for its success figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceRental {
    /// The country it was in.
    pub country: Option<String>,
    /// The operator.
    pub operator: Option<String>,
    /// How long after it began the first SMS came; `None` if none did.
    pub time_to_first_sms: Option<Duration>,
}

/// Totals for the admin counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RentalTotals {
    /// Allocations active now.
    pub active: u64,
    /// Allocations ever made.
    pub total: u64,
    /// Allocations that received at least one SMS.
    pub with_messages: u64,
    /// Messages that arrived outside any allocation.
    pub messages_unattributed: u64,
}
