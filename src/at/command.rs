//! Typed AT commands: what to write, how long to wait, and what the answer means.
//!
//! Each command the daemon sends is a type implementing [`Command`] (the FactbirdHQ/atat
//! model): its text (ITU-T V.250, 3GPP TS 27.007, TS 27.005, vendor manuals), its
//! [`TimeoutClass`], how many attempts it may take, and a parser that turns the information
//! lines the modem printed before `OK` into a typed response, or a [`ResponseError`] naming
//! the command, the line and what was expected.
//!
//! This module is pure: it neither writes to the port nor waits. Framing bytes into lines is
//! [`super::digest`]'s job; deciding which lines belong to the command in flight (and which
//! are URCs), applying the timeout and handling `ERROR` / `+CME ERROR` final results is the
//! command runner's; typed URCs are `urc`'s. The runner hands [`Command::parse`] only the
//! lines between the echo and the final `OK`.
//!
//! Parsers are lenient where real modems differ (optional `+CGSN: ` prefixes, quoted or bare
//! values, an empty `+CMGR` slot written two ways) and strict where a wrong value would be
//! dangerous (numbers that overflow, ICCIDs with stray characters): bad input is an error,
//! never a panic.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use super::digest::Event;
use super::fields::{Field, split as split_fields};
use super::urc::{
    RegistrationDomain, RegistrationResponse, SimStatus, parse_registration_response,
};

/// How long a command may take before the runner gives up on it.
///
/// Classes rather than per-command durations because the manuals give maximum response
/// times by kind of work: local settings answer at once, SIM and storage access waits on the
/// SIM card, network operations wait on the network, and an operator scan listens on every
/// band. The runner applies [`TimeoutClass::duration`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeoutClass {
    /// Settings and queries the module answers from its own state (`E0`, `+CMGF`, `+CSQ`,
    /// identity): 2 s. Vendor manuals give 300 ms for these; the margin covers a busy module.
    Quick,
    /// Access to the SIM or the message storage (`+CMGL`, `+CMGR`, `+CMGD`, `+CPMS`, `+CPIN=`):
    /// 30 s. A full SIM listed in PDU mode takes seconds on slow SIMs; Quectel documents up to
    /// 5 s for `+CPIN` and longer for listings of the whole store.
    Storage,
    /// Operations that wait on the network (`+CMGS`, `+CUSD`, `+CFUN`): 120 s, the maximum
    /// response time Quectel and SIMCom manuals give for `+CMGS` and `+CUSD`; `+CFUN=1,1`
    /// restarts the module and re-attaches, which takes the same order of time.
    Network,
    /// `+COPS=?` scans every band for operators: 180 s, the manuals' maximum.
    Scan,
}

impl TimeoutClass {
    /// The time the runner waits for the final result code.
    pub fn duration(self) -> Duration {
        match self {
            TimeoutClass::Quick => Duration::from_secs(2),
            TimeoutClass::Storage => Duration::from_secs(30),
            TimeoutClass::Network => Duration::from_secs(120),
            TimeoutClass::Scan => Duration::from_secs(180),
        }
    }
}

/// An AT command with its typed response.
pub trait Command {
    /// What a successful response means once parsed.
    type Response;

    /// The text to write, without the trailing CR (the runner adds it), e.g. `AT+CSQ`.
    fn text(&self) -> String;

    /// How long the command may take; see [`TimeoutClass`].
    fn timeout(&self) -> TimeoutClass;

    /// How many times the runner may send the command when it times out. One unless the
    /// command is a query with no side effect, so that nothing is done twice by accident.
    fn attempts(&self) -> u8 {
        1
    }

    /// Parses the information lines collected before `OK` (PDU pairs included), or says what
    /// was unexpected. A failing final result code never reaches here: it is the runner's.
    fn parse(&self, lines: &[ResponseLine]) -> Result<Self::Response, ResponseError>;

    /// The prefix of the information lines that answer this command, e.g. `+CPIN:` for
    /// `AT+CPIN?`. The runner gives a line with this prefix to the command even when the same
    /// line could be a URC (`+CPIN: READY`, `+CREG: 0,1`); any other line that parses as a URC
    /// is one, even in the middle of the response. The default is the command's name, taken
    /// from its text; a command whose answer is itself a URC (`+CUSD`) returns `None`.
    fn response_prefix(&self) -> Option<String> {
        prefix_of(&self.text())
    }

    /// What to write after the `> ` prompt (TS 27.005 §3.5.1), for `+CMGS` / `+CMGW`: the
    /// runner writes it followed by Ctrl-Z. `None` for every command that takes no prompt.
    fn payload(&self) -> Option<String> {
        None
    }
}

/// The prefix of the information lines that answer the command `text`: its extended name
/// and a colon (`+CMGL:` for `AT+CMGL=4`, `^ICCID:` for `AT^ICCID?`); `None` for basic
/// commands (`ATI`, `ATE0`), whose answers carry no prefix (V.250 §5.4.1).
pub fn prefix_of(text: &str) -> Option<String> {
    name_of(text)
        .filter(|name| name.starts_with(['+', '^', '*', '$', '#', '%']))
        .map(|name| format!("{name}:"))
}

/// The command's name as logs and errors show it: the text after `AT` up to `=` or `?`,
/// e.g. `+CPIN` for `AT+CPIN="1234"`, so that arguments (a PIN) never reach a log line.
/// `None` for text that is not an AT command.
pub fn name_of(text: &str) -> Option<&str> {
    let text = text.trim();
    let rest = text
        .get(..2)
        .filter(|at| at.eq_ignore_ascii_case("AT"))
        .and_then(|_| text.get(2..))?;
    let end = rest.find(['=', '?']).unwrap_or(rest.len());
    let name = &rest[..end];
    (!name.is_empty()).then_some(name)
}

/// One information line of a command's response, as the runner collected it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseLine {
    /// A text line, e.g. `+CSQ: 21,99`.
    Text(String),
    /// A TS 27.005 §3.4 header and the PDU line after it, e.g. a `+CMGL` entry.
    Pdu {
        /// The header, e.g. `+CMGL: 1,1,,30`.
        header: String,
        /// The PDU in hex, SMSC field first.
        pdu: String,
    },
}

impl ResponseLine {
    /// The line's text: the header for a PDU pair. Used to name the line in errors.
    pub fn text(&self) -> &str {
        match self {
            ResponseLine::Text(text) => text,
            ResponseLine::Pdu { header, .. } => header,
        }
    }

    /// The response line a digester event carries, if it is one: a text line that is not a
    /// final result code, or a PDU pair. Prompts, echoes and garbage are not response lines.
    /// Whether the line is a URC rather than part of the response is still the runner's call.
    pub fn from_event(event: Event) -> Option<ResponseLine> {
        match event {
            Event::Line(line) if line.final_result().is_none() => {
                Some(ResponseLine::Text(line.into_text()))
            }
            Event::PduLine { header, pdu } => Some(ResponseLine::Pdu { header, pdu }),
            _ => None,
        }
    }
}

impl From<&str> for ResponseLine {
    fn from(text: &str) -> ResponseLine {
        ResponseLine::Text(text.to_owned())
    }
}

/// A response the parser could not make sense of: which command, which line (none when a
/// line was missing) and what was expected, so that a log line is enough to write a fixture.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{command}: expected {expected}, got {}", shown(.line))]
pub struct ResponseError {
    /// The command, e.g. `+CSQ`.
    pub command: &'static str,
    /// The offending line, or `None` when the response lacked a line it needed.
    pub line: Option<String>,
    /// What the parser expected, usually the response grammar.
    pub expected: &'static str,
}

fn shown(line: &Option<String>) -> String {
    match line {
        Some(line) => format!("`{line}`"),
        None => "no line".to_owned(),
    }
}

impl ResponseError {
    fn new(command: &'static str, line: Option<&str>, expected: &'static str) -> ResponseError {
        ResponseError {
            command,
            line: line.map(str::to_owned),
            expected,
        }
    }
}

/// An argument a command cannot carry safely: the text would not be the command meant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{command}: {reason}")]
pub struct InvalidArgument {
    /// The command, e.g. `+CPIN`.
    pub command: &'static str,
    /// What is wrong with the argument (never the argument itself: it may be a PIN).
    pub reason: &'static str,
}

// ---------------------------------------------------------------------------------------
// Shared field grammar
// ---------------------------------------------------------------------------------------

/// An information line `<prefix> <fields>` split into fields, with what is needed to report
/// an error on it. Every typed parser goes through it, so the quote handling and the number
/// checks live in one place.
struct Info<'a> {
    command: &'static str,
    expected: &'static str,
    line: &'a str,
    fields: Vec<Field<'a>>,
}

impl<'a> Info<'a> {
    /// Splits `line`, which must start with `prefix` (e.g. `+CSQ:`).
    fn parse(
        command: &'static str,
        expected: &'static str,
        line: &'a str,
        prefix: &str,
    ) -> Result<Info<'a>, ResponseError> {
        let error = || ResponseError::new(command, Some(line), expected);
        let params = line.strip_prefix(prefix).ok_or_else(error)?;
        let fields = split_fields(params).ok_or_else(error)?;
        Ok(Info {
            command,
            expected,
            line,
            fields,
        })
    }

    fn error(&self) -> ResponseError {
        ResponseError::new(self.command, Some(self.line), self.expected)
    }

    fn len(&self) -> usize {
        self.fields.len()
    }

    /// Fails unless there are between `min` and `max` fields.
    fn arity(&self, min: usize, max: usize) -> Result<(), ResponseError> {
        if (min..=max).contains(&self.len()) {
            Ok(())
        } else {
            Err(self.error())
        }
    }

    /// A required bare decimal number. Signs, spaces and overflow are errors, never panics.
    fn int<T: FromStr>(&self, index: usize) -> Result<T, ResponseError> {
        self.opt_int(index)?.ok_or_else(|| self.error())
    }

    /// An optional bare decimal number: absent or empty is `None`.
    fn opt_int<T: FromStr>(&self, index: usize) -> Result<Option<T>, ResponseError> {
        match self.fields.get(index) {
            None => Ok(None),
            Some(field) if field.text.is_empty() && !field.quoted => Ok(None),
            Some(field) => parse_decimal(field.text)
                .map(Some)
                .ok_or_else(|| self.error()),
        }
    }

    /// A required field's text, quoted or not.
    fn text(&self, index: usize) -> Result<&'a str, ResponseError> {
        self.fields
            .get(index)
            .map(|field| field.text)
            .ok_or_else(|| self.error())
    }

    /// An optional field's text: absent or empty is `None`.
    fn opt_text(&self, index: usize) -> Option<&'a str> {
        self.fields
            .get(index)
            .map(|field| field.text)
            .filter(|text| !text.is_empty())
    }
}

