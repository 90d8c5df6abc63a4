//! The command runner: the one task that owns a port's byte stream, runs one AT command at a
//! time and hands everything the modem says unasked to a channel.
//!
//! A port's runner is spawned over anything that reads and writes bytes (a serial port, a
//! pseudo-terminal, an in-memory duplex in tests). It owns the [`Digester`] and both halves of
//! the stream; nothing else reads or writes the port. Commands reach it through an
//! [`AtChannel`] and are run strictly in order, one in flight: the command is written, its
//! echo skipped, its information lines collected until the final result code, or the command
//! fails at its timeout. Lines that are not part of the response (a `+CMTI` between two
//! `+CMGL` entries, Huawei's `^RSSI` between any two lines, boot lines) go to the
//! [`Unsolicited`] channel whether a command is in flight or not.
//!
//! Telling the two apart uses the command's [`Command::response_prefix`]: a line with that
//! prefix answers the command even if it could also be a URC (`+CPIN: READY` after
//! `AT+CPIN?`); any other line that parses as a URC is one; any other line answers the command
//! (identity lines have no prefix at all).
//!
//! Cancel safety: a caller that stops waiting (a `select!` that took another branch, a dropped
//! task) loses only its answer. The command still runs to its end, so the next command never
//! sees the tail of an abandoned one, and a request dropped before it was written is skipped.
//! After a timeout the runner waits for the line to go quiet before writing again, so a late
//! `OK` is not taken for the next command's.

use std::fmt;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep_until, timeout};

use super::capture::CaptureSink;
use super::command::{Command, ResponseError, ResponseLine, TimeoutClass, name_of, prefix_of};
use super::digest::{Digester, Event, FinalResult, GarbageReason};
use super::error_codes::{CmeError, CmsError};
use super::urc::{Urc, UrcError, parse_pdu_urc, parse_urc};

/// The Ctrl-Z that ends the PDU after a `> ` prompt (TS 27.005 §3.5.1).
const CTRL_Z: u8 = 0x1a;
/// The ESC that cancels a `> ` prompt (TS 27.005 §3.5.1), written when a prompt comes that
/// no command asked for, so that the modem does not wait for a PDU forever.
const ESC: u8 = 0x1b;

/// Tuning of a runner. The defaults suit a USB modem at 115200 baud.
#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// How many unsolicited events may wait for the port task before new ones are dropped
    /// (and counted in [`RunnerStats::dropped_unsolicited`]). Dropping rather than blocking
    /// keeps the port read while the task is busy; the periodic storage sweep recovers an SMS
    /// whose `+CMTI` was dropped.
    pub unsolicited_capacity: usize,
    /// How long the line must stay silent after a timed-out command before the next command
    /// is written, so that the late answer is not taken for the next command's.
    pub resync_quiet: Duration,
    /// The longest the runner waits for that silence: a modem spewing garbage for ever must
    /// not stop commands for ever.
    pub resync_limit: Duration,
    /// How long each [`TimeoutClass`] may take.
    pub timeouts: Timeouts,
    /// Where the dialogue is captured (`serve --capture`), if anywhere: every command
    /// written and every read's bytes go to it, without ever blocking the port.
    pub capture: Option<CaptureSink>,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        RunnerConfig {
            unsolicited_capacity: 256,
            resync_quiet: Duration::from_millis(300),
            resync_limit: Duration::from_secs(5),
            timeouts: Timeouts::default(),
            capture: None,
        }
    }
}

/// The time allowed to each [`TimeoutClass`]; the defaults are [`TimeoutClass::duration`].
/// Configurable because a slow pool board or a test wants other values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// For [`TimeoutClass::Quick`].
    pub quick: Duration,
    /// For [`TimeoutClass::Storage`].
    pub storage: Duration,
    /// For [`TimeoutClass::Network`].
    pub network: Duration,
    /// For [`TimeoutClass::Scan`].
    pub scan: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            quick: TimeoutClass::Quick.duration(),
            storage: TimeoutClass::Storage.duration(),
            network: TimeoutClass::Network.duration(),
            scan: TimeoutClass::Scan.duration(),
        }
    }
}

impl Timeouts {
    /// The time allowed to `class`.
    pub fn of(&self, class: TimeoutClass) -> Duration {
        match class {
            TimeoutClass::Quick => self.quick,
            TimeoutClass::Storage => self.storage,
            TimeoutClass::Network => self.network,
            TimeoutClass::Scan => self.scan,
        }
    }
}

/// What the modem said that no command asked for, in the order it came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsolicited {
    /// A typed URC.
    Urc(Urc),
    /// A line that looks like a known URC but whose fields are wrong: logged with the line.
    Malformed {
        /// The line as received.
        line: String,
        /// What is wrong with it.
        error: UrcError,
    },
    /// A line that is no known URC, or a final result code no command was waiting for (the
    /// late answer of a timed-out command). Logged and counted; vendor noise ends up here.
    Unrecognised(String),
    /// Bytes the digester dropped.
    Garbage {
        /// How many.
        bytes: usize,
        /// Why.
        reason: GarbageReason,
    },
}

