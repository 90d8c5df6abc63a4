//! The scanner: finds the code in a normalised text with the built-in rules. It masks links
//! and app hashes, finds the code keywords, collects digit and alphanumeric candidates,
//! rejects what is a phone number, a date, an amount or a reference, and ranks the rest by
//! their distance to a keyword. The words it looks for are in `words`, the text's shape in
//! `text`.

use super::CodeExtractor;
use super::text::{
    Text, is_letter, is_sentence_end, is_spaced_letter, is_unspaced, is_word, lowercase,
    word_after, word_at, word_before, word_ending_at,
};
use super::words::{
    CANCELLING, CJK_COUNTERS, CURRENCY_CODES, CURRENCY_SIGNS, CURRENCY_STEMS, CURRENCY_WORDS,
    FILLERS, KEYWORDS, KNOWN_TLDS, MONTHS, NEGATIVE_STEMS, NEGATIVE_WORDS, UNIT_STEMS, UNIT_WORDS,
    YEAR_AFTER, YEAR_BEFORE,
};

impl CodeExtractor {
    /// The built-in rules on normalised text.
    pub(super) fn extract_default(&self, text: &Text) -> Option<String> {
        let (candidate_mask, keyword_mask) = self.masks(text);
        let keywords = self.find_keywords(text, &keyword_mask);
        let scan = Scan {
            text,
            mask: candidate_mask,
            keywords,
            shouting: is_shouting(&text.chars),
        };
        let mut candidates = scan.numeric_candidates();
        candidates.extend(scan.alphanumeric_candidates());
        candidates
            .into_iter()
            .filter_map(|candidate| {
                let distance = candidate
                    .distance
                    .or_else(|| scan.keyword_distance(candidate.start, candidate.end));
                if candidate.needs_keyword && distance.is_none() {
                    return None;
                }
                let rank = (
                    distance.unwrap_or(u32::MAX),
                    u8::from(candidate.digits != 6),
                    candidate.start,
                );
                Some((rank, candidate.code))
            })
            .min_by(|a, b| a.0.cmp(&b.0))
            .map(|(_, code)| code)
    }

    /// Which characters lie in links (never candidates, never keywords: "t.me/login/12345",
    /// "?code=123456") and in Android app hashes or bare domain names (never candidates).
    fn masks(&self, text: &Text) -> (Vec<bool>, Vec<bool>) {
        let n = text.chars.len();
        let mut candidates = vec![false; n];
        let mut keywords = vec![false; n];
        for caps in self.links.captures_iter(&text.string) {
            let Some(whole) = caps.get(0) else { continue };
            let (start, end) = (text.char_index(whole.start()), text.char_index(whole.end()));
            let (for_candidates, for_keywords) = if caps.name("scheme").is_some() {
                (true, true)
            } else {
                let tld = caps.name("tld").map_or("", |m| m.as_str());
                let labels =
                    &whole.as_str()[..caps.name("tld").map_or(0, |m| m.start() - whole.start())];
                let lettered = labels.chars().any(|c| c.is_ascii_alphabetic());
                let known = KNOWN_TLDS.contains(&tld.to_ascii_lowercase().as_str());
                let lower = tld.chars().all(|c| c.is_ascii_lowercase());
                let path = caps.name("path").is_some();
                let domain = known && (lettered || lower);
                (domain || (path && lettered), path && lettered)
            };
            for i in start..end.min(n) {
                candidates[i] |= for_candidates;
                keywords[i] |= for_keywords;
            }
        }
        // The 11-character app hash of Android's SMS Retriever ("FA+9qCX9VSu"): a whole
        // whitespace-separated token of base64 characters, mixing letters with digits or
        // '+' or '/'.
        let mut i = 0;
        while i < n {
            if text.chars[i].is_whitespace() {
                i += 1;
                continue;
            }
            let start = i;
            while i < n && !text.chars[i].is_whitespace() {
                i += 1;
            }
            let token = &text.chars[start..i];
            let base64 = token
                .iter()
                .all(|&c| c.is_ascii_alphanumeric() || c == '+' || c == '/');
            let letter = token.iter().any(|c| c.is_ascii_alphabetic());
            let other = token
                .iter()
                .any(|&c| c.is_ascii_digit() || c == '+' || c == '/');
            if token.len() == 11 && base64 && letter && other {
                candidates[start..i].iter_mut().for_each(|m| *m = true);
            }
        }
        (candidates, keywords)
    }

