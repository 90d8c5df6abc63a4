//! The pool: the middle between the port tasks and the faces. It takes SMS in (decodes,
//! de-duplicates, joins multipart SMS, attributes each message to its allocation, all in
//! the transaction that commits it: `ingest`), holds the rules for renting SIMs out
//! (allocation, release, extension, expiry) and what an allocation is shown of its SMS
//! (one-time codes). It checks and shapes requests, names new allocations, runs the expiry
//! and multipart clocks and turns the store's outcomes into [`PoolError`]s; the SQL is the
//! store's, the wire format the API's.

pub mod board;
pub mod expiry;
pub(crate) mod ingest;
pub mod link;
pub mod port_status;
pub mod rack;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use time::OffsetDateTime;
use tokio::sync::Notify;

use crate::config::PoolConfig;
use crate::inventory;
use crate::metrics;
use crate::store::{AllocateOutcome, AllocationRequest, Idempotency, Store};

use crate::otp::{self, CodeExtractor};

/// The records the pool hands out and takes in, as the store keeps them: the faces and the
/// port tasks name them through the pool, never through the store.
pub use crate::store::{
    AllocationFilter, AllocationRow, AllocationState, Change, EventRow, FeedItem, FeedKind,
    MessageFilter, MessageId, MessageKind, MessageRow, NumberSource, PoolRules, PortRow,
    PortUpdate, ReleaseReason, RentalTotals, RerentReason, SimNumber, SimRow, SimSeen, SimState,
    SimUpdate, StoreError,
};
pub use board::{Board, PortHandle};
pub use ingest::{HEALTH_BONUS_ON_SMS, IncomingPart, IngestOutcome, SENT_AT_TOLERANCE};
pub use link::PortLink;
pub use port_status::{PortState, PortStatus};

/// Most numbers one Allocate may ask for.
pub const MAX_QUANTITY: usize = 20;

/// Most numbers one CheckRerent may ask about.
pub const MAX_RERENT_CHECKS: usize = 100;

/// Shortest lease: a second, so that tests and demos can watch a lease run out; a backend
/// asks for minutes.
pub const MIN_LEASE: Duration = Duration::from_secs(1);

/// Longest idempotency key, in bytes. (The longest service name is the configuration's.)
const MAX_KEY_LENGTH: usize = 128;

/// Why a pool request was not done. Each maps to one gRPC status code (in the API), and
/// its text says what is wrong in words a backend developer can act on.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    /// The request itself is wrong.
    #[error("{0}")]
    InvalidArgument(String),
    /// No such allocation (for this caller).
    #[error("{0}")]
    NotFound(String),
    /// The request is fine but the state does not allow it (an ended allocation, a number
    /// that cannot be rented now).
    #[error("{0}")]
    FailedPrecondition(String),
    /// Not enough SIMs can be rented for the request.
    #[error("{0}")]
    NoStock(String),
    /// An idempotency key already used for another request.
    #[error("{0}")]
    AlreadyExists(String),
    /// The database failed.
    #[error("the database failed: {0}")]
    Store(#[from] StoreError),
}

/// The rules `[pool]` sets, as the store applies them; the idempotency window is not
/// configurable and keeps its default.
fn rules_of(pool: &PoolConfig) -> PoolRules {
    PoolRules {
        min_health: i64::from(pool.min_health),
        bad_number_penalty: i64::from(pool.bad_number_penalty),
        cooldown: pool.cooldown(),
        ..PoolRules::default()
    }
}

/// Why the pool could not open.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The database could not be opened or migrated.
    #[error("database {path}: {source}")]
    Store {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: StoreError,
    },
    /// The task opening the database died.
    #[error("starting the daemon: {0}")]
    Startup(String),
    /// A per-service code pattern does not compile.
    #[error(transparent)]
    Pattern(#[from] otp::PatternError),
}

