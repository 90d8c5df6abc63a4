//! Joining the user data of a message's parts into one text.

use crate::pdu::{Encoding, UserData};

/// The content of a message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Body {
    pub(crate) text: Option<String>,
    pub(crate) encoding: Option<Encoding>,
    /// 8-bit data as upper-case hex.
    pub(crate) data_hex: Option<String>,
}

/// Joins the user data of a message's parts, given in sequence order with their sequence
/// numbers (TS 23.040 §9.2.3.24.1).
///
/// - GSM 7-bit: the parts' texts, one after the other (the encoder never splits an escape).
/// - UCS2: the parts' octets are joined before decoding UTF-16, so an emoji whose surrogate
///   pair a sender split between two parts comes out whole; a lone surrogate becomes U+FFFD.
/// - 8-bit: the octets are joined into `data_hex`; the text is the Latin-1 reading when
///   every part had one (some senders put text in 8-bit messages), else none.
///
/// A missing part (a flushed, incomplete message) is simply left out of the text, with no
/// marker: a marker would look like content to an OTP extractor. UCS2 octets are not joined
/// across such a gap, since the halves of a pair cannot meet there.
pub(crate) fn join(parts: &[(u8, &UserData)]) -> Body {
    let encoding = parts.first().map(|(_, data)| data.encoding);
    let mut text = String::new();
    let mut text_complete = true;
    let mut data = Vec::new();
    let mut ucs2 = Vec::new();
    let mut previous: Option<u8> = None;
    for &(sequence, user_data) in parts {
        let follows =
            previous.is_none_or(|previous| u16::from(previous) + 1 == u16::from(sequence));
        if !follows || user_data.encoding != Encoding::Ucs2 {
            push_utf16(&mut text, &mut ucs2);
        }
        match user_data.encoding {
            Encoding::Ucs2 => ucs2.extend_from_slice(&user_data.octets),
            Encoding::Gsm7 => text.push_str(user_data.text_or_empty()),
            Encoding::EightBit => {
                data.extend_from_slice(&user_data.octets);
                match &user_data.text {
                    Some(part) => text.push_str(part),
                    None => text_complete = false,
                }
            }
        }
        previous = Some(sequence);
    }
    push_utf16(&mut text, &mut ucs2);
    Body {
        text: text_complete.then_some(text),
        data_hex: (encoding == Some(Encoding::EightBit)).then(|| hex::encode_upper(&data)),
        encoding,
    }
}

/// Decodes big-endian UTF-16 octets onto `text` and empties them; damage becomes U+FFFD.
fn push_utf16(text: &mut String, octets: &mut Vec<u8>) {
    let units = octets
        .chunks_exact(2)
        .map(|pair| u16::from_be_bytes([pair[0], pair[1]]));
    text.extend(char::decode_utf16(units).map(|unit| unit.unwrap_or(char::REPLACEMENT_CHARACTER)));
    if octets.len() % 2 == 1 {
        text.push(char::REPLACEMENT_CHARACTER);
    }
    octets.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ucs2(octets: &[u8]) -> UserData {
        UserData {
            header: None,
            encoding: Encoding::Ucs2,
            text: None,
            octets: octets.to_vec(),
        }
    }

    fn gsm7(text: &str) -> UserData {
        UserData {
            header: None,
            encoding: Encoding::Gsm7,
            text: Some(text.to_owned()),
            octets: Vec::new(),
        }
    }

    #[test]
    fn a_surrogate_pair_split_between_parts_joins() {
        // U+1F600 is D83D DE00: the high half ends part 1, the low half starts part 2.
        let first = ucs2(&[0x00, 0x41, 0xD8, 0x3D]);
        let second = ucs2(&[0xDE, 0x00, 0x00, 0x42]);
        let body = join(&[(1, &first), (2, &second)]);
        assert_eq!(body.text.as_deref(), Some("A\u{1F600}B"));
        assert_eq!(body.encoding, Some(Encoding::Ucs2));
        assert_eq!(body.data_hex, None);
    }

    #[test]
    fn a_gap_leaves_a_lone_surrogate_as_a_replacement() {
        let first = ucs2(&[0x00, 0x41, 0xD8, 0x3D]);
        let third = ucs2(&[0xDE, 0x00, 0x00, 0x42]);
        let body = join(&[(1, &first), (3, &third)]);
        assert_eq!(body.text.as_deref(), Some("A\u{FFFD}\u{FFFD}B"));
    }

    #[test]
    fn gsm7_texts_follow_each_other_and_8bit_data_joins() {
        let body = join(&[(1, &gsm7("Your code ")), (2, &gsm7("is 1234"))]);
        assert_eq!(body.text.as_deref(), Some("Your code is 1234"));
        let binary = UserData {
            header: None,
            encoding: Encoding::EightBit,
            text: None,
            octets: vec![0x01, 0x02],
        };
        let body = join(&[(1, &binary), (2, &binary)]);
        assert_eq!(body.text, None);
        assert_eq!(body.data_hex.as_deref(), Some("01020102"));
    }
}
