//! What the daemon makes of each line of a [`Transcript`]: `modempool at explain`.
//!
//! The received lines go through the daemon's own [`Digester`] and [`route_line`] in the
//! order of the transcript, with each command the host sent announced to the digester (for
//! its echo) and taken as the command in flight until its final result code, exactly as the
//! runner does. So a line explained as `noise` is a line the daemon would log and drop, and a
//! `urc` is one it would act on.

use std::fmt;

use serde::Serialize;

use super::command::{name_of, prefix_of};
use super::digest::{Digester, Event, GarbageReason};
use super::runner::{Route, route_line, route_pdu};
use super::transcript::{Direction, Transcript};
use super::urc::{ReadyKind, Urc};

/// What a received line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LineKind {
    /// The modem repeating the command the host wrote.
    Echo,
    /// An information line of the command in flight's response.
    Response,
    /// The final result code of the command in flight.
    Final,
    /// An unsolicited result code.
    Urc,
    /// The hex PDU line after a `+CMGL`/`+CMGR`/`+CMT`/`+CDS` header.
    Pdu,
    /// The `> ` prompt for a PDU.
    Prompt,
    /// Nothing the daemon knows, with no command in flight (or bytes it had to drop).
    Noise,
}

impl fmt::Display for LineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LineKind::Echo => "echo",
            LineKind::Response => "response",
            LineKind::Final => "final",
            LineKind::Urc => "urc",
            LineKind::Pdu => "pdu",
            LineKind::Prompt => "prompt",
            LineKind::Noise => "noise",
        })
    }
}

/// One received line, explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explained {
    /// The line's index in the transcript's `lines`.
    pub n: usize,
    /// The line as received.
    pub text: String,
    /// What it is.
    pub kind: LineKind,
    /// For a URC, its name (`+CMTI`, `^RSSI`, `RDY`, `SMS DONE`).
    pub urc: Option<String>,
    /// For a URC, what it says in words (`SMS stored in SM at index 3`); for a final
    /// result, which one; for noise, why.
    pub detail: Option<String>,
    /// The command it answers or echoes (for a URC, the one in flight when it came), as the
    /// host wrote it.
    pub command: Option<String>,
    /// For a PDU line, the hex PDU.
    pub pdu: Option<String>,
}

/// Explains every received line of `transcript`, in order.
pub fn explain(transcript: &Transcript) -> Vec<Explained> {
    let mut digester = Digester::new();
    digester.expect_prompt(false);
    let mut in_flight: Option<String> = None;
    // Received lines fed to the digester whose events have not come yet (a PDU header waits
    // for its PDU line).
    let mut waiting: Vec<usize> = Vec::new();
    let mut explained = Vec::new();
    for (n, line) in transcript.lines.iter().enumerate() {
        match line.dir {
            Direction::Tx => {
                digester.expect_echo(&line.text);
                let name = name_of(&line.text).unwrap_or("");
                digester.expect_prompt(
                    name.eq_ignore_ascii_case("+CMGS") || name.eq_ignore_ascii_case("+CMGW"),
                );
                in_flight = Some(line.text.clone());
            }
            Direction::Rx => {
                waiting.push(n);
                let mut bytes = line.text.clone().into_bytes();
                // The prompt has no line ending; any other line gets the modem's CR LF.
                if line.text.trim() != ">" {
                    bytes.extend_from_slice(b"\r\n");
                } else {
                    bytes = b"\r\n> ".to_vec();
                }
                digester.feed(&bytes);
                while let Some(event) = digester.next_event() {
                    let mut take = || {
                        if waiting.is_empty() {
                            n
                        } else {
                            waiting.remove(0)
                        }
                    };
                    let text_of = |index: usize| transcript.lines[index].text.clone();
                    let prefix = in_flight.as_deref().map(prefix_of);
                    let route_prefix = prefix.as_ref().map(Option::as_deref);
                    match event {
                        Event::Echo(_) => {
                            let index = take();
                            explained.push(entry(
                                index,
                                text_of(index),
                                LineKind::Echo,
                                in_flight.clone(),
                            ));
                        }
                        Event::Prompt => {
                            let index = take();
                            explained.push(entry(
                                index,
                                text_of(index),
                                LineKind::Prompt,
                                in_flight.clone(),
                            ));
                        }
                        Event::Garbage { bytes, reason } => {
                            let index = waiting.first().copied().unwrap_or(n);
                            let mut noise = entry(index, text_of(index), LineKind::Noise, None);
                            noise.detail = Some(match reason {
                                GarbageReason::ControlBytes => {
                                    format!("{bytes} control bytes dropped")
                                }
                                GarbageReason::OverlongLine => {
                                    format!("{bytes} bytes of an overlong line dropped")
                                }
                            });
                            explained.push(noise);
                        }
                        Event::Line(received) => {
                            let index = take();
                            let route = route_line(received.text(), route_prefix);
                            // A final result ends the command in flight.
                            let command = if matches!(route, Route::Final(_)) {
                                in_flight.take()
                            } else {
                                in_flight.clone()
                            };
                            explained.push(routed(index, received.into_text(), route, command));
                        }
                        Event::PduLine { header, pdu } => {
                            let header_index = take();
                            let pdu_index = take();
                            let route = route_pdu(&header, &pdu, route_prefix);
                            explained.push(routed(header_index, header, route, in_flight.clone()));
                            let mut line = entry(pdu_index, pdu.clone(), LineKind::Pdu, None);
                            line.command = in_flight.clone();
                            line.pdu = Some(pdu);
                            explained.push(line);
                        }
                    }
                }
            }
        }
    }
    // A header left without its PDU at the end of the transcript.
    for index in waiting {
        let mut noise = entry(
            index,
            transcript.lines[index].text.clone(),
            LineKind::Noise,
            None,
        );
        noise.detail = Some("the transcript ends before this line was complete".to_owned());
        explained.push(noise);
    }
    explained.sort_by_key(|line| line.n);
    explained
}

