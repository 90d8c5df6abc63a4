//! The values that go in and out of the store: what callers report (port and SIM updates,
//! what they get back, and the rows they read.

use std::fmt;

use time::OffsetDateTime;

/// The id of a message: the cursor consumers page by. Ids only grow, in commit order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MessageId(pub i64);

/// The id of a received PDU (one part of a message, or a whole single-part one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartId(pub i64);

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for PartId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What a port task saw of its modem. `None` leaves the stored value as it is (so a port
/// that is gone keeps its modem's identity on record), except for `last_error`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PortUpdate {
    /// The serial port's path: the port's identity (pool boards can share an IMEI).
    pub path: String,
    /// The port task's state (open, probe, configure, drain, ready, degraded, recovering,
    /// gone); free text so the store does not have to follow the state machine's changes.
    pub state: String,
    /// `+CGMM`.
    pub model: Option<String>,
    /// `+CGMI`.
    pub manufacturer: Option<String>,
    /// `+CGMR`.
    pub firmware: Option<String>,
    /// `+CGSN`.
    pub imei: Option<String>,
    /// Signal strength: the `+CSQ` `<rssi>` (TS 27.007 §8.5), 0..=31, 99 unknown.
    pub signal_rssi: Option<u8>,
    /// Network registration (`+CREG`/`+CEREG` status), as text.
    pub registration: Option<String>,
    /// The port's current error, `None` when it has none. Unlike the other fields, `None`
    /// clears the stored one: an error describes the moment of the update, and a port that
    /// recovered must not go on showing it.
    pub last_error: Option<String>,
}

impl PortUpdate {
    /// An update of the state alone.
    pub fn new(path: impl Into<String>, state: impl Into<String>) -> Self {
        PortUpdate {
            path: path.into(),
            state: state.into(),
            ..PortUpdate::default()
        }
    }

    /// The port's task ended (unplugged, or the daemon stopping): state `gone`, the rest
    /// kept as last seen.
    pub fn gone(path: impl Into<String>) -> Self {
        PortUpdate::new(path, "gone")
    }
}

/// How a SIM's own number was learnt, from least to most trusted only in that a manual
/// entry is never overwritten by a probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NumberSource {
    /// `AT+CNUM` (the SIM's MSISDN record, often empty or stale).
    Cnum,
    /// An operator USSD code that answers with the number.
    Ussd,
    /// The configured ICCID → number mapping.
    Mapping,
    /// Entered by a technician: never overwritten by a probed number.
    Manual,
}

impl NumberSource {
    /// The name stored in `sims.number_source`.
    pub fn as_str(self) -> &'static str {
        match self {
            NumberSource::Cnum => "cnum",
            NumberSource::Ussd => "ussd",
            NumberSource::Mapping => "mapping",
            NumberSource::Manual => "manual",
        }
    }

    /// The source a stored name stands for.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "cnum" => NumberSource::Cnum,
            "ussd" => NumberSource::Ussd,
            "mapping" => NumberSource::Mapping,
            "manual" => NumberSource::Manual,
            _ => return None,
        })
    }
}

/// A SIM's own number and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimNumber {
    /// E.164 with the '+', e.g. "+4915112345678"; the database refuses anything else.
    pub number: String,
    /// How it was learnt.
    pub source: NumberSource,
}

/// What a port task learnt of the SIM in its modem. `None` fields leave what is stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SimUpdate {
    /// `+CCID`: the SIM's identity.
    pub iccid: String,
    /// The port it is in now.
    pub port_path: String,
    /// `+CIMI`.
    pub imsi: Option<String>,
    /// The SIM's number, when known. A known number is never replaced by `None`, and a
    /// manual one never by a probed one.
    pub number: Option<SimNumber>,
    /// ISO 3166-1 alpha-2 country (upper-cased on the way in).
    pub country: Option<String>,
    /// The operator's name.
    pub operator: Option<String>,
    /// The network's MCC-MNC (`262-01`), when the modem gave it.
    pub operator_code: Option<String>,
}

impl SimUpdate {
    /// A SIM seen in a port, nothing else known yet.
    pub fn new(iccid: impl Into<String>, port_path: impl Into<String>) -> Self {
        SimUpdate {
            iccid: iccid.into(),
            port_path: port_path.into(),
            ..SimUpdate::default()
        }
    }
}

/// What [`Store::sim_seen`](super::Store::sim_seen) found changed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SimSeen {
    /// The SIM was never seen before.
    pub new: bool,
    /// The port it was in before, when it moved.
    pub previous_port: Option<String>,
    /// The SIM that was in this port before (a swap without a "SIM removed" in between).
    pub replaced_iccid: Option<String>,
    /// The stored number of a known SIM changed (including from unknown to known).
    pub number_changed: bool,
}

/// The lifecycle of a SIM in the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SimState {
    /// Usable.
    Active,
    /// Kept out of allocation (bad number, blocked, too many failures).
    Quarantined,
    /// Out of service for good; kept for its history.
    Retired,
}

impl SimState {
    /// The name stored in `sims.state`.
    pub fn as_str(self) -> &'static str {
        match self {
            SimState::Active => "active",
            SimState::Quarantined => "quarantined",
            SimState::Retired => "retired",
        }
    }

    /// The state a stored name stands for.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "active" => SimState::Active,
            "quarantined" => SimState::Quarantined,
            "retired" => SimState::Retired,
            _ => return None,
        })
    }
}

