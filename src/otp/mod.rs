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
//!
//! It imports nothing else of the crate: the pool holds a [`CodeExtractor`] and asks it.
//! Its files: `scan` (the built-in rules), `words` (their word lists and tables, as data),
//! `text` (normalisation, and what a word is), `services` (per-service patterns); `tests`
//! holds the table of real texts.

mod scan;
mod services;
#[cfg(test)]
mod tests;
mod text;
mod words;

use std::collections::HashMap;

use regex::Regex;

pub use services::PatternError;
use services::{capture_code, service_key};
use text::Text;
use words::KEYWORDS;

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
}

/// Compiles a built-in, constant pattern.
///
/// Only for patterns written in this file (and [`keyword_pattern`], built from the constant
/// [`KEYWORDS`] with every keyword escaped): they compile, which the tests check by building
/// a [`CodeExtractor`], so the `expect` cannot fire in a build that passed its tests.
fn compile_constant(pattern: &str) -> Regex {
    Regex::new(pattern).expect("built-in pattern compiles") // ok: constants of this file, all built by the tests
}

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
