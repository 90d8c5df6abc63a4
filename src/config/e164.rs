//! Phone numbers written internationally (with '+'), as E.164: the shape a written number
//! may have, and its reading in the numbering plans.
//!
//! Why in the configuration: `[numbers]` holds such numbers and is checked, and rewritten
//! in canonical form, when the file is loaded. The inventory's reading of every other form
//! a number arrives in (national, without '+', inside USSD answers) builds on these pieces,
//! so that the shape and validity rules exist once.
//!
//! Parsing and validity come from the `phonenumber` crate (the libphonenumber metadata):
//! only numbers that are valid in their country's numbering plan are accepted, so a
//! balance, a date or a truncated number is refused rather than stored.

use phonenumber::{Mode, PhoneNumber};

/// Why a text is not a phone number we can store.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    /// Characters other than digits, one leading '+' and the usual separators (space, '-',
    /// '.', '/', parentheses), or no digits at all.
    #[error("'{input}' is not a phone number: {reason}")]
    Malformed {
        /// The text as given.
        input: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The country hint is not an ISO 3166 alpha-2 code the numbering metadata knows.
    #[error("'{country}' is not a country code with a known numbering plan")]
    UnknownCountry {
        /// The hint as given.
        country: String,
    },
    /// Well formed, but not a valid number of any numbering plan it could belong to.
    #[error("'{input}' is not a valid phone number{}", country_suffix(country.as_deref()))]
    Invalid {
        /// The text as given.
        input: String,
        /// The country it was read in, if one was given.
        country: Option<String>,
    },
}

fn country_suffix(country: Option<&str>) -> String {
    country.map(|c| format!(" in {c}")).unwrap_or_default()
}

/// The most digits a written number can carry: 15 for E.164 itself plus an international
/// prefix (`00`, `011`, `810`) in front.
const MAX_DIGITS: usize = 18;

/// The fewest digits of a number worth parsing: shorter strings are service codes, balances
/// or parts of dates, never a SIM's number.
const MIN_DIGITS: usize = 6;

/// Splits a written number into "had a leading '+'" and its digits, refusing anything that
/// is not a number written by a person or a modem.
///
/// Why by hand: the parser is handed only `+?[0-9]{6,18}`, a shape it is known to handle,
/// never free text (it reads letters as vanity digits and "ext." as extensions, neither of
/// which a SIM's number has).
pub(crate) fn strip(raw: &str) -> Result<(bool, String), NumberError> {
    let malformed = |reason| NumberError::Malformed {
        input: raw.to_owned(),
        reason,
    };
    let text = raw.trim();
    let (plus, body) = match text.strip_prefix('+') {
        // `+49 (0)151 ...`: the "(0)" is the trunk prefix, shown for national dialling only.
        Some(rest) => (true, rest.replacen("(0)", "", 1)),
        None => (false, text.to_owned()),
    };
    let mut digits = String::with_capacity(body.len());
    for c in body.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '\u{a0}' | '\t' | '-' | '.' | '/' | '(' | ')' => {}
            '+' => return Err(malformed("'+' anywhere but at the start")),
            _ => return Err(malformed("characters other than digits and separators")),
        }
    }
    if digits.len() < MIN_DIGITS {
        return Err(malformed("too few digits"));
    }
    if digits.len() > MAX_DIGITS {
        return Err(malformed("too many digits"));
    }
    Ok((plus, digits))
}

/// Valid in its numbering plan, without an extension, and within E.164's 15 digits (the
/// metadata allows longer German numbers than E.164 does).
pub(crate) fn is_valid(number: &PhoneNumber) -> bool {
    number.extension().is_none() && number.is_valid() && e164(number).len() <= 16
}

/// `digits` read as an E.164 number without its '+'.
///
/// Known limit of `phonenumber` 0.3.10: it strips a trunk prefix even after the country
/// code, so Russian numbers whose significant number starts with 8 (`+7 800`, `+7 812`)
/// come out invalid and are refused. No mobile number is affected (Russian mobiles start
/// with 9).
pub(crate) fn international(digits: &str) -> Option<PhoneNumber> {
    phonenumber::parse(None, format!("+{digits}"))
        .ok()
        .filter(is_valid)
}

/// A parsed number written as E.164 with '+'.
pub(crate) fn e164(number: &PhoneNumber) -> String {
    number.format().mode(Mode::E164).to_string()
}

/// `raw`, a number written with '+' (`+49 151 12345678`, `+7 (916) 123-45-67`), as E.164,
/// e.g. `+4915112345678`.
///
/// # Errors
/// [`NumberError::Malformed`] for text that is not a written number, [`NumberError::Invalid`]
/// when it is no valid number of the plan its country code names.
pub fn international_number(raw: &str) -> Result<String, NumberError> {
    let (_, digits) = strip(raw)?;
    international(&digits)
        .map(|number| e164(&number))
        .ok_or_else(|| NumberError::Invalid {
            input: raw.to_owned(),
            country: None,
        })
}
