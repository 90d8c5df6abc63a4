//! `modempool at explain [--json] FILE|-`: what the daemon makes of each line a modem sent,
//! from a capture (`serve --capture`), a transcript of the shared format, or plain text with
//! one received line per line. A technician runs it on the capture of a modem that misbehaves
//! to see which line the daemon took for what.

use std::io::{self, Read, Write};
use std::path::Path;

use serde::Serialize;

use crate::at::explain::{Explained, LineKind, explain};
use crate::at::transcript::{self, TranscriptError};
use crate::pdu::Pdu;

use super::pdu::JsonReport;

/// Why `at explain` could not explain.
#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    /// The input could not be read.
    #[error("cannot read {what}: {source}")]
    Read {
        /// The file, or standard input.
        what: String,
        /// The cause.
        source: io::Error,
    },
    /// The input is not a transcript.
    #[error("{what}: {source}")]
    Format {
        /// The file, or standard input.
        what: String,
        /// What is wrong.
        source: TranscriptError,
    },
    /// Writing the output failed.
    #[error(transparent)]
    Write(#[from] io::Error),
}

/// The largest input read: a capture file is rotated at most at 1 GiB.
const MAX_INPUT: u64 = 1024 * 1024 * 1024;

/// One JSON object per received line: the documented contract of `--json`.
#[derive(Debug, Serialize)]
struct JsonLine<'a> {
    /// The transcript's id, when the file holds several.
    transcript: &'a str,
    n: usize,
    text: &'a str,
    kind: LineKind,
    urc: Option<&'a str>,
    detail: Option<&'a str>,
    command: Option<&'a str>,
    /// Decoded as `pdu decode --json` decodes it.
    pdu: Option<serde_json::Value>,
}

