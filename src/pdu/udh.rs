//! TS 23.040 §9.2.3.24 TP-User-Data-Header: concatenation (8- and 16-bit references),
//! application port addressing (8- and 16-bit), national language shifts; other information
//! elements are kept by id and otherwise skipped.

use super::error::{DecodeWarning, PduErrorKind};
use super::gsm7::{NationalLanguage, Shift};

/// Where one part sits in a concatenated message (§9.2.3.24.1 and §9.2.3.24.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Concatenation {
    /// The reference shared by every part of one message.
    pub reference: u16,
    /// Whether the reference was carried in 16 bits (IEI 0x08) rather than 8 (IEI 0x00).
    pub sixteen_bit_reference: bool,
    /// How many parts the message has (1..=255).
    pub total: u8,
    /// This part's number (1..=total).
    pub sequence: u8,
}

/// Application port addressing (§9.2.3.24.3 and §9.2.3.24.4), e.g. WAP push to 2948.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ports {
    /// Destination port.
    pub destination: u16,
    /// Originator port.
    pub origin: u16,
}

/// The elements of a user data header this codec understands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserDataHeader {
    /// Concatenation, when this is one part of a longer message.
    pub concatenation: Option<Concatenation>,
    /// Application ports, when the message is addressed to an application.
    pub ports: Option<Ports>,
    /// National language single shift (IEI 0x24), by language id.
    pub single_shift: Option<u8>,
    /// National language locking shift (IEI 0x25), by language id.
    pub locking_shift: Option<u8>,
    /// Ids of the other elements, which are skipped.
    pub other_elements: Vec<u8>,
}

/// IEI values of TS 23.040 §9.2.3.24.
mod iei {
    pub const CONCAT_8: u8 = 0x00;
    pub const PORTS_8: u8 = 0x04;
    pub const PORTS_16: u8 = 0x05;
    pub const CONCAT_16: u8 = 0x08;
    pub const SINGLE_SHIFT: u8 = 0x24;
    pub const LOCKING_SHIFT: u8 = 0x25;
}

impl UserDataHeader {
    /// Parses the header's information elements (the octets after TP-UDHL). On error, returns
    /// the offset within `elements` where the bad element starts.
    pub fn parse(
        elements: &[u8],
        warnings: &mut Vec<DecodeWarning>,
    ) -> Result<UserDataHeader, (usize, PduErrorKind)> {
        let mut header = UserDataHeader::default();
        let mut at = 0;
        while at < elements.len() {
            let id = elements[at];
            let Some(&length) = elements.get(at + 1) else {
                return Err((
                    at,
                    PduErrorKind::MalformedHeader(format!(
                        "element 0x{id:02X} has no length octet"
                    )),
                ));
            };
            let start = at + 2;
            let end = start + usize::from(length);
            let Some(data) = elements.get(start..end) else {
                return Err((
                    at,
                    PduErrorKind::MalformedHeader(format!(
                        "element 0x{id:02X} of {length} octets runs past the header's end"
                    )),
                ));
            };
            header.take_element(id, data, warnings);
            at = end;
        }
        Ok(header)
    }

    fn take_element(&mut self, id: u8, data: &[u8], warnings: &mut Vec<DecodeWarning>) {
        match (id, data) {
            (iei::CONCAT_8, &[reference, total, sequence]) => {
                self.set_concatenation(u16::from(reference), false, total, sequence, warnings)
            }
            (iei::CONCAT_16, &[high, low, total, sequence]) => self.set_concatenation(
                u16::from_be_bytes([high, low]),
                true,
                total,
                sequence,
                warnings,
            ),
            (iei::PORTS_8, &[destination, origin]) => {
                self.ports = Some(Ports {
                    destination: u16::from(destination),
                    origin: u16::from(origin),
                })
            }
            (iei::PORTS_16, &[d1, d2, o1, o2]) => {
                self.ports = Some(Ports {
                    destination: u16::from_be_bytes([d1, d2]),
                    origin: u16::from_be_bytes([o1, o2]),
                })
            }
            (iei::SINGLE_SHIFT, &[language]) => self.single_shift = Some(language),
            (iei::LOCKING_SHIFT, &[language]) => self.locking_shift = Some(language),
            // Unknown elements, and known ones with a length the spec does not allow, are
            // skipped: the text is still readable without them.
            _ => self.other_elements.push(id),
        }
    }

    fn set_concatenation(
        &mut self,
        reference: u16,
        sixteen_bit_reference: bool,
        total: u8,
        sequence: u8,
        warnings: &mut Vec<DecodeWarning>,
    ) {
        if total == 0 || sequence == 0 || sequence > total {
            warnings.push(DecodeWarning::InvalidConcatenation {
                reference,
                total,
                sequence,
            });
            return;
        }
        self.concatenation = Some(Concatenation {
            reference,
            sixteen_bit_reference,
            total,
            sequence,
        });
    }

    /// The GSM 7-bit tables the header selects; unknown language ids fall back to the default
    /// tables with a warning.
    pub fn shift(&self, warnings: &mut Vec<DecodeWarning>) -> Shift {
        let mut language = |id: Option<u8>| {
            let id = id?;
            if id == 0 {
                // Id 0 is the default alphabet itself.
                return None;
            }
            let language = NationalLanguage::from_id(id);
            if language.is_none() {
                warnings.push(DecodeWarning::UnknownLanguage { id });
            }
            language
        };
        Shift {
            locking: language(self.locking_shift),
            single: language(self.single_shift),
        }
    }

