//! A real modem's dialogue played back by a simulated one (`modempool simulate --replay`).
//!
//! A [`Replay`] is built from one [`Transcript`]: the lines the modem sent before the first
//! command are sent when the port opens, and each command of the transcript becomes an
//! exchange whose answer is the lines that followed it, up to the next command. When the host
//! sends a command, the first unused exchange with the same text (case aside) answers it, else
//! the first unused one with the same name and form (set, read, test or action), so
//! `AT+CPMS="SM","SM","SM"` gets the answer the modem gave to `AT+CPMS="SM","SM"`. Each answer
//! is used once, in order; anything else is answered by the base personality.
//!
//! Answers keep their shape:
//! - where the transcript has the exact bytes of each read (`chunks`), they are sent as they
//!   came, one write per read, so glued and split lines reach the host as they did;
//! - the echo in the transcript stands where it stood (a URC before the echo stays before
//!   it), with the host's own text when the command matched by form only;
//! - an answer that the excerpt cuts before its final result code gets `OK` when it holds
//!   the command's information lines (logs that leave `OK` out), and otherwise its lines are
//!   sent and the base personality answers the command after them (boot lines that came in
//!   place of an answer).
//!
//! The SMS in a replayed listing are SMS like any other: a `+CMGD` of a listed index is
//! answered `OK` even though the base personality's storage never held it.

use std::collections::BTreeSet;

use super::modem::parse::{self, Op};
use crate::at::FinalResult;
use crate::at::command::prefix_of;
use crate::at::transcript::{Direction, Transcript};

/// The form of a command (V.250 §5.3, TS 27.007 §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// `AT+CMD` or `ATI`.
    Action,
    /// `AT+CMD=...` or `ATE0`.
    Set,
    /// `AT+CMD?`.
    Read,
    /// `AT+CMD=?`.
    Test,
}

/// A command's name (upper case) and form: what an answer is matched by after exact text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    name: String,
    form: Form,
}

impl Key {
    /// The first command of a command line, by the simulated modem's own V.250 parser; a
    /// bare `AT` is the action with no name. A basic command with a number (`ATE0`, `AT&C1`)
    /// counts as a set.
    fn of(line: &str) -> Option<Key> {
        let commands = parse::commands(parse::after_prefix(line.trim())?).ok()?;
        let Some(first) = commands.first() else {
            return Some(Key {
                name: String::new(),
                form: Form::Action,
            });
        };
        let form = match &first.op {
            Op::Exec if first.number.is_some() => Form::Set,
            Op::Exec => Form::Action,
            Op::Read => Form::Read,
            Op::Test => Form::Test,
            Op::Set(_) => Form::Set,
        };
        Some(Key {
            name: first.name.clone(),
            form,
        })
    }
}

/// One received line of the transcript and the chunk that carried it, if any.
#[derive(Debug, Clone)]
struct Received {
    text: String,
    /// The chunk whose first line this is: its bytes are sent for this line and those it
    /// also carried.
    chunk_start: Option<Vec<u8>>,
    /// Carried by a chunk that began at an earlier line.
    in_chunk: bool,
}

/// One command of the transcript and what the modem said after it.
#[derive(Debug, Clone)]
struct Exchange {
    command: String,
    key: Option<Key>,
    received: Vec<Received>,
    used: bool,
}

/// What to send for a command the replay answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayAnswer {
    /// The writes, in order (one per read of the original where its bytes are known).
    pub writes: Vec<Vec<u8>>,
    /// Whether the writes hold the command's echo (then the base personality must not echo
    /// the line too).
    pub echoes: bool,
    /// Whether the base personality must answer the command after the writes.
    pub then_base: bool,
}

/// A transcript ready to answer a host's commands.
#[derive(Debug, Clone)]
pub struct Replay {
    id: String,
    opening: Vec<Received>,
    exchanges: Vec<Exchange>,
    /// Indexes that a replayed listing showed and that are not deleted yet.
    listed: BTreeSet<u32>,
}

