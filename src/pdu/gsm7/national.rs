//! The GSM 7-bit national language shift tables of 3GPP TS 23.038 Annex A.
//!
//! A GSM 7-bit text normally decodes with the default alphabet (TS 23.038 §6.2.1) and,
//! for the septet after an escape (0x1B), with the default extension table (§6.2.1.1).
//! A sender can replace either one through an information element in the user data
//! header (TS 23.040 §9.2.3.24.15/16): a *locking shift* swaps the whole alphabet, a
//! *single shift* swaps only the table used after an escape. Both name the new table by
//! a national language identifier (TS 23.038 §6.2.1.2.4). Modems hand such messages over
//! untouched, so a decoder that ignores these IEs turns Turkish, Portuguese or Indic
//! one-time codes into mojibake.
//!
//! This file owns the data only: the thirteen languages, their locking shift tables
//! (§A.3) and single shift tables (§A.2). Septet unpacking, escape handling, the default
//! alphabet and the choice of table belong to the decoder.
//!
//! # Conventions
//!
//! Tables map a septet (0..=127) to a character; `None` marks every position the spec
//! leaves empty or reserved, so the caller decides what an undefined septet becomes.
//!
//! * Position 0x1B is `None` in every table. In a locking shift table it is the escape
//!   to the single shift table, which the decoder must act on before any lookup; in a
//!   single shift table it is reserved for a further extension table.
//! * Locking shift tables have LF at 0x0A and CR at 0x0D, as the spec shows.
//! * Single shift tables have the page break (FORM FEED, U+000C) at 0x0A, as the default
//!   extension table does; 0x0D ("CR2" there) is `None`.
//! * Spanish has no locking shift table: §A.3.2 is void.
//! * Duplicates the spec itself contains are kept: the Indic and Urdu single shift tables
//!   list '¡' at both 0x13 and 0x15 and '*' at both 0x0B and 0x18. Decoding stays
//!   unambiguous; an encoder built from these tables should prefer the lower septet.
//!
//! # Sources and transcription choices
//!
//! The tables were transcribed from a reproduction of the V18.0.0 tables that gives code
//! points as numbers, and every position was compared with Android's `GsmAlphabet`. Where
//! the two disagreed, a reproduction of the V16.0.0 tables, Firefox OS's `ril_consts.js`
//! and warthog618/sms settled it. The disagreements and the choices made:
//!
//! * Kannada locking 0x24: the spec prints U+0CAA KANNADA LETTER PA, which it also has
//!   at 0x3D. Every other Indic table has DDA between TTHA (0x23) and DDHA (0x25), and
//!   Android, Firefox OS and warthog618/sms all use U+0CA1 KANNADA LETTER DDA there, so
//!   this table does too: it is what those encoders send, and it keeps the table
//!   one-to-one.
//! * Telugu single shift 0x65: '€', as in the V16.0.0 text, Android, Firefox OS and
//!   warthog618/sms, and as in every other single shift table; one V18.0.0 transcription
//!   dropped it.
//! * Indic and Urdu locking 0x2C: ',' (V16.0.0 text and all three implementations); one
//!   V18.0.0 transcription has an apostrophe there.
//! * Adjacent combining marks (Hindi single shift 0x26/0x27, Urdu locking 0x5C..=0x60
//!   and 0x7B..=0x7F): copies that store the characters literally may have been
//!   Unicode-normalised, which reorders adjacent marks by combining class. The order here
//!   comes from sources that write code points as numbers, and all of those agree.
//! * Telugu locking 0x11 and Tamil locking 0x11: one transcription lists U+0C11 and
//!   U+0B91, which Unicode leaves unassigned; they stay `None`, as in the other sources.

/// A national language of TS 23.038 §6.2.1.2.4 (ids 1..=13), which names both a locking
/// shift table and a single shift table.
///
/// The locking and single shift IEs share this one identifier space, and a message may
/// combine two languages (say a Portuguese locking shift with a Spanish single shift), so
/// the language is a value of its own rather than a property of a table. Id 0, the
/// default alphabet, is not a variant: the decoder already has those tables, and
/// `Option<NationalLanguage>` says "no national table" without a sentinel. Variants are
/// declared in id order, so the derived `Ord` sorts by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NationalLanguage {
    /// Id 1: locking shift §A.3.1, single shift §A.2.1.
    Turkish = 1,
    /// Id 2: single shift §A.2.2 only; the locking shift table §A.3.2 is void.
    Spanish = 2,
    /// Id 3: locking shift §A.3.3, single shift §A.2.3.
    Portuguese = 3,
    /// Id 4: locking shift §A.3.4, single shift §A.2.4.
    Bengali = 4,
    /// Id 5: locking shift §A.3.5, single shift §A.2.5.
    Gujarati = 5,
    /// Id 6: locking shift §A.3.6, single shift §A.2.6.
    Hindi = 6,
    /// Id 7: locking shift §A.3.7, single shift §A.2.7.
    Kannada = 7,
    /// Id 8: locking shift §A.3.8, single shift §A.2.8.
    Malayalam = 8,
    /// Id 9: locking shift §A.3.9, single shift §A.2.9.
    Oriya = 9,
    /// Id 10: locking shift §A.3.10, single shift §A.2.10.
    Punjabi = 10,
    /// Id 11: locking shift §A.3.11, single shift §A.2.11.
    Tamil = 11,
    /// Id 12: locking shift §A.3.12, single shift §A.2.12.
    Telugu = 12,
    /// Id 13: locking shift §A.3.13, single shift §A.2.13.
    Urdu = 13,
}

impl NationalLanguage {
    /// All languages, in id order.
    pub const ALL: [NationalLanguage; 13] = [
        NationalLanguage::Turkish,
        NationalLanguage::Spanish,
        NationalLanguage::Portuguese,
        NationalLanguage::Bengali,
        NationalLanguage::Gujarati,
        NationalLanguage::Hindi,
        NationalLanguage::Kannada,
        NationalLanguage::Malayalam,
        NationalLanguage::Oriya,
        NationalLanguage::Punjabi,
        NationalLanguage::Tamil,
        NationalLanguage::Telugu,
        NationalLanguage::Urdu,
    ];

    /// From the language identifier carried in a UDH shift IE (TS 23.040
    /// §9.2.3.24.15/16).
    ///
    /// `None` for ids this module has no table for: 0 is the default alphabet, which the
    /// caller handles, and ids above 13 are reserved. What to do with a reserved id is the
    /// caller's choice; keeping the default tables leaves the rest of the text readable.
    pub fn from_id(id: u8) -> Option<Self> {
        let index = usize::from(id.checked_sub(1)?);
        Self::ALL.get(index).copied()
    }

    /// The identifier (Turkish = 1 ... Urdu = 13), as carried in the shift IEs.
    pub fn id(self) -> u8 {
        self as u8
    }

    /// Lower-case English name, e.g. "turkish", for logs and JSON.
    pub fn name(self) -> &'static str {
        match self {
            NationalLanguage::Turkish => "turkish",
            NationalLanguage::Spanish => "spanish",
            NationalLanguage::Portuguese => "portuguese",
            NationalLanguage::Bengali => "bengali",
            NationalLanguage::Gujarati => "gujarati",
            NationalLanguage::Hindi => "hindi",
            NationalLanguage::Kannada => "kannada",
            NationalLanguage::Malayalam => "malayalam",
            NationalLanguage::Oriya => "oriya",
            NationalLanguage::Punjabi => "punjabi",
            NationalLanguage::Tamil => "tamil",
            NationalLanguage::Telugu => "telugu",
            NationalLanguage::Urdu => "urdu",
        }
    }

    /// The locking shift table (§A.3): septet value 0..=127 → character.
    ///
    /// `None` for Spanish, which has no locking shift table in the spec; a decoder given
    /// a Spanish locking shift IE should keep the default alphabet.
    pub fn locking_shift_table(self) -> Option<&'static [Option<char>; 128]> {
        match self {
            NationalLanguage::Turkish => Some(&TURKISH_LOCKING),
            NationalLanguage::Spanish => None,
            NationalLanguage::Portuguese => Some(&PORTUGUESE_LOCKING),
            NationalLanguage::Bengali => Some(&BENGALI_LOCKING),
            NationalLanguage::Gujarati => Some(&GUJARATI_LOCKING),
            NationalLanguage::Hindi => Some(&HINDI_LOCKING),
            NationalLanguage::Kannada => Some(&KANNADA_LOCKING),
            NationalLanguage::Malayalam => Some(&MALAYALAM_LOCKING),
            NationalLanguage::Oriya => Some(&ORIYA_LOCKING),
            NationalLanguage::Punjabi => Some(&PUNJABI_LOCKING),
            NationalLanguage::Tamil => Some(&TAMIL_LOCKING),
            NationalLanguage::Telugu => Some(&TELUGU_LOCKING),
            NationalLanguage::Urdu => Some(&URDU_LOCKING),
        }
    }

    /// The single shift table (§A.2): the septet that follows an escape (0x1B) →
    /// character.
    ///
    /// Each one contains the default extension table's characters at their usual
    /// positions, so it replaces that table rather than adding to it.
    pub fn single_shift_table(self) -> &'static [Option<char>; 128] {
        match self {
            NationalLanguage::Turkish => &TURKISH_SINGLE_SHIFT,
            NationalLanguage::Spanish => &SPANISH_SINGLE_SHIFT,
            NationalLanguage::Portuguese => &PORTUGUESE_SINGLE_SHIFT,
            NationalLanguage::Bengali => &BENGALI_SINGLE_SHIFT,
            NationalLanguage::Gujarati => &GUJARATI_SINGLE_SHIFT,
            NationalLanguage::Hindi => &HINDI_SINGLE_SHIFT,
            NationalLanguage::Kannada => &KANNADA_SINGLE_SHIFT,
            NationalLanguage::Malayalam => &MALAYALAM_SINGLE_SHIFT,
            NationalLanguage::Oriya => &ORIYA_SINGLE_SHIFT,
            NationalLanguage::Punjabi => &PUNJABI_SINGLE_SHIFT,
            NationalLanguage::Tamil => &TAMIL_SINGLE_SHIFT,
            NationalLanguage::Telugu => &TELUGU_SINGLE_SHIFT,
            NationalLanguage::Urdu => &URDU_SINGLE_SHIFT,
        }
    }
}

// The tables. Each line holds eight septets; its comment names the first septet and
// shows the characters (LF, CR, FF and SP spelled out, `-` for an empty position, and
// combining marks on a dotted circle). Code uses `\u{..}` escapes for anything outside
// ASCII so that no editor or normalisation step can silently change a character.

/// `Some(ch)`, short enough to keep a row of eight entries readable.
const fn c(ch: char) -> Option<char> {
    Some(ch)
}

/// An empty position: undefined, reserved, or the escape septet.
const __: Option<char> = None;

/// Turkish locking shift table (TS 23.038 §A.3.1).
#[rustfmt::skip]
static TURKISH_LOCKING: [Option<char>; 128] = [
    c('@'),        c('\u{00A3}'), c('$'),        c('\u{00A5}'), c('\u{20AC}'), c('\u{00E9}'), c('\u{00F9}'), c('\u{0131}'), // 0x00: @ £ $ ¥ € é ù ı
    c('\u{00F2}'), c('\u{00C7}'), c('\n'),       c('\u{011E}'), c('\u{011F}'), c('\r'),       c('\u{00C5}'), c('\u{00E5}'), // 0x08: ò Ç LF Ğ ğ CR Å å
    c('\u{0394}'), c('_'),        c('\u{03A6}'), c('\u{0393}'), c('\u{039B}'), c('\u{03A9}'), c('\u{03A0}'), c('\u{03A8}'), // 0x10: Δ _ Φ Γ Λ Ω Π Ψ
    c('\u{03A3}'), c('\u{0398}'), c('\u{039E}'), __,            c('\u{015E}'), c('\u{015F}'), c('\u{00DF}'), c('\u{00C9}'), // 0x18: Σ Θ Ξ - Ş ş ß É
    c(' '),        c('!'),        c('"'),        c('#'),        c('\u{00A4}'), c('%'),        c('&'),        c('\''),       // 0x20: SP ! " # ¤ % & '
    c('('),        c(')'),        c('*'),        c('+'),        c(','),        c('-'),        c('.'),        c('/'),        // 0x28: ( ) * + , - . /
    c('0'),        c('1'),        c('2'),        c('3'),        c('4'),        c('5'),        c('6'),        c('7'),        // 0x30: 0 1 2 3 4 5 6 7
    c('8'),        c('9'),        c(':'),        c(';'),        c('<'),        c('='),        c('>'),        c('?'),        // 0x38: 8 9 : ; < = > ?
    c('\u{0130}'), c('A'),        c('B'),        c('C'),        c('D'),        c('E'),        c('F'),        c('G'),        // 0x40: İ A B C D E F G
    c('H'),        c('I'),        c('J'),        c('K'),        c('L'),        c('M'),        c('N'),        c('O'),        // 0x48: H I J K L M N O
    c('P'),        c('Q'),        c('R'),        c('S'),        c('T'),        c('U'),        c('V'),        c('W'),        // 0x50: P Q R S T U V W
    c('X'),        c('Y'),        c('Z'),        c('\u{00C4}'), c('\u{00D6}'), c('\u{00D1}'), c('\u{00DC}'), c('\u{00A7}'), // 0x58: X Y Z Ä Ö Ñ Ü §
    c('\u{00E7}'), c('a'),        c('b'),        c('c'),        c('d'),        c('e'),        c('f'),        c('g'),        // 0x60: ç a b c d e f g
    c('h'),        c('i'),        c('j'),        c('k'),        c('l'),        c('m'),        c('n'),        c('o'),        // 0x68: h i j k l m n o
    c('p'),        c('q'),        c('r'),        c('s'),        c('t'),        c('u'),        c('v'),        c('w'),        // 0x70: p q r s t u v w
    c('x'),        c('y'),        c('z'),        c('\u{00E4}'), c('\u{00F6}'), c('\u{00F1}'), c('\u{00FC}'), c('\u{00E0}'), // 0x78: x y z ä ö ñ ü à
];