fn entry(n: usize, text: String, kind: LineKind, command: Option<String>) -> Explained {
    Explained {
        n,
        text,
        kind,
        urc: None,
        detail: None,
        command,
        pdu: None,
    }
}

fn routed(n: usize, text: String, route: Route, command: Option<String>) -> Explained {
    match route {
        Route::Final(result) => {
            let mut line = entry(n, text, LineKind::Final, command);
            line.detail = Some(if result.is_success() {
                "success".to_owned()
            } else {
                format!("failure: {result}")
            });
            line
        }
        Route::Response => entry(n, text, LineKind::Response, command),
        Route::Urc(urc) => {
            let mut line = entry(n, text.clone(), LineKind::Urc, command);
            line.urc = Some(urc_name(&text));
            line.detail = Some(describe(&urc));
            line
        }
        Route::Malformed(error) => {
            let mut line = entry(n, text.clone(), LineKind::Urc, command);
            line.urc = Some(urc_name(&text));
            line.detail = Some(format!("malformed, logged and skipped: {error}"));
            line
        }
        Route::Unrecognised => {
            let mut line = entry(n, text, LineKind::Noise, None);
            line.detail = Some("not a line the daemon knows; logged and skipped".to_owned());
            line
        }
    }
}

/// The name of a URC as the modem wrote it: the prefix before the colon, or the whole line
/// for a bare one (`RDY`, `SMS DONE`).
fn urc_name(text: &str) -> String {
    let text = text.trim();
    match text.split_once(':') {
        Some((name, _)) if !name.contains(' ') && !name.is_empty() => name.to_owned(),
        _ => text.to_owned(),
    }
}

