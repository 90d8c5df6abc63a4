//! What the daemon tests share: a `modempool simulate` or `modempool serve` child with its
//! start-up lines, bounded runs of other commands, reading `key=value` port lines, waiting
//! for a condition ([`until`]) and skipping for a missing outside tool ([`skip_or_fail`]).

#![allow(dead_code)]

pub mod http;
pub mod pki;

use std::fmt::Display;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Generous: a debug binary on a loaded two-core machine answers well within it.
pub const BOUND: Duration = Duration::from_secs(60);

/// How often [`until`] checks its condition: short against every bound, long enough not to
/// load a two-core machine with the polling itself.
pub const POLL: Duration = Duration::from_millis(50);

/// What a condition of [`until`] answers: whether it holds yet, with a value when it does,
/// and when it does not, maybe what it saw (shown if the wait runs out).
pub trait Outcome {
    /// What [`until`] returns once the condition holds.
    type Value;
    /// `Ok` when the condition holds; `Err` with what was seen, if anything, when not.
    fn outcome(self) -> Result<Self::Value, Option<String>>;
}

impl Outcome for bool {
    type Value = ();
    fn outcome(self) -> Result<(), Option<String>> {
        if self { Ok(()) } else { Err(None) }
    }
}

impl<T> Outcome for Option<T> {
    type Value = T;
    fn outcome(self) -> Result<T, Option<String>> {
        self.ok_or(None)
    }
}

/// `Err(last)`: not yet, and `last` is what the wait shows if it runs out.
impl<T, E: Display> Outcome for Result<T, E> {
    type Value = T;
    fn outcome(self) -> Result<T, Option<String>> {
        self.map_err(|last| Some(last.to_string()))
    }
}

/// Checks `condition` every [`POLL`] until it holds and returns its value; panics naming
/// `what` and `bound` (and the last state the condition reported) when `bound` runs out
/// first. Every wait of these tests is for a condition and bounded this way: a stuck daemon
/// fails its test instead of hanging CI.
///
/// The clock is tokio's, so the wait follows paused time in tests that pause it.
pub async fn until<O: Outcome>(
    what: &str,
    bound: Duration,
    mut condition: impl AsyncFnMut() -> O,
) -> O::Value {
    let deadline = tokio::time::Instant::now() + bound;
    loop {
        match condition().await.outcome() {
            Ok(value) => return value,
            Err(last) => {
                if tokio::time::Instant::now() >= deadline {
                    match last {
                        Some(last) => {
                            panic!("never happened within {bound:?}: {what}; last: {last}")
                        }
                        None => panic!("never happened within {bound:?}: {what}"),
                    }
                }
            }
        }
        tokio::time::sleep(POLL).await;
    }
}

/// [`until`] for tests without a runtime of their own: `condition` is a plain (blocking)
/// function, run on a current-thread runtime made for the wait.
pub fn until_blocking<O: Outcome>(
    what: &str,
    bound: Duration,
    mut condition: impl FnMut() -> O,
) -> O::Value {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime for the wait")
        .block_on(until(what, bound, async || condition()))
}

/// Skips a test that needs an outside tool which is missing (`why` says which and how to get
/// it): prints `SKIPPED: why` to stderr, so the skip is seen, and returns for the test to
/// return. Under CI (`CI=true`), where `.ci/run` installs every such tool, a missing one is a
/// failure instead: this panics.
pub fn skip_or_fail(why: &str) {
    if std::env::var_os("CI").is_some_and(|value| value == "true") {
        panic!("CI=true and a tool this test needs is missing: {why}");
    }
    // Straight to the process's stderr, not the test harness's captured output: a skip must
    // be seen even when the test passes.
    let _ = writeln!(std::io::stderr(), "SKIPPED: {why}");
}

/// Skips a check that the installed tool is too old to make (`why` names the version and
/// the feature), even under CI: the tool is there, as `.ci/run` installs it, but the
/// distribution has no version with the feature yet. Prints `SKIPPED (tool too old): why`
/// so the skip is seen. Not for a missing tool: that is [`skip_or_fail`].
pub fn skip_too_old(why: &str) {
    let _ = writeln!(std::io::stderr(), "SKIPPED (tool too old): {why}");
}

/// A running `modempool simulate`, stopped with SIGTERM when dropped.
pub struct Simulator {
    child: Child,
    lines: mpsc::Receiver<String>,
    /// The start-up port lines.
    pub ports: Vec<String>,
    pub control: String,
}

impl Simulator {
    pub fn start(dir: &Path, ports: u32, personality: &str) -> Simulator {
        let mut child = Command::new(env!("CARGO_BIN_EXE_modempool"))
            .args(["simulate", "--ports", &ports.to_string(), "--link-dir"])
            .arg(dir)
            .args(["--personality", personality, "--seed", "7"])
            .args(["--control", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the binary starts");
        let lines = lines_of(&mut child);
        let mut simulator = Simulator {
            child,
            lines,
            ports: Vec::new(),
            control: String::new(),
        };
        loop {
            let line = simulator.next_line();
            if line == "ready" {
                break;
            } else if let Some(address) = line.strip_prefix("control ") {
                simulator.control = address.to_owned();
            } else {
                simulator.ports.push(line);
            }
        }
        assert!(!simulator.control.is_empty(), "no control line");
        simulator
    }

    pub fn next_line(&self) -> String {
        self.lines
            .recv_timeout(BOUND)
            .expect("the simulator printed the next line in time")
    }

    /// Runs `modempool sim --control ADDR args...`.
    pub fn sim(&self, args: &[&str]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_modempool"));
        command.args(["sim", "--control", &self.control]).args(args);
        bounded(command)
    }

    /// `sim list` until `done` holds for its lines (the simulated network delivers while
    /// the test waits), at most `BOUND`.
    pub fn list_until(&self, done: impl Fn(&[&str]) -> bool) -> String {
        until_blocking("the awaited `sim list`", BOUND, || {
            let list = stdout(&self.sim(&["list"]));
            let lines: Vec<&str> = list.lines().collect();
            if done(&lines) {
                Ok(list)
            } else {
                Err(format!("last list:\n{list}"))
            }
        })
    }

    pub fn terminate(&mut self) -> std::process::ExitStatus {
        terminate(&mut self.child)
    }
}

/// The child's stdout, line by line, read on a thread of its own.
pub fn lines_of(child: &mut Child) -> mpsc::Receiver<String> {
    let stdout = child.stdout.take().expect("stdout is piped");
    let (send, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if send.send(line).is_err() {
                break;
            }
        }
    });
    lines
}