/// A decimal number of ASCII digits only (`u8::from_str` would accept a `+` sign).
fn parse_decimal<T: FromStr>(text: &str) -> Option<T> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The only text line of a response, for commands that print exactly one.
fn single_text<'a>(
    command: &'static str,
    expected: &'static str,
    lines: &'a [ResponseLine],
) -> Result<&'a str, ResponseError> {
    match lines {
        [ResponseLine::Text(text)] => Ok(text),
        [] => Err(ResponseError::new(command, None, expected)),
        [_, extra, ..] => Err(ResponseError::new(command, Some(extra.text()), expected)),
        [pdu] => Err(ResponseError::new(command, Some(pdu.text()), expected)),
    }
}

/// All lines of a response as text, for free-form answers. A PDU pair here is unexpected.
fn text_lines<'a>(
    command: &'static str,
    expected: &'static str,
    lines: &'a [ResponseLine],
) -> Result<Vec<&'a str>, ResponseError> {
    lines
        .iter()
        .map(|line| match line {
            ResponseLine::Text(text) => Ok(text.as_str()),
            ResponseLine::Pdu { header, .. } => {
                Err(ResponseError::new(command, Some(header), expected))
            }
        })
        .collect()
}

/// Removes an optional `prefix` (e.g. `+CGSN:`) and the quotes some firmwares add.
fn strip_optional_prefix<'a>(line: &'a str, prefixes: &[&str]) -> &'a str {
    let rest = prefixes
        .iter()
        .find_map(|prefix| line.strip_prefix(prefix))
        .unwrap_or(line)
        .trim();
    rest.strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .unwrap_or(rest)
}

// ---------------------------------------------------------------------------------------
// V.250 and TS 27.007 §9 settings
// ---------------------------------------------------------------------------------------

/// `ATE0` / `ATE1`: command echo off or on. The daemon turns it off so responses carry only
/// response lines; the digester still recognises the echo of the `ATE0` itself.
//
// ITU-T V.250 §6.2.4 Command echo: E[<value>]; no information text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Echo(pub bool);

impl Command for Echo {
    type Response = ();

    fn text(&self) -> String {
        format!("ATE{}", u8::from(self.0))
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn parse(&self, _lines: &[ResponseLine]) -> Result<(), ResponseError> {
        Ok(())
    }
}

/// How `+CME ERROR` / `+CMS ERROR` report the cause (TS 27.007 §9.1 `<n>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorReporting {
    /// `0`: plain `ERROR`, no cause.
    Disabled = 0,
    /// `1`: numeric codes, which map onto the spec tables: what the daemon uses.
    Numeric = 1,
    /// `2`: verbose texts, which vary by vendor.
    Verbose = 2,
}

/// `AT+CMEE=<n>`: turns on `+CME ERROR: <err>` so failures say why (no SIM, PIN needed...).
//
// 3GPP TS 27.007 §9.1 Report mobile termination error +CMEE: +CMEE=[<n>]; no information text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportErrors(pub ErrorReporting);

impl Command for ReportErrors {
    type Response = ();

    fn text(&self) -> String {
        format!("AT+CMEE={}", self.0 as u8)
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn parse(&self, _lines: &[ResponseLine]) -> Result<(), ResponseError> {
        Ok(())
    }
}

/// `AT+CREG=1`: the module reports each change of registration as `+CREG: <stat>`, so a
/// port becomes rentable the moment its modem registers and stops being so the moment it
/// loses the network, not at the next poll.
//
// 3GPP TS 27.007 §7.2 Network registration +CREG: +CREG=[<n>]; n=1 enables
// `+CREG: <stat>` unsolicited result codes; no information text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegistrationReports;

impl Command for RegistrationReports {
    type Response = ();

