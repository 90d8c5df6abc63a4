//! The rack page: what technicians open in a browser to see the rack at a glance.
//!
//! A grid of slots coloured by state, each with its number, operator, signal, SMS today and
//! current allocation; a slot opens to its identity, last events and recent messages; the
//! page follows the rack live over server-sent events. The page is three static files
//! compiled into the binary (no build step, no framework, nothing fetched from elsewhere).
//!
//! | request | answer |
//! | --- | --- |
//! | `GET /`, `/app.js`, `/style.css` | the page; it holds no data, and shows the sign-in form when the API says 401 |
//! | `POST /login` (form field `token`) | sets the sign-in cookie and redirects to `/`; 401 unknown token, 403 not an admin token |
//! | `POST /logout` | clears the cookie |
//! | `GET /api/rack` | the [`RackSnapshot`] as JSON |
//! | `GET /api/rack/events` | server-sent events: `rack` with the snapshot at once and on every change |
//! | `GET /api/slots/{slot}` | one slot ([`SlotDetail`]): by path (URL-encoded), label or number |
//!
//! The `/api` requests need an admin token ([`access`]). Errors are JSON,
//! `{"error": "..."}`. This module owns the HTTP side only: the rack's view comes from
//! [`crate::api::rack_view`], the data from the store.

pub mod access;
pub mod live;

use std::net::SocketAddr;

use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Form, Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use self::access::Access;
pub use self::live::RackSnapshot;
use self::live::{Feed, FeedError};
use crate::api::grpc::auth::Tokens;
use crate::api::http::{self, HttpServer};
use crate::api::rack_view::ModemView;
use crate::config::TokenConfig;
use crate::pool::{EventRow, MessageRow, Pool, PoolError};

/// The page, its script and its style, as shipped.
const INDEX_HTML: &str = include_str!("static/index.html");
const APP_JS: &str = include_str!("static/app.js");
const STYLE_CSS: &str = include_str!("static/style.css");

/// How many of a slot's events and messages its detail shows: a screenful, the newest.
pub const DETAIL_ROWS: usize = 20;

/// What the page serves.
#[derive(Debug, Clone)]
pub struct WebOptions {
    /// Where it listens.
    pub listen: SocketAddr,
    /// The rack id, shown as the page's title.
    pub rack: String,
    /// The API's tokens (`[api] tokens`): admin ones sign in.
    pub tokens: Vec<TokenConfig>,
}

/// Why the page could not start.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No token is configured and the address is not loopback: the rack would be shown to
    /// anyone who can reach it.
    #[error(
        "web.listen: refusing to serve the rack page on {address} without tokens: add \
         [[api.tokens]] with an admin token to the config, listen on a loopback address, \
         or turn it off ([web] enabled = false, serve --no-web)"
    )]
    OpenToTheNetwork {
        /// The address.
        address: SocketAddr,
    },
    /// The address could not be bound.
    #[error("web.listen: cannot listen on {address}: {reason}")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// Why (not a `source`: the message holds it already).
        reason: std::io::Error,
    },
}

/// Binds the page's address and serves it until `shutdown` turns true (open event
/// streams end then too).
///
/// # Errors
/// [`WebError::OpenToTheNetwork`] for a non-loopback address without tokens,
/// [`WebError::Bind`] when the address cannot be bound.
pub async fn serve(
    options: WebOptions,
    pool: Pool,
    shutdown: watch::Receiver<bool>,
) -> Result<HttpServer, WebError> {
    let tokens = Tokens::new(&options.tokens);
    if tokens.is_open() && !options.listen.ip().is_loopback() {
        return Err(WebError::OpenToTheNetwork {
            address: options.listen,
        });
    }
    let feed = Feed::start(options.rack, pool, shutdown.clone());
    http::serve(options.listen, router(tokens, feed), None, shutdown)
        .await
        .map_err(|reason| WebError::Bind {
            address: options.listen,
            reason,
        })
}

#[derive(Debug, Clone)]
struct AppState {
    tokens: Tokens,
    feed: Feed,
}