/// Turkish single shift table (TS 23.038 §A.2.1).
#[rustfmt::skip]
static TURKISH_SINGLE_SHIFT: [Option<char>; 128] = [
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x00: - - - - - - - -
    __,            __,            c('\u{000C}'), __,            __,            __,            __,            __,            // 0x08: - - FF - - - - -
    __,            __,            __,            __,            c('^'),        __,            __,            __,            // 0x10: - - - - ^ - - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x18: - - - - - - - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x20: - - - - - - - -
    c('{'),        c('}'),        __,            __,            __,            __,            __,            c('\\'),       // 0x28: { } - - - - - \
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x30: - - - - - - - -
    __,            __,            __,            __,            c('['),        c('~'),        c(']'),        __,            // 0x38: - - - - [ ~ ] -
    c('|'),        __,            __,            __,            __,            __,            __,            c('\u{011E}'), // 0x40: | - - - - - - Ğ
    __,            c('\u{0130}'), __,            __,            __,            __,            __,            __,            // 0x48: - İ - - - - - -
    __,            __,            __,            c('\u{015E}'), __,            __,            __,            __,            // 0x50: - - - Ş - - - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x58: - - - - - - - -
    __,            __,            __,            c('\u{00E7}'), __,            c('\u{20AC}'), __,            c('\u{011F}'), // 0x60: - - - ç - € - ğ
    __,            c('\u{0131}'), __,            __,            __,            __,            __,            __,            // 0x68: - ı - - - - - -
    __,            __,            __,            c('\u{015F}'), __,            __,            __,            __,            // 0x70: - - - ş - - - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x78: - - - - - - - -
];

/// Spanish single shift table (TS 23.038 §A.2.2).
#[rustfmt::skip]
static SPANISH_SINGLE_SHIFT: [Option<char>; 128] = [
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x00: - - - - - - - -
    __,            c('\u{00E7}'), c('\u{000C}'), __,            __,            __,            __,            __,            // 0x08: - ç FF - - - - -
    __,            __,            __,            __,            c('^'),        __,            __,            __,            // 0x10: - - - - ^ - - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x18: - - - - - - - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x20: - - - - - - - -
    c('{'),        c('}'),        __,            __,            __,            __,            __,            c('\\'),       // 0x28: { } - - - - - \
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x30: - - - - - - - -
    __,            __,            __,            __,            c('['),        c('~'),        c(']'),        __,            // 0x38: - - - - [ ~ ] -
    c('|'),        c('\u{00C1}'), __,            __,            __,            __,            __,            __,            // 0x40: | Á - - - - - -
    __,            c('\u{00CD}'), __,            __,            __,            __,            __,            c('\u{00D3}'), // 0x48: - Í - - - - - Ó
    __,            __,            __,            __,            __,            c('\u{00DA}'), __,            __,            // 0x50: - - - - - Ú - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x58: - - - - - - - -
    __,            c('\u{00E1}'), __,            __,            __,            c('\u{20AC}'), __,            __,            // 0x60: - á - - - € - -
    __,            c('\u{00ED}'), __,            __,            __,            __,            __,            c('\u{00F3}'), // 0x68: - í - - - - - ó
    __,            __,            __,            __,            __,            c('\u{00FA}'), __,            __,            // 0x70: - - - - - ú - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x78: - - - - - - - -
];

/// Portuguese locking shift table (TS 23.038 §A.3.3).
#[rustfmt::skip]
static PORTUGUESE_LOCKING: [Option<char>; 128] = [
    c('@'),        c('\u{00A3}'), c('$'),        c('\u{00A5}'), c('\u{00EA}'), c('\u{00E9}'), c('\u{00FA}'), c('\u{00ED}'), // 0x00: @ £ $ ¥ ê é ú í
    c('\u{00F3}'), c('\u{00E7}'), c('\n'),       c('\u{00D4}'), c('\u{00F4}'), c('\r'),       c('\u{00C1}'), c('\u{00E1}'), // 0x08: ó ç LF Ô ô CR Á á
    c('\u{0394}'), c('_'),        c('\u{00AA}'), c('\u{00C7}'), c('\u{00C0}'), c('\u{221E}'), c('^'),        c('\\'),       // 0x10: Δ _ ª Ç À ∞ ^ \
    c('\u{20AC}'), c('\u{00D3}'), c('|'),        __,            c('\u{00C2}'), c('\u{00E2}'), c('\u{00CA}'), c('\u{00C9}'), // 0x18: € Ó | - Â â Ê É
    c(' '),        c('!'),        c('"'),        c('#'),        c('\u{00BA}'), c('%'),        c('&'),        c('\''),       // 0x20: SP ! " # º % & '
    c('('),        c(')'),        c('*'),        c('+'),        c(','),        c('-'),        c('.'),        c('/'),        // 0x28: ( ) * + , - . /
    c('0'),        c('1'),        c('2'),        c('3'),        c('4'),        c('5'),        c('6'),        c('7'),        // 0x30: 0 1 2 3 4 5 6 7
    c('8'),        c('9'),        c(':'),        c(';'),        c('<'),        c('='),        c('>'),        c('?'),        // 0x38: 8 9 : ; < = > ?
    c('\u{00CD}'), c('A'),        c('B'),        c('C'),        c('D'),        c('E'),        c('F'),        c('G'),        // 0x40: Í A B C D E F G
    c('H'),        c('I'),        c('J'),        c('K'),        c('L'),        c('M'),        c('N'),        c('O'),        // 0x48: H I J K L M N O
    c('P'),        c('Q'),        c('R'),        c('S'),        c('T'),        c('U'),        c('V'),        c('W'),        // 0x50: P Q R S T U V W
    c('X'),        c('Y'),        c('Z'),        c('\u{00C3}'), c('\u{00D5}'), c('\u{00DA}'), c('\u{00DC}'), c('\u{00A7}'), // 0x58: X Y Z Ã Õ Ú Ü §
    c('~'),        c('a'),        c('b'),        c('c'),        c('d'),        c('e'),        c('f'),        c('g'),        // 0x60: ~ a b c d e f g
    c('h'),        c('i'),        c('j'),        c('k'),        c('l'),        c('m'),        c('n'),        c('o'),        // 0x68: h i j k l m n o
    c('p'),        c('q'),        c('r'),        c('s'),        c('t'),        c('u'),        c('v'),        c('w'),        // 0x70: p q r s t u v w
    c('x'),        c('y'),        c('z'),        c('\u{00E3}'), c('\u{00F5}'), c('`'),        c('\u{00FC}'), c('\u{00E0}'), // 0x78: x y z ã õ ` ü à
];

/// Portuguese single shift table (TS 23.038 §A.2.3).
#[rustfmt::skip]
static PORTUGUESE_SINGLE_SHIFT: [Option<char>; 128] = [
    __,            __,            __,            __,            __,            c('\u{00EA}'), __,            __,            // 0x00: - - - - - ê - -
    __,            c('\u{00E7}'), c('\u{000C}'), c('\u{00D4}'), c('\u{00F4}'), __,            c('\u{00C1}'), c('\u{00E1}'), // 0x08: - ç FF Ô ô - Á á
    __,            __,            c('\u{03A6}'), c('\u{0393}'), c('^'),        c('\u{03A9}'), c('\u{03A0}'), c('\u{03A8}'), // 0x10: - - Φ Γ ^ Ω Π Ψ
    c('\u{03A3}'), c('\u{0398}'), __,            __,            __,            __,            __,            c('\u{00CA}'), // 0x18: Σ Θ - - - - - Ê
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x20: - - - - - - - -
    c('{'),        c('}'),        __,            __,            __,            __,            __,            c('\\'),       // 0x28: { } - - - - - \
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x30: - - - - - - - -
    __,            __,            __,            __,            c('['),        c('~'),        c(']'),        __,            // 0x38: - - - - [ ~ ] -
    c('|'),        c('\u{00C0}'), __,            __,            __,            __,            __,            __,            // 0x40: | À - - - - - -
    __,            c('\u{00CD}'), __,            __,            __,            __,            __,            c('\u{00D3}'), // 0x48: - Í - - - - - Ó
    __,            __,            __,            __,            __,            c('\u{00DA}'), __,            __,            // 0x50: - - - - - Ú - -
    __,            __,            __,            c('\u{00C3}'), c('\u{00D5}'), __,            __,            __,            // 0x58: - - - Ã Õ - - -
    __,            c('\u{00C2}'), __,            __,            __,            c('\u{20AC}'), __,            __,            // 0x60: - Â - - - € - -
    __,            c('\u{00ED}'), __,            __,            __,            __,            __,            c('\u{00F3}'), // 0x68: - í - - - - - ó
    __,            __,            __,            __,            __,            c('\u{00FA}'), __,            __,            // 0x70: - - - - - ú - -
    __,            __,            __,            c('\u{00E3}'), c('\u{00F5}'), __,            __,            c('\u{00E2}'), // 0x78: - - - ã õ - - â
];

/// Bengali locking shift table (TS 23.038 §A.3.4).
#[rustfmt::skip]
static BENGALI_LOCKING: [Option<char>; 128] = [
    c('\u{0981}'), c('\u{0982}'), c('\u{0983}'), c('\u{0985}'), c('\u{0986}'), c('\u{0987}'), c('\u{0988}'), c('\u{0989}'), // 0x00: ◌ঁ ◌ং ◌ঃ অ আ ই ঈ উ
    c('\u{098A}'), c('\u{098B}'), c('\n'),       c('\u{098C}'), __,            c('\r'),       __,            c('\u{098F}'), // 0x08: ঊ ঋ LF ঌ - CR - এ
    c('\u{0990}'), __,            __,            c('\u{0993}'), c('\u{0994}'), c('\u{0995}'), c('\u{0996}'), c('\u{0997}'), // 0x10: ঐ - - ও ঔ ক খ গ
    c('\u{0998}'), c('\u{0999}'), c('\u{099A}'), __,            c('\u{099B}'), c('\u{099C}'), c('\u{099D}'), c('\u{099E}'), // 0x18: ঘ ঙ চ - ছ জ ঝ ঞ
    c(' '),        c('!'),        c('\u{099F}'), c('\u{09A0}'), c('\u{09A1}'), c('\u{09A2}'), c('\u{09A3}'), c('\u{09A4}'), // 0x20: SP ! ট ঠ ড ঢ ণ ত
    c(')'),        c('('),        c('\u{09A5}'), c('\u{09A6}'), c(','),        c('\u{09A7}'), c('.'),        c('\u{09A8}'), // 0x28: ) ( থ দ , ধ . ন
    c('0'),        c('1'),        c('2'),        c('3'),        c('4'),        c('5'),        c('6'),        c('7'),        // 0x30: 0 1 2 3 4 5 6 7
    c('8'),        c('9'),        c(':'),        c(';'),        __,            c('\u{09AA}'), c('\u{09AB}'), c('?'),        // 0x38: 8 9 : ; - প ফ ?
    c('\u{09AC}'), c('\u{09AD}'), c('\u{09AE}'), c('\u{09AF}'), c('\u{09B0}'), __,            c('\u{09B2}'), __,            // 0x40: ব ভ ম য র - ল -
    __,            __,            c('\u{09B6}'), c('\u{09B7}'), c('\u{09B8}'), c('\u{09B9}'), c('\u{09BC}'), c('\u{09BD}'), // 0x48: - - শ ষ স হ ◌় ঽ
    c('\u{09BE}'), c('\u{09BF}'), c('\u{09C0}'), c('\u{09C1}'), c('\u{09C2}'), c('\u{09C3}'), c('\u{09C4}'), __,            // 0x50: ◌া ◌ি ◌ী ◌ু ◌ূ ◌ৃ ◌ৄ -
    __,            c('\u{09C7}'), c('\u{09C8}'), __,            __,            c('\u{09CB}'), c('\u{09CC}'), c('\u{09CD}'), // 0x58: - ◌ে ◌ৈ - - ◌ো ◌ৌ ◌্
    c('\u{09CE}'), c('a'),        c('b'),        c('c'),        c('d'),        c('e'),        c('f'),        c('g'),        // 0x60: ৎ a b c d e f g
    c('h'),        c('i'),        c('j'),        c('k'),        c('l'),        c('m'),        c('n'),        c('o'),        // 0x68: h i j k l m n o
    c('p'),        c('q'),        c('r'),        c('s'),        c('t'),        c('u'),        c('v'),        c('w'),        // 0x70: p q r s t u v w
    c('x'),        c('y'),        c('z'),        c('\u{09D7}'), c('\u{09DC}'), c('\u{09DD}'), c('\u{09F0}'), c('\u{09F1}'), // 0x78: x y z ◌ৗ ড় ঢ় ৰ ৱ
];

