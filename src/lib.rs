//! modempool: the controller of a rack of GSM modems holding SIM cards, renting their numbers
//! out one at a time to receive one-time codes by SMS.
//!
//! Map of the crate (each module opens with what it owns):
//! - [`pdu`]: the SMS PDU codec (TS 23.040 / TS 23.038), pure, no I/O.
//! - [`api`]: every face: gRPC (Pool and Admin services), the partner HTTP API, the rack
//!   page, the metrics endpoint; each asks the pool.
//! - [`at`]: the AT protocol (V.250, TS 27.007 / TS 27.005): line framing, typed URCs, typed
//!   commands and responses, error tables; pure, no I/O.
//! - [`simulator`]: simulated modems with SIMs on pseudo-terminals, for tests and demos.
//! - [`config`]: the TOML configuration, its defaults and its checks.
//! - [`inventory`]: facts about SIMs: country of an MCC, numbers in E.164, numbers in USSD
//!   answers.
//! - [`modem`]: the ports: discovery, the supervisor, one task per port (probe, configure,
//!   drain, ingest, recovery); talks to the pool through one interface.
//! - [`otp`]: one-time codes in SMS text: which part of a message is the code; pure, no I/O.
//! - [`pool`]: the renting rules: allocation, release, expiry, attribution, one-time codes.
//! - [`service_manager`]: what systemd hears: ready, watchdog, status, stopping.
//! - [`store`]: SQLite: the inventory, every SMS exactly once, the audit trail.
//! - [`metrics`]: the metric names and the functions that record them (a leaf).
//! - [`cli`]: the command-line commands; `main.rs` only parses arguments and calls these.
//! - [`proto`]: the generated protobuf types of `proto/modempool/v1`.

#![forbid(unsafe_code)]

pub mod api;
pub mod at;
pub mod cli;
pub mod config;
pub mod inventory;
pub mod metrics;
pub mod modem;
pub mod otp;
pub mod pdu;
pub mod pool;
pub mod service_manager;
pub mod simulator;
pub mod store;
#[cfg(test)]
mod test_support;
pub mod ticker;

/// Protobuf and gRPC types generated from `proto/modempool/v1` at build time.
pub mod proto {
    /// Package `modempool.v1`.
    #[allow(missing_docs, clippy::all)]
    pub mod v1 {
        tonic::include_proto!("modempool.v1");

        /// The encoded descriptors of every modempool proto file, for gRPC reflection.
        pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("modempool");
    }
}
