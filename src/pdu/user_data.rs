//! TS 23.040 §9.2.3.16 TP-User-Data-Length and §9.2.3.24 TP-User-Data: the header (when
//! TP-UDHI says there is one), the fill bits that put GSM 7-bit text back on a septet
//! boundary after it, and the text in the alphabet TP-DCS names.

use nom::Parser;

use super::dcs::{DataCoding, Encoding};
use super::error::{DecodeWarning, PduErrorKind};
use super::gsm7;
use super::parse::{Failure, PResult, fail, octet, octets};
use super::udh::UserDataHeader;

/// Largest TP-UDL for GSM 7-bit: 140 octets hold 160 septets.
pub const MAX_SEPTETS: u8 = 160;
/// Largest TP-UDL for 8-bit and UCS2 data.
pub const MAX_OCTETS: u8 = 140;

/// The user data of one TPDU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserData {
    /// The header, when TP-UDHI was set.
    pub header: Option<UserDataHeader>,
    /// The alphabet of the text.
    pub encoding: Encoding,
    /// The text. For 8-bit data it is the Latin-1 reading of the octets when they are all
    /// printable (some senders put plain text in 8-bit messages), else `None`.
    pub text: Option<String>,
    /// For 8-bit and UCS2 data, the octets after the header, so binary payloads can be
    /// passed on and multipart reassembly can join a surrogate pair split between two parts.
    /// Empty for GSM 7-bit.
    pub octets: Vec<u8>,
}

impl UserData {
    /// The text, or "" for binary data.
    pub fn text_or_empty(&self) -> &str {
        self.text.as_deref().unwrap_or("")
    }
}

/// Reads TP-UDL and TP-UD. `input` starts at TP-UDL.
pub(crate) fn user_data<'a>(
    input: &'a [u8],
    coding: DataCoding,
    has_header: bool,
    warnings: &mut Vec<DecodeWarning>,
) -> PResult<'a, UserData> {
    let (rest, length) = octet("TP-UDL").parse(input)?;
    let (max, unit, octet_count) = match coding.encoding {
        Encoding::Gsm7 => (
            MAX_SEPTETS,
            "septets",
            (usize::from(length) * 7).div_ceil(8),
        ),
        Encoding::EightBit | Encoding::Ucs2 => (MAX_OCTETS, "octets", usize::from(length)),
    };
    if length > max {
        return fail(input, PduErrorKind::UserDataTooLong { length, max, unit });
    }
    let (rest, data) = octets("TP-UD", octet_count).parse(rest)?;

    let (header, header_octets) = if has_header {
        let (header, header_octets) = header(data, warnings)?;
        (Some(header), header_octets)
    } else {
        (None, 0)
    };

    let user_data = match coding.encoding {
        Encoding::Gsm7 => {
            // The text starts on the first septet boundary after the header (§9.2.3.24:
            // fill bits pad the header to a whole number of septets).
            let header_septets = (header_octets * 8).div_ceil(7);
            let text_septets = usize::from(length).checked_sub(header_septets);
            let Some(text_septets) = text_septets else {
                return fail(
                    data,
                    PduErrorKind::MalformedHeader(format!(
                        "the header takes {header_septets} septets but TP-UDL is only {length}"
                    )),
                );
            };
            let shift = header
                .as_ref()
                .map_or(gsm7::Shift::DEFAULT, |header| header.shift(warnings));
            UserData {
                text: Some(gsm7::decode(
                    data,
                    header_septets,
                    text_septets,
                    shift,
                    warnings,
                )),
                header,
                encoding: Encoding::Gsm7,
                octets: Vec::new(),
            }
        }
        Encoding::Ucs2 => {
            let payload = &data[header_octets..];
            UserData {
                text: Some(ucs2(payload, warnings)),
                header,
                encoding: Encoding::Ucs2,
                octets: payload.to_vec(),
            }
        }
        Encoding::EightBit => {
            let payload = &data[header_octets..];
            UserData {
                text: latin1_text(payload),
                header,
                encoding: Encoding::EightBit,
                octets: payload.to_vec(),
            }
        }
    };
    Ok((rest, user_data))
}

/// TP-UDHL and the header's elements at the start of `data`; returns the header and the
/// octets it takes, TP-UDHL included.
fn header<'a>(
    data: &'a [u8],
    warnings: &mut Vec<DecodeWarning>,
) -> Result<(UserDataHeader, usize), nom::Err<Failure<'a>>> {
    let Some(&header_length) = data.first() else {
        return Err(nom::Err::Failure(Failure {
            input: data,
            kind: PduErrorKind::MalformedHeader(
                "TP-UDHI is set but the user data is empty".to_owned(),
            ),
        }));
    };
    let end = 1 + usize::from(header_length);
    let Some(elements) = data.get(1..end) else {
        return Err(nom::Err::Failure(Failure {
            input: data,
            kind: PduErrorKind::MalformedHeader(format!(
                "TP-UDHL {header_length} exceeds the {} octets of user data",
                data.len()
            )),
        }));
    };
    match UserDataHeader::parse(elements, warnings) {
        Ok(header) => Ok((header, end)),
        Err((at, kind)) => Err(nom::Err::Failure(Failure {
            input: &elements[at..],
            kind,
        })),
    }
}