/// Bengali single shift table (TS 23.038 §A.2.4).
#[rustfmt::skip]
static BENGALI_SINGLE_SHIFT: [Option<char>; 128] = [
    c('@'),        c('\u{00A3}'), c('$'),        c('\u{00A5}'), c('\u{00BF}'), c('"'),        c('\u{00A4}'), c('%'),        // 0x00: @ £ $ ¥ ¿ " ¤ %
    c('&'),        c('\''),       c('\u{000C}'), c('*'),        c('+'),        __,            c('-'),        c('/'),        // 0x08: & ' FF * + - - /
    c('<'),        c('='),        c('>'),        c('\u{00A1}'), c('^'),        c('\u{00A1}'), c('_'),        c('#'),        // 0x10: < = > ¡ ^ ¡ _ #
    // Digits: 0 and 1 at 0x19/0x1A, then the escape at 0x1B, then 2..9 from 0x1C.
    c('*'),        c('\u{09E6}'), c('\u{09E7}'), __,            c('\u{09E8}'), c('\u{09E9}'), c('\u{09EA}'), c('\u{09EB}'), // 0x18: * ০ ১ - ২ ৩ ৪ ৫
    c('\u{09EC}'), c('\u{09ED}'), c('\u{09EE}'), c('\u{09EF}'), c('\u{09DF}'), c('\u{09E0}'), c('\u{09E1}'), c('\u{09E2}'), // 0x20: ৬ ৭ ৮ ৯ য় ৠ ৡ ◌ৢ
    c('{'),        c('}'),        c('\u{09E3}'), c('\u{09F2}'), c('\u{09F3}'), c('\u{09F4}'), c('\u{09F5}'), c('\\'),       // 0x28: { } ◌ৣ ৲ ৳ ৴ ৵ \
    c('\u{09F6}'), c('\u{09F7}'), c('\u{09F8}'), c('\u{09F9}'), c('\u{09FA}'), __,            __,            __,            // 0x30: ৶ ৷ ৸ ৹ ৺ - - -
    __,            __,            __,            __,            c('['),        c('~'),        c(']'),        __,            // 0x38: - - - - [ ~ ] -
    c('|'),        c('A'),        c('B'),        c('C'),        c('D'),        c('E'),        c('F'),        c('G'),        // 0x40: | A B C D E F G
    c('H'),        c('I'),        c('J'),        c('K'),        c('L'),        c('M'),        c('N'),        c('O'),        // 0x48: H I J K L M N O
    c('P'),        c('Q'),        c('R'),        c('S'),        c('T'),        c('U'),        c('V'),        c('W'),        // 0x50: P Q R S T U V W
    c('X'),        c('Y'),        c('Z'),        __,            __,            __,            __,            __,            // 0x58: X Y Z - - - - -
    __,            __,            __,            __,            __,            c('\u{20AC}'), __,            __,            // 0x60: - - - - - € - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x68: - - - - - - - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x70: - - - - - - - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x78: - - - - - - - -
];

/// Gujarati locking shift table (TS 23.038 §A.3.5).
#[rustfmt::skip]
static GUJARATI_LOCKING: [Option<char>; 128] = [
    c('\u{0A81}'), c('\u{0A82}'), c('\u{0A83}'), c('\u{0A85}'), c('\u{0A86}'), c('\u{0A87}'), c('\u{0A88}'), c('\u{0A89}'), // 0x00: ◌ઁ ◌ં ◌ઃ અ આ ઇ ઈ ઉ
    c('\u{0A8A}'), c('\u{0A8B}'), c('\n'),       c('\u{0A8C}'), c('\u{0A8D}'), c('\r'),       __,            c('\u{0A8F}'), // 0x08: ઊ ઋ LF ઌ ઍ CR - એ
    c('\u{0A90}'), c('\u{0A91}'), __,            c('\u{0A93}'), c('\u{0A94}'), c('\u{0A95}'), c('\u{0A96}'), c('\u{0A97}'), // 0x10: ઐ ઑ - ઓ ઔ ક ખ ગ
    c('\u{0A98}'), c('\u{0A99}'), c('\u{0A9A}'), __,            c('\u{0A9B}'), c('\u{0A9C}'), c('\u{0A9D}'), c('\u{0A9E}'), // 0x18: ઘ ઙ ચ - છ જ ઝ ઞ
    c(' '),        c('!'),        c('\u{0A9F}'), c('\u{0AA0}'), c('\u{0AA1}'), c('\u{0AA2}'), c('\u{0AA3}'), c('\u{0AA4}'), // 0x20: SP ! ટ ઠ ડ ઢ ણ ત
    c(')'),        c('('),        c('\u{0AA5}'), c('\u{0AA6}'), c(','),        c('\u{0AA7}'), c('.'),        c('\u{0AA8}'), // 0x28: ) ( થ દ , ધ . ન
    c('0'),        c('1'),        c('2'),        c('3'),        c('4'),        c('5'),        c('6'),        c('7'),        // 0x30: 0 1 2 3 4 5 6 7
    c('8'),        c('9'),        c(':'),        c(';'),        __,            c('\u{0AAA}'), c('\u{0AAB}'), c('?'),        // 0x38: 8 9 : ; - પ ફ ?
    c('\u{0AAC}'), c('\u{0AAD}'), c('\u{0AAE}'), c('\u{0AAF}'), c('\u{0AB0}'), __,            c('\u{0AB2}'), c('\u{0AB3}'), // 0x40: બ ભ મ ય ર - લ ળ
    __,            c('\u{0AB5}'), c('\u{0AB6}'), c('\u{0AB7}'), c('\u{0AB8}'), c('\u{0AB9}'), c('\u{0ABC}'), c('\u{0ABD}'), // 0x48: - વ શ ષ સ હ ◌઼ ઽ
    c('\u{0ABE}'), c('\u{0ABF}'), c('\u{0AC0}'), c('\u{0AC1}'), c('\u{0AC2}'), c('\u{0AC3}'), c('\u{0AC4}'), c('\u{0AC5}'), // 0x50: ◌ા ◌િ ◌ી ◌ુ ◌ૂ ◌ૃ ◌ૄ ◌ૅ
    __,            c('\u{0AC7}'), c('\u{0AC8}'), c('\u{0AC9}'), __,            c('\u{0ACB}'), c('\u{0ACC}'), c('\u{0ACD}'), // 0x58: - ◌ે ◌ૈ ◌ૉ - ◌ો ◌ૌ ◌્
    c('\u{0AD0}'), c('a'),        c('b'),        c('c'),        c('d'),        c('e'),        c('f'),        c('g'),        // 0x60: ૐ a b c d e f g
    c('h'),        c('i'),        c('j'),        c('k'),        c('l'),        c('m'),        c('n'),        c('o'),        // 0x68: h i j k l m n o
    c('p'),        c('q'),        c('r'),        c('s'),        c('t'),        c('u'),        c('v'),        c('w'),        // 0x70: p q r s t u v w
    c('x'),        c('y'),        c('z'),        c('\u{0AE0}'), c('\u{0AE1}'), c('\u{0AE2}'), c('\u{0AE3}'), c('\u{0AF1}'), // 0x78: x y z ૠ ૡ ◌ૢ ◌ૣ ૱
];

/// Gujarati single shift table (TS 23.038 §A.2.5).
#[rustfmt::skip]
static GUJARATI_SINGLE_SHIFT: [Option<char>; 128] = [
    c('@'),        c('\u{00A3}'), c('$'),        c('\u{00A5}'), c('\u{00BF}'), c('"'),        c('\u{00A4}'), c('%'),        // 0x00: @ £ $ ¥ ¿ " ¤ %
    c('&'),        c('\''),       c('\u{000C}'), c('*'),        c('+'),        __,            c('-'),        c('/'),        // 0x08: & ' FF * + - - /
    c('<'),        c('='),        c('>'),        c('\u{00A1}'), c('^'),        c('\u{00A1}'), c('_'),        c('#'),        // 0x10: < = > ¡ ^ ¡ _ #
    c('*'),        c('\u{0964}'), c('\u{0965}'), __,            c('\u{0AE6}'), c('\u{0AE7}'), c('\u{0AE8}'), c('\u{0AE9}'), // 0x18: * । ॥ - ૦ ૧ ૨ ૩
    c('\u{0AEA}'), c('\u{0AEB}'), c('\u{0AEC}'), c('\u{0AED}'), c('\u{0AEE}'), c('\u{0AEF}'), __,            __,            // 0x20: ૪ ૫ ૬ ૭ ૮ ૯ - -
    c('{'),        c('}'),        __,            __,            __,            __,            __,            c('\\'),       // 0x28: { } - - - - - \
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x30: - - - - - - - -
    __,            __,            __,            __,            c('['),        c('~'),        c(']'),        __,            // 0x38: - - - - [ ~ ] -
    c('|'),        c('A'),        c('B'),        c('C'),        c('D'),        c('E'),        c('F'),        c('G'),        // 0x40: | A B C D E F G
    c('H'),        c('I'),        c('J'),        c('K'),        c('L'),        c('M'),        c('N'),        c('O'),        // 0x48: H I J K L M N O
    c('P'),        c('Q'),        c('R'),        c('S'),        c('T'),        c('U'),        c('V'),        c('W'),        // 0x50: P Q R S T U V W
    c('X'),        c('Y'),        c('Z'),        __,            __,            __,            __,            __,            // 0x58: X Y Z - - - - -
    __,            __,            __,            __,            __,            c('\u{20AC}'), __,            __,            // 0x60: - - - - - € - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x68: - - - - - - - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x70: - - - - - - - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x78: - - - - - - - -
];

/// Hindi locking shift table (TS 23.038 §A.3.6).
#[rustfmt::skip]
static HINDI_LOCKING: [Option<char>; 128] = [
    c('\u{0901}'), c('\u{0902}'), c('\u{0903}'), c('\u{0905}'), c('\u{0906}'), c('\u{0907}'), c('\u{0908}'), c('\u{0909}'), // 0x00: ◌ँ ◌ं ◌ः अ आ इ ई उ
    c('\u{090A}'), c('\u{090B}'), c('\n'),       c('\u{090C}'), c('\u{090D}'), c('\r'),       c('\u{090E}'), c('\u{090F}'), // 0x08: ऊ ऋ LF ऌ ऍ CR ऎ ए
    c('\u{0910}'), c('\u{0911}'), c('\u{0912}'), c('\u{0913}'), c('\u{0914}'), c('\u{0915}'), c('\u{0916}'), c('\u{0917}'), // 0x10: ऐ ऑ ऒ ओ औ क ख ग
    c('\u{0918}'), c('\u{0919}'), c('\u{091A}'), __,            c('\u{091B}'), c('\u{091C}'), c('\u{091D}'), c('\u{091E}'), // 0x18: घ ङ च - छ ज झ ञ
    c(' '),        c('!'),        c('\u{091F}'), c('\u{0920}'), c('\u{0921}'), c('\u{0922}'), c('\u{0923}'), c('\u{0924}'), // 0x20: SP ! ट ठ ड ढ ण त
    c(')'),        c('('),        c('\u{0925}'), c('\u{0926}'), c(','),        c('\u{0927}'), c('.'),        c('\u{0928}'), // 0x28: ) ( थ द , ध . न
    c('0'),        c('1'),        c('2'),        c('3'),        c('4'),        c('5'),        c('6'),        c('7'),        // 0x30: 0 1 2 3 4 5 6 7
    c('8'),        c('9'),        c(':'),        c(';'),        c('\u{0929}'), c('\u{092A}'), c('\u{092B}'), c('?'),        // 0x38: 8 9 : ; ऩ प फ ?
    c('\u{092C}'), c('\u{092D}'), c('\u{092E}'), c('\u{092F}'), c('\u{0930}'), c('\u{0931}'), c('\u{0932}'), c('\u{0933}'), // 0x40: ब भ म य र ऱ ल ळ
    c('\u{0934}'), c('\u{0935}'), c('\u{0936}'), c('\u{0937}'), c('\u{0938}'), c('\u{0939}'), c('\u{093C}'), c('\u{093D}'), // 0x48: ऴ व श ष स ह ◌़ ऽ
    c('\u{093E}'), c('\u{093F}'), c('\u{0940}'), c('\u{0941}'), c('\u{0942}'), c('\u{0943}'), c('\u{0944}'), c('\u{0945}'), // 0x50: ◌ा ◌ि ◌ी ◌ु ◌ू ◌ृ ◌ॄ ◌ॅ
    c('\u{0946}'), c('\u{0947}'), c('\u{0948}'), c('\u{0949}'), c('\u{094A}'), c('\u{094B}'), c('\u{094C}'), c('\u{094D}'), // 0x58: ◌ॆ ◌े ◌ै ◌ॉ ◌ॊ ◌ो ◌ौ ◌्
    c('\u{0950}'), c('a'),        c('b'),        c('c'),        c('d'),        c('e'),        c('f'),        c('g'),        // 0x60: ॐ a b c d e f g
    c('h'),        c('i'),        c('j'),        c('k'),        c('l'),        c('m'),        c('n'),        c('o'),        // 0x68: h i j k l m n o
    c('p'),        c('q'),        c('r'),        c('s'),        c('t'),        c('u'),        c('v'),        c('w'),        // 0x70: p q r s t u v w
    c('x'),        c('y'),        c('z'),        c('\u{0972}'), c('\u{097B}'), c('\u{097C}'), c('\u{097E}'), c('\u{097F}'), // 0x78: x y z ॲ ॻ ॼ ॾ ॿ
];

