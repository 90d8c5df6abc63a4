//! V.250 framing of the port: bytes from the host accumulated into command lines (§5.2.1:
//! CR ends a line, LF is ignored, backspace edits, `A/` repeats), the echo (§6.2.4), the
//! `> ` prompt of TS 27.005 §3.5.1 and what follows it, and the responses written back:
//! information lines and final result codes in verbose or numeric form (§5.7), URCs, all
//! queued in order with the instant they are due.

use std::time::{Duration, Instant};

use super::parse;
use super::{Failure, MAX_LINE, MAX_PROMPT_INPUT, Modem, Outcome, Timer, sms_commands};
use crate::at::error_codes::{CmeError, CmsError};

impl Modem {
    /// Queues bytes for `at`, never ahead of what is already queued.
    pub(super) fn emit(&mut self, at: Instant, bytes: Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        let due = self.last_due.map_or(at, |last| last.max(at));
        self.last_due = Some(due);
        self.output.push_back((due, bytes));
    }

    /// Queues the bytes echoed so far, ahead of the response they precede.
    pub(super) fn flush_echo(&mut self, now: Instant) {
        if !self.echo.is_empty() {
            let echo = std::mem::take(&mut self.echo);
            self.emit(now, echo);
        }
    }

    /// An unsolicited line, framed like an information line (V.250 §5.7.2).
    pub(super) fn urc(&mut self, at: Instant, line: &str) {
        let framed = if self.settings.verbose {
            format!("\r\n{line}\r\n")
        } else {
            format!("{line}\r\n")
        };
        self.emit(at, framed.into_bytes());
    }

    /// When a response given at `now` is due: later by the `Slow` fault's delay.
    pub(super) fn response_time(&self, now: Instant) -> Instant {
        now + self.slow.unwrap_or_default()
    }

    pub(super) fn respond(
        &mut self,
        now: Instant,
        blocks: &[Vec<String>],
        result: Result<(), Failure>,
    ) {
        let bytes = self.format_response(blocks, result);
        let at = self.response_time(now);
        self.emit(at, bytes);
    }

    /// The information lines of each command of a line, then the final result code
    /// (V.250 §5.7.1: `<CR><LF>text<CR><LF>` in verbose form, `<code><CR>` in numeric form).
    pub(super) fn format_response(
        &self,
        blocks: &[Vec<String>],
        result: Result<(), Failure>,
    ) -> Vec<u8> {
        let mut text = String::new();
        for lines in blocks.iter().filter(|lines| !lines.is_empty()) {
            if self.settings.verbose {
                text.push_str("\r\n");
            }
            text.push_str(&self.information_lines(lines));
            text.push_str("\r\n");
        }
        if !self.settings.quiet {
            let (verbose, numeric) = match result {
                Ok(()) => ("OK".to_owned(), "0".to_owned()),
                Err(failure) => {
                    let line = self.failure_line(failure);
                    let code = if line == "ERROR" {
                        "4".to_owned()
                    } else {
                        line.clone()
                    };
                    (line, code)
                }
            };
            if self.settings.verbose {
                text.push_str(&format!("\r\n{verbose}\r\n"));
            } else if numeric.len() == 1 {
                text.push_str(&format!("{numeric}\r"));
            } else {
                text.push_str(&format!("{numeric}\r\n"));
            }
        }
        text.into_bytes()
    }

    /// `ERROR`, or `+CME`/`+CMS ERROR` as `+CMEE` asks: numeric with 1, the spec's text with
    /// 2. Choice: SMS errors follow `+CMEE` too (plain `ERROR` with 0), as SIMCom and Quectel
    /// firmwares do, although TS 27.005 §3.2.5 has `+CMS ERROR` independent of it.
    pub(super) fn failure_line(&self, failure: Failure) -> String {
        match (failure, self.settings.cmee) {
            // Not V.250: printed whatever +CMEE says, as Huawei firmware does.
            (Failure::NotSupported, _) => "COMMAND NOT SUPPORT".to_owned(),
            (Failure::Error, _) | (_, 0) => "ERROR".to_owned(),
            (Failure::Cme(code), 1) => format!("+CME ERROR: {code}"),
            (Failure::Cms(code), 1) => format!("+CMS ERROR: {code}"),
            (Failure::Cme(code), _) => format!("+CME ERROR: {}", CmeError::from_code(code)),
            (Failure::Cms(code), _) => format!("+CMS ERROR: {}", CmsError::from_code(code)),
        }
    }

    // ----- input --------------------------------------------------------------------------

    /// One byte from the host (V.250 §5.2.1 framing, TS 27.005 §3.5.1 prompt input).
    pub(super) fn input_byte(&mut self, byte: u8, now: Instant) {
        if self.settings.echo && !self.profile.quirks.never_echoes {
            self.echo.push(byte);
        }
        if self.input.prompt.is_some() {
            self.prompt_byte(byte, now);
            return;
        }
        match byte {
            b'\r' => {
                let line = std::mem::take(&mut self.input.line);
                if !self.replayed(&line, now) {
                    return;
                }
                if std::mem::take(&mut self.input.overflow) {
                    self.respond(now, &[], Err(Failure::Error));
                } else {
                    self.command_line(&line, now);
                }
            }
            b'\n' => {}
            0x08 => {
                self.input.line.pop();
            }
            _ if self.input.overflow => {}
            _ if self.input.line.len() >= MAX_LINE => {
                self.input.overflow = true;
                self.input.line.clear();
            }
            _ => {
                self.input.line.push(byte);
                if parse::is_repeat(&self.input.line) {
                    self.input.line.clear();
                    self.flush_echo(now);
                    if let Some(line) = self.input.last_line.clone() {
                        self.run_commands(&line, now);
                    }
                }
            }
        }
    }

