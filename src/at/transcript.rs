//! The one format of a port's AT dialogue: what `serve --capture` writes, what `at explain`
//! reads and what `simulate --replay` plays back.
//!
//! A transcript file is JSON Lines. Each line is one [`Transcript`] object (`id`, `model`,
//! `firmware`, `source`, `lines`, `chunks`, `notes`, `kind`): `lines` is the dialogue in
//! order, `{"dir": "tx", "text": ...}` for what the host sent and `{"dir": "rx", "text": ...}`
//! for each line the modem sent, without CR/LF, blank lines left out; `chunks` optionally holds
//! the exact bytes of each read (`{"dir": "rx", "bytes": ...}`, CR/LF kept), which show how
//! lines really arrive (glued, split). Bytes are written one character per byte (U+0000 to
//! U+00FF), so any byte survives JSON and an ASCII dialogue stays readable.
//!
//! A capture is written as it happens, so a long dialogue is cut into several objects with the
//! same `id` and a growing `part`; [`parse`] joins consecutive objects of one `id` back into
//! one transcript. A file that is not JSON is read as plain text, one received line per line.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Who wrote a line or chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// The host (the daemon) wrote it to the modem.
    Tx,
    /// The modem wrote it.
    Rx,
}

/// One line of a dialogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranscriptLine {
    /// Who wrote it.
    pub dir: Direction,
    /// The line without CR/LF.
    pub text: String,
    /// When it was written or completed (RFC 3339, UTC), in a capture; absent in a log copied
    /// from elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// The exact bytes of one read (or write) as they went over the port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chunk {
    /// Who wrote them.
    pub dir: Direction,
    /// The bytes, one character per byte (see the module's documentation).
    pub bytes: String,
    /// When they were read, in a capture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

impl Chunk {
    /// The bytes the chunk stands for: a character up to U+00FF is that byte; anything
    /// above (a hand-written file) is its UTF-8.
    pub fn raw(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(self.bytes.len());
        for character in self.bytes.chars() {
            match u8::try_from(u32::from(character)) {
                Ok(byte) => bytes.push(byte),
                Err(_) => {
                    let mut buffer = [0u8; 4];
                    bytes.extend_from_slice(character.encode_utf8(&mut buffer).as_bytes());
                }
            }
        }
        bytes
    }

    /// The text form of `bytes`, one character per byte.
    pub fn text_of(bytes: &[u8]) -> String {
        bytes.iter().map(|&byte| char::from(byte)).collect()
    }
}

/// One port's dialogue.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transcript {
    /// A short name: the slot and start of a capture, or vendor-model-quirk of a copied log.
    pub id: String,
    /// The modem's model, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The modem's firmware revision, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firmware: Option<String>,
    /// Where the dialogue comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The dialogue in order.
    #[serde(default)]
    pub lines: Vec<TranscriptLine>,
    /// The exact bytes of each read, where known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chunks: Vec<Chunk>,
    /// Free text about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// `log` (a live capture of a real modem), `capture` (written by the daemon), or another
    /// word where it is neither.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// In a capture cut into several objects, which one this is (0 first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<u64>,
}

/// Why a transcript file cannot be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TranscriptError {
    /// A JSON line is not a transcript object.
    #[error("line {line}: not a transcript object: {reason}")]
    Json {
        /// The line of the file, from 1.
        line: usize,
        /// What serde said.
        reason: String,
    },
    /// The file holds no dialogue at all.
    #[error("no transcript in the file")]
    Empty,
}

impl Transcript {
    /// The received lines, with their index in [`Transcript::lines`].
    pub fn received(&self) -> impl Iterator<Item = (usize, &TranscriptLine)> {
        self.lines
            .iter()
            .enumerate()
            .filter(|(_, line)| line.dir == Direction::Rx)
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Tx => "tx",
            Direction::Rx => "rx",
        })
    }
}