/// Hindi single shift table (TS 23.038 §A.2.6).
#[rustfmt::skip]
static HINDI_SINGLE_SHIFT: [Option<char>; 128] = [
    c('@'),        c('\u{00A3}'), c('$'),        c('\u{00A5}'), c('\u{00BF}'), c('"'),        c('\u{00A4}'), c('%'),        // 0x00: @ £ $ ¥ ¿ " ¤ %
    c('&'),        c('\''),       c('\u{000C}'), c('*'),        c('+'),        __,            c('-'),        c('/'),        // 0x08: & ' FF * + - - /
    c('<'),        c('='),        c('>'),        c('\u{00A1}'), c('^'),        c('\u{00A1}'), c('_'),        c('#'),        // 0x10: < = > ¡ ^ ¡ _ #
    c('*'),        c('\u{0964}'), c('\u{0965}'), __,            c('\u{0966}'), c('\u{0967}'), c('\u{0968}'), c('\u{0969}'), // 0x18: * । ॥ - ० १ २ ३
    // 0x26 is U+0951 (udatta), 0x27 U+0952 (anudatta); normalised copies swap them.
    c('\u{096A}'), c('\u{096B}'), c('\u{096C}'), c('\u{096D}'), c('\u{096E}'), c('\u{096F}'), c('\u{0951}'), c('\u{0952}'), // 0x20: ४ ५ ६ ७ ८ ९ ◌॑ ◌॒
    c('{'),        c('}'),        c('\u{0953}'), c('\u{0954}'), c('\u{0958}'), c('\u{0959}'), c('\u{095A}'), c('\\'),       // 0x28: { } ◌॓ ◌॔ क़ ख़ ग़ \
    c('\u{095B}'), c('\u{095C}'), c('\u{095D}'), c('\u{095E}'), c('\u{095F}'), c('\u{0960}'), c('\u{0961}'), c('\u{0962}'), // 0x30: ज़ ड़ ढ़ फ़ य़ ॠ ॡ ◌ॢ
    c('\u{0963}'), c('\u{0970}'), c('\u{0971}'), __,            c('['),        c('~'),        c(']'),        __,            // 0x38: ◌ॣ ॰ ॱ - [ ~ ] -
    c('|'),        c('A'),        c('B'),        c('C'),        c('D'),        c('E'),        c('F'),        c('G'),        // 0x40: | A B C D E F G
    c('H'),        c('I'),        c('J'),        c('K'),        c('L'),        c('M'),        c('N'),        c('O'),        // 0x48: H I J K L M N O
    c('P'),        c('Q'),        c('R'),        c('S'),        c('T'),        c('U'),        c('V'),        c('W'),        // 0x50: P Q R S T U V W
    c('X'),        c('Y'),        c('Z'),        __,            __,            __,            __,            __,            // 0x58: X Y Z - - - - -
    __,            __,            __,            __,            __,            c('\u{20AC}'), __,            __,            // 0x60: - - - - - € - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x68: - - - - - - - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x70: - - - - - - - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x78: - - - - - - - -
];

/// Kannada locking shift table (TS 23.038 §A.3.7).
#[rustfmt::skip]
static KANNADA_LOCKING: [Option<char>; 128] = [
    __,            c('\u{0C82}'), c('\u{0C83}'), c('\u{0C85}'), c('\u{0C86}'), c('\u{0C87}'), c('\u{0C88}'), c('\u{0C89}'), // 0x00: - ◌ಂ ◌ಃ ಅ ಆ ಇ ಈ ಉ
    c('\u{0C8A}'), c('\u{0C8B}'), c('\n'),       c('\u{0C8C}'), __,            c('\r'),       c('\u{0C8E}'), c('\u{0C8F}'), // 0x08: ಊ ಋ LF ಌ - CR ಎ ಏ
    c('\u{0C90}'), __,            c('\u{0C92}'), c('\u{0C93}'), c('\u{0C94}'), c('\u{0C95}'), c('\u{0C96}'), c('\u{0C97}'), // 0x10: ಐ - ಒ ಓ ಔ ಕ ಖ ಗ
    c('\u{0C98}'), c('\u{0C99}'), c('\u{0C9A}'), __,            c('\u{0C9B}'), c('\u{0C9C}'), c('\u{0C9D}'), c('\u{0C9E}'), // 0x18: ಘ ಙ ಚ - ಛ ಜ ಝ ಞ
    // 0x24: the spec prints U+0CAA (PA, again at 0x3D); DDA as Android and others send it.
    c(' '),        c('!'),        c('\u{0C9F}'), c('\u{0CA0}'), c('\u{0CA1}'), c('\u{0CA2}'), c('\u{0CA3}'), c('\u{0CA4}'), // 0x20: SP ! ಟ ಠ ಡ ಢ ಣ ತ
    c(')'),        c('('),        c('\u{0CA5}'), c('\u{0CA6}'), c(','),        c('\u{0CA7}'), c('.'),        c('\u{0CA8}'), // 0x28: ) ( ಥ ದ , ಧ . ನ
    c('0'),        c('1'),        c('2'),        c('3'),        c('4'),        c('5'),        c('6'),        c('7'),        // 0x30: 0 1 2 3 4 5 6 7
    c('8'),        c('9'),        c(':'),        c(';'),        __,            c('\u{0CAA}'), c('\u{0CAB}'), c('?'),        // 0x38: 8 9 : ; - ಪ ಫ ?
    c('\u{0CAC}'), c('\u{0CAD}'), c('\u{0CAE}'), c('\u{0CAF}'), c('\u{0CB0}'), c('\u{0CB1}'), c('\u{0CB2}'), c('\u{0CB3}'), // 0x40: ಬ ಭ ಮ ಯ ರ ಱ ಲ ಳ
    __,            c('\u{0CB5}'), c('\u{0CB6}'), c('\u{0CB7}'), c('\u{0CB8}'), c('\u{0CB9}'), c('\u{0CBC}'), c('\u{0CBD}'), // 0x48: - ವ ಶ ಷ ಸ ಹ ◌಼ ಽ
    c('\u{0CBE}'), c('\u{0CBF}'), c('\u{0CC0}'), c('\u{0CC1}'), c('\u{0CC2}'), c('\u{0CC3}'), c('\u{0CC4}'), __,            // 0x50: ◌ಾ ◌ಿ ◌ೀ ◌ು ◌ೂ ◌ೃ ◌ೄ -
    c('\u{0CC6}'), c('\u{0CC7}'), c('\u{0CC8}'), __,            c('\u{0CCA}'), c('\u{0CCB}'), c('\u{0CCC}'), c('\u{0CCD}'), // 0x58: ◌ೆ ◌ೇ ◌ೈ - ◌ೊ ◌ೋ ◌ೌ ◌್
    c('\u{0CD5}'), c('a'),        c('b'),        c('c'),        c('d'),        c('e'),        c('f'),        c('g'),        // 0x60: ◌ೕ a b c d e f g
    c('h'),        c('i'),        c('j'),        c('k'),        c('l'),        c('m'),        c('n'),        c('o'),        // 0x68: h i j k l m n o
    c('p'),        c('q'),        c('r'),        c('s'),        c('t'),        c('u'),        c('v'),        c('w'),        // 0x70: p q r s t u v w
    c('x'),        c('y'),        c('z'),        c('\u{0CD6}'), c('\u{0CE0}'), c('\u{0CE1}'), c('\u{0CE2}'), c('\u{0CE3}'), // 0x78: x y z ◌ೖ ೠ ೡ ◌ೢ ◌ೣ
];

/// Kannada single shift table (TS 23.038 §A.2.7).
#[rustfmt::skip]
static KANNADA_SINGLE_SHIFT: [Option<char>; 128] = [
    c('@'),        c('\u{00A3}'), c('$'),        c('\u{00A5}'), c('\u{00BF}'), c('"'),        c('\u{00A4}'), c('%'),        // 0x00: @ £ $ ¥ ¿ " ¤ %
    c('&'),        c('\''),       c('\u{000C}'), c('*'),        c('+'),        __,            c('-'),        c('/'),        // 0x08: & ' FF * + - - /
    c('<'),        c('='),        c('>'),        c('\u{00A1}'), c('^'),        c('\u{00A1}'), c('_'),        c('#'),        // 0x10: < = > ¡ ^ ¡ _ #
    c('*'),        c('\u{0964}'), c('\u{0965}'), __,            c('\u{0CE6}'), c('\u{0CE7}'), c('\u{0CE8}'), c('\u{0CE9}'), // 0x18: * । ॥ - ೦ ೧ ೨ ೩
    c('\u{0CEA}'), c('\u{0CEB}'), c('\u{0CEC}'), c('\u{0CED}'), c('\u{0CEE}'), c('\u{0CEF}'), c('\u{0CDE}'), c('\u{0CF1}'), // 0x20: ೪ ೫ ೬ ೭ ೮ ೯ ೞ ೱ
    c('{'),        c('}'),        c('\u{0CF2}'), __,            __,            __,            __,            c('\\'),       // 0x28: { } ೲ - - - - \
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x30: - - - - - - - -
    __,            __,            __,            __,            c('['),        c('~'),        c(']'),        __,            // 0x38: - - - - [ ~ ] -
    c('|'),        c('A'),        c('B'),        c('C'),        c('D'),        c('E'),        c('F'),        c('G'),        // 0x40: | A B C D E F G
    c('H'),        c('I'),        c('J'),        c('K'),        c('L'),        c('M'),        c('N'),        c('O'),        // 0x48: H I J K L M N O
    c('P'),        c('Q'),        c('R'),        c('S'),        c('T'),        c('U'),        c('V'),        c('W'),        // 0x50: P Q R S T U V W
    c('X'),        c('Y'),        c('Z'),        __,            __,            __,            __,            __,            // 0x58: X Y Z - - - - -
    __,            __,            __,            __,            __,            c('\u{20AC}'), __,            __,            // 0x60: - - - - - € - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x68: - - - - - - - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x70: - - - - - - - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x78: - - - - - - - -
];

/// Malayalam locking shift table (TS 23.038 §A.3.8).
#[rustfmt::skip]
static MALAYALAM_LOCKING: [Option<char>; 128] = [
    __,            c('\u{0D02}'), c('\u{0D03}'), c('\u{0D05}'), c('\u{0D06}'), c('\u{0D07}'), c('\u{0D08}'), c('\u{0D09}'), // 0x00: - ◌ം ◌ഃ അ ആ ഇ ഈ ഉ
    c('\u{0D0A}'), c('\u{0D0B}'), c('\n'),       c('\u{0D0C}'), __,            c('\r'),       c('\u{0D0E}'), c('\u{0D0F}'), // 0x08: ഊ ഋ LF ഌ - CR എ ഏ
    c('\u{0D10}'), __,            c('\u{0D12}'), c('\u{0D13}'), c('\u{0D14}'), c('\u{0D15}'), c('\u{0D16}'), c('\u{0D17}'), // 0x10: ഐ - ഒ ഓ ഔ ക ഖ ഗ
    c('\u{0D18}'), c('\u{0D19}'), c('\u{0D1A}'), __,            c('\u{0D1B}'), c('\u{0D1C}'), c('\u{0D1D}'), c('\u{0D1E}'), // 0x18: ഘ ങ ച - ഛ ജ ഝ ഞ
    c(' '),        c('!'),        c('\u{0D1F}'), c('\u{0D20}'), c('\u{0D21}'), c('\u{0D22}'), c('\u{0D23}'), c('\u{0D24}'), // 0x20: SP ! ട ഠ ഡ ഢ ണ ത
    c(')'),        c('('),        c('\u{0D25}'), c('\u{0D26}'), c(','),        c('\u{0D27}'), c('.'),        c('\u{0D28}'), // 0x28: ) ( ഥ ദ , ധ . ന
    c('0'),        c('1'),        c('2'),        c('3'),        c('4'),        c('5'),        c('6'),        c('7'),        // 0x30: 0 1 2 3 4 5 6 7
    c('8'),        c('9'),        c(':'),        c(';'),        __,            c('\u{0D2A}'), c('\u{0D2B}'), c('?'),        // 0x38: 8 9 : ; - പ ഫ ?
    c('\u{0D2C}'), c('\u{0D2D}'), c('\u{0D2E}'), c('\u{0D2F}'), c('\u{0D30}'), c('\u{0D31}'), c('\u{0D32}'), c('\u{0D33}'), // 0x40: ബ ഭ മ യ ര റ ല ള
    c('\u{0D34}'), c('\u{0D35}'), c('\u{0D36}'), c('\u{0D37}'), c('\u{0D38}'), c('\u{0D39}'), __,            c('\u{0D3D}'), // 0x48: ഴ വ ശ ഷ സ ഹ - ഽ
    c('\u{0D3E}'), c('\u{0D3F}'), c('\u{0D40}'), c('\u{0D41}'), c('\u{0D42}'), c('\u{0D43}'), c('\u{0D44}'), __,            // 0x50: ◌ാ ◌ി ◌ീ ◌ു ◌ൂ ◌ൃ ◌ൄ -
    c('\u{0D46}'), c('\u{0D47}'), c('\u{0D48}'), __,            c('\u{0D4A}'), c('\u{0D4B}'), c('\u{0D4C}'), c('\u{0D4D}'), // 0x58: ◌െ ◌േ ◌ൈ - ◌ൊ ◌ോ ◌ൌ ◌്
    c('\u{0D57}'), c('a'),        c('b'),        c('c'),        c('d'),        c('e'),        c('f'),        c('g'),        // 0x60: ◌ൗ a b c d e f g
    c('h'),        c('i'),        c('j'),        c('k'),        c('l'),        c('m'),        c('n'),        c('o'),        // 0x68: h i j k l m n o
    c('p'),        c('q'),        c('r'),        c('s'),        c('t'),        c('u'),        c('v'),        c('w'),        // 0x70: p q r s t u v w
    c('x'),        c('y'),        c('z'),        c('\u{0D60}'), c('\u{0D61}'), c('\u{0D62}'), c('\u{0D63}'), c('\u{0D79}'), // 0x78: x y z ൠ ൡ ◌ൢ ◌ൣ ൹
];

