//! The partner API: the small HTTP API SMS aggregators ask each SIM-farm partner to run, so
//! that a rack can be connected to an aggregator with a config entry and no code.
//!
//! - `GET /getNumbers?api_key=K[&country=GB][&service=S]`: per country offered to the
//!   partner, how many numbers can be rented now and the price per SMS;
//! - `POST /rentNumber` (api_key, country, optional service and request_id): one number,
//!   with its rental_id and when the rental ends;
//! - `GET /getSMS?api_key=K&rental_id=R`: the rental's number and messages;
//! - `POST /cancelNumber` (api_key, rental_id): ends the rental, refunding the price when
//!   no SMS arrived;
//! - `GET /openapi.json`: the OpenAPI description (`openapi/partner-api.json`).
//!
//! POST parameters come form-encoded or as a JSON object ([`params`]). Every answer is JSON
//! ([`reply`]). Each partner's key is stored as its SHA-256; its rentals are allocations
//! owned by `partner:<name>`, so the pool's rules hold as for gRPC callers: a rental is
//! seen only with its own key, a SIM is never in two rentals, a number is never rented
//! twice for one service, and leases run out on time. Each key has its own rate limit.

pub mod guard;
pub mod params;
pub mod reply;

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, RawQuery, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::sync::watch;

use crate::api::grpc::auth::hash_token;
use crate::api::http::{self, HttpServer};
use crate::config::{PartnerApiConfig, PartnerConfig, Price};
use crate::pool::ReleaseReason;
use crate::pool::{AllocateParams, Pool};
use params::Params;
use reply::{Failure, success};

/// The OpenAPI description of this API, as kept in the repository.
pub const OPENAPI: &str = include_str!("../../../openapi/partner-api.json");

/// Most messages getSMS returns for one rental.
const MAX_MESSAGES: usize = 1000;

/// The API's shared state: cheap to clone.
#[derive(Clone)]
pub struct PartnerApi {
    inner: Arc<Inner>,
}

struct Inner {
    pool: Pool,
    config: PartnerApiConfig,
    /// Index into `config.partners`, by the hash of the partner's key.
    by_key_hash: HashMap<String, usize>,
    /// Each partner's rate limiter, in the order of `config.partners`.
    limiters: Vec<DefaultDirectRateLimiter>,
    clock: DefaultClock,
    /// Addresses sending bad keys.
    bad_keys: guard::BadKeyGuard,
}

impl std::fmt::Debug for PartnerApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PartnerApi")
            .field("partners", &self.inner.config.partners.len())
            .finish()
    }
}

impl PartnerApi {
    /// The API over `pool` for the partners of `config` (checked by the config loader).
    pub fn new(config: &PartnerApiConfig, pool: Pool) -> PartnerApi {
        let limiters = config
            .partners
            .iter()
            .map(|partner| {
                let rate = partner
                    .requests_per_minute
                    .unwrap_or(config.requests_per_minute);
                let burst = partner.burst.unwrap_or(config.burst);
                RateLimiter::direct(
                    Quota::per_minute(NonZeroU32::new(rate).unwrap_or(NonZeroU32::MIN))
                        .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN)),
                )
            })
            .collect();
        let by_key_hash = config
            .partners
            .iter()
            .enumerate()
            .map(|(index, partner)| (partner.key_sha256.to_ascii_lowercase(), index))
            .collect();
        PartnerApi {
            inner: Arc::new(Inner {
                pool,
                config: config.clone(),
                by_key_hash,
                limiters,
                clock: DefaultClock::default(),
                bad_keys: guard::BadKeyGuard::default(),
            }),
        }
    }

    /// The routes, with JSON answers for unknown paths and wrong methods too.
    pub fn router(self) -> Router {
        Router::new()
            .route("/getNumbers", get(get_numbers))
            .route("/rentNumber", post(rent_number))
            .route("/getSMS", get(get_sms))
            .route("/cancelNumber", post(cancel_number))
            .route("/openapi.json", get(openapi))
            .fallback(|uri: Uri| async move { Failure::no_endpoint(uri.path()) })
            .method_not_allowed_fallback(|| async { Failure::method_not_allowed() })
            .layer(DefaultBodyLimit::max(params::MAX_BODY))
            .layer(axum::middleware::from_fn_with_state(
                self.clone(),
                guard_and_count,
            ))
            .with_state(self)
    }

    /// The partner whose key `params` carry, if it is within its rate.
    fn partner(&self, params: &Params) -> Result<&PartnerConfig, Failure> {
        let key = params
            .get("api_key")
            .ok_or_else(|| Failure::bad_key("missing api_key"))?;
        let index = *self
            .inner
            .by_key_hash
            .get(&hash_token(key))
            .ok_or_else(|| Failure::bad_key("unknown api_key"))?;
        let limiter = self
            .inner
            .limiters
            .get(index)
            .ok_or_else(|| Failure::bad_key("unknown api_key"))?;
        if let Err(not_until) = limiter.check() {
            let wait = not_until.wait_time_from(self.inner.clock.now());
            // Whole seconds, rounded up: a client waiting that long is let through.
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            return Err(Failure::rate_limited(seconds.max(1)));
        }
        self.inner
            .config
            .partners
            .get(index)
            .ok_or_else(|| Failure::bad_key("unknown api_key"))
    }

    /// The service a request names, or the default one.
    fn service<'a>(&'a self, params: &'a Params) -> &'a str {
        params
            .get("service")
            .unwrap_or(&self.inner.config.default_service)
    }

    fn currency(&self) -> &str {
        &self.inner.config.currency
    }
}

