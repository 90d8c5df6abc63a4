//! TS 23.038 §4: the SMS Data Coding Scheme (TP-DCS) — which alphabet the user data uses,
//! its message class, whether it is compressed, and message-waiting indications.

use super::error::DecodeWarning;

/// The alphabet of the user data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// GSM 7-bit default alphabet, possibly with national language shift tables.
    Gsm7,
    /// 8-bit data: binary (WAP push, ports) or, from some senders, Latin-1 text.
    EightBit,
    /// UCS2 (read as UTF-16 so emoji in surrogate pairs survive).
    Ucs2,
}

impl Encoding {
    /// The name used in JSON output: gsm7, 8bit or ucs2.
    pub fn json_name(self) -> &'static str {
        match self {
            Encoding::Gsm7 => "gsm7",
            Encoding::EightBit => "8bit",
            Encoding::Ucs2 => "ucs2",
        }
    }
}

/// TS 23.038 §4 message class: where the receiving phone stores the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageClass {
    /// Class 0: flash message, shown and not stored.
    Class0,
    /// Class 1: stored in the phone (ME).
    Class1,
    /// Class 2: stored on the SIM; modems deliver these by +CMTI even in direct mode.
    Class2,
    /// Class 3: for terminal equipment.
    Class3,
}

impl MessageClass {
    const fn from_bits(bits: u8) -> Self {
        match bits & 0x03 {
            0 => MessageClass::Class0,
            1 => MessageClass::Class1,
            2 => MessageClass::Class2,
            _ => MessageClass::Class3,
        }
    }

    /// The class with number `number`, `None` outside 0..=3: for classes given on a command
    /// line or in a request.
    pub fn from_number(number: u32) -> Option<Self> {
        u8::try_from(number)
            .ok()
            .filter(|number| *number <= 3)
            .map(MessageClass::from_bits)
    }

    /// The class number 0..=3.
    pub fn number(self) -> u8 {
        match self {
            MessageClass::Class0 => 0,
            MessageClass::Class1 => 1,
            MessageClass::Class2 => 2,
            MessageClass::Class3 => 3,
        }
    }
}

/// TS 23.038 §4 message waiting indication groups (1100, 1101, 1110).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MessageWaiting {
    /// Whether the phone may discard the message after updating the indication (group 1100).
    pub discard: bool,
    /// Whether the indication is being set (true) or cleared.
    pub active: bool,
    /// 0 voicemail, 1 fax, 2 e-mail, 3 other.
    pub kind: u8,
}

/// A decoded TP-DCS octet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DataCoding {
    /// The octet as received.
    pub raw: u8,
    /// The alphabet of the user data.
    pub encoding: Encoding,
    /// The message class, when the coding group carries one.
    pub class: Option<MessageClass>,
    /// Whether the text is compressed (TS 23.042); such text cannot be read.
    pub compressed: bool,
    /// A message waiting indication, for the groups that carry one.
    pub message_waiting: Option<MessageWaiting>,
    /// Whether the octet is a reserved coding, read as GSM 7-bit (§4: "any reserved codings
    /// shall be assumed to be the GSM 7 bit default alphabet").
    pub reserved: bool,
}

impl DataCoding {
    /// Plain GSM 7-bit, no class: TP-DCS 0x00.
    pub const GSM7: DataCoding = DataCoding::decode(0x00);
    /// UCS2, no class: TP-DCS 0x08.
    pub const UCS2: DataCoding = DataCoding::decode(0x08);
    /// 8-bit data, no class: TP-DCS 0x04.
    pub const EIGHT_BIT: DataCoding = DataCoding::decode(0x04);

