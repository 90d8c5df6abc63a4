//! What the tests that run the real binaries share: a `modempool simulate` child with its
//! start-up lines, bounded runs of other commands, and reading `key=value` port lines.

#![allow(dead_code)]

pub mod http;
pub mod pki;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Generous: a debug binary on a loaded two-core machine answers well within it.
pub const BOUND: Duration = Duration::from_secs(60);

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
        let deadline = std::time::Instant::now() + BOUND;
        loop {
            let list = stdout(&self.sim(&["list"]));
            let lines: Vec<&str> = list.lines().collect();
            if done(&lines) {
                return list;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "never came true; last list:\n{list}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
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
    let deadline = std::time::Instant::now() + BOUND;
    loop {
        if let Some(status) = child.try_wait().expect("wait works") {
            return status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the process did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
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