    /// The code keywords of the text that count: outside links, at word boundaries where the
    /// keyword wants them, and not naming another kind of code ("promo code", "code postal").
    fn find_keywords(&self, text: &Text, mask: &[bool]) -> Vec<Keyword> {
        let chars = &text.chars;
        let n = chars.len();
        let mut found = Vec::new();
        for m in self.keywords.find_iter(&text.string) {
            let (start, end) = (text.char_index(m.start()), text.char_index(m.end()));
            if start >= end || mask[start..end.min(n)].iter().any(|&b| b) {
                continue;
            }
            let lower = m.as_str().to_lowercase();
            let (needs_start, needs_end) = KEYWORDS
                .iter()
                .find(|(word, _, _)| *word == lower)
                .map_or((true, true), |&(_, s, e)| (s, e));
            if needs_start && start > 0 && is_letter(chars[start - 1]) {
                continue;
            }
            if needs_end && end < n && is_letter(chars[end]) {
                continue;
            }
            let mut word_start = start;
            while word_start > 0
                && start - word_start < 32
                && is_spaced_letter(chars[word_start - 1])
            {
                word_start -= 1;
            }
            let mut word_end = end;
            while word_end < n && word_end - end < 32 && is_spaced_letter(chars[word_end]) {
                word_end += 1;
            }
            let own = lowercase(&chars[word_start..word_end]);
            let before = word_before(chars, word_start).map(|(s, e)| lowercase(&chars[s..e]));
            let after = word_after(chars, word_end).map(|(s, e)| lowercase(&chars[s..e]));
            let cancelled = [Some(own), before, after]
                .iter()
                .flatten()
                .any(|w| CANCELLING.iter().any(|stem| w.starts_with(stem)));
            if !cancelled {
                found.push(Keyword {
                    end,
                    word_start,
                    word_end,
                });
            }
        }
        found
    }
}

/// A code keyword found in the text: where the match ends, and the word it is part of
/// ("Bestätigungscode", "kodunuz").
struct Keyword {
    end: usize,
    word_start: usize,
    word_end: usize,
}

/// A possible code: its span (prefix included), the code as returned, its digit count (for
/// the 6-digit preference), whether it counts only near a keyword, and its keyword distance
/// when its rule fixes it.
struct Candidate {
    start: usize,
    end: usize,
    code: String,
    digits: usize,
    needs_keyword: bool,
    distance: Option<u32>,
}

/// How a run of digits continues into the next one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Separator {
    Space,
    Hyphen,
    /// '.', ',', '/', ':', apostrophe: dates, amounts, times, versions.
    Punctuation,
    /// Parentheses of phone numbers: "(495) 123".
    Parenthesis,
}

/// One extraction: the text with its masks and keywords.
struct Scan<'t> {
    text: &'t Text,
    /// Characters that cannot be part of a code (links, app hashes).
    mask: Vec<bool>,
    /// Keywords in text order.
    keywords: Vec<Keyword>,
    /// The text is mostly capitals, so a capitalised word is no sign of a code.
    shouting: bool,
}

