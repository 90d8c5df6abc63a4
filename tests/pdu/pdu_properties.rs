//! Round-trip properties of the PDU codec: whatever `DeliverSpec::encode` and
//! `SubmitSpec::encode` write, `Pdu::decode` reads back exactly, for arbitrary text in every
//! alphabet (GSM 7-bit default, each national locking/single shift pair, UCS2 with astral
//! characters, 8-bit data, automatic choice), arbitrary senders, time stamps and SMSCs, and
//! lengths from empty to many parts.
//!
//! Why: the simulator builds its traffic with the encoder and the daemon reads it with the
//! decoder, so an asymmetry between the two (a split escape sequence, a surrogate pair cut
//! between parts, a header that eats one septet too many, an alphanumeric sender that loses a
//! character) would only show up as a garbled one-time code in production. The hand-written
//! vectors cover the cases someone thought of; these properties cover the ones nobody did.
//!
//! Every check looks at the wire as well as at the decoded value: each part's TP-UDL is read
//! from the octets by the layout of TS 23.040 §9.2.2.1/§9.2.2.2 (not by the decoder) and
//! must be within 160 septets / 140 octets and match the octets that follow it.

use std::collections::BTreeSet;

use modempool::pdu::gsm7::{self, DEFAULT_ALPHABET, DEFAULT_EXTENSION};
use modempool::pdu::{
    Address, Alphabet, Body, DeliverSpec, EncodedPdu, Encoding, Message, MessageClass,
    NationalLanguage, Pdu, Ports, Shift, SubmitSpec, UserData, Validity,
};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseError;
use time::{Duration, OffsetDateTime, Time, UtcOffset, macros::date};

/// Cases per property: enough to hit every language pair and the part boundaries many times,
/// few enough that the file runs in seconds.
const CASES: u32 = 256;

// ---------------------------------------------------------------------------------------
// Character sets, built from the published tables rather than from the encoder, so the
// encoder is checked against the tables and not against itself.
// ---------------------------------------------------------------------------------------

fn table_chars(tables: &[&[Option<char>; 128]]) -> Vec<char> {
    let set: BTreeSet<char> = tables
        .iter()
        .flat_map(|table| table.iter().flatten().copied())
        .collect();
    set.into_iter().collect()
}

/// The GSM 7-bit default alphabet plus its extension table: what `Alphabet::Auto` must send
/// as GSM 7-bit.
fn default_chars() -> Vec<char> {
    table_chars(&[&DEFAULT_ALPHABET, &DEFAULT_EXTENSION])
}

/// The characters a shift's tables hold: the locking table (or the default alphabet when
/// there is none, as for Spanish) and the single shift table (or the default extension).
fn shift_chars(shift: Shift) -> Vec<char> {
    let base = shift
        .locking
        .and_then(NationalLanguage::locking_shift_table)
        .unwrap_or(&DEFAULT_ALPHABET);
    let extension = shift
        .single
        .map_or(&DEFAULT_EXTENSION, NationalLanguage::single_shift_table);
    table_chars(&[base, extension])
}

