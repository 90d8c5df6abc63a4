//! Incoming SMS as the simulated network delivers them: SMS-DELIVER PDUs (TS 23.040 §9.2.2.1)
//! built with the project's own encoder, split into concatenated parts (§9.2.3.24.1) when
//! long or when a test asks for a given number of parts, optionally shuffled or with a part
//! missing, as real networks deliver them.
//!
//! The modem stores or routes these PDUs ([`super::modem::Modem::deliver`]); what a PDU means
//! is decided by [`crate::pdu`], which also decodes them back in the tests here.

use time::OffsetDateTime;

use super::identity::{SplitMix64, mix};
use crate::pdu::address::{write_smsc, write_tp_address};
use crate::pdu::gsm7::{self, Encoder, SeptetRun, Shift};
use crate::pdu::timestamp;
use crate::pdu::{
    Address, Alphabet, Concatenation, DataCoding, DeliverSpec, EncodeError, Encoding, MessageClass,
    UserDataHeader,
};

/// An SMS the network is to deliver to a simulated SIM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingSms {
    /// The sender as a person writes it: `+4915...` (international), `1234` (a short code of
    /// unknown type) or `Google` (alphanumeric, at most 11 characters of the GSM alphabet).
    pub from: String,
    /// The text.
    pub text: String,
    /// Whether to write UCS2 even if the text fits the GSM 7-bit alphabet.
    pub ucs2: bool,
    /// Force splitting into this many parts, even if the text would fit in fewer; `None` uses
    /// as many parts as the text needs.
    pub parts: Option<u8>,
    /// The message class (class 2 is stored on the SIM whatever `+CNMI` says).
    pub class: Option<MessageClass>,
    /// Deliver the parts out of order, as networks sometimes do.
    pub shuffle: bool,
    /// A part (1-based) that never arrives, to test incomplete reassembly.
    pub drop_part: Option<u8>,
}

impl IncomingSms {
    /// A text from `from`, in as many parts as needed, in order, no class.
    pub fn new(from: impl Into<String>, text: impl Into<String>) -> IncomingSms {
        IncomingSms {
            from: from.into(),
            text: text.into(),
            ucs2: false,
            parts: None,
            class: None,
            shuffle: false,
            drop_part: None,
        }
    }
}

