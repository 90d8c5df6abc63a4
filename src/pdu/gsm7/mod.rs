//! The GSM 7-bit alphabet (3GPP TS 23.038 §6.2.1): septet packing, the default alphabet and
//! its extension table, and the national language shift tables of Annex A.
//!
//! This module turns septets into text and back; it knows nothing of PDUs. The caller says
//! where the septets start (after a user data header, on a septet boundary) and which tables
//! the header selected.

pub mod national;

use std::collections::HashMap;
use std::sync::OnceLock;

pub use national::NationalLanguage;

use super::error::{DecodeWarning, EncodeError};

/// The escape septet: the next septet is read from the single shift (extension) table.
pub const ESCAPE: u8 = 0x1B;

/// Shorthand for a table entry.
const fn c(ch: char) -> Option<char> {
    Some(ch)
}

/// TS 23.038 §6.2.1: the GSM 7-bit default alphabet. 0x1B is the escape, not a character.
#[rustfmt::skip]
pub static DEFAULT_ALPHABET: [Option<char>; 128] = [
    // 0x00
    c('@'), c('£'), c('$'), c('¥'), c('è'), c('é'), c('ù'), c('ì'),
    c('ò'), c('Ç'), c('\n'), c('Ø'), c('ø'), c('\r'), c('Å'), c('å'),
    // 0x10
    c('Δ'), c('_'), c('Φ'), c('Γ'), c('Λ'), c('Ω'), c('Π'), c('Ψ'),
    c('Σ'), c('Θ'), c('Ξ'), None, c('Æ'), c('æ'), c('ß'), c('É'),
    // 0x20
    c(' '), c('!'), c('"'), c('#'), c('¤'), c('%'), c('&'), c('\''),
    c('('), c(')'), c('*'), c('+'), c(','), c('-'), c('.'), c('/'),
    // 0x30
    c('0'), c('1'), c('2'), c('3'), c('4'), c('5'), c('6'), c('7'),
    c('8'), c('9'), c(':'), c(';'), c('<'), c('='), c('>'), c('?'),
    // 0x40
    c('¡'), c('A'), c('B'), c('C'), c('D'), c('E'), c('F'), c('G'),
    c('H'), c('I'), c('J'), c('K'), c('L'), c('M'), c('N'), c('O'),
    // 0x50
    c('P'), c('Q'), c('R'), c('S'), c('T'), c('U'), c('V'), c('W'),
    c('X'), c('Y'), c('Z'), c('Ä'), c('Ö'), c('Ñ'), c('Ü'), c('§'),
    // 0x60
    c('¿'), c('a'), c('b'), c('c'), c('d'), c('e'), c('f'), c('g'),
    c('h'), c('i'), c('j'), c('k'), c('l'), c('m'), c('n'), c('o'),
    // 0x70
    c('p'), c('q'), c('r'), c('s'), c('t'), c('u'), c('v'), c('w'),
    c('x'), c('y'), c('z'), c('ä'), c('ö'), c('ñ'), c('ü'), c('à'),
];

/// TS 23.038 §6.2.1.1: the default alphabet extension table, reached by an escape.
/// 0x0D (CR2) and 0x1B (a further extension) are left undefined here; the decoder handles
/// 0x1B itself.
pub static DEFAULT_EXTENSION: [Option<char>; 128] = {
    let mut table = [None; 128];
    table[0x0A] = c('\u{000C}');
    table[0x14] = c('^');
    table[0x28] = c('{');
    table[0x29] = c('}');
    table[0x2F] = c('\\');
    table[0x3C] = c('[');
    table[0x3D] = c('~');
    table[0x3E] = c(']');
    table[0x40] = c('|');
    table[0x65] = c('€');
    table
};

/// Which tables are in force for a message: the default ones unless the user data header
/// carries national language shift elements (TS 23.040 §9.2.3.24.15 and .16).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Shift {
    /// Locking shift: replaces the base table for the whole message.
    pub locking: Option<NationalLanguage>,
    /// Single shift: replaces the extension table reached by an escape.
    pub single: Option<NationalLanguage>,
}

impl Shift {
    /// The default alphabet and its extension table.
    pub const DEFAULT: Shift = Shift {
        locking: None,
        single: None,
    };

    fn base_table(self) -> &'static [Option<char>; 128] {
        self.locking
            .and_then(NationalLanguage::locking_shift_table)
            .unwrap_or(&DEFAULT_ALPHABET)
    }

    fn extension_table(self) -> &'static [Option<char>; 128] {
        match self.single {
            Some(language) => language.single_shift_table(),
            None => &DEFAULT_EXTENSION,
        }
    }

    /// A short name for errors: "GSM 7-bit", or "GSM 7-bit national" with a shift table.
    pub fn name(self) -> &'static str {
        match (self.locking, self.single) {
            (None, None) => "GSM 7-bit",
            _ => "GSM 7-bit national",
        }
    }
}