impl Replay {
    /// Prepares `transcript` for playing back.
    pub fn new(transcript: &Transcript) -> Replay {
        let mut received = align_chunks(transcript);
        let mut opening = Vec::new();
        let mut exchanges: Vec<Exchange> = Vec::new();
        for line in &transcript.lines {
            match line.dir {
                Direction::Tx => exchanges.push(Exchange {
                    command: line.text.clone(),
                    key: Key::of(&line.text),
                    received: Vec::new(),
                    used: false,
                }),
                Direction::Rx => {
                    let Some(next) = received.next() else {
                        continue;
                    };
                    match exchanges.last_mut() {
                        Some(exchange) => exchange.received.push(next),
                        None => opening.push(next),
                    }
                }
            }
        }
        Replay {
            id: transcript.id.clone(),
            opening,
            exchanges,
            listed: BTreeSet::new(),
        }
    }

    /// The transcript's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// What the modem sent before the first command, to send when the port opens.
    pub fn opening(&self) -> Vec<Vec<u8>> {
        writes(&self.opening, None, None)
    }

    /// How many of the transcript's answers are still unused.
    pub fn unused(&self) -> usize {
        self.exchanges.iter().filter(|e| !e.used).count()
    }

    /// The answer to the command line `line` the host sent, if the transcript has one.
    pub fn answer(&mut self, line: &str) -> Option<ReplayAnswer> {
        let line = line.trim();
        let key = Key::of(line)?;
        let position = self
            .exchanges
            .iter()
            .position(|e| !e.used && e.command.trim().eq_ignore_ascii_case(line))
            .or_else(|| {
                self.exchanges
                    .iter()
                    .position(|e| !e.used && e.key.as_ref() == Some(&key))
            });
        let Some(position) = position else {
            return self.delete_of_listed(line, &key);
        };
        let exchange = &mut self.exchanges[position];
        exchange.used = true;
        let exchange = exchange.clone();
        for received in &exchange.received {
            if let Some(index) = listed_index(&received.text) {
                self.listed.insert(index);
            }
        }
        let echo = exchange
            .received
            .iter()
            .position(|r| r.text.trim().eq_ignore_ascii_case(exchange.command.trim()));
        let final_result = exchange
            .received
            .iter()
            .enumerate()
            .any(|(i, r)| Some(i) != echo && FinalResult::parse(r.text.trim()).is_some());
        if final_result {
            return Some(ReplayAnswer {
                writes: writes(
                    &exchange.received,
                    echo.map(|e| (e, &exchange.command, line)),
                    None,
                ),
                echoes: echo.is_some(),
                then_base: false,
            });
        }
        let prefix = prefix_of(&exchange.command);
        let answers_itself = prefix.as_deref().is_some_and(|prefix| {
            exchange.received.iter().any(|r| {
                r.text
                    .get(..prefix.len())
                    .is_some_and(|h| h.eq_ignore_ascii_case(prefix))
            })
        });
        if answers_itself {
            return Some(ReplayAnswer {
                writes: writes(
                    &exchange.received,
                    echo.map(|e| (e, &exchange.command, line)),
                    Some("OK"),
                ),
                echoes: echo.is_some(),
                then_base: false,
            });
        }
        // Cut before any answer: the lines that came, then the base personality's answer
        // (with its own echo, so the transcript's is left out).
        let without_echo: Vec<Received> = exchange
            .received
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != echo)
            .map(|(_, r)| Received {
                text: r.text.clone(),
                chunk_start: None,
                in_chunk: false,
            })
            .collect();
        Some(ReplayAnswer {
            writes: writes(&without_echo, None, None),
            echoes: false,
            then_base: true,
        })
    }

    /// `AT+CMGD=<index>` of an index a replayed listing showed: `OK`.
    fn delete_of_listed(&mut self, line: &str, key: &Key) -> Option<ReplayAnswer> {
        if key.name != "+CMGD" || key.form != Form::Set {
            return None;
        }
        let arguments = line.split_once('=')?.1;
        let index: u32 = arguments.split(',').next()?.trim().parse().ok()?;
        self.listed.remove(&index).then(|| ReplayAnswer {
            writes: vec![b"\r\nOK\r\n".to_vec()],
            echoes: false,
            then_base: false,
        })
    }
}

/// The index of a `+CMGL: <index>,...` entry.
fn listed_index(text: &str) -> Option<u32> {
    let rest = text.trim().strip_prefix("+CMGL:")?;
    rest.split(',').next()?.trim().parse().ok()
}