/// Malayalam single shift table (TS 23.038 §A.2.8).
#[rustfmt::skip]
static MALAYALAM_SINGLE_SHIFT: [Option<char>; 128] = [
    c('@'),        c('\u{00A3}'), c('$'),        c('\u{00A5}'), c('\u{00BF}'), c('"'),        c('\u{00A4}'), c('%'),        // 0x00: @ £ $ ¥ ¿ " ¤ %
    c('&'),        c('\''),       c('\u{000C}'), c('*'),        c('+'),        __,            c('-'),        c('/'),        // 0x08: & ' FF * + - - /
    c('<'),        c('='),        c('>'),        c('\u{00A1}'), c('^'),        c('\u{00A1}'), c('_'),        c('#'),        // 0x10: < = > ¡ ^ ¡ _ #
    c('*'),        c('\u{0964}'), c('\u{0965}'), __,            c('\u{0D66}'), c('\u{0D67}'), c('\u{0D68}'), c('\u{0D69}'), // 0x18: * । ॥ - ൦ ൧ ൨ ൩
    c('\u{0D6A}'), c('\u{0D6B}'), c('\u{0D6C}'), c('\u{0D6D}'), c('\u{0D6E}'), c('\u{0D6F}'), c('\u{0D70}'), c('\u{0D71}'), // 0x20: ൪ ൫ ൬ ൭ ൮ ൯ ൰ ൱
    c('{'),        c('}'),        c('\u{0D72}'), c('\u{0D73}'), c('\u{0D74}'), c('\u{0D75}'), c('\u{0D7A}'), c('\\'),       // 0x28: { } ൲ ൳ ൴ ൵ ൺ \
    c('\u{0D7B}'), c('\u{0D7C}'), c('\u{0D7D}'), c('\u{0D7E}'), c('\u{0D7F}'), __,            __,            __,            // 0x30: ൻ ർ ൽ ൾ ൿ - - -
    __,            __,            __,            __,            c('['),        c('~'),        c(']'),        __,            // 0x38: - - - - [ ~ ] -
    c('|'),        c('A'),        c('B'),        c('C'),        c('D'),        c('E'),        c('F'),        c('G'),        // 0x40: | A B C D E F G
    c('H'),        c('I'),        c('J'),        c('K'),        c('L'),        c('M'),        c('N'),        c('O'),        // 0x48: H I J K L M N O
    c('P'),        c('Q'),        c('R'),        c('S'),        c('T'),        c('U'),        c('V'),        c('W'),        // 0x50: P Q R S T U V W
    c('X'),        c('Y'),        c('Z'),        __,            __,            __,            __,            __,            // 0x58: X Y Z - - - - -
    __,            __,            __,            __,            __,            c('\u{20AC}'), __,            __,            // 0x60: - - - - - € - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x68: - - - - - - - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x70: - - - - - - - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x78: - - - - - - - -
];

/// Oriya locking shift table (TS 23.038 §A.3.9).
#[rustfmt::skip]
static ORIYA_LOCKING: [Option<char>; 128] = [
    c('\u{0B01}'), c('\u{0B02}'), c('\u{0B03}'), c('\u{0B05}'), c('\u{0B06}'), c('\u{0B07}'), c('\u{0B08}'), c('\u{0B09}'), // 0x00: ◌ଁ ◌ଂ ◌ଃ ଅ ଆ ଇ ଈ ଉ
    c('\u{0B0A}'), c('\u{0B0B}'), c('\n'),       c('\u{0B0C}'), __,            c('\r'),       __,            c('\u{0B0F}'), // 0x08: ଊ ଋ LF ଌ - CR - ଏ
    c('\u{0B10}'), __,            __,            c('\u{0B13}'), c('\u{0B14}'), c('\u{0B15}'), c('\u{0B16}'), c('\u{0B17}'), // 0x10: ଐ - - ଓ ଔ କ ଖ ଗ
    c('\u{0B18}'), c('\u{0B19}'), c('\u{0B1A}'), __,            c('\u{0B1B}'), c('\u{0B1C}'), c('\u{0B1D}'), c('\u{0B1E}'), // 0x18: ଘ ଙ ଚ - ଛ ଜ ଝ ଞ
    c(' '),        c('!'),        c('\u{0B1F}'), c('\u{0B20}'), c('\u{0B21}'), c('\u{0B22}'), c('\u{0B23}'), c('\u{0B24}'), // 0x20: SP ! ଟ ଠ ଡ ଢ ଣ ତ
    c(')'),        c('('),        c('\u{0B25}'), c('\u{0B26}'), c(','),        c('\u{0B27}'), c('.'),        c('\u{0B28}'), // 0x28: ) ( ଥ ଦ , ଧ . ନ
    c('0'),        c('1'),        c('2'),        c('3'),        c('4'),        c('5'),        c('6'),        c('7'),        // 0x30: 0 1 2 3 4 5 6 7
    c('8'),        c('9'),        c(':'),        c(';'),        __,            c('\u{0B2A}'), c('\u{0B2B}'), c('?'),        // 0x38: 8 9 : ; - ପ ଫ ?
    c('\u{0B2C}'), c('\u{0B2D}'), c('\u{0B2E}'), c('\u{0B2F}'), c('\u{0B30}'), __,            c('\u{0B32}'), c('\u{0B33}'), // 0x40: ବ ଭ ମ ଯ ର - ଲ ଳ
    __,            c('\u{0B35}'), c('\u{0B36}'), c('\u{0B37}'), c('\u{0B38}'), c('\u{0B39}'), c('\u{0B3C}'), c('\u{0B3D}'), // 0x48: - ଵ ଶ ଷ ସ ହ ◌଼ ଽ
    c('\u{0B3E}'), c('\u{0B3F}'), c('\u{0B40}'), c('\u{0B41}'), c('\u{0B42}'), c('\u{0B43}'), c('\u{0B44}'), __,            // 0x50: ◌ା ◌ି ◌ୀ ◌ୁ ◌ୂ ◌ୃ ◌ୄ -
    __,            c('\u{0B47}'), c('\u{0B48}'), __,            __,            c('\u{0B4B}'), c('\u{0B4C}'), c('\u{0B4D}'), // 0x58: - ◌େ ◌ୈ - - ◌ୋ ◌ୌ ◌୍
    c('\u{0B56}'), c('a'),        c('b'),        c('c'),        c('d'),        c('e'),        c('f'),        c('g'),        // 0x60: ◌ୖ a b c d e f g
    c('h'),        c('i'),        c('j'),        c('k'),        c('l'),        c('m'),        c('n'),        c('o'),        // 0x68: h i j k l m n o
    c('p'),        c('q'),        c('r'),        c('s'),        c('t'),        c('u'),        c('v'),        c('w'),        // 0x70: p q r s t u v w
    c('x'),        c('y'),        c('z'),        c('\u{0B57}'), c('\u{0B60}'), c('\u{0B61}'), c('\u{0B62}'), c('\u{0B63}'), // 0x78: x y z ◌ୗ ୠ ୡ ◌ୢ ◌ୣ
];

/// Oriya single shift table (TS 23.038 §A.2.9).
#[rustfmt::skip]
static ORIYA_SINGLE_SHIFT: [Option<char>; 128] = [
    c('@'),        c('\u{00A3}'), c('$'),        c('\u{00A5}'), c('\u{00BF}'), c('"'),        c('\u{00A4}'), c('%'),        // 0x00: @ £ $ ¥ ¿ " ¤ %
    c('&'),        c('\''),       c('\u{000C}'), c('*'),        c('+'),        __,            c('-'),        c('/'),        // 0x08: & ' FF * + - - /
    c('<'),        c('='),        c('>'),        c('\u{00A1}'), c('^'),        c('\u{00A1}'), c('_'),        c('#'),        // 0x10: < = > ¡ ^ ¡ _ #
    c('*'),        c('\u{0964}'), c('\u{0965}'), __,            c('\u{0B66}'), c('\u{0B67}'), c('\u{0B68}'), c('\u{0B69}'), // 0x18: * । ॥ - ୦ ୧ ୨ ୩
    c('\u{0B6A}'), c('\u{0B6B}'), c('\u{0B6C}'), c('\u{0B6D}'), c('\u{0B6E}'), c('\u{0B6F}'), c('\u{0B5C}'), c('\u{0B5D}'), // 0x20: ୪ ୫ ୬ ୭ ୮ ୯ ଡ଼ ଢ଼
    c('{'),        c('}'),        c('\u{0B5F}'), c('\u{0B70}'), c('\u{0B71}'), __,            __,            c('\\'),       // 0x28: { } ୟ ୰ ୱ - - \
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x30: - - - - - - - -
    __,            __,            __,            __,            c('['),        c('~'),        c(']'),        __,            // 0x38: - - - - [ ~ ] -
    c('|'),        c('A'),        c('B'),        c('C'),        c('D'),        c('E'),        c('F'),        c('G'),        // 0x40: | A B C D E F G
    c('H'),        c('I'),        c('J'),        c('K'),        c('L'),        c('M'),        c('N'),        c('O'),        // 0x48: H I J K L M N O
    c('P'),        c('Q'),        c('R'),        c('S'),        c('T'),        c('U'),        c('V'),        c('W'),        // 0x50: P Q R S T U V W
    c('X'),        c('Y'),        c('Z'),        __,            __,            __,            __,            __,            // 0x58: X Y Z - - - - -
    __,            __,            __,            __,            __,            c('\u{20AC}'), __,            __,            // 0x60: - - - - - € - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x68: - - - - - - - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x70: - - - - - - - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x78: - - - - - - - -
];

/// Punjabi locking shift table (TS 23.038 §A.3.10).
#[rustfmt::skip]
static PUNJABI_LOCKING: [Option<char>; 128] = [
    c('\u{0A01}'), c('\u{0A02}'), c('\u{0A03}'), c('\u{0A05}'), c('\u{0A06}'), c('\u{0A07}'), c('\u{0A08}'), c('\u{0A09}'), // 0x00: ◌ਁ ◌ਂ ◌ਃ ਅ ਆ ਇ ਈ ਉ
    c('\u{0A0A}'), __,            c('\n'),       __,            __,            c('\r'),       __,            c('\u{0A0F}'), // 0x08: ਊ - LF - - CR - ਏ
    c('\u{0A10}'), __,            __,            c('\u{0A13}'), c('\u{0A14}'), c('\u{0A15}'), c('\u{0A16}'), c('\u{0A17}'), // 0x10: ਐ - - ਓ ਔ ਕ ਖ ਗ
    c('\u{0A18}'), c('\u{0A19}'), c('\u{0A1A}'), __,            c('\u{0A1B}'), c('\u{0A1C}'), c('\u{0A1D}'), c('\u{0A1E}'), // 0x18: ਘ ਙ ਚ - ਛ ਜ ਝ ਞ
    c(' '),        c('!'),        c('\u{0A1F}'), c('\u{0A20}'), c('\u{0A21}'), c('\u{0A22}'), c('\u{0A23}'), c('\u{0A24}'), // 0x20: SP ! ਟ ਠ ਡ ਢ ਣ ਤ
    c(')'),        c('('),        c('\u{0A25}'), c('\u{0A26}'), c(','),        c('\u{0A27}'), c('.'),        c('\u{0A28}'), // 0x28: ) ( ਥ ਦ , ਧ . ਨ
    c('0'),        c('1'),        c('2'),        c('3'),        c('4'),        c('5'),        c('6'),        c('7'),        // 0x30: 0 1 2 3 4 5 6 7
    c('8'),        c('9'),        c(':'),        c(';'),        __,            c('\u{0A2A}'), c('\u{0A2B}'), c('?'),        // 0x38: 8 9 : ; - ਪ ਫ ?
    c('\u{0A2C}'), c('\u{0A2D}'), c('\u{0A2E}'), c('\u{0A2F}'), c('\u{0A30}'), __,            c('\u{0A32}'), c('\u{0A33}'), // 0x40: ਬ ਭ ਮ ਯ ਰ - ਲ ਲ਼
    __,            c('\u{0A35}'), c('\u{0A36}'), __,            c('\u{0A38}'), c('\u{0A39}'), c('\u{0A3C}'), __,            // 0x48: - ਵ ਸ਼ - ਸ ਹ ◌਼ -
    c('\u{0A3E}'), c('\u{0A3F}'), c('\u{0A40}'), c('\u{0A41}'), c('\u{0A42}'), __,            __,            __,            // 0x50: ◌ਾ ◌ਿ ◌ੀ ◌ੁ ◌ੂ - - -
    __,            c('\u{0A47}'), c('\u{0A48}'), __,            __,            c('\u{0A4B}'), c('\u{0A4C}'), c('\u{0A4D}'), // 0x58: - ◌ੇ ◌ੈ - - ◌ੋ ◌ੌ ◌੍
    c('\u{0A51}'), c('a'),        c('b'),        c('c'),        c('d'),        c('e'),        c('f'),        c('g'),        // 0x60: ◌ੑ a b c d e f g
    c('h'),        c('i'),        c('j'),        c('k'),        c('l'),        c('m'),        c('n'),        c('o'),        // 0x68: h i j k l m n o
    c('p'),        c('q'),        c('r'),        c('s'),        c('t'),        c('u'),        c('v'),        c('w'),        // 0x70: p q r s t u v w
    c('x'),        c('y'),        c('z'),        c('\u{0A70}'), c('\u{0A71}'), c('\u{0A72}'), c('\u{0A73}'), c('\u{0A74}'), // 0x78: x y z ◌ੰ ◌ੱ ੲ ੳ ੴ
];

