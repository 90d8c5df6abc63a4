//! Writing a port's dialogue to `DIR/<slot>.jsonl` as it happens (`serve --capture DIR`), in
//! the [transcript](super::transcript) format, for a technician to attach to a bug report.
//!
//! The runner hands every command it writes and every read's bytes to a [`CaptureSink`]; a
//! thread of the port's own does the rest (line splitting, redaction, JSON, file writes,
//! rotation), so a slow disk never holds the port. The hand-over never blocks: when the
//! thread falls far behind, entries are dropped and counted in the next object's `notes`.
//!
//! What is written:
//! - one [`Transcript`] object per batch (whatever arrived while the thread wrote the last
//!   one), with the `id` of the port opening (`<slot> <time>`) and a growing `part`, so a crash
//!   loses at most the batch in flight and [`super::transcript::parse`] joins them back;
//! - `lines`: each command (`tx`) and each received line (`rx`), split at CR/LF, blank lines
//!   left out, each with its time;
//! - `chunks`: the bytes of each read.
//!
//! PINs are never written: a command that carries one (`+CPIN`, `+CPIN2`, `+CPWD`, `+CLCK`,
//! `+CPUK`-style) is written with its arguments replaced by `<redacted>`, and until the next
//! command every received line has those values replaced and no raw chunk is kept (the echo
//! of the command would hold them, possibly split across reads).
//!
//! Bounded: when the file reaches its size limit it is renamed `<slot>.jsonl.1` (the
//! previous one goes) and a new file begins.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TryRecvError};
use std::time::SystemTime;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::command::name_of;
use super::transcript::{Chunk, Direction, Transcript, TranscriptLine};

/// How many entries may wait for the writer thread before new ones are dropped.
const QUEUE: usize = 4096;

/// Commands whose arguments are secrets (TS 27.007 §8.3 `+CPIN`, §8.5 `+CPWD`, §7.4 `+CLCK`,
/// and the vendor PIN2/PUK forms).
const SECRET_COMMANDS: [&str; 6] = ["+CPIN", "+CPIN2", "+CPWD", "+CLCK", "^CPIN", "+QPINC"];

/// The stand-in for a secret.
const REDACTED: &str = "<redacted>";

/// What the runner hands over.
enum Entry {
    /// A new port opening begins: a new transcript id.
    Begin { id: String },
    /// The host wrote a command line (or a PDU after the prompt).
    Sent { text: String, at: SystemTime },
    /// One read's bytes.
    Received { bytes: Vec<u8>, at: SystemTime },
}

/// One port's capture file, with the thread that writes it. Dropping every [`CaptureSink`]
/// of it and the `Capture` itself ends the thread after it wrote what it had.
#[derive(Debug, Clone)]
pub struct Capture {
    slot: String,
    entries: SyncSender<Entry>,
    dropped: Arc<AtomicU64>,
}

/// The handle a port's runner writes through: cheap to clone, never blocks.
#[derive(Debug, Clone)]
pub struct CaptureSink {
    entries: SyncSender<Entry>,
    dropped: Arc<AtomicU64>,
}

impl Capture {
    /// Opens (appending) `dir/<slot>.jsonl`, creating `dir` if needed, and starts the
    /// port's writer thread. `max_file_bytes` is the rotation size.
    ///
    /// # Errors
    /// The directory cannot be made or the file cannot be opened (named in the error).
    pub fn open(dir: &Path, slot: &str, max_file_bytes: u64) -> io::Result<Capture> {
        std::fs::create_dir_all(dir).map_err(|error| with_path(error, dir))?;
        let path = dir.join(format!("{}.jsonl", file_safe(slot)));
        let file = append(&path)?;
        let written = file.metadata().map(|meta| meta.len()).unwrap_or(0);
        let (entries, receiver) = mpsc::sync_channel(QUEUE);
        let dropped = Arc::new(AtomicU64::new(0));
        let writer = Writer {
            path,
            file,
            written,
            max_file_bytes,
            dropped: Arc::clone(&dropped),
            current: None,
            part: 0,
            partial: Vec::new(),
            secrets: Vec::new(),
            batch_bytes: 0,
        };
        std::thread::Builder::new()
            .name(format!("capture {slot}"))
            .spawn(move || writer.run(receiver))?;
        Ok(Capture {
            slot: slot.to_owned(),
            entries,
            dropped,
        })
    }