/// Why a command did not give a typed response.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RunError {
    /// No final result code within the command's time. The modem may be hung; the port task
    /// decides whether to retry, reopen or reset.
    #[error("{command}: no answer within {after:?}")]
    Timeout {
        /// The command's name, e.g. `+CMGL` (never its arguments).
        command: String,
        /// The time allowed.
        after: Duration,
    },
    /// The modem answered with a final result code other than `OK`.
    #[error("{command}: {result}")]
    Rejected {
        /// The command's name.
        command: String,
        /// The final result code, e.g. `+CMS ERROR: 322`.
        result: FinalResult,
    },
    /// `OK` came, but the information lines were not what the command answers.
    #[error(transparent)]
    Response(#[from] ResponseError),
    /// Reading or writing the port failed, or it reached end of file (an unplugged USB modem):
    /// the runner has stopped.
    #[error("{command}: port failed: {reason}")]
    Port {
        /// The command's name.
        command: String,
        /// The I/O error, as text (the error itself went to the runner's exit status).
        reason: String,
    },
    /// The runner had stopped before the command could run.
    #[error("{command}: the port's runner has stopped")]
    Stopped {
        /// The command's name.
        command: String,
    },
}

impl RunError {
    /// The typed `+CME ERROR`, if that is how the modem refused.
    pub fn cme_error(&self) -> Option<CmeError> {
        match self {
            RunError::Rejected {
                result: FinalResult::CmeError(code),
                ..
            } => CmeError::from_error_code(code),
            _ => None,
        }
    }

    /// The typed `+CMS ERROR`, if that is how the modem refused.
    pub fn cms_error(&self) -> Option<CmsError> {
        match self {
            RunError::Rejected {
                result: FinalResult::CmsError(code),
                ..
            } => CmsError::from_error_code(code),
            _ => None,
        }
    }

    /// Whether the port itself is gone (the runner stopped), as opposed to one command
    /// failing on a live port.
    pub fn is_port_lost(&self) -> bool {
        matches!(self, RunError::Port { .. } | RunError::Stopped { .. })
    }
}

impl fmt::Display for FinalResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use super::digest::ErrorCode;
        let code = |code: &ErrorCode| match code {
            ErrorCode::Numeric(n) => n.to_string(),
            ErrorCode::Verbose(text) => text.clone(),
        };
        match self {
            FinalResult::Ok => f.write_str("OK"),
            FinalResult::Connect(None) => f.write_str("CONNECT"),
            FinalResult::Connect(Some(text)) => write!(f, "CONNECT {text}"),
            FinalResult::NoCarrier => f.write_str("NO CARRIER"),
            FinalResult::Error => f.write_str("ERROR"),
            FinalResult::NoDialtone => f.write_str("NO DIALTONE"),
            FinalResult::Busy => f.write_str("BUSY"),
            FinalResult::NoAnswer => f.write_str("NO ANSWER"),
            FinalResult::CmeError(c) => write!(f, "+CME ERROR: {}", code(c)),
            FinalResult::CmsError(c) => write!(f, "+CMS ERROR: {}", code(c)),
            FinalResult::NotSupported => f.write_str("COMMAND NOT SUPPORT"),
        }
    }
}

/// The untyped answer to a command: its information lines and its final result code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse {
    /// The lines between the echo and the final result code that answer the command.
    pub lines: Vec<ResponseLine>,
    /// The final result code.
    pub result: FinalResult,
}

/// How a runner ended. The port task looks at it to decide between reopening the port and
/// giving the path up.
#[derive(Debug)]
pub enum RunnerExit {
    /// Every [`AtChannel`] was dropped: the port task no longer wants the port.
    Released,
    /// Reading gave end of file: the device went away (USB unplug, pseudo-terminal closed).
    EndOfFile,
    /// Reading or writing failed.
    Io(io::Error),
}

/// Counters of a runner, for logs and metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunnerStats {
    /// Commands written to the port.
    pub commands: u64,
    /// Commands that timed out.
    pub timeouts: u64,
    /// Unsolicited events delivered.
    pub unsolicited: u64,
    /// Unsolicited events dropped because the channel was full.
    pub dropped_unsolicited: u64,
    /// Bytes the digester dropped as garbage.
    pub garbage_bytes: u64,
}

#[derive(Debug, Default)]
struct Counters {
    commands: AtomicU64,
    timeouts: AtomicU64,
    unsolicited: AtomicU64,
    dropped_unsolicited: AtomicU64,
    garbage_bytes: AtomicU64,
}