/// Reads `input` (a path, or `-` for standard input) and writes each received line with what
/// the daemon makes of it.
pub fn explain_file(
    input: &Path,
    json: bool,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
) -> Result<(), ExplainError> {
    let what = if input == Path::new("-") {
        "standard input".to_owned()
    } else {
        input.display().to_string()
    };
    let read_error = |source| ExplainError::Read {
        what: what.clone(),
        source,
    };
    let mut bytes = Vec::new();
    if input == Path::new("-") {
        stdin
            .take(MAX_INPUT)
            .read_to_end(&mut bytes)
            .map_err(read_error)?;
    } else {
        std::fs::File::open(input)
            .and_then(|file| file.take(MAX_INPUT).read_to_end(&mut bytes))
            .map_err(read_error)?;
    }
    let text = String::from_utf8_lossy(&bytes);
    let transcripts = transcript::parse(&text).map_err(|source| ExplainError::Format {
        what: what.clone(),
        source,
    })?;
    let result = write_all(&transcripts, json, out);
    match result {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

fn write_all(
    transcripts: &[transcript::Transcript],
    json: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    for transcript in transcripts {
        let explained = explain(transcript);
        if json {
            for line in &explained {
                serde_json::to_writer(&mut *out, &json_line(&transcript.id, line))?;
                out.write_all(b"\n")?;
            }
        } else {
            writeln!(out, "# {}", transcript.id)?;
            for line in &explained {
                write_human(line, out)?;
            }
            writeln!(out)?;
        }
    }
    out.flush()
}

fn json_line<'a>(id: &'a str, line: &'a Explained) -> JsonLine<'a> {
    JsonLine {
        transcript: id,
        n: line.n,
        text: &line.text,
        kind: line.kind,
        urc: line.urc.as_deref(),
        detail: line.detail.as_deref(),
        command: line.command.as_deref(),
        pdu: line.pdu.as_deref().map(|hex| {
            serde_json::to_value(JsonReport::from(&Pdu::decode_hex(hex)))
                .unwrap_or(serde_json::Value::Null)
        }),
    }
}

fn write_human(line: &Explained, out: &mut dyn Write) -> io::Result<()> {
    let about = match line.kind {
        LineKind::Echo => line
            .command
            .as_deref()
            .map(|command| format!("echo of {command}")),
        LineKind::Response => line
            .command
            .as_deref()
            .map(|command| format!("answers {command}")),
        LineKind::Final => Some(format!(
            "{} of {}",
            line.detail.as_deref().unwrap_or("result"),
            line.command
                .as_deref()
                .unwrap_or("no command (a late answer)")
        )),
        LineKind::Urc => Some(format!(
            "{}: {}",
            line.urc.as_deref().unwrap_or("?"),
            line.detail.as_deref().unwrap_or("")
        )),
        LineKind::Pdu => line.pdu.as_deref().map(|hex| match Pdu::decode_hex(hex) {
            Ok(pdu) => pdu_summary(&pdu),
            Err(error) => format!("invalid PDU: {error}"),
        }),
        LineKind::Prompt => Some("the modem waits for a PDU".to_owned()),
        LineKind::Noise => line.detail.clone(),
    };
    let text: String = line.text.chars().take(100).collect();
    let kind = line.kind.to_string();
    match about {
        Some(about) => writeln!(out, "{:>5}  {:<8}  {text}  ({about})", line.n, kind),
        None => writeln!(out, "{:>5}  {:<8}  {text}", line.n, kind),
    }
}

fn pdu_summary(pdu: &Pdu) -> String {
    let decoded = Ok(pdu.clone());
    let value = serde_json::to_value(JsonReport::from(&decoded)).unwrap_or(serde_json::Value::Null);
    let field = |name: &str| {
        value
            .get(name)
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
    };
    let kind = field("kind").unwrap_or_default();
    let mut summary = kind.replace('_', " ");
    if let Some(sender) = field("sender") {
        summary.push_str(&format!(" from {sender}"));
    }
    if let Some(text) = field("text") {
        let short: String = text.chars().take(60).collect();
        summary.push_str(&format!(": {short:?}"));
    }
    if let Some(concat) = value.get("concat").filter(|c| !c.is_null()) {
        summary.push_str(&format!(" (part {} of {})", concat["seq"], concat["total"]));
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_gives_one_object_per_line_with_the_pdu_decoded() {
        let file = tempfile(
            "json",
            "{\"id\":\"t\",\"lines\":[{\"dir\":\"tx\",\"text\":\"AT+CMGL=4\"},\
             {\"dir\":\"rx\",\"text\":\"+CMGL: 0,0,,23\"},\
             {\"dir\":\"rx\",\"text\":\"07913366003051F5040B913366304381F900005180719120348004D4F29C0E\"},\
             {\"dir\":\"rx\",\"text\":\"OK\"}]}\n",
        );
        let mut out = Vec::new();
        explain_file(&file, true, &mut io::empty(), &mut out).unwrap();
        let lines: Vec<serde_json::Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["kind"], "response");
        assert_eq!(lines[0]["command"], "AT+CMGL=4");
        assert_eq!(lines[1]["kind"], "pdu");
        assert_eq!(lines[1]["pdu"]["kind"], "deliver");
        assert_eq!(lines[1]["pdu"]["sender"], "+33660334189");
        assert_eq!(lines[2]["kind"], "final");
        assert_eq!(lines[2]["n"], 3);
        assert!(lines[2]["urc"].is_null());
    }

    #[test]
    fn plain_text_from_stdin_and_a_missing_file_named() {
        let mut out = Vec::new();
        let mut stdin = "^RSSI:14\r\n+CMTI: \"ME\",2\r\n".as_bytes();
        explain_file(Path::new("-"), false, &mut stdin, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("^RSSI: signal strength, rssi 14"), "{text}");
        assert!(text.contains("SMS stored in ME at index 2"), "{text}");
        let error = explain_file(
            Path::new("/nonexistent/capture.jsonl"),
            false,
            &mut io::empty(),
            &mut Vec::new(),
        )
        .unwrap_err();
        assert!(
            error.to_string().contains("/nonexistent/capture.jsonl"),
            "{error}"
        );
    }

    fn tempfile(name: &str, text: &str) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!(
            "modempool-explain-{name}-{}.jsonl",
            std::process::id()
        ));
        std::fs::write(&path, text).unwrap();
        path
    }
}