fn all_shifts() -> Vec<Shift> {
    let languages: Vec<Option<NationalLanguage>> = std::iter::once(None)
        .chain(NationalLanguage::ALL.iter().copied().map(Some))
        .collect();
    languages
        .iter()
        .flat_map(|&locking| {
            languages
                .iter()
                .map(move |&single| Shift { locking, single })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Strategies.
// ---------------------------------------------------------------------------------------

/// Vectors of `element` whose lengths cluster around the part boundaries (67/70 UCS2
/// characters, 134/140 octets, 153/160 septets) as well as spreading over 0..=700.
fn sized<S>(element: S) -> impl Strategy<Value = Vec<S::Value>>
where
    S: Strategy + Clone,
{
    prop_oneof![
        1 => prop::collection::vec(element.clone(), 0..=20),
        2 => prop::collection::vec(element.clone(), 60..=170),
        2 => prop::collection::vec(element, 0..=700),
    ]
}

fn text_of(chars: Vec<char>) -> impl Strategy<Value = String> {
    sized(select(chars)).prop_map(|chars| chars.into_iter().collect())
}

/// Any character, with emoji and Cyrillic made common, and never U+FFFD (which the decoder
/// uses to mark damage, so the properties can look for it).
fn ucs2_char() -> BoxedStrategy<char> {
    prop_oneof![
        3 => any::<char>(),
        2 => proptest::char::range('\u{1F300}', '\u{1FAFF}'),
        1 => proptest::char::range('\u{10000}', '\u{10FFFF}'),
        2 => proptest::char::range('\u{0400}', '\u{04FF}'),
        2 => select(default_chars()),
    ]
    .prop_map(|ch| if ch == '\u{FFFD}' { '?' } else { ch })
    .boxed()
}

/// Text for `Alphabet::Auto`: half of it pure GSM 7-bit, half with other characters mixed in.
fn auto_text() -> impl Strategy<Value = String> {
    let mixed = prop_oneof![6 => select(default_chars()), 1 => ucs2_char()];
    prop_oneof![
        text_of(default_chars()),
        sized(mixed).prop_map(|chars| chars.into_iter().collect()),
    ]
}

/// A shift (any locking language or none, any single shift language or none) and text made
/// of the characters its tables hold.
fn national_text() -> impl Strategy<Value = (Shift, String)> {
    let language = prop::option::of(select(NationalLanguage::ALL.to_vec()));
    (language.clone(), language).prop_flat_map(|(locking, single)| {
        let shift = Shift { locking, single };
        (Just(shift), text_of(shift_chars(shift)))
    })
}

/// How many septets `name` takes in the GSM 7-bit default alphabet (extension characters
/// take an escape and a septet).
fn default_septets(name: &str) -> usize {
    name.chars()
        .map(|ch| {
            if DEFAULT_ALPHABET.contains(&Some(ch)) {
                1
            } else {
                2
            }
        })
        .sum()
}

/// An alphanumeric sender: 1..=11 septets of the default alphabet (extension characters
/// included, cut back to 11 septets).
///
/// One kind of name is left out on purpose. address.rs reads the address length as a count
/// of semi-octets holding `length * 4 / 7` septets, and some networks count whole octets: a
/// 7-character name packed in 7 octets is then announced as 14 semi-octets and reads as 8
/// septets, the eighth being zero padding, i.e. '@'. The decoder drops a trailing '@' when
/// the septet count is a multiple of 8 and fills the semi-octets exactly, which is the case
/// for a genuine 8-septet name too. So an 8-septet name ending in '@' is ambiguous on the
/// wire and does not round-trip by design; every other name must.
fn alphanumeric_name() -> impl Strategy<Value = String> {
    prop::collection::vec(select(default_chars()), 1..=11)
        .prop_map(|chars| {
            let mut name = String::new();
            for ch in chars {
                let mut longer = name.clone();
                longer.push(ch);
                if default_septets(&longer) > 11 {
                    break;
                }
                name = longer;
            }
            name
        })
        .prop_filter("an 8-septet name ending in '@' is ambiguous", |name| {
            !(default_septets(name) == 8 && name.ends_with('@'))
        })
}

fn number_address() -> impl Strategy<Value = Address> {
    prop_oneof![
        "[0-9]{1,15}".prop_map(|digits| Address::international(&digits)),
        // Short codes, including the USSD-style '*' and '#'.
        "[0-9*#]{1,10}".prop_map(|digits| Address::unknown(&digits)),
        "[0-9]{1,20}".prop_map(|digits| Address::national(&digits)),
    ]
}

fn sender() -> impl Strategy<Value = Address> {
    prop_oneof![
        2 => number_address(),
        1 => alphanumeric_name().prop_map(|name| Address::alphanumeric(&name)),
    ]
}

fn smsc() -> impl Strategy<Value = Option<Address>> {
    prop::option::of("[0-9]{1,20}".prop_map(|digits| Address::international(&digits)))
}

/// Any second of 2000-01-01 ..= 2099-12-31, local time, at an offset of whole quarter hours
/// within ±19:45.
fn timestamp() -> impl Strategy<Value = OffsetDateTime> {
    (0..36_525i64, 0..86_400u32, -79..=79i32).prop_map(|(day, second, quarters)| {
        let date = date!(2000 - 01 - 01) + Duration::days(day);
        let time = Time::from_hms(
            (second / 3600) as u8,
            (second / 60 % 60) as u8,
            (second % 60) as u8,
        )
        .expect("second of the day is a valid time");
        let offset =
            UtcOffset::from_whole_seconds(quarters * 15 * 60).expect("±19:45 is a valid offset");
        date.with_time(time).assume_offset(offset)
    })
}

fn class() -> impl Strategy<Value = Option<MessageClass>> {
    prop::option::of(select(vec![
        MessageClass::Class0,
        MessageClass::Class1,
        MessageClass::Class2,
        MessageClass::Class3,
    ]))
}

/// Everything about an SMS-DELIVER except its body and alphabet.
fn deliver_envelope() -> impl Strategy<Value = DeliverSpec> {
    (
        smsc(),
        sender(),
        timestamp(),
        class(),
        any::<u8>(),
        any::<u16>(),
        any::<bool>(),
        prop::option::weighted(
            0.2,
            (any::<u16>(), any::<u16>()).prop_map(|(destination, origin)| Ports {
                destination,
                origin,
            }),
        ),
    )
        .prop_map(
            |(smsc, sender, timestamp, class, pid, reference, sixteen, ports)| DeliverSpec {
                smsc,
                sender,
                timestamp,
                body: Body::Text(String::new()),
                alphabet: Alphabet::Auto,
                class,
                protocol_identifier: pid,
                // An 8-bit reference must fit 8 bits (the encoder refuses more).
                concat_reference: if sixteen { reference } else { reference & 0xFF },
                sixteen_bit_reference: sixteen,
                ports,
            },
        )
}

// ---------------------------------------------------------------------------------------
// Checks.
// ---------------------------------------------------------------------------------------

/// What the decoded parts must add up to.
enum Expected<'a> {
    Text(&'a str),
    Data(&'a [u8]),
}

fn fail(message: String) -> TestCaseError {
    TestCaseError::fail(message)
}

/// Reads TP-UDL from the octets by the TS 23.040 layout and checks it against the limit and
/// against the octets that follow it.
fn check_udl(part: &EncodedPdu, udl_at: usize, encoding: Encoding) -> Result<(), TestCaseError> {
    let octets = &part.octets;
    let udl = *octets
        .get(udl_at)
        .ok_or_else(|| fail(format!("no TP-UDL at {udl_at} in {}", part.to_hex())))?;
    let (max, ud_octets) = match encoding {
        Encoding::Gsm7 => (160, (usize::from(udl) * 7).div_ceil(8)),
        Encoding::Ucs2 | Encoding::EightBit => (140, usize::from(udl)),
    };
    prop_assert!(udl <= max, "TP-UDL {udl} > {max} in {}", part.to_hex());
    prop_assert_eq!(
        octets.len(),
        udl_at + 1 + ud_octets,
        "TP-UDL {} does not match the user data of {}",
        udl,
        part.to_hex()
    );
    Ok(())
}

/// Offset of TP-UDL in an SMS-DELIVER: SMSC field, first octet, TP-OA, TP-PID, TP-DCS,
/// TP-SCTS.
fn deliver_udl_at(octets: &[u8]) -> usize {
    let first_at = 1 + usize::from(octets[0]);
    let address_length = usize::from(octets[first_at + 1]);
    first_at + 1 + 2 + address_length.div_ceil(2) + 1 + 1 + 7
}

/// Offset of TP-UDL in an SMS-SUBMIT with an empty SMSC field: first octet, TP-MR, TP-DA,
/// TP-PID, TP-DCS, TP-VP (one octet when relative).
fn submit_udl_at(octets: &[u8], has_validity: bool) -> usize {
    let address_length = usize::from(octets[3]);
    1 + 1 + 1 + 2 + address_length.div_ceil(2) + 1 + 1 + usize::from(has_validity)
}

/// The header checks shared by SUBMIT and DELIVER: concatenation (reference, total, sequence),
/// shift elements, ports; and that the part's text came through undamaged.
#[allow(clippy::too_many_arguments)]
fn check_user_data(
    user_data: &UserData,
    encoding: Encoding,
    index: usize,
    total: usize,
    reference: u16,
    sixteen_bit_reference: bool,
    shift: Shift,
    ports: Option<Ports>,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(user_data.encoding, encoding);
    let expects_header =
        total > 1 || ports.is_some() || shift.locking.is_some() || shift.single.is_some();
    prop_assert_eq!(user_data.header.is_some(), expects_header);
    if let Some(header) = &user_data.header {
        prop_assert!(
            header.other_elements.is_empty(),
            "{:?}",
            header.other_elements
        );
        prop_assert_eq!(header.ports, ports);
        prop_assert_eq!(
            header.locking_shift,
            shift.locking.map(NationalLanguage::id)
        );
        prop_assert_eq!(header.single_shift, shift.single.map(NationalLanguage::id));
        if total > 1 {
            let concat = header.concatenation.ok_or_else(|| {
                fail(format!(
                    "part {} of {total} has no concatenation",
                    index + 1
                ))
            })?;
            // An 8-bit reference is the low octet (the generators keep it below 256).
            let expected_reference = if sixteen_bit_reference {
                reference
            } else {
                reference & 0xFF
            };
            prop_assert_eq!(concat.reference, expected_reference);
            prop_assert_eq!(concat.sixteen_bit_reference, sixteen_bit_reference);
            prop_assert_eq!(usize::from(concat.total), total);
            prop_assert_eq!(usize::from(concat.sequence), index + 1);
        } else {
            prop_assert_eq!(header.concatenation, None);
        }
    }
    match encoding {
        Encoding::Gsm7 | Encoding::Ucs2 => {
            let text = user_data
                .text
                .as_deref()
                .ok_or_else(|| fail(format!("part {} has no text", index + 1)))?;
            // A split escape sequence or surrogate pair would show as U+FFFD (or a dropped
            // escape with a warning, which the caller checks).
            prop_assert!(
                !text.contains('\u{FFFD}'),
                "part {} of {total} is damaged: {text:?}",
                index + 1
            );
            if encoding == Encoding::Gsm7 {
                prop_assert!(user_data.octets.is_empty());
            }
        }
        Encoding::EightBit => {}
    }
    Ok(())
}

/// The parts' texts (or octets) joined, compared with what was sent.
fn check_joined(user_data: &[UserData], expected: Expected<'_>) -> Result<(), TestCaseError> {
    match expected {
        Expected::Text(text) => {
            let joined: String = user_data.iter().map(UserData::text_or_empty).collect();
            prop_assert_eq!(joined.as_str(), text);
        }
        Expected::Data(data) => {
            let joined: Vec<u8> = user_data
                .iter()
                .flat_map(|part| part.octets.iter().copied())
                .collect();
            prop_assert_eq!(joined.as_slice(), data);
        }
    }
    Ok(())
}

fn decode_part(part: &EncodedPdu) -> Result<Pdu, TestCaseError> {
    let pdu = Pdu::decode(&part.octets)
        .map_err(|error| fail(format!("{error} decoding {}", part.to_hex())))?;
    prop_assert!(
        pdu.warnings.is_empty(),
        "warnings {:?} decoding {}",
        pdu.warnings,
        part.to_hex()
    );
    // The hex a modem prints decodes to the same thing.
    prop_assert_eq!(Pdu::decode_hex(&part.to_hex()), Ok(pdu.clone()));
    Ok(pdu)
}

fn check_deliver(
    spec: &DeliverSpec,
    encoding: Encoding,
    shift: Shift,
    expected: Expected<'_>,
) -> Result<(), TestCaseError> {
    let parts = spec
        .encode()
        .map_err(|error| fail(format!("encode failed: {error}")))?;
    let total = parts.len();
    prop_assert!(total >= 1);
    let smsc_field = parts[0].octets[0];
    let mut user_data = Vec::with_capacity(total);
    for (index, part) in parts.iter().enumerate() {
        prop_assert_eq!(part.octets[0], smsc_field, "every part has the same SMSC");
        prop_assert_eq!(
            part.tpdu_length,
            part.octets.len() - 1 - usize::from(smsc_field)
        );
        check_udl(part, deliver_udl_at(&part.octets), encoding)?;
        let pdu = decode_part(part)?;
        prop_assert_eq!(&pdu.smsc, &spec.smsc);
        let Message::Deliver(deliver) = pdu.message else {
            return Err(fail(format!("not a DELIVER: {:?}", pdu.message)));
        };
        prop_assert_eq!(&deliver.sender, &spec.sender);
        let stamp = deliver
            .timestamp
            .ok_or_else(|| fail("no time stamp".to_owned()))?;
        // OffsetDateTime's == compares instants; the local fields and offset must survive too.
        prop_assert_eq!(
            (stamp.date(), stamp.time(), stamp.offset()),
            (
                spec.timestamp.date(),
                spec.timestamp.time(),
                spec.timestamp.offset()
            )
        );
        prop_assert_eq!(deliver.protocol_identifier, spec.protocol_identifier);
        prop_assert_eq!(deliver.coding.encoding, encoding);
        prop_assert_eq!(deliver.coding.class, spec.class);
        // TP-MMS: more messages follow every part but the last.
        prop_assert_eq!(deliver.more_messages, index + 1 < total);
        prop_assert!(!deliver.status_report_indication && !deliver.reply_path);
        check_user_data(
            &deliver.user_data,
            encoding,
            index,
            total,
            spec.concat_reference,
            spec.sixteen_bit_reference,
            shift,
            spec.ports,
        )?;
        user_data.push(deliver.user_data);
    }
    check_joined(&user_data, expected)
}

// ---------------------------------------------------------------------------------------
// Properties.
// ---------------------------------------------------------------------------------------

/// The strategies draw from the tables; the encoder must accept every one of those
/// characters, for every pair of shift tables.
#[test]
fn every_table_character_is_encodable() {
    for shift in all_shifts() {
        let encoder = gsm7::Encoder::new(shift);
        for ch in shift_chars(shift) {
            assert!(
                encoder.septets_of(ch).is_some(),
                "{ch:?} is in the tables of {shift:?} but the encoder refuses it"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn deliver_gsm7_default_round_trips(
        envelope in deliver_envelope(),
        text in text_of(default_chars()),
    ) {
        let spec = DeliverSpec {
            body: Body::Text(text.clone()),
            alphabet: Alphabet::Gsm7(Shift::DEFAULT),
            ..envelope
        };
        check_deliver(&spec, Encoding::Gsm7, Shift::DEFAULT, Expected::Text(&text))?;
    }

    #[test]
    fn deliver_gsm7_national_round_trips(
        envelope in deliver_envelope(),
        (shift, text) in national_text(),
    ) {
        let spec = DeliverSpec {
            body: Body::Text(text.clone()),
            alphabet: Alphabet::Gsm7(shift),
            ..envelope
        };
        check_deliver(&spec, Encoding::Gsm7, shift, Expected::Text(&text))?;
    }

    #[test]
    fn deliver_ucs2_round_trips(
        envelope in deliver_envelope(),
        chars in sized(ucs2_char()),
    ) {
        let text: String = chars.into_iter().collect();
        let spec = DeliverSpec {
            body: Body::Text(text.clone()),
            alphabet: Alphabet::Ucs2,
            ..envelope
        };
        check_deliver(&spec, Encoding::Ucs2, Shift::DEFAULT, Expected::Text(&text))?;
    }

    #[test]
    fn deliver_8bit_data_round_trips(
        envelope in deliver_envelope(),
        data in sized(any::<u8>()),
    ) {
        let spec = DeliverSpec {
            body: Body::Data(data.clone()),
            ..envelope
        };
        check_deliver(&spec, Encoding::EightBit, Shift::DEFAULT, Expected::Data(&data))?;
    }

    #[test]
    fn deliver_auto_picks_gsm7_exactly_when_every_char_fits(
        envelope in deliver_envelope(),
        text in auto_text(),
    ) {
        let default: BTreeSet<char> = default_chars().into_iter().collect();
        let encoding = if text.chars().all(|ch| default.contains(&ch)) {
            Encoding::Gsm7
        } else {
            Encoding::Ucs2
        };
        let spec = DeliverSpec {
            body: Body::Text(text.clone()),
            alphabet: Alphabet::Auto,
            ..envelope
        };
        check_deliver(&spec, encoding, Shift::DEFAULT, Expected::Text(&text))?;
    }

    #[test]
    fn submit_round_trips(
        recipient in number_address(),
        text in auto_text(),
        reference in any::<u8>(),
        validity in prop::option::of(any::<u8>()),
        status_report_request in any::<bool>(),
        class in class(),
        concat_reference in any::<u8>(),
    ) {
        let default: BTreeSet<char> = default_chars().into_iter().collect();
        let encoding = if text.chars().all(|ch| default.contains(&ch)) {
            Encoding::Gsm7
        } else {
            Encoding::Ucs2
        };
        let spec = SubmitSpec {
            recipient,
            body: Body::Text(text.clone()),
            alphabet: Alphabet::Auto,
            reference,
            validity,
            status_report_request,
            class,
            concat_reference,
        };
        let parts = spec.encode().map_err(|error| fail(format!("encode failed: {error}")))?;
        let total = parts.len();
        prop_assert!(total >= 1);
        let mut user_data = Vec::with_capacity(total);
        for (index, part) in parts.iter().enumerate() {
            // The SMSC field is empty, so AT+CMGS's length is everything after its one octet.
            prop_assert_eq!(part.octets[0], 0);
            prop_assert_eq!(part.tpdu_length, part.octets.len() - 1);
            check_udl(part, submit_udl_at(&part.octets, validity.is_some()), encoding)?;
            let pdu = decode_part(part)?;
            prop_assert_eq!(&pdu.smsc, &None);
            let Message::Submit(submit) = pdu.message else {
                return Err(fail(format!("not a SUBMIT: {:?}", pdu.message)));
            };
            prop_assert_eq!(submit.reference, reference.wrapping_add(index as u8));
            prop_assert_eq!(&submit.recipient, &spec.recipient);
            prop_assert_eq!(submit.protocol_identifier, 0);
            prop_assert_eq!(submit.coding.encoding, encoding);
            prop_assert_eq!(submit.coding.class, class);
            prop_assert_eq!(submit.validity, validity.map(Validity::Relative));
            prop_assert_eq!(submit.status_report_request, status_report_request);
            prop_assert!(!submit.reject_duplicates && !submit.reply_path);
            check_user_data(
                &submit.user_data,
                encoding,
                index,
                total,
                u16::from(concat_reference),
                false,
                Shift::DEFAULT,
                None,
            )?;
            user_data.push(submit.user_data);
        }
        check_joined(&user_data, Expected::Text(&text))?;
    }
}