/// What a caller asks Allocate for, before checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllocateParams {
    /// Service name (case-insensitive).
    pub service: String,
    /// ISO 3166-1 alpha-2, or empty.
    pub country: String,
    /// Operator, or empty.
    pub operator: String,
    /// A number to re-rent, or empty.
    pub number: String,
    /// 0 means 1.
    pub quantity: u32,
    /// `None`: the configured default.
    pub lease: Option<Duration>,
    /// Empty: none.
    pub idempotency_key: String,
    /// Number prefixes not to give.
    pub exclude_prefixes: Vec<String>,
    /// The price per SMS the rental is sold at, in millionths, kept with it (partner API);
    /// not part of the idempotency fingerprint.
    pub price_micros: Option<i64>,
}

/// What Allocate gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocated {
    /// The allocations, in the order made.
    pub allocations: Vec<AllocationRow>,
    /// A replay of an earlier call with the same key.
    pub replayed: bool,
}

/// Stock for one (country, operator), with the service's recent figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Stock {
    /// The service asked about (lower case), or empty.
    pub service: String,
    /// ISO alpha-2, or empty when unknown.
    pub country: String,
    /// Operator, or empty when unknown.
    pub operator: String,
    /// SIMs rentable now.
    pub available: u32,
    /// The service's allocations in the window (ended, or with an SMS) here.
    pub recent_allocations: u32,
    /// Share of those that received an SMS.
    pub success_rate: f64,
    /// Median time to the first SMS of those that received one.
    pub median_time_to_first_sms: Option<Duration>,
}

/// Counters kept in memory since the daemon started.
#[derive(Debug, Default)]
pub struct PoolCounters {
    /// Allocate calls refused for lack of stock.
    pub no_stock: AtomicU64,
}

/// The pool: cheap to clone.
#[derive(Debug, Clone)]
pub struct Pool {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Store,
    /// The running port tasks, as the supervisor registered them.
    board: Board,
    rack: String,
    config: PoolConfig,
    rules: PoolRules,
    /// Shared with the ingest path, which finds each attributed message's code.
    codes: Arc<CodeExtractor>,
    /// Woken when a lease may end sooner than the expiry clock planned.
    expiry: Arc<Notify>,
    counters: PoolCounters,
}

impl Pool {
    /// Opens (or creates) the database at `database`, marks every port of the last run as
    /// unseen (none is ready until its task says so), and makes the pool over it (see
    /// [`Pool::new`]).
    pub async fn open(database: &Path, rack: &str, config: PoolConfig) -> Result<Pool, OpenError> {
        let path = database.to_owned();
        let opened = tokio::task::spawn_blocking(move || Store::open(&path)).await;
        let store = match opened {
            Ok(result) => result.map_err(|source| OpenError::Store {
                path: database.to_owned(),
                source,
            })?,
            Err(error) => return Err(OpenError::Startup(error.to_string())),
        };
        // Nothing stored from the last run may pass for a ready port until its task says so.
        if let Err(error) = store.ports_unseen().await {
            tracing::error!(%error, "could not mark the ports of the last run as unseen");
        }
        Ok(Pool::new(store, rack, config)?)
    }

    /// A pool over `store`, naming allocations `<rack>-<ULID>`. Fails when a per-service
    /// code pattern does not compile (the config check catches that first).
    pub fn new(store: Store, rack: &str, config: PoolConfig) -> Result<Pool, otp::PatternError> {
        let codes = CodeExtractor::with_patterns(
            config
                .codes
                .iter()
                .map(|(service, patterns)| (service.as_str(), patterns.as_slice())),
        )?;
        Ok(Pool {
            inner: Arc::new(Inner {
                store,
                board: Board::default(),
                rack: rack.to_owned(),
                rules: rules_of(&config),
                config,
                codes: Arc::new(codes),
                expiry: Arc::new(Notify::new()),
                counters: PoolCounters::default(),
            }),
        })
    }

    /// Commits what is queued and closes the database; the daemon calls it last, once the
    /// port tasks and the API have stopped.
    pub async fn close(&self) {
        if let Err(error) = self.inner.store.clone().close().await {
            tracing::error!(%error, "closing the database");
        }
    }

    /// The interface a port task reports through.
    pub fn port_link(&self) -> PortLink {
        PortLink::new(self.inner.store.clone(), self.ingest())
    }

    fn ingest(&self) -> ingest::Ingest {
        ingest::Ingest::new(self.inner.store.clone(), Arc::clone(&self.inner.codes))
    }