    /// Begins the transcript of a new opening of the port and returns the sink for its
    /// runner.
    pub fn begin(&self) -> CaptureSink {
        let started = OffsetDateTime::now_utc()
            .format(&Rfc3339)
            .unwrap_or_default();
        let sink = CaptureSink {
            entries: self.entries.clone(),
            dropped: Arc::clone(&self.dropped),
        };
        sink.hand_over(Entry::Begin {
            id: format!("{} {started}", self.slot),
        });
        sink
    }
}

impl CaptureSink {
    /// The host wrote `text` (a command line without its CR, or a PDU after the prompt).
    pub fn sent(&self, text: &str) {
        self.hand_over(Entry::Sent {
            text: text.to_owned(),
            at: SystemTime::now(),
        });
    }

    /// The modem's bytes of one read.
    pub fn received(&self, bytes: &[u8]) {
        self.hand_over(Entry::Received {
            bytes: bytes.to_vec(),
            at: SystemTime::now(),
        });
    }

    fn hand_over(&self, entry: Entry) {
        if self.entries.try_send(entry).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// The thread's state.
struct Writer {
    path: PathBuf,
    file: File,
    written: u64,
    max_file_bytes: u64,
    dropped: Arc<AtomicU64>,
    /// The transcript being filled since the last write.
    current: Option<Transcript>,
    part: u64,
    /// A received line not ended yet.
    partial: Vec<u8>,
    /// The secret arguments of the last command, replaced in what comes back.
    secrets: Vec<String>,
    /// About how many bytes the batch being filled holds: a flood is cut into objects of at
    /// most [`Writer::batch_limit`], so that rotation keeps the file near its bound.
    batch_bytes: u64,
}

impl Writer {
    fn run(mut self, entries: Receiver<Entry>) {
        while let Ok(entry) = entries.recv() {
            self.take(entry);
            // Everything that came while the last batch was written goes in one object, up
            // to the batch limit.
            loop {
                if self.batch_bytes >= self.batch_limit() {
                    self.write_batch();
                }
                match entries.try_recv() {
                    Ok(entry) => self.take(entry),
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => {
                        self.flush_partial(SystemTime::now());
                        self.write_batch();
                        return;
                    }
                }
            }
            self.write_batch();
        }
        self.flush_partial(SystemTime::now());
        self.write_batch();
    }

    /// The size at which a batch is written even though more entries wait.
    fn batch_limit(&self) -> u64 {
        (self.max_file_bytes / 8).min(64 * 1024)
    }

    fn take(&mut self, entry: Entry) {
        self.batch_bytes += match &entry {
            Entry::Begin { .. } => 0,
            // A line costs its text and some 60 bytes of JSON; a chunk about as much again.
            Entry::Sent { text, .. } => text.len() as u64 + 60,
            Entry::Received { bytes, .. } => 2 * bytes.len() as u64 + 120,
        };
        match entry {
            Entry::Begin { id } => {
                self.flush_partial(SystemTime::now());
                self.write_batch();
                self.part = 0;
                self.secrets.clear();
                self.current = Some(Transcript {
                    id,
                    source: Some(format!(
                        "modempool {} serve --capture",
                        env!("CARGO_PKG_VERSION")
                    )),
                    kind: Some("capture".to_owned()),
                    ..Transcript::default()
                });
            }
            Entry::Sent { text, at } => {
                self.flush_partial(at);
                let (text, secrets) = redact_command(&text);
                self.secrets = secrets;
                self.push_line(Direction::Tx, text, at);
            }
            Entry::Received { bytes, at } => {
                if self.secrets.is_empty() {
                    let chunk = Chunk {
                        dir: Direction::Rx,
                        bytes: Chunk::text_of(&bytes),
                        at: Some(stamp(at)),
                    };
                    if let Some(current) = self.current.as_mut() {
                        current.chunks.push(chunk);
                    }
                }
                for &byte in &bytes {
                    if byte == b'\r' || byte == b'\n' {
                        self.flush_partial(at);
                    } else if self.partial.len() < super::digest::MAX_LINE {
                        self.partial.push(byte);
                    }
                }
                // The `> ` prompt has no line ending: it is a line of its own all the same.
                if self.partial == b"> " {
                    self.flush_partial(at);
                }
            }
        }
    }

    fn flush_partial(&mut self, at: SystemTime) {
        if self.partial.is_empty() {
            return;
        }
        let bytes = std::mem::take(&mut self.partial);
        let mut text = String::from_utf8_lossy(&bytes).trim().to_owned();
        for secret in &self.secrets {
            text = text.replace(secret.as_str(), REDACTED);
        }
        if !text.is_empty() {
            self.push_line(Direction::Rx, text, at);
        }
    }

    fn push_line(&mut self, dir: Direction, text: String, at: SystemTime) {
        let current = self.current.get_or_insert_with(|| Transcript {
            id: "capture".to_owned(),
            kind: Some("capture".to_owned()),
            ..Transcript::default()
        });
        current.lines.push(TranscriptLine {
            dir,
            text,
            at: Some(stamp(at)),
        });
    }

    /// Writes what was gathered as one object, rotating the file first if it is full.
    fn write_batch(&mut self) {
        let Some(current) = self.current.as_mut() else {
            return;
        };
        if current.lines.is_empty() && current.chunks.is_empty() {
            return;
        }
        self.batch_bytes = 0;
        let dropped = self.dropped.swap(0, Ordering::Relaxed);
        let mut batch = Transcript {
            id: current.id.clone(),
            source: current.source.clone(),
            kind: current.kind.clone(),
            part: Some(self.part),
            lines: std::mem::take(&mut current.lines),
            chunks: std::mem::take(&mut current.chunks),
            ..Transcript::default()
        };
        if dropped > 0 {
            batch.notes = Some(format!(
                "{dropped} entries were dropped before this part: the writer fell behind"
            ));
        }
        self.part += 1;
        let Ok(mut json) = serde_json::to_string(&batch) else {
            return;
        };
        json.push('\n');
        if self.written > 0 && self.written + json.len() as u64 > self.max_file_bytes {
            self.rotate();
        }
        match self.file.write_all(json.as_bytes()) {
            Ok(()) => self.written += json.len() as u64,
            Err(error) => {
                tracing::warn!(path = %self.path.display(), %error, "cannot write the capture");
            }
        }
    }

    fn rotate(&mut self) {
        let mut old = self.path.clone().into_os_string();
        old.push(".1");
        if let Err(error) = std::fs::rename(&self.path, &old) {
            tracing::warn!(path = %self.path.display(), %error, "cannot rotate the capture");
            return;
        }
        match append(&self.path) {
            Ok(file) => {
                self.file = file;
                self.written = 0;
            }
            Err(error) => {
                tracing::warn!(path = %self.path.display(), %error, "cannot reopen the capture");
            }
        }
    }
}

/// The command as written to the capture, and the secret values it carried.
fn redact_command(text: &str) -> (String, Vec<String>) {
    let Some(name) = name_of(text) else {
        return (text.to_owned(), Vec::new());
    };
    let secret = SECRET_COMMANDS
        .iter()
        .any(|command| command.eq_ignore_ascii_case(name));
    let Some(equals) = text.find('=').filter(|_| secret) else {
        return (text.to_owned(), Vec::new());
    };
    let arguments = &text[equals + 1..];
    if arguments.trim() == "?" || arguments.trim().is_empty() {
        return (text.to_owned(), Vec::new());
    }
    let secrets = arguments
        .split(',')
        .map(|argument| argument.trim().trim_matches('"').to_owned())
        // A facility name (`"SC"`) or a mode digit is no secret; passwords are 4+ characters.
        .filter(|argument| argument.len() >= 4 && argument.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    (format!("{}{REDACTED}", &text[..=equals]), secrets)
}

fn stamp(at: SystemTime) -> String {
    OffsetDateTime::from(at)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// A slot name fit for a file name: path separators and odd characters become `_`.
fn file_safe(slot: &str) -> String {
    slot.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn append(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|error| with_path(error, path))
}

fn with_path(error: io::Error, path: &Path) -> io::Error {
    io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::at::transcript;

    /// Waits (bounded) until the file holds `count` lines of `rx`/`tx` text in total.
    fn read_until(path: &Path, done: impl Fn(&[Transcript]) -> bool) -> Vec<Transcript> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            if let Ok(found) = transcript::parse(&text)
                && done(&found)
            {
                return found;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "capture never got there: {text}"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    #[test]
    fn a_dialogue_is_written_as_one_transcript_with_lines_and_chunks() {
        let dir = tempdir("dialogue");
        let capture = Capture::open(&dir, "modem-1-1.4", 1 << 20).unwrap();
        let sink = capture.begin();
        sink.sent("AT+CSQ");
        sink.received(b"AT+CSQ\r\r\n+CSQ: 2");
        sink.received(b"1,99\r\n\r\nOK\r\n");
        let path = dir.join("modem-1-1.4.jsonl");
        let found = read_until(&path, |t| t.len() == 1 && t[0].lines.len() == 4);
        let texts: Vec<(Direction, &str)> =
            found[0].lines.iter().map(|l| (l.dir, &*l.text)).collect();
        assert_eq!(
            texts,
            [
                (Direction::Tx, "AT+CSQ"),
                (Direction::Rx, "AT+CSQ"),
                (Direction::Rx, "+CSQ: 21,99"),
                (Direction::Rx, "OK"),
            ]
        );
        assert!(found[0].id.starts_with("modem-1-1.4 "));
        assert_eq!(found[0].kind.as_deref(), Some("capture"));
        let bytes: Vec<u8> = found[0].chunks.iter().flat_map(Chunk::raw).collect();
        assert_eq!(bytes, b"AT+CSQ\r\r\n+CSQ: 21,99\r\n\r\nOK\r\n");
        assert!(found[0].lines.iter().all(|line| line.at.is_some()));
    }

    #[test]
    fn the_pin_is_never_written() {
        let dir = tempdir("pin");
        let capture = Capture::open(&dir, "sim0", 1 << 20).unwrap();
        let sink = capture.begin();
        sink.sent("AT+CPIN=\"4711\"");
        // The echo split across two reads.
        sink.received(b"AT+CPIN=\"47");
        sink.received(b"11\"\r\r\nOK\r\n");
        sink.sent("AT+CPIN?");
        sink.received(b"\r\n+CPIN: READY\r\n\r\nOK\r\n");
        let path = dir.join("sim0.jsonl");
        let found = read_until(&path, |t| t.len() == 1 && t[0].lines.len() == 6);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("4711"), "{text}");
        assert!(!text.contains("\"47"), "{text}");
        assert_eq!(found[0].lines[0].text, "AT+CPIN=<redacted>");
        assert_eq!(found[0].lines[1].text, "AT+CPIN=\"<redacted>\"");
        // Chunks come back once no secret is in play.
        assert!(found[0].chunks.iter().any(|c| c.bytes.contains("READY")));
    }

    #[test]
    fn a_full_file_is_rotated_and_each_opening_is_its_own_transcript() {
        let dir = tempdir("rotate");
        let capture = Capture::open(&dir, "sim1", 64 * 1024).unwrap();
        let sink = capture.begin();
        let line = format!("+CMTI: \"SM\",1 {}\r\n", "x".repeat(1000));
        for _ in 0..200 {
            sink.received(line.as_bytes());
        }
        let path = dir.join("sim1.jsonl");
        let old = dir.join("sim1.jsonl.1");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !old.exists() {
            assert!(std::time::Instant::now() < deadline, "never rotated");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let again = capture.begin();
        again.sent("AT");
        let found = read_until(&path, |t| t.last().is_some_and(|t| t.lines.len() == 1));
        assert_eq!(found.last().unwrap().lines[0].text, "AT");
        let size = std::fs::metadata(&old).unwrap().len();
        assert!(size <= 80 * 1024, "rotated file of {size} bytes");
    }

    #[test]
    fn a_pin_command_redacts_only_its_secrets() {
        assert_eq!(
            redact_command("AT+CLCK=\"SC\",0,\"1234\""),
            ("AT+CLCK=<redacted>".to_owned(), vec!["1234".to_owned()])
        );
        assert_eq!(redact_command("AT+CPIN?"), ("AT+CPIN?".to_owned(), vec![]));
        assert_eq!(redact_command("AT+CSQ"), ("AT+CSQ".to_owned(), vec![]));
    }

    fn tempdir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "modempool-capture-{name}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }
}
