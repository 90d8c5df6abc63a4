//! Addresses: the SMSC (TS 24.011 §8.2.5.1 RP address, as modems print it before the TPDU)
//! and the TP addresses of TS 23.040 §9.1.2.5 (sender, recipient), including alphanumeric
//! senders such as "Google" packed in GSM 7-bit.

use std::fmt;

use nom::Parser;

use super::error::{EncodeError, PduErrorKind};
use super::gsm7;
use super::parse::{PResult, fail, octet, octets};

/// TS 23.040 §9.1.2.5: the type of number, bits 6..4 of the type-of-address octet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TypeOfNumber {
    /// 000: the network did not say; most short codes.
    Unknown,
    /// 001: an international number; written with a leading '+'.
    International,
    /// 010: a national number.
    National,
    /// 011: a number specific to the network.
    NetworkSpecific,
    /// 100: a subscriber number.
    Subscriber,
    /// 101: a name in GSM 7-bit, not a number.
    Alphanumeric,
    /// 110: an abbreviated number.
    Abbreviated,
    /// 111: reserved.
    Reserved,
}

impl TypeOfNumber {
    fn from_bits(bits: u8) -> Self {
        match bits & 0x07 {
            0 => TypeOfNumber::Unknown,
            1 => TypeOfNumber::International,
            2 => TypeOfNumber::National,
            3 => TypeOfNumber::NetworkSpecific,
            4 => TypeOfNumber::Subscriber,
            5 => TypeOfNumber::Alphanumeric,
            6 => TypeOfNumber::Abbreviated,
            _ => TypeOfNumber::Reserved,
        }
    }

    fn bits(self) -> u8 {
        match self {
            TypeOfNumber::Unknown => 0,
            TypeOfNumber::International => 1,
            TypeOfNumber::National => 2,
            TypeOfNumber::NetworkSpecific => 3,
            TypeOfNumber::Subscriber => 4,
            TypeOfNumber::Alphanumeric => 5,
            TypeOfNumber::Abbreviated => 6,
            TypeOfNumber::Reserved => 7,
        }
    }

    /// The name used in JSON output: international, national, alphanumeric, or unknown for
    /// every other type (the ordering backend only tells these four apart).
    pub fn json_name(self) -> &'static str {
        match self {
            TypeOfNumber::International => "international",
            TypeOfNumber::National => "national",
            TypeOfNumber::Alphanumeric => "alphanumeric",
            _ => "unknown",
        }
    }
}

/// A sender, recipient or service centre address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Address {
    /// The digits, with a leading '+' for international numbers; or the name of an
    /// alphanumeric sender. Digits may include '*', '#', 'a', 'b', 'c' (TS 23.040 §9.1.2.3).
    pub value: String,
    /// How to read `value`.
    pub type_of_number: TypeOfNumber,
    /// Numbering plan identification, bits 3..0 of the type-of-address octet (1 = E.164).
    pub numbering_plan: u8,
}

impl Address {
    /// An international number; `digits` may start with '+'.
    pub fn international(digits: &str) -> Self {
        let digits = digits.trim_start_matches('+');
        Address {
            value: format!("+{digits}"),
            type_of_number: TypeOfNumber::International,
            numbering_plan: 1,
        }
    }

    /// A number whose type is unknown (short codes, e.g. "1800").
    pub fn unknown(digits: &str) -> Self {
        Address {
            value: digits.to_owned(),
            type_of_number: TypeOfNumber::Unknown,
            numbering_plan: 1,
        }
    }

    /// A national number.
    pub fn national(digits: &str) -> Self {
        Address {
            value: digits.to_owned(),
            type_of_number: TypeOfNumber::National,
            numbering_plan: 1,
        }
    }

    /// An alphanumeric sender such as "WhatsApp".
    pub fn alphanumeric(name: &str) -> Self {
        Address {
            value: name.to_owned(),
            type_of_number: TypeOfNumber::Alphanumeric,
            numbering_plan: 0,
        }
    }