/// Why an SMS could not be built; each variant says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmsBuildError {
    /// The text is empty: networks do not deliver empty SMS to a rental.
    #[error("the SMS text is empty")]
    EmptyText,
    /// The sender is neither a number nor a valid alphanumeric name.
    #[error("bad sender '{sender}': {reason}")]
    BadSender {
        /// The sender as given.
        sender: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The SMSC is not an international number.
    #[error("bad SMSC '{0}': expected '+' and up to 20 digits, or empty")]
    BadSmsc(String),
    /// Zero parts, or more than a concatenated SMS can have.
    #[error("cannot split into {0} parts: 1 to 255 parts")]
    BadPartCount(usize),
    /// More parts asked for than the text has characters.
    #[error("cannot split {chars} characters into {parts} parts")]
    MorePartsThanCharacters {
        /// Parts asked for.
        parts: u8,
        /// Characters in the text.
        chars: usize,
    },
    /// The text does not fit in the number of parts asked for.
    #[error("the text needs at least {needed} parts, not {parts}")]
    TooFewParts {
        /// Parts asked for.
        parts: u8,
        /// Parts needed.
        needed: usize,
    },
    /// The part to drop does not exist.
    #[error("cannot drop part {part} of a message of {parts} parts")]
    NoSuchPart {
        /// The part asked for, 1-based.
        part: u8,
        /// Parts in the message.
        parts: usize,
    },
    /// The PDU encoder refused the message.
    #[error("encoding failed: {0}")]
    Encode(#[from] EncodeError),
}

/// Builds the PDUs (SMSC field + TPDU octets) of `sms` in delivery order.
///
/// `smsc` is the service centre written into each PDU (`""` writes an empty field);
/// `reference` is the concatenation reference (8-bit when ≤ 255, else 16-bit); `timestamp`
/// is TP-SCTS.
pub fn build(
    sms: &IncomingSms,
    smsc: &str,
    reference: u16,
    timestamp: OffsetDateTime,
) -> Result<Vec<Vec<u8>>, SmsBuildError> {
    if sms.text.is_empty() {
        return Err(SmsBuildError::EmptyText);
    }
    let sender = sender_address(&sms.from)?;
    let smsc = smsc_address(smsc)?;
    let sixteen_bit_reference = reference > 0xFF;

    let mut pdus = match sms.parts {
        None => {
            let mut spec = DeliverSpec::new(sender, &sms.text, timestamp);
            spec.smsc = smsc;
            spec.alphabet = if sms.ucs2 {
                Alphabet::Ucs2
            } else {
                Alphabet::Auto
            };
            spec.class = sms.class;
            spec.concat_reference = reference;
            spec.sixteen_bit_reference = sixteen_bit_reference;
            spec.encode()?
                .into_iter()
                .map(|pdu| pdu.octets)
                .collect::<Vec<_>>()
        }
        Some(parts) => forced_parts(
            sms,
            parts,
            &sender,
            smsc.as_ref(),
            Concatenation {
                reference,
                sixteen_bit_reference,
                total: parts,
                sequence: 1,
            },
            timestamp,
        )?,
    };

    if sms.shuffle && pdus.len() > 1 {
        shuffle(&mut pdus, u64::from(reference));
    }
    if let Some(part) = sms.drop_part {
        let parts = pdus.len();
        if part == 0 || usize::from(part) > parts {
            return Err(SmsBuildError::NoSuchPart { part, parts });
        }
        pdus.retain(|pdu| part_number(pdu, parts) != Some(part));
    }
    Ok(pdus)
}

/// Reads a sender as [`IncomingSms::from`] describes, refusing what no network sends.
fn sender_address(from: &str) -> Result<Address, SmsBuildError> {
    let bad = |reason| SmsBuildError::BadSender {
        sender: from.to_owned(),
        reason,
    };
    if from.is_empty() {
        return Err(bad("empty"));
    }
    if let Some(digits) = from.strip_prefix('+') {
        // TS 23.040 §9.1.2.5: at most 20 digits in an address.
        if digits.is_empty() || digits.len() > 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("an international number is '+' and 1 to 20 digits"));
        }
        return Ok(Address::international(digits));
    }
    if from.bytes().all(|b| b.is_ascii_digit()) {
        if from.len() > 20 {
            return Err(bad("a number has at most 20 digits"));
        }
        return Ok(Address::unknown(from));
    }
    // An alphanumeric TP-OA holds 11 GSM 7-bit characters (10 octets of address value).
    if from.chars().count() > 11 {
        return Err(bad("an alphanumeric sender has at most 11 characters"));
    }
    let encoder = Encoder::for_shift(Shift::DEFAULT);
    if !from
        .chars()
        .all(|ch| matches!(encoder.septets_of(ch), Some(SeptetRun::One(_))))
    {
        return Err(bad(
            "an alphanumeric sender must use the GSM 7-bit alphabet without escapes",
        ));
    }
    Ok(Address::alphanumeric(from))
}

fn smsc_address(smsc: &str) -> Result<Option<Address>, SmsBuildError> {
    if smsc.is_empty() {
        return Ok(None);
    }
    match smsc.strip_prefix('+') {
        Some(digits)
            if !digits.is_empty()
                && digits.len() <= 20
                && digits.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Ok(Some(Address::international(digits)))
        }
        _ => Err(SmsBuildError::BadSmsc(smsc.to_owned())),
    }
}

/// What one character costs in a part: septets for GSM 7-bit, octets for UCS2.
fn cost(encoding: Encoding, ch: char) -> usize {
    match encoding {
        Encoding::Gsm7 => Encoder::for_shift(Shift::DEFAULT)
            .septets_of(ch)
            .map_or(1, SeptetRun::len),
        _ => ch.len_utf16() * 2,
    }
}