impl Counters {
    fn bump(counter: &AtomicU64, by: u64) {
        counter.fetch_add(by, Ordering::Relaxed);
    }

    fn snapshot(&self) -> RunnerStats {
        RunnerStats {
            commands: self.commands.load(Ordering::Relaxed),
            timeouts: self.timeouts.load(Ordering::Relaxed),
            unsolicited: self.unsolicited.load(Ordering::Relaxed),
            dropped_unsolicited: self.dropped_unsolicited.load(Ordering::Relaxed),
            garbage_bytes: self.garbage_bytes.load(Ordering::Relaxed),
        }
    }
}

/// A command as the runner sees it: text, time allowed, how to tell its lines, and where to
/// send the answer.
struct Request {
    text: String,
    name: String,
    timeout: Duration,
    prefix: Option<String>,
    payload: Option<String>,
    reply: oneshot::Sender<Result<RawResponse, RunError>>,
}

/// The handle through which commands reach a port's runner. Clones share the runner; their
/// commands run one at a time, in the order they arrive.
#[derive(Debug, Clone)]
pub struct AtChannel {
    requests: mpsc::Sender<Request>,
    counters: Arc<Counters>,
    timeouts: Timeouts,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the text: it may carry a PIN.
        f.debug_struct("Request").field("name", &self.name).finish()
    }
}

/// Starts the runner of one port on `stream` and returns the handle for commands, the
/// channel of [`Unsolicited`] events (closed when the runner stops) and the runner's task,
/// whose output says why it stopped. Must be called inside a tokio runtime.
pub fn spawn<S>(
    stream: S,
    config: RunnerConfig,
) -> (
    AtChannel,
    mpsc::Receiver<Unsolicited>,
    JoinHandle<RunnerExit>,
)
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let (requests_tx, requests_rx) = mpsc::channel(16);
    let (unsolicited_tx, unsolicited_rx) = mpsc::channel(config.unsolicited_capacity.max(1));
    let counters = Arc::new(Counters::default());
    let (reader, writer) = tokio::io::split(stream);
    let mut digester = Digester::new();
    digester.expect_prompt(false);
    let actor = Actor {
        reader,
        writer,
        digester,
        unsolicited: unsolicited_tx,
        counters: Arc::clone(&counters),
        config: config.clone(),
        pending: None,
        resync: false,
        line_predates_command: false,
    };
    let task = tokio::spawn(actor.run(requests_rx));
    let channel = AtChannel {
        requests: requests_tx,
        counters,
        timeouts: config.timeouts,
    };
    (channel, unsolicited_rx, task)
}

impl AtChannel {
    /// Runs a typed command: writes it, waits for its final result code, and parses the
    /// response. A command whose [`Command::attempts`] is more than one is written again after
    /// a timeout (only side-effect-free queries say so).
    pub async fn run<C: Command>(&self, command: &C) -> Result<C::Response, RunError> {
        let text = command.text();
        let timeout = self.timeouts.of(command.timeout());
        let attempts = command.attempts().max(1);
        let mut attempt = 1;
        let response = loop {
            let result = self
                .raw_with(&text, timeout, command.response_prefix(), command.payload())
                .await;
            match result {
                Err(RunError::Timeout { .. }) if attempt < attempts => attempt += 1,
                other => break other?,
            }
        };
        if !response.result.is_success() {
            if let Some(answer) = command.answer_in_failure(&response.result) {
                return Ok(answer);
            }
            return Err(RunError::Rejected {
                command: command_name(&text),
                result: response.result,
            });
        }
        Ok(command.parse(&response.lines)?)
    }

    /// Runs a command given as text (e.g. a personality's reset command from the
    /// configuration) and returns its lines and final result, whatever it is. Every line that
    /// is not a known URC counts as part of the response.
    pub async fn raw(&self, text: &str, timeout: Duration) -> Result<RawResponse, RunError> {
        self.raw_with(text, timeout, prefix_of(text), None).await
    }

