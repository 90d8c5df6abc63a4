//! Every face of the daemon, what a client sees. Each face asks the [`pool`](crate::pool),
//! never the store and never a port directly.
//!
//! - [`grpc`]: the gRPC API (tonic): the Pool and Admin services, health, reflection,
//!   tokens, TLS.
//! - [`partner`]: the HTTP partner API SMS aggregators call (getNumbers, rentNumber, getSMS,
//!   cancelNumber).
//! - [`web`]: the rack page for technicians: static files, a JSON snapshot, live updates.
//! - [`metrics`]: the Prometheus scrape endpoint (the metric functions are
//!   [`crate::metrics`], a leaf).
//! - [`rack_view`]: one view of each port (stored identity joined with the live status),
//!   shared by the Admin service and the rack page.
//! - [`http`]: the HTTP server the partner API, the rack page and the metrics share.

pub mod grpc;
pub mod http;
pub mod metrics;
pub mod partner;
pub mod rack_view;
pub mod web;
