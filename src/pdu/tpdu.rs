//! The three TPDUs a modem hands over in PDU mode (TS 23.040 §9.2.2): SMS-DELIVER (an SMS
//! received), SMS-STATUS-REPORT (a delivery report for one we sent) and SMS-SUBMIT (one we
//! stored or sent, as +CMGL lists them).

use nom::Parser;
use time::OffsetDateTime;

use super::address::{Address, tp_address};
use super::dcs::DataCoding;
use super::error::{DecodeWarning, PduErrorKind};
use super::parse::{PResult, fail, octet, octets};
use super::timestamp;
use super::user_data::{UserData, user_data};

/// A received SMS (TS 23.040 §9.2.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deliver {
    /// TP-OA: who sent it.
    pub sender: Address,
    /// TP-PID: protocol identifier (0 for plain SMS; 0x41..0x47 "replace short message").
    pub protocol_identifier: u8,
    /// TP-DCS.
    pub coding: DataCoding,
    /// TP-SCTS: when the service centre received it; `None` if the stamp was not valid.
    pub timestamp: Option<OffsetDateTime>,
    /// TP-MMS inverted: whether the service centre has more messages waiting.
    pub more_messages: bool,
    /// TP-SRI: whether the sender asked for a status report.
    pub status_report_indication: bool,
    /// TP-RP: whether a reply path is set.
    pub reply_path: bool,
    /// TP-UD.
    pub user_data: UserData,
}

/// TS 23.040 §9.2.3.12 TP-Validity-Period of an SMS-SUBMIT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    /// Relative format: one octet (§9.2.3.12.1).
    Relative(u8),
    /// Enhanced format: seven octets (§9.2.3.12.3), kept as they are.
    Enhanced([u8; 7]),
    /// Absolute format: a time stamp (§9.2.3.12.2); `None` if not valid.
    Absolute(Option<OffsetDateTime>),
}

impl Validity {
    /// The relative validity as a duration (§9.2.3.12.1).
    pub fn relative_duration(octet: u8) -> time::Duration {
        let value = i64::from(octet);
        match octet {
            0..=143 => time::Duration::minutes((value + 1) * 5),
            144..=167 => time::Duration::hours(12) + time::Duration::minutes((value - 143) * 30),
            168..=196 => time::Duration::days(value - 166),
            _ => time::Duration::weeks(value - 192),
        }
    }
}

/// An SMS to send, or one stored as sent/unsent (TS 23.040 §9.2.2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submit {
    /// TP-MR: message reference.
    pub reference: u8,
    /// TP-DA: the recipient.
    pub recipient: Address,
    /// TP-PID.
    pub protocol_identifier: u8,
    /// TP-DCS.
    pub coding: DataCoding,
    /// TP-VP, when TP-VPF says one is present.
    pub validity: Option<Validity>,
    /// TP-RD: reject duplicates.
    pub reject_duplicates: bool,
    /// TP-SRR: a status report is requested.
    pub status_report_request: bool,
    /// TP-RP.
    pub reply_path: bool,
    /// TP-UD.
    pub user_data: UserData,
}

/// A delivery report for a message we sent (TS 23.040 §9.2.2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusReport {
    /// TP-MR of the SMS-SUBMIT this reports on.
    pub reference: u8,
    /// TP-RA: the recipient of that message.
    pub recipient: Address,
    /// TP-SCTS: when the service centre received the message.
    pub timestamp: Option<OffsetDateTime>,
    /// TP-DT: when the status was reached (delivered, or failed).
    pub discharge_time: Option<OffsetDateTime>,
    /// TP-ST (§9.2.3.15), reserved values included.
    pub status: u8,
    /// TP-MMS inverted.
    pub more_messages: bool,
    /// TP-SRQ: whether this reports on an SMS-COMMAND rather than an SMS-SUBMIT.
    pub reports_command: bool,
    /// TP-PID, when TP-PI says it is present.
    pub protocol_identifier: Option<u8>,
    /// TP-DCS, when TP-PI says it is present.
    pub coding: Option<DataCoding>,
    /// TP-UD, when TP-PI says it is present.
    pub user_data: Option<UserData>,
}

/// TS 23.040 §9.2.3.15: what a TP-ST value means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusClass {
    /// 0x00..=0x1F: the message was delivered (or replaced).
    Completed,
    /// 0x20..=0x3F: temporary error, the service centre keeps trying.
    StillTrying,
    /// 0x40..=0x5F and reserved values: permanent error, the service centre gave up.
    PermanentError,
    /// 0x60..=0x7F: temporary error, the service centre stopped trying.
    TemporaryErrorGaveUp,
}

impl StatusReport {
    /// What the status means; reserved values above 0x7F count as permanent errors, as
    /// §9.2.3.15 tells a receiver to treat them.
    pub fn status_class(&self) -> StatusClass {
        match self.status {
            0x00..=0x1F => StatusClass::Completed,
            0x20..=0x3F => StatusClass::StillTrying,
            0x60..=0x7F => StatusClass::TemporaryErrorGaveUp,
            _ => StatusClass::PermanentError,
        }
    }
}

const UDHI: u8 = 0x40;

/// Whether TP-UDHI (bit 6 of the first octet) is set.
fn has_header(first: u8) -> bool {
    first & UDHI != 0
}

