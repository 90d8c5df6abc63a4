//! A simulated rack: virtual modems with SIM cards on pseudo-terminals, for tests and demos.
//!
//! - [`identity`]: the SIM and modem identities (IMEI, ICCID, IMSI of a real operator,
//!   MSISDN) generated from a seed.
//! - [`personality`]: the modem models imitated and the quirks each one has.
//! - [`sms`]: incoming SMS built with the project's PDU encoder.
//! - [`modem`]: one modem as a pure state machine: bytes in, bytes out at given instants.
//! - [`replay`]: a real modem's transcript played back by a simulated modem.
//! - [`host`]: the modems on pseudo-terminals, driven by tokio, with their links and faults.
//! - [`control`]: the control endpoint (gRPC) that injects SMS and faults.

pub mod control;
pub mod host;
pub mod identity;
pub mod modem;
pub mod personality;
pub mod replay;
pub mod sms;
