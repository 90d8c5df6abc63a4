//! One-time codes in SMS text: which part of a received message is the code the renter waits
//! for, so the ordering backend's stream can show it without the customer reading the SMS.
//!
//! This module owns the extraction rules and nothing else: it gets the full text of one SMS
//! (already decoded and joined by the store) and answers with the code or `None`. It is
//! pure: no I/O, no state between calls, no panics on any input.
//!
//! The built-in rules look for digit codes (4–8 digits, "123-456", "123 456", letter
//! prefixed "G-123456") and, conservatively, alphanumeric codes introduced by a keyword
//! ("code: A7K2Q9"). They reject what SMS texts are full of that is not a code: phone
//! numbers, dates, times, amounts, percentages, years, links, reference numbers and digits
//! inside longer tokens (order ids, the app hash Android's SMS Retriever wants at the end of
//! the message). Among what is left, the candidate nearest a code keyword (in the languages
//! the racks' SIMs receive SMS in) wins; without a keyword, a 6-digit code, then the first.
//! Services whose texts the defaults get wrong are given their own regexes in the config
//! file ([`CodeExtractor::with_patterns`]); those are tried first.

use std::collections::HashMap;

use regex::Regex;

/// Compiled extraction rules: the defaults plus per-service patterns from config.
///
/// Why a value and not free functions: the regexes are compiled once (by [`Self::new`] or
/// [`Self::with_patterns`]) and reused for every SMS, and the per-service patterns come
/// from the configuration file, so they live with the daemon's other configured state.
#[derive(Debug, Clone)]
pub struct CodeExtractor {
    /// Every code keyword of [`KEYWORDS`], case-insensitive, longest first.
    keywords: Regex,
    /// Links and domain names, whose digits are never codes.
    links: Regex,
    /// Per-service patterns keyed by the lowercased service name, in configured order.
    services: HashMap<String, Vec<Regex>>,
}

/// A per-service pattern that did not compile (config error): names the service and the regex
/// error.
///
/// Why its own type: the configuration check reports it to the operator, who needs to know
/// which service's which pattern to fix, not just that "a regex" failed.
#[derive(Debug, thiserror::Error)]
#[error("one-time code pattern {pattern:?} of service {service:?} does not compile: {reason}")]
pub struct PatternError {
    /// The service name as configured.
    pub service: String,
    /// The pattern as configured.
    pub pattern: String,
    /// The regex compiler's explanation.
    pub reason: String,
}

impl Default for CodeExtractor {
    /// The built-in rules only, as [`CodeExtractor::new`]: what a daemon without per-service
    /// patterns in its configuration uses.
    fn default() -> Self {
        Self::new()
    }
}

impl CodeExtractor {
    /// Only the built-in rules.
    ///
    /// Why: most services' texts are covered by the defaults; a configuration without
    /// per-service patterns needs nothing else. Compiles the built-in regexes once.
    pub fn new() -> CodeExtractor {
        CodeExtractor {
            keywords: compile_constant(&keyword_pattern()),
            links: compile_constant(LINK_PATTERN),
            services: HashMap::new(),
        }
    }

