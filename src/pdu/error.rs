//! Errors and warnings of the PDU codec.
//!
//! A decode error says what is wrong and at which byte offset of the PDU (counted from the
//! first octet of the SMSC field, as the modem printed it). A warning is something odd that
//! did not stop the message from being read: a time stamp out of range, a reserved coding
//! group, an unpaired surrogate. The daemon keeps the message and logs the warning, because a
//! one-time code inside an oddly stamped SMS is still a one-time code.

use std::fmt;

/// Why a PDU could not be decoded, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} (at byte {offset})")]
pub struct PduError {
    /// Byte offset into the PDU (SMSC field included) where the problem was found.
    pub offset: usize,
    /// What is wrong.
    pub kind: PduErrorKind,
}

impl PduError {
    /// An error of `kind` at byte `offset`.
    pub fn new(offset: usize, kind: PduErrorKind) -> Self {
        PduError { offset, kind }
    }
}

/// What is wrong with a PDU. Each variant names the TS 23.040 field concerned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PduErrorKind {
    /// The input holds no octet at all.
    #[error("empty PDU")]
    Empty,
    /// The hex text is not an even number of hex digits.
    #[error("invalid hex: {0}")]
    InvalidHex(String),
    /// The PDU ends before a field that must be there.
    #[error("truncated: {field} is missing")]
    Truncated {
        /// The field that should have started here.
        field: &'static str,
    },
    /// The PDU ends inside a field.
    #[error("truncated: {field} needs {needed} octets but only {available} remain")]
    FieldTruncated {
        /// The field being read.
        field: &'static str,
        /// Octets the field announces.
        needed: usize,
        /// Octets left in the PDU.
        available: usize,
    },
    /// TP-MTI 0b11 is reserved (TS 23.040 §9.2.3.1).
    #[error("TP-MTI 3 is a reserved message type")]
    ReservedMessageType,
    /// An address length beyond what TS 23.040 §9.1.2.5 allows.
    #[error("{field} length {length} is longer than the {max} allowed")]
    AddressTooLong {
        /// Which address (SMSC, TP-OA, TP-DA, TP-RA).
        field: &'static str,
        /// The announced length.
        length: u8,
        /// The largest length the spec allows.
        max: u8,
    },
    /// TP-UDL larger than a single TPDU can carry (160 septets or 140 octets).
    #[error("TP-UDL {length} exceeds the maximum of {max} {unit}")]
    UserDataTooLong {
        /// The announced TP-UDL.
        length: u8,
        /// The largest value for this alphabet.
        max: u8,
        /// "septets" or "octets".
        unit: &'static str,
    },
    /// The user data header does not fit in the user data, or an element runs past it.
    #[error("TP-UDH malformed: {0}")]
    MalformedHeader(String),
    /// No valid time stamp, no sender, and octets beyond the user data its length announces:
    /// what some modems print for an empty or erased slot (all zeros), not a message anyone
    /// sent. Reported as invalid so that it is never stored as an SMS.
    #[error(
        "not an SMS: no sender, no valid time stamp and {trailing} octets beyond the user data (an erased slot)"
    )]
    NotAnSms {
        /// The octets after the announced user data.
        trailing: usize,
    },
    /// TS 23.038 compressed text (TS 23.042), which no network uses for SMS in practice.
    #[error("TP-DCS 0x{dcs:02X} announces compressed text (TS 23.042), which is not supported")]
    CompressedText {
        /// The data coding scheme octet.
        dcs: u8,
    },
}

/// Something odd about a PDU that did not prevent decoding it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeWarning {
    /// A time stamp field that is not a valid date and time; the value is reported as null.
    InvalidTimestamp {
        /// TP-SCTS or TP-DT.
        field: &'static str,
        /// What is out of range.
        reason: String,
    },
    /// A reserved data coding scheme, read as the GSM 7-bit default alphabet as TS 23.038 §4
    /// tells a receiver to.
    ReservedCoding {
        /// The data coding scheme octet.
        dcs: u8,
    },
    /// A national language shift to a language id that TS 23.038 does not define; the default
    /// table is used instead.
    UnknownLanguage {
        /// The language id from the UDH.
        id: u8,
    },
    /// A concatenation element with impossible values (zero parts, part beyond the total); the
    /// message is treated as a single part.
    InvalidConcatenation {
        /// The three values as read: reference, total, sequence.
        reference: u16,
        /// Total number of parts announced.
        total: u8,
        /// Sequence number of this part.
        sequence: u8,
    },
    /// UCS2 text with an odd number of octets (the stray last octet is dropped) or an
    /// unpaired surrogate (shown as U+FFFD).
    DamagedUcs2,
    /// A septet with no character in the table in force (an undefined national position or an
    /// escape at the very end); shown as U+FFFD or dropped.
    UndefinedSeptet {
        /// The septet value.
        septet: u8,
    },
    /// Octets left over after the user data that TP-UDL announced.
    TrailingOctets {
        /// How many were ignored.
        count: usize,
    },
}

impl fmt::Display for DecodeWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeWarning::InvalidTimestamp { field, reason } => {
                write!(
                    f,
                    "{field} is not a valid time stamp ({reason}); reported as null"
                )
            }
            DecodeWarning::ReservedCoding { dcs } => write!(
                f,
                "TP-DCS 0x{dcs:02X} is a reserved coding; read as the GSM 7-bit default alphabet"
            ),
            DecodeWarning::UnknownLanguage { id } => write!(
                f,
                "national language id {id} is not defined; the default table is used"
            ),
            DecodeWarning::InvalidConcatenation {
                reference,
                total,
                sequence,
            } => write!(
                f,
                "concatenation element ref {reference} part {sequence} of {total} is impossible; \
                 treated as a single message"
            ),
            DecodeWarning::DamagedUcs2 => write!(
                f,
                "UCS2 text has an odd length (last octet dropped) or an unpaired surrogate (shown as U+FFFD)"
            ),
            DecodeWarning::UndefinedSeptet { septet } => write!(
                f,
                "septet 0x{septet:02X} has no character in the table in force"
            ),
            DecodeWarning::TrailingOctets { count } => {
                write!(f, "{count} octets after the user data were ignored")
            }
        }
    }
}

/// Why a message could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// A character the chosen alphabet cannot carry.
    #[error("character {0:?} cannot be encoded in the {1} alphabet")]
    Unencodable(char, &'static str),
    /// An address that is not digits (with an optional leading '+') or a name of at most 11
    /// GSM characters.
    #[error("invalid address {0:?}: {1}")]
    InvalidAddress(String, &'static str),
    /// A concatenation reference that does not fit the 8 bits asked for.
    #[error("concatenation reference {0} does not fit in 8 bits; ask for a 16-bit reference")]
    ReferenceTooLarge(u16),
    /// The text needs more than the 255 parts a concatenated message can have.
    #[error("message needs {0} parts; at most 255 are possible")]
    TooManyParts(usize),
    /// A time stamp whose offset is not a whole number of quarter hours within ±19:45 or
    /// whose year is outside 2000..=2099.
    #[error("time stamp {0} cannot be carried in TP-SCTS")]
    InvalidTimestamp(String),
}