/// Turns away addresses that sent too many bad keys ([`guard`]), notes each new bad key,
/// and counts each answer by call and status (metrics; the labels stay bounded, an
/// unknown path counts as `other`).
async fn guard_and_count(
    State(api): State<PartnerApi>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let call = match request.uri().path() {
        "/getNumbers" => "getNumbers",
        "/rentNumber" => "rentNumber",
        "/getSMS" => "getSMS",
        "/cancelNumber" => "cancelNumber",
        "/openapi.json" => "openapi",
        _ => "other",
    };
    let now = std::time::Instant::now();
    let response = match api.inner.bad_keys.blocked(peer.ip(), now) {
        Some(wait) => {
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            Failure::rate_limited_address(seconds.max(1)).into_response()
        }
        None => {
            let response = next.run(request).await;
            if response.status() == axum::http::StatusCode::UNAUTHORIZED {
                api.inner.bad_keys.failed(peer.ip(), now);
            }
            response
        }
    };
    crate::metrics::partner_request(call, response.status().as_u16());
    response
}

/// The owner of a partner's allocations: token names cannot hold ':', so no gRPC caller
/// shares it.
fn owner(partner: &PartnerConfig) -> String {
    format!("partner:{}", partner.name)
}

/// A country code from a request: two letters, any case, that ISO 3166-1 knows.
fn country_param(country: &str) -> Result<String, Failure> {
    let upper = country.trim().to_ascii_uppercase();
    if upper.len() == 2 && crate::config::known_country(&upper) {
        Ok(upper)
    } else {
        Err(Failure::bad_request(format!(
            "country: '{}' is not an ISO 3166-1 alpha-2 code such as GB",
            country.escape_debug()
        )))
    }
}

/// The English name of a country code.
fn country_name(country: &str) -> String {
    if country == "XK" {
        return "Kosovo".to_owned();
    }
    isocountry::CountryCode::for_alpha2(country)
        .map(|code| code.name().to_owned())
        .unwrap_or_else(|_| country.to_owned())
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_else(|_| at.to_string())
}

fn not_offered(country: &str) -> Failure {
    Failure::bad_request(format!(
        "country {country} is not offered to this api_key (it has no price for it)"
    ))
}

async fn get_numbers(
    State(api): State<PartnerApi>,
    RawQuery(query): RawQuery,
) -> Result<Response, Failure> {
    let params = Params::from_query(query.as_deref())?;
    let partner = api.partner(&params)?;
    let wanted = params.get("country").map(country_param).transpose()?;
    let service = crate::pool::service_name(api.service(&params))?;
    let pool = api.inner.pool.clone();
    let country_filter = wanted.clone().unwrap_or_default();
    let stock_service = service.clone();
    let stock = tokio::task::spawn_blocking(move || pool.stock(&stock_service, &country_filter))
        .await
        .map_err(|error| {
            tracing::error!(%error, "partner API: a store read failed");
            Failure::internal()
        })??;
    // Stock per country (operators summed); SIMs of no known country cannot be sold by one.
    let mut available: BTreeMap<String, u32> = BTreeMap::new();
    for entry in stock {
        if !entry.country.is_empty() {
            *available.entry(entry.country).or_default() += entry.available;
        }
    }
    // Offered: every priced country (even when out of stock), and with a default price
    // every country in stock.
    let mut offered: BTreeMap<String, Price> = BTreeMap::new();
    for country in partner.prices.keys().chain(available.keys()) {
        if let Some(price) = partner.price(country) {
            offered.insert(country.clone(), price);
        }
    }
    if let Some(wanted) = &wanted {
        offered.retain(|country, _| country == wanted);
    }
    let countries: Vec<Value> = offered
        .into_iter()
        .map(|(country, price)| {
            json!({
                "country": country,
                "country_name": country_name(&country),
                "available": available.get(&country).copied().unwrap_or(0),
                "price_per_sms": price.as_decimal(),
            })
        })
        .collect();
    Ok(success(json!({
        "service": service,
        "currency": api.currency(),
        "countries": countries,
    })))
}