    /// Reads a sender as a person writes it: "+31641600986" is international, "1800" and
    /// other digit strings are of unknown type, anything else is an alphanumeric name.
    pub fn guess(text: &str) -> Self {
        let digits = text.strip_prefix('+').unwrap_or(text);
        let is_number = !digits.is_empty()
            && digits
                .chars()
                .all(|ch| ch.is_ascii_digit() || ch == '*' || ch == '#');
        match (is_number, text.starts_with('+')) {
            (true, true) => Address::international(digits),
            (true, false) => Address::unknown(digits),
            (false, _) => Address::alphanumeric(text),
        }
    }

    /// The digits without the '+' of an international number.
    fn digits(&self) -> &str {
        self.value.strip_prefix('+').unwrap_or(&self.value)
    }

    fn type_octet(&self) -> u8 {
        0x80 | (self.type_of_number.bits() << 4) | (self.numbering_plan & 0x0F)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

/// TS 23.040 §9.1.2.3: one semi-octet digit, or None for the filler 0xF.
fn digit(nibble: u8) -> Option<char> {
    match nibble {
        0..=9 => Some(char::from(b'0' + nibble)),
        0xA => Some('*'),
        0xB => Some('#'),
        0xC => Some('a'),
        0xD => Some('b'),
        0xE => Some('c'),
        _ => None,
    }
}

fn nibble(digit: char) -> Option<u8> {
    match digit {
        '0'..='9' => Some(digit as u8 - b'0'),
        '*' => Some(0xA),
        '#' => Some(0xB),
        'a' => Some(0xC),
        'b' => Some(0xD),
        'c' => Some(0xE),
        _ => None,
    }
}

/// Swapped-nibble digits: the low nibble is the first digit. At most `count` digits; 0xF
/// fillers are skipped.
fn semi_octets(value: &[u8], count: usize, prefix: &str) -> String {
    let mut text = String::with_capacity(count + prefix.len());
    text.push_str(prefix);
    let mut left = count;
    for octet in value {
        for nibble in [octet & 0x0F, octet >> 4] {
            if left == 0 {
                return text;
            }
            left -= 1;
            if let Some(digit) = digit(nibble) {
                text.push(digit);
            }
        }
    }
    text
}

fn read_value(value: &[u8], digits: usize, type_octet: u8) -> Address {
    let type_of_number = TypeOfNumber::from_bits(type_octet >> 4);
    let text = match type_of_number {
        TypeOfNumber::Alphanumeric => alphanumeric(value, digits),
        TypeOfNumber::International => semi_octets(value, digits, "+"),
        _ => semi_octets(value, digits, ""),
    };
    Address {
        value: text,
        type_of_number,
        numbering_plan: type_octet & 0x0F,
    }
}

/// TS 23.040 §9.1.2.5: an alphanumeric address is GSM 7-bit packed; the length counts the
/// semi-octets in use, so it holds `length * 4 / 7` septets.
fn alphanumeric(value: &[u8], semi_octets: usize) -> String {
    let septets = semi_octets * 4 / 7;
    let mut ignored = Vec::new();
    let mut name = gsm7::decode(value, 0, septets, gsm7::Shift::DEFAULT, &mut ignored);
    // Some senders count whole octets: a 7-character name in seven octets is then announced
    // as 14 semi-octets and reads as eight septets, the last being zero padding ('@'). Drop
    // it only in that ambiguous case.
    if septets * 7 == semi_octets * 4 && septets.is_multiple_of(8) && name.ends_with('@') {
        name.pop();
    }
    name
}

/// Longest TP address value in semi-octets: the field is at most 12 octets (TS 23.040
/// §9.1.2.5), i.e. 10 value octets.
const MAX_TP_DIGITS: u8 = 20;
/// Longest SMSC length octet: at most 12 octets of RP address (TS 24.011 §8.2.5.1) minus the
/// length octet itself.
const MAX_SMSC_LENGTH: u8 = 11;

/// TS 23.040 §9.1.2.5 address field (TP-OA, TP-DA, TP-RA): digit count, type of address,
/// swapped BCD digits (or packed septets for an alphanumeric address).
pub(crate) fn tp_address<'a>(field: &'static str) -> impl Fn(&'a [u8]) -> PResult<'a, Address> {
    move |input: &'a [u8]| {
        let (rest, length) = octet(field).parse(input)?;
        if length > MAX_TP_DIGITS {
            return fail(
                input,
                PduErrorKind::AddressTooLong {
                    field,
                    length,
                    max: MAX_TP_DIGITS,
                },
            );
        }
        let (rest, type_octet) = octet(field).parse(rest)?;
        let (rest, value) = octets(field, usize::from(length).div_ceil(2)).parse(rest)?;
        Ok((rest, read_value(value, usize::from(length), type_octet)))
    }
}

/// The SMSC field a modem prints before the TPDU in PDU mode (TS 27.005 §3.1 <pdu>): the
/// length in octets of what follows, 0 when the modem leaves the SMSC out.
pub(crate) fn smsc(input: &[u8]) -> PResult<'_, Option<Address>> {
    let field = "SMSC address";
    let (rest, length) = octet(field).parse(input)?;
    if length == 0 {
        return Ok((rest, None));
    }
    if length > MAX_SMSC_LENGTH {
        return fail(
            input,
            PduErrorKind::AddressTooLong {
                field,
                length,
                max: MAX_SMSC_LENGTH,
            },
        );
    }
    let (rest, type_octet) = octet(field).parse(rest)?;
    let (rest, value) = octets(field, usize::from(length) - 1).parse(rest)?;
    Ok((rest, Some(read_value(value, value.len() * 2, type_octet))))
}