/// Punjabi single shift table (TS 23.038 §A.2.10).
#[rustfmt::skip]
static PUNJABI_SINGLE_SHIFT: [Option<char>; 128] = [
    c('@'),        c('\u{00A3}'), c('$'),        c('\u{00A5}'), c('\u{00BF}'), c('"'),        c('\u{00A4}'), c('%'),        // 0x00: @ £ $ ¥ ¿ " ¤ %
    c('&'),        c('\''),       c('\u{000C}'), c('*'),        c('+'),        __,            c('-'),        c('/'),        // 0x08: & ' FF * + - - /
    c('<'),        c('='),        c('>'),        c('\u{00A1}'), c('^'),        c('\u{00A1}'), c('_'),        c('#'),        // 0x10: < = > ¡ ^ ¡ _ #
    c('*'),        c('\u{0964}'), c('\u{0965}'), __,            c('\u{0A66}'), c('\u{0A67}'), c('\u{0A68}'), c('\u{0A69}'), // 0x18: * । ॥ - ੦ ੧ ੨ ੩
    c('\u{0A6A}'), c('\u{0A6B}'), c('\u{0A6C}'), c('\u{0A6D}'), c('\u{0A6E}'), c('\u{0A6F}'), c('\u{0A59}'), c('\u{0A5A}'), // 0x20: ੪ ੫ ੬ ੭ ੮ ੯ ਖ਼ ਗ਼
    c('{'),        c('}'),        c('\u{0A5B}'), c('\u{0A5C}'), c('\u{0A5E}'), c('\u{0A75}'), __,            c('\\'),       // 0x28: { } ਜ਼ ੜ ਫ਼ ◌ੵ - \
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x30: - - - - - - - -
    __,            __,            __,            __,            c('['),        c('~'),        c(']'),        __,            // 0x38: - - - - [ ~ ] -
    c('|'),        c('A'),        c('B'),        c('C'),        c('D'),        c('E'),        c('F'),        c('G'),        // 0x40: | A B C D E F G
    c('H'),        c('I'),        c('J'),        c('K'),        c('L'),        c('M'),        c('N'),        c('O'),        // 0x48: H I J K L M N O
    c('P'),        c('Q'),        c('R'),        c('S'),        c('T'),        c('U'),        c('V'),        c('W'),        // 0x50: P Q R S T U V W
    c('X'),        c('Y'),        c('Z'),        __,            __,            __,            __,            __,            // 0x58: X Y Z - - - - -
    __,            __,            __,            __,            __,            c('\u{20AC}'), __,            __,            // 0x60: - - - - - € - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x68: - - - - - - - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x70: - - - - - - - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x78: - - - - - - - -
];

/// Tamil locking shift table (TS 23.038 §A.3.11).
#[rustfmt::skip]
static TAMIL_LOCKING: [Option<char>; 128] = [
    __,            c('\u{0B82}'), c('\u{0B83}'), c('\u{0B85}'), c('\u{0B86}'), c('\u{0B87}'), c('\u{0B88}'), c('\u{0B89}'), // 0x00: - ◌ஂ ஃ அ ஆ இ ஈ உ
    c('\u{0B8A}'), __,            c('\n'),       __,            __,            c('\r'),       c('\u{0B8E}'), c('\u{0B8F}'), // 0x08: ஊ - LF - - CR எ ஏ
    c('\u{0B90}'), __,            c('\u{0B92}'), c('\u{0B93}'), c('\u{0B94}'), c('\u{0B95}'), __,            __,            // 0x10: ஐ - ஒ ஓ ஔ க - -
    __,            c('\u{0B99}'), c('\u{0B9A}'), __,            __,            c('\u{0B9C}'), __,            c('\u{0B9E}'), // 0x18: - ங ச - - ஜ - ஞ
    c(' '),        c('!'),        c('\u{0B9F}'), __,            __,            __,            c('\u{0BA3}'), c('\u{0BA4}'), // 0x20: SP ! ட - - - ண த
    c(')'),        c('('),        __,            __,            c(','),        __,            c('.'),        c('\u{0BA8}'), // 0x28: ) ( - - , - . ந
    c('0'),        c('1'),        c('2'),        c('3'),        c('4'),        c('5'),        c('6'),        c('7'),        // 0x30: 0 1 2 3 4 5 6 7
    c('8'),        c('9'),        c(':'),        c(';'),        c('\u{0BA9}'), c('\u{0BAA}'), __,            c('?'),        // 0x38: 8 9 : ; ன ப - ?
    __,            __,            c('\u{0BAE}'), c('\u{0BAF}'), c('\u{0BB0}'), c('\u{0BB1}'), c('\u{0BB2}'), c('\u{0BB3}'), // 0x40: - - ம ய ர ற ல ள
    c('\u{0BB4}'), c('\u{0BB5}'), c('\u{0BB6}'), c('\u{0BB7}'), c('\u{0BB8}'), c('\u{0BB9}'), __,            __,            // 0x48: ழ வ ஶ ஷ ஸ ஹ - -
    c('\u{0BBE}'), c('\u{0BBF}'), c('\u{0BC0}'), c('\u{0BC1}'), c('\u{0BC2}'), __,            __,            __,            // 0x50: ◌ா ◌ி ◌ீ ◌ு ◌ூ - - -
    c('\u{0BC6}'), c('\u{0BC7}'), c('\u{0BC8}'), __,            c('\u{0BCA}'), c('\u{0BCB}'), c('\u{0BCC}'), c('\u{0BCD}'), // 0x58: ◌ெ ◌ே ◌ை - ◌ொ ◌ோ ◌ௌ ◌்
    c('\u{0BD0}'), c('a'),        c('b'),        c('c'),        c('d'),        c('e'),        c('f'),        c('g'),        // 0x60: ௐ a b c d e f g
    c('h'),        c('i'),        c('j'),        c('k'),        c('l'),        c('m'),        c('n'),        c('o'),        // 0x68: h i j k l m n o
    c('p'),        c('q'),        c('r'),        c('s'),        c('t'),        c('u'),        c('v'),        c('w'),        // 0x70: p q r s t u v w
    c('x'),        c('y'),        c('z'),        c('\u{0BD7}'), c('\u{0BF0}'), c('\u{0BF1}'), c('\u{0BF2}'), c('\u{0BF9}'), // 0x78: x y z ◌ௗ ௰ ௱ ௲ ௹
];

/// Tamil single shift table (TS 23.038 §A.2.11).
#[rustfmt::skip]
static TAMIL_SINGLE_SHIFT: [Option<char>; 128] = [
    c('@'),        c('\u{00A3}'), c('$'),        c('\u{00A5}'), c('\u{00BF}'), c('"'),        c('\u{00A4}'), c('%'),        // 0x00: @ £ $ ¥ ¿ " ¤ %
    c('&'),        c('\''),       c('\u{000C}'), c('*'),        c('+'),        __,            c('-'),        c('/'),        // 0x08: & ' FF * + - - /
    c('<'),        c('='),        c('>'),        c('\u{00A1}'), c('^'),        c('\u{00A1}'), c('_'),        c('#'),        // 0x10: < = > ¡ ^ ¡ _ #
    c('*'),        c('\u{0964}'), c('\u{0965}'), __,            c('\u{0BE6}'), c('\u{0BE7}'), c('\u{0BE8}'), c('\u{0BE9}'), // 0x18: * । ॥ - ௦ ௧ ௨ ௩
    c('\u{0BEA}'), c('\u{0BEB}'), c('\u{0BEC}'), c('\u{0BED}'), c('\u{0BEE}'), c('\u{0BEF}'), c('\u{0BF3}'), c('\u{0BF4}'), // 0x20: ௪ ௫ ௬ ௭ ௮ ௯ ௳ ௴
    c('{'),        c('}'),        c('\u{0BF5}'), c('\u{0BF6}'), c('\u{0BF7}'), c('\u{0BF8}'), c('\u{0BFA}'), c('\\'),       // 0x28: { } ௵ ௶ ௷ ௸ ௺ \
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x30: - - - - - - - -
    __,            __,            __,            __,            c('['),        c('~'),        c(']'),        __,            // 0x38: - - - - [ ~ ] -
    c('|'),        c('A'),        c('B'),        c('C'),        c('D'),        c('E'),        c('F'),        c('G'),        // 0x40: | A B C D E F G
    c('H'),        c('I'),        c('J'),        c('K'),        c('L'),        c('M'),        c('N'),        c('O'),        // 0x48: H I J K L M N O
    c('P'),        c('Q'),        c('R'),        c('S'),        c('T'),        c('U'),        c('V'),        c('W'),        // 0x50: P Q R S T U V W
    c('X'),        c('Y'),        c('Z'),        __,            __,            __,            __,            __,            // 0x58: X Y Z - - - - -
    __,            __,            __,            __,            __,            c('\u{20AC}'), __,            __,            // 0x60: - - - - - € - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x68: - - - - - - - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x70: - - - - - - - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x78: - - - - - - - -
];

/// Telugu locking shift table (TS 23.038 §A.3.12).
#[rustfmt::skip]
static TELUGU_LOCKING: [Option<char>; 128] = [
    c('\u{0C01}'), c('\u{0C02}'), c('\u{0C03}'), c('\u{0C05}'), c('\u{0C06}'), c('\u{0C07}'), c('\u{0C08}'), c('\u{0C09}'), // 0x00: ◌ఁ ◌ం ◌ః అ ఆ ఇ ఈ ఉ
    c('\u{0C0A}'), c('\u{0C0B}'), c('\n'),       c('\u{0C0C}'), __,            c('\r'),       c('\u{0C0E}'), c('\u{0C0F}'), // 0x08: ఊ ఋ LF ఌ - CR ఎ ఏ
    c('\u{0C10}'), __,            c('\u{0C12}'), c('\u{0C13}'), c('\u{0C14}'), c('\u{0C15}'), c('\u{0C16}'), c('\u{0C17}'), // 0x10: ఐ - ఒ ఓ ఔ క ఖ గ
    c('\u{0C18}'), c('\u{0C19}'), c('\u{0C1A}'), __,            c('\u{0C1B}'), c('\u{0C1C}'), c('\u{0C1D}'), c('\u{0C1E}'), // 0x18: ఘ ఙ చ - ఛ జ ఝ ఞ
    c(' '),        c('!'),        c('\u{0C1F}'), c('\u{0C20}'), c('\u{0C21}'), c('\u{0C22}'), c('\u{0C23}'), c('\u{0C24}'), // 0x20: SP ! ట ఠ డ ఢ ణ త
    c(')'),        c('('),        c('\u{0C25}'), c('\u{0C26}'), c(','),        c('\u{0C27}'), c('.'),        c('\u{0C28}'), // 0x28: ) ( థ ద , ధ . న
    c('0'),        c('1'),        c('2'),        c('3'),        c('4'),        c('5'),        c('6'),        c('7'),        // 0x30: 0 1 2 3 4 5 6 7
    c('8'),        c('9'),        c(':'),        c(';'),        __,            c('\u{0C2A}'), c('\u{0C2B}'), c('?'),        // 0x38: 8 9 : ; - ప ఫ ?
    c('\u{0C2C}'), c('\u{0C2D}'), c('\u{0C2E}'), c('\u{0C2F}'), c('\u{0C30}'), c('\u{0C31}'), c('\u{0C32}'), c('\u{0C33}'), // 0x40: బ భ మ య ర ఱ ల ళ
    __,            c('\u{0C35}'), c('\u{0C36}'), c('\u{0C37}'), c('\u{0C38}'), c('\u{0C39}'), __,            c('\u{0C3D}'), // 0x48: - వ శ ష స హ - ఽ
    c('\u{0C3E}'), c('\u{0C3F}'), c('\u{0C40}'), c('\u{0C41}'), c('\u{0C42}'), c('\u{0C43}'), c('\u{0C44}'), __,            // 0x50: ◌ా ◌ి ◌ీ ◌ు ◌ూ ◌ృ ◌ౄ -
    c('\u{0C46}'), c('\u{0C47}'), c('\u{0C48}'), __,            c('\u{0C4A}'), c('\u{0C4B}'), c('\u{0C4C}'), c('\u{0C4D}'), // 0x58: ◌ె ◌ే ◌ై - ◌ొ ◌ో ◌ౌ ◌్
    c('\u{0C55}'), c('a'),        c('b'),        c('c'),        c('d'),        c('e'),        c('f'),        c('g'),        // 0x60: ◌ౕ a b c d e f g
    c('h'),        c('i'),        c('j'),        c('k'),        c('l'),        c('m'),        c('n'),        c('o'),        // 0x68: h i j k l m n o
    c('p'),        c('q'),        c('r'),        c('s'),        c('t'),        c('u'),        c('v'),        c('w'),        // 0x70: p q r s t u v w
    c('x'),        c('y'),        c('z'),        c('\u{0C56}'), c('\u{0C60}'), c('\u{0C61}'), c('\u{0C62}'), c('\u{0C63}'), // 0x78: x y z ◌ౖ ౠ ౡ ◌ౢ ◌ౣ
];

