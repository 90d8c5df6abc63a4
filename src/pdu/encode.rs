//! Writes SMS-DELIVER (what a network sends to a modem; the simulator uses it) and SMS-SUBMIT
//! (what the daemon sends), choosing the alphabet and splitting long text into concatenated
//! parts (TS 23.040 §9.2.3.24.1) without breaking an escape sequence or a surrogate pair.

use time::OffsetDateTime;

use super::address::{Address, write_smsc, write_tp_address};
use super::dcs::{DataCoding, Encoding, MessageClass};
use super::error::EncodeError;
use super::gsm7::{self, Shift};
use super::timestamp;
use super::udh::{Concatenation, Ports, UserDataHeader};
use super::user_data::{MAX_OCTETS, MAX_SEPTETS};

/// What a message carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Text, encoded in the alphabet the [`Alphabet`] choice gives.
    Text(String),
    /// Binary data, always sent as 8-bit data.
    Data(Vec<u8>),
}

/// Which alphabet to write text in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Alphabet {
    /// GSM 7-bit default alphabet when every character fits, else UCS2: what phones do.
    #[default]
    Auto,
    /// GSM 7-bit with the given tables (national shifts are announced in the header).
    Gsm7(Shift),
    /// UCS2 (UTF-16, so emoji take two code units).
    Ucs2,
    /// 8-bit data holding Latin-1 text; characters above U+00FF are refused.
    EightBit,
}

/// One encoded PDU, ready for a modem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedPdu {
    /// SMSC field and TPDU.
    pub octets: Vec<u8>,
    /// Length of the TPDU alone: the `<length>` of AT+CMGS / AT+CMGW (TS 27.005 §3.5.1).
    pub tpdu_length: usize,
}

impl EncodedPdu {
    /// Upper-case hex, as modems print and expect it.
    pub fn to_hex(&self) -> String {
        hex::encode_upper(&self.octets)
    }
}

/// An SMS-DELIVER to write. Build it with [`DeliverSpec::new`] and adjust the fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliverSpec {
    /// The SMSC field; `None` writes an empty field (`00`).
    pub smsc: Option<Address>,
    /// TP-OA.
    pub sender: Address,
    /// TP-SCTS: whole seconds, an offset of whole quarter hours.
    pub timestamp: OffsetDateTime,
    /// The text or data.
    pub body: Body,
    /// The alphabet for text.
    pub alphabet: Alphabet,
    /// The message class, if any (class 2 is stored on the SIM).
    pub class: Option<MessageClass>,
    /// TP-PID.
    pub protocol_identifier: u8,
    /// Concatenation reference shared by the parts, if the message needs several.
    pub concat_reference: u16,
    /// Whether to write a 16-bit concatenation reference rather than an 8-bit one.
    pub sixteen_bit_reference: bool,
    /// Application ports, for messages addressed to an application.
    pub ports: Option<Ports>,
}

impl DeliverSpec {
    /// A text message from `sender`, with no SMSC, no class, alphabet chosen automatically.
    pub fn new(sender: Address, text: &str, timestamp: OffsetDateTime) -> Self {
        DeliverSpec {
            smsc: None,
            sender,
            timestamp,
            body: Body::Text(text.to_owned()),
            alphabet: Alphabet::Auto,
            class: None,
            protocol_identifier: 0,
            concat_reference: 0,
            sixteen_bit_reference: false,
            ports: None,
        }
    }

    /// Encodes the message: one PDU, or one per part.
    pub fn encode(&self) -> Result<Vec<EncodedPdu>, EncodeError> {
        let stamp = timestamp::encode(self.timestamp)?;
        let parts = split(
            &self.body,
            self.alphabet,
            self.ports,
            self.concat_reference,
            self.sixteen_bit_reference,
        )?;
        let coding = DataCoding::general(parts.encoding, self.class);
        let mut smsc = Vec::with_capacity(12);
        write_smsc(self.smsc.as_ref(), &mut smsc)?;
        let mut sender = Vec::with_capacity(12);
        write_tp_address(&self.sender, &mut sender)?;
        let total = parts.parts.len();
        Ok(parts
            .parts
            .into_iter()
            .enumerate()
            .map(|(index, user_data)| {
                // TP-MTI 00; TP-MMS set means "no more messages" except before the last part.
                let mut first = if index + 1 < total { 0x00 } else { 0x04 };
                if user_data.has_header {
                    first |= 0x40;
                }
                let mut octets = smsc.clone();
                octets.push(first);
                octets.extend_from_slice(&sender);
                octets.push(self.protocol_identifier);
                octets.push(coding.raw);
                octets.extend_from_slice(&stamp);
                octets.push(user_data.length);
                octets.extend_from_slice(&user_data.octets);
                EncodedPdu {
                    tpdu_length: octets.len() - smsc.len(),
                    octets,
                }
            })
            .collect())
    }
}