impl Scan<'_> {
    fn chars(&self) -> &[char] {
        &self.text.chars
    }

    fn masked(&self, start: usize, end: usize) -> bool {
        self.mask
            .get(start..end)
            .is_none_or(|span| span.iter().any(|&m| m))
    }

    /// Digit codes: every chain of digit groups (groups joined by one separator) is
    /// classified as a whole, so a phone number or a date is never read as a code piece by
    /// piece.
    fn numeric_candidates(&self) -> Vec<Candidate> {
        let chars = self.chars();
        let n = chars.len();
        let mut out = Vec::new();
        let mut i = 0;
        while i < n {
            if !chars[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            let mut groups = Vec::new();
            let mut separators = Vec::new();
            let mut j = i;
            loop {
                let start = j;
                while j < n && chars[j].is_ascii_digit() {
                    j += 1;
                }
                groups.push((start, j));
                match separator_at(chars, j) {
                    Some((kind, len)) if chars.get(j + len).is_some_and(char::is_ascii_digit) => {
                        separators.push(kind);
                        j += len;
                    }
                    _ => break,
                }
            }
            i = j;
            self.classify_chain(&groups, &separators, &mut out);
        }
        out
    }

    fn classify_chain(
        &self,
        groups: &[(usize, usize)],
        separators: &[Separator],
        out: &mut Vec<Candidate>,
    ) {
        let chain_start = groups.first().map_or(0, |g| g.0);
        if let [(start, end)] = groups {
            out.extend(self.single(*start, *end, chain_start));
            return;
        }
        if separators
            .iter()
            .any(|&s| s == Separator::Punctuation || s == Separator::Parenthesis)
        {
            return; // dates, times, amounts, versions, phone numbers
        }
        let digits: usize = groups.iter().map(|(s, e)| e - s).sum();
        if digits >= 9 || groups.len() > 2 {
            return; // phone numbers, grouped amounts
        }
        if digits >= 7 && separators[0] == Separator::Space {
            return; // local phone numbers: "555 0199", "4829 5522"
        }
        let (first, second) = (groups[0], groups[1]);
        if first.1 - first.0 == 3 && second.1 - second.0 == 3 {
            out.extend(self.grouped(first, second, separators[0]));
        } else if separators[0] == Separator::Space {
            // Two numbers that happen to be one space apart ("1 5000"): each on its own.
            out.extend(self.single(first.0, first.1, chain_start));
            out.extend(self.single(second.0, second.1, chain_start));
        }
    }

    /// A lone run of 4–8 digits, possibly with a letter prefix ("G-123456").
    fn single(&self, start: usize, end: usize, chain_start: usize) -> Option<Candidate> {
        let len = end - start;
        if !(4..=8).contains(&len) {
            return None;
        }
        let start_with_prefix = self.edges(start, end, true)?;
        if self.masked(start_with_prefix, end) || self.amount_or_unit(start_with_prefix, end) {
            return None;
        }
        let year_like =
            len == 4 && (1900..=2099).contains(&digits_value(&self.chars()[start..end]));
        if year_like && self.is_year(start, end) {
            return None;
        }
        if self.negative_context(chain_start.min(start_with_prefix)) {
            return None;
        }
        Some(Candidate {
            start: start_with_prefix,
            end,
            code: self.chars()[start_with_prefix..end].iter().collect(),
            digits: len,
            // "Happy 2026!": a year-like number alone is a year unless a keyword says code.
            needs_keyword: year_like,
            distance: None,
        })
    }

    /// Two groups of three ("123-456", "123 456"); the spaced form only near a keyword, since
    /// "100 000" is as often an amount or a count.
    fn grouped(
        &self,
        first: (usize, usize),
        second: (usize, usize),
        separator: Separator,
    ) -> Option<Candidate> {
        let (start, end) = (first.0, second.1);
        self.edges(start, end, false)?;
        if self.masked(start, end)
            || self.amount_or_unit(start, end)
            || self.negative_context(start)
        {
            return None;
        }
        let chars = self.chars();
        let mut code: String = chars[first.0..first.1].iter().collect();
        code.push(if separator == Separator::Space {
            ' '
        } else {
            '-'
        });
        code.extend(&chars[second.0..second.1]);
        Some(Candidate {
            start,
            end,
            code,
            digits: 6,
            needs_keyword: separator == Separator::Space,
            distance: None,
        })
    }

    /// Checks the characters around a digit span: not inside a longer token ("A1B2C3D4",
    /// "id12345", "x1234"), not after '+', '#', '*', a currency sign; not before '%'. Returns
    /// where the candidate starts (before a letter prefix when `allow_prefix` accepts one).
    fn edges(&self, start: usize, end: usize, allow_prefix: bool) -> Option<usize> {
        let chars = self.chars();
        let mut from = start;
        if let Some(&b) = start.checked_sub(1).and_then(|i| chars.get(i)) {
            let before_b = start.checked_sub(2).and_then(|i| chars.get(i)).copied();
            if b.is_ascii_alphabetic() {
                // Only a keyword may touch the code: "OTP123456".
                if !self.keyword_ends_at(start) {
                    return None;
                }
            } else if b == '_' || b == '@' || is_excluding_sign(b) {
                return None;
            } else if b == '-' && before_b.is_some_and(|c| c.is_ascii_alphanumeric()) {
                if !allow_prefix {
                    return None;
                }
                from = letter_prefix(chars, start - 1)?;
            } else if (b == '/' || b == '.') && before_b.is_some_and(|c| c.is_ascii_alphanumeric())
            {
                return None; // "Rs.5000", "No.12345", "page/12345"
            }
        }
        if let Some(&a) = chars.get(end) {
            let after_a = chars.get(end + 1).copied();
            if a.is_ascii_alphanumeric()
                || a == '_'
                || a == '@'
                || matches!(a, '%' | '％' | '‰')
                || is_currency_sign(a)
                || CJK_COUNTERS.contains(a)
            {
                return None;
            }
            if matches!(a, '-' | '/' | '+') && after_a.is_some_and(|c| c.is_ascii_alphanumeric()) {
                return None;
            }
        }
        Some(from)
    }

    /// An amount or a quantity: a currency or unit word or sign next to the number
    /// ("Rs. 5000", "R$ 1500", "1234 руб", "5000 INR", "1000 баллов", "15 %").
    fn amount_or_unit(&self, start: usize, end: usize) -> bool {
        let chars = self.chars();
        // The token before, after one or two spaces.
        let mut i = start;
        while i > 0 && start - i < 2 && chars[i - 1] == ' ' {
            i -= 1;
        }
        if i < start {
            let mut s = i;
            while s > 0 && i - s < 12 && !chars[s - 1].is_whitespace() {
                s -= 1;
            }
            if let Some(&last) = chars[s..i].last() {
                if is_currency_sign(last) || is_excluding_sign(last) {
                    return true;
                }
                let word: String = chars[s..i].iter().collect();
                if is_currency_word(word.trim_end_matches(['.', ':'])) {
                    return true;
                }
            }
        }
        // The word after: touching ("5000р", "500บาท") or after one or two spaces.
        let mut j = end;
        while j < chars.len() && j - end < 2 && chars[j] == ' ' {
            j += 1;
        }
        let Some(&first) = chars.get(j) else {
            return false;
        };
        if j > end && (is_currency_sign(first) || matches!(first, '%' | '％')) {
            return true;
        }
        let mut k = j;
        while k < chars.len() && k - j < 16 && is_letter(chars[k]) {
            k += 1;
        }
        if k == j {
            return false;
        }
        let word: String = chars[j..k].iter().collect();
        is_currency_word(&word) || is_unit_word(&word.to_lowercase())
    }

    /// A year-like number next to a month name or a word for "year" ("23 ноября 2026 г.",
    /// "Nov 23, 2026", "năm 2026").
    fn is_year(&self, start: usize, end: usize) -> bool {
        let chars = self.chars();
        let mut pos = start;
        for _ in 0..2 {
            let Some((s, e)) = word_before(chars, pos) else {
                break;
            };
            let word = lowercase(&chars[s..e]);
            if MONTHS.contains(&word.as_str()) || YEAR_BEFORE.contains(&word.as_str()) {
                return true;
            }
            pos = s;
        }
        word_after(chars, end).is_some_and(|(s, e)| {
            let word = lowercase(&chars[s..e]);
            YEAR_AFTER.contains(&word.as_str()) || MONTHS.contains(&word.as_str())
        })
    }

    /// A word just before the number that makes it something else: an order, a card, a
    /// phone, a balance ("Order No. 12345678", "card ending 1234", "Reply STOP to 81753").
    /// Looks at up to three words back, stopping at a keyword, a number or a sentence end.
    fn negative_context(&self, start: usize) -> bool {
        let chars = self.chars();
        let mut pos = start;
        for _ in 0..3 {
            // Cross punctuation and spaces, but not a sentence end (except after an
            // abbreviation such as "No." or "Tel.").
            let mut i = pos;
            while i > 0 && pos - i < 4 && !is_word(chars[i - 1]) {
                i -= 1;
                let full_stop =
                    chars[i] != '.' || chars.get(i + 1).is_none_or(|c| c.is_whitespace());
                if is_sentence_end(chars[i]) && full_stop {
                    let abbreviation = word_ending_at(chars, i).is_some_and(|(s, e)| {
                        e - s <= 4 && chars[s..e].iter().all(|c| c.is_alphabetic())
                    });
                    if !(chars[i] == '.' && abbreviation) {
                        return false;
                    }
                }
            }
            if i == pos && pos != start {
                return false; // words glued together without a separator
            }
            let Some((s, e)) = word_ending_at(chars, i) else {
                return false;
            };
            if chars[s..e].iter().all(char::is_ascii_digit) || self.keyword_within(s, e) {
                return false;
            }
            let word = lowercase(&chars[s..e]);
            if NEGATIVE_WORDS.contains(&word.as_str())
                || NEGATIVE_STEMS.iter().any(|stem| word.starts_with(stem))
            {
                return true;
            }
            pos = s;
        }
        false
    }

    /// Alphanumeric codes, only right after a keyword ("Steam Guard code: 4F7KQ",
    /// "code is A7K2Q9"): capitals and digits, 4–8 long, with a digit, or 5–8 capitals
    /// without vowels (so no word) in a text that is not all capitals.
    fn alphanumeric_candidates(&self) -> Vec<Candidate> {
        let chars = self.chars();
        let n = chars.len();
        let mut out = Vec::new();
        for keyword in &self.keywords {
            let mut i = skip_intro(chars, keyword.word_end);
            if let Some((s, e)) = word_at(chars, i)
                && FILLERS.contains(&lowercase(&chars[s..e]).as_str())
            {
                i = skip_intro(chars, e);
            }
            if i > 0 && chars[i - 1].is_ascii_alphanumeric() {
                continue; // glued to the keyword: "OTP1A2B"
            }
            let mut j = i;
            while j < n && j - i <= 8 && chars[j].is_ascii_alphanumeric() {
                j += 1;
            }
            let token = &chars[i..j];
            if !(4..=8).contains(&token.len()) || self.masked(i, j) {
                continue;
            }
            if let Some(&a) = chars.get(j) {
                let after_a = chars.get(j + 1).copied();
                if a.is_ascii_alphanumeric()
                    || a == '_'
                    || a == '@'
                    || (matches!(a, '-' | '/' | '+')
                        && after_a.is_some_and(|c| c.is_ascii_alphanumeric()))
                {
                    continue;
                }
            }
            if !token
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            {
                continue;
            }
            let digits = token.iter().filter(|c| c.is_ascii_digit()).count();
            let vowels = token
                .iter()
                .filter(|c| matches!(c, 'A' | 'E' | 'I' | 'O' | 'U'))
                .count();
            let accepted = match digits {
                0 => token.len() >= 5 && vowels == 0 && !self.shouting,
                d => d < token.len(),
            };
            if accepted {
                out.push(Candidate {
                    start: i,
                    end: j,
                    code: token.iter().collect(),
                    digits,
                    needs_keyword: false,
                    distance: Some(0),
                });
            }
        }
        out
    }

    /// How far the nearest keyword is from the span, in words (sentence ends count extra),
    /// or `None` when there is none within reach.
    fn keyword_distance(&self, start: usize, end: usize) -> Option<u32> {
        let chars = self.chars();
        let before = self.keywords.partition_point(|k| k.word_end <= start);
        let before = before
            .checked_sub(1)
            .and_then(|i| self.keywords.get(i))
            .and_then(|k| gap_cost(chars, k.word_end, start));
        let after = self.keywords.partition_point(|k| k.word_start < end);
        let after = self
            .keywords
            .get(after)
            .and_then(|k| gap_cost(chars, end, k.word_start));
        match (before, after) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn keyword_ends_at(&self, pos: usize) -> bool {
        let i = self.keywords.partition_point(|k| k.end < pos);
        self.keywords.get(i).is_some_and(|k| k.end == pos)
    }

    fn keyword_within(&self, start: usize, end: usize) -> bool {
        let i = self.keywords.partition_point(|k| k.word_end <= start);
        self.keywords.get(i).is_some_and(|k| k.word_start < end)
    }
}

/// The value of a run of ASCII digits (saturating; only compared with small ranges).
fn digits_value(digits: &[char]) -> u32 {
    digits
        .iter()
        .filter_map(|c| c.to_digit(10))
        .fold(0u32, |acc, d| acc.saturating_mul(10).saturating_add(d))
}

/// The separator at `pos` between two digit groups, with its length.
fn separator_at(chars: &[char], pos: usize) -> Option<(Separator, usize)> {
    let c = *chars.get(pos)?;
    let next = chars.get(pos + 1).copied();
    Some(match c {
        ' ' | '-' if next == Some('(') => (Separator::Parenthesis, 2),
        ' ' => (Separator::Space, 1),
        '-' => (Separator::Hyphen, 1),
        ')' if matches!(next, Some(' ' | '-')) => (Separator::Parenthesis, 2),
        '(' | ')' => (Separator::Parenthesis, 1),
        '.' | ',' | '/' | ':' | '\'' | '’' | '–' | '—' => (Separator::Punctuation, 1),
        _ => return None,
    })
}

/// The start of a 1–3 capital letter prefix ending before the hyphen at `hyphen` ("G-",
/// "FB-"), standing on its own; `None` when the letters are part of something longer.
fn letter_prefix(chars: &[char], hyphen: usize) -> Option<usize> {
    let mut p = hyphen;
    while p > 0 && hyphen - p < 4 && chars[p - 1].is_ascii_uppercase() {
        p -= 1;
    }
    if !(1..=3).contains(&(hyphen - p)) {
        return None;
    }
    if let Some(&c) = p.checked_sub(1).and_then(|i| chars.get(i))
        && (c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '@' | '.' | '/' | '+'))
    {
        return None;
    }
    Some(p)
}