    async fn raw_with(
        &self,
        text: &str,
        timeout: Duration,
        prefix: Option<String>,
        payload: Option<String>,
    ) -> Result<RawResponse, RunError> {
        let name = command_name(text);
        let (reply, answer) = oneshot::channel();
        let request = Request {
            text: text.to_owned(),
            name: name.clone(),
            timeout,
            prefix,
            payload,
            reply,
        };
        let stopped = || RunError::Stopped {
            command: name.clone(),
        };
        self.requests.send(request).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// The runner's counters so far.
    pub fn stats(&self) -> RunnerStats {
        self.counters.snapshot()
    }

    /// Whether the runner has stopped (the port is gone); commands will fail at once.
    pub fn is_stopped(&self) -> bool {
        self.requests.is_closed()
    }
}

/// The name shown in logs and errors: never the arguments, which may be a PIN.
fn command_name(text: &str) -> String {
    name_of(text).unwrap_or("AT").to_owned()
}

/// The command in flight.
struct Pending {
    request: Request,
    lines: Vec<ResponseLine>,
    deadline: Instant,
    /// Whether the payload has been written after the prompt.
    payload_sent: bool,
}

/// The task that owns the port.
struct Actor<R, W> {
    reader: R,
    writer: W,
    digester: Digester,
    unsolicited: mpsc::Sender<Unsolicited>,
    counters: Arc<Counters>,
    config: RunnerConfig,
    pending: Option<Pending>,
    /// A command timed out: wait for silence before writing the next.
    resync: bool,
    /// The digester held part of a line when the command was written: that line was begun
    /// before the command and is not its answer, whatever it turns out to be.
    line_predates_command: bool,
}

impl<R: AsyncRead + Unpin, W: AsyncWrite + Unpin> Actor<R, W> {
    async fn run(mut self, mut requests: mpsc::Receiver<Request>) -> RunnerExit {
        let mut buffer = vec![0u8; 4096];
        let exit = loop {
            let step = match &self.pending {
                None => {
                    // Bytes already waiting are read before a command is written, so that a
                    // line the modem began earlier is known to predate the command.
                    tokio::select! {
                        biased;
                        read = self.reader.read(&mut buffer) => self.on_read(read, &buffer).await,
                        request = requests.recv() => match request {
                            Some(request) => self.start(request, &mut buffer).await,
                            None => Err(RunnerExit::Released),
                        },
                    }
                }
                Some(pending) => {
                    let deadline = pending.deadline;
                    tokio::select! {
                        biased;
                        read = self.reader.read(&mut buffer) => self.on_read(read, &buffer).await,
                        () = sleep_until(deadline) => {
                            self.on_timeout();
                            Ok(())
                        }
                    }
                }
            };
            if let Err(exit) = step {
                break exit;
            }
        };
        self.fail_pending(&exit);
        requests.close();
        while let Ok(request) = requests.try_recv() {
            let _ = request.reply.send(Err(port_error(&request.name, &exit)));
        }
        exit
    }

    /// Writes a command, after the line has gone quiet if the last one timed out.
    async fn start(&mut self, request: Request, buffer: &mut [u8]) -> Result<(), RunnerExit> {
        if request.reply.is_closed() {
            // The caller gave up before its turn: running it would only have side effects.
            return Ok(());
        }
        if self.resync {
            self.wait_for_quiet(buffer).await?;
            self.resync = false;
        }
        self.line_predates_command = self.digester.buffered() > 0;
        self.digester.expect_echo(&request.text);
        self.digester.expect_prompt(request.payload.is_some());
        let mut bytes = request.text.clone().into_bytes();
        bytes.push(b'\r');
        let deadline = Instant::now() + request.timeout;
        tracing::trace!(command = %request.name, "writing command");
        if let Some(capture) = &self.config.capture {
            capture.sent(&request.text);
        }
        Counters::bump(&self.counters.commands, 1);
        self.pending = Some(Pending {
            request,
            lines: Vec::new(),
            deadline,
            payload_sent: false,
        });
        self.write(&bytes, deadline).await
    }

    /// Reads and routes what comes until nothing has come for `resync_quiet`, or at most
    /// `resync_limit`. Everything read goes to the unsolicited channel: no command is pending.
    async fn wait_for_quiet(&mut self, buffer: &mut [u8]) -> Result<(), RunnerExit> {
        let limit = Instant::now() + self.config.resync_limit;
        loop {
            let quiet = (Instant::now() + self.config.resync_quiet).min(limit);
            tokio::select! {
                read = self.reader.read(buffer) => self.on_read(read, buffer).await?,
                () = sleep_until(quiet) => return Ok(()),
            }
            if Instant::now() >= limit {
                return Ok(());
            }
        }
    }

    async fn write(&mut self, bytes: &[u8], deadline: Instant) -> Result<(), RunnerExit> {
        let written = tokio::time::timeout_at(deadline, async {
            self.writer.write_all(bytes).await?;
            self.writer.flush().await
        })
        .await;
        match written {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(RunnerExit::Io(error)),
            // A write that cannot finish (flow control held by a hung modem) is a timeout of
            // the command, not of the port.
            Err(_) => {
                self.on_timeout();
                Ok(())
            }
        }
    }