    /// The live board of the running port tasks (the supervisor registers them there).
    pub fn board(&self) -> &Board {
        &self.inner.board
    }

    /// Starts the multipart clock: an SMS still missing parts `timeout` after its first
    /// part is delivered as it is, marked incomplete. It ends when `shutdown` turns true.
    pub fn spawn_multipart_clock(
        &self,
        timeout: Duration,
        shutdown: tokio::sync::watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(ingest::run_multipart_clock(
            self.ingest(),
            timeout,
            shutdown,
        ))
    }

    /// In-memory counters.
    pub fn counters(&self) -> &PoolCounters {
        &self.inner.counters
    }

    /// Starts the expiry clock (see [`expiry`]); it ends when `shutdown` turns true.
    pub fn spawn_expiry(
        &self,
        shutdown: tokio::sync::watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(expiry::run(
            self.inner.store.clone(),
            Arc::clone(&self.inner.expiry),
            shutdown,
        ))
    }

    /// A new allocation id, unique across racks: `<rack>-<ULID>`.
    fn new_id(&self) -> String {
        format!("{}-{}", self.inner.rack, ulid::Ulid::new())
    }

    /// Rents numbers out as `params` say, for `owner`.
    pub async fn allocate(
        &self,
        owner: &str,
        params: AllocateParams,
    ) -> Result<Allocated, PoolError> {
        let request = self.check_allocate(owner, params)?;
        let wanted = request.ids.len();
        let service = request.service.clone();
        let outcome = self
            .inner
            .store
            .allocate(request, self.inner.rules.clone())
            .await?;
        match outcome {
            AllocateOutcome::Allocated(allocations) => {
                metrics::allocations_created(allocations.len());
                // A lease shorter than the one the clock waits for.
                self.inner.expiry.notify_one();
                Ok(Allocated {
                    allocations,
                    replayed: false,
                })
            }
            AllocateOutcome::Replayed(allocations) => Ok(Allocated {
                allocations,
                replayed: true,
            }),
            AllocateOutcome::NoStock { wanted, available } => {
                self.inner.counters.no_stock.fetch_add(1, Ordering::Relaxed);
                Err(PoolError::NoStock(format!(
                    "no stock: {wanted} number(s) wanted for '{service}', {available} can be \
                     rented now with these filters"
                )))
            }
            AllocateOutcome::NumberRefused(reason) => Err(PoolError::FailedPrecondition(format!(
                "the number cannot be rented for '{service}' now: {} ({})",
                reason.as_str(),
                describe(reason)
            ))),
            AllocateOutcome::KeyReused => Err(PoolError::AlreadyExists(format!(
                "idempotency key already used for a different request (wanted {wanted} for \
                 '{service}'); use a new key for a new purchase"
            ))),
        }
    }