/// The parameters of a POST, or why its body cannot be read.
fn post_params(
    query: Option<&str>,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Params, Failure> {
    let body = body.map_err(|rejection| {
        Failure::bad_request(format!(
            "the body cannot be read (at most {} bytes): {rejection}",
            params::MAX_BODY
        ))
    })?;
    Params::from_post(query, headers, &body)
}

async fn rent_number(
    State(api): State<PartnerApi>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Failure> {
    let params = post_params(query.as_deref(), &headers, body)?;
    let partner = api.partner(&params)?;
    let country = country_param(params.required("country")?)?;
    let price = partner
        .price(&country)
        .ok_or_else(|| not_offered(&country))?;
    let service = api.service(&params).to_owned();
    let allocated = api
        .inner
        .pool
        .allocate(
            &owner(partner),
            AllocateParams {
                service,
                country: country.clone(),
                quantity: 1,
                lease: Some(api.inner.config.lease()),
                idempotency_key: params.get("request_id").unwrap_or("").to_owned(),
                price_micros: Some(price.micros()),
                ..AllocateParams::default()
            },
        )
        .await?;
    // Allocate gives all it was asked for or fails: one.
    let rental = allocated
        .allocations
        .first()
        .ok_or_else(Failure::internal)?;
    tracing::info!(
        partner = %partner.name,
        rental = %rental.id,
        country = %country,
        service = %rental.service,
        replayed = allocated.replayed,
        "partner rented a number"
    );
    Ok(success(json!({
        "number": rental.number,
        "rental_id": rental.id,
        "expires_at": rfc3339(rental.expires_at),
        "country": country,
        "service": rental.service,
        // A replayed request_id shows the price its rental was sold at.
        "price_per_sms": rental.price_micros.and_then(Price::from_micros).unwrap_or(price).as_decimal(),
        "currency": api.currency(),
    })))
}

async fn get_sms(
    State(api): State<PartnerApi>,
    RawQuery(query): RawQuery,
) -> Result<Response, Failure> {
    let params = Params::from_query(query.as_deref())?;
    let partner = api.partner(&params)?;
    let rental_id = params.required("rental_id")?.to_owned();
    let pool = api.inner.pool.clone();
    let owner = owner(partner);
    let (rental, messages) = tokio::task::spawn_blocking(move || {
        pool.messages(Some(&owner), &rental_id, 0, MAX_MESSAGES)
    })
    .await
    .map_err(|error| {
        tracing::error!(%error, "partner API: a store read failed");
        Failure::internal()
    })??;
    let messages: Vec<Value> = messages
        .iter()
        .map(|message| {
            json!({
                "sender": message.sender.clone().unwrap_or_default(),
                "text": message.text.clone().unwrap_or_default(),
                "received_at": rfc3339(message.received_at),
                "code": message.code,
            })
        })
        .collect();
    Ok(success(json!({
        "rental_id": rental.id,
        "number": rental.number,
        "rental_status": rental.state.as_str(),
        "expires_at": rfc3339(rental.expires_at),
        "messages": messages,
    })))
}

async fn cancel_number(
    State(api): State<PartnerApi>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Failure> {
    let params = post_params(query.as_deref(), &headers, body)?;
    let partner = api.partner(&params)?;
    let rental_id = params.required("rental_id")?;
    let (rental, received) = api
        .inner
        .pool
        .release(Some(&owner(partner)), rental_id, ReleaseReason::Cancelled)
        .await?;
    // The price the rental was sold at (kept with it), whatever the price list says now.
    let refund = if received {
        Price::ZERO
    } else {
        rental
            .price_micros
            .and_then(Price::from_micros)
            .unwrap_or(Price::ZERO)
    };
    let message = if received {
        format!(
            "rental cancelled; {} SMS arrived, so nothing is refunded",
            rental.message_count
        )
    } else {
        "rental cancelled; no SMS arrived, the price is refunded".to_owned()
    };
    tracing::info!(
        partner = %partner.name,
        rental = %rental.id,
        refund = %refund,
        "partner cancelled a rental"
    );
    Ok(success(json!({
        "message": message,
        "rental_id": rental.id,
        "refund_amount": refund.as_decimal(),
        "currency": api.currency(),
    })))
}

async fn openapi() -> Response {
    ([(CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// Serves the partner API on `partner_api.listen` until `shutdown`, over TLS with `tls`
/// (made from `[partner_api.tls]`); `None` when it is off.
pub async fn serve(
    config: &PartnerApiConfig,
    pool: Pool,
    tls: Option<http::TlsAcceptor>,
    shutdown: watch::Receiver<bool>,
) -> io::Result<Option<HttpServer>> {
    let Some(listen): Option<SocketAddr> = config.listen else {
        return Ok(None);
    };
    let router = PartnerApi::new(config, pool).router();
    http::serve(listen, router, tls, shutdown).await.map(Some)
}
