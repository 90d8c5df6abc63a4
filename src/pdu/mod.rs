//! The SMS PDU codec (3GPP TS 23.040 and TS 23.038): pure functions from octets to messages
//! and back, with no I/O.
//!
//! A modem in PDU mode (TS 27.005 §3.1) hands over each SMS as hex: the SMSC address, then the
//! TPDU. [`Pdu::decode`] reads SMS-DELIVER, SMS-STATUS-REPORT and SMS-SUBMIT; every malformed
//! or truncated input becomes a [`PduError`] naming the field and the byte offset, never a
//! panic. Oddities that leave the message readable (a time stamp out of range, a reserved
//! coding) become [`DecodeWarning`]s, because an OTP inside an oddly stamped SMS is still the
//! renter's OTP. [`encode`] writes SMS-DELIVER (what the simulator's network sends) and
//! SMS-SUBMIT (what the daemon sends), split into parts when long.
//!
//! Multipart reassembly, attribution and storage are the pool's business, not this module's.

pub mod address;
pub mod dcs;
pub mod encode;
pub mod error;
pub mod gsm7;
mod parse;
pub mod timestamp;
pub mod tpdu;
pub mod udh;
pub mod user_data;

use nom::Parser;

pub use address::{Address, TypeOfNumber};
pub use dcs::{DataCoding, Encoding, MessageClass};
pub use encode::{Alphabet, Body, DeliverSpec, EncodedPdu, SubmitSpec};
pub use error::{DecodeWarning, EncodeError, PduError, PduErrorKind};
pub use gsm7::{NationalLanguage, Shift};
pub use tpdu::{Deliver, StatusClass, StatusReport, Submit, Validity};
pub use udh::{Concatenation, Ports, UserDataHeader};

pub use user_data::UserData;

use parse::{PResult, fail, octet};

/// One decoded PDU as a modem returned it: the SMSC field and the TPDU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pdu {
    /// The service centre, or `None` when the modem printed an empty SMSC field (`00`).
    pub smsc: Option<Address>,
    /// The TPDU.
    pub message: Message,
    /// What was odd but did not stop the decode.
    pub warnings: Vec<DecodeWarning>,
}

/// The TPDU types a modem hands over, by TP-MTI (TS 23.040 §9.2.3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// TP-MTI 00: a received SMS.
    Deliver(Deliver),
    /// TP-MTI 01: an SMS to send, or stored as sent/unsent.
    Submit(Submit),
    /// TP-MTI 10: a delivery report.
    StatusReport(StatusReport),
}

impl Pdu {
    /// Decodes a PDU from its octets, SMSC field first.
    pub fn decode(pdu: &[u8]) -> Result<Pdu, PduError> {
        if pdu.is_empty() {
            return Err(PduError::new(0, PduErrorKind::Empty));
        }
        let mut warnings = Vec::new();
        match parse_pdu(pdu, &mut warnings) {
            Ok((rest, (smsc, message))) => {
                if let Message::Deliver(deliver) = &message
                    && deliver.timestamp.is_none()
                    && deliver.sender.value.is_empty()
                    && !rest.is_empty()
                {
                    return Err(PduError::new(
                        0,
                        PduErrorKind::NotAnSms {
                            trailing: rest.len(),
                        },
                    ));
                }
                if !rest.is_empty() {
                    warnings.push(DecodeWarning::TrailingOctets { count: rest.len() });
                }
                Ok(Pdu {
                    smsc,
                    message,
                    warnings,
                })
            }
            Err(nom::Err::Error(failure) | nom::Err::Failure(failure)) => {
                Err(PduError::new(offset_in(pdu, failure.input), failure.kind))
            }
            // Only streaming parsers ask for more input, and these are all complete ones.
            Err(nom::Err::Incomplete(_)) => Err(PduError::new(
                pdu.len(),
                PduErrorKind::Truncated { field: "TPDU" },
            )),
        }
    }

    /// Decodes a PDU from the hex a modem prints (either case; surrounding white space is
    /// ignored).
    pub fn decode_hex(text: &str) -> Result<Pdu, PduError> {
        Pdu::decode(&hex_octets(text)?)
    }
}