/// Reads a transcript file: JSON Lines of [`Transcript`] objects (consecutive parts of one
/// capture joined), or, when the first non-blank line is not a JSON object, plain text with
/// one received line per line (blank lines left out) as a single transcript named `plain`.
pub fn parse(text: &str) -> Result<Vec<Transcript>, TranscriptError> {
    let first = text.lines().map(str::trim).find(|line| !line.is_empty());
    let Some(first) = first else {
        return Err(TranscriptError::Empty);
    };
    if !first.starts_with('{') {
        let lines = text
            .lines()
            .map(|line| line.trim_end_matches(['\r', '\n']).trim())
            .filter(|line| !line.is_empty())
            .map(|line| TranscriptLine {
                dir: Direction::Rx,
                text: line.to_owned(),
                at: None,
            })
            .collect();
        return Ok(vec![Transcript {
            id: "plain".to_owned(),
            lines,
            kind: Some("plain".to_owned()),
            ..Transcript::default()
        }]);
    }
    let mut transcripts: Vec<Transcript> = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let next: Transcript =
            serde_json::from_str(line).map_err(|error| TranscriptError::Json {
                line: number + 1,
                reason: error.to_string(),
            })?;
        match transcripts.last_mut() {
            Some(last) if last.id == next.id && next.part.is_some_and(|part| part > 0) => {
                last.lines.extend(next.lines);
                last.chunks.extend(next.chunks);
            }
            _ => transcripts.push(next),
        }
    }
    Ok(transcripts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_format_reads_and_a_capture_in_parts_is_one_transcript() {
        let file = concat!(
            r#"{"id":"a","model":"E173","lines":[{"dir":"tx","text":"AT"},{"dir":"rx","text":"OK"}],"chunks":[{"dir":"rx","bytes":"\r\nOK\r\n"}],"kind":"log"}"#,
            "\n\n",
            r#"{"id":"sim0 2026-12-07T10:00:00Z","part":0,"lines":[{"dir":"tx","text":"AT","at":"2026-12-07T10:00:00.001Z"}]}"#,
            "\n",
            r#"{"id":"sim0 2026-12-07T10:00:00Z","part":1,"lines":[{"dir":"rx","text":"OK"}]}"#,
            "\n",
        );
        let transcripts = parse(file).unwrap();
        assert_eq!(transcripts.len(), 2);
        assert_eq!(transcripts[0].model.as_deref(), Some("E173"));
        assert_eq!(transcripts[0].chunks[0].raw(), b"\r\nOK\r\n");
        assert_eq!(transcripts[1].lines.len(), 2);
        assert_eq!(transcripts[1].lines[1].text, "OK");
    }

    #[test]
    fn plain_text_is_one_transcript_of_received_lines() {
        let transcripts = parse("+CMTI: \"SM\",3\r\n\r\nOK\n").unwrap();
        assert_eq!(transcripts.len(), 1);
        let texts: Vec<&str> = transcripts[0].lines.iter().map(|l| &*l.text).collect();
        assert_eq!(texts, ["+CMTI: \"SM\",3", "OK"]);
        assert!(transcripts[0].lines.iter().all(|l| l.dir == Direction::Rx));
    }

    #[test]
    fn a_broken_line_is_named_and_an_empty_file_refused() {
        let error = parse("{\"id\":\"a\",\"lines\":[]}\n{\"id\": 3}\n").unwrap_err();
        assert!(
            matches!(error, TranscriptError::Json { line: 2, .. }),
            "{error}"
        );
        assert_eq!(parse("\n  \n"), Err(TranscriptError::Empty));
    }

    #[test]
    fn bytes_survive_as_one_character_each() {
        let bytes = [0x00, 0x1a, b'O', b'K', 0xff, b'\r'];
        let chunk = Chunk {
            dir: Direction::Rx,
            bytes: Chunk::text_of(&bytes),
            at: None,
        };
        let json = serde_json::to_string(&chunk).unwrap();
        let back: Chunk = serde_json::from_str(&json).unwrap();
        assert_eq!(back.raw(), bytes);
    }

    #[test]
    fn the_shared_transcripts_all_read() {
        // A copy of the shared set of real modem dialogues (its README names the sources).
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/transcripts.jsonl"
        );
        let text = std::fs::read_to_string(path).unwrap();
        let transcripts = parse(&text).unwrap();
        assert_eq!(transcripts.len(), 10);
        assert!(transcripts.iter().all(|t| !t.lines.is_empty()));
    }
}