    /// A line ended by CR: ignored without `AT`, else executed.
    pub(super) fn command_line(&mut self, line: &[u8], now: Instant) {
        let text = String::from_utf8_lossy(line).into_owned();
        if parse::after_prefix(&text).is_none() {
            return;
        }
        self.input.last_line = Some(text.clone());
        self.run_commands(&text, now);
    }

    /// Executes the commands of a line in order, stopping at the first failure (V.250
    /// §5.4.1), and answers once for the whole line.
    pub(super) fn run_commands(&mut self, line: &str, now: Instant) {
        let Some(body) = parse::after_prefix(line) else {
            return;
        };
        let Ok(commands) = parse::commands(body) else {
            self.respond(now, &[], Err(Failure::Error));
            return;
        };
        if commands.is_empty() && self.profile.quirks.bare_at_error {
            self.respond(now, &[], Err(Failure::Error));
            return;
        }
        let mut blocks = Vec::new();
        for command in &commands {
            match self.execute(command, now) {
                Ok(Outcome::Lines(lines)) => blocks.push(lines),
                Ok(Outcome::Prompt(compose)) => {
                    let mut bytes = self.format_blocks(&blocks);
                    bytes.extend_from_slice(b"\r\n> ");
                    let at = self.response_time(now);
                    self.emit(at, bytes);
                    self.input.prompt = Some(compose);
                    return;
                }
                Ok(Outcome::Deferred {
                    delay,
                    lines,
                    result,
                }) => {
                    blocks.push(lines);
                    self.busy = true;
                    let at = self.response_time(now) + delay;
                    self.schedule(at, Timer::Respond { blocks, result });
                    return;
                }
                Ok(Outcome::Reset) => {
                    self.respond(now, &blocks, Ok(()));
                    self.busy = true;
                    let at = self.response_time(now) + Duration::from_millis(50);
                    self.schedule(at, Timer::Reset);
                    return;
                }
                Err(failure) => {
                    self.respond(now, &blocks, Err(failure));
                    return;
                }
            }
        }
        self.respond(now, &blocks, Ok(()));
    }

    /// Information lines without a final result (before a prompt).
    pub(super) fn format_blocks(&self, blocks: &[Vec<String>]) -> Vec<u8> {
        let mut text = String::new();
        for lines in blocks.iter().filter(|lines| !lines.is_empty()) {
            text.push_str("\r\n");
            text.push_str(&self.information_lines(lines));
            text.push_str("\r\n");
        }
        text.into_bytes()
    }

    /// A command's information lines joined, with a space after each comma of a `+NAME:` line
    /// where the model writes them so (the `spaced_fields` quirk; quoted text untouched).
    fn information_lines(&self, lines: &[String]) -> String {
        if !self.profile.quirks.spaced_fields {
            return lines.join("\r\n");
        }
        lines
            .iter()
            .map(|line| spaced(line))
            .collect::<Vec<_>>()
            .join("\r\n")
    }

    /// A byte after the `> ` prompt: Ctrl-Z sends, ESC cancels (TS 27.005 §3.5.1).
    pub(super) fn prompt_byte(&mut self, byte: u8, now: Instant) {
        match byte {
            0x1A => {
                self.flush_echo(now);
                let text = std::mem::take(&mut self.input.line);
                let overflow = std::mem::take(&mut self.input.overflow);
                if let Some(compose) = self.input.prompt.take() {
                    let reply = if overflow {
                        Err(Failure::Cms(304))
                    } else {
                        self.finish_compose(compose, &text, now)
                    };
                    match reply {
                        Ok(Outcome::Deferred {
                            delay,
                            lines,
                            result,
                        }) => {
                            self.busy = true;
                            let at = self.response_time(now) + delay;
                            self.schedule(
                                at,
                                Timer::Respond {
                                    blocks: vec![lines],
                                    result,
                                },
                            );
                        }
                        Ok(Outcome::Lines(lines)) => self.respond(now, &[lines], Ok(())),
                        Ok(_) => self.respond(now, &[], Ok(())),
                        Err(failure) => self.respond(now, &[], Err(failure)),
                    }
                }
            }
            0x1B => {
                self.flush_echo(now);
                self.input.prompt = None;
                self.input.line.clear();
                self.input.overflow = false;
                self.respond(now, &[], Ok(()));
            }
            b'\r' | b'\n' => {
                // Text mode: a CR starts a new line of the message and a new prompt.
                if byte == b'\r'
                    && self
                        .input
                        .prompt
                        .as_ref()
                        .is_some_and(sms_commands::Compose::is_text)
                {
                    self.input.line.push(b'\n');
                    self.flush_echo(now);
                    self.emit(now, b"\r\n> ".to_vec());
                }
            }
            0x08 => {
                self.input.line.pop();
            }
            _ if self.input.line.len() >= MAX_PROMPT_INPUT => self.input.overflow = true,
            _ => self.input.line.push(byte),
        }
    }
}

/// `+CPMS: "SM",0,30` as `+CPMS: "SM", 0, 30`: a space after every comma outside quotes, in
/// a line with a `+NAME:` (or `^NAME:`) prefix; any other line (a PDU, a message's text) as
/// it is.
fn spaced(line: &str) -> String {
    let prefixed = line.starts_with(['+', '^'])
        && line
            .split_once(':')
            .is_some_and(|(name, _)| name[1..].bytes().all(|b| b.is_ascii_alphanumeric()));
    if !prefixed {
        return line.to_owned();
    }
    let mut out = String::with_capacity(line.len() + 8);
    let mut quoted = false;
    for c in line.chars() {
        out.push(c);
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(' '),
            _ => {}
        }
    }
    out
}