/// The received lines in order, each with the chunk that carried it where the chunks can be
/// lined up with the lines (a chunk's lines must be consecutive received lines).
fn align_chunks(transcript: &Transcript) -> std::vec::IntoIter<Received> {
    let texts: Vec<&str> = transcript
        .received()
        .map(|(_, l)| l.text.as_str())
        .collect();
    let mut received: Vec<Received> = texts
        .iter()
        .map(|text| Received {
            text: (*text).to_owned(),
            chunk_start: None,
            in_chunk: false,
        })
        .collect();
    let mut cursor = 0;
    for chunk in transcript.chunks.iter().filter(|c| c.dir == Direction::Rx) {
        let raw = chunk.raw();
        let lines: Vec<String> = String::from_utf8_lossy(&raw)
            .split(['\r', '\n'])
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect();
        if lines.is_empty() {
            continue;
        }
        let found = (cursor..texts.len()).find(|&start| {
            texts.len() - start >= lines.len()
                && lines
                    .iter()
                    .zip(&texts[start..])
                    .all(|(a, b)| a == b.trim())
        });
        let Some(start) = found else {
            continue;
        };
        received[start].chunk_start = Some(raw);
        for line in &mut received[start + 1..start + lines.len()] {
            line.in_chunk = true;
        }
        cursor = start + lines.len();
    }
    received.into_iter()
}

/// The writes for `received`: each chunk as it came, the lines no chunk carried framed as a
/// modem frames them. `echo` is the index of the echo line with the transcript's command and
/// the host's, so that the echo repeats what the host sent. `ok` is appended when given.
fn writes(
    received: &[Received],
    echo: Option<(usize, &String, &str)>,
    ok: Option<&str>,
) -> Vec<Vec<u8>> {
    let mut writes = Vec::new();
    let mut framed = Vec::new();
    for (i, line) in received.iter().enumerate() {
        let is_echo = echo.is_some_and(|(e, _, _)| e == i);
        if let Some(chunk) = &line.chunk_start {
            if !framed.is_empty() {
                writes.push(std::mem::take(&mut framed));
            }
            let bytes = match echo {
                Some((_, original, host)) if original.trim() != host.trim() => {
                    replace_first(chunk, original.trim().as_bytes(), host.as_bytes())
                }
                _ => chunk.clone(),
            };
            writes.push(bytes);
        } else if line.in_chunk {
            continue;
        } else if is_echo {
            let host = echo.map_or(line.text.as_str(), |(_, _, host)| host);
            framed.extend_from_slice(host.as_bytes());
            framed.push(b'\r');
        } else {
            framed.extend_from_slice(b"\r\n");
            framed.extend_from_slice(line.text.as_bytes());
            framed.extend_from_slice(b"\r\n");
        }
    }
    if let Some(ok) = ok {
        framed.extend_from_slice(format!("\r\n{ok}\r\n").as_bytes());
    }
    if !framed.is_empty() {
        writes.push(framed);
    }
    writes
}

