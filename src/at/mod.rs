//! The AT protocol as seen on the wire: the first, pure layer of the AT engine.
//!
//! This module owns turning the byte stream a modem writes (ITU-T V.250 §5.2.1 framing,
//! 3GPP TS 27.007 / TS 27.005 responses) into events: text lines, with final result codes
//! (V.250 §5.7.1, TS 27.007 §9.2 `+CME ERROR`, TS 27.005 §3.2.5 `+CMS ERROR`) told apart from
//! other lines, the header + PDU line pairs of TS 27.005 §3.4, the `> ` prompt of §3.5.1, the
//! command echo, and the garbage that had to be dropped. See [`digest`].
//!
//! It does no I/O and knows nothing of tokio: the port task reads the serial port and feeds
//! the bytes in, so every quirk can be tested with a byte transcript. Typed URC parsing, the
//! command runner (one command in flight, timeouts, deciding which lines belong to the
//! command) and typed commands belong to later layers, not to this module.

pub mod digest;

pub use digest::{DigestStats, Digester, ErrorCode, Event, FinalResult, GarbageReason, Line};