/// Sends SIGTERM and waits for the child to exit, at most `BOUND`.
pub fn terminate(child: &mut Child) -> std::process::ExitStatus {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    until_blocking("the process stops on SIGTERM", BOUND, || {
        child.try_wait().expect("wait works")
    })
}

/// A running `modempool serve` with its start-up lines, killed when dropped.
pub struct Served {
    pub child: Child,
    /// The simulated ports' lines, by index.
    pub ports: Vec<String>,
    /// `grpc ADDR`.
    pub grpc: String,
    /// `control ADDR` (with `--simulate`).
    pub control: String,
    /// `metrics ADDR` (with `[metrics] listen`), else empty.
    pub metrics: String,
    /// `partner ADDR` (with `[partner_api] listen`), else empty.
    pub partner: String,
    /// The rack page's address (`web http://ADDR/`), else empty.
    pub web: String,
}

impl Served {
    /// Runs `modempool serve ARGS` (stdout piped, stderr as `stderr`) and reads its
    /// start-up lines up to `ready`, at most `BOUND`.
    pub fn start(args: &[&std::ffi::OsStr], stderr: Stdio) -> Served {
        Served::start_with_env(args, stderr, &[])
    }

    /// [`Served::start`] with extra environment variables.
    pub fn start_with_env(
        args: &[&std::ffi::OsStr],
        stderr: Stdio,
        env: &[(&str, &std::ffi::OsStr)],
    ) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_modempool"))
            .arg("serve")
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("the daemon starts");
        let lines = lines_of(&mut child);
        let mut served = Served {
            child,
            ports: Vec::new(),
            grpc: String::new(),
            control: String::new(),
            metrics: String::new(),
            partner: String::new(),
            web: String::new(),
        };
        let deadline = std::time::Instant::now() + BOUND;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let line = lines
                .recv_timeout(left)
                .expect("the daemon printed its next start-up line in time");
            if line == "ready" {
                break;
            } else if let Some(address) = line.strip_prefix("grpc ") {
                served.grpc = address.to_owned();
            } else if let Some(address) = line.strip_prefix("control ") {
                served.control = address.to_owned();
            } else if let Some(address) = line.strip_prefix("metrics ") {
                served.metrics = address.to_owned();
            } else if let Some(address) = line.strip_prefix("partner ") {
                served.partner = address.to_owned();
            } else if let Some(url) = line.strip_prefix("web ") {
                served.web = url
                    .trim_start_matches("http://")
                    .trim_end_matches('/')
                    .to_owned();
            } else if line.starts_with("sim") {
                served.ports.push(line);
            }
        }
        assert!(!served.grpc.is_empty(), "the daemon printed no grpc line");
        served
    }

    /// `modempool serve --simulate PORTS` on any free addresses, with its database, links
    /// and (when given) config file `config` in `dir`; `extra` flags and `env` added;
    /// stderr discarded.
    pub fn simulated(
        ports: u32,
        dir: &Path,
        config: Option<&str>,
        extra: &[&str],
        env: &[(&str, &std::ffi::OsStr)],
    ) -> Served {
        use std::ffi::OsString;
        let mut args: Vec<OsString> = [
            "--simulate",
            &ports.to_string(),
            "--listen",
            "127.0.0.1:0",
            "--control",
            "127.0.0.1:0",
            "--web-listen",
            "127.0.0.1:0",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        for (flag, path) in [("--db", "db.sqlite"), ("--link-dir", "links")] {
            args.push(flag.into());
            args.push(dir.join(path).into());
        }
        if let Some(config) = config {
            let path = dir.join("modempool.toml");
            std::fs::write(&path, config).expect("the config is written");
            args.push("--config".into());
            args.push(path.into());
        }
        args.extend(extra.iter().map(OsString::from));
        let args: Vec<&std::ffi::OsStr> = args.iter().map(OsString::as_os_str).collect();
        Served::start_with_env(&args, Stdio::null(), env)
    }

    pub fn terminate(&mut self) -> std::process::ExitStatus {
        terminate(&mut self.child)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Runs `command` to its end, at most `BOUND`.
pub fn bounded(mut command: Command) -> Output {
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command starts");
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    finished
        .recv_timeout(BOUND)
        .unwrap_or_else(|_| panic!("{command:?} did not finish within {BOUND:?}"))
        .expect("the command ran")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The value of `key=` in a port line.
pub fn field<'a>(line: &'a str, key: &str) -> &'a str {
    line.split_whitespace()
        .find_map(|word| word.strip_prefix(key)?.strip_prefix('='))
        .unwrap_or_else(|| panic!("no {key}= in `{line}`"))
}