    /// Built-in rules plus per-service patterns: `patterns` maps a service name (matched
    /// case-insensitively, e.g. "whatsapp") to regexes tried in order before the defaults;
    /// the code is capture group named `code` if present, else group 1, else the whole match.
    ///
    /// Why: a service whose texts the defaults misread is fixed in the configuration, not in
    /// a release. The patterns see the text after normalisation (other scripts' digits and
    /// full-width letters as ASCII, invisible format characters removed), so `\d` and
    /// `[0-9]` both work. A name given twice adds to its list. Errors name the first pattern
    /// that does not compile.
    pub fn with_patterns<'a>(
        patterns: impl IntoIterator<Item = (&'a str, &'a [String])>,
    ) -> Result<CodeExtractor, PatternError> {
        let mut extractor = CodeExtractor::new();
        for (service, list) in patterns {
            let key = service_key(service);
            for pattern in list {
                let regex = Regex::new(pattern).map_err(|error| PatternError {
                    service: service.to_owned(),
                    pattern: pattern.clone(),
                    reason: error.to_string(),
                })?;
                extractor
                    .services
                    .entry(key.clone())
                    .or_default()
                    .push(regex);
            }
        }
        Ok(extractor)
    }

    /// The code in `text` for `service` (None = no service-specific rules), or None.
    /// The returned code is normalised for typing: separators inside the code are kept as the
    /// sender wrote them ("123-456" stays "123-456", "G-123456" stays "G-123456").
    ///
    /// Why `None` rather than a guess: the customer is shown this code as the answer; a
    /// wrong number (a price, a phone number, a date) is worse than showing the SMS text.
    /// Digits of other scripts (Arabic-Indic, Devanagari, full-width, ...) come back as
    /// ASCII digits, and a non-breaking space inside "123 456" as a plain space.
    pub fn extract(&self, service: Option<&str>, text: &str) -> Option<String> {
        let text = Text::new(text);
        if let Some(patterns) = service.and_then(|name| self.services.get(&service_key(name))) {
            for regex in patterns {
                if let Some(code) = capture_code(regex, &text.string) {
                    return Some(code);
                }
            }
        }
        self.extract_default(&text)
    }

    /// The built-in rules on normalised text.
    fn extract_default(&self, text: &Text) -> Option<String> {
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

/// Compiles a built-in, constant pattern.
///
/// Only for patterns written in this file (and [`keyword_pattern`], built from the constant
/// [`KEYWORDS`] with every keyword escaped): they compile, which the tests check by building
/// a [`CodeExtractor`], so the `expect` cannot fire in a build that passed its tests.
fn compile_constant(pattern: &str) -> Regex {
    Regex::new(pattern).expect("built-in pattern compiles") // ok: constants of this file, all built by the tests
}

/// The service name as the per-service table keys it: trimmed and lowercased.
fn service_key(service: &str) -> String {
    service.trim().to_lowercase()
}

/// The code a per-service pattern finds: group `code` if the pattern has one, else group 1
/// if it has groups, else the whole match; `None` when it does not match or the group is
/// empty or did not take part.
fn capture_code(regex: &Regex, text: &str) -> Option<String> {
    let caps = regex.captures(text)?;
    let group = if regex.capture_names().flatten().any(|name| name == "code") {
        caps.name("code")
    } else if regex.captures_len() > 1 {
        caps.get(1)
    } else {
        caps.get(0)
    };
    let code = group?.as_str().trim();
    (!code.is_empty()).then(|| code.to_owned())
}

/// The SMS text after normalisation, as characters (for looking at neighbours) and as a
/// string (for the regexes), with the map between the two.
struct Text {
    chars: Vec<char>,
    string: String,
    /// Byte offset in `string` of each character, then `string.len()`.
    offsets: Vec<usize>,
}

impl Text {
    fn new(raw: &str) -> Text {
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
    fn char_index(&self, byte: usize) -> usize {
        match self.offsets.binary_search(&byte) {
            Ok(i) | Err(i) => i.min(self.chars.len()),
        }
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

/// The word whose last character is just before `end` (`end` excluded), if `end` follows a
/// word character; at most 24 characters of it.
fn word_ending_at(chars: &[char], end: usize) -> Option<(usize, usize)> {
    let mut s = end;
    while s > 0 && end - s < 24 && is_word(chars[s - 1]) {
        s -= 1;
    }
    (s < end).then_some((s, end))
}

/// The word starting at `start`, if a word character is there; at most 24 characters.
fn word_at(chars: &[char], start: usize) -> Option<(usize, usize)> {
    let mut e = start;
    while e < chars.len() && e - start < 24 && is_word(chars[e]) {
        e += 1;
    }
    (e > start).then_some((start, e))
}

/// The previous word before `pos`, across at most three non-word characters.
fn word_before(chars: &[char], pos: usize) -> Option<(usize, usize)> {
    let mut i = pos.min(chars.len());
    while i > 0 && pos - i < 3 && !is_word(chars[i - 1]) {
        i -= 1;
    }
    word_ending_at(chars, i)
}

/// The next word from `pos`, across at most three non-word characters.
fn word_after(chars: &[char], pos: usize) -> Option<(usize, usize)> {
    let mut i = pos;
    while i < chars.len() && i - pos < 3 && !is_word(chars[i]) {
        i += 1;
    }
    word_at(chars, i)
}

/// The characters lowercased, for comparing with the word lists.
fn lowercase(chars: &[char]) -> String {
    chars.iter().flat_map(|c| c.to_lowercase()).collect()
}

/// Mostly capitals: then capitalised tokens are not told apart from words.
fn is_shouting(chars: &[char]) -> bool {
    let upper = chars.iter().filter(|c| c.is_ascii_uppercase()).count();
    let lower = chars.iter().filter(|c| c.is_ascii_lowercase()).count();
    upper > lower
}

/// One character of the normalised text: other scripts' decimal digits and full-width
/// letters as ASCII, odd spaces as a space, invisible format characters dropped.
fn normalise_char(c: char) -> Option<char> {
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

/// Code points of digit zero of the scripts whose digits are read as ASCII: Arabic-Indic,
/// Extended Arabic-Indic (Persian, Urdu), N'Ko, Devanagari, Bengali, Gurmukhi, Gujarati,
/// Oriya, Tamil, Telugu, Kannada, Malayalam, Sinhala, Thai, Lao, Tibetan, Myanmar (two),
/// Khmer, Mongolian, full-width.
const DIGIT_ZEROS: &[u32] = &[
    0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66,
    0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0xFF10,
];

/// A character of a word: letters, digits, and combining marks (vowel signs of Indic and
/// Thai scripts, Arabic harakat), which `char::is_alphanumeric` does not count.
fn is_word(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(u32::from(c),
            0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A
            | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06ED | 0x0900..=0x0963 | 0x0966..=0x0DFF
            | 0x0E31..=0x0E3A | 0x0E47..=0x0E4E | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF
            | 0x20D0..=0x20FF | 0x3099..=0x309A | 0xFE20..=0xFE2F)
}

/// A word character that is not an ASCII digit (other digits are ASCII by now).
fn is_letter(c: char) -> bool {
    is_word(c) && !c.is_ascii_digit()
}

/// A letter of a script written with spaces between words (a keyword's word extends over
/// these: "kodunuz", "인증번호는"), as opposed to Chinese, Japanese, Thai and the like.
fn is_spaced_letter(c: char) -> bool {
    is_letter(c) && !is_unspaced(c)
}

/// Scripts written without spaces between words.
fn is_unspaced(c: char) -> bool {
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
fn is_sentence_end(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | '\n' | '。' | '！' | '？' | '｡' | '।' | '॥' | '؟'
    )
}

/// A currency sign: next to it a number is an amount ("$1,234", "€ 25", "1 500 ₽").
fn is_currency_sign(c: char) -> bool {
    CURRENCY_SIGNS.contains(c)
}

/// Currency signs, including the full-width forms Chinese and Japanese texts use.
const CURRENCY_SIGNS: &str = "$€£¥₽₹₩₺₫฿₴₸₦₱¢₪₡₲₵₭₮₼₾﷼＄￥￡￦";

/// Signs after which a number is a phone (+), a reference (#, №), a masked card (*, •) or a
/// copyright year (©).
fn is_excluding_sign(c: char) -> bool {
    matches!(
        c,
        '+' | '#' | '№' | '*' | '•' | '·' | '©' | '®' | '＃' | '＊'
    )
}

/// CJK counters and units that make a number a quantity when they follow it ("2026年",
/// "5000원", "100元", "30分").
const CJK_COUNTERS: &str =
    "年月日时時分秒元円圆块塊万萬亿億个個件次号號人名位倍回天周週点點岁歳원분초년월일개명회";

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

/// Code keywords, lowercased, with whether they must start a word and end a word. Matched
/// case-insensitively anywhere else ("Bestätigungscode", "验证码123456").
const KEYWORDS: &[(&str, bool, bool)] = &[
    // Latin script.
    ("code", false, false),
    ("cod", true, false), // código, codice, codigo, codul
    ("kod", true, false), // kod, kodu, kodunuz, kode, kodem
    ("kód", true, false),
    ("koodi", true, false),
    ("otp", true, true),
    ("pin", true, true),
    ("tan", true, true),
    ("mtan", true, true),
    ("token", true, true),
    ("passw", true, false), // password, Passwort
    ("senha", true, false),
    ("contraseña", true, false),
    ("contrasena", true, false),
    ("clave", true, true),
    ("parol", true, false),
    ("hasło", true, false),
    ("haslo", true, false),
    ("şifre", true, false),
    ("sifre", true, false),
    ("verif", true, false), // verification, verify, verificación, verifica, verifikasi
    ("vérif", true, false),
    ("weryfik", true, false),
    ("doğrulama", true, false),
    ("dogrulama", true, false),
    ("confirm", true, false),
    ("bestätigung", true, false),
    ("mã", true, true),
    ("xác minh", true, true),
    ("xác thực", true, true),
    ("xac minh", true, true),
    ("xac thuc", true, true),
    ("kích hoạt", true, true),
    ("kich hoat", true, true),
    // Cyrillic, Greek, Hebrew, Arabic script.
    ("код", false, false),
    ("пин", true, true),
    ("парол", false, false),
    ("подтвержд", false, false),
    ("підтвердж", false, false),
    ("доступ", false, false),
    ("κωδικ", true, false),
    ("קוד", false, false),
    ("رمز", false, false),
    ("كود", false, false),
    ("التحقق", false, false),
    ("کد", true, true),
    // Devanagari.
    ("कोड", false, false),
    ("ओटीपी", false, false),
    ("सत्यापन", false, false),
    ("पासवर्ड", false, false),
    // Chinese.
    ("验证码", false, false),
    ("驗證碼", false, false),
    ("校验码", false, false),
    ("校驗碼", false, false),
    ("动态码", false, false),
    ("動態碼", false, false),
    ("认证码", false, false),
    ("認證碼", false, false),
    ("确认码", false, false),
    ("確認碼", false, false),
    ("激活码", false, false),
    ("密码", false, false),
    ("密碼", false, false),
    // Japanese.
    ("コード", false, false),
    ("認証番号", false, false),
    ("確認番号", false, false),
    ("暗証番号", false, false),
    ("パスワード", false, false),
    ("ワンタイム", false, false),
    // Korean.
    ("인증번호", false, false),
    ("인증 번호", false, false),
    ("인증코드", false, false),
    ("확인번호", false, false),
    ("비밀번호", false, false),
    ("코드", false, false),
    ("인증", false, false),
    // Thai.
    ("รหัส", false, false),
    ("โอทีพี", false, false),
];

/// The keyword alternation: every keyword escaped, longest first so that "인증번호" wins
/// over "인증" and "code" over "cod" at the same position.
fn keyword_pattern() -> String {
    let mut words: Vec<&str> = KEYWORDS.iter().map(|&(w, _, _)| w).collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    let alternatives: Vec<String> = words.iter().map(|w| regex::escape(w)).collect();
    format!("(?i)(?:{})", alternatives.join("|"))
}

/// Links: a scheme URL, a "www." address, or a domain name with an optional path. Domains
/// are checked further in [`CodeExtractor::masks`] ("123456.Don't" is no domain).
const LINK_PATTERN: &str = r"(?i)(?P<scheme>\b[a-z][a-z0-9+.\-]*://[\x21-\x7e]*|\bwww\.[\x21-\x7e]*)|\b(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+(?P<tld>[a-z]{2,})\b(?P<path>[/?#][\x21-\x7e]*)?";

/// Top-level domains that make "name.tld" a domain even without a path.
const KNOWN_TLDS: &[&str] = &[
    "com", "net", "org", "info", "biz", "io", "co", "me", "ru", "su", "ua", "by", "kz", "uz", "in",
    "id", "vn", "th", "cn", "jp", "kr", "tw", "hk", "sg", "my", "ph", "br", "mx", "ar", "cl", "tr",
    "pl", "de", "fr", "it", "es", "pt", "nl", "be", "ch", "at", "uk", "eu", "us", "ca", "au", "nz",
    "za", "ng", "ke", "eg", "sa", "ae", "app", "dev", "ai", "ly", "gl", "gg", "to", "link", "page",
    "site", "online", "store", "shop", "xyz", "cc", "tv", "fm", "pro",
];

/// Stems that turn a code keyword into another kind of code when they start the keyword's
/// word, the word before or the word after ("promo code", "código postal", "промокод",
/// "รหัสอ้างอิง").
const CANCELLING: &[&str] = &[
    "promo",
    "промо",
    "coupon",
    "купон",
    "voucher",
    "ваучер",
    "gift",
    "подар",
    "discount",
    "скидк",
    "rabat",
    "descuento",
    "desconto",
    "sconto",
    "réduction",
    "indirim",
    "referral",
    "реферал",
    "invite",
    "приглас",
    "ref",
    "postcode",
    "postal",
    "post",
    "pocztow",
    "почтов",
    "zip",
    "barcode",
    "штрих",
    "qr",
    "area",
    "country",
    "ifsc",
    "swift",
    "sort",
    "bic",
    "iban",
    "tracking",
    "трек",
    "source",
    "อ้างอิง",
    "ไปรษณีย์",
];

/// Words that, just before a number, make it a reference, a phone, a card or an amount.
const NEGATIVE_WORDS: &[&str] = &[
    "no", "nr", "nº", "tel", "тел", "ph", "fax", "id", "stop", "стоп", "help", "text", "x", "ref",
    "bic",
];

/// Stems of words that, just before a number, make it a reference, a phone, a card or an
/// amount.
const NEGATIVE_STEMS: &[&str] = &[
    "order",
    "заказ",
    "pedido",
    "commande",
    "bestell",
    "zamówien",
    "zamowien",
    "sipariş",
    "siparis",
    "pesanan",
    "ordine",
    "track",
    "parcel",
    "посылк",
    "shipment",
    "отправлен",
    "sendung",
    "przesył",
    "kargo",
    "resi",
    "rastreio",
    "suivi",
    "invoice",
    "reference",
    "card",
    "карт",
    "cartão",
    "cartao",
    "tarjeta",
    "carta",
    "karta",
    "karty",
    "kart",
    "thẻ",
    "account",
    "acct",
    "счет",
    "счёт",
    "rekening",
    "conta",
    "cuenta",
    "konto",
    "ending",
    "заканчива",
    "call",
    "звон",
    "позвон",
    "телефон",
    "phone",
    "hotline",
    "balance",
    "баланс",
    "saldo",
    "bakiye",
    "amount",
    "сумм",
    "total",
    "итого",
    "price",
    "цена",
    "стоимост",
    "unsubscribe",
    "отписк",
    "reply",
    "flight",
    "рейс",
    "ticket",
    "билет",
    "seat",
    "room",
    "promo",
    "промо",
    "coupon",
    "купон",
    "voucher",
    "ваучер",
    "gift",
    "подар",
    "discount",
    "скидк",
    "referral",
    "реферал",
    "invite",
    "приглас",
    "postal",
    "почтов",
    "pocztow",
    "zip",
    "iban",
    "ifsc",
    "swift",
    "tracking",
    "трек",
    "อ้างอิง",
];

/// Words between a keyword and an alphanumeric code ("code is A7K2Q9", "kod to AB12").
const FILLERS: &[&str] = &[
    "is",
    "es",
    "ist",
    "est",
    "é",
    "è",
    "e",
    "to",
    "jest",
    "là",
    "adalah",
    "lautet",
    "son",
    "são",
    "sont",
    "are",
    "это",
    "是",
    "为",
    "は",
    "คือ",
    "هو",
];

/// ISO 4217 codes (and common ticker symbols) next to which a number is an amount; only
/// written in capitals, so that "try 1234" or "pen 1234" stay words.
const CURRENCY_CODES: &[&str] = &[
    "USD", "EUR", "GBP", "RUB", "RUR", "INR", "IDR", "VND", "THB", "TRY", "TL", "YTL", "PLN",
    "UAH", "KZT", "CNY", "RMB", "JPY", "KRW", "SAR", "AED", "EGP", "QAR", "KWD", "OMR", "BHD",
    "JOD", "MYR", "RM", "SGD", "PHP", "BRL", "MXN", "ARS", "COP", "CLP", "PEN", "CHF", "SEK",
    "NOK", "DKK", "CZK", "HUF", "RON", "BGN", "NGN", "KES", "ZAR", "USDT", "USDC", "BTC", "ETH",
];

/// Currency abbreviations and names (lowercased) next to which a number is an amount.
const CURRENCY_WORDS: &[&str] = &[
    "rs", "rp", "vnđ", "đ", "zł", "zl", "грн", "тг", "kč", "лв", "р", "руб", "dong", "đồng",
    "baht", "rupiah", "ringgit", "peso", "pesos", "reais", "lira", "rupees", "rupee", "रु", "원",
    "元", "円", "块",
];

/// Stems of currency names.
const CURRENCY_STEMS: &[&str] = &[
    "руб",
    "rubl",
    "roubl",
    "долл",
    "dollar",
    "euro",
    "евро",
    "rupee",
    "рупи",
    "грив",
    "тенге",
    "złot",
    "zlot",
    "บาท",
    "ريال",
    "درهم",
    "جنيه",
    "دينار",
    "रुपय",
    "रुपए",
];

/// Units and counted things next to which a number is a quantity ("1440 minutes",
/// "1000 points").
const UNIT_WORDS: &[&str] = &[
    "min", "mins", "minute", "minutes", "minuto", "minutos", "minuti", "minuten", "minut",
    "minuty", "dakika", "dk", "menit", "phút", "sec", "secs", "seconds", "segundos", "hr", "hrs",
    "hour", "hours", "horas", "ore", "stunden", "day", "days", "días", "dias", "giorni", "tage",
    "gb", "mb", "kb", "tb", "kg", "km", "pts", "points", "point", "puntos", "pontos", "punti",
    "punkte", "puan", "poin", "coins", "miles", "steps", "kcal", "г", "шт", "pcs",
];

/// Stems of units and counted things.
const UNIT_STEMS: &[&str] = &[
    "мин",
    "сек",
    "час",
    "дн",
    "сут",
    "балл",
    "бонус",
    "bonus",
    "гб",
    "мб",
    "км",
    "кг",
    "нед",
    "месяц",
    "минут",
    "นาที",
    "วัน",
    "ชั่วโมง",
    "कदम",
    "अंक",
    "दिन",
    "मिनट",
];

/// Month names and abbreviations (lowercased), in the languages of the keyword list.
const MONTHS: &[&str] = &[
    "jan",
    "january",
    "feb",
    "february",
    "mar",
    "march",
    "apr",
    "april",
    "may",
    "jun",
    "june",
    "jul",
    "july",
    "aug",
    "august",
    "sep",
    "sept",
    "september",
    "oct",
    "october",
    "nov",
    "november",
    "dec",
    "december",
    "январь",
    "января",
    "февраль",
    "февраля",
    "март",
    "марта",
    "апрель",
    "апреля",
    "май",
    "мая",
    "июнь",
    "июня",
    "июль",
    "июля",
    "август",
    "августа",
    "сентябрь",
    "сентября",
    "октябрь",
    "октября",
    "ноябрь",
    "ноября",
    "декабрь",
    "декабря",
    "янв",
    "фев",
    "мар",
    "апр",
    "июн",
    "июл",
    "авг",
    "сен",
    "сент",
    "окт",
    "ноя",
    "нояб",
    "дек",
    "січня",
    "лютого",
    "березня",
    "квітня",
    "травня",
    "червня",
    "липня",
    "серпня",
    "вересня",
    "жовтня",
    "листопада",
    "грудня",
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
    "janeiro",
    "fevereiro",
    "março",
    "maio",
    "junho",
    "julho",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "gennaio",
    "febbraio",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "settembre",
    "ottobre",
    "dicembre",
    "januar",
    "februar",
    "märz",
    "juni",
    "juli",
    "oktober",
    "dezember",
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
    "ocak",
    "şubat",
    "mart",
    "nisan",
    "mayıs",
    "haziran",
    "temmuz",
    "ağustos",
    "eylül",
    "ekim",
    "kasım",
    "aralık",
    "januari",
    "februari",
    "maret",
    "mei",
    "agustus",
    "desember",
];

/// Words for "year" before a year ("năm 2026", "tahun 2026").
const YEAR_BEFORE: &[&str] = &[
    "year", "năm", "tahun", "año", "ano", "anno", "jahr", "yıl", "yil", "год", "рік", "rok",
];

/// Words for "year" after a year ("2026 г.", "2026 roku").
const YEAR_AFTER: &[&str] = &[
    "г",
    "гг",
    "год",
    "года",
    "году",
    "р",
    "року",
    "рік",
    "roku",
    "rok",
    "r",
    "yılı",
    "yili",
    "yılında",
    "year",
    "jahr",
];

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Real-world OTP texts (modelled on what the services send) and the code a customer
    /// must be shown; `None` rows carry no code.
    const TABLE: &[(&str, Option<&str>)] = &[
        // English, global services.
        (
            "Your WhatsApp code: 123-456\nYou can also tap on this link to verify your phone: v.whatsapp.com/123456\nDon't share this code with others\n4sgLq1p5sV6",
            Some("123-456"),
        ),
        (
            "Telegram code: 12345\n\nYou can also tap on this link to log in:\nhttps://t.me/login/12345",
            Some("12345"),
        ),
        (
            "Login code: 54321. Do not give this code to anyone, even if they say they are from Telegram!\n\nThis code can be used to log in to your Telegram account. We never ask it for anything else.\n\nIf you didn't request this code by trying to log in on another device, simply ignore this message.",
            Some("54321"),
        ),
        (
            "G-123456 is your Google verification code.",
            Some("G-123456"),
        ),
        ("482913 is your Facebook code Laz+nxCarLW", Some("482913")),
        (
            "FB-48291 is your Facebook confirmation code",
            Some("FB-48291"),
        ),
        (
            "123 456 is your Instagram code. Don't share it.",
            Some("123 456"),
        ),
        (
            "Use 4817293 as Microsoft account security code",
            Some("4817293"),
        ),
        (
            "Your Apple ID Code is: 739201. Don't share it with anyone.",
            Some("739201"),
        ),
        (
            "Your Apple Account code is: 583920. Don't share it with anyone.\n\n@apple.com #583920 %apple.com",
            Some("583920"),
        ),
        (
            "482913 is your Amazon OTP. Don't share it with anyone.\n\n@amazon.com #482913",
            Some("482913"),
        ),
        (
            "Your Uber code: 4829. Never share this code. Reply STOP ABCD to 81753 to unsubscribe.",
            Some("4829"),
        ),
        (
            "[TikTok] 738291 is your verification code, valid for 5 minutes. To keep your account safe, never forward this code.",
            Some("738291"),
        ),
        (
            "Your Twitter confirmation code is 482913. Reply STOP to 40404 to stop getting SMS.",
            Some("482913"),
        ),
        ("Your X confirmation code is 582019", Some("582019")),
        ("Your Discord security code is: 691045", Some("691045")),
        ("Your Steam Guard code: 4F7KQ", Some("4F7KQ")),
        (
            "Steam Guard code: MVQRT\nIf you didn't try to log in, change your password.",
            Some("MVQRT"),
        ),
        (
            "Your one-time code: A7K2Q9. It expires in 10 minutes.",
            Some("A7K2Q9"),
        ),
        ("Your Tinder code is 553201 Don't share", Some("553201")),
        (
            "SIGNAL: Your code is: 238901 Do not share this code\n\ndoDiFGKPO1r",
            Some("238901"),
        ),
        (
            "Your Viber code is: 839201\nYou can also tap on this link to activate: viber://activate_secondary?code=839201",
            Some("839201"),
        ),
        (
            "PayPal: Your security code is: 123456. Your code expires in 10 minutes. Please don't reply.",
            Some("123456"),
        ),
        (
            "Revolut code: 482-913. Never share it, even with Revolut staff.",
            Some("482-913"),
        ),
        (
            "[Binance] Your verification code: 582937. The code is valid for 30 minutes. Never share it with anyone.",
            Some("582937"),
        ),
        (
            "Your Coinbase verification code is: 4829137. Don't share this code with anyone; our employees will never ask for the code.",
            Some("4829137"),
        ),
        (
            "Netflix: your sign-in code is 4829. It expires in 15 minutes.",
            Some("4829"),
        ),
        (
            "Your Airbnb verification code is: 582013. Don't share this code with anyone; we'll never ask for it.",
            Some("582013"),
        ),
        (
            "Booking.com: 482913 is your verification code. Do not share it.",
            Some("482913"),
        ),
        (
            "Your Bolt code is 2024. Don't share it with anyone.",
            Some("2024"),
        ),
        ("Bolt 4829\n\nbolt.eu/s/hT9x", Some("4829")),
        ("OTP123456 is valid for 10 minutes", Some("123456")),
        // Codes next to amounts, dates and phone numbers.
        (
            "123456 is your OTP for Paytm login. Valid for 10 min. Do not share. -Paytm",
            Some("123456"),
        ),
        (
            "OTP 482913 for transaction of INR 5,000.00 at AMAZON on 23-11-2026. Do not share with anyone. -HDFC Bank",
            Some("482913"),
        ),
        (
            "Dear Customer, OTP for your txn of Rs. 5000 at FLIPKART is 739104. Valid for 3 mins. Call 1800 425 3800 if not done by you.",
            Some("739104"),
        ),
        (
            "Your verification code is 4827. If you did not request it, call us at +1 650-253-0000.",
            Some("4827"),
        ),
        (
            "Your code 629104 is valid until 23.11.2026 12:45",
            Some("629104"),
        ),
        (
            "<#> Your Grab code is 4829. Do not share this code with anyone. Xy+1234/abc",
            Some("4829"),
        ),
        // Indonesian, Vietnamese, Thai.
        (
            "<#> Kode verifikasi GOJEK kamu: 4829. JANGAN KASIH kode ini ke siapa pun TERMASUK PIHAK GOJEK. pM3tk/1kAu+",
            Some("4829"),
        ),
        (
            "Kode verifikasi Shopee Anda adalah 482913. JANGAN BERIKAN kode ini kepada siapa pun termasuk pihak Shopee.",
            Some("482913"),
        ),
        (
            "Ma xac minh Shopee cua ban la 482913. Khong chia se ma nay voi bat ky ai.",
            Some("482913"),
        ),
        (
            "Mã xác thực (OTP) của bạn là 739201. Vui lòng không chia sẻ mã này cho bất kỳ ai.",
            Some("739201"),
        ),
        (
            "รหัส OTP คือ 482913 (Ref: KXWT) ใช้ภายใน 5 นาที",
            Some("482913"),
        ),
        ("รหัสยืนยันของ LINE คือ 5829", Some("5829")),
        // Chinese, Japanese, Korean.
        (
            "【微信】验证码384920，用于微信身份验证，5分钟内有效。",
            Some("384920"),
        ),
        (
            "【支付宝】您的验证码是：582013，请勿泄露给他人。",
            Some("582013"),
        ),
        (
            "【淘宝】验证码482913，您正在登录，2026年11月23日前有效。",
            Some("482913"),
        ),
        (
            "【蝦皮購物】您的驗證碼為 739201，請於5分鐘內輸入。",
            Some("739201"),
        ),
        (
            "[LINE] 認証番号：4829\nこの番号を他人に教えないでください。",
            Some("4829"),
        ),
        (
            "【Yahoo! JAPAN】確認コード：１２３４５６\u{3000}このコードは30分間有効です。",
            Some("123456"),
        ),
        (
            "[Web발신]\n[카카오톡] 인증번호 [582013]을(를) 입력해주세요.",
            Some("582013"),
        ),
        ("[네이버] 인증번호 [739201]를 입력해주세요.", Some("739201")),
        (
            "[Web발신]\n[토스] 인증번호 [482913] 50,000원 송금 확인을 위해 입력해주세요.",
            Some("482913"),
        ),
        // Arabic, Persian, Hebrew, Hindi.
        ("رمز التحقق الخاص بك في كريم هو 4829", Some("4829")),
        (
            "رمز التحقق الخاص بك هو ٤٨٢٩١٣. لا تشاركه مع أحد.",
            Some("482913"),
        ),
        ("کد تایید شما: ۴۸۲۹۱۳", Some("482913")),
        ("קוד האימות שלך הוא 482913", Some("482913")),
        (
            "आपका OTP 482913 है। इसे किसी के साथ साझा न करें। -Flipkart",
            Some("482913"),
        ),
        ("आपका सत्यापन कोड ७३९२०१ है।", Some("739201")),
        // Russian, Ukrainian.
        ("VK: 12345 - vash kod", Some("12345")),
        ("Kod: 12345. Nikomu ego ne soobshayte", Some("12345")),
        (
            "Перевод 5000р на карту *1234 Ivan I. Код 48291. Никому не сообщайте этот код.",
            Some("48291"),
        ),
        (
            "Ваш код подтверждения: 482913. Наберите его в поле ввода.",
            Some("482913"),
        ),
        (
            "Никому не говорите код 4829! Это код для входа на Авито.",
            Some("4829"),
        ),
        (
            "Код для входа в Wildberries: 582013. Никому его не сообщайте",
            Some("582013"),
        ),
        (
            "482913 — код для входа в Ozon. Не сообщайте его никому.",
            Some("482913"),
        ),
        (
            "Код подтверждения 7391. Действует до 23 ноября 2026 г. Госуслуги",
            Some("7391"),
        ),
        ("Ваш код для входу в Monobank: 5820", Some("5820")),
        // Spanish, Portuguese, French, Italian, German, Polish, Turkish.
        (
            "Tu código de WhatsApp: 482-913. No compartas este código con nadie.",
            Some("482-913"),
        ),
        (
            "Tu código de verificación de Mercado Libre es 739201. No lo compartas.",
            Some("739201"),
        ),
        (
            "Seu código de verificação do iFood é 4829. Não compartilhe com ninguém.",
            Some("4829"),
        ),
        (
            "Nubank: use o código 582013 para confirmar a compra de R$ 1.250,00 em 23/11.",
            Some("582013"),
        ),
        (
            "Votre code de vérification Leboncoin est 482913. Ne le communiquez à personne.",
            Some("482913"),
        ),
        ("Votre code Doctolib : 739201", Some("739201")),
        (
            "Il tuo codice di verifica Poste è 482913. Non condividerlo con nessuno.",
            Some("482913"),
        ),
        (
            "Ihr Bestätigungscode lautet: 482913. Bitte geben Sie ihn nicht weiter.",
            Some("482913"),
        ),
        (
            "Ihre mTAN für die Überweisung von 1.500,00 EUR an IBAN DE..1234 lautet 739201",
            Some("739201"),
        ),
        (
            "Twój kod weryfikacyjny Allegro to 582013. Nie podawaj go nikomu.",
            Some("582013"),
        ),
        (
            "Kod autoryzacyjny: 48291367. Przelew na kwotę 1500,00 PLN na rachunek 12 3456 7890.",
            Some("48291367"),
        ),
        (
            "Trendyol giriş doğrulama kodunuz: 482913. Bu kodu kimseyle paylaşmayın.",
            Some("482913"),
        ),
        (
            "1.250,00 TL tutarındaki işleminiz için tek kullanımlık şifreniz: 739201. Şifrenizi kimseyle paylaşmayınız.",
            Some("739201"),
        ),
        ("482913 Getir doğrulama kodunuzdur.", Some("482913")),
        // No code: marketing, delivery, balance, phone numbers.
        (
            "Скидка 20% на всё до 30.11.2026! Подробности по телефону 8 800 555 35 35",
            None,
        ),
        (
            "Your parcel 123456789012 is out for delivery. Track it: https://dhl.com/track/123456789012",
            None,
        ),
        (
            "Баланс: 1 500 ₽. Пополнение 500 руб. 23.11.2026 12:45",
            None,
        ),
        ("Your account balance is $1,234.56 as of 11/23.", None),
        (
            "Order #12345678 has shipped. Questions? Call +1 650-253-0000",
            None,
        ),
        (
            "Flash sale! 50% off until November 23, 2026. Shop now at shop.example.com/sale2026",
            None,
        ),
        (
            "Rs. 5000 credited to your a/c XX1234 on 23-11-2026. Avl bal: 12,500.00 INR",
            None,
        ),
        (
            "Ваш заказ 482913 доставлен в пункт выдачи. Срок хранения 5 дней.",
            None,
        ),
        (
            "Use promo code SALE2026 to get €25.00 off your next order!",
            None,
        ),
        (
            "Pagamento de R$ 1500 aprovado em 23/11/2026 às 12:45.",
            None,
        ),
        ("Reply STOP to 81753 to unsubscribe from Acme alerts.", None),
        (
            "您的订单已于2026年11月23日发货，快递单号 SF1234567890123。",
            None,
        ),
        (
            "Ваш PIN-код от карты не изменился. Вопросы: 8 800 555 35 35",
            None,
        ),
        (
            "Toplam 1500 TL harcama yaptınız. Kalan limitiniz 7500 TL.",
            None,
        ),
        ("Call 8 800 555 35 35 for free consultation", None),
        (
            "Акция до 31 декабря 2026 года! Получите 1000 бонусов на карту.",
            None,
        ),
        (
            "Your Uber trip on Nov 23 cost $12.50. Rate your driver at uber.com/rate",
            None,
        ),
        ("Verify your account at example.com/verify?id=482913", None),
        (
            "Gold 2350 USD/oz, silver 29.80 USD/oz. 1 USD = 92.5 RUB",
            None,
        ),
        (
            "Save 2000 points on your next booking! Offer ends 23.11.2026",
            None,
        ),
        (
            "Your electricity bill of 1234 руб is due on 23.11.2026",
            None,
        ),
        (
            "Распродажа: iPhone 15 за 89990 руб. Звоните: +7 (495) 123-45-67",
            None,
        ),
        ("Kargo takip numaranız: 1234567890123", None),
        ("Your order 12345678 will arrive on 23.11. Thank you!", None),
        ("Meeting moved to 14:30 on 2026-11-23, see you there", None),
    ];

    #[test]
    fn real_world_table() {
        let extractor = CodeExtractor::new();
        let mut failures = Vec::new();
        for (text, expected) in TABLE {
            let got = extractor.extract(None, text);
            if got.as_deref() != *expected {
                failures.push(format!("text {text:?}: expected {expected:?}, got {got:?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn table_is_big_and_has_negative_rows() {
        assert!(TABLE.len() >= 45);
        assert!(TABLE.iter().filter(|(_, code)| code.is_none()).count() >= 8);
    }

    #[test]
    fn builtin_patterns_compile() {
        assert!(Regex::new(&keyword_pattern()).is_ok());
        assert!(Regex::new(LINK_PATTERN).is_ok());
        let extractor = CodeExtractor::default();
        assert_eq!(
            extractor.extract(None, "Your code: 482913").as_deref(),
            Some("482913")
        );
    }

    #[test]
    fn without_keyword_prefers_six_digits_then_the_first() {
        let extractor = CodeExtractor::new();
        assert_eq!(
            extractor.extract(None, "Welcome! 4821 / 482913").as_deref(),
            Some("482913")
        );
        assert_eq!(
            extractor.extract(None, "Welcome! 4821 / 5930").as_deref(),
            Some("4821")
        );
        // A keyword decides over the 6-digit preference.
        assert_eq!(
            extractor
                .extract(None, "Ticket 482913 booked. Your code: 5930")
                .as_deref(),
            Some("5930")
        );
    }

    #[test]
    fn spaced_groups_need_a_keyword() {
        let extractor = CodeExtractor::new();
        assert_eq!(extractor.extract(None, "Более 100 000 клиентов"), None);
        assert_eq!(
            extractor.extract(None, "Код: 100 000").as_deref(),
            Some("100 000")
        );
    }

    #[test]
    fn context_rules() {
        let extractor = CodeExtractor::new();
        let cases: &[(&str, Option<&str>)] = &[
            ("Happy 2026!", None),
            ("Your code is 2026", Some("2026")),
            ("Questions? 555 0199", None),
            ("Promo code 4829 gives 20% off", None),
            ("Your ZIP code 94043 was updated", None),
            ("Tracking code: 48291034", None),
            ("Your PIN for card ending 1234 is 5678", Some("5678")),
            ("Your temporary password is K7M2PQ9X", Some("K7M2PQ9X")),
            ("Password: Ab12Cd34", None),
            ("CODE: VALID FOR 5 MIN", None),
            ("Your code is BLOCKED", None),
            ("Your code\u{a0}482\u{a0}913", Some("482 913")),
            ("Your code:4829", Some("4829")),
            ("Win 100000 rubles now!", None),
            ("Рейс SU 1234 задерживается", None),
        ];
        for (text, expected) in cases {
            let got = extractor.extract(None, text);
            assert_eq!(got.as_deref(), *expected, "text {text:?}");
        }
    }

    #[test]
    fn service_patterns_take_precedence() {
        let acme = vec![r"ACME-(?P<code>\d{4})".to_string()];
        let extractor = CodeExtractor::with_patterns([("Acme", acme.as_slice())]).unwrap();
        let text = "Your code 482913. ACME-1234";
        assert_eq!(
            extractor.extract(Some("acme"), text).as_deref(),
            Some("1234")
        );
        assert_eq!(
            extractor.extract(Some("ACME"), text).as_deref(),
            Some("1234")
        );
        assert_eq!(
            extractor.extract(Some(" Acme "), text).as_deref(),
            Some("1234")
        );
        assert_eq!(extractor.extract(None, text).as_deref(), Some("482913"));
        assert_eq!(
            extractor.extract(Some("other"), text).as_deref(),
            Some("482913")
        );
        // No match: the defaults answer.
        assert_eq!(
            extractor
                .extract(Some("acme"), "Your code 482913")
                .as_deref(),
            Some("482913")
        );
    }

    #[test]
    fn service_patterns_group_one_whole_match_and_order() {
        let group = vec![r"pin (\d+)".to_string()];
        let whole = vec![r"[A-Z]{2}\d{2}".to_string()];
        let ordered = vec![r"first (\d+)".to_string(), r"second (\d+)".to_string()];
        let extractor = CodeExtractor::with_patterns([
            ("a", group.as_slice()),
            ("b", whole.as_slice()),
            ("c", ordered.as_slice()),
        ])
        .unwrap();
        assert_eq!(
            extractor.extract(Some("a"), "your pin 77").as_deref(),
            Some("77")
        );
        assert_eq!(
            extractor.extract(Some("b"), "ref XY12 ok").as_deref(),
            Some("XY12")
        );
        assert_eq!(
            extractor.extract(Some("c"), "second 2 first 1").as_deref(),
            Some("1")
        );
        // Patterns see normalised digits.
        assert_eq!(
            extractor.extract(Some("a"), "your pin ٤٢").as_deref(),
            Some("42")
        );
    }

    #[test]
    fn bad_service_pattern_names_the_service() {
        let good = vec![r"\d{6}".to_string()];
        let bad = vec![r"code: (\d{6}".to_string()];
        let error = CodeExtractor::with_patterns([
            ("telegram", good.as_slice()),
            ("WhatsApp", bad.as_slice()),
        ])
        .unwrap_err();
        assert_eq!(error.service, "WhatsApp");
        assert_eq!(error.pattern, r"code: (\d{6}");
        assert!(!error.reason.is_empty());
        let message = error.to_string();
        assert!(message.contains("WhatsApp"), "{message}");
        assert!(message.contains(r"code: (\d{6}"), "{message}");
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let extractor = CodeExtractor::new();
        let long_digits = "7".repeat(100_000);
        let long_mixed = "code 1234 ".repeat(20_000);
        let long_word = "code".repeat(50_000);
        let odd = [
            "",
            " ",
            "1",
            "1234",
            "123456",
            "----",
            "::::",
            "+",
            "#",
            "G-",
            "-123456",
            "123456-",
            "😀😀😀 482913 😀",
            "\u{200b}\u{202e}482913",
            "code",
            "code:",
            "コード",
            "١٢٣٤",
            "1 2 3 4 5 6 7 8 9 0",
            "(((((1)))))",
            "https://",
            "www.",
            "a.b.c.d.e.f",
            "\u{0300}\u{0301}1234\u{0302}",
            "K\u{212a}\u{017f}.co/1234",
            long_digits.as_str(),
            long_mixed.as_str(),
            long_word.as_str(),
        ];
        for text in odd {
            let _ = extractor.extract(None, text);
            let _ = extractor.extract(Some("x"), text);
        }
        assert_eq!(extractor.extract(None, ""), None);
        assert_eq!(extractor.extract(None, &long_digits), None);
        assert_eq!(
            extractor.extract(None, &long_mixed).as_deref(),
            Some("1234")
        );
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,200}") {
            let _ = CodeExtractor::new().extract(None, &text);
        }

        #[test]
        fn never_panics_on_digit_soup(text in "[0-9 +()\\-.,:/#*a-zA-Z€$₽%]{0,80}") {
            let _ = CodeExtractor::new().extract(None, &text);
        }

        #[test]
        fn a_code_is_digits_or_capitals(text in "[0-9 a-zA-Zкод:.\\-]{0,80}") {
            if let Some(code) = CodeExtractor::new().extract(None, &text) {
                prop_assert!(code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' '));
            }
        }
    }
}