/// Skips what may stand between a keyword and its code: spaces, colons, dashes, brackets.
fn skip_intro(chars: &[char], from: usize) -> usize {
    let mut i = from;
    while i < chars.len()
        && i - from < 4
        && matches!(
            chars[i],
            ' ' | '\n'
                | '\t'
                | ':'
                | '：'
                | '-'
                | '–'
                | '—'
                | '='
                | '['
                | '('
                | '「'
                | '【'
                | '"'
                | '«'
                | '“'
        )
    {
        i += 1;
    }
    i
}

/// The cost of the text between a keyword and a candidate: one per word (long runs of
/// unspaced scripts a little more), two per sentence end; `None` past [`MAX_GAP`] or 120
/// characters.
fn gap_cost(chars: &[char], from: usize, to: usize) -> Option<u32> {
    if to < from || to - from > 120 {
        return (to < from).then_some(0);
    }
    let mut cost = 0u32;
    let mut run = 0u32;
    for &c in &chars[from..to] {
        if is_word(c) {
            if run == 0 {
                cost += 1;
            }
            if is_unspaced(c) {
                run += 1;
                if run.is_multiple_of(4) {
                    cost += 1;
                }
            } else {
                run = run.max(1);
            }
        } else {
            run = 0;
            if is_sentence_end(c) {
                cost += 2;
            }
        }
    }
    (cost <= MAX_GAP).then_some(cost)
}