    /// Checks and shapes an Allocate.
    fn check_allocate(
        &self,
        owner: &str,
        params: AllocateParams,
    ) -> Result<AllocationRequest, PoolError> {
        let service = service_name(&params.service)?;
        let country = optional_country(&params.country)?;
        let operator = optional_text(&params.operator, "operator", 64)?;
        let number = match params.number.trim() {
            "" => None,
            number => Some(e164(number, "number")?),
        };
        let quantity = match params.quantity {
            0 => 1,
            quantity => usize::try_from(quantity).unwrap_or(usize::MAX),
        };
        if quantity > MAX_QUANTITY {
            return Err(PoolError::InvalidArgument(format!(
                "quantity {quantity} is above the maximum of {MAX_QUANTITY}"
            )));
        }
        if number.is_some() && quantity != 1 {
            return Err(PoolError::InvalidArgument(format!(
                "quantity {quantity} with a specific number: a number can be rented once"
            )));
        }
        let lease = params.lease.unwrap_or(self.inner.config.default_lease());
        let max = self.inner.config.max_lease();
        if lease < MIN_LEASE || lease > max {
            return Err(PoolError::InvalidArgument(format!(
                "lease {} s is outside {}..={} s",
                lease.as_secs(),
                MIN_LEASE.as_secs(),
                max.as_secs()
            )));
        }
        let mut exclude_prefixes = Vec::with_capacity(params.exclude_prefixes.len());
        for prefix in &params.exclude_prefixes {
            let digits = prefix.trim().trim_start_matches('+');
            if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(PoolError::InvalidArgument(format!(
                    "exclude_prefixes: '{}' is not a number prefix (digits, optionally after '+')",
                    prefix.escape_debug()
                )));
            }
            exclude_prefixes.push(format!("+{digits}"));
        }
        exclude_prefixes.sort();
        exclude_prefixes.dedup();
        let idempotency = match params.idempotency_key.as_str() {
            "" => None,
            key if key.len() > MAX_KEY_LENGTH || key.chars().any(char::is_control) => {
                return Err(PoolError::InvalidArgument(format!(
                    "idempotency_key: at most {MAX_KEY_LENGTH} bytes, no control characters"
                )));
            }
            key => Some(Idempotency {
                key: key.to_owned(),
                // Everything that shapes the answer, canonical: a retry with the same key
                // and the same request replays; anything else is refused.
                fingerprint: serde_json::json!({
                    "service": service,
                    "country": country,
                    "operator": operator,
                    "number": number,
                    "quantity": quantity,
                    "lease_ms": lease.as_millis().to_string(),
                    "exclude": exclude_prefixes,
                })
                .to_string(),
            }),
        };
        Ok(AllocationRequest {
            owner: owner.to_owned(),
            service,
            country,
            operator,
            number,
            ids: (0..quantity).map(|_| self.new_id()).collect(),
            lease,
            idempotency,
            exclude_prefixes,
            price_micros: params.price_micros,
        })
    }

    /// One of `owner`'s allocations.
    pub fn get(&self, owner: Option<&str>, id: &str) -> Result<AllocationRow, PoolError> {
        self.inner
            .store
            .allocation(owner, id)?
            .ok_or_else(|| not_found(id))
    }

    /// `owner`'s allocations, newest first.
    pub fn list(&self, filter: &AllocationFilter) -> Result<Vec<AllocationRow>, PoolError> {
        Ok(self.inner.store.allocations(filter)?)
    }

    /// Ends an active allocation; returns it and whether any SMS had arrived.
    pub async fn release(
        &self,
        owner: Option<&str>,
        id: &str,
        reason: ReleaseReason,
    ) -> Result<(AllocationRow, bool), PoolError> {
        let change = self
            .inner
            .store
            .release(owner, id, reason, self.inner.rules.clone())
            .await?;
        let released = changed(change, id)?;
        metrics::allocation_released(reason.as_str());
        let received = released.message_count > 0;
        Ok((released, received))
    }

    /// Lengthens an active lease.
    pub async fn extend(
        &self,
        owner: Option<&str>,
        id: &str,
        by: Duration,
    ) -> Result<AllocationRow, PoolError> {
        if by.is_zero() {
            return Err(PoolError::InvalidArgument(
                "extend_by must be a positive duration".to_owned(),
            ));
        }
        let change = self
            .inner
            .store
            .extend(owner, id, by, self.inner.config.max_lease())
            .await?;
        changed(change, id)
    }

    /// An allocation's messages after a cursor, each with its code.
    pub fn messages(
        &self,
        owner: Option<&str>,
        id: &str,
        after: i64,
        limit: usize,
    ) -> Result<(AllocationRow, Vec<MessageRow>), PoolError> {
        let allocation = self.get(owner, id)?;
        let mut messages = self.inner.store.messages(MessageFilter {
            allocation_id: Some(allocation.id.clone()),
            after_id: Some(MessageId(after)),
            limit,
            ..MessageFilter::default()
        })?;
        for message in &mut messages {
            self.fill_code(&allocation.service, message);
        }
        Ok((allocation, messages))
    }

    /// Gives a message attributed before codes were stored with the attribution (a
    /// database from an older version) the code its text holds for `service`; a message
    /// with a stored code keeps it.
    fn fill_code(&self, service: &str, message: &mut MessageRow) {
        if message.code.is_none() && message.allocation_id.is_some() {
            message.code = message
                .text
                .as_deref()
                .and_then(|text| self.inner.codes.extract(Some(service), text));
        }
    }

    /// Feed entries after `after` for `owner`'s allocations (only `ids` when not empty).
    pub fn feed_after(
        &self,
        owner: Option<&str>,
        ids: &[String],
        after: i64,
        limit: usize,
    ) -> Result<Vec<FeedItem>, PoolError> {
        let mut items = self.inner.store.feed_after(owner, ids, after, limit)?;
        for item in &mut items {
            if let Some(message) = &mut item.message {
                self.fill_code(&item.service, message);
            }
        }
        Ok(items)
    }

    /// Checks that each of `ids` is one of `owner`'s allocations.
    pub fn check_owned(&self, owner: Option<&str>, ids: &[String]) -> Result<(), PoolError> {
        for id in ids {
            self.get(owner, id)?;
        }
        Ok(())
    }

    /// Stock per (country, operator); for a service, with its recent figures.
    pub fn stock(&self, service: &str, country: &str) -> Result<Vec<Stock>, PoolError> {
        let service = match service.trim() {
            "" => None,
            service => Some(service_name(service)?),
        };
        let country = optional_country(country)?;
        let counts =
            self.inner
                .store
                .stock(service.as_deref(), country.as_deref(), &self.inner.rules)?;
        let mut history: BTreeMap<(String, String), (u32, u32, Vec<Duration>)> = BTreeMap::new();
        if let Some(service) = &service {
            let since = OffsetDateTime::now_utc()
                - time::Duration::try_from(self.inner.config.stats_window()).unwrap_or_default();
            for rental in self.inner.store.service_rentals(service, since)? {
                let key = (
                    rental.country.unwrap_or_default(),
                    rental.operator.unwrap_or_default(),
                );
                let entry = history.entry(key).or_default();
                entry.0 += 1;
                if let Some(delay) = rental.time_to_first_sms {
                    entry.1 += 1;
                    entry.2.push(delay);
                }
            }
        }
        Ok(counts
            .into_iter()
            .map(|count| {
                let country = count.country.unwrap_or_default();
                let operator = count.operator.unwrap_or_default();
                let (recent, succeeded, mut delays) = history
                    .remove(&(country.clone(), operator.clone()))
                    .unwrap_or_default();
                Stock {
                    service: service.clone().unwrap_or_default(),
                    country,
                    operator,
                    available: count.available,
                    recent_allocations: recent,
                    success_rate: if recent == 0 {
                        0.0
                    } else {
                        f64::from(succeeded) / f64::from(recent)
                    },
                    median_time_to_first_sms: median(&mut delays),
                }
            })
            .collect())
    }

    /// The window of the stock figures.
    pub fn stats_window(&self) -> Duration {
        self.inner.config.stats_window()
    }

    /// For each number: can it be re-rented for `service` now, or why not.
    pub fn check_rerent(
        &self,
        service: &str,
        numbers: &[String],
    ) -> Result<Vec<(String, RerentReason)>, PoolError> {
        let service = service_name(service)?;
        if numbers.len() > MAX_RERENT_CHECKS {
            return Err(PoolError::InvalidArgument(format!(
                "{} numbers: at most {MAX_RERENT_CHECKS} per call",
                numbers.len()
            )));
        }
        numbers
            .iter()
            .map(|given| {
                let reason = match e164(given, "number") {
                    Err(_) => RerentReason::InvalidNumber,
                    Ok(number) => {
                        self.inner
                            .store
                            .rerent_check(&service, &number, &self.inner.rules)?
                    }
                };
                Ok((given.clone(), reason))
            })
            .collect()
    }
}