    fn text(&self) -> String {
        "AT+CREG=1".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn parse(&self, _lines: &[ResponseLine]) -> Result<(), ResponseError> {
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Identity: TS 27.007 §5
// ---------------------------------------------------------------------------------------

/// Joins the free-form identity lines (some firmwares split a revision over several), after
/// removing the `+CGMI:`-style prefix a few of them add.
fn identity_text(
    command: &'static str,
    expected: &'static str,
    prefixes: &[&str],
    lines: &[ResponseLine],
) -> Result<String, ResponseError> {
    let texts = text_lines(command, expected, lines)?;
    if texts.is_empty() {
        return Err(ResponseError::new(command, None, expected));
    }
    let parts: Vec<&str> = texts
        .iter()
        .map(|text| strip_optional_prefix(text, prefixes))
        .collect();
    Ok(parts.join("\n"))
}

/// `AT+CGMI`: the manufacturer, to pick vendor dialects (ICCID command, quirks).
//
// 3GPP TS 27.007 §5.1 Request manufacturer identification +CGMI: +CGMI response
// <manufacturer> (free text; some firmwares prefix `+CGMI: `).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Manufacturer;

impl Command for Manufacturer {
    type Response = String;

    fn text(&self) -> String {
        "AT+CGMI".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn attempts(&self) -> u8 {
        2
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<String, ResponseError> {
        identity_text("+CGMI", "<manufacturer>", &["+CGMI:"], lines)
    }
}

/// `AT+CGMM`: the model, e.g. `EC25`, `SIM800`, `E3372`.
//
// 3GPP TS 27.007 §5.2 Request model identification +CGMM: +CGMM response <model>.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Model;

impl Command for Model {
    type Response = String;

    fn text(&self) -> String {
        "AT+CGMM".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn attempts(&self) -> u8 {
        2
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<String, ResponseError> {
        identity_text("+CGMM", "<model>", &["+CGMM:"], lines)
    }
}

/// `AT+CGMR`: the firmware revision, kept to tie quirks to firmware versions.
//
// 3GPP TS 27.007 §5.3 Request revision identification +CGMR: +CGMR response <revision>
// (SIMCom SIM800 writes `Revision:1418B05SIM800L24`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Revision;

impl Command for Revision {
    type Response = String;

    fn text(&self) -> String {
        "AT+CGMR".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn attempts(&self) -> u8 {
        2
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<String, ResponseError> {
        identity_text("+CGMR", "<revision>", &["+CGMR:", "Revision:"], lines)
    }
}

/// `ATI`: the product information lines, free text; logged at start-up to identify a modem
/// whose `+CGMI` is unhelpful.
//
// ITU-T V.250 §6.1.3 Request identification information I[<value>]: one or more lines of
// information text, manufacturer-specific.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ati;

impl Command for Ati {
    type Response = Vec<String>;

    fn text(&self) -> String {
        "ATI".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<Vec<String>, ResponseError> {
        Ok(text_lines("I", "information text", lines)?
            .into_iter()
            .map(str::to_owned)
            .collect())
    }
}

/// A module's IMEI: 15 digits. Kept as a newtype so that it cannot be mixed up with an IMSI
/// or an ICCID, the other digit strings that identify a port.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Imei(String);

impl Imei {
    /// The 15 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the last digit is the Luhn check digit of the first 14 (TS 23.003 §6.2.1).
    /// Some cheap modules carry IMEIs that fail it; the IMEI is still what identifies the
    /// module on the network, so it is accepted and the caller may log the mismatch.
    pub fn check_digit_ok(&self) -> bool {
        luhn_ok(&self.0)
    }
}

impl fmt::Display for Imei {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Luhn check over a string of ASCII digits (false on anything else).
fn luhn_ok(digits: &str) -> bool {
    let mut sum = 0u32;
    for (position, byte) in digits.bytes().rev().enumerate() {
        if !byte.is_ascii_digit() {
            return false;
        }
        let mut digit = u32::from(byte - b'0');
        if position % 2 == 1 {
            digit *= 2;
            if digit > 9 {
                digit -= 9;
            }
        }
        sum += digit;
    }
    !digits.is_empty() && sum.is_multiple_of(10)
}

/// `AT+CGSN`: the IMEI, which names the port's module in the database and in logs.
//
// 3GPP TS 27.007 §5.4 Request product serial number identification +CGSN: +CGSN response
// <sn> (15 digits; Huawei and some Quectel firmwares print `+CGSN: <sn>`, quoted or not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImeiQuery;

impl Command for ImeiQuery {
    type Response = Imei;

    fn text(&self) -> String {
        "AT+CGSN".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn attempts(&self) -> u8 {
        2
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<Imei, ResponseError> {
        const EXPECTED: &str = "[+CGSN: ]<15 digits>";
        let line = single_text("+CGSN", EXPECTED, lines)?;
        let digits = strip_optional_prefix(line, &["+CGSN:"]);
        if digits.len() == 15 && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Imei(digits.to_owned()))
        } else {
            Err(ResponseError::new("+CGSN", Some(line), EXPECTED))
        }
    }
}

/// `AT+CIMI`: the SIM's IMSI, which says which operator issued the card.
//
// 3GPP TS 27.007 §5.6 Request international mobile subscriber identity +CIMI: +CIMI response
// <IMSI> (up to 15 digits, TS 23.003 §2.2; a few firmwares prefix `+CIMI: `).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imsi;

impl Command for Imsi {
    type Response = String;

    fn text(&self) -> String {
        "AT+CIMI".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn attempts(&self) -> u8 {
        2
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<String, ResponseError> {
        const EXPECTED: &str = "[+CIMI: ]<6 to 15 digits>";
        let line = single_text("+CIMI", EXPECTED, lines)?;
        let digits = strip_optional_prefix(line, &["+CIMI:"]);
        if (6..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(digits.to_owned())
        } else {
            Err(ResponseError::new("+CIMI", Some(line), EXPECTED))
        }
    }
}

// ---------------------------------------------------------------------------------------
// ICCID
// ---------------------------------------------------------------------------------------

/// A SIM card's ICCID (ITU-T E.118): the digits printed on the card, which is how the
/// daemon names a SIM wherever it sits in the rack. 18 to 22 digits, padding removed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Iccid(String);

impl Iccid {
    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Validates `text` as ICCID digits in card order: trailing `F` padding (EF_ICCID is 10
    /// bytes, a 19-digit ICCID is padded with one `F`) is removed, anything else that is
    /// not a digit is rejected rather than stored as a wrong SIM name.
    fn from_digits(text: &str) -> Option<Iccid> {
        let digits = text.trim_end_matches(['F', 'f']);
        ((18..=22).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| Iccid(digits.to_owned()))
    }
}

impl fmt::Display for Iccid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Swaps the two nibbles of each byte of a BCD string as stored on the SIM (TS 31.102
/// §4.2.2 EF_ICCID: "coded in BCD, left justified", low nibble first), `98` → `89`.
fn unswap_nibbles(swapped: &str) -> Option<String> {
    if !swapped.len().is_multiple_of(2) || !swapped.is_ascii() {
        return None;
    }
    let mut digits = String::with_capacity(swapped.len());
    for pair in swapped.as_bytes().chunks_exact(2) {
        if let [low, high] = pair {
            digits.push(char::from(*high));
            digits.push(char::from(*low));
        }
    }
    Some(digits)
}

/// Which command a modem answers with its ICCID: there is no 27.007 command for it, so each
/// vendor has its own, and `+CRSM` works on any modem that implements §8.18.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IccidDialect {
    /// `AT+CCID` (u-blox, SIMCom SIM800, Telit): `+CCID: <iccid>` or bare digits.
    Ccid,
    /// `AT+QCCID` (Quectel): `+QCCID: <iccid>`, sometimes with the `F` pad.
    Qccid,
    /// `AT^ICCID?` (Huawei): `^ICCID: <iccid>` with the nibbles of each byte swapped, as on
    /// the SIM. ModemManager unswaps it (plugins/huawei/mm-sim-huawei.c: "Huawei ^ICCID
    /// response must be character swapped"), and so does garronej/ts-gsm-modem.
    Huawei,
    /// `AT+ICCID` / `AT+CICCID` (SIMCom SIM7xxx): `ICCID: "<iccid>"` or `+ICCID: <iccid>`.
    Simcom,
    /// `AT+CRSM=176,12258,0,0,10`: READ BINARY of EF_ICCID (2FE2) through restricted SIM
    /// access, the fallback when the vendor command is unknown.
    Crsm,
}

/// Reads the SIM's ICCID in the given vendor dialect.
//
// 3GPP TS 27.007 §8.18 Restricted SIM access +CRSM:
//   +CRSM=<command>[,<fileid>[,<P1>,<P2>,<P3>[,<data>[,<pathid>]]]]
//   response +CRSM: <sw1>,<sw2>[,<response>]; 176 = READ BINARY, 12258 = 0x2FE2 EF_ICCID
//   (TS 31.102 §4.2.2 via TS 102 221 §13.2), P3 = 10 bytes; sw1,sw2 = 144,0 is success
//   (TS 102 221 §10.2.1 '90 00').
// Vendor forms (vendor manuals): +CCID: <iccid> | ^ICCID: <iccid> | +QCCID: <iccid> |
//   [+]ICCID: <iccid>, quoted or bare, or the bare digits alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IccidQuery(pub IccidDialect);

impl Command for IccidQuery {
    type Response = Iccid;

    fn text(&self) -> String {
        match self.0 {
            IccidDialect::Ccid => "AT+CCID",
            IccidDialect::Qccid => "AT+QCCID",
            IccidDialect::Huawei => "AT^ICCID?",
            IccidDialect::Simcom => "AT+ICCID",
            IccidDialect::Crsm => "AT+CRSM=176,12258,0,0,10",
        }
        .to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn attempts(&self) -> u8 {
        2
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<Iccid, ResponseError> {
        let (command, expected, prefixes, swapped): (_, _, &[&str], _) = match self.0 {
            IccidDialect::Ccid => ("+CCID", "[+CCID: ]<iccid>", &["+CCID:"], false),
            IccidDialect::Qccid => ("+QCCID", "[+QCCID: ]<iccid>", &["+QCCID:"], false),
            IccidDialect::Huawei => ("^ICCID", "^ICCID: <swapped iccid>", &["^ICCID:"], true),
            IccidDialect::Simcom => (
                "+ICCID",
                "[+]ICCID: <iccid>",
                &["+ICCID:", "ICCID:", "+CICCID:"],
                false,
            ),
            IccidDialect::Crsm => return parse_crsm_iccid(lines),
        };
        let line = single_text(command, expected, lines)?;
        let value = strip_optional_prefix(line, prefixes);
        let digits = if swapped {
            unswap_nibbles(value)
        } else {
            Some(value.to_owned())
        };
        digits
            .as_deref()
            .and_then(Iccid::from_digits)
            .ok_or_else(|| ResponseError::new(command, Some(line), expected))
    }
}

fn parse_crsm_iccid(lines: &[ResponseLine]) -> Result<Iccid, ResponseError> {
    const COMMAND: &str = "+CRSM";
    const EXPECTED: &str = "+CRSM: 144,0,\"<EF_ICCID as swapped BCD>\"";
    let line = single_text(COMMAND, EXPECTED, lines)?;
    let info = Info::parse(COMMAND, EXPECTED, line, "+CRSM:")?;
    info.arity(3, 3)?;
    let (sw1, sw2): (u8, u8) = (info.int(0)?, info.int(1)?);
    if (sw1, sw2) != (144, 0) {
        return Err(info.error());
    }
    unswap_nibbles(info.text(2)?)
        .as_deref()
        .and_then(Iccid::from_digits)
        .ok_or_else(|| info.error())
}

// ---------------------------------------------------------------------------------------
// Network and SIM state: TS 27.007 §7, §8
// ---------------------------------------------------------------------------------------

/// One of the SIM's own numbers, as stored in EF_MSISDN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    /// The label stored with it, if any.
    pub alpha: Option<String>,
    /// The number, e.g. `+31612345678`.
    pub number: String,
    /// The type of address octet (TS 24.008 §10.5.4.7): 145 international, 129 unknown.
    pub number_type: u8,
}

/// `AT+CNUM`: the SIM's own numbers. Many SIMs store none (the answer is a bare `OK`), so the
/// number the daemon rents out usually comes from elsewhere; when present it is a check.
//
// 3GPP TS 27.007 §7.1 Subscriber number +CNUM:
//   +CNUM: [<alpha1>],<number1>,<type1>[,<speed>,<service>[,<itc>]]
//   [<CR><LF>+CNUM: [<alpha2>],<number2>,<type2>[...]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OwnNumber;

impl Command for OwnNumber {
    type Response = Vec<Subscriber>;

    fn text(&self) -> String {
        "AT+CNUM".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<Vec<Subscriber>, ResponseError> {
        const EXPECTED: &str = "+CNUM: [<alpha>],<number>,<type>[,<speed>,<service>[,<itc>]]";
        text_lines("+CNUM", EXPECTED, lines)?
            .into_iter()
            .map(|line| {
                let info = Info::parse("+CNUM", EXPECTED, line, "+CNUM:")?;
                info.arity(3, 6)?;
                Ok(Subscriber {
                    alpha: info.opt_text(0).map(str::to_owned),
                    number: info.text(1)?.to_owned(),
                    number_type: info.int(2)?,
                })
            })
            .collect()
    }
}

/// The operator the module is registered with, as `+COPS?` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    /// `<mode>`: 0 automatic, 1 manual, 2 deregistered, 4 manual/automatic.
    pub mode: u8,
    /// `<format>` of `name`: 0 long alphanumeric, 1 short, 2 numeric (MCC+MNC). Absent when
    /// not registered.
    pub format: Option<u8>,
    /// `<oper>`, absent when not registered.
    pub name: Option<String>,
    /// `<AcT>`: 0 GSM, 2 UTRAN, 7 E-UTRAN, ...; absent on 2G-only modules.
    pub access_technology: Option<u8>,
}

/// `AT+COPS?`: which operator serves the SIM, for the port's status page.
//
// 3GPP TS 27.007 §7.3 PLMN selection +COPS: read command response
//   +COPS: <mode>[,<format>,<oper>[,<AcT>]]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperatorQuery;

impl Command for OperatorQuery {
    type Response = Operator;

    fn text(&self) -> String {
        "AT+COPS?".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn attempts(&self) -> u8 {
        2
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<Operator, ResponseError> {
        const EXPECTED: &str = "+COPS: <mode>[,<format>,<oper>[,<AcT>]]";
        let line = single_text("+COPS", EXPECTED, lines)?;
        let info = Info::parse("+COPS", EXPECTED, line, "+COPS:")?;
        info.arity(1, 4)?;
        Ok(Operator {
            mode: info.int(0)?,
            format: info.opt_int(1)?,
            name: info.opt_text(2).map(str::to_owned),
            access_technology: info.opt_int(3)?,
        })
    }
}

/// Signal quality as `+CSQ` reports it, with the unknown values (99) made explicit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signal {
    /// `<rssi>` 0..=31, `None` when the module does not know (99).
    pub rssi: Option<u8>,
    /// `<ber>` 0..=7 (RXQUAL), `None` when unknown (99): most modules never know it.
    pub ber: Option<u8>,
    /// The received power in dBm, −113 + 2 × rssi, for rssi 0..=31; `None` otherwise.
    pub dbm: Option<i16>,
}

/// `AT+CSQ`: signal strength, polled to tell a weak antenna from a dead SIM.
//
// 3GPP TS 27.007 §8.5 Signal quality +CSQ: +CSQ: <rssi>,<ber>
//   <rssi>: 0 ≤ −113 dBm, 1 −111 dBm, 2..30 −109..−53 dBm, 31 ≥ −51 dBm, 99 unknown
//   (100..191 are TD-SCDMA values some modules use); <ber>: 0..7 RXQUAL, 99 unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignalQuality;

impl Command for SignalQuality {
    type Response = Signal;

    fn text(&self) -> String {
        "AT+CSQ".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn attempts(&self) -> u8 {
        2
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<Signal, ResponseError> {
        const EXPECTED: &str = "+CSQ: <rssi>,<ber>";
        let line = single_text("+CSQ", EXPECTED, lines)?;
        let info = Info::parse("+CSQ", EXPECTED, line, "+CSQ:")?;
        info.arity(2, 2)?;
        let rssi: u8 = info.int(0)?;
        let ber: u8 = info.int(1)?;
        let rssi = (rssi != 99).then_some(rssi);
        Ok(Signal {
            rssi,
            ber: (ber != 99).then_some(ber),
            dbm: rssi
                .filter(|rssi| *rssi <= 31)
                .map(|rssi| -113 + 2 * i16::from(rssi)),
        })
    }
}

/// `AT+CREG?`: whether the module is on the network, polled before trusting a port.
//
// 3GPP TS 27.007 §7.2 Network registration +CREG: read command response
//   +CREG: <n>,<stat>[,[<lac>],[<ci>],[<AcT>][,<cause_type>,<reject_cause>]]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegistrationQuery;

impl Command for RegistrationQuery {
    type Response = RegistrationResponse;

    fn text(&self) -> String {
        "AT+CREG?".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn attempts(&self) -> u8 {
        2
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<RegistrationResponse, ResponseError> {
        const EXPECTED: &str = "+CREG: <n>,<stat>[,[<lac>],[<ci>],[<AcT>]]";
        let line = single_text("+CREG", EXPECTED, lines)?;
        // The `?` response has the URC's fields after `<n>`: one parser for both, in urc.
        match parse_registration_response(line) {
            Some(Ok(response)) if response.registration.domain == RegistrationDomain::Cs => {
                Ok(response)
            }
            _ => Err(ResponseError::new("+CREG", Some(line), EXPECTED)),
        }
    }
}

/// `AT+CPIN?`: whether the SIM needs a PIN before anything else works.
//
// 3GPP TS 27.007 §8.3 Enter PIN +CPIN: read command response +CPIN: <code>
//   <code>: READY | SIM PIN | SIM PUK | PH-SIM PIN | SIM PIN2 | SIM PUK2 | PH-NET PIN | ...
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinStatus;

impl Command for PinStatus {
    type Response = SimStatus;

    fn text(&self) -> String {
        "AT+CPIN?".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        // Answered from the SIM, which can be slow right after power-up.
        TimeoutClass::Storage
    }

    fn attempts(&self) -> u8 {
        2
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<SimStatus, ResponseError> {
        const EXPECTED: &str = "+CPIN: <code>";
        let line = single_text("+CPIN", EXPECTED, lines)?;
        let code = line
            .strip_prefix("+CPIN:")
            .map(|rest| strip_optional_prefix(rest, &[]))
            .filter(|code| !code.is_empty())
            .ok_or_else(|| ResponseError::new("+CPIN", Some(line), EXPECTED))?;
        // The same codes as the +CPIN URC: one table, in urc.
        Ok(SimStatus::parse(code))
    }
}

/// `AT+CPIN="<pin>"`: unlocks the SIM. Its `Debug` output hides the PIN so that a logged
/// command never leaks it; build it with [`EnterPin::new`], which checks the PIN is 4 to 8
/// digits so that it cannot break out of the quotes.
//
// 3GPP TS 27.007 §8.3 Enter PIN +CPIN: +CPIN=<pin>[,<newpin>]; no information text.
#[derive(Clone, PartialEq, Eq)]
pub struct EnterPin(String);

impl EnterPin {
    /// A command entering `pin`, which must be 4 to 8 digits (TS 31.101 §9.3 PIN length).
    pub fn new(pin: impl Into<String>) -> Result<EnterPin, InvalidArgument> {
        let pin = pin.into();
        if (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
            Ok(EnterPin(pin))
        } else {
            Err(InvalidArgument {
                command: "+CPIN",
                reason: "a PIN is 4 to 8 digits",
            })
        }
    }
}

impl fmt::Debug for EnterPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnterPin(<redacted>)")
    }
}

impl Command for EnterPin {
    type Response = ();

    fn text(&self) -> String {
        format!("AT+CPIN=\"{}\"", self.0)
    }

    fn timeout(&self) -> TimeoutClass {
        // Quectel documents up to 5 s: the SIM verifies the PIN.
        TimeoutClass::Storage
    }

    fn parse(&self, _lines: &[ResponseLine]) -> Result<(), ResponseError> {
        Ok(())
    }
}

/// `AT+CFUN=<fun>[,1]`: sets the module's functionality; `CFUN=1,1` is the soft reset the
/// port task uses on a wedged module, `CFUN=0`/`4` take the radio off.
//
// 3GPP TS 27.007 §8.2 Set phone functionality +CFUN: +CFUN=[<fun>[,<rst>]]; no information
// text. <fun>: 0 minimum, 1 full, 4 radio off; <rst> 1 resets before setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetFunctionality {
    /// `<fun>`.
    pub fun: u8,
    /// `<rst>`: reset the module first. Omitted from the text when false, because some
    /// firmwares reject `<rst>` = 0 with some `<fun>` values.
    pub reset: bool,
}

impl Command for SetFunctionality {
    type Response = ();

    fn text(&self) -> String {
        if self.reset {
            format!("AT+CFUN={},1", self.fun)
        } else {
            format!("AT+CFUN={}", self.fun)
        }
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Network
    }

    fn parse(&self, _lines: &[ResponseLine]) -> Result<(), ResponseError> {
        Ok(())
    }
}

/// `AT+CUSD=1,"<code>",15`: sends a USSD request (balance, own number...). The `OK` only
/// says the request left; the network's answer arrives later as a `+CUSD` URC, which the
/// URC layer parses, so the runner must wait for that, not for this response.
//
// 3GPP TS 27.007 §7.15 Unstructured supplementary service data +CUSD:
//   +CUSD=[<n>[,<str>[,<dcs>]]]; n = 1 enables the result code, dcs 15 = GSM 7-bit default
//   alphabet, language unspecified (TS 23.038 §5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ussd {
    code: String,
}

impl Ussd {
    /// A USSD request for `code`, which must be a dialled string: digits, `*`, `#` and `+`
    /// (TS 22.090 §4), so that it cannot break out of the quotes.
    pub fn new(code: impl Into<String>) -> Result<Ussd, InvalidArgument> {
        let code = code.into();
        if !code.is_empty()
            && code.len() <= 182
            && code
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'*' | b'#' | b'+'))
        {
            Ok(Ussd { code })
        } else {
            Err(InvalidArgument {
                command: "+CUSD",
                reason: "a USSD code is 1 to 182 of 0-9 * # +",
            })
        }
    }

    /// The code sent.
    pub fn code(&self) -> &str {
        &self.code
    }
}

impl Command for Ussd {
    type Response = ();

    fn text(&self) -> String {
        format!("AT+CUSD=1,\"{}\",15", self.code)
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Network
    }

    fn parse(&self, _lines: &[ResponseLine]) -> Result<(), ResponseError> {
        Ok(())
    }

    // The answer is the `+CUSD:` URC, which some modems send before `OK` and most after: it
    // must reach the URC channel either way.
    fn response_prefix(&self) -> Option<String> {
        None
    }
}

// ---------------------------------------------------------------------------------------
// SMS: TS 27.005
// ---------------------------------------------------------------------------------------

/// `AT+CMGF=<mode>`: PDU or text mode for SMS commands. The daemon uses PDU mode: text mode
/// loses the UDH of concatenated messages and the exact alphabet.
//
// 3GPP TS 27.005 §3.2.3 Message Format +CMGF: +CMGF=[<mode>]; 0 PDU, 1 text; no information
// text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageFormat {
    /// `0`: PDU mode.
    Pdu,
    /// `1`: text mode.
    Text,
}

impl Command for MessageFormat {
    type Response = ();

    fn text(&self) -> String {
        match self {
            MessageFormat::Pdu => "AT+CMGF=0",
            MessageFormat::Text => "AT+CMGF=1",
        }
        .to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn parse(&self, _lines: &[ResponseLine]) -> Result<(), ResponseError> {
        Ok(())
    }
}

/// Which message services the module supports after `+CSMS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceSupport {
    /// `<mt>`: mobile-terminated messages (what the daemon needs).
    pub mt: bool,
    /// `<mo>`: mobile-originated messages.
    pub mo: bool,
    /// `<bm>`: broadcast messages.
    pub bm: bool,
}

/// `AT+CSMS=<service>`: selects the message service; phase 2+ (1) is needed for `+CNMA`
/// acknowledgements of routed messages.
//
// 3GPP TS 27.005 §3.2.1 Select Message Service +CSMS: +CSMS=<service>
//   response +CSMS: <mt>,<mo>,<bm>
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SelectService(pub u8);

impl Command for SelectService {
    type Response = ServiceSupport;

    fn text(&self) -> String {
        format!("AT+CSMS={}", self.0)
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<ServiceSupport, ResponseError> {
        const EXPECTED: &str = "+CSMS: <mt>,<mo>,<bm>";
        let line = single_text("+CSMS", EXPECTED, lines)?;
        let info = Info::parse("+CSMS", EXPECTED, line, "+CSMS:")?;
        info.arity(3, 3)?;
        let flag = |index| info.int::<u8>(index).map(|value| value == 1);
        Ok(ServiceSupport {
            mt: flag(0)?,
            mo: flag(1)?,
            bm: flag(2)?,
        })
    }
}

/// `AT+CNMI=<mode>,<mt>,<bm>,<ds>,<bfr>`: how the module announces new messages. The daemon
/// uses `2,1,0,0,0`: store in the SIM and send `+CMTI: "SM",<index>`, so that a message
/// survives a daemon restart until it is read and deleted.
//
// 3GPP TS 27.005 §3.4.1 New Message Indications to TE +CNMI:
//   +CNMI=[<mode>[,<mt>[,<bm>[,<ds>[,<bfr>]]]]]; no information text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewMessageIndications {
    /// `<mode>`: 2 buffers indications while the link is busy and flushes them after.
    pub mode: u8,
    /// `<mt>`: 1 `+CMTI` index, 2 `+CMT` routed PDU.
    pub mt: u8,
    /// `<bm>`: cell broadcast indications.
    pub bm: u8,
    /// `<ds>`: status report indications.
    pub ds: u8,
    /// `<bfr>`: 0 flushes buffered indications when `<mode>` 1..3 is entered.
    pub bfr: u8,
}

impl NewMessageIndications {
    /// `2,1,0,0,0`: store every SMS and announce it with `+CMTI` (buffered while the link is
    /// busy). The default ingest mode: the SMS is safe in the modem until deleted.
    pub const STORE_AND_NOTIFY: NewMessageIndications = NewMessageIndications {
        mode: 2,
        mt: 1,
        bm: 0,
        ds: 0,
        bfr: 0,
    };

    /// `2,2,0,1,0`: route SMS (`+CMT`) and status reports (`+CDS`) straight to us. With
    /// `+CSMS=1` each must be acknowledged with `+CNMA`, and only after it is committed.
    pub const DIRECT: NewMessageIndications = NewMessageIndications {
        mode: 2,
        mt: 2,
        bm: 0,
        ds: 1,
        bfr: 0,
    };
}

impl Command for NewMessageIndications {
    type Response = ();

    fn text(&self) -> String {
        format!(
            "AT+CNMI={},{},{},{},{}",
            self.mode, self.mt, self.bm, self.ds, self.bfr
        )
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn parse(&self, _lines: &[ResponseLine]) -> Result<(), ResponseError> {
        Ok(())
    }
}

/// A message storage (TS 27.005 §3.1 `<mem1>`..`<mem3>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Storage {
    /// `SM`: the SIM, where the daemon keeps messages so a SIM moved to another port takes
    /// its unread messages along.
    Sim,
    /// `ME`: the module's own memory.
    Me,
    /// `MT`: SIM and module memory together.
    Mt,
    /// `SR`: status report storage.
    StatusReports,
    /// `BM`: broadcast message storage.
    Broadcast,
    /// Any other name a modem reports.
    Other(String),
}

impl Storage {
    /// The name as written in commands.
    pub fn as_str(&self) -> &str {
        match self {
            Storage::Sim => "SM",
            Storage::Me => "ME",
            Storage::Mt => "MT",
            Storage::StatusReports => "SR",
            Storage::Broadcast => "BM",
            Storage::Other(name) => name,
        }
    }

    /// The storage a name as modems write it (`"SM"`, `"ME"`, ...) stands for.
    pub fn from_name(name: &str) -> Storage {
        match name {
            "SM" => Storage::Sim,
            "ME" => Storage::Me,
            "MT" => Storage::Mt,
            "SR" => Storage::StatusReports,
            "BM" => Storage::Broadcast,
            other => Storage::Other(other.to_owned()),
        }
    }
}

/// How full a storage is: watched so that the SIM never fills up and refuses new messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// Messages stored.
    pub used: u32,
    /// Slots in total.
    pub total: u32,
}

/// The usage of the three storages `+CPMS=` selected, in `<mem1>`, `<mem2>`, `<mem3>` order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StorageUsage {
    /// `<mem1>`: read and delete.
    pub read: Usage,
    /// `<mem2>`: write and send.
    pub write: Usage,
    /// `<mem3>`: where received messages go.
    pub receive: Usage,
}

/// `AT+CPMS="<mem1>","<mem2>","<mem3>"`: selects where messages are read, written and
/// received, and reports how full each is.
//
// 3GPP TS 27.005 §3.2.2 Preferred Message Storage +CPMS: +CPMS=<mem1>[,<mem2>[,<mem3>]]
//   response +CPMS: <used1>,<total1>,<used2>,<total2>,<used3>,<total3>
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreferredStorage {
    /// `<mem1>`.
    pub read: Storage,
    /// `<mem2>`.
    pub write: Storage,
    /// `<mem3>`.
    pub receive: Storage,
}

impl Command for PreferredStorage {
    type Response = StorageUsage;

    fn text(&self) -> String {
        format!(
            "AT+CPMS=\"{}\",\"{}\",\"{}\"",
            self.read.as_str(),
            self.write.as_str(),
            self.receive.as_str()
        )
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Storage
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<StorageUsage, ResponseError> {
        const EXPECTED: &str = "+CPMS: <used1>,<total1>,<used2>,<total2>,<used3>,<total3>";
        let line = single_text("+CPMS", EXPECTED, lines)?;
        let info = Info::parse("+CPMS", EXPECTED, line, "+CPMS:")?;
        info.arity(6, 6)?;
        let usage = |at| -> Result<Usage, ResponseError> {
            Ok(Usage {
                used: info.int(at)?,
                total: info.int(at + 1)?,
            })
        };
        Ok(StorageUsage {
            read: usage(0)?,
            write: usage(2)?,
            receive: usage(4)?,
        })
    }
}

/// One storage selected for a `+CPMS` role, with its usage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageSlot {
    /// Which storage.
    pub storage: Storage,
    /// How full it is.
    pub usage: Usage,
}

/// The three storages `+CPMS?` reports, in `<mem1>`, `<mem2>`, `<mem3>` order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageStatus {
    /// `<mem1>`: read and delete.
    pub read: StorageSlot,
    /// `<mem2>`: write and send.
    pub write: StorageSlot,
    /// `<mem3>`: received messages.
    pub receive: StorageSlot,
}

/// `AT+CPMS?`: which storages are selected and how full they are, polled to delete read
/// messages before the SIM fills.
//
// 3GPP TS 27.005 §3.2.2 +CPMS read command response
//   +CPMS: <mem1>,<used1>,<total1>,<mem2>,<used2>,<total2>,<mem3>,<used3>,<total3>
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreferredStorageQuery;

impl Command for PreferredStorageQuery {
    type Response = StorageStatus;

    fn text(&self) -> String {
        "AT+CPMS?".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Storage
    }

    fn attempts(&self) -> u8 {
        2
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<StorageStatus, ResponseError> {
        const EXPECTED: &str = "+CPMS: <mem1>,<used1>,<total1>,<mem2>,<used2>,<total2>,\
                                <mem3>,<used3>,<total3>";
        let line = single_text("+CPMS", EXPECTED, lines)?;
        let info = Info::parse("+CPMS", EXPECTED, line, "+CPMS:")?;
        info.arity(9, 9)?;
        let slot = |at| -> Result<StorageSlot, ResponseError> {
            Ok(StorageSlot {
                storage: Storage::from_name(info.text(at)?),
                usage: Usage {
                    used: info.int(at + 1)?,
                    total: info.int(at + 2)?,
                },
            })
        };
        Ok(StorageStatus {
            read: slot(0)?,
            write: slot(3)?,
            receive: slot(6)?,
        })
    }
}

/// Which stored messages `+CMGL` lists: PDU-mode `<stat>` values (TS 27.005 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageStatus {
    /// `0`: received, unread.
    ReceivedUnread = 0,
    /// `1`: received, read.
    ReceivedRead = 1,
    /// `2`: stored, unsent.
    StoredUnsent = 2,
    /// `3`: stored, sent.
    StoredSent = 3,
    /// `4`: all messages.
    All = 4,
}

/// A message as stored in the module, in PDU mode: the PDU still to be decoded by
/// [`crate::pdu`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPdu {
    /// `<index>`: the slot, which `+CMGD` takes to delete it.
    pub index: u32,
    /// `<stat>`: 0 received unread, 1 read, 2 unsent, 3 sent.
    pub status: u8,
    /// `<length>`: the TPDU's length in octets, SMSC field excluded.
    pub length: usize,
    /// The PDU in hex, SMSC field first.
    pub pdu: String,
}

/// `AT+CMGL=<stat>`: lists stored messages with their PDUs: what the daemon does at start-up
/// and after a `+CMTI` to collect everything received.
//
// 3GPP TS 27.005 §3.4.2 List Messages +CMGL (PDU mode): +CMGL=[<stat>]
//   response +CMGL: <index>,<stat>,[<alpha>],<length><CR><LF><pdu>
//            [<CR><LF>+CMGL: <index>,<stat>,[<alpha>],<length><CR><LF><pdu>[...]]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListMessages(pub MessageStatus);

impl Command for ListMessages {
    type Response = Vec<StoredPdu>;

    fn text(&self) -> String {
        format!("AT+CMGL={}", self.0 as u8)
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Storage
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<Vec<StoredPdu>, ResponseError> {
        const EXPECTED: &str = "+CMGL: <index>,<stat>,[<alpha>],<length> then a PDU line";
        lines
            .iter()
            .map(|line| match line {
                ResponseLine::Pdu { header, pdu } => {
                    let info = Info::parse("+CMGL", EXPECTED, header, "+CMGL:")?;
                    info.arity(4, 4)?;
                    Ok(StoredPdu {
                        index: info.int(0)?,
                        status: info.int(1)?,
                        length: info.int(3)?,
                        pdu: pdu.clone(),
                    })
                }
                // A header without its PDU, or a text-mode entry: not what was asked for.
                ResponseLine::Text(text) => Err(ResponseError::new("+CMGL", Some(text), EXPECTED)),
            })
            .collect()
    }
}

/// `AT+CMGR=<index>`: reads one stored message, the one a `+CMTI` announced. `None` for an
/// empty slot, which modems report either as a bare `OK` or as `+CMGR: 0,,0`.
//
// 3GPP TS 27.005 §3.4.3 Read Message +CMGR (PDU mode): +CMGR=<index>
//   response +CMGR: <stat>,[<alpha>],<length><CR><LF><pdu>
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadMessage(pub u32);

impl Command for ReadMessage {
    type Response = Option<StoredPdu>;

    fn text(&self) -> String {
        format!("AT+CMGR={}", self.0)
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Storage
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<Option<StoredPdu>, ResponseError> {
        const EXPECTED: &str = "+CMGR: <stat>,[<alpha>],<length> then a PDU line";
        let line = match lines {
            [] => return Ok(None),
            [line] => line,
            [_, extra, ..] => {
                return Err(ResponseError::new("+CMGR", Some(extra.text()), EXPECTED));
            }
        };
        let info = Info::parse("+CMGR", EXPECTED, line.text(), "+CMGR:")?;
        info.arity(3, 3)?;
        let status: u8 = info.int(0)?;
        let length: usize = info.int(2)?;
        match line {
            ResponseLine::Pdu { pdu, .. } => Ok(Some(StoredPdu {
                index: self.0,
                status,
                length,
                pdu: pdu.clone(),
            })),
            // The empty-slot header: no PDU follows, and it says so with a zero length.
            ResponseLine::Text(_) if length == 0 => Ok(None),
            ResponseLine::Text(_) => Err(info.error()),
        }
    }
}

/// What `+CMGD` deletes besides (or instead of) the given index (TS 27.005 §3.5.4
/// `<delflag>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteFlag {
    /// `0`: only the message at the index.
    Index = 0,
    /// `1`: all read messages; the index is ignored.
    Read = 1,
    /// `2`: all read and sent messages.
    ReadAndSent = 2,
    /// `3`: all read, sent and unsent messages.
    AllButUnread = 3,
    /// `4`: everything, unread included.
    All = 4,
}

/// `AT+CMGD=<index>[,<delflag>]`: deletes a message once it is safely in the database, so
/// that the SIM does not fill up.
//
// 3GPP TS 27.005 §3.5.4 Delete Message +CMGD: +CMGD=<index>[,<delflag>]; no information text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeleteMessage {
    /// `<index>`.
    pub index: u32,
    /// `<delflag>`; `None` writes none, which means "this index" and is understood by
    /// modules that predate the flag.
    pub flag: Option<DeleteFlag>,
}

impl Command for DeleteMessage {
    type Response = ();

    fn text(&self) -> String {
        match self.flag {
            Some(flag) => format!("AT+CMGD={},{}", self.index, flag as u8),
            None => format!("AT+CMGD={}", self.index),
        }
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Storage
    }

    fn parse(&self, _lines: &[ResponseLine]) -> Result<(), ResponseError> {
        Ok(())
    }
}

/// `AT+CNMA`: acknowledges a message routed with `+CMT` (`+CNMI` `<mt>` = 2 under
/// `+CSMS=1`), without which the network resends it.
//
// 3GPP TS 27.005 §3.4.4 New Message Acknowledgement to ME/TA +CNMA: +CNMA (text mode, or
// PDU mode without <n>); no information text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcknowledgeMessage;

impl Command for AcknowledgeMessage {
    type Response = ();

    fn text(&self) -> String {
        "AT+CNMA".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn parse(&self, _lines: &[ResponseLine]) -> Result<(), ResponseError> {
        Ok(())
    }
}

/// One operator found by an operator scan (`+COPS=?`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannedOperator {
    /// `<stat>`: 0 unknown, 1 available, 2 current, 3 forbidden.
    pub status: u8,
    /// `<oper>` in long alphanumeric format, e.g. `Telekom.de`.
    pub long_name: String,
    /// `<oper>` in short alphanumeric format, e.g. `TDG`.
    pub short_name: String,
    /// `<oper>` in numeric format: MCC and MNC, e.g. `26201`.
    pub numeric: String,
    /// `<AcT>` when the modem gives it (0 GSM, 2 UTRAN, 7 E-UTRAN, ...).
    pub access_technology: Option<u8>,
}

/// `AT+COPS=?`: scans for the operators in reach. Used when a SIM will not register, to tell
/// "no coverage" (nothing found) from "registration denied" (the home operator is listed as
/// forbidden). It listens on every band, hence [`TimeoutClass::Scan`].
//
// 3GPP TS 27.007 §7.3 PLMN selection +COPS: +COPS=?
//   response +COPS: [list of supported (<stat>,long alphanumeric <oper>,short alphanumeric
//            <oper>,numeric <oper>[,<AcT>])s][,,(list of supported <mode>s),(list of
//            supported <format>s)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperatorScan;

impl Command for OperatorScan {
    type Response = Vec<ScannedOperator>;

    fn text(&self) -> String {
        "AT+COPS=?".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Scan
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<Vec<ScannedOperator>, ResponseError> {
        const EXPECTED: &str =
            "+COPS: (<stat>,<long>,<short>,<numeric>[,<AcT>]),...[,,(<modes>),(<formats>)]";
        let line = single_text("+COPS", EXPECTED, lines)?;
        let error = || ResponseError::new("+COPS", Some(line), EXPECTED);
        let list = line.strip_prefix("+COPS:").ok_or_else(error)?.trim();
        scanned_operators(list).ok_or_else(error)
    }
}

/// The operator tuples of a `+COPS=?` answer, up to the `,,` that starts the lists of
/// supported modes and formats; `None` if a tuple is malformed.
fn scanned_operators(list: &str) -> Option<Vec<ScannedOperator>> {
    use nom::{
        Parser, bytes::complete::take_until, character::complete::char, multi::separated_list0,
        sequence::delimited,
    };
    // The operator part ends where the mode and format lists begin.
    let operators = list.split(",,").next().unwrap_or("");
    let tuple = delimited(
        char::<&str, nom::error::Error<&str>>('('),
        take_until(")"),
        char(')'),
    );
    let (rest, tuples) = separated_list0(char(','), tuple).parse(operators).ok()?;
    if !rest.trim().is_empty() {
        return None;
    }
    tuples
        .into_iter()
        .map(|tuple| {
            let fields = split_fields(tuple)?;
            let (status, long, short, numeric) = match fields.as_slice() {
                [status, long, short, numeric] | [status, long, short, numeric, _] => {
                    (status, long, short, numeric)
                }
                _ => return None,
            };
            let access_technology = match fields.get(4) {
                Some(act) if !act.text.is_empty() => Some(parse_decimal(act.text)?),
                _ => None,
            };
            Some(ScannedOperator {
                status: parse_decimal(status.text)?,
                long_name: long.text.to_owned(),
                short_name: short.text.to_owned(),
                numeric: numeric.text.to_owned(),
                access_technology,
            })
        })
        .collect()
}

/// The largest TPDU a `+CMGS` / `+CMGW` can carry (TS 23.040 §9.2.2: 164 octets of
/// SMS-SUBMIT) plus a full SMSC field (12 octets).
const MAX_PDU_OCTETS: usize = 176;

/// A PDU to send or store, checked so that it cannot break the prompt dialogue: hex digits
/// only (a Ctrl-Z or ESC inside would end or cancel it early), and a TPDU length that matches.
#[derive(Debug, Clone, PartialEq, Eq)]
struct OutgoingPdu {
    hex: String,
    tpdu_length: usize,
}

impl OutgoingPdu {
    fn new(command: &'static str, hex: &str, tpdu_length: usize) -> Result<Self, InvalidArgument> {
        let invalid = |reason| InvalidArgument { command, reason };
        if hex.is_empty()
            || !hex.len().is_multiple_of(2)
            || !hex.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Err(invalid("the PDU must be an even number of hex digits"));
        }
        let octets = hex.len() / 2;
        if octets > MAX_PDU_OCTETS {
            return Err(invalid("the PDU is longer than an SMS can be"));
        }
        // The first octet is the SMSC field's length; the TPDU is what follows it.
        let smsc_length = usize::from_str_radix(&hex[..2], 16).unwrap_or(usize::MAX);
        if octets.checked_sub(1 + smsc_length) != Some(tpdu_length) || tpdu_length == 0 {
            return Err(invalid("the TPDU length does not match the PDU"));
        }
        Ok(OutgoingPdu {
            hex: hex.to_ascii_uppercase(),
            tpdu_length,
        })
    }
}

/// `AT+CMGS=<length>` then the PDU at the `> ` prompt: sends an SMS. Used by technicians'
/// tests of a SIM (a message to itself) and by the simulator's own tests.
//
// 3GPP TS 27.005 §3.5.1 Send Message +CMGS (PDU mode): +CMGS=<length><CR> PDU is given<ctrl-Z/ESC>
//   response +CMGS: <mr>[,<ackpdu>]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendMessage(OutgoingPdu);

impl SendMessage {
    /// A message from `pdu_hex` (SMSC field first, as the encoder writes it) whose TPDU is
    /// `tpdu_length` octets, as [`crate::pdu::EncodedPdu`] gives them.
    pub fn new(pdu_hex: &str, tpdu_length: usize) -> Result<SendMessage, InvalidArgument> {
        OutgoingPdu::new("+CMGS", pdu_hex, tpdu_length).map(SendMessage)
    }
}

impl Command for SendMessage {
    /// `<mr>`: the message reference the network gave the submission.
    type Response = u8;

    fn text(&self) -> String {
        format!("AT+CMGS={}", self.0.tpdu_length)
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Network
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<u8, ResponseError> {
        const EXPECTED: &str = "+CMGS: <mr>[,<ackpdu>]";
        let line = single_text("+CMGS", EXPECTED, lines)?;
        let info = Info::parse("+CMGS", EXPECTED, line, "+CMGS:")?;
        info.arity(1, 2)?;
        info.int(0)
    }

    fn payload(&self) -> Option<String> {
        Some(self.0.hex.clone())
    }
}

/// `AT+CMGW=<length>` then the PDU at the `> ` prompt: stores a message in the write storage
/// (`+CPMS` `<mem2>`). Lets a technician check that a SIM's storage accepts writes.
//
// 3GPP TS 27.005 §3.5.3 Write Message to Memory +CMGW (PDU mode):
//   +CMGW=<length>[,<stat>]<CR> PDU is given<ctrl-Z/ESC>; response +CMGW: <index>
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteMessage(OutgoingPdu);

impl WriteMessage {
    /// A message from `pdu_hex` (SMSC field first) whose TPDU is `tpdu_length` octets.
    pub fn new(pdu_hex: &str, tpdu_length: usize) -> Result<WriteMessage, InvalidArgument> {
        OutgoingPdu::new("+CMGW", pdu_hex, tpdu_length).map(WriteMessage)
    }
}

impl Command for WriteMessage {
    /// `<index>`: where the message was stored.
    type Response = u32;

    fn text(&self) -> String {
        format!("AT+CMGW={}", self.0.tpdu_length)
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Storage
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<u32, ResponseError> {
        const EXPECTED: &str = "+CMGW: <index>";
        let line = single_text("+CMGW", EXPECTED, lines)?;
        let info = Info::parse("+CMGW", EXPECTED, line, "+CMGW:")?;
        info.arity(1, 1)?;
        info.int(0)
    }

    fn payload(&self) -> Option<String> {
        Some(self.0.hex.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::at::urc::{Registration, RegistrationStatus};

    fn text(lines: &[&str]) -> Vec<ResponseLine> {
        lines.iter().map(|line| ResponseLine::from(*line)).collect()
    }

    fn pdu(header: &str, pdu: &str) -> ResponseLine {
        ResponseLine::Pdu {
            header: header.to_owned(),
            pdu: pdu.to_owned(),
        }
    }

    #[test]
    fn command_texts_are_exact() {
        assert_eq!(Echo(false).text(), "ATE0");
        assert_eq!(Echo(true).text(), "ATE1");
        assert_eq!(ReportErrors(ErrorReporting::Numeric).text(), "AT+CMEE=1");
        assert_eq!(Manufacturer.text(), "AT+CGMI");
        assert_eq!(Model.text(), "AT+CGMM");
        assert_eq!(Revision.text(), "AT+CGMR");
        assert_eq!(ImeiQuery.text(), "AT+CGSN");
        assert_eq!(Imsi.text(), "AT+CIMI");
        assert_eq!(Ati.text(), "ATI");
        assert_eq!(IccidQuery(IccidDialect::Ccid).text(), "AT+CCID");
        assert_eq!(IccidQuery(IccidDialect::Qccid).text(), "AT+QCCID");
        assert_eq!(IccidQuery(IccidDialect::Huawei).text(), "AT^ICCID?");
        assert_eq!(IccidQuery(IccidDialect::Simcom).text(), "AT+ICCID");
        assert_eq!(
            IccidQuery(IccidDialect::Crsm).text(),
            "AT+CRSM=176,12258,0,0,10"
        );
        assert_eq!(OwnNumber.text(), "AT+CNUM");
        assert_eq!(OperatorQuery.text(), "AT+COPS?");
        assert_eq!(SignalQuality.text(), "AT+CSQ");
        assert_eq!(RegistrationQuery.text(), "AT+CREG?");
        assert_eq!(PinStatus.text(), "AT+CPIN?");
        assert_eq!(EnterPin::new("1234").unwrap().text(), "AT+CPIN=\"1234\"");
        assert_eq!(MessageFormat::Pdu.text(), "AT+CMGF=0");
        assert_eq!(MessageFormat::Text.text(), "AT+CMGF=1");
        assert_eq!(SelectService(1).text(), "AT+CSMS=1");
        let cnmi = NewMessageIndications {
            mode: 2,
            mt: 1,
            bm: 0,
            ds: 0,
            bfr: 0,
        };
        assert_eq!(cnmi.text(), "AT+CNMI=2,1,0,0,0");
        let cpms = PreferredStorage {
            read: Storage::Sim,
            write: Storage::Sim,
            receive: Storage::Sim,
        };
        assert_eq!(cpms.text(), "AT+CPMS=\"SM\",\"SM\",\"SM\"");
        assert_eq!(PreferredStorageQuery.text(), "AT+CPMS?");
        assert_eq!(ListMessages(MessageStatus::All).text(), "AT+CMGL=4");
        assert_eq!(ReadMessage(7).text(), "AT+CMGR=7");
        let one = DeleteMessage {
            index: 3,
            flag: None,
        };
        assert_eq!(one.text(), "AT+CMGD=3");
        let all = DeleteMessage {
            index: 1,
            flag: Some(DeleteFlag::All),
        };
        assert_eq!(all.text(), "AT+CMGD=1,4");
        assert_eq!(AcknowledgeMessage.text(), "AT+CNMA");
        assert_eq!(Ussd::new("*100#").unwrap().text(), "AT+CUSD=1,\"*100#\",15");
        let reset = SetFunctionality {
            fun: 1,
            reset: true,
        };
        assert_eq!(reset.text(), "AT+CFUN=1,1");
        let radio_off = SetFunctionality {
            fun: 4,
            reset: false,
        };
        assert_eq!(radio_off.text(), "AT+CFUN=4");
    }

    #[test]
    fn slow_commands_get_long_timeouts() {
        assert_eq!(SignalQuality.timeout().duration(), Duration::from_secs(2));
        assert_eq!(
            ListMessages(MessageStatus::All).timeout(),
            TimeoutClass::Storage
        );
        assert_eq!(ReadMessage(1).timeout(), TimeoutClass::Storage);
        assert_eq!(Ussd::new("*100#").unwrap().timeout(), TimeoutClass::Network);
        assert_eq!(TimeoutClass::Scan.duration(), Duration::from_secs(180));
    }

    #[test]
    fn split_fields_honours_quotes_and_empty_fields() {
        let fields = split_fields(r#" "a,b",,3 , "" "#).unwrap();
        let texts: Vec<(&str, bool)> = fields.iter().map(|f| (f.text, f.quoted)).collect();
        assert_eq!(
            texts,
            vec![("a,b", true), ("", false), ("3", false), ("", true)]
        );
        assert_eq!(split_fields(r#""open,1"#), None);
        assert_eq!(split_fields(r#"ab"c,1"#), None);
    }

    #[test]
    fn identity_lines_as_quectel_simcom_and_huawei_print_them() {
        assert_eq!(Manufacturer.parse(&text(&["Quectel"])).unwrap(), "Quectel");
        assert_eq!(
            Manufacturer.parse(&text(&["+CGMI: huawei"])).unwrap(),
            "huawei"
        );
        assert_eq!(Model.parse(&text(&["EC25"])).unwrap(), "EC25");
        assert_eq!(
            Revision
                .parse(&text(&["Revision:1418B05SIM800L24"]))
                .unwrap(),
            "1418B05SIM800L24"
        );
        assert_eq!(
            Revision.parse(&text(&["EC25EFAR06A06M4G"])).unwrap(),
            "EC25EFAR06A06M4G"
        );
        assert_eq!(
            Ati.parse(&text(&["Quectel", "EC25", "Revision: EC25EFAR06A06M4G"]))
                .unwrap(),
            vec!["Quectel", "EC25", "Revision: EC25EFAR06A06M4G"]
        );
    }

    #[test]
    fn missing_identity_line_is_an_error_naming_the_command() {
        let error = Manufacturer.parse(&[]).unwrap_err();
        assert_eq!(error.command, "+CGMI");
        assert_eq!(error.line, None);
        assert!(error.to_string().contains("no line"));
    }

    #[test]
    fn imei_bare_and_prefixed_with_luhn_reported() {
        let bare = ImeiQuery.parse(&text(&["490154203237518"])).unwrap();
        assert_eq!(bare.as_str(), "490154203237518");
        assert!(bare.check_digit_ok());
        let huawei = ImeiQuery
            .parse(&text(&["+CGSN: \"490154203237518\""]))
            .unwrap();
        assert_eq!(huawei, bare);
        // A bad check digit is accepted and reported, not rejected.
        let cheap = ImeiQuery.parse(&text(&["+CGSN: 490154203237519"])).unwrap();
        assert!(!cheap.check_digit_ok());
    }

    #[test]
    fn imei_with_wrong_length_or_letters_is_rejected() {
        let error = ImeiQuery.parse(&text(&["49015420323751"])).unwrap_err();
        assert_eq!(error.command, "+CGSN");
        assert_eq!(error.line.as_deref(), Some("49015420323751"));
        assert!(ImeiQuery.parse(&text(&["49015420323751X"])).is_err());
        assert!(
            ImeiQuery
                .parse(&text(&["490154203237518", "extra"]))
                .is_err()
        );
    }

    #[test]
    fn imsi_bare_and_prefixed() {
        assert_eq!(
            Imsi.parse(&text(&["204081234567890"])).unwrap(),
            "204081234567890"
        );
        assert_eq!(
            Imsi.parse(&text(&["+CIMI: 204081234567890"])).unwrap(),
            "204081234567890"
        );
        assert!(Imsi.parse(&text(&["ERRORISH"])).is_err());
    }

    #[test]
    fn iccid_in_each_vendor_dialect() {
        let expected = "8931440400012345678";
        let cases: [(IccidDialect, &str); 8] = [
            (IccidDialect::Ccid, "+CCID: 8931440400012345678"),
            (IccidDialect::Ccid, "+CCID: \"8931440400012345678\""),
            (IccidDialect::Ccid, "8931440400012345678"),
            (IccidDialect::Qccid, "+QCCID: 8931440400012345678F"),
            (IccidDialect::Simcom, "ICCID: \"8931440400012345678\""),
            (IccidDialect::Simcom, "+ICCID: 8931440400012345678"),
            (IccidDialect::Huawei, "^ICCID: 981344400010325476F8"),
            (IccidDialect::Crsm, "+CRSM: 144,0,\"981344400010325476F8\""),
        ];
        for (dialect, line) in cases {
            let iccid = IccidQuery(dialect).parse(&text(&[line])).unwrap();
            assert_eq!(iccid.as_str(), expected, "{dialect:?} {line}");
        }
    }

    #[test]
    fn crsm_iccid_is_unswapped_with_twenty_digits() {
        let iccid = IccidQuery(IccidDialect::Crsm)
            .parse(&text(&["+CRSM: 144,0,\"98137100010000000074\""]))
            .unwrap();
        assert_eq!(iccid.as_str(), "89311700100000000047");
    }

    #[test]
    fn crsm_error_status_words_are_rejected() {
        // 148,4 (94 04): file not found.
        let error = IccidQuery(IccidDialect::Crsm)
            .parse(&text(&["+CRSM: 148,4,\"\""]))
            .unwrap_err();
        assert_eq!(error.command, "+CRSM");
        assert!(
            IccidQuery(IccidDialect::Crsm)
                .parse(&text(&["+CRSM: 144,0"]))
                .is_err()
        );
        assert!(
            IccidQuery(IccidDialect::Crsm)
                .parse(&text(&["+CRSM: 144,0,\"9813710001000000007\""]))
                .is_err()
        );
    }

    #[test]
    fn iccid_with_stray_characters_or_wrong_length_is_rejected() {
        let ccid = IccidQuery(IccidDialect::Ccid);
        let error = ccid
            .parse(&text(&["+CCID: 8931440400A12345678"]))
            .unwrap_err();
        assert_eq!(error.command, "+CCID");
        assert_eq!(error.line.as_deref(), Some("+CCID: 8931440400A12345678"));
        assert!(ccid.parse(&text(&["+CCID: 89314404"])).is_err());
        assert!(ccid.parse(&[]).is_err());
        // Nibble-swapped text with an odd length cannot be unswapped.
        assert!(
            IccidQuery(IccidDialect::Huawei)
                .parse(&text(&["^ICCID: 981344400010325476F"]))
                .is_err()
        );
    }

    #[test]
    fn cnum_with_alpha_without_alpha_and_empty() {
        let numbers = OwnNumber
            .parse(&text(&[
                "+CNUM: \"Own\",\"+31612345678\",145",
                "+CNUM: ,\"0612345678\",129,,4",
            ]))
            .unwrap();
        assert_eq!(
            numbers,
            vec![
                Subscriber {
                    alpha: Some("Own".to_owned()),
                    number: "+31612345678".to_owned(),
                    number_type: 145,
                },
                Subscriber {
                    alpha: None,
                    number: "0612345678".to_owned(),
                    number_type: 129,
                },
            ]
        );
        assert_eq!(OwnNumber.parse(&[]).unwrap(), vec![]);
        let error = OwnNumber
            .parse(&text(&["+CNUM: \"\",\"+316\""]))
            .unwrap_err();
        assert_eq!(error.command, "+CNUM");
    }

    #[test]
    fn cops_registered_and_not_registered() {
        assert_eq!(
            OperatorQuery
                .parse(&text(&["+COPS: 0,0,\"vodafone NL\",7"]))
                .unwrap(),
            Operator {
                mode: 0,
                format: Some(0),
                name: Some("vodafone NL".to_owned()),
                access_technology: Some(7),
            }
        );
        assert_eq!(
            OperatorQuery.parse(&text(&["+COPS: 0"])).unwrap(),
            Operator {
                mode: 0,
                format: None,
                name: None,
                access_technology: None,
            }
        );
    }

    #[test]
    fn csq_99_99_is_unknown_signal() {
        assert_eq!(
            SignalQuality.parse(&text(&["+CSQ: 99,99"])).unwrap(),
            Signal {
                rssi: None,
                ber: None,
                dbm: None,
            }
        );
    }

    #[test]
    fn csq_rssi_converts_to_dbm() {
        assert_eq!(
            SignalQuality.parse(&text(&["+CSQ: 21,0"])).unwrap(),
            Signal {
                rssi: Some(21),
                ber: Some(0),
                dbm: Some(-71),
            }
        );
        let weakest = SignalQuality.parse(&text(&["+CSQ: 0,99"])).unwrap();
        assert_eq!(weakest.dbm, Some(-113));
    }

    #[test]
    fn csq_overflow_and_garbage_are_errors_not_panics() {
        for line in [
            "+CSQ: 256,99",
            "+CSQ: -1,99",
            "+CSQ: +5,99",
            "+CSQ: 21",
            "+CSQ: 21,99,1",
            "+CSQ 21,99",
            "+CSQ: 99999999999999999999999,0",
        ] {
            let error = SignalQuality.parse(&text(&[line])).unwrap_err();
            assert_eq!(error.command, "+CSQ");
            assert_eq!(error.line.as_deref(), Some(line));
        }
    }

    #[test]
    fn creg_short_and_with_location() {
        let short = RegistrationQuery.parse(&text(&["+CREG: 0,1"])).unwrap();
        assert!(short.registration.status.is_registered());
        assert_eq!(short.registration.lac, None);
        let long = RegistrationQuery
            .parse(&text(&["+CREG: 2,5,\"1A2B\",\"01C3D4E5\",7"]))
            .unwrap();
        assert_eq!(
            long,
            RegistrationResponse {
                mode: 2,
                registration: Registration {
                    domain: RegistrationDomain::Cs,
                    status: RegistrationStatus::Roaming,
                    lac: Some("1A2B".to_owned()),
                    cell_id: Some("01C3D4E5".to_owned()),
                    access_technology: Some(7),
                },
            }
        );
        assert!(
            !RegistrationQuery
                .parse(&text(&["+CREG: 0,2"]))
                .unwrap()
                .registration
                .status
                .is_registered()
        );
    }

    #[test]
    fn cpin_codes_are_typed() {
        let state = |line| PinStatus.parse(&text(&[line])).unwrap();
        assert_eq!(state("+CPIN: READY"), SimStatus::Ready);
        assert_eq!(state("+CPIN: SIM PIN"), SimStatus::SimPin);
        assert_eq!(state("+CPIN: SIM PUK"), SimStatus::SimPuk);
        assert_eq!(state("+CPIN: \"PH-SIM PIN\""), SimStatus::PhSimPin);
        assert_eq!(
            state("+CPIN: PH-NET PIN"),
            SimStatus::Other("PH-NET PIN".to_owned())
        );
        assert!(PinStatus.parse(&text(&["+CPIN:"])).is_err());
        assert!(PinStatus.parse(&[]).is_err());
    }

    #[test]
    fn enter_pin_debug_does_not_contain_the_pin() {
        let command = EnterPin::new("73915").unwrap();
        let debug = format!("{command:?}");
        assert!(!debug.contains("73915"), "{debug}");
        assert!(debug.contains("redacted"));
    }

    #[test]
    fn enter_pin_and_ussd_refuse_text_that_would_break_the_command() {
        assert!(EnterPin::new("12\"\r").is_err());
        assert!(EnterPin::new("123").is_err());
        let error = EnterPin::new("12345x").unwrap_err();
        assert!(!error.to_string().contains("12345"));
        assert!(Ussd::new("*100#\",15\rATD1").is_err());
        assert!(Ussd::new("").is_err());
    }

    #[test]
    fn csms_reports_supported_services() {
        assert_eq!(
            SelectService(1).parse(&text(&["+CSMS: 1,1,1"])).unwrap(),
            ServiceSupport {
                mt: true,
                mo: true,
                bm: true,
            }
        );
        assert!(SelectService(1).parse(&text(&["+CSMS: 1,1"])).is_err());
    }

    #[test]
    fn cpms_set_reports_usage_of_three_storages() {
        let command = PreferredStorage {
            read: Storage::Sim,
            write: Storage::Sim,
            receive: Storage::Sim,
        };
        let usage = command.parse(&text(&["+CPMS: 3,30,3,30,3,30"])).unwrap();
        let expected = Usage { used: 3, total: 30 };
        assert_eq!(
            usage,
            StorageUsage {
                read: expected,
                write: expected,
                receive: expected,
            }
        );
    }

    #[test]
    fn cpms_query_names_storages_with_usage() {
        let status = PreferredStorageQuery
            .parse(&text(&["+CPMS: \"SM\",3,30,\"SM\",3,30,\"ME\",0,255"]))
            .unwrap();
        assert_eq!(
            status.read,
            StorageSlot {
                storage: Storage::Sim,
                usage: Usage { used: 3, total: 30 },
            }
        );
        assert_eq!(status.write.storage, Storage::Sim);
        assert_eq!(status.receive.storage, Storage::Me);
        assert_eq!(status.receive.usage.total, 255);
        let error = PreferredStorageQuery
            .parse(&text(&["+CPMS: \"SM\",3,30"]))
            .unwrap_err();
        assert_eq!(error.command, "+CPMS");
        assert_eq!(error.line.as_deref(), Some("+CPMS: \"SM\",3,30"));
    }

    const PDU_ONE: &str =
        "07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07";
    const PDU_TWO: &str =
        "0791448720003023240DD0E474D81C0EBB010000111011315214000BE474D81C0EBB5DE3771B";

    #[test]
    fn cmgl_listing_with_two_pdu_pairs() {
        let listing = ListMessages(MessageStatus::All)
            .parse(&[
                pdu("+CMGL: 1,1,,32", PDU_ONE),
                pdu("+CMGL: 4,0,\"\",30", PDU_TWO),
            ])
            .unwrap();
        assert_eq!(
            listing,
            vec![
                StoredPdu {
                    index: 1,
                    status: 1,
                    length: 32,
                    pdu: PDU_ONE.to_owned(),
                },
                StoredPdu {
                    index: 4,
                    status: 0,
                    length: 30,
                    pdu: PDU_TWO.to_owned(),
                },
            ]
        );
        assert_eq!(ListMessages(MessageStatus::All).parse(&[]).unwrap(), vec![]);
    }

    #[test]
    fn cmgl_header_without_pdu_or_bad_index_is_an_error() {
        let error = ListMessages(MessageStatus::All)
            .parse(&[pdu("+CMGL: 1,1,,32", PDU_ONE), "+CMGL: 2,1,,32".into()])
            .unwrap_err();
        assert_eq!(error.command, "+CMGL");
        assert_eq!(error.line.as_deref(), Some("+CMGL: 2,1,,32"));
        let error = ListMessages(MessageStatus::All)
            .parse(&[pdu("+CMGL: 4294967296,1,,32", PDU_ONE)])
            .unwrap_err();
        assert_eq!(error.line.as_deref(), Some("+CMGL: 4294967296,1,,32"));
    }

    #[test]
    fn cmgr_reads_a_message_with_the_requested_index() {
        let message = ReadMessage(9)
            .parse(&[pdu("+CMGR: 0,,32", PDU_ONE)])
            .unwrap();
        assert_eq!(
            message,
            Some(StoredPdu {
                index: 9,
                status: 0,
                length: 32,
                pdu: PDU_ONE.to_owned(),
            })
        );
    }

    #[test]
    fn cmgr_empty_slot_both_ways_is_none() {
        assert_eq!(ReadMessage(3).parse(&[]).unwrap(), None);
        assert_eq!(ReadMessage(3).parse(&text(&["+CMGR: 0,,0"])).unwrap(), None);
    }

    #[test]
    fn cmgr_header_promising_a_pdu_that_never_came_is_an_error() {
        let error = ReadMessage(3).parse(&text(&["+CMGR: 0,,32"])).unwrap_err();
        assert_eq!(error.command, "+CMGR");
        assert_eq!(error.line.as_deref(), Some("+CMGR: 0,,32"));
        assert!(
            ReadMessage(3)
                .parse(&text(&["+CMGR: \"REC UNREAD\",\"+3161\",,\"24/01/31\""]))
                .is_err()
        );
    }

    #[test]
    fn error_display_names_command_line_and_grammar() {
        let error = SignalQuality.parse(&text(&["+CSQ: x,1"])).unwrap_err();
        assert_eq!(
            error.to_string(),
            "+CSQ: expected +CSQ: <rssi>,<ber>, got `+CSQ: x,1`"
        );
    }

    #[test]
    fn response_lines_come_from_digester_events() {
        let mut digester = crate::at::Digester::new();
        digester.feed(b"\r\n+CMGL: 1,1,,32\r\n");
        digester.feed(PDU_ONE.as_bytes());
        digester.feed(b"\r\n+CSQ: 21,99\r\n\r\nOK\r\n");
        let lines: Vec<ResponseLine> = digester
            .events()
            .filter_map(ResponseLine::from_event)
            .collect();
        assert_eq!(
            lines,
            vec![pdu("+CMGL: 1,1,,32", PDU_ONE), "+CSQ: 21,99".into()]
        );
    }
    #[test]
    fn response_prefix_is_the_command_name() {
        assert_eq!(PinStatus.response_prefix().as_deref(), Some("+CPIN:"));
        assert_eq!(
            ListMessages(MessageStatus::All)
                .response_prefix()
                .as_deref(),
            Some("+CMGL:")
        );
        assert_eq!(
            IccidQuery(IccidDialect::Huawei)
                .response_prefix()
                .as_deref(),
            Some("^ICCID:")
        );
        assert_eq!(Ati.response_prefix(), None);
        assert_eq!(Echo(false).response_prefix(), None);
        let ussd = Ussd::new("*111*0887#").unwrap();
        assert_eq!(ussd.response_prefix(), None);
        assert_eq!(name_of("AT+CPIN=\"1234\""), Some("+CPIN"));
        assert_eq!(name_of("at+cmgl=4"), Some("+cmgl"));
        assert_eq!(name_of("ATE0"), Some("E0"));
        assert_eq!(name_of("hello"), None);
        assert_eq!(name_of("AT"), None);
        assert_eq!(name_of("A"), None);
        assert_eq!(name_of("é"), None);
    }

    #[test]
    fn operator_scan() {
        let line = "+COPS: (2,\"Telekom.de\",\"TDG\",\"26201\",7),(1,\"Vodafone.de\",\"Vodafone\",\
            \"26202\",2),(3,\"o2 - de\",\"o2 - de\",\"26203\"),,(0-4),(0-2)";
        let operators = OperatorScan.parse(&[line.into()]).unwrap();
        assert_eq!(operators.len(), 3);
        assert_eq!(
            operators[0],
            ScannedOperator {
                status: 2,
                long_name: "Telekom.de".into(),
                short_name: "TDG".into(),
                numeric: "26201".into(),
                access_technology: Some(7),
            }
        );
        assert_eq!(operators[2].access_technology, None);
        assert_eq!(operators[2].status, 3);
        // Nothing in reach.
        assert!(
            OperatorScan
                .parse(&["+COPS: ,,(0-4),(0-2)".into()])
                .unwrap()
                .is_empty()
        );
        for bad in [
            "+COPS: (2,\"A\")",
            "+COPS: (x,\"A\",\"B\",\"1\")",
            "+COPS: (2,\"A\",\"B\",\"1\"",
            "+CSQ: 1,2",
        ] {
            assert!(OperatorScan.parse(&[bad.into()]).is_err(), "{bad}");
        }
        assert_eq!(OperatorScan.timeout(), TimeoutClass::Scan);
    }

    #[test]
    fn send_and_write_message_carry_a_checked_pdu() {
        const PDU: &str = "0011000B911326880736F40000A70AE8329BFD4697D9EC37";
        let send = SendMessage::new(PDU, 23).unwrap();
        assert_eq!(send.text(), "AT+CMGS=23");
        assert_eq!(send.payload().as_deref(), Some(PDU));
        assert_eq!(send.parse(&["+CMGS: 42".into()]), Ok(42));
        assert!(send.parse(&["+CMGS: 420".into()]).is_err());
        let write = WriteMessage::new(&PDU.to_ascii_lowercase(), 23).unwrap();
        assert_eq!(write.text(), "AT+CMGW=23");
        assert_eq!(write.payload().as_deref(), Some(PDU));
        assert_eq!(write.parse(&["+CMGW: 7".into()]), Ok(7));
        assert!(SendMessage::new(PDU, 22).is_err());
        assert!(SendMessage::new("00\u{1a}1", 1).is_err());
        assert!(SendMessage::new("001", 1).is_err());
        assert!(SendMessage::new("", 0).is_err());
        assert!(SendMessage::new("FF00", 0).is_err());
        assert!(SendMessage::new(&"00".repeat(200), 199).is_err());
    }
}
