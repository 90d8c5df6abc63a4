//! `modempool serve` as the real binary: a daemon killed with SIGKILL in the middle of a
//! burst loses nothing and doubles nothing when it starts again, SIGTERM stops it cleanly,
//! and bad configuration files are refused with the key and what is wrong.
//!
//! The simulator runs as its own process (`modempool simulate`) so that killing the daemon
//! does not take the modems' storage with it, as on a real rack.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::{BOUND, Simulator, bounded, field, stdout, until_blocking};

/// A `modempool serve` child.
struct Daemon {
    child: Child,
}

impl Daemon {
    fn start(links: &Path, db: &Path) -> Daemon {
        let child = Command::new(env!("CARGO_BIN_EXE_modempool"))
            .arg("serve")
            .arg("--ports")
            .arg(format!("{}/sim*", links.display()))
            .arg("--db")
            .arg(db)
            .args(["--listen", "127.0.0.1:0", "--web-listen", "127.0.0.1:0"])
            .env("RUST_LOG", "modempool=warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the daemon starts");
        Daemon { child }
    }

    fn signal(&self, signal: &str) {
        let _ = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status();
    }

    fn wait(&mut self) -> std::process::ExitStatus {
        until_blocking("the daemon stops", BOUND, || {
            self.child.try_wait().expect("wait works")
        })
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Message texts in the database by text, with how many times each is there. Read-only,
/// beside the running daemon (WAL lets readers in).
fn texts(db: &Path) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    let Ok(connection) =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return counts;
    };
    let _ = connection.busy_timeout(Duration::from_secs(5));
    let Ok(mut statement) = connection.prepare("SELECT text FROM messages") else {
        return counts;
    };
    let Ok(rows) = statement.query_map([], |row| row.get::<_, Option<String>>(0)) else {
        return counts;
    };
    for text in rows.flatten() {
        *counts.entry(text.unwrap_or_default()).or_insert(0) += 1;
    }
    counts
}

/// The bound of the waits for the burst: 160 SMS through a debug build on two cores.
const BURST_BOUND: Duration = Duration::from_secs(180);

#[test]
fn sigkill_in_the_middle_of_a_burst_loses_nothing_and_doubles_nothing() {
    stop_in_the_middle_of_a_burst("-KILL");
}

/// A graceful stop: the daemon finishes the commands and commits in flight, exits 0, and
/// leaves no SMS half-handled (read but not stored, stored but not deleted and then
/// stored twice).
#[test]
fn sigterm_in_the_middle_of_a_burst_exits_cleanly_and_leaves_nothing_half_handled() {
    stop_in_the_middle_of_a_burst("-TERM");
}

/// Sends 120 SMS over 4 ports, stops the daemon with `signal` a third of the way in,
/// starts it again, and checks every SMS is stored exactly once and gone from the modems.
fn stop_in_the_middle_of_a_burst(signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    let links = dir.path().join("links");
    let db = dir.path().join("modempool.db");
    let simulator = Simulator::start(&links, 4, "mixed");
    let mut daemon = Daemon::start(&links, &db);

    let mut sent = Vec::new();
    for round in 0..30 {
        for port in 0..4 {
            let text = format!("code {round:02}-{port} for the test");
            let output = simulator.sim(&[
                "send",
                "--port",
                &port.to_string(),
                "--from",
                "Google",
                "--text",
                &text,
            ]);
            assert!(output.status.success(), "{output:?}");
            sent.push(text);
        }
        if round == 10 {
            // Kill as soon as some are in: the rest are on the modems, in flight between
            // +CMGR and +CMGD, or not yet announced.
            until_blocking("some messages stored", BURST_BOUND, || {
                !texts(&db).is_empty()
            });
            daemon.signal(signal);
            let status = daemon.wait();
            if signal == "-TERM" {
                assert!(status.success(), "SIGTERM mid-burst: {status}");
            }
            daemon = Daemon::start(&links, &db);
        }
    }
    until_blocking("every SMS stored", BURST_BOUND, || {
        let stored = texts(&db);
        sent.iter().all(|text| stored.contains_key(text))
    });
    simulator.list_until(|lines| lines.iter().all(|line| field(line, "stored") == "0"));
    let stored = texts(&db);
    for text in &sent {
        assert_eq!(stored.get(text), Some(&1), "{text}");
    }
    assert_eq!(stored.len(), sent.len(), "{stored:?}");

    daemon.signal("-TERM");
    assert!(daemon.wait().success(), "SIGTERM stops the daemon cleanly");
}

#[test]
fn bad_configuration_files_are_refused_with_the_key_and_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("[ports]\nbaud = 12345\n", "ports.baud"),
        ("[ports]\nglobz = [\"/dev/x\"]\n", "globz"),
        ("[pins]\n\"8949x\" = \"1234\"\n", "8949x"),
        (
            "[health]\npoll_interval_secs = 0\n",
            "health.poll_interval_secs",
        ),
        ("listen = \"nowhere\"\n", "listen"),
        (
            "[[port]]\npath = \"/dev/x\"\npersonality = \"nokia\"\n",
            "nokia",
        ),
    ];
    for (index, (text, key)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("bad{index}.toml"));
        std::fs::write(&path, text).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_modempool"));
        command.arg("serve").arg("--config").arg(&path);
        let output = bounded(command);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{text} was accepted");
        assert!(
            stderr.contains(key),
            "`{key}` not named for {text:?}: {stderr}"
        );
        assert!(
            stderr.contains(&format!("bad{index}.toml")),
            "file not named: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(stdout(&output).is_empty());
    }
    let mut command = Command::new(env!("CARGO_BIN_EXE_modempool"));
    command.args(["serve", "--config", "/nonexistent/modempool.toml"]);
    let output = bounded(command);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("/nonexistent/modempool.toml"));
}