/// One table position in UTF-8, ready to copy: decoding writes four octets and advances by
/// `len`, which is much faster than pushing `char`s one by one.
#[derive(Debug, Clone, Copy)]
struct Utf8Entry {
    bytes: [u8; 4],
    len: u8,
    /// The position has no character; `bytes` holds U+FFFD.
    undefined: bool,
}

/// A septet table in UTF-8.
#[derive(Debug)]
struct Utf8Table {
    /// The ASCII byte of each septet, or 0 where the character is not ASCII, the septet is
    /// the escape, or the position is undefined: most OTP text is ASCII, and one byte
    /// lookup a septet is the fast path.
    ascii: [u8; 128],
    /// Every position in UTF-8, for the rest.
    entries: [Utf8Entry; 128],
}

fn utf8_table(table: &[Option<char>; 128]) -> Utf8Table {
    let mut utf8 = Utf8Table {
        ascii: [0; 128],
        entries: [Utf8Entry {
            bytes: [0; 4],
            len: 0,
            undefined: false,
        }; 128],
    };
    for (septet, ch) in table.iter().enumerate() {
        let entry = &mut utf8.entries[septet];
        entry.undefined = ch.is_none();
        let ch = ch.unwrap_or(char::REPLACEMENT_CHARACTER);
        entry.len = ch.encode_utf8(&mut entry.bytes).len() as u8;
        if ch.is_ascii() && ch != '\0' && septet != usize::from(ESCAPE) && !entry.undefined {
            utf8.ascii[septet] = ch as u8;
        }
    }
    utf8
}

/// The UTF-8 form of the extension table merged with the base table, as a receiver shows an
/// escape followed by a septet the extension table leaves empty (TS 23.038 §6.2.1.1); an
/// escape followed by another escape shows a space.
fn utf8_extension_table(shift: Shift) -> Utf8Table {
    let base = shift.base_table();
    let mut merged = [None; 128];
    for (septet, (slot, extension)) in merged.iter_mut().zip(shift.extension_table()).enumerate() {
        *slot = extension.or(base[septet]);
    }
    merged[usize::from(ESCAPE)] = Some(' ');
    utf8_table(&merged)
}

/// Base and extension tables in UTF-8 for each locking/single shift language (index 0 is the
/// default table), built on first use.
static UTF8_BASE: [OnceLock<Utf8Table>; 14] = [const { OnceLock::new() }; 14];
static UTF8_EXTENSION: [OnceLock<[OnceLock<Utf8Table>; 14]>; 14] = [const { OnceLock::new() }; 14];

fn utf8_tables(shift: Shift) -> (&'static Utf8Table, &'static Utf8Table) {
    let index = |language: Option<NationalLanguage>| language.map_or(0, |l| usize::from(l.id()));
    let (locking, single) = (index(shift.locking), index(shift.single));
    let base = UTF8_BASE[locking].get_or_init(|| utf8_table(shift.base_table()));
    let extension = UTF8_EXTENSION[locking].get_or_init(|| [const { OnceLock::new() }; 14])[single]
        .get_or_init(|| utf8_extension_table(shift));
    (base, extension)
}