/// What a stored message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// An SMS received (SMS-DELIVER), possibly joined from parts.
    Deliver,
    /// A delivery report for an SMS this rack sent.
    StatusReport,
    /// A PDU that could not be decoded; kept, with no text, for the technicians.
    Undecodable,
}

impl MessageKind {
    /// The name stored in `messages.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Deliver => "deliver",
            MessageKind::StatusReport => "status_report",
            MessageKind::Undecodable => "undecodable",
        }
    }

    /// The kind a stored name stands for.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "deliver" => MessageKind::Deliver,
            "status_report" => MessageKind::StatusReport,
            "undecodable" => MessageKind::Undecodable,
            _ => return None,
        })
    }
}

/// The alphabet names `messages.encoding` holds (the PDU codec's JSON names).
pub(crate) const ENCODINGS: [&str; 3] = ["gsm7", "8bit", "ucs2"];

/// The stored encoding name as a static name, `None` when it is none of [`ENCODINGS`].
pub(crate) fn encoding_from_name(name: &str) -> Option<&'static str> {
    ENCODINGS.into_iter().find(|known| *known == name)
}

/// Which messages to read: those after a cursor, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageFilter {
    /// Only this SIM's messages.
    pub iccid: Option<String>,
    /// Only the messages attributed to this allocation (then `iccid` is not looked at).
    pub allocation_id: Option<String>,
    /// Only messages with a greater id: the last id the reader has seen.
    pub after_id: Option<MessageId>,
    /// At most this many (capped at [`MessageFilter::MAX_LIMIT`]).
    pub limit: usize,
}

impl MessageFilter {
    /// The largest page a read returns, so a careless caller cannot load the whole table.
    pub const MAX_LIMIT: usize = 10_000;
}

impl Default for MessageFilter {
    /// Every SIM, from the start, 100 at a time.
    fn default() -> Self {
        MessageFilter {
            iccid: None,
            allocation_id: None,
            after_id: None,
            limit: 100,
        }
    }
}

/// A port as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortRow {
    /// The serial port's path.
    pub path: String,
    /// The port task's last reported state.
    pub state: String,
    /// Modem model.
    pub model: Option<String>,
    /// Modem manufacturer.
    pub manufacturer: Option<String>,
    /// Modem firmware.
    pub firmware: Option<String>,
    /// Modem IMEI.
    pub imei: Option<String>,
    /// The SIM in the port now.
    pub iccid: Option<String>,
    /// Last signal strength (`+CSQ` `<rssi>`).
    pub signal_rssi: Option<u8>,
    /// Last registration status.
    pub registration: Option<String>,
    /// The error of the last update, if it had one.
    pub last_error: Option<String>,
    /// When the row last changed.
    pub updated_at: OffsetDateTime,
}

/// A SIM as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimRow {
    /// The SIM's identity.
    pub iccid: String,
    /// Its IMSI.
    pub imsi: Option<String>,
    /// Its number, when known.
    pub number: Option<SimNumber>,
    /// ISO 3166-1 alpha-2 country.
    pub country: Option<String>,
    /// Operator name.
    pub operator: Option<String>,
    /// The network's MCC-MNC (`262-01`), when a modem gave it.
    pub operator_code: Option<String>,
    /// Whether it may be rented out.
    pub state: SimState,
    /// 0..=100, 100 healthy.
    pub health: i64,
    /// The port it is in now, `None` when out.
    pub port_path: Option<String>,
    /// When it was first seen.
    pub first_seen: OffsetDateTime,
    /// When it was last seen.
    pub last_seen: OffsetDateTime,
}

/// A message as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRow {
    /// The cursor.
    pub id: MessageId,
    /// The SIM it arrived on.
    pub iccid: String,
    /// The port it was read from (of its last part).
    pub port_path: String,
    /// What it is.
    pub kind: MessageKind,
    /// The sender (TP-OA), or for a status report the recipient it reports on.
    pub sender: Option<String>,
    /// The sender's type of number: international, national, alphanumeric or unknown.
    pub sender_type: Option<String>,
    /// The text; `None` for binary 8-bit data, undecodable PDUs and status reports without.
    pub text: Option<String>,
    /// The alphabet of the (first) part, by its JSON name: `gsm7`, `8bit` or `ucs2`.
    pub encoding: Option<&'static str>,
    /// 8-bit data, upper-case hex, all parts joined.
    pub data_hex: Option<String>,
    /// The service centre.
    pub smsc: Option<String>,
    /// The service centre's time stamp of the first part.
    pub sent_at: Option<OffsetDateTime>,
    /// When the part that completed it reached the daemon.
    pub received_at: OffsetDateTime,
    /// How many parts the sender announced (1 for a single SMS).
    pub parts_expected: u32,
    /// How many distinct parts went into it.
    pub parts_received: u32,
    /// Some parts never came: the text leaves them out.
    pub incomplete: bool,
    /// The allocation it was attributed to on arrival, `None` for an idle SIM.
    pub allocation_id: Option<String>,
    /// When the row was written.
    pub created_at: OffsetDateTime,
    /// The one-time code found in it for its allocation's service, written when it was
    /// attributed; `None` when it has no allocation or no code was found.
    pub code: Option<String>,
}

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// Increasing id.
    pub id: i64,
    /// When it was recorded.
    pub at: OffsetDateTime,
    /// What happened (`sim_new`, `sim_swapped`, `late_part`, ...).
    pub kind: String,
    /// The port concerned.
    pub port_path: Option<String>,
    /// The SIM concerned.
    pub iccid: Option<String>,
    /// Human-readable details.
    pub detail: String,
}