/// An SMS-SUBMIT to write. Build it with [`SubmitSpec::new`] and adjust the fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmitSpec {
    /// TP-DA.
    pub recipient: Address,
    /// The text or data.
    pub body: Body,
    /// The alphabet for text.
    pub alphabet: Alphabet,
    /// TP-MR of the first part; later parts count up from it.
    pub reference: u8,
    /// TP-VP in relative format (§9.2.3.12.1), or none.
    pub validity: Option<u8>,
    /// TP-SRR: ask for a status report.
    pub status_report_request: bool,
    /// The message class, if any.
    pub class: Option<MessageClass>,
    /// Concatenation reference shared by the parts (8 bits, as phones send).
    pub concat_reference: u8,
}

impl SubmitSpec {
    /// A text message to `recipient`, alphabet chosen automatically, the modem's SMSC.
    pub fn new(recipient: Address, text: &str) -> Self {
        SubmitSpec {
            recipient,
            body: Body::Text(text.to_owned()),
            alphabet: Alphabet::Auto,
            reference: 0,
            validity: None,
            status_report_request: false,
            class: None,
            concat_reference: 0,
        }
    }

    /// Encodes the message: one PDU, or one per part. The SMSC field is empty, so the modem
    /// uses the SIM's service centre.
    pub fn encode(&self) -> Result<Vec<EncodedPdu>, EncodeError> {
        let parts = split(
            &self.body,
            self.alphabet,
            None,
            u16::from(self.concat_reference),
            false,
        )?;
        let coding = DataCoding::general(parts.encoding, self.class);
        let mut recipient = Vec::with_capacity(12);
        write_tp_address(&self.recipient, &mut recipient)?;
        Ok(parts
            .parts
            .into_iter()
            .enumerate()
            .map(|(index, user_data)| {
                // TP-MTI 01, TP-VPF 10 (relative) when a validity is given.
                let mut first = 0x01;
                if self.validity.is_some() {
                    first |= 0x10;
                }
                if self.status_report_request {
                    first |= 0x20;
                }
                if user_data.has_header {
                    first |= 0x40;
                }
                let mut octets = vec![0x00, first, self.reference.wrapping_add(index as u8)];
                octets.extend_from_slice(&recipient);
                octets.push(0x00);
                octets.push(coding.raw);
                if let Some(validity) = self.validity {
                    octets.push(validity);
                }
                octets.push(user_data.length);
                octets.extend_from_slice(&user_data.octets);
                EncodedPdu {
                    tpdu_length: octets.len() - 1,
                    octets,
                }
            })
            .collect())
    }
}

/// The user data of one part: TP-UDL and TP-UD.
struct PartData {
    length: u8,
    octets: Vec<u8>,
    has_header: bool,
}

struct Parts {
    encoding: Encoding,
    parts: Vec<PartData>,
}

/// A character's code, kept whole so that no part splits it: one or two septets (an escape
/// and its septet), one or two UTF-16 code units (a surrogate pair), or one octet.
#[derive(Debug, Clone, Copy)]
struct Unit {
    bytes: [u8; 4],
    len: u8,
}

impl Unit {
    /// `bytes` holds one to four octets.
    fn new(bytes: &[u8]) -> Self {
        let mut unit = Unit {
            bytes: [0; 4],
            len: bytes.len().min(4) as u8,
        };
        unit.bytes[..usize::from(unit.len)].copy_from_slice(&bytes[..usize::from(unit.len)]);
        unit
    }