/// Decodes `count` septets of `octets` starting at septet index `first` (the septet after a
/// user data header; 0 without one) into text, with the tables of `shift`.
///
/// An escape followed by a septet the extension table leaves empty shows the base table's
/// character, as TS 23.038 §6.2.1.1 tells a receiver to; an escape followed by another escape
/// shows a space (§6.2.1.1, "reserved for the extension to another extension table"). Stops
/// at the end of `octets` if `count` asks for more septets than they hold.
pub fn decode(
    octets: &[u8],
    first: usize,
    count: usize,
    shift: Shift,
    warnings: &mut Vec<DecodeWarning>,
) -> String {
    let (base, extension) = utf8_tables(shift);
    let count = count.min(septets_available(octets, first));
    // Every character of every table is in the BMP: at most three UTF-8 octets a septet.
    let mut utf8: Vec<u8> = Vec::with_capacity(count * 3);
    let mut escaped = false;
    // Unpack a block of septets, then map the block through the tables: two simple loops
    // keep everything in registers (this is the hot path of every SMS the rack receives).
    let mut block = [0u8; 160];
    let mut done = 0;
    while done < count {
        let septets = &mut block[..(count - done).min(160)];
        unpack_into(octets, first + done, septets);
        done += septets.len();
        for &septet in septets.iter() {
            let index = usize::from(septet);
            let ascii = base.ascii[index];
            if ascii != 0 && !escaped {
                utf8.push(ascii);
                continue;
            }
            let entry = if escaped {
                escaped = false;
                &extension.entries[index]
            } else if septet == ESCAPE {
                escaped = true;
                continue;
            } else {
                &base.entries[index]
            };
            if entry.undefined {
                warnings.push(DecodeWarning::UndefinedSeptet { septet });
            }
            utf8.extend_from_slice(&entry.bytes[..usize::from(entry.len)]);
        }
    }
    if escaped {
        // An escape with nothing after it: nothing to show.
        warnings.push(DecodeWarning::UndefinedSeptet { septet: ESCAPE });
    }
    // The tables hold whole UTF-8 sequences, so this cannot fail; stay lossy rather than panic.
    String::from_utf8(utf8)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

/// Fills `septets` with the septets of `octets` from septet index `first` on; positions past
/// the end of `octets` read as zero bits.
///
/// Eight septets fill seven octets exactly, so every group of eight starts at the same bit
/// offset within its first octet: one 64-bit load and eight shifts per group.
#[inline]
fn unpack_into(octets: &[u8], first: usize, septets: &mut [u8]) {
    let start_bit = first * 7;
    let shift = start_bit % 8;
    let mut byte = start_bit / 8;
    for group in septets.chunks_mut(8) {
        let word = match octets.get(byte..byte + 8) {
            Some(eight) => u64::from_le_bytes([
                eight[0], eight[1], eight[2], eight[3], eight[4], eight[5], eight[6], eight[7],
            ]),
            None => octets
                .get(byte..)
                .unwrap_or(&[])
                .iter()
                .rev()
                .fold(0u64, |word, &octet| (word << 8) | u64::from(octet)),
        };
        let bits = word >> shift;
        if let Ok(eight) = <&mut [u8; 8]>::try_from(&mut *group) {
            for (index, slot) in eight.iter_mut().enumerate() {
                *slot = (bits >> (7 * index)) as u8 & 0x7F;
            }
        } else {
            for (index, slot) in group.iter_mut().enumerate() {
                *slot = (bits >> (7 * index)) as u8 & 0x7F;
            }
        }
        byte += 7;
    }
}

/// Unpacks `count` septets starting at septet index `first` (fewer if `octets` end first);
/// for tests and tools that want the raw values.
pub fn unpack(octets: &[u8], first: usize, count: usize) -> Vec<u8> {
    let mut septets = vec![0; count.min(septets_available(octets, first))];
    unpack_into(octets, first, &mut septets);
    septets
}

/// How many whole septets `octets` hold from septet index `first` on.
fn septets_available(octets: &[u8], first: usize) -> usize {
    (octets.len() * 8).saturating_sub(first * 7) / 7
}

/// Packs septets into octets, leaving the first `first` septet positions (a user data
/// header) zero. The caller writes the header over them.
pub fn pack(septets: &[u8], first: usize) -> Vec<u8> {
    let total_bits = (first + septets.len()) * 7;
    let mut octets = vec![0u8; total_bits.div_ceil(8)];
    for (offset, &septet) in septets.iter().enumerate() {
        let bit = (first + offset) * 7;
        let byte = bit / 8;
        let shift = bit % 8;
        let septet = septet & 0x7F;
        octets[byte] |= septet << shift;
        if shift > 1 {
            octets[byte + 1] |= septet >> (8 - shift);
        }
    }
    octets
}

/// Maps characters to septets for one choice of tables.
#[derive(Debug, Clone)]
pub struct Encoder {
    shift: Shift,
    base: HashMap<char, u8>,
    extension: HashMap<char, u8>,
}

/// One encoder per locking/single shift pair, built on first use.
static ENCODERS: [OnceLock<[OnceLock<Encoder>; 14]>; 14] = [const { OnceLock::new() }; 14];

impl Encoder {
    /// The shared encoder for `shift`: its reverse tables are built once per process, not
    /// once per message.
    pub fn for_shift(shift: Shift) -> &'static Encoder {
        let index =
            |language: Option<NationalLanguage>| language.map_or(0, |l| usize::from(l.id()));
        ENCODERS[index(shift.locking)].get_or_init(|| [const { OnceLock::new() }; 14])
            [index(shift.single)]
        .get_or_init(|| Encoder::new(shift))
    }

    /// Builds the reverse tables for `shift`.
    pub fn new(shift: Shift) -> Self {
        let reverse = |table: &[Option<char>; 128]| {
            let mut map = HashMap::with_capacity(128);
            for (septet, entry) in table.iter().enumerate() {
                if let Some(ch) = entry {
                    // The first position wins where a table repeats a character.
                    map.entry(*ch).or_insert(septet as u8);
                }
            }
            map
        };
        Encoder {
            shift,
            base: reverse(shift.base_table()),
            extension: reverse(shift.extension_table()),
        }
    }

    /// The tables this encoder writes with.
    pub fn shift(&self) -> Shift {
        self.shift
    }

    /// The septets for one character: one, or an escape and one.
    pub fn septets_of(&self, ch: char) -> Option<SeptetRun> {
        if let Some(&septet) = self.base.get(&ch) {
            return Some(SeptetRun::One(septet));
        }
        self.extension
            .get(&ch)
            .map(|&septet| SeptetRun::Escaped(septet))
    }

    /// The septets of `text`, or the first character that has none.
    pub fn encode(&self, text: &str) -> Result<Vec<u8>, EncodeError> {
        let mut septets = Vec::with_capacity(text.len());
        for ch in text.chars() {
            match self.septets_of(ch) {
                Some(SeptetRun::One(septet)) => septets.push(septet),
                Some(SeptetRun::Escaped(septet)) => septets.extend([ESCAPE, septet]),
                None => return Err(EncodeError::Unencodable(ch, self.shift.name())),
            }
        }
        Ok(septets)
    }
}