    /// TS 23.038 §4, coding groups by bits 7..4.
    pub const fn decode(raw: u8) -> DataCoding {
        let mut coding = DataCoding {
            raw,
            encoding: Encoding::Gsm7,
            class: None,
            compressed: false,
            message_waiting: None,
            reserved: false,
        };
        match raw >> 4 {
            // 00xx: general data coding; 01xx: the same, marked for automatic deletion.
            0x0..=0x7 => {
                coding.compressed = raw & 0x20 != 0;
                if raw & 0x10 != 0 {
                    coding.class = Some(MessageClass::from_bits(raw));
                }
                coding.encoding = match (raw >> 2) & 0x03 {
                    0 => Encoding::Gsm7,
                    1 => Encoding::EightBit,
                    2 => Encoding::Ucs2,
                    _ => {
                        coding.reserved = true;
                        Encoding::Gsm7
                    }
                };
            }
            // 1000..1011: reserved coding groups.
            0x8..=0xB => coding.reserved = true,
            // 1100 discard / 1101 store (GSM 7-bit), 1110 store (UCS2): message waiting.
            0xC..=0xE => {
                coding.message_waiting = Some(MessageWaiting {
                    discard: raw >> 4 == 0xC,
                    active: raw & 0x08 != 0,
                    kind: raw & 0x03,
                });
                if raw >> 4 == 0xE {
                    coding.encoding = Encoding::Ucs2;
                }
            }
            // 1111: data coding / message class; bit 2 picks 8-bit data over GSM 7-bit.
            _ => {
                coding.class = Some(MessageClass::from_bits(raw));
                if raw & 0x04 != 0 {
                    coding.encoding = Encoding::EightBit;
                }
            }
        }
        coding
    }

    /// The DCS octet for an encoder: general data coding with an optional class.
    pub fn general(encoding: Encoding, class: Option<MessageClass>) -> DataCoding {
        let alphabet = match encoding {
            Encoding::Gsm7 => 0x00,
            Encoding::EightBit => 0x04,
            Encoding::Ucs2 => 0x08,
        };
        let class_bits = class.map_or(0, |class| 0x10 | class.number());
        DataCoding::decode(alphabet | class_bits)
    }

    /// Adds a warning when the octet is a reserved coding.
    pub(crate) fn warn(&self, warnings: &mut Vec<DecodeWarning>) {
        if self.reserved {
            warnings.push(DecodeWarning::ReservedCoding { dcs: self.raw });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn general_group() {
        assert_eq!(DataCoding::decode(0x00).encoding, Encoding::Gsm7);
        assert_eq!(DataCoding::decode(0x04).encoding, Encoding::EightBit);
        assert_eq!(DataCoding::decode(0x08).encoding, Encoding::Ucs2);
        let class1_ucs2 = DataCoding::decode(0x19);
        assert_eq!(class1_ucs2.encoding, Encoding::Ucs2);
        assert_eq!(class1_ucs2.class, Some(MessageClass::Class1));
        assert!(DataCoding::decode(0x20).compressed);
        assert!(DataCoding::decode(0x0C).reserved);
    }

    #[test]
    fn automatic_deletion_group_reads_like_general() {
        let coding = DataCoding::decode(0x53);
        assert_eq!(coding.encoding, Encoding::Gsm7);
        assert_eq!(coding.class, Some(MessageClass::Class3));
        assert_eq!(DataCoding::decode(0x48).encoding, Encoding::Ucs2);
    }

    #[test]
    fn message_waiting_groups() {
        let discard = DataCoding::decode(0xC8);
        assert_eq!(discard.encoding, Encoding::Gsm7);
        assert_eq!(
            discard.message_waiting,
            Some(MessageWaiting {
                discard: true,
                active: true,
                kind: 0
            })
        );
        assert_eq!(DataCoding::decode(0xE0).encoding, Encoding::Ucs2);
    }

    #[test]
    fn class_group() {
        let sfr = DataCoding::decode(0xF1);
        assert_eq!(
            (sfr.encoding, sfr.class),
            (Encoding::Gsm7, Some(MessageClass::Class1))
        );
        let data = DataCoding::decode(0xF5);
        assert_eq!(
            (data.encoding, data.class),
            (Encoding::EightBit, Some(MessageClass::Class1))
        );
    }

    #[test]
    fn reserved_groups_fall_back_to_gsm7() {
        for raw in 0x80..=0xBF {
            let coding = DataCoding::decode(raw);
            assert!(
                coding.reserved && coding.encoding == Encoding::Gsm7,
                "{raw:02X}"
            );
        }
    }

    #[test]
    fn encoder_octets() {
        assert_eq!(DataCoding::general(Encoding::Ucs2, None).raw, 0x08);
        assert_eq!(
            DataCoding::general(Encoding::Gsm7, Some(MessageClass::Class0)).raw,
            0x10
        );
        assert_eq!(
            DataCoding::general(Encoding::EightBit, Some(MessageClass::Class2)).raw,
            0x16
        );
    }
}