    fn as_slice(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    fn len(&self) -> usize {
        usize::from(self.len)
    }
}

/// Splits the body into the parts of a message, each with its header.
fn split(
    body: &Body,
    alphabet: Alphabet,
    ports: Option<Ports>,
    reference: u16,
    sixteen_bit_reference: bool,
) -> Result<Parts, EncodeError> {
    if !sixteen_bit_reference && reference > 0xFF {
        return Err(EncodeError::ReferenceTooLarge(reference));
    }
    let (encoding, shift, units) = units(body, alphabet)?;
    let mut base = UserDataHeader {
        ports,
        ..UserDataHeader::default()
    };
    if let Some(shift) = shift {
        base.locking_shift = shift.locking.map(|language| language.id());
        base.single_shift = shift.single.map(|language| language.id());
    }

    let total_size: usize = units.iter().map(Unit::len).sum();
    let chunks: Vec<&[Unit]> = if total_size <= capacity(encoding, &base) {
        vec![&units[..]]
    } else {
        let with_concat = UserDataHeader {
            concatenation: Some(Concatenation {
                reference,
                sixteen_bit_reference,
                total: 1,
                sequence: 1,
            }),
            ..base.clone()
        };
        let room = capacity(encoding, &with_concat);
        let mut chunks = Vec::new();
        let mut start = 0;
        let mut used = 0;
        for (index, unit) in units.iter().enumerate() {
            if used + unit.len() > room {
                chunks.push(&units[start..index]);
                start = index;
                used = 0;
            }
            used += unit.len();
        }
        chunks.push(&units[start..]);
        chunks
    };
    if chunks.len() > 255 {
        return Err(EncodeError::TooManyParts(chunks.len()));
    }

    let total = chunks.len() as u8;
    let parts = chunks
        .iter()
        .enumerate()
        .map(|(index, chunk)| {
            let mut header = base.clone();
            if total > 1 {
                header.concatenation = Some(Concatenation {
                    reference,
                    sixteen_bit_reference,
                    total,
                    sequence: index as u8 + 1,
                });
            }
            part(encoding, &header, chunk)
        })
        .collect();
    Ok(Parts { encoding, parts })
}

/// What one part holds besides its header: septets for GSM 7-bit, octets otherwise.
fn capacity(encoding: Encoding, header: &UserDataHeader) -> usize {
    let header_octets = if header.is_empty() {
        0
    } else {
        header.encode().len()
    };
    match encoding {
        Encoding::Gsm7 => usize::from(MAX_SEPTETS) - (header_octets * 8).div_ceil(7),
        Encoding::Ucs2 | Encoding::EightBit => usize::from(MAX_OCTETS) - header_octets,
    }
}

fn part(encoding: Encoding, header: &UserDataHeader, units: &[Unit]) -> PartData {
    let payload: Vec<u8> = units.iter().flat_map(Unit::as_slice).copied().collect();
    let header_octets = if header.is_empty() {
        Vec::new()
    } else {
        header.encode()
    };
    match encoding {
        Encoding::Gsm7 => {
            let header_septets = (header_octets.len() * 8).div_ceil(7);
            let mut octets = gsm7::pack(&payload, header_septets);
            // The header sits in the first octets; the fill bits after it stay zero.
            octets[..header_octets.len()].copy_from_slice(&header_octets);
            PartData {
                length: (header_septets + payload.len()) as u8,
                octets,
                has_header: !header_octets.is_empty(),
            }
        }
        Encoding::Ucs2 | Encoding::EightBit => {
            let has_header = !header_octets.is_empty();
            let mut octets = header_octets;
            octets.extend_from_slice(&payload);
            PartData {
                length: octets.len() as u8,
                octets,
                has_header,
            }
        }
    }
}

/// The body as indivisible units, and the alphabet they are in.
fn units(
    body: &Body,
    alphabet: Alphabet,
) -> Result<(Encoding, Option<Shift>, Vec<Unit>), EncodeError> {
    let text = match body {
        Body::Data(data) => {
            return Ok((
                Encoding::EightBit,
                None,
                data.iter().map(|&octet| Unit::new(&[octet])).collect(),
            ));
        }
        Body::Text(text) => text,
    };
    let gsm7_units = |shift: Shift| -> Result<Vec<Unit>, EncodeError> {
        let encoder = gsm7::Encoder::for_shift(shift);
        text.chars()
            .map(|ch| match encoder.septets_of(ch) {
                Some(gsm7::SeptetRun::One(septet)) => Ok(Unit::new(&[septet])),
                Some(gsm7::SeptetRun::Escaped(septet)) => Ok(Unit::new(&[gsm7::ESCAPE, septet])),
                None => Err(EncodeError::Unencodable(ch, shift.name())),
            })
            .collect()
    };
    let ucs2_units = || -> Vec<Unit> {
        text.chars()
            .map(|ch| {
                let mut utf16 = [0u16; 2];
                let mut octets = [0u8; 4];
                let code_units = ch.encode_utf16(&mut utf16);
                for (pair, code_unit) in octets.chunks_exact_mut(2).zip(code_units.iter()) {
                    pair.copy_from_slice(&code_unit.to_be_bytes());
                }
                Unit::new(&octets[..code_units.len() * 2])
            })
            .collect()
    };
    match alphabet {
        Alphabet::Auto => match gsm7_units(Shift::DEFAULT) {
            Ok(units) => Ok((Encoding::Gsm7, None, units)),
            Err(_) => Ok((Encoding::Ucs2, None, ucs2_units())),
        },
        Alphabet::Gsm7(shift) => Ok((Encoding::Gsm7, Some(shift), gsm7_units(shift)?)),
        Alphabet::Ucs2 => Ok((Encoding::Ucs2, None, ucs2_units())),
        Alphabet::EightBit => text
            .chars()
            .map(|ch| {
                u8::try_from(u32::from(ch))
                    .map(|octet| Unit::new(&[octet]))
                    .map_err(|_| EncodeError::Unencodable(ch, "8-bit"))
            })
            .collect::<Result<_, _>>()
            .map(|units| (Encoding::EightBit, None, units)),
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::pdu::{Message, Pdu};

    fn deliver(text: &str) -> DeliverSpec {
        DeliverSpec::new(
            Address::international("+31641600986"),
            text,
            datetime!(2024-01-31 12:34:56 +02:00),
        )
    }

    #[test]
    fn a_full_single_part_fits_160_septets() {
        let parts = deliver(&"a".repeat(160)).encode().unwrap();
        assert_eq!(parts.len(), 1);
        let parts = deliver(&"a".repeat(161)).encode().unwrap();
        assert_eq!(parts.len(), 2);
    }

    #[test]
    fn multipart_gsm7_holds_153_septets_a_part() {
        let parts = deliver(&"a".repeat(306)).encode().unwrap();
        assert_eq!(parts.len(), 2);
        let parts = deliver(&"a".repeat(307)).encode().unwrap();
        assert_eq!(parts.len(), 3);
    }

    #[test]
    fn an_escape_is_never_split_between_parts() {
        // 152 plain characters then '€' (two septets) in a 164-septet message: a part holds
        // 153 septets, so the euro moves whole to part two.
        let text = format!("{}€{}", "a".repeat(152), "b".repeat(10));
        let parts = deliver(&text).encode().unwrap();
        assert_eq!(parts.len(), 2);
        let Message::Deliver(second) = Pdu::decode(&parts[1].octets).unwrap().message else {
            panic!("not a deliver");
        };
        assert_eq!(second.user_data.text.as_deref(), Some("€bbbbbbbbbb"));
    }

    #[test]
    fn ucs2_holds_70_units_or_67_a_part() {
        assert_eq!(deliver(&"ж".repeat(70)).encode().unwrap().len(), 1);
        assert_eq!(deliver(&"ж".repeat(71)).encode().unwrap().len(), 2);
        assert_eq!(deliver(&"ж".repeat(134)).encode().unwrap().len(), 2);
        assert_eq!(deliver(&"ж".repeat(135)).encode().unwrap().len(), 3);
    }

    #[test]
    fn an_eight_bit_reference_must_fit_eight_bits() {
        let mut spec = deliver(&"a".repeat(200));
        spec.concat_reference = 0x1234;
        assert_eq!(spec.encode(), Err(EncodeError::ReferenceTooLarge(0x1234)));
        spec.sixteen_bit_reference = true;
        assert_eq!(spec.encode().unwrap().len(), 2);
    }

    #[test]
    fn submit_length_excludes_the_smsc_field() {
        let parts = SubmitSpec::new(Address::international("+31641600986"), "hi")
            .encode()
            .unwrap();
        assert_eq!(parts[0].tpdu_length, parts[0].octets.len() - 1);
        assert_eq!(parts[0].octets[0], 0x00);
    }

    #[test]
    fn unencodable_text_in_a_forced_alphabet_is_refused() {
        let mut spec = deliver("код");
        spec.alphabet = Alphabet::Gsm7(Shift::DEFAULT);
        assert!(matches!(
            spec.encode(),
            Err(EncodeError::Unencodable('к', _))
        ));
        spec.alphabet = Alphabet::EightBit;
        assert!(matches!(
            spec.encode(),
            Err(EncodeError::Unencodable('к', "8-bit"))
        ));
    }

    #[test]
    fn too_many_parts_are_refused() {
        let spec = deliver(&"a".repeat(153 * 255 + 1));
        assert_eq!(spec.encode(), Err(EncodeError::TooManyParts(256)));
    }
}