/// The octets of a hex string, or an error naming the bad character and its position
/// (counted in characters of the line as given, leading white space included).
pub fn hex_octets(text: &str) -> Result<Vec<u8>, PduError> {
    // Fast path: every line a modem prints is clean hex.
    let digits = text.trim().as_bytes();
    if digits.len().is_multiple_of(2) {
        let mut octets = Vec::with_capacity(digits.len() / 2);
        for pair in digits.chunks_exact(2) {
            match (hex_value(pair[0]), hex_value(pair[1])) {
                (Some(high), Some(low)) => octets.push((high << 4) | low),
                _ => return Err(hex_error(text)),
            }
        }
        return Ok(octets);
    }
    Err(hex_error(text))
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// Says what is wrong with a line that is not hex, counting characters (not bytes) of the
/// line as given, leading white space included.
fn hex_error(text: &str) -> PduError {
    let leading = text.chars().take_while(|ch| ch.is_whitespace()).count();
    let trimmed = text.trim();
    let mut digits = 0usize;
    for (position, ch) in trimmed.chars().enumerate() {
        if !ch.is_ascii_hexdigit() {
            return PduError::new(
                position / 2,
                PduErrorKind::InvalidHex(format!(
                    "{ch:?} at character {} is not a hex digit",
                    leading + position
                )),
            );
        }
        digits += 1;
    }
    PduError::new(
        digits / 2,
        PduErrorKind::InvalidHex(format!("odd number of hex digits ({digits})")),
    )
}

/// Where `part` starts within `whole`. Every failure carries a sub-slice of the PDU, so this
/// is the byte offset of the problem.
fn offset_in(whole: &[u8], part: &[u8]) -> usize {
    let start = whole.as_ptr() as usize;
    let at = part.as_ptr() as usize;
    at.saturating_sub(start).min(whole.len())
}

/// SMSC field, first octet, then the TPDU its TP-MTI names.
fn parse_pdu<'a>(
    pdu: &'a [u8],
    warnings: &mut Vec<DecodeWarning>,
) -> PResult<'a, (Option<Address>, Message)> {
    let (rest, smsc) = address::smsc(pdu)?;
    let tpdu = rest;
    let (rest, first) = octet("TPDU first octet").parse(tpdu)?;
    let (rest, message) = match first & 0x03 {
        0b00 => {
            let (rest, deliver) = tpdu::deliver(first, rest, warnings)?;
            (rest, Message::Deliver(deliver))
        }
        0b01 => {
            let (rest, submit) = tpdu::submit(first, rest, warnings)?;
            (rest, Message::Submit(submit))
        }
        0b10 => {
            let (rest, report) = tpdu::status_report(first, rest, warnings)?;
            (rest, Message::StatusReport(report))
        }
        _ => return fail::<(Option<Address>, Message)>(tpdu, PduErrorKind::ReservedMessageType),
    };
    Ok((rest, (smsc, message)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_all_zero_line_is_not_an_sms_but_a_short_odd_one_still_is() {
        let junk = Pdu::decode_hex(&"0".repeat(58)).unwrap_err();
        assert_eq!(junk.kind, PduErrorKind::NotAnSms { trailing: 15 });
        // No sender and no time stamp, but nothing beyond the user data: decoded, with the
        // warning (a test PDU some tools write).
        let bare = Pdu::decode_hex("0004000000000000000000000000").unwrap();
        assert!(matches!(bare.message, Message::Deliver(_)));
        // A real SMS with octets after its user data: decoded, the extra octets a warning.
        let padded = Pdu::decode_hex(
            "07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD070000",
        )
        .unwrap();
        assert!(
            padded
                .warnings
                .contains(&DecodeWarning::TrailingOctets { count: 2 })
        );
    }

    #[test]
    fn hex_errors_name_the_character_as_the_line_shows_it() {
        let error = hex_octets("  00G0").unwrap_err();
        assert!(error.to_string().contains("'G' at character 4"), "{error}");
        let error = hex_octets("😀00").unwrap_err();
        assert!(error.to_string().contains("'😀' at character 0"), "{error}");
        let error = hex_octets("00é0").unwrap_err();
        assert!(error.to_string().contains("'é' at character 2"), "{error}");
        let error = hex_octets("000").unwrap_err();
        assert!(
            error.to_string().contains("odd number of hex digits (3)"),
            "{error}"
        );
        assert_eq!(hex_octets(" 0aFf\r\n").unwrap(), vec![0x0A, 0xFF]);
    }

    #[test]
    fn empty_input_is_an_error() {
        assert_eq!(Pdu::decode(&[]).unwrap_err().kind, PduErrorKind::Empty);
        assert_eq!(Pdu::decode_hex("  ").unwrap_err().kind, PduErrorKind::Empty);
    }
}