/// Every route, the guard on `/api`, and the headers every answer carries.
fn router(tokens: Tokens, feed: Feed) -> Router {
    let state = AppState { tokens, feed };
    let api = Router::new()
        .route("/api/rack", get(rack))
        .route("/api/rack/events", get(rack_events))
        .route("/api/slots/{slot}", get(slot))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_admin));
    Router::new()
        .route(
            "/",
            get(|| async { asset("text/html; charset=utf-8", INDEX_HTML) }),
        )
        .route(
            "/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", APP_JS) }),
        )
        .route(
            "/style.css",
            get(|| async { asset("text/css; charset=utf-8", STYLE_CSS) }),
        )
        .route("/login", post(login))
        .route("/logout", post(logout))
        .merge(api)
        .fallback(|| async { problem(StatusCode::NOT_FOUND, "no such page".to_owned()) })
        .method_not_allowed_fallback(|| async {
            problem(
                StatusCode::METHOD_NOT_ALLOWED,
                "method not allowed: the page and its data are GET, sign-in is POST".to_owned(),
            )
        })
        .layer(middleware::map_response(secure_headers))
        .with_state(state)
}

/// A static file.
fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// Headers on every answer: nothing cached (the data changes, and the files change with
/// the binary), no type guessing, no framing by other sites, scripts and styles from this
/// origin only.
async fn secure_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// An error answer: `{"error": why}` with `status`.
fn problem(status: StatusCode, why: String) -> Response {
    #[derive(Serialize)]
    struct Problem {
        error: String,
    }
    let mut response = (status, Json(Problem { error: why })).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"modempool\""),
        );
    }
    response
}

/// The guard on `/api`: an admin token, or no token configured.
async fn require_admin(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match access::access(&state.tokens, request.headers()) {
        Access::Granted(_) => next.run(request).await,
        Access::Unauthenticated(why) => problem(StatusCode::UNAUTHORIZED, why),
        Access::Forbidden(why) => problem(StatusCode::FORBIDDEN, why),
    }
}

impl From<FeedError> for Response {
    fn from(error: FeedError) -> Response {
        tracing::error!(%error, "the rack page could not read the rack");
        problem(StatusCode::INTERNAL_SERVER_ERROR, error.to_string())
    }
}

/// `GET /api/rack`.
async fn rack(State(state): State<AppState>) -> Response {
    match state.feed.snapshot().await {
        Ok(published) => {
            ([(header::CONTENT_TYPE, "application/json")], published.json).into_response()
        }
        Err(error) => error.into(),
    }
}