/// UCS2 read as UTF-16BE, so surrogate pairs (emoji) decode; damage becomes U+FFFD.
pub(crate) fn ucs2(payload: &[u8], warnings: &mut Vec<DecodeWarning>) -> String {
    let units = payload
        .chunks_exact(2)
        .map(|pair| u16::from_be_bytes([pair[0], pair[1]]));
    let mut damaged = !payload.len().is_multiple_of(2);
    let mut text = String::with_capacity(payload.len() / 2 * 3);
    for unit in char::decode_utf16(units) {
        text.push(unit.unwrap_or_else(|_| {
            damaged = true;
            char::REPLACEMENT_CHARACTER
        }));
    }
    if damaged {
        warnings.push(DecodeWarning::DamagedUcs2);
    }
    text
}

/// The Latin-1 reading of 8-bit data when every octet is a printable character or a line
/// break; binary payloads (WAP push, SIM toolkit) give `None`.
fn latin1_text(payload: &[u8]) -> Option<String> {
    let printable = |octet: &u8| matches!(octet, b'\r' | b'\n' | b'\t' | 0x20..=0x7E | 0xA0..=0xFF);
    payload
        .iter()
        .all(printable)
        .then(|| payload.iter().map(|&octet| char::from(octet)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(coding: u8, has_header: bool, hex_text: &str) -> Result<UserData, PduErrorKind> {
        let bytes = hex::decode(hex_text).unwrap();
        let mut warnings = Vec::new();
        user_data(
            &bytes,
            DataCoding::decode(coding),
            has_header,
            &mut warnings,
        )
        .map(|(_, data)| data)
        .map_err(|error| match error {
            nom::Err::Failure(failure) | nom::Err::Error(failure) => failure.kind,
            nom::Err::Incomplete(_) => unreachable!("complete parsers"),
        })
    }

    #[test]
    fn gsm7_without_header() {
        let data = read(0x00, false, "0AE8329BFD4697D9EC37").unwrap();
        assert_eq!(data.text.as_deref(), Some("hellohello"));
    }

    #[test]
    fn gsm7_after_a_header_skips_the_fill_bit() {
        // UDHL 5, concat ref 0x4C 2/1: six octets = 48 bits, one fill bit, text at septet 7.
        let septets = gsm7::Encoder::new(gsm7::Shift::DEFAULT)
            .encode("OTP 123456")
            .unwrap();
        let mut ud = gsm7::pack(&septets, 7);
        ud[..6].copy_from_slice(&[0x05, 0x00, 0x03, 0x4C, 0x02, 0x01]);
        let mut pdu = vec![(7 + septets.len()) as u8];
        pdu.extend(ud);
        let data = read(0x00, true, &hex::encode(pdu)).unwrap();
        assert_eq!(data.text.as_deref(), Some("OTP 123456"));
        assert_eq!(data.header.unwrap().concatenation.unwrap().sequence, 1);
    }

    #[test]
    fn ucs2_with_a_surrogate_pair() {
        // "Код 😀"
        let data = read(0x08, false, "0C041A043E04340020D83DDE00").unwrap();
        assert_eq!(data.text.as_deref(), Some("Код 😀"));
    }

    #[test]
    fn ucs2_damage_is_replaced_not_fatal() {
        let bytes = hex::decode("04D83D0041").unwrap();
        let mut warnings = Vec::new();
        let (_, data) = user_data(&bytes, DataCoding::UCS2, false, &mut warnings).unwrap();
        assert_eq!(data.text.as_deref(), Some("\u{FFFD}A"));
        assert_eq!(warnings, vec![DecodeWarning::DamagedUcs2]);
    }

    #[test]
    fn eight_bit_text_and_binary() {
        let text = read(0x04, false, "0548656C6C6F").unwrap();
        assert_eq!(text.text.as_deref(), Some("Hello"));
        let binary = read(0x04, false, "03000102").unwrap();
        assert_eq!(binary.text, None);
        assert_eq!(binary.octets, vec![0, 1, 2]);
    }

    #[test]
    fn lengths_beyond_one_tpdu_are_refused() {
        assert!(matches!(
            read(0x00, false, "A1"),
            Err(PduErrorKind::UserDataTooLong { .. })
        ));
        assert!(matches!(
            read(0x08, false, "8D"),
            Err(PduErrorKind::UserDataTooLong { .. })
        ));
    }

    #[test]
    fn missing_user_data_is_reported() {
        assert!(matches!(
            read(0x00, false, "0BE8329BFD4697D9EC37"),
            Err(PduErrorKind::FieldTruncated {
                field: "TP-UD",
                needed: 10,
                available: 9
            })
        ));
    }

    #[test]
    fn header_longer_than_the_data_is_refused() {
        assert!(matches!(
            read(0x04, true, "020501"),
            Err(PduErrorKind::MalformedHeader(_))
        ));
        assert!(matches!(
            read(0x04, true, "00"),
            Err(PduErrorKind::MalformedHeader(_))
        ));
        // GSM 7-bit: 6 header octets take 7 septets; a TP-UDL of 6 cannot hold them.
        assert!(matches!(
            read(0x00, true, "060500034C0201"),
            Err(PduErrorKind::MalformedHeader(_))
        ));
    }
}