/// TS 23.040 §9.2.2.1 SMS-DELIVER, from TP-OA on.
pub(crate) fn deliver<'a>(
    first: u8,
    input: &'a [u8],
    warnings: &mut Vec<DecodeWarning>,
) -> PResult<'a, Deliver> {
    let (rest, (sender, protocol_identifier)) =
        (tp_address("TP-OA"), octet("TP-PID")).parse(input)?;
    let (rest, coding) = data_coding(rest, warnings)?;
    let (rest, timestamp) = timestamp::field(rest, "TP-SCTS", warnings)?;
    let (rest, user_data) = user_data(rest, coding, has_header(first), warnings)?;
    Ok((
        rest,
        Deliver {
            sender,
            protocol_identifier,
            coding,
            timestamp,
            more_messages: first & 0x04 == 0,
            status_report_indication: first & 0x20 != 0,
            reply_path: first & 0x80 != 0,
            user_data,
        },
    ))
}

/// TS 23.040 §9.2.2.2 SMS-SUBMIT, from TP-MR on.
pub(crate) fn submit<'a>(
    first: u8,
    input: &'a [u8],
    warnings: &mut Vec<DecodeWarning>,
) -> PResult<'a, Submit> {
    let (rest, (reference, recipient, protocol_identifier)) =
        (octet("TP-MR"), tp_address("TP-DA"), octet("TP-PID")).parse(input)?;
    let (rest, coding) = data_coding(rest, warnings)?;
    // TP-VPF, bits 4..3: 00 none, 10 relative, 01 enhanced, 11 absolute.
    let (rest, validity) = match (first >> 3) & 0x03 {
        0b00 => (rest, None),
        0b10 => {
            let (rest, value) = octet("TP-VP").parse(rest)?;
            (rest, Some(Validity::Relative(value)))
        }
        0b01 => {
            let (rest, raw) = octets("TP-VP", 7).parse(rest)?;
            let mut seven = [0u8; 7];
            seven.copy_from_slice(raw);
            (rest, Some(Validity::Enhanced(seven)))
        }
        _ => {
            let (rest, time) = timestamp::field(rest, "TP-VP", warnings)?;
            (rest, Some(Validity::Absolute(time)))
        }
    };
    let (rest, user_data) = user_data(rest, coding, has_header(first), warnings)?;
    Ok((
        rest,
        Submit {
            reference,
            recipient,
            protocol_identifier,
            coding,
            validity,
            reject_duplicates: first & 0x04 != 0,
            status_report_request: first & 0x20 != 0,
            reply_path: first & 0x80 != 0,
            user_data,
        },
    ))
}

/// TS 23.040 §9.2.2.3 SMS-STATUS-REPORT, from TP-MR on. The fields after TP-ST are optional
/// and announced by TP-PI (§9.2.3.27).
pub(crate) fn status_report<'a>(
    first: u8,
    input: &'a [u8],
    warnings: &mut Vec<DecodeWarning>,
) -> PResult<'a, StatusReport> {
    let (rest, (reference, recipient)) = (octet("TP-MR"), tp_address("TP-RA")).parse(input)?;
    let (rest, timestamp) = timestamp::field(rest, "TP-SCTS", warnings)?;
    let (rest, discharge_time) = timestamp::field(rest, "TP-DT", warnings)?;
    let (mut rest, status) = octet("TP-ST").parse(rest)?;
    let mut report = StatusReport {
        reference,
        recipient,
        timestamp,
        discharge_time,
        status,
        more_messages: first & 0x04 == 0,
        reports_command: first & 0x20 != 0,
        protocol_identifier: None,
        coding: None,
        user_data: None,
    };
    let Some((&indicator, after)) = rest.split_first() else {
        return Ok((rest, report));
    };
    rest = after;
    // Bit 7 extends TP-PI into further octets, whose bits are all reserved: skip them.
    let mut extension = indicator;
    while extension & 0x80 != 0 {
        let (after, next) = octet("TP-PI").parse(rest)?;
        rest = after;
        extension = next;
    }
    if indicator & 0x01 != 0 {
        let (after, pid) = octet("TP-PID").parse(rest)?;
        rest = after;
        report.protocol_identifier = Some(pid);
    }
    if indicator & 0x02 != 0 {
        let (after, coding) = data_coding(rest, warnings)?;
        rest = after;
        report.coding = Some(coding);
    }
    if indicator & 0x04 != 0 {
        // Without TP-DCS the user data is GSM 7-bit (§9.2.3.27).
        let coding = report.coding.unwrap_or(DataCoding::GSM7);
        let (after, data) = user_data(rest, coding, has_header(first), warnings)?;
        rest = after;
        report.user_data = Some(data);
    }
    Ok((rest, report))
}

/// TP-DCS, refusing compressed text and noting reserved codings.
fn data_coding<'a>(input: &'a [u8], warnings: &mut Vec<DecodeWarning>) -> PResult<'a, DataCoding> {
    let (rest, raw) = octet("TP-DCS").parse(input)?;
    let coding = DataCoding::decode(raw);
    if coding.compressed {
        return fail(input, PduErrorKind::CompressedText { dcs: raw });
    }
    coding.warn(warnings);
    Ok((rest, coding))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_validity_periods() {
        assert_eq!(Validity::relative_duration(0), time::Duration::minutes(5));
        assert_eq!(Validity::relative_duration(143), time::Duration::hours(12));
        assert_eq!(Validity::relative_duration(167), time::Duration::hours(24));
        assert_eq!(Validity::relative_duration(168), time::Duration::days(2));
        assert_eq!(Validity::relative_duration(255), time::Duration::weeks(63));
    }
}