/// Splits the text into exactly `parts` chunks of nearly equal character counts, each with a
/// concatenation header, and writes one SMS-DELIVER per chunk. `DeliverSpec` splits only as
/// much as needed, so the TPDU is assembled here from the codec's field writers.
fn forced_parts(
    sms: &IncomingSms,
    parts: u8,
    sender: &Address,
    smsc: Option<&Address>,
    concat: Concatenation,
    timestamp: OffsetDateTime,
) -> Result<Vec<Vec<u8>>, SmsBuildError> {
    if parts == 0 {
        return Err(SmsBuildError::BadPartCount(0));
    }
    let chars: Vec<char> = sms.text.chars().collect();
    if usize::from(parts) > chars.len() {
        return Err(SmsBuildError::MorePartsThanCharacters {
            parts,
            chars: chars.len(),
        });
    }
    let encoder = Encoder::for_shift(Shift::DEFAULT);
    let encoding = if !sms.ucs2 && chars.iter().all(|&ch| encoder.septets_of(ch).is_some()) {
        Encoding::Gsm7
    } else {
        Encoding::Ucs2
    };

    // Room left beside the concatenation header in one part (TS 23.040 §9.2.3.24: 140
    // octets of user data, 160 septets; the header takes 6 or 7 octets with its length).
    let header_octets = UserDataHeader {
        concatenation: Some(concat),
        ..UserDataHeader::default()
    }
    .encode()
    .len();
    let room = match encoding {
        Encoding::Gsm7 => 160 - (header_octets * 8).div_ceil(7),
        _ => 140 - header_octets,
    };

    let total = usize::from(parts);
    let (base, extra) = (chars.len() / total, chars.len() % total);
    let mut chunks = Vec::with_capacity(total);
    let mut start = 0;
    for index in 0..total {
        let len = base + usize::from(index < extra);
        chunks.push(&chars[start..start + len]);
        start += len;
    }
    let largest = chunks
        .iter()
        .map(|chunk| chunk.iter().map(|&ch| cost(encoding, ch)).sum::<usize>())
        .max()
        .unwrap_or(0);
    if largest > room {
        let needed_total: usize = chars.iter().map(|&ch| cost(encoding, ch)).sum();
        return Err(SmsBuildError::TooFewParts {
            parts,
            needed: needed_total.div_ceil(room).max(usize::from(parts) + 1),
        });
    }

    let stamp = timestamp::encode(timestamp)?;
    let coding = DataCoding::general(encoding, sms.class);
    let mut smsc_field = Vec::with_capacity(12);
    write_smsc(smsc, &mut smsc_field)?;
    let mut sender_field = Vec::with_capacity(12);
    write_tp_address(sender, &mut sender_field)?;

    let mut pdus = Vec::with_capacity(total);
    for (index, chunk) in chunks.iter().enumerate() {
        let header = UserDataHeader {
            concatenation: Some(Concatenation {
                sequence: index as u8 + 1,
                ..concat
            }),
            ..UserDataHeader::default()
        }
        .encode();
        let (length, user_data) = match encoding {
            Encoding::Gsm7 => {
                let text: String = chunk.iter().collect();
                let septets = encoder.encode(&text)?;
                let header_septets = (header.len() * 8).div_ceil(7);
                let mut octets = gsm7::pack(&septets, header_septets);
                octets[..header.len()].copy_from_slice(&header);
                (header_septets + septets.len(), octets)
            }
            _ => {
                let mut octets = header;
                for ch in chunk.iter() {
                    let mut units = [0u16; 2];
                    for unit in ch.encode_utf16(&mut units) {
                        octets.extend_from_slice(&unit.to_be_bytes());
                    }
                }
                (octets.len(), octets)
            }
        };
        // TP-MTI 00 (SMS-DELIVER), TP-MMS except before the last part, TP-UDHI.
        let mut first = 0x40;
        if index + 1 == total {
            first |= 0x04;
        }
        let mut pdu = smsc_field.clone();
        pdu.push(first);
        pdu.extend_from_slice(&sender_field);
        pdu.push(0x00); // TP-PID: plain SMS.
        pdu.push(coding.raw);
        pdu.extend_from_slice(&stamp);
        pdu.push(length as u8);
        pdu.extend_from_slice(&user_data);
        pdus.push(pdu);
    }
    Ok(pdus)
}