    async fn on_read(&mut self, read: io::Result<usize>, buffer: &[u8]) -> Result<(), RunnerExit> {
        match read {
            Ok(0) => Err(RunnerExit::EndOfFile),
            Ok(n) => {
                if let Some(capture) = &self.config.capture {
                    capture.received(&buffer[..n]);
                }
                self.digester.feed(&buffer[..n]);
                while let Some(event) = self.digester.next_event() {
                    self.on_event(event).await?;
                }
                Ok(())
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => Ok(()),
            Err(error) => Err(RunnerExit::Io(error)),
        }
    }

    async fn on_event(&mut self, event: Event) -> Result<(), RunnerExit> {
        match event {
            Event::Echo(_) => Ok(()),
            Event::Garbage { bytes, reason } => {
                if reason == GarbageReason::OverlongLine {
                    self.line_predates_command = false;
                }
                Counters::bump(&self.counters.garbage_bytes, bytes as u64);
                self.emit(Unsolicited::Garbage { bytes, reason });
                Ok(())
            }
            Event::Prompt => self.on_prompt().await,
            Event::Line(line) if std::mem::take(&mut self.line_predates_command) => {
                self.emit(Unsolicited::Unrecognised(line.into_text()));
                Ok(())
            }
            Event::PduLine { header, .. } if std::mem::take(&mut self.line_predates_command) => {
                self.emit(Unsolicited::Unrecognised(header));
                Ok(())
            }
            Event::Line(line) => {
                let route = route_line(line.text(), self.in_flight());
                let text = line.into_text();
                match route {
                    Route::Final(result) => self.finish(result, &text),
                    Route::Response => self.push_line(ResponseLine::Text(text)),
                    Route::Urc(urc) => self.emit(Unsolicited::Urc(urc)),
                    Route::Malformed(error) => {
                        self.emit(Unsolicited::Malformed { line: text, error })
                    }
                    Route::Unrecognised => self.emit(Unsolicited::Unrecognised(text)),
                }
                Ok(())
            }
            Event::PduLine { header, pdu } => {
                match route_pdu(&header, &pdu, self.in_flight()) {
                    Route::Response | Route::Final(_) => {
                        self.push_line(ResponseLine::Pdu { header, pdu })
                    }
                    Route::Urc(urc) => self.emit(Unsolicited::Urc(urc)),
                    Route::Malformed(error) => self.emit(Unsolicited::Malformed {
                        line: header,
                        error,
                    }),
                    Route::Unrecognised => self.emit(Unsolicited::Unrecognised(header)),
                }
                Ok(())
            }
        }
    }

    /// The command in flight, as [`route_line`] needs it: its response prefix, if it has one.
    fn in_flight(&self) -> Option<Option<&str>> {
        self.pending
            .as_ref()
            .map(|pending| pending.request.prefix.as_deref())
    }

    fn push_line(&mut self, line: ResponseLine) {
        if let Some(pending) = self.pending.as_mut() {
            pending.lines.push(line);
        }
    }

    /// TS 27.005 §3.5.1: the modem waits for the PDU; write it and Ctrl-Z. A prompt no
    /// command asked for is cancelled with ESC so the modem does not wait for ever.
    async fn on_prompt(&mut self) -> Result<(), RunnerExit> {
        let Some(pending) = self.pending.as_mut() else {
            return self
                .write(&[ESC], Instant::now() + self.config.timeouts.quick)
                .await;
        };
        match (&pending.request.payload, pending.payload_sent) {
            (Some(payload), false) => {
                pending.payload_sent = true;
                let mut bytes = payload.clone().into_bytes();
                bytes.push(CTRL_Z);
                let deadline = pending.deadline;
                if let Some(capture) = &self.config.capture {
                    capture.sent(payload);
                }
                // Modems echo the PDU in E1; it is no response line.
                self.digester.expect_echo(payload);
                self.write(&bytes, deadline).await
            }
            _ => {
                let deadline = pending.deadline;
                self.write(&[ESC], deadline).await
            }
        }
    }

    fn finish(&mut self, result: FinalResult, text: &str) {
        self.digester.expect_prompt(false);
        match self.pending.take() {
            Some(pending) => {
                tracing::trace!(command = %pending.request.name, %result, "command finished");
                let _ = pending.request.reply.send(Ok(RawResponse {
                    lines: pending.lines,
                    result,
                }));
            }
            // The late answer of a command that timed out, or noise that looks like one.
            None => self.emit(Unsolicited::Unrecognised(text.to_owned())),
        }
    }

    fn on_timeout(&mut self) {
        self.digester.expect_prompt(false);
        if let Some(pending) = self.pending.take() {
            Counters::bump(&self.counters.timeouts, 1);
            tracing::debug!(command = %pending.request.name, "command timed out");
            let _ = pending.request.reply.send(Err(RunError::Timeout {
                command: pending.request.name,
                after: pending.request.timeout,
            }));
            self.resync = true;
        }
    }

    fn fail_pending(&mut self, exit: &RunnerExit) {
        if let Some(pending) = self.pending.take() {
            let error = port_error(&pending.request.name, exit);
            let _ = pending.request.reply.send(Err(error));
        }
    }

    fn emit(&mut self, event: Unsolicited) {
        match self.unsolicited.try_send(event) {
            Ok(()) => Counters::bump(&self.counters.unsolicited, 1),
            Err(mpsc::error::TrySendError::Full(event)) => {
                Counters::bump(&self.counters.dropped_unsolicited, 1);
                tracing::warn!(?event, "unsolicited channel full; event dropped");
            }
            // Nobody listens: the port task only runs commands. Not an error.
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }
}

/// Where a line the modem wrote belongs: the one rule of the runner, also used by `modempool
/// at explain` so that it says exactly what the daemon does with a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The final result code of the command in flight (or, with none in flight, a late one).
    Final(FinalResult),
    /// A line of the command in flight's response.
    Response,
    /// An unsolicited result code.
    Urc(Urc),
    /// A line that starts like a known URC but whose fields are wrong.
    Malformed(UrcError),
    /// Nothing the daemon knows, with no command in flight: logged as noise.
    Unrecognised,
}

/// Routes a text line. `in_flight` is `None` with no command in flight, else the command's
/// response prefix (`Some(None)` for a command whose lines have none, such as `ATI`).
///
/// A line with the command's prefix answers it even if it could be a URC (`+CPIN: READY`
/// after `AT+CPIN?`); any other line that parses as a URC is one; any other line answers the
/// command in flight.
pub fn route_line(text: &str, in_flight: Option<Option<&str>>) -> Route {
    if let Some(result) = FinalResult::parse(text) {
        return Route::Final(result);
    }
    if answers(in_flight, text) {
        return Route::Response;
    }
    match parse_urc(text) {
        Some(Ok(urc)) => Route::Urc(urc),
        Some(Err(error)) => Route::Malformed(error),
        None if in_flight.is_some() => Route::Response,
        None => Route::Unrecognised,
    }
}

/// Routes a header + PDU pair (never a final result) as [`route_line`] routes a line.
pub fn route_pdu(header: &str, pdu: &str, in_flight: Option<Option<&str>>) -> Route {
    if answers(in_flight, header) {
        return Route::Response;
    }
    match parse_pdu_urc(header, pdu) {
        Some(Ok(urc)) => Route::Urc(urc),
        Some(Err(error)) => Route::Malformed(error),
        None if in_flight.is_some() => Route::Response,
        None => Route::Unrecognised,
    }
}

/// Whether `text` starts with the response prefix of the command in flight.
fn answers(in_flight: Option<Option<&str>>, text: &str) -> bool {
    in_flight.flatten().is_some_and(|prefix| {
        text.get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    })
}

fn port_error(command: &str, exit: &RunnerExit) -> RunError {
    match exit {
        RunnerExit::Released => RunError::Stopped {
            command: command.to_owned(),
        },
        RunnerExit::EndOfFile => RunError::Port {
            command: command.to_owned(),
            reason: "end of file (device gone)".to_owned(),
        },
        RunnerExit::Io(error) => RunError::Port {
            command: command.to_owned(),
            reason: error.to_string(),
        },
    }
}

/// Bounds a wait on the runner's unsolicited channel: the next event, or `None` if none came
/// within `limit` or the runner stopped. For tests and probes that wait for an event.
pub async fn next_unsolicited(
    channel: &mut mpsc::Receiver<Unsolicited>,
    limit: Duration,
) -> Option<Unsolicited> {
    timeout(limit, channel.recv()).await.ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::at::command::{
        ListMessages, MessageStatus, PinStatus, SendMessage, SignalQuality, Ussd,
    };
    use crate::at::urc::SimStatus;
    use tokio::io::DuplexStream;

    /// The modem's side of the stream in a test: reads what the runner writes, writes what a
    /// modem would.
    struct FakeModem {
        io: DuplexStream,
        seen: Vec<u8>,
    }

    impl FakeModem {
        /// Reads until `terminator` and returns what came before it.
        async fn read_until(&mut self, terminator: u8) -> String {
            loop {
                if let Some(end) = self.seen.iter().position(|&b| b == terminator) {
                    let head: Vec<u8> = self.seen.drain(..=end).collect();
                    return String::from_utf8_lossy(&head[..end]).into_owned();
                }
                let mut buffer = [0u8; 256];
                let n = self.io.read(&mut buffer).await.expect("read");
                assert!(n > 0, "runner closed the stream");
                self.seen.extend_from_slice(&buffer[..n]);
            }
        }

        async fn expect_command(&mut self, command: &str) {
            assert_eq!(self.read_until(b'\r').await, command);
        }

        async fn say(&mut self, bytes: &[u8]) {
            self.io.write_all(bytes).await.expect("write");
        }
    }

    fn start(config: RunnerConfig) -> (AtChannel, mpsc::Receiver<Unsolicited>, FakeModem) {
        let (ours, theirs) = tokio::io::duplex(4096);
        let (channel, unsolicited, _task) = spawn(ours, config);
        (
            channel,
            unsolicited,
            FakeModem {
                io: theirs,
                seen: Vec::new(),
            },
        )
    }

    const LIMIT: Duration = Duration::from_secs(5);

    #[tokio::test]
    async fn urc_in_the_middle_of_a_listing_is_a_urc() {
        let (channel, mut unsolicited, mut modem) = start(RunnerConfig::default());
        let modem_side = async {
            modem.expect_command("AT+CMGL=4").await;
            modem
                .say(
                    b"AT+CMGL=4\r\r\n+CMGL: 1,1,,30\r\n\
                      07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07\r\n\
                      \r\n+CMTI: \"SM\",3\r\n\r\n^RSSI:17\r\n\
                      +CMGL: 2,0,,30\r\n\
                      07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07\r\n\
                      \r\nOK\r\n",
                )
                .await;
        };
        let (listing, ()) =
            tokio::join!(channel.run(&ListMessages(MessageStatus::All)), modem_side);
        let listing = listing.unwrap();
        assert_eq!(
            listing.iter().map(|m| m.index).collect::<Vec<_>>(),
            vec![1, 2]
        );
        assert_eq!(
            next_unsolicited(&mut unsolicited, LIMIT).await,
            Some(Unsolicited::Urc(Urc::SmsStored {
                storage: "SM".into(),
                index: 3
            }))
        );
        assert!(matches!(
            next_unsolicited(&mut unsolicited, LIMIT).await,
            Some(Unsolicited::Urc(Urc::Signal { .. }))
        ));
    }

    #[tokio::test]
    async fn a_line_with_the_commands_prefix_answers_it_even_if_it_could_be_a_urc() {
        let (channel, mut unsolicited, mut modem) = start(RunnerConfig::default());
        let modem_side = async {
            modem.expect_command("AT+CPIN?").await;
            modem.say(b"\r\n+CPIN: READY\r\n\r\nOK\r\n").await;
            // Afterwards the same line is a URC (the SIM came back after a swap).
            modem.say(b"\r\n+CPIN: READY\r\n").await;
        };
        let (status, ()) = tokio::join!(channel.run(&PinStatus), modem_side);
        assert_eq!(status.unwrap(), SimStatus::Ready);
        assert_eq!(
            next_unsolicited(&mut unsolicited, LIMIT).await,
            Some(Unsolicited::Urc(Urc::SimStatus(SimStatus::Ready)))
        );
    }

    #[tokio::test]
    async fn errors_are_typed_and_name_the_command_not_its_arguments() {
        let (channel, _unsolicited, mut modem) = start(RunnerConfig::default());
        let modem_side = async {
            modem.expect_command("AT+CPIN=\"1234\"").await;
            modem.say(b"\r\n+CME ERROR: 16\r\n").await;
            modem.expect_command("AT+CMGL=4").await;
            modem.say(b"\r\n+CMS ERROR: memory full\r\n").await;
        };
        let pin = crate::at::command::EnterPin::new("1234").unwrap();
        let (pin_result, listing, ()) = tokio::join!(
            channel.run(&pin),
            channel.run(&ListMessages(MessageStatus::All)),
            modem_side
        );
        let error = pin_result.unwrap_err();
        assert_eq!(error.cme_error(), Some(CmeError::IncorrectPassword));
        assert!(!error.to_string().contains("1234"), "{error}");
        assert_eq!(listing.unwrap_err().cms_error(), Some(CmsError::MemoryFull));
    }

    #[tokio::test(start_paused = true)]
    async fn a_hung_modem_times_out_and_a_late_answer_is_not_the_next_commands() {
        let (channel, mut unsolicited, mut modem) = start(RunnerConfig::default());
        let first = channel.run(&SignalQuality);
        let modem_side = async {
            // Two attempts (+CSQ is a query that may be repeated), no answer to either.
            modem.expect_command("AT+CSQ").await;
            modem.expect_command("AT+CSQ").await;
        };
        let (result, ()) = tokio::join!(first, modem_side);
        assert!(matches!(result, Err(RunError::Timeout { ref command, .. }) if command == "+CSQ"));
        assert_eq!(channel.stats().timeouts, 2);
        // The hung modem wakes up and answers the old command just as a new one is queued:
        // the runner waits for silence, so the stale answer is reported, not taken.
        modem.say(b"\r\n+CSQ: 5,99\r\n\r\nOK\r\n").await;
        let second = channel.run(&SignalQuality);
        let modem_side = async {
            modem.expect_command("AT+CSQ").await;
            modem.say(b"\r\n+CSQ: 21,99\r\n\r\nOK\r\n").await;
        };
        let (result, ()) = tokio::join!(second, modem_side);
        assert_eq!(result.unwrap().rssi, Some(21));
        let mut stale = Vec::new();
        while let Some(event) = next_unsolicited(&mut unsolicited, Duration::from_millis(10)).await
        {
            stale.push(event);
        }
        assert_eq!(
            stale,
            vec![
                Unsolicited::Unrecognised("+CSQ: 5,99".into()),
                Unsolicited::Unrecognised("OK".into())
            ]
        );
    }

    #[tokio::test]
    async fn end_of_file_fails_the_command_and_stops_the_runner() {
        let (ours, theirs) = tokio::io::duplex(4096);
        let (channel, mut unsolicited, task) = spawn(ours, RunnerConfig::default());
        let mut modem = FakeModem {
            io: theirs,
            seen: Vec::new(),
        };
        let modem_side = async move {
            modem.expect_command("AT+CSQ").await;
            drop(modem);
        };
        let (result, ()) = tokio::join!(channel.run(&SignalQuality), modem_side);
        let error = result.unwrap_err();
        assert!(error.is_port_lost(), "{error}");
        assert!(matches!(task.await.unwrap(), RunnerExit::EndOfFile));
        assert_eq!(unsolicited.recv().await, None);
        assert!(
            channel
                .run(&SignalQuality)
                .await
                .unwrap_err()
                .is_port_lost()
        );
    }

    #[tokio::test]
    async fn the_pdu_goes_after_the_prompt_with_ctrl_z() {
        let (channel, _unsolicited, mut modem) = start(RunnerConfig::default());
        const PDU: &str = "0011000B911326880736F40000A70AE8329BFD4697D9EC37";
        let send = SendMessage::new(PDU, 23).unwrap();
        let modem_side = async {
            modem.expect_command("AT+CMGS=23").await;
            modem.say(b"AT+CMGS=23\r\r\n> ").await;
            assert_eq!(modem.read_until(CTRL_Z).await, PDU);
            modem.say(PDU.as_bytes()).await;
            modem.say(b"\x1a\r\n+CMGS: 42\r\n\r\nOK\r\n").await;
        };
        let (reference, ()) = tokio::join!(channel.run(&send), modem_side);
        assert_eq!(reference.unwrap(), 42);
    }

    #[tokio::test]
    async fn a_prompt_nobody_asked_for_is_cancelled_and_text_like_a_prompt_is_a_line() {
        let (channel, mut unsolicited, mut modem) = start(RunnerConfig::default());
        let ussd = Ussd::new("*100#").unwrap();
        let modem_side = async {
            modem.expect_command("AT+CUSD=1,\"*100#\",15").await;
            modem
                .say(b"\r\n> Menu\r\n\r\nOK\r\n\r\n+CUSD: 0,\"Balance 5.00\",15\r\n")
                .await;
        };
        let (result, ()) = tokio::join!(channel.run(&ussd), modem_side);
        result.unwrap();
        assert!(matches!(
            next_unsolicited(&mut unsolicited, LIMIT).await,
            Some(Unsolicited::Urc(Urc::Ussd { .. }))
        ));
    }

    #[tokio::test]
    async fn framing_recovers_after_garbage() {
        let (channel, mut unsolicited, mut modem) = start(RunnerConfig::default());
        modem.say(b"\x00\x00\xff\xfe\x01garbage without end").await;
        let modem_side = async {
            modem.expect_command("AT+CSQ").await;
            modem.say(b"\r\n+CSQ: 18,99\r\n\r\nOK\r\n").await;
        };
        let (result, ()) = tokio::join!(channel.run(&SignalQuality), modem_side);
        // The half line before the echo ends up in front of the answer's first line ending:
        // it is dropped as garbage or as an unrecognised line, never taken for the answer.
        assert_eq!(result.unwrap().rssi, Some(18));
        let mut events = Vec::new();
        while let Some(event) = next_unsolicited(&mut unsolicited, Duration::from_millis(50)).await
        {
            events.push(event);
        }
        assert!(
            events
                .iter()
                .any(|e| matches!(e, Unsolicited::Garbage { .. })),
            "{events:?}"
        );
        assert!(channel.stats().garbage_bytes >= 3);
    }

    #[tokio::test]
    async fn a_caller_that_gives_up_loses_only_its_answer() {
        let (channel, _unsolicited, mut modem) = start(RunnerConfig::default());
        let abandoned = channel.run(&SignalQuality);
        // Give up once the command has been written.
        tokio::select! {
            _ = abandoned => panic!("answered before the modem spoke"),
            () = modem.expect_command("AT+CSQ") => {}
        }
        let second = channel.run(&PinStatus);
        let modem_side = async {
            modem.say(b"\r\n+CSQ: 9,99\r\n\r\nOK\r\n").await;
            modem.expect_command("AT+CPIN?").await;
            modem.say(b"\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n").await;
        };
        let (status, ()) = tokio::join!(second, modem_side);
        assert_eq!(status.unwrap(), SimStatus::SimPin);
    }
}
