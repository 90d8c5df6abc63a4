//! The AT protocol, pure layers: what a modem writes and what we write to it, with no I/O.
//!
//! - [`digest`]: the byte stream a modem writes (ITU-T V.250 §5.2.1 framing) turned into
//!   events: text lines with final result codes (V.250 §5.7.1, TS 27.007 §9.2 `+CME ERROR`,
//!   TS 27.005 §3.2.5 `+CMS ERROR`) told apart, the header + PDU line pairs of TS 27.005 §3.4,
//!   the `> ` prompt of §3.5.1, the command echo, and the garbage that had to be dropped.
//! - [`urc`]: unsolicited result codes typed (+CMTI, +CMT, +CDS, +CREG, +CPIN, +CUSD, boot
//!   lines, and the Huawei / Quectel / SIMCom vendor lines).
//! - [`command`]: the commands the daemon sends, each a type with its text, its timeout class
//!   and the parser of its response.
//! - [`error_codes`]: the +CME / +CMS error tables of the specs, with a fallback for the rest.
//!
//! - [`runner`]: the one tokio task per port that owns the byte stream: one command in flight,
//!   timeouts per command class, a command's lines told from URCs, URCs on a channel.
//!
//! - [`transcript`]: the one format of a port's dialogue (captured, explained, replayed);
//!   [`capture`] writes it as the runner talks, [`explain`] says what the daemon makes of
//!   each line of one.
//!
//! Only the runner knows tokio: the others are pure, so every quirk can be tested with a
//! byte transcript.

pub mod capture;
pub mod command;
pub mod digest;
pub mod error_codes;
pub mod explain;
mod fields;
pub mod runner;
pub mod transcript;
pub mod urc;

pub use digest::{DigestStats, Digester, ErrorCode, Event, FinalResult, GarbageReason, Line};