/// Reorders the parts deterministically (Fisher–Yates on a stream seeded by the reference),
/// making sure the order does change.
fn shuffle(pdus: &mut [Vec<u8>], seed: u64) {
    let mut rng = SplitMix64::new(mix(seed ^ 0x5348_5546));
    for index in (1..pdus.len()).rev() {
        let other = rng.below(index as u64 + 1) as usize;
        pdus.swap(index, other);
    }
    let in_order = pdus
        .iter()
        .enumerate()
        .all(|(index, pdu)| part_number(pdu, pdus.len()) == Some(index as u8 + 1));
    if in_order {
        pdus.rotate_left(1);
    }
}

/// The 1-based sequence number of a part, from its concatenation header (or 1 for a
/// single-part message).
fn part_number(pdu: &[u8], parts: usize) -> Option<u8> {
    if parts == 1 {
        return Some(1);
    }
    match crate::pdu::Pdu::decode(pdu).ok()?.message {
        crate::pdu::Message::Deliver(deliver) => deliver
            .user_data
            .header
            .and_then(|header| header.concatenation)
            .map(|concat| concat.sequence),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::pdu::{Deliver, Message, Pdu, TypeOfNumber};

    const WHEN: OffsetDateTime = datetime!(2025-03-14 15:09:26 +01:00);

    fn decode(pdu: &[u8]) -> Deliver {
        let decoded = Pdu::decode(pdu).unwrap();
        assert!(decoded.warnings.is_empty(), "{:?}", decoded.warnings);
        match decoded.message {
            Message::Deliver(deliver) => deliver,
            other => panic!("not a deliver: {other:?}"),
        }
    }

    fn text_of(pdus: &[Vec<u8>]) -> String {
        let mut parts: Vec<_> = pdus.iter().map(|pdu| decode(pdu)).collect();
        parts.sort_by_key(|part| {
            part.user_data
                .header
                .as_ref()
                .and_then(|header| header.concatenation)
                .map_or(0, |concat| concat.sequence)
        });
        parts
            .iter()
            .map(|part| part.user_data.text_or_empty().to_owned())
            .collect()
    }

    #[test]
    fn a_short_sms_is_one_pdu_with_sender_smsc_and_time() {
        let pdus = build(
            &IncomingSms::new("+4915112345678", "Your code is 123456"),
            "+491710760000",
            7,
            WHEN,
        )
        .unwrap();
        assert_eq!(pdus.len(), 1);
        let pdu = Pdu::decode(&pdus[0]).unwrap();
        assert_eq!(pdu.smsc.unwrap().value, "+491710760000");
        let Message::Deliver(deliver) = pdu.message else {
            panic!()
        };
        assert_eq!(deliver.sender.value, "+4915112345678");
        assert_eq!(
            deliver.user_data.text.as_deref(),
            Some("Your code is 123456")
        );
        assert_eq!(deliver.timestamp, Some(WHEN));
    }

    #[test]
    fn senders_of_each_kind() {
        let short = decode(&build(&IncomingSms::new("1234", "x"), "", 0, WHEN).unwrap()[0]);
        assert_eq!(short.sender.value, "1234");
        assert_eq!(short.sender.type_of_number, TypeOfNumber::Unknown);
        let alpha = decode(&build(&IncomingSms::new("Google", "x"), "", 0, WHEN).unwrap()[0]);
        assert_eq!(alpha.sender.value, "Google");
        assert_eq!(alpha.sender.type_of_number, TypeOfNumber::Alphanumeric);
    }

    #[test]
    fn long_text_is_split_as_needed_and_reassembles() {
        let text = "0123456789".repeat(40);
        let pdus = build(&IncomingSms::new("Bank", text.clone()), "", 300, WHEN).unwrap();
        assert_eq!(pdus.len(), 3);
        let first = decode(&pdus[0]);
        let concat = first.user_data.header.unwrap().concatenation.unwrap();
        assert_eq!((concat.reference, concat.total), (300, 3));
        assert!(concat.sixteen_bit_reference);
        assert_eq!(text_of(&pdus), text);
    }

    #[test]
    fn forced_parts_split_a_short_text_evenly() {
        let sms = IncomingSms {
            parts: Some(3),
            ..IncomingSms::new("+79161234567", "Code: 4711. Do not share it.")
        };
        let pdus = build(&sms, "+79168999100", 42, WHEN).unwrap();
        assert_eq!(pdus.len(), 3);
        for (index, pdu) in pdus.iter().enumerate() {
            let part = decode(pdu);
            let concat = part
                .user_data
                .header
                .as_ref()
                .unwrap()
                .concatenation
                .unwrap();
            assert_eq!(concat.sequence as usize, index + 1);
            assert_eq!((concat.reference, concat.total), (42, 3));
            assert_eq!(part.sender.value, "+79161234567");
            let chars = part.user_data.text_or_empty().chars().count();
            assert!((9..=10).contains(&chars), "{chars}");
        }
        assert_eq!(text_of(&pdus), "Code: 4711. Do not share it.");
    }

    #[test]
    fn forced_ucs2_parts_keep_emoji_whole() {
        let sms = IncomingSms {
            parts: Some(2),
            ucs2: true,
            class: Some(MessageClass::Class2),
            ..IncomingSms::new("Telegram", "Код 😀 12345")
        };
        let pdus = build(&sms, "", 9, WHEN).unwrap();
        assert_eq!(pdus.len(), 2);
        let part = decode(&pdus[0]);
        assert_eq!(part.coding.encoding, Encoding::Ucs2);
        assert_eq!(part.coding.class, Some(MessageClass::Class2));
        assert_eq!(text_of(&pdus), "Код 😀 12345");
    }

    #[test]
    fn shuffled_parts_come_out_of_order_and_dropped_parts_are_missing() {
        let sms = IncomingSms {
            parts: Some(4),
            shuffle: true,
            ..IncomingSms::new("+33612345678", "abcdefghijklmnop")
        };
        let pdus = build(&sms, "", 5, WHEN).unwrap();
        let order: Vec<_> = pdus
            .iter()
            .map(|pdu| part_number(pdu, 4).unwrap())
            .collect();
        assert_ne!(order, vec![1, 2, 3, 4]);
        assert_eq!(text_of(&pdus), "abcdefghijklmnop");

        let sms = IncomingSms {
            parts: Some(4),
            drop_part: Some(2),
            ..IncomingSms::new("+33612345678", "abcdefghijklmnop")
        };
        let pdus = build(&sms, "", 5, WHEN).unwrap();
        assert_eq!(pdus.len(), 3);
        assert_eq!(text_of(&pdus), "abcdijklmnop");
    }

    #[test]
    fn bad_input_is_an_error_naming_the_problem() {
        let cases: Vec<(IncomingSms, &str)> = vec![
            (IncomingSms::new("+49", ""), "empty"),
            (IncomingSms::new("", "x"), "bad sender"),
            (IncomingSms::new("+49a", "x"), "bad sender"),
            (IncomingSms::new("VeryLongSenderName", "x"), "11 characters"),
            (IncomingSms::new("Прив", "x"), "GSM 7-bit"),
            (
                IncomingSms {
                    parts: Some(5),
                    ..IncomingSms::new("+49", "abc")
                },
                "3 characters into 5 parts",
            ),
            (
                IncomingSms {
                    parts: Some(0),
                    ..IncomingSms::new("+49", "abc")
                },
                "0 parts",
            ),
            (
                IncomingSms {
                    parts: Some(2),
                    ..IncomingSms::new("+49", "a".repeat(400))
                },
                "at least 3 parts",
            ),
            (
                IncomingSms {
                    drop_part: Some(3),
                    ..IncomingSms::new("+49", "abc")
                },
                "drop part 3",
            ),
        ];
        for (sms, expected) in cases {
            let error = build(&sms, "", 1, WHEN).unwrap_err().to_string();
            assert!(error.contains(expected), "{error} / {expected}");
        }
        let error = build(&IncomingSms::new("+49", "x"), "123", 1, WHEN).unwrap_err();
        assert!(matches!(error, SmsBuildError::BadSmsc(_)));
        // More than 255 parts needed: the encoder's limit, reported, not a panic.
        let error = build(&IncomingSms::new("+49", "a".repeat(153 * 256)), "", 1, WHEN);
        assert!(matches!(error, Err(SmsBuildError::Encode(_))));
    }
}