/// Telugu single shift table (TS 23.038 §A.2.12).
#[rustfmt::skip]
static TELUGU_SINGLE_SHIFT: [Option<char>; 128] = [
    c('@'),        c('\u{00A3}'), c('$'),        c('\u{00A5}'), c('\u{00BF}'), c('"'),        c('\u{00A4}'), c('%'),        // 0x00: @ £ $ ¥ ¿ " ¤ %
    c('&'),        c('\''),       c('\u{000C}'), c('*'),        c('+'),        __,            c('-'),        c('/'),        // 0x08: & ' FF * + - - /
    c('<'),        c('='),        c('>'),        c('\u{00A1}'), c('^'),        c('\u{00A1}'), c('_'),        c('#'),        // 0x10: < = > ¡ ^ ¡ _ #
    // 0x19 and 0x1A are empty here, unlike the other Indic tables (no danda).
    c('*'),        __,            __,            __,            c('\u{0C66}'), c('\u{0C67}'), c('\u{0C68}'), c('\u{0C69}'), // 0x18: * - - - ౦ ౧ ౨ ౩
    c('\u{0C6A}'), c('\u{0C6B}'), c('\u{0C6C}'), c('\u{0C6D}'), c('\u{0C6E}'), c('\u{0C6F}'), c('\u{0C58}'), c('\u{0C59}'), // 0x20: ౪ ౫ ౬ ౭ ౮ ౯ ౘ ౙ
    c('{'),        c('}'),        c('\u{0C78}'), c('\u{0C79}'), c('\u{0C7A}'), c('\u{0C7B}'), c('\u{0C7C}'), c('\\'),       // 0x28: { } ౸ ౹ ౺ ౻ ౼ \
    c('\u{0C7D}'), c('\u{0C7E}'), c('\u{0C7F}'), __,            __,            __,            __,            __,            // 0x30: ౽ ౾ ౿ - - - - -
    __,            __,            __,            __,            c('['),        c('~'),        c(']'),        __,            // 0x38: - - - - [ ~ ] -
    c('|'),        c('A'),        c('B'),        c('C'),        c('D'),        c('E'),        c('F'),        c('G'),        // 0x40: | A B C D E F G
    c('H'),        c('I'),        c('J'),        c('K'),        c('L'),        c('M'),        c('N'),        c('O'),        // 0x48: H I J K L M N O
    c('P'),        c('Q'),        c('R'),        c('S'),        c('T'),        c('U'),        c('V'),        c('W'),        // 0x50: P Q R S T U V W
    c('X'),        c('Y'),        c('Z'),        __,            __,            __,            __,            __,            // 0x58: X Y Z - - - - -
    // 0x65: one V18.0.0 transcription drops the euro sign; the spec and the rest have it.
    __,            __,            __,            __,            __,            c('\u{20AC}'), __,            __,            // 0x60: - - - - - € - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x68: - - - - - - - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x70: - - - - - - - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x78: - - - - - - - -
];

/// Urdu locking shift table (TS 23.038 §A.3.13).
#[rustfmt::skip]
static URDU_LOCKING: [Option<char>; 128] = [
    c('\u{0627}'), c('\u{0622}'), c('\u{0628}'), c('\u{067B}'), c('\u{0680}'), c('\u{067E}'), c('\u{06A6}'), c('\u{062A}'), // 0x00: ا آ ب ٻ ڀ پ ڦ ت
    c('\u{06C2}'), c('\u{067F}'), c('\n'),       c('\u{0679}'), c('\u{067D}'), c('\r'),       c('\u{067A}'), c('\u{067C}'), // 0x08: ۂ ٿ LF ٹ ٽ CR ٺ ټ
    c('\u{062B}'), c('\u{062C}'), c('\u{0681}'), c('\u{0684}'), c('\u{0683}'), c('\u{0685}'), c('\u{0686}'), c('\u{0687}'), // 0x10: ث ج ځ ڄ ڃ څ چ ڇ
    c('\u{062D}'), c('\u{062E}'), c('\u{062F}'), __,            c('\u{068C}'), c('\u{0688}'), c('\u{0689}'), c('\u{068A}'), // 0x18: ح خ د - ڌ ڈ ډ ڊ
    c(' '),        c('!'),        c('\u{068F}'), c('\u{068D}'), c('\u{0630}'), c('\u{0631}'), c('\u{0691}'), c('\u{0693}'), // 0x20: SP ! ڏ ڍ ذ ر ڑ ړ
    c(')'),        c('('),        c('\u{0699}'), c('\u{0632}'), c(','),        c('\u{0696}'), c('.'),        c('\u{0698}'), // 0x28: ) ( ڙ ز , ږ . ژ
    c('0'),        c('1'),        c('2'),        c('3'),        c('4'),        c('5'),        c('6'),        c('7'),        // 0x30: 0 1 2 3 4 5 6 7
    c('8'),        c('9'),        c(':'),        c(';'),        c('\u{069A}'), c('\u{0633}'), c('\u{0634}'), c('?'),        // 0x38: 8 9 : ; ښ س ش ?
    c('\u{0635}'), c('\u{0636}'), c('\u{0637}'), c('\u{0638}'), c('\u{0639}'), c('\u{0641}'), c('\u{0642}'), c('\u{06A9}'), // 0x40: ص ض ط ظ ع ف ق ک
    c('\u{06AA}'), c('\u{06AB}'), c('\u{06AF}'), c('\u{06B3}'), c('\u{06B1}'), c('\u{0644}'), c('\u{0645}'), c('\u{0646}'), // 0x48: ڪ ګ گ ڳ ڱ ل م ن
    c('\u{06BA}'), c('\u{06BB}'), c('\u{06BC}'), c('\u{0648}'), c('\u{06C4}'), c('\u{06D5}'), c('\u{06C1}'), c('\u{06BE}'), // 0x50: ں ڻ ڼ و ۄ ە ہ ھ
    // 0x5C..=0x60 and 0x7B..=0x7F are combining marks, in spec order (not canonical order).
    c('\u{0621}'), c('\u{06CC}'), c('\u{06D0}'), c('\u{06D2}'), c('\u{064D}'), c('\u{0650}'), c('\u{064F}'), c('\u{0657}'), // 0x58: ء ی ې ے ◌ٍ ◌ِ ◌ُ ◌ٗ
    c('\u{0654}'), c('a'),        c('b'),        c('c'),        c('d'),        c('e'),        c('f'),        c('g'),        // 0x60: ◌ٔ a b c d e f g
    c('h'),        c('i'),        c('j'),        c('k'),        c('l'),        c('m'),        c('n'),        c('o'),        // 0x68: h i j k l m n o
    c('p'),        c('q'),        c('r'),        c('s'),        c('t'),        c('u'),        c('v'),        c('w'),        // 0x70: p q r s t u v w
    c('x'),        c('y'),        c('z'),        c('\u{0655}'), c('\u{0651}'), c('\u{0653}'), c('\u{0656}'), c('\u{0670}'), // 0x78: x y z ◌ٕ ◌ّ ◌ٓ ◌ٖ ◌ٰ
];

/// Urdu single shift table (TS 23.038 §A.2.13).
#[rustfmt::skip]
static URDU_SINGLE_SHIFT: [Option<char>; 128] = [
    c('@'),        c('\u{00A3}'), c('$'),        c('\u{00A5}'), c('\u{00BF}'), c('"'),        c('\u{00A4}'), c('%'),        // 0x00: @ £ $ ¥ ¿ " ¤ %
    c('&'),        c('\''),       c('\u{000C}'), c('*'),        c('+'),        __,            c('-'),        c('/'),        // 0x08: & ' FF * + - - /
    c('<'),        c('='),        c('>'),        c('\u{00A1}'), c('^'),        c('\u{00A1}'), c('_'),        c('#'),        // 0x10: < = > ¡ ^ ¡ _ #
    c('*'),        c('\u{0600}'), c('\u{0601}'), __,            c('\u{06F0}'), c('\u{06F1}'), c('\u{06F2}'), c('\u{06F3}'), // 0x18: * ؀ ؁ - ۰ ۱ ۲ ۳
    c('\u{06F4}'), c('\u{06F5}'), c('\u{06F6}'), c('\u{06F7}'), c('\u{06F8}'), c('\u{06F9}'), c('\u{060C}'), c('\u{060D}'), // 0x20: ۴ ۵ ۶ ۷ ۸ ۹ ، ؍
    c('{'),        c('}'),        c('\u{060E}'), c('\u{060F}'), c('\u{0610}'), c('\u{0611}'), c('\u{0612}'), c('\\'),       // 0x28: { } ؎ ؏ ◌ؐ ◌ؑ ◌ؒ \
    c('\u{0613}'), c('\u{0614}'), c('\u{061B}'), c('\u{061F}'), c('\u{0640}'), c('\u{0652}'), c('\u{0658}'), c('\u{066B}'), // 0x30: ◌ؓ ◌ؔ ؛ ؟ ـ ◌ْ ◌٘ ٫
    c('\u{066C}'), c('\u{0672}'), c('\u{0673}'), c('\u{06CD}'), c('['),        c('~'),        c(']'),        c('\u{06D4}'), // 0x38: ٬ ٲ ٳ ۍ [ ~ ] ۔
    c('|'),        c('A'),        c('B'),        c('C'),        c('D'),        c('E'),        c('F'),        c('G'),        // 0x40: | A B C D E F G
    c('H'),        c('I'),        c('J'),        c('K'),        c('L'),        c('M'),        c('N'),        c('O'),        // 0x48: H I J K L M N O
    c('P'),        c('Q'),        c('R'),        c('S'),        c('T'),        c('U'),        c('V'),        c('W'),        // 0x50: P Q R S T U V W
    c('X'),        c('Y'),        c('Z'),        __,            __,            __,            __,            __,            // 0x58: X Y Z - - - - -
    __,            __,            __,            __,            __,            c('\u{20AC}'), __,            __,            // 0x60: - - - - - € - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x68: - - - - - - - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x70: - - - - - - - -
    __,            __,            __,            __,            __,            __,            __,            __,            // 0x78: - - - - - - - -
];
#[cfg(test)]
mod tests {
    use super::*;

    type Table = [Option<char>; 128];