/// `GET /api/rack/events`.
async fn rack_events(State(state): State<AppState>) -> Response {
    match state.feed.snapshot().await {
        Ok(first) => state.feed.stream(first).into_response(),
        Err(error) => error.into(),
    }
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
struct LoginForm {
    token: String,
}

/// `POST /login`: checks the token and, for an admin one, sets the cookie and goes back
/// to the page.
async fn login(
    State(state): State<AppState>,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let Form(form) = match form {
        Ok(form) => form,
        Err(rejection) => {
            return problem(
                StatusCode::BAD_REQUEST,
                format!("expected a form with a `token` field: {rejection}"),
            );
        }
    };
    let token = form.token.trim();
    if state.tokens.is_open() {
        // Nothing to sign in to: the page is open.
        return see_other(None);
    }
    match access::decide(&state.tokens, token) {
        Access::Granted(_) => see_other(Some(access::sign_in_cookie(token))),
        Access::Unauthenticated(why) => problem(StatusCode::UNAUTHORIZED, why),
        Access::Forbidden(why) => problem(StatusCode::FORBIDDEN, why),
    }
}

/// `POST /logout`.
async fn logout() -> Response {
    see_other(Some(access::sign_out_cookie()))
}

/// A redirect to the page, setting `cookie`.
fn see_other(cookie: Option<String>) -> Response {
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
    if let Some(cookie) = cookie.and_then(|cookie| HeaderValue::from_str(&cookie).ok()) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

/// One slot in full: `GET /api/slots/{slot}`.
#[derive(Debug, Clone, Serialize)]
pub struct SlotDetail {
    /// The slot as the grid shows it: identity, state, signal, number, operator.
    pub slot: ModemView,
    /// The SIM in it, as the inventory knows it.
    pub sim: Option<SimView>,
    /// The port's latest events (state changes with their reasons, SIMs coming and
    /// going), newest first.
    pub events: Vec<EventView>,
    /// The latest messages of the SIM in it, newest first, allocated or not.
    pub messages: Vec<MessageView>,
}

/// A SIM in a slot's detail.
#[derive(Debug, Clone, Serialize)]
pub struct SimView {
    /// ICCID.
    pub iccid: String,
    /// IMSI.
    pub imsi: Option<String>,
    /// Its number, E.164.
    pub number: Option<String>,
    /// ISO 3166-1 alpha-2 country.
    pub country: Option<String>,
    /// Operator name.
    pub operator: Option<String>,
    /// `active`, `quarantined` or `retired`.
    pub state: String,
    /// 0..=100.
    pub health: i64,
}

/// An event in a slot's detail.
#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    /// When, RFC 3339.
    pub at: String,
    /// What (`port_state`, `sim_new`, ...).
    pub kind: String,
    /// The SIM concerned.
    pub iccid: Option<String>,
    /// What happened, in words.
    pub detail: String,
}

/// A message in a slot's detail.
#[derive(Debug, Clone, Serialize)]
pub struct MessageView {
    /// The message's id.
    pub id: i64,
    /// When it reached the modem, RFC 3339.
    pub received_at: String,
    /// Who sent it.
    pub sender: Option<String>,
    /// Its text (absent for undecodable ones).
    pub text: Option<String>,
    /// The allocation it was attributed to; none for an idle SIM.
    pub allocation_id: Option<String>,
    /// Whether parts are missing.
    pub incomplete: bool,
}

fn rfc3339(time: time::OffsetDateTime) -> String {
    time.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

impl From<EventRow> for EventView {
    fn from(row: EventRow) -> EventView {
        EventView {
            at: rfc3339(row.at),
            kind: row.kind,
            iccid: row.iccid,
            detail: row.detail,
        }
    }
}

impl From<MessageRow> for MessageView {
    fn from(row: MessageRow) -> MessageView {
        MessageView {
            id: row.id.0,
            received_at: rfc3339(row.received_at),
            sender: row.sender,
            text: row.text,
            allocation_id: row.allocation_id,
            incomplete: row.incomplete,
        }
    }
}

/// Why a slot's detail could not be given.
#[derive(Debug, thiserror::Error)]
enum SlotError {
    #[error("no slot '{0}': give its path, its label (e.g. slot03) or its number")]
    NotFound(String),
    #[error("reading the slot: {0}")]
    Store(#[from] PoolError),
}

/// The slot that `key` names: its path, else its label, else its number.
fn find_slot(slots: Vec<ModemView>, key: &str) -> Option<ModemView> {
    let number = key.parse::<u32>().ok();
    let mut by_label = None;
    let mut by_number = None;
    for view in slots {
        if view.port == key {
            return Some(view);
        }
        if by_label.is_none() && view.label == key {
            by_label = Some(view);
        } else if by_number.is_none() && Some(view.slot) == number {
            by_number = Some(view);
        }
    }
    by_label.or(by_number)
}

/// Reads one slot's detail. Blocking (SQLite).
fn slot_detail(pool: &Pool, key: &str) -> Result<SlotDetail, SlotError> {
    let slots = crate::api::rack_view::modems(pool)?;
    let view = find_slot(slots, key).ok_or_else(|| SlotError::NotFound(key.to_owned()))?;
    let events = pool
        .port_events(&view.port, DETAIL_ROWS)?
        .into_iter()
        .map(EventView::from)
        .collect();
    let (sim, messages) = match &view.iccid {
        Some(iccid) => (
            pool.sim(iccid)?.map(|row| SimView {
                iccid: row.iccid,
                imsi: row.imsi,
                number: row.number.map(|number| number.number),
                country: row.country,
                operator: row.operator,
                state: row.state.as_str().to_owned(),
                health: row.health,
            }),
            pool.latest_messages(iccid, DETAIL_ROWS)?
                .into_iter()
                .map(MessageView::from)
                .collect(),
        ),
        None => (None, Vec::new()),
    };
    Ok(SlotDetail {
        slot: view,
        sim,
        events,
        messages,
    })
}

/// `GET /api/slots/{slot}`.
async fn slot(State(state): State<AppState>, key: Result<Path<String>, PathRejection>) -> Response {
    let Path(key) = match key {
        Ok(key) => key,
        Err(rejection) => {
            return problem(
                StatusCode::BAD_REQUEST,
                format!("not a slot name: {rejection}"),
            );
        }
    };
    let pool = state.feed.pool().clone();
    let read = tokio::task::spawn_blocking(move || slot_detail(&pool, &key)).await;
    match read {
        Ok(Ok(detail)) => Json(detail).into_response(),
        Ok(Err(error @ SlotError::NotFound(_))) => {
            problem(StatusCode::NOT_FOUND, error.to_string())
        }
        Ok(Err(error)) => {
            tracing::error!(%error, "the rack page could not read a slot");
            problem(StatusCode::INTERNAL_SERVER_ERROR, error.to_string())
        }
        Err(error) => problem(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()),
    }
}

#[cfg(test)]
mod tests;