/// Writes `address` as a TS 23.040 §9.1.2.5 TP address.
pub(crate) fn write_tp_address(address: &Address, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    if address.type_of_number == TypeOfNumber::Alphanumeric {
        let septets = gsm7::Encoder::for_shift(gsm7::Shift::DEFAULT)
            .encode(&address.value)
            .map_err(|_| {
                EncodeError::InvalidAddress(
                    address.value.clone(),
                    "an alphanumeric address must use the GSM 7-bit default alphabet",
                )
            })?;
        if septets.is_empty() || septets.len() > 11 {
            return Err(EncodeError::InvalidAddress(
                address.value.clone(),
                "an alphanumeric address has 1 to 11 GSM 7-bit septets",
            ));
        }
        let packed = gsm7::pack(&septets, 0);
        // The length counts the semi-octets that carry bits (TS 23.040 §9.1.2.5).
        let semi_octets = (septets.len() * 7).div_ceil(4);
        out.push(semi_octets as u8);
        out.push(address.type_octet());
        out.extend_from_slice(&packed);
        return Ok(());
    }
    let digits = address.digits();
    let nibbles = digit_nibbles(address)?;
    if nibbles.len() > usize::from(MAX_TP_DIGITS) {
        return Err(EncodeError::InvalidAddress(
            digits.to_owned(),
            "a number has at most 20 digits",
        ));
    }
    out.push(nibbles.len() as u8);
    out.push(address.type_octet());
    write_swapped(&nibbles, out);
    Ok(())
}

/// Writes `address` as an SMSC field, or the single octet 0 for "the modem's default SMSC".
pub(crate) fn write_smsc(address: Option<&Address>, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    let Some(address) = address else {
        out.push(0);
        return Ok(());
    };
    let nibbles = digit_nibbles(address)?;
    let value_octets = nibbles.len().div_ceil(2);
    if nibbles.is_empty() || value_octets + 1 > usize::from(MAX_SMSC_LENGTH) {
        return Err(EncodeError::InvalidAddress(
            address.value.clone(),
            "an SMSC has 1 to 20 digits",
        ));
    }
    out.push((value_octets + 1) as u8);
    out.push(address.type_octet());
    write_swapped(&nibbles, out);
    Ok(())
}

fn digit_nibbles(address: &Address) -> Result<Vec<u8>, EncodeError> {
    address
        .digits()
        .chars()
        .map(|ch| {
            nibble(ch).ok_or_else(|| {
                EncodeError::InvalidAddress(
                    address.value.clone(),
                    "a number holds only digits, '*', '#', 'a', 'b' and 'c'",
                )
            })
        })
        .collect()
}