    fn locking(lang: NationalLanguage) -> &'static Table {
        lang.locking_shift_table()
            .unwrap_or_else(|| panic!("{} has a locking shift table", lang.name()))
    }

    fn locking_tables() -> impl Iterator<Item = (NationalLanguage, &'static Table)> {
        NationalLanguage::ALL
            .into_iter()
            .filter_map(|lang| Some((lang, lang.locking_shift_table()?)))
    }

    /// The Indic and Urdu languages, whose tables share one layout.
    const INDIC_AND_URDU: [NationalLanguage; 10] = [
        NationalLanguage::Bengali,
        NationalLanguage::Gujarati,
        NationalLanguage::Hindi,
        NationalLanguage::Kannada,
        NationalLanguage::Malayalam,
        NationalLanguage::Oriya,
        NationalLanguage::Punjabi,
        NationalLanguage::Tamil,
        NationalLanguage::Telugu,
        NationalLanguage::Urdu,
    ];

    #[test]
    fn ids_round_trip_and_reserved_ids_are_rejected() {
        for (index, lang) in NationalLanguage::ALL.into_iter().enumerate() {
            assert_eq!(usize::from(lang.id()), index + 1, "{lang:?}");
            assert_eq!(NationalLanguage::from_id(lang.id()), Some(lang));
        }
        assert_eq!(NationalLanguage::Turkish.id(), 1);
        assert_eq!(NationalLanguage::Portuguese.id(), 3);
        assert_eq!(NationalLanguage::Urdu.id(), 13);
        for reserved in [0, 14, 15, 0x7F, 0xFF] {
            assert_eq!(NationalLanguage::from_id(reserved), None, "id {reserved}");
        }
    }

    #[test]
    fn ord_follows_id() {
        for pair in NationalLanguage::ALL.windows(2) {
            assert!(pair[0] < pair[1]);
        }
    }

    #[test]
    fn names_are_distinct_lower_case_english() {
        let names: Vec<_> = NationalLanguage::ALL.iter().map(|l| l.name()).collect();
        for (i, name) in names.iter().enumerate() {
            assert!(name.bytes().all(|b| b.is_ascii_lowercase()), "{name}");
            assert!(!names[..i].contains(name), "{name} twice");
        }
        assert_eq!(NationalLanguage::Turkish.name(), "turkish");
        assert_eq!(NationalLanguage::Portuguese.name(), "portuguese");
        assert_eq!(NationalLanguage::Urdu.name(), "urdu");
    }

    #[test]
    fn only_spanish_lacks_a_locking_shift_table() {
        for lang in NationalLanguage::ALL {
            let expected = lang != NationalLanguage::Spanish;
            assert_eq!(lang.locking_shift_table().is_some(), expected, "{lang:?}");
        }
    }

    #[test]
    fn locking_tables_keep_controls_punctuation_digits_and_latin_letters() {
        for (lang, table) in locking_tables() {
            assert_eq!(table[0x0A], Some('\n'), "{lang:?}");
            assert_eq!(table[0x0D], Some('\r'), "{lang:?}");
            assert_eq!(table[0x1B], None, "{lang:?}");
            assert_eq!(table[0x20], Some(' '), "{lang:?}");
            for (septet, ch) in [(0x21, '!'), (0x2C, ','), (0x2E, '.'), (0x3A, ':')] {
                assert_eq!(table[septet], Some(ch), "{lang:?} 0x{septet:02X}");
            }
            for (septet, ch) in [(0x3B, ';'), (0x3F, '?')] {
                assert_eq!(table[septet], Some(ch), "{lang:?} 0x{septet:02X}");
            }
            for (septet, ch) in (0x30..=0x39).zip('0'..='9') {
                assert_eq!(table[septet], Some(ch), "{lang:?} 0x{septet:02X}");
            }
            for (septet, ch) in (0x61..=0x7A).zip('a'..='z') {
                assert_eq!(table[septet], Some(ch), "{lang:?} 0x{septet:02X}");
            }
        }
    }

    #[test]
    fn locking_tables_map_each_character_once() {
        for (lang, table) in locking_tables() {
            let mut seen: Vec<char> = table.iter().flatten().copied().collect();
            seen.sort_unstable();
            for pair in seen.windows(2) {
                assert_ne!(pair[0], pair[1], "{lang:?} maps {:?} twice", pair[0]);
            }
        }
    }

    #[test]
    fn no_stray_control_characters() {
        for (lang, table) in locking_tables() {
            for (septet, ch) in table.iter().enumerate() {
                if let Some(ch) = ch.filter(|ch| ch.is_control()) {
                    assert!(ch == '\n' || ch == '\r', "{lang:?} 0x{septet:02X}: {ch:?}");
                }
            }
        }
        for lang in NationalLanguage::ALL {
            for (septet, ch) in lang.single_shift_table().iter().enumerate() {
                if let Some(ch) = ch.filter(|ch| ch.is_control()) {
                    assert_eq!(ch, '\u{000C}', "{lang:?} 0x{septet:02X}");
                }
            }
        }
    }

    #[test]
    fn single_shift_tables_contain_the_default_extension_table() {
        let default_extension = [
            (0x0A, '\u{000C}'),
            (0x14, '^'),
            (0x28, '{'),
            (0x29, '}'),
            (0x2F, '\\'),
            (0x3C, '['),
            (0x3D, '~'),
            (0x3E, ']'),
            (0x40, '|'),
            (0x65, '\u{20AC}'),
        ];
        for lang in NationalLanguage::ALL {
            let table = lang.single_shift_table();
            for (septet, ch) in default_extension {
                assert_eq!(table[septet], Some(ch), "{lang:?} 0x{septet:02X}");
            }
            assert_eq!(table[0x0D], None, "{lang:?}: CR2 is undefined");
            assert_eq!(
                table[0x1B], None,
                "{lang:?}: reserved for another extension"
            );
        }
    }

    #[test]
    fn indic_and_urdu_single_shift_tables_hold_ascii_symbols_and_capitals() {
        for lang in INDIC_AND_URDU {
            let table = lang.single_shift_table();
            for (septet, ch) in [(0x00, '@'), (0x01, '\u{00A3}'), (0x05, '"'), (0x09, '\'')] {
                assert_eq!(table[septet], Some(ch), "{lang:?} 0x{septet:02X}");
            }
            for (septet, ch) in (0x41..=0x5A).zip('A'..='Z') {
                assert_eq!(table[septet], Some(ch), "{lang:?} 0x{septet:02X}");
            }
        }
    }

    #[test]
    fn native_digits_sit_around_the_escape() {
        // Bengali: 0 and 1 before the escape, 2..=9 after it.
        let bengali = NationalLanguage::Bengali.single_shift_table();
        assert_eq!(bengali[0x19], Some('\u{09E6}'));
        assert_eq!(bengali[0x1A], Some('\u{09E7}'));
        for (septet, digit) in (0x1C..=0x23).zip(2..=9) {
            assert_eq!(
                bengali[septet],
                char::from_u32(0x09E6 + digit),
                "0x{septet:02X}"
            );
        }
        // The others: 0..=9 from 0x1C.
        let zeros = [
            (NationalLanguage::Gujarati, 0x0AE6),
            (NationalLanguage::Hindi, 0x0966),
            (NationalLanguage::Kannada, 0x0CE6),
            (NationalLanguage::Malayalam, 0x0D66),
            (NationalLanguage::Oriya, 0x0B66),
            (NationalLanguage::Punjabi, 0x0A66),
            (NationalLanguage::Tamil, 0x0BE6),
            (NationalLanguage::Telugu, 0x0C66),
            (NationalLanguage::Urdu, 0x06F0),
        ];
        for (lang, zero) in zeros {
            let table = lang.single_shift_table();
            for (septet, digit) in (0x1C..=0x25).zip(0..=9) {
                let expected = char::from_u32(zero + digit);
                assert_eq!(table[septet], expected, "{lang:?} 0x{septet:02X}");
            }
        }
    }

    #[test]
    fn turkish() {
        let lock = locking(NationalLanguage::Turkish);
        let expected = [
            (0x04, '\u{20AC}'), // €
            (0x07, '\u{0131}'), // ı
            (0x0B, '\u{011E}'), // Ğ
            (0x0C, '\u{011F}'), // ğ
            (0x1C, '\u{015E}'), // Ş
            (0x1D, '\u{015F}'), // ş
            (0x40, '\u{0130}'), // İ
            (0x60, '\u{00E7}'), // ç
        ];
        for (septet, ch) in expected {
            assert_eq!(lock[septet], Some(ch), "locking 0x{septet:02X}");
        }
        let single = NationalLanguage::Turkish.single_shift_table();
        let expected = [
            (0x47, '\u{011E}'), // Ğ
            (0x49, '\u{0130}'), // İ
            (0x53, '\u{015E}'), // Ş
            (0x63, '\u{00E7}'), // ç
            (0x65, '\u{20AC}'), // €
            (0x67, '\u{011F}'), // ğ
            (0x69, '\u{0131}'), // ı
            (0x73, '\u{015F}'), // ş
        ];
        for (septet, ch) in expected {
            assert_eq!(single[septet], Some(ch), "single shift 0x{septet:02X}");
        }
        assert_eq!(single.iter().flatten().count(), 17);
    }

    #[test]
    fn spanish() {
        let single = NationalLanguage::Spanish.single_shift_table();
        let expected = [
            (0x09, '\u{00E7}'), // ç
            (0x41, '\u{00C1}'), // Á
            (0x49, '\u{00CD}'), // Í
            (0x4F, '\u{00D3}'), // Ó
            (0x55, '\u{00DA}'), // Ú
            (0x61, '\u{00E1}'), // á
            (0x69, '\u{00ED}'), // í
            (0x6F, '\u{00F3}'), // ó
            (0x75, '\u{00FA}'), // ú
        ];
        for (septet, ch) in expected {
            assert_eq!(single[septet], Some(ch), "single shift 0x{septet:02X}");
        }
    }

    #[test]
    fn portuguese() {
        let lock = locking(NationalLanguage::Portuguese);
        let expected = [
            (0x04, '\u{00EA}'), // ê
            (0x12, '\u{00AA}'), // ª
            (0x15, '\u{221E}'), // ∞
            (0x16, '^'),
            (0x17, '\\'),
            (0x18, '\u{20AC}'), // €
            (0x1A, '|'),
            (0x24, '\u{00BA}'), // º
            (0x40, '\u{00CD}'), // Í
            (0x60, '~'),
            (0x7D, '`'),
        ];
        for (septet, ch) in expected {
            assert_eq!(lock[septet], Some(ch), "locking 0x{septet:02X}");
        }
        let single = NationalLanguage::Portuguese.single_shift_table();
        let expected = [
            (0x05, '\u{00EA}'), // ê
            (0x12, '\u{03A6}'), // Φ
            (0x1F, '\u{00CA}'), // Ê
            (0x41, '\u{00C0}'), // À
            (0x5B, '\u{00C3}'), // Ã
            (0x7F, '\u{00E2}'), // â
        ];
        for (septet, ch) in expected {
            assert_eq!(single[septet], Some(ch), "single shift 0x{septet:02X}");
        }
    }

    #[test]
    fn indic_spot_checks() {
        let cases = [
            (NationalLanguage::Bengali, 0x00, '\u{0981}'), // candrabindu
            (NationalLanguage::Bengali, 0x7F, '\u{09F1}'), // ৱ
            (NationalLanguage::Gujarati, 0x22, '\u{0A9F}'), // ટ
            (NationalLanguage::Hindi, 0x15, '\u{0915}'),   // क
            (NationalLanguage::Hindi, 0x60, '\u{0950}'),   // ॐ
            (NationalLanguage::Kannada, 0x3D, '\u{0CAA}'), // ಪ
            (NationalLanguage::Malayalam, 0x7F, '\u{0D79}'), // ൹
            (NationalLanguage::Oriya, 0x60, '\u{0B56}'),   // ai length mark
            (NationalLanguage::Punjabi, 0x7F, '\u{0A74}'), // ੴ
            (NationalLanguage::Tamil, 0x3C, '\u{0BA9}'),   // ன
            (NationalLanguage::Telugu, 0x4F, '\u{0C3D}'),  // ఽ
        ];
        for (lang, septet, ch) in cases {
            assert_eq!(locking(lang)[septet], Some(ch), "{lang:?} 0x{septet:02X}");
        }
        assert_eq!(locking(NationalLanguage::Bengali)[0x0C], None);
        assert_eq!(locking(NationalLanguage::Tamil)[0x11], None);
        assert_eq!(locking(NationalLanguage::Telugu)[0x11], None);
    }

    #[test]
    fn urdu_matches_the_decoder_test_suite() {
        let single = NationalLanguage::Urdu.single_shift_table();
        assert_eq!(locking(NationalLanguage::Urdu)[0x03], Some('\u{067B}')); // ٻ
        assert_eq!(single[0x2B], Some('\u{060F}')); // ؏
    }

    #[test]
    fn transcription_choices() {
        // See "Sources and transcription choices" in the module docs.
        assert_eq!(locking(NationalLanguage::Kannada)[0x24], Some('\u{0CA1}'));
        let telugu = NationalLanguage::Telugu.single_shift_table();
        assert_eq!(telugu[0x65], Some('\u{20AC}'));
        assert_eq!((telugu[0x19], telugu[0x1A]), (None, None));
        let hindi = NationalLanguage::Hindi.single_shift_table();
        assert_eq!(
            (hindi[0x26], hindi[0x27]),
            (Some('\u{0951}'), Some('\u{0952}'))
        );
        let urdu = locking(NationalLanguage::Urdu);
        let marks = [
            (0x5C, '\u{064D}'),
            (0x5D, '\u{0650}'),
            (0x5E, '\u{064F}'),
            (0x5F, '\u{0657}'),
            (0x60, '\u{0654}'),
            (0x7B, '\u{0655}'),
            (0x7C, '\u{0651}'),
            (0x7D, '\u{0653}'),
            (0x7E, '\u{0656}'),
            (0x7F, '\u{0670}'),
        ];
        for (septet, ch) in marks {
            assert_eq!(urdu[septet], Some(ch), "Urdu locking 0x{septet:02X}");
        }
    }

    /// How many positions each table defines: catches an entry lost or added in an edit.
    #[test]
    fn defined_entry_counts() {
        let expected = [
            (NationalLanguage::Turkish, Some(127), 17),
            (NationalLanguage::Spanish, None, 19),
            (NationalLanguage::Portuguese, Some(127), 37),
            (NationalLanguage::Bengali, Some(114), 82),
            (NationalLanguage::Gujarati, Some(120), 70),
            (NationalLanguage::Hindi, Some(127), 88),
            (NationalLanguage::Kannada, Some(120), 73),
            (NationalLanguage::Malayalam, Some(120), 82),
            (NationalLanguage::Oriya, Some(116), 75),
            (NationalLanguage::Punjabi, Some(110), 76),
            (NationalLanguage::Tamil, Some(102), 77),
            (NationalLanguage::Telugu, Some(120), 78),
            (NationalLanguage::Urdu, Some(127), 90),
        ];
        for (lang, locking_count, single_count) in expected {
            let count = |table: &Table| table.iter().flatten().count();
            assert_eq!(
                lang.locking_shift_table().map(count),
                locking_count,
                "{lang:?}"
            );
            assert_eq!(count(lang.single_shift_table()), single_count, "{lang:?}");
        }
    }
}