/// The septets that carry one character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeptetRun {
    /// A character of the base table.
    One(u8),
    /// A character of the extension (single shift) table: escape, then this septet.
    Escaped(u8),
}

impl SeptetRun {
    /// How many septets the character takes.
    pub fn len(self) -> usize {
        match self {
            SeptetRun::One(_) => 1,
            SeptetRun::Escaped(_) => 2,
        }
    }

    /// Always false: a character takes at least one septet.
    pub fn is_empty(self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_default(octets: &[u8], count: usize) -> String {
        let mut warnings = Vec::new();
        let text = decode(octets, 0, count, Shift::DEFAULT, &mut warnings);
        assert!(warnings.is_empty(), "{warnings:?}");
        text
    }

    // TS 23.038 §6.1.2.1.1 packing example: "hellohello" is E8329BFD4697D9EC37.
    #[test]
    fn unpacks_the_spec_example() {
        let octets = hex::decode("E8329BFD4697D9EC37").unwrap();
        assert_eq!(decode_default(&octets, 10), "hellohello");
        assert_eq!(pack(&encode_default("hellohello"), 0), octets);
    }

    fn encode_default(text: &str) -> Vec<u8> {
        Encoder::new(Shift::DEFAULT).encode(text).unwrap()
    }

    #[test]
    fn extension_characters_take_an_escape() {
        let septets = encode_default("€[]{}~\\^|\u{000C}");
        assert_eq!(septets.len(), 20);
        assert!(septets.chunks(2).all(|pair| pair[0] == ESCAPE));
        let packed = pack(&septets, 0);
        assert_eq!(decode_default(&packed, septets.len()), "€[]{}~\\^|\u{000C}");
    }

    #[test]
    fn escape_then_undefined_shows_base_character() {
        // ESC 'A' is not in the extension table: a receiver shows 'A'.
        let packed = pack(&[ESCAPE, 0x41], 0);
        assert_eq!(decode_default(&packed, 2), "A");
    }

    #[test]
    fn escape_escape_is_a_space() {
        let packed = pack(&[ESCAPE, ESCAPE, 0x41], 0);
        assert_eq!(decode_default(&packed, 3), " A");
    }

    #[test]
    fn trailing_escape_is_dropped_with_a_warning() {
        let packed = pack(&[0x41, ESCAPE], 0);
        let mut warnings = Vec::new();
        assert_eq!(decode(&packed, 0, 2, Shift::DEFAULT, &mut warnings), "A");
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn septets_after_a_header_keep_their_alignment() {
        // Seven septet positions reserved for a 6-octet header, then "hi".
        let packed = pack(&[0x68, 0x69], 7);
        let mut warnings = Vec::new();
        assert_eq!(decode(&packed, 7, 2, Shift::DEFAULT, &mut warnings), "hi");
        assert_eq!(unpack(&packed, 7, 2), vec![0x68, 0x69]);
    }

    #[test]
    fn decoding_past_the_end_stops_instead_of_panicking() {
        let mut warnings = Vec::new();
        assert_eq!(decode(&[0x41], 0, 100, Shift::DEFAULT, &mut warnings), "A");
        assert_eq!(unpack(&[], 0, 5), Vec::<u8>::new());
    }

    #[test]
    fn the_whole_default_alphabet_round_trips() {
        let text: String = DEFAULT_ALPHABET.iter().flatten().collect();
        assert_eq!(text.chars().count(), 127);
        let septets = encode_default(&text);
        assert_eq!(septets.len(), 127);
        assert_eq!(decode_default(&pack(&septets, 0), 127), text);
    }

    #[test]
    fn characters_outside_the_alphabet_are_refused() {
        let error = Encoder::new(Shift::DEFAULT).encode("ab😀").unwrap_err();
        assert_eq!(error, EncodeError::Unencodable('😀', "GSM 7-bit"));
    }
}