/// What a URC says, in words.
fn describe(urc: &Urc) -> String {
    match urc {
        Urc::SmsStored { storage, index } => {
            format!("SMS stored in {storage} at index {index}: read, then deleted")
        }
        Urc::StatusReportStored { storage, index } => {
            format!("status report stored in {storage} at index {index}")
        }
        Urc::SmsDeliver { length, .. } => format!("SMS routed to the host, {length} octets"),
        Urc::StatusReport { length, .. } => {
            format!("status report routed to the host, {length} octets")
        }
        Urc::CellBroadcast { length, .. } => {
            format!("cell broadcast, {length} octets: counted and dropped")
        }
        Urc::Registration(registration) => format!(
            "registration ({:?}): {:?}{}",
            registration.domain,
            registration.status,
            registration
                .access_technology
                .map(|act| format!(", access technology {act}"))
                .unwrap_or_default()
        ),
        Urc::SimStatus(status) => format!("SIM state: {status:?}"),
        Urc::Ussd { status, .. } => format!("USSD answer, status {status}"),
        Urc::Ring { .. } => "incoming call: hung up".to_owned(),
        Urc::IncomingCall { .. } => "caller identity of an incoming call".to_owned(),
        Urc::Functionality(level) => format!("functionality level {level}"),
        Urc::Ready(kind) => match kind {
            ReadyKind::Modem => "the modem finished booting".to_owned(),
            ReadyKind::Sms => "SMS service ready".to_owned(),
            ReadyKind::Call => "call service ready".to_owned(),
            ReadyKind::Phonebook => "phonebook ready".to_owned(),
        },
        Urc::Signal { rssi } => format!("signal strength, rssi {rssi}"),
        Urc::StorageFull { storage } => format!("message store {storage} full: drained at once"),
        Urc::NetworkTime(time) => format!("network time {time}"),
        Urc::Vendor { .. } => "a vendor's line: recognised, not needed".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::at::transcript::{self, TranscriptLine};

    fn dialogue(lines: &[(&str, &str)]) -> Transcript {
        Transcript {
            id: "test".to_owned(),
            lines: lines
                .iter()
                .map(|(dir, text)| TranscriptLine {
                    dir: if *dir == "tx" {
                        Direction::Tx
                    } else {
                        Direction::Rx
                    },
                    text: (*text).to_owned(),
                    at: None,
                })
                .collect(),
            ..Transcript::default()
        }
    }

    fn kinds(explained: &[Explained]) -> Vec<(usize, LineKind)> {
        explained.iter().map(|line| (line.n, line.kind)).collect()
    }

    #[test]
    fn a_listing_with_a_urc_in_the_middle_is_told_apart() {
        let transcript = dialogue(&[
            ("tx", "AT+CMGL=4"),
            ("rx", "AT+CMGL=4"),
            ("rx", "+CMGL: 0,0,,23"),
            (
                "rx",
                "07913366003051F5040B913366304381F900005180719120348004D4F29C0E",
            ),
            ("rx", "^RSSI:14"),
            ("rx", "OK"),
            ("rx", "+CMTI: \"SM\",1"),
        ]);
        let explained = explain(&transcript);
        assert_eq!(
            kinds(&explained),
            [
                (1, LineKind::Echo),
                (2, LineKind::Response),
                (3, LineKind::Pdu),
                (4, LineKind::Urc),
                (5, LineKind::Final),
                (6, LineKind::Urc),
            ]
        );
        assert_eq!(explained[1].command.as_deref(), Some("AT+CMGL=4"));
        assert_eq!(explained[3].urc.as_deref(), Some("^RSSI"));
        assert_eq!(explained[5].urc.as_deref(), Some("+CMTI"));
        assert_eq!(
            explained[5].detail.as_deref(),
            Some("SMS stored in SM at index 1: read, then deleted")
        );
        assert!(
            explained[2]
                .pdu
                .as_deref()
                .is_some_and(|pdu| pdu.starts_with("0791"))
        );
        // After the final result no command is in flight.
        assert_eq!(explained[5].command, None);
    }

    #[test]
    fn a_prefix_answers_its_command_even_when_it_could_be_a_urc() {
        let transcript = dialogue(&[
            ("tx", "AT+CPIN?"),
            ("rx", "+CPIN: READY"),
            ("rx", "OK"),
            ("rx", "+CPIN: NOT READY"),
            ("rx", "something odd"),
        ]);
        let explained = explain(&transcript);
        assert_eq!(
            kinds(&explained),
            [
                (1, LineKind::Response),
                (2, LineKind::Final),
                (3, LineKind::Urc),
                (4, LineKind::Noise),
            ]
        );
    }

    #[test]
    fn plain_text_with_no_commands_is_all_unsolicited() {
        let transcript =
            &transcript::parse("RDY\n+CFUN: 1\n+CPIN: READY\nSMS DONE\nhello\n").unwrap()[0];
        let explained = explain(transcript);
        let names: Vec<Option<&str>> = explained.iter().map(|l| l.urc.as_deref()).collect();
        assert_eq!(
            names,
            [
                Some("RDY"),
                Some("+CFUN"),
                Some("+CPIN"),
                Some("SMS DONE"),
                None
            ]
        );
        assert_eq!(explained[4].kind, LineKind::Noise);
    }

    #[test]
    fn a_command_not_supported_is_a_final_failure() {
        let transcript = dialogue(&[
            ("tx", "AT+CPROT=?"),
            ("rx", "AT+CPROT=?"),
            ("rx", "COMMAND NOT SUPPORT"),
        ]);
        let explained = explain(&transcript);
        assert_eq!(explained[1].kind, LineKind::Final);
        assert_eq!(
            explained[1].detail.as_deref(),
            Some("failure: COMMAND NOT SUPPORT")
        );
    }

    /// Every line of the shared real-modem set that no command asked for, by transcript:
    /// read from the dialogues by hand (the notes of each say which lines are unsolicited).
    const UNSOLICITED: &[(&str, &[(&str, &str)])] = &[
        ("huawei-e1752-cmgl-pdu-listing", &[]),
        (
            "huawei-e1752-boot-and-rssi-flood",
            &[
                ("^BOOT:35323129,0,0,0,26", "^BOOT"),
                ("^RSSI:14", "^RSSI"),
                ("^RSSI:10", "^RSSI"),
                ("^RSSI:9", "^RSSI"),
                ("^RSSI:13", "^RSSI"),
            ],
        ),
        ("huawei-e3276-storage-full-cpms", &[]),
        ("huawei-e173-identify-command-not-support", &[]),
        (
            "zte-mf626-cdsi-before-echo",
            &[("+CDSI: \"SR\",50", "+CDSI")],
        ),
        (
            "simcom-sim7600-boot-urcs",
            &[
                ("RDY", "RDY"),
                ("+CPIN: READY", "+CPIN"),
                ("SMS DONE", "SMS DONE"),
                ("PB DONE", "PB DONE"),
            ],
        ),
        ("simcom-a7670g-cmgrd-text-fw-b19", &[]),
        (
            "quectel-eg25g-pinephone-boot-with-sim",
            &[
                ("RDY", "RDY"),
                ("+CFUN: 1", "+CFUN"),
                ("+CPIN: READY", "+CPIN"),
                ("+QUSIM: 1", "+QUSIM"),
                ("+QIND: SMS DONE", "+QIND"),
                ("+QIND: PB DONE", "+QIND"),
            ],
        ),
        (
            "option-gtm382-modemmanager-init-cpms-mt",
            &[("_OUWCTI: 4", "_OUWCTI")],
        ),
        ("quectel-ec21j-cmgl-concatenated-ucs2", &[]),
    ];

    #[test]
    fn every_unsolicited_line_of_the_shared_transcripts_is_typed() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/transcripts.jsonl"
        );
        let transcripts = transcript::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert_eq!(transcripts.len(), UNSOLICITED.len());
        for (transcript, (id, expected)) in transcripts.iter().zip(UNSOLICITED) {
            assert_eq!(transcript.id, *id);
            let explained = explain(transcript);
            // Every received line is explained once.
            let received: Vec<usize> = transcript.received().map(|(n, _)| n).collect();
            let mut seen: Vec<usize> = explained.iter().map(|line| line.n).collect();
            seen.dedup();
            assert_eq!(seen, received, "{id}");
            for (text, name) in *expected {
                let found = explained
                    .iter()
                    .filter(|line| line.text == *text)
                    .collect::<Vec<_>>();
                assert!(!found.is_empty(), "{id}: {text} not explained");
                for line in found {
                    assert_eq!(line.kind, LineKind::Urc, "{id}: {text}: {line:?}");
                    assert_eq!(line.urc.as_deref(), Some(*name), "{id}: {text}");
                }
            }
            // And nothing else is taken for a URC or left as noise, but for the lines that
            // the transcripts themselves cut off.
            for line in &explained {
                let listed = expected.iter().any(|(text, _)| *text == line.text);
                assert_eq!(line.kind == LineKind::Urc, listed, "{id}: {line:?}");
            }
        }
    }
}