    /// Writes the header with its TP-UDHL octet first.
    pub fn encode(&self) -> Vec<u8> {
        let mut elements = Vec::with_capacity(16);
        if let Some(concat) = self.concatenation {
            if concat.sixteen_bit_reference {
                let [high, low] = concat.reference.to_be_bytes();
                elements.extend([iei::CONCAT_16, 4, high, low, concat.total, concat.sequence]);
            } else {
                elements.extend([
                    iei::CONCAT_8,
                    3,
                    concat.reference as u8,
                    concat.total,
                    concat.sequence,
                ]);
            }
        }
        if let Some(ports) = self.ports {
            if ports.destination > 0xFF || ports.origin > 0xFF {
                let [d1, d2] = ports.destination.to_be_bytes();
                let [o1, o2] = ports.origin.to_be_bytes();
                elements.extend([iei::PORTS_16, 4, d1, d2, o1, o2]);
            } else {
                elements.extend([iei::PORTS_8, 2, ports.destination as u8, ports.origin as u8]);
            }
        }
        if let Some(language) = self.single_shift {
            elements.extend([iei::SINGLE_SHIFT, 1, language]);
        }
        if let Some(language) = self.locking_shift {
            elements.extend([iei::LOCKING_SHIFT, 1, language]);
        }
        let mut encoded = Vec::with_capacity(elements.len() + 1);
        encoded.push(elements.len() as u8);
        encoded.extend(elements);
        encoded
    }

    /// Whether the header has nothing to write.
    pub fn is_empty(&self) -> bool {
        self.concatenation.is_none()
            && self.ports.is_none()
            && self.single_shift.is_none()
            && self.locking_shift.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(hex_text: &str) -> (UserDataHeader, Vec<DecodeWarning>) {
        let mut warnings = Vec::new();
        let header = UserDataHeader::parse(&hex::decode(hex_text).unwrap(), &mut warnings).unwrap();
        (header, warnings)
    }

    #[test]
    fn eight_bit_concatenation() {
        let (header, _) = parse("00034C0201");
        assert_eq!(
            header.concatenation,
            Some(Concatenation {
                reference: 0x4C,
                sixteen_bit_reference: false,
                total: 2,
                sequence: 1
            })
        );
    }

    #[test]
    fn sixteen_bit_concatenation_and_ports() {
        let (header, _) = parse("080401000201");
        let concat = header.concatenation.unwrap();
        assert_eq!(
            (concat.reference, concat.sixteen_bit_reference),
            (0x0100, true)
        );
        let (header, _) = parse("05040B8423F0");
        assert_eq!(
            header.ports,
            Some(Ports {
                destination: 2948,
                origin: 9200
            })
        );
    }

    #[test]
    fn unknown_elements_are_skipped() {
        let (header, warnings) = parse("0A03000102");
        assert_eq!(header.other_elements, vec![0x0A]);
        assert!(warnings.is_empty());
        let (header, _) = parse("7002AABB00030A0101");
        assert_eq!(header.other_elements, vec![0x70]);
        assert_eq!(header.concatenation.unwrap().reference, 0x0A);
    }

    #[test]
    fn impossible_concatenation_is_a_warning() {
        let (header, warnings) = parse("0003010302");
        assert!(header.concatenation.is_some());
        assert!(warnings.is_empty());
        let (header, warnings) = parse("0003010203");
        assert!(header.concatenation.is_none());
        assert_eq!(warnings.len(), 1);
        let (_, warnings) = parse("0003010000");
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn element_past_the_end_is_an_error() {
        let mut warnings = Vec::new();
        let (offset, kind) = UserDataHeader::parse(&[0x00, 0x03, 0x01], &mut warnings).unwrap_err();
        assert_eq!(offset, 0);
        assert!(kind.to_string().contains("runs past"), "{kind}");
        assert!(UserDataHeader::parse(&[0x00, 0x03, 1, 2, 1, 0x24], &mut warnings).is_err());
    }

    #[test]
    fn shifts_select_tables() {
        let (header, _) = parse("240101250103");
        let mut warnings = Vec::new();
        let shift = header.shift(&mut warnings);
        assert_eq!(shift.single, Some(NationalLanguage::Turkish));
        assert_eq!(shift.locking, Some(NationalLanguage::Portuguese));
        let (header, _) = parse("250163");
        assert_eq!(header.shift(&mut warnings).locking, None);
        assert_eq!(warnings, vec![DecodeWarning::UnknownLanguage { id: 0x63 }]);
    }

    #[test]
    fn encode_round_trips() {
        let header = UserDataHeader {
            concatenation: Some(Concatenation {
                reference: 0x1234,
                sixteen_bit_reference: true,
                total: 3,
                sequence: 2,
            }),
            ports: Some(Ports {
                destination: 2948,
                origin: 9200,
            }),
            single_shift: Some(1),
            locking_shift: Some(1),
            other_elements: Vec::new(),
        };
        let encoded = header.encode();
        assert_eq!(usize::from(encoded[0]), encoded.len() - 1);
        let mut warnings = Vec::new();
        assert_eq!(
            UserDataHeader::parse(&encoded[1..], &mut warnings).unwrap(),
            header
        );
    }
}