/// Words for a re-rent reason.
pub fn describe(reason: RerentReason) -> &'static str {
    match reason {
        RerentReason::Ok => "eligible",
        RerentReason::InvalidNumber => "not a number in E.164 form",
        RerentReason::NotInInventory => "no SIM with this number is known here",
        RerentReason::NotUsedForService => {
            "never rented for this service: allocate without a number instead"
        }
        RerentReason::CurrentlyAllocated => "it is in an active allocation",
        RerentReason::SimNotPresent => "its SIM is not in a working, registered modem now",
        RerentReason::SimUnhealthy => "its SIM is quarantined, retired or below the health minimum",
        RerentReason::QuarantinedForService => "it was released as a bad number for this service",
        RerentReason::CoolingDown => "it was released moments ago; try again after the cool-down",
    }
}

fn not_found(id: &str) -> PoolError {
    PoolError::NotFound(format!(
        "no allocation '{}' for this caller",
        id.escape_debug()
    ))
}

/// The outcome of a release or extension as a result.
fn changed(change: Change<AllocationRow>, id: &str) -> Result<AllocationRow, PoolError> {
    match change {
        Change::Done(row) => Ok(row),
        Change::NotFound => Err(not_found(id)),
        Change::NotActive(row) => Err(PoolError::FailedPrecondition(format!(
            "allocation '{id}' is {} since {}; only an active allocation can be changed",
            row.state.as_str(),
            row.ended_at
                .map_or_else(|| "?".to_owned(), |at| at.to_string()),
        ))),
        Change::TooLong { max } => Err(PoolError::InvalidArgument(format!(
            "the lease would exceed the maximum of {} s",
            max.as_secs()
        ))),
    }
}