fn replace_first(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    match haystack
        .windows(needle.len().max(1))
        .position(|window| window.eq_ignore_ascii_case(needle))
    {
        Some(at) if !needle.is_empty() => {
            let mut out = haystack[..at].to_vec();
            out.extend_from_slice(with);
            out.extend_from_slice(&haystack[at + needle.len()..]);
            out
        }
        _ => haystack.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::at::transcript;

    fn shared(id: &str) -> Transcript {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/transcripts.jsonl"
        );
        transcript::parse(&std::fs::read_to_string(path).unwrap())
            .unwrap()
            .into_iter()
            .find(|t| t.id == id)
            .unwrap()
    }

    fn text(answer: &ReplayAnswer) -> String {
        answer
            .writes
            .iter()
            .map(|w| String::from_utf8_lossy(w).into_owned())
            .collect::<Vec<_>>()
            .join("|")
    }

    #[test]
    fn keys_tell_name_and_form() {
        let key = |line| Key::of(line).map(|k| (k.name, k.form));
        assert_eq!(key("AT+CPMS=\"SM\""), Some(("+CPMS".into(), Form::Set)));
        assert_eq!(key("at+cpms?"), Some(("+CPMS".into(), Form::Read)));
        assert_eq!(key("AT+CNMI=?"), Some(("+CNMI".into(), Form::Test)));
        assert_eq!(key("AT+CGMM"), Some(("+CGMM".into(), Form::Action)));
        assert_eq!(key("ATE0"), Some(("E".into(), Form::Set)));
        assert_eq!(key("AT&C1"), Some(("&C".into(), Form::Set)));
        assert_eq!(key("ATI"), Some(("I".into(), Form::Action)));
        assert_eq!(key("AT_OSSYS?"), Some(("_OSSYS".into(), Form::Read)));
        assert_eq!(key("hello"), None);
    }

    #[test]
    fn a_listing_is_answered_from_its_chunk_once_then_the_base_answers() {
        let mut replay = Replay::new(&shared("huawei-e1752-cmgl-pdu-listing"));
        let answer = replay.answer("AT+CMGL=4").unwrap();
        assert_eq!(
            answer.writes,
            [b"AT+CMGL=4\r\r\n+CMGL: 0,0,,23\r\n07913366003051F5040B913366304381F900005180719120348004D4F29C0E\r\n\r\nOK\r\n".to_vec()]
        );
        assert!(answer.echoes && !answer.then_base);
        assert_eq!(replay.answer("AT+CMGL=4"), None);
        // The listed index is deleted with OK, once.
        assert_eq!(
            replay.answer("AT+CMGD=0").unwrap().writes,
            [b"\r\nOK\r\n".to_vec()]
        );
        assert_eq!(replay.answer("AT+CMGD=0"), None);
    }

    #[test]
    fn a_command_of_the_same_form_gets_the_answer_with_its_own_echo() {
        let mut replay = Replay::new(&shared("huawei-e1752-cmgl-pdu-listing"));
        let answer = replay.answer("AT+CPMS=\"SM\",\"SM\",\"SM\"").unwrap();
        assert_eq!(
            text(&answer),
            "AT+CPMS=\"SM\",\"SM\",\"SM\"\r\r\n+CPMS: 1,50,1,50,1,50\r\n\r\nOK\r\n"
        );
    }

    #[test]
    fn a_urc_before_the_echo_comes_first_in_a_write_of_its_own() {
        let mut replay = Replay::new(&shared("zte-mf626-cdsi-before-echo"));
        let answer = replay.answer("AT+CPMS=\"SM\",\"SM\"").unwrap();
        assert_eq!(answer.writes.len(), 2);
        assert_eq!(answer.writes[0], b"+CDSI: \"SR\",50\r\n");
        // The excerpt ends after the next command's echo: the base answers it.
        let cut = replay.answer("AT+CPMS=\"ME\",\"ME\"").unwrap();
        assert!(
            cut.then_base && !cut.echoes && cut.writes.is_empty(),
            "{cut:?}"
        );
    }

    #[test]
    fn boot_lines_in_place_of_an_answer_come_before_the_base_answer() {
        let mut replay = Replay::new(&shared("simcom-sim7600-boot-urcs"));
        let first = replay.answer("AT").unwrap();
        assert!(first.then_base);
        assert_eq!(
            text(&first),
            "\r\nRDY\r\n\r\n+CPIN: READY\r\n\r\nSMS DONE\r\n\r\nPB DONE\r\n"
        );
        let second = replay.answer("AT").unwrap();
        assert_eq!(text(&second), "AT\r\r\nOK\r\n");
    }

    #[test]
    fn an_answer_whose_ok_the_log_left_out_gets_one() {
        let mut replay = Replay::new(&shared("quectel-eg25g-pinephone-boot-with-sim"));
        let answer = replay.answer("AT+CREG?").unwrap();
        assert_eq!(
            text(&answer),
            "\r\n+CREG: 0,1\r\n\r\n+QIND: PB DONE\r\n\r\nOK\r\n"
        );
        assert!(!answer.then_base);
        assert!(replay.opening().is_empty());
    }

    #[test]
    fn lines_before_the_first_command_open_the_port() {
        let transcript = transcript::parse("RDY\n+CPIN: READY\n").unwrap().remove(0);
        let replay = Replay::new(&transcript);
        assert_eq!(
            replay.opening(),
            [b"\r\nRDY\r\n\r\n+CPIN: READY\r\n".to_vec()]
        );
        assert_eq!(replay.unused(), 0);
    }
}