fn write_swapped(nibbles: &[u8], out: &mut Vec<u8>) {
    for pair in nibbles.chunks(2) {
        let high = pair.get(1).copied().unwrap_or(0x0F);
        out.push((high << 4) | pair[0]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_tp(hex_text: &str) -> Address {
        let bytes = hex::decode(hex_text).unwrap();
        let (rest, address) = tp_address("TP-OA").parse(&bytes).unwrap();
        assert!(rest.is_empty());
        address
    }

    // TS 23.040 §9.1.2.5, odd digit count: the last octet carries a 0xF filler.
    #[test]
    fn international_number_with_odd_digits() {
        let address = parse_tp("0B911346610089F6");
        assert_eq!(address.value, "+31641600986");
        assert_eq!(address.type_of_number.json_name(), "international");
    }

    #[test]
    fn unknown_type_has_no_plus() {
        let address = parse_tp("0B818100551512F2");
        assert_eq!(address.value, "18005551212");
        assert_eq!(address.type_of_number, TypeOfNumber::Unknown);
    }

    #[test]
    fn national_type() {
        let address = parse_tp("0AA10621436587");
        assert_eq!(address.value, "6012345678");
        assert_eq!(address.type_of_number.json_name(), "national");
    }

    #[test]
    fn alphanumeric_sender() {
        assert_eq!(parse_tp("0DD0F334FC1CA69701").value, "sipgate");
    }

    #[test]
    fn alphanumeric_round_trips_for_every_length() {
        for name in [
            "G",
            "Go",
            "Google",
            "WhatsApp",
            "Telegram",
            "ABCDEFGHIJK",
            "Bank{}",
        ] {
            let mut out = Vec::new();
            write_tp_address(&Address::alphanumeric(name), &mut out).unwrap();
            assert_eq!(parse_tp(&hex::encode(&out)).value, name, "{name}");
        }
    }

    #[test]
    fn alphanumeric_counted_in_whole_octets_drops_padding() {
        // "Example" packed in 7 octets, announced as 14 semi-octets instead of 13.
        let septets = gsm7::Encoder::new(gsm7::Shift::DEFAULT)
            .encode("Example")
            .unwrap();
        let mut pdu = vec![14, 0xD0];
        pdu.extend_from_slice(&gsm7::pack(&septets, 0));
        assert_eq!(parse_tp(&hex::encode(&pdu)).value, "Example");
    }

    #[test]
    fn special_digits() {
        let mut out = Vec::new();
        write_tp_address(&Address::unknown("*100#"), &mut out).unwrap();
        assert_eq!(parse_tp(&hex::encode(&out)).value, "*100#");
    }

    #[test]
    fn smsc_field() {
        let bytes = hex::decode("07911326040000F0").unwrap();
        let (_, smsc_address) = smsc(&bytes).unwrap();
        assert_eq!(smsc_address.unwrap().value, "+31624000000");
        let (_, none) = smsc(&[0]).unwrap();
        assert_eq!(none, None);
        let mut out = Vec::new();
        write_smsc(Some(&Address::international("+31624000000")), &mut out).unwrap();
        assert_eq!(hex::encode_upper(out), "07911326040000F0");
    }

    #[test]
    fn over_long_addresses_are_refused() {
        let bytes = hex::decode("1591").unwrap();
        assert!(tp_address("TP-OA").parse(&bytes).is_err());
        let bytes = hex::decode("0C91").unwrap();
        assert!(smsc(&bytes).is_err());
    }

    #[test]
    fn bad_digits_are_refused_when_encoding() {
        let mut out = Vec::new();
        assert!(write_tp_address(&Address::unknown("12x"), &mut out).is_err());
    }

    #[test]
    fn guess_reads_what_a_person_types() {
        assert_eq!(
            Address::guess("+4915259911630").type_of_number,
            TypeOfNumber::International
        );
        assert_eq!(Address::guess("1800").type_of_number, TypeOfNumber::Unknown);
        assert_eq!(
            Address::guess("Google").type_of_number,
            TypeOfNumber::Alphanumeric
        );
    }
}