/// The furthest a keyword may be from its code, in [`gap_cost`] units.
const MAX_GAP: u32 = 8;

/// Mostly capitals: then capitalised tokens are not told apart from words.
fn is_shouting(chars: &[char]) -> bool {
    let upper = chars.iter().filter(|c| c.is_ascii_uppercase()).count();
    let lower = chars.iter().filter(|c| c.is_ascii_lowercase()).count();
    upper > lower
}

/// A currency sign: next to it a number is an amount ("$1,234", "€ 25", "1 500 ₽").
fn is_currency_sign(c: char) -> bool {
    CURRENCY_SIGNS.contains(c)
}

/// Signs after which a number is a phone (+), a reference (#, №), a masked card (*, •) or a
/// copyright year (©).
fn is_excluding_sign(c: char) -> bool {
    matches!(
        c,
        '+' | '#' | '№' | '*' | '•' | '·' | '©' | '®' | '＃' | '＊'
    )
}

/// A currency code in capitals or a currency name in any case; `word` as written.
fn is_currency_word(word: &str) -> bool {
    if CURRENCY_CODES.contains(&word) {
        return true;
    }
    let lower = word.to_lowercase();
    CURRENCY_WORDS.contains(&lower.as_str())
        || CURRENCY_STEMS.iter().any(|stem| lower.starts_with(stem))
}

/// A unit or counted thing (`word` lowercased): "minutes", "баллов", "นาที".
fn is_unit_word(word: &str) -> bool {
    UNIT_WORDS.contains(&word) || UNIT_STEMS.iter().any(|stem| word.starts_with(stem))
}