/// A service name, trimmed and lower-cased: 1 to 64 characters, no control characters.
/// The rule is the configuration's ([`crate::config::service_name`]), which checks
/// `partner_api.default_service` with it; a bad name is the caller's mistake here.
pub fn service_name(service: &str) -> Result<String, PoolError> {
    crate::config::service_name(service).map_err(PoolError::InvalidArgument)
}

/// An optional ISO 3166-1 alpha-2 code, upper-cased.
fn optional_country(country: &str) -> Result<Option<String>, PoolError> {
    let country = country.trim();
    if country.is_empty() {
        return Ok(None);
    }
    if country.len() == 2 && country.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(Some(country.to_ascii_uppercase()))
    } else {
        Err(PoolError::InvalidArgument(format!(
            "country: '{}' is not an ISO 3166-1 alpha-2 code such as GB",
            country.escape_debug()
        )))
    }
}

fn optional_text(text: &str, what: &str, max: usize) -> Result<Option<String>, PoolError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.len() > max || text.chars().any(char::is_control) {
        return Err(PoolError::InvalidArgument(format!(
            "{what}: at most {max} characters, no control characters"
        )));
    }
    Ok(Some(text.to_owned()))
}

/// A number in E.164 (with '+').
fn e164(number: &str, what: &str) -> Result<String, PoolError> {
    let trimmed = number.trim();
    if !trimmed.starts_with('+') {
        return Err(PoolError::InvalidArgument(format!(
            "{what}: '{}' is not in E.164 form (+ and country code)",
            trimmed.escape_debug()
        )));
    }
    inventory::normalise(trimmed, None).map_err(|error| {
        PoolError::InvalidArgument(format!("{what}: '{}': {error}", trimmed.escape_debug()))
    })
}

/// The median of `values` (the lower middle for an even count), `None` when empty.
fn median(values: &mut [Duration]) -> Option<Duration> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    Some(values[(values.len() - 1) / 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_names_are_folded_and_checked() {
        assert_eq!(service_name("  WhatsApp ").unwrap(), "whatsapp");
        assert!(service_name("").is_err());
        assert!(service_name(&"x".repeat(65)).is_err());
        assert!(service_name("a\nb").is_err());
    }

    #[test]
    fn countries_and_numbers_are_checked() {
        assert_eq!(optional_country("gb").unwrap(), Some("GB".to_owned()));
        assert_eq!(optional_country("").unwrap(), None);
        assert!(optional_country("GBR").is_err());
        assert_eq!(e164("+44 7723 000001", "n").unwrap(), "+447723000001");
        assert!(e164("07723000001", "n").is_err());
        assert!(e164("+", "n").is_err());
    }

    #[test]
    fn the_median_is_the_middle_value() {
        let s = Duration::from_secs;
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [s(9), s(1), s(5)]), Some(s(5)));
        assert_eq!(median(&mut [s(4), s(1), s(3), s(2)]), Some(s(2)));
    }
}
