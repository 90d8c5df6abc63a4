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
//!
//! This file holds what every command shares: the [`Command`] trait, [`TimeoutClass`], the
//! response and error types, and the field grammar the parsers go through. The commands
//! themselves live in one file per family, re-exported here so that every command is
//! `crate::at::command::X` whichever file holds it:
//!
//! - `settings.rs`: echo, error reporting and registration reports, set once per port.
//! - `identity.rs`: manufacturer, model, revision, `ATI`, the IMEI and the SIM's IMSI.
//! - `iccid.rs`: the SIM's ICCID in each vendor dialect and through `+CRSM`.
//! - `sim.rs`: the SIM's PIN state, entering the PIN, and the SIM's own numbers.
//! - `network.rs`: registration, the serving operator, signal quality, the operator scan.
//! - `functionality.rs`: `+CFUN`, the soft reset and the radio switched off.
//! - `ussd.rs`: USSD requests, whose answers arrive as URCs.
//! - `sms_config.rs`: PDU mode, the message service and new-message indications.
//! - `sms_storage.rs`: selecting the message storages and how full they are.
//! - `sms_read.rs`: listing and reading stored messages, acknowledging routed ones.
//! - `sms_delete.rs`: deleting stored messages.
//! - `sms_send.rs`: sending and storing messages through the `> ` prompt.

use std::str::FromStr;
use std::time::Duration;

use super::digest::{Event, FinalResult};
use super::fields::{Field, split as split_fields};

mod functionality;
mod iccid;
mod identity;
mod network;
mod settings;
mod sim;
mod sms_config;
mod sms_delete;
mod sms_read;
mod sms_send;
mod sms_storage;
mod ussd;

pub use functionality::SetFunctionality;
pub use iccid::{Iccid, IccidDialect, IccidQuery};
pub use identity::{Ati, Imei, ImeiQuery, Imsi, Manufacturer, Model, Revision};
pub use network::{
    Operator, OperatorFormat, OperatorQuery, OperatorScan, RegistrationQuery, ScannedOperator,
    Signal, SignalQuality, plmn_code,
};
pub use settings::{Echo, ErrorReporting, RegistrationReports, ReportErrors};
pub use sim::{EnterPin, OwnNumber, PinStatus, Subscriber};
pub use sms_config::{MessageFormat, NewMessageIndications, SelectService, ServiceSupport};
pub use sms_delete::{DeleteFlag, DeleteMessage};
pub use sms_read::{AcknowledgeMessage, ListMessages, MessageStatus, ReadMessage, StoredPdu};
pub use sms_send::{SendMessage, WriteMessage};
pub use sms_storage::{
    PreferredStorage, PreferredStorageQuery, Storage, StorageSlot, StorageStatus, StorageUsage,
    Usage,
};
pub use ussd::Ussd;

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

    /// The answer a failing final result stands for, where a dialect says "nothing" with an
    /// error (`+CMS ERROR: 321` for a listing of an empty store); `None`, the default, for
    /// a real failure.
    fn answer_in_failure(&self, _result: &FinalResult) -> Option<Self::Response> {
        None
    }

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
        .filter(|name| name.starts_with(['+', '^', '*', '$', '#', '%', '_']))
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

/// Response lines as the runner hands them to a parser, and real PDUs to put in them, for
/// the tests of every family.
#[cfg(test)]
mod fixtures {
    use super::ResponseLine;

    pub(super) fn text(lines: &[&str]) -> Vec<ResponseLine> {
        lines.iter().map(|line| ResponseLine::from(*line)).collect()
    }

    pub(super) fn pdu(header: &str, pdu: &str) -> ResponseLine {
        ResponseLine::Pdu {
            header: header.to_owned(),
            pdu: pdu.to_owned(),
        }
    }

    pub(super) const PDU_ONE: &str =
        "07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07";
    pub(super) const PDU_TWO: &str =
        "0791448720003023240DD0E474D81C0EBB010000111011315214000BE474D81C0EBB5DE3771B";
}

#[cfg(test)]
mod tests {
    use super::fixtures::{PDU_ONE, pdu, text};
    use super::*;

    #[test]
    fn slow_commands_get_long_timeouts() {
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
}
