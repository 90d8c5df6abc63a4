//! The SMS text as the scanner reads it: normalised (other scripts' digits and full-width
//! letters as ASCII, odd spaces as spaces, invisible format characters dropped), as
//! characters and as a string, and what a word is in the scripts of the word lists. No
//! rules about codes: those are the scanner's.

use super::words::DIGIT_ZEROS;

/// The SMS text after normalisation, as characters (for looking at neighbours) and as a
/// string (for the regexes), with the map between the two.
pub(super) struct Text {
    pub(super) chars: Vec<char>,
    pub(super) string: String,
    /// Byte offset in `string` of each character, then `string.len()`.
    offsets: Vec<usize>,
}

impl Text {
    pub(super) fn new(raw: &str) -> Text {
        let chars: Vec<char> = raw.chars().filter_map(normalise_char).collect();
        let mut string = String::with_capacity(raw.len());
        let mut offsets = Vec::with_capacity(chars.len() + 1);
        for &c in &chars {
            offsets.push(string.len());
            string.push(c);
        }
        offsets.push(string.len());
        Text {
            chars,
            string,
            offsets,
        }
    }

    /// The character index of a byte offset that a regex returned (always a boundary).
    pub(super) fn char_index(&self, byte: usize) -> usize {
        match self.offsets.binary_search(&byte) {
            Ok(i) | Err(i) => i.min(self.chars.len()),
        }
    }
}

/// The word whose last character is just before `end` (`end` excluded), if `end` follows a
/// word character; at most 24 characters of it.
pub(super) fn word_ending_at(chars: &[char], end: usize) -> Option<(usize, usize)> {
    let mut s = end;
    while s > 0 && end - s < 24 && is_word(chars[s - 1]) {
        s -= 1;
    }
    (s < end).then_some((s, end))
}

/// The word starting at `start`, if a word character is there; at most 24 characters.
pub(super) fn word_at(chars: &[char], start: usize) -> Option<(usize, usize)> {
    let mut e = start;
    while e < chars.len() && e - start < 24 && is_word(chars[e]) {
        e += 1;
    }
    (e > start).then_some((start, e))
}

/// The previous word before `pos`, across at most three non-word characters.
pub(super) fn word_before(chars: &[char], pos: usize) -> Option<(usize, usize)> {
    let mut i = pos.min(chars.len());
    while i > 0 && pos - i < 3 && !is_word(chars[i - 1]) {
        i -= 1;
    }
    word_ending_at(chars, i)
}

/// The next word from `pos`, across at most three non-word characters.
pub(super) fn word_after(chars: &[char], pos: usize) -> Option<(usize, usize)> {
    let mut i = pos;
    while i < chars.len() && i - pos < 3 && !is_word(chars[i]) {
        i += 1;
    }
    word_at(chars, i)
}

/// The characters lowercased, for comparing with the word lists.
pub(super) fn lowercase(chars: &[char]) -> String {
    chars.iter().flat_map(|c| c.to_lowercase()).collect()
}

/// One character of the normalised text: other scripts' decimal digits and full-width
/// letters as ASCII, odd spaces as a space, invisible format characters dropped.
pub(super) fn normalise_char(c: char) -> Option<char> {
    let u = u32::from(c);
    match u {
        0x00AD | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x2069 | 0xFEFF => {
            None
        }
        0x00A0 | 0x2000..=0x200A | 0x202F | 0x205F | 0x3000 => Some(' '),
        0xFF21..=0xFF3A | 0xFF41..=0xFF5A => char::from_u32(u - 0xFEE0),
        0x066B => Some('.'),
        0x066C => Some(','),
        _ => Some(
            DIGIT_ZEROS
                .iter()
                .find(|&&zero| (zero..zero + 10).contains(&u))
                .and_then(|&zero| char::from_digit(u - zero, 10))
                .unwrap_or(c),
        ),
    }
}

/// A character of a word: letters, digits, and combining marks (vowel signs of Indic and
/// Thai scripts, Arabic harakat), which `char::is_alphanumeric` does not count.
pub(super) fn is_word(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(u32::from(c),
            0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A
            | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06ED | 0x0900..=0x0963 | 0x0966..=0x0DFF
            | 0x0E31..=0x0E3A | 0x0E47..=0x0E4E | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF
            | 0x20D0..=0x20FF | 0x3099..=0x309A | 0xFE20..=0xFE2F)
}

/// A word character that is not an ASCII digit (other digits are ASCII by now).
pub(super) fn is_letter(c: char) -> bool {
    is_word(c) && !c.is_ascii_digit()
}

/// A letter of a script written with spaces between words (a keyword's word extends over
/// these: "kodunuz", "인증번호는"), as opposed to Chinese, Japanese, Thai and the like.
pub(super) fn is_spaced_letter(c: char) -> bool {
    is_letter(c) && !is_unspaced(c)
}

/// Scripts written without spaces between words.
pub(super) fn is_unspaced(c: char) -> bool {
    matches!(u32::from(c),
        0x0E00..=0x0EFF      // Thai, Lao
        | 0x1000..=0x109F    // Myanmar
        | 0x1780..=0x17FF    // Khmer
        | 0x3040..=0x30FF    // Hiragana, Katakana
        | 0x31F0..=0x31FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF    // CJK ideographs
        | 0xF900..=0xFAFF
        | 0xFF66..=0xFF9F    // half-width Katakana
        | 0x20000..=0x2FFFF)
}

/// Punctuation that ends a sentence or a line, in the scripts of the keyword list.
pub(super) fn is_sentence_end(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | '\n' | '。' | '！' | '？' | '｡' | '।' | '॥' | '؟'
    )
}
