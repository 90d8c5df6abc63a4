//! `modempool simulate` and `modempool sim` as a technician or a script uses them: the real
//! binary, its start-up lines, its control endpoint, its links, and gammu (an independent AT
//! client) identifying the simulated modems and reading the SMS injected into them.
//!
//! Every wait is bounded; the gammu test says so when it skips because gammu is missing.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Generous: a debug binary on a loaded two-core machine answers well within it.
const BOUND: Duration = Duration::from_secs(60);

/// A running `modempool simulate`, stopped with SIGTERM when dropped.
struct Simulator {
    child: Child,
    lines: mpsc::Receiver<String>,
    /// The start-up port lines.
    ports: Vec<String>,
    control: String,
}

impl Simulator {
    fn start(dir: &Path, ports: u32, personality: &str) -> Simulator {
        let mut child = Command::new(env!("CARGO_BIN_EXE_modempool"))
            .args(["simulate", "--ports", &ports.to_string(), "--link-dir"])
            .arg(dir)
            .args(["--personality", personality, "--seed", "7"])
            .args(["--control", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the binary starts");
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

    fn next_line(&self) -> String {
        self.lines
            .recv_timeout(BOUND)
            .expect("the simulator printed the next line in time")
    }

    /// Runs `modempool sim --control ADDR args...`.
    fn sim(&self, args: &[&str]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_modempool"));
        command.args(["sim", "--control", &self.control]).args(args);
        bounded(command)
    }

    /// `sim list` until `done` holds for its lines (the simulated network delivers while
    /// the test waits), at most `BOUND`.
    fn list_until(&self, done: impl Fn(&[&str]) -> bool) -> String {
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

    fn terminate(&mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = std::time::Instant::now() + BOUND;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait works") {
                return status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the simulator did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
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
fn bounded(mut command: Command) -> Output {
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

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The value of `key=` in a port line.
fn field<'a>(line: &'a str, key: &str) -> &'a str {
    line.split_whitespace()
        .find_map(|word| word.strip_prefix(key)?.strip_prefix('='))
        .unwrap_or_else(|| panic!("no {key}= in `{line}`"))
}

#[test]
fn simulate_prints_its_ports_links_them_and_obeys_sim_commands() {
    let dir = tempfile::tempdir().unwrap();
    let mut simulator = Simulator::start(dir.path(), 3, "mixed");
    assert_eq!(simulator.ports.len(), 3);
    for (index, line) in simulator.ports.iter().enumerate() {
        let mut words = line.split_whitespace();
        assert_eq!(words.next(), Some(format!("sim{index}").as_str()));
        let tty = words.next().unwrap();
        let link = dir.path().join(format!("sim{index}"));
        assert_eq!(std::fs::read_link(&link).unwrap(), PathBuf::from(tty));
        assert_eq!(field(line, "imei").len(), 15);
        assert!(field(line, "msisdn").starts_with('+'), "{line}");
        assert_eq!(field(line, "stored"), "0");
        assert_eq!(field(line, "faults"), "none");
    }

    // Three SMS into port 1, one of them in three parts: the modem stores four PDUs.
    let sent = simulator.sim(&[
        "send",
        "--port",
        "1",
        "--from",
        "Google",
        "--text",
        "G-123456 is your code",
    ]);
    assert!(sent.status.success(), "{sent:?}");
    let sent = simulator.sim(&[
        "send",
        "--port",
        "1",
        "--from",
        "+4915112345678",
        "--text",
        "привет, код 4242",
        "--ucs2",
        "--parts",
        "3",
    ]);
    assert!(sent.status.success(), "{sent:?}");
    assert_eq!(stdout(&sent).lines().count(), 3, "one outcome per part");
    // A modem that has not registered yet leaves them at the network: wait until it has.
    let list = simulator.list_until(|lines| field(lines[1], "stored") == "4");
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 3, "{list}");
    assert_eq!(field(lines[0], "stored"), "0", "{list}");

    // Faults show in the list and act on the links.
    let hung = simulator.sim(&["fault", "--port", "2", "hang"]);
    assert!(hung.status.success(), "{hung:?}");
    assert!(field(&stdout(&hung), "faults").contains("hang"));
    let unplugged = simulator.sim(&["fault", "--port", "0", "unplug"]);
    assert!(unplugged.status.success(), "{unplugged:?}");
    assert!(!dir.path().join("sim0").exists());
    let replugged = simulator.sim(&["fault", "--port", "0", "replug"]);
    assert!(replugged.status.success(), "{replugged:?}");
    assert!(dir.path().join("sim0").exists());

    // Bad requests are refused with a message and a failing status, and change nothing.
    let no_port = simulator.sim(&["send", "--port", "9", "--from", "x", "--text", "y"]);
    assert!(!no_port.status.success());
    assert!(String::from_utf8_lossy(&no_port.stderr).contains("no port 9"));
    let twice = simulator.sim(&["fault", "--port", "0", "replug"]);
    assert!(!twice.status.success());

    assert!(simulator.terminate().success());
    for index in 0..3 {
        assert!(
            std::fs::symlink_metadata(dir.path().join(format!("sim{index}"))).is_err(),
            "link sim{index} removed on exit"
        );
    }
}

#[test]
fn sim_without_a_simulator_says_what_it_could_not_reach() {
    let output = bounded({
        let mut command = Command::new(env!("CARGO_BIN_EXE_modempool"));
        command.args(["sim", "--control", "127.0.0.1:1", "list"]);
        command
    });
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("127.0.0.1:1"), "{stderr}");
}

/// gammu, configured as its manual says for an AT modem, against each personality.
#[test]
fn gammu_identifies_every_personality_and_reads_the_injected_sms() {
    if Command::new("gammu").arg("--version").output().is_err() {
        eprintln!(
            "SKIPPED gammu_identifies_every_personality_and_reads_the_injected_sms: gammu is not \
             installed (apt-get install gammu; .ci/run installs it)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let simulator = Simulator::start(&dir.path().join("links"), 6, "mixed");
    for (index, line) in simulator.ports.iter().enumerate() {
        let personality = field(line, "personality");
        let port = index.to_string();
        let text = format!("Your {personality} code is {}", 100_000 + index * 7);
        let sent = simulator.sim(&["send", "--port", &port, "--from", "Google", "--text", &text]);
        assert!(sent.status.success(), "{sent:?}");
        let sender = "+4915112345678";
        let second = "Grüße from modempool";
        let sent = simulator.sim(&["send", "--port", &port, "--from", sender, "--text", second]);
        assert!(sent.status.success(), "{sent:?}");

        let config = dir.path().join(format!("gammurc{index}"));
        let log = dir.path().join(format!("gammu{index}.log"));
        std::fs::write(
            &config,
            format!(
                "[gammu]\ndevice = {}\nconnection = at\nlogformat = textall\nlogfile = {}\n",
                dir.path()
                    .join("links")
                    .join(format!("sim{index}"))
                    .display(),
                log.display()
            ),
        )
        .unwrap();
        let gammu = |command: &str| {
            let mut gammu = Command::new("gammu");
            gammu.arg("-c").arg(&config).arg(command);
            let output = bounded(gammu);
            let transcript = std::fs::read_to_string(&log).unwrap_or_default();
            assert!(
                output.status.success(),
                "gammu {command} failed on {personality}: {}\n{}\n--- gammu log ---\n{transcript}",
                stdout(&output),
                String::from_utf8_lossy(&output.stderr),
            );
            stdout(&output)
        };
        let identity = gammu("identify");
        assert!(
            identity.contains(field(line, "imei")),
            "{personality}: IMEI not in\n{identity}"
        );
        let listing = gammu("getallsms");
        for expected in ["\"Google\"", &text, &format!("\"{sender}\""), second] {
            assert!(
                listing.contains(expected),
                "{personality}: `{expected}` not in\n{listing}"
            );
        }
    }
}
