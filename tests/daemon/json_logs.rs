//! `--log-format json`: one JSON object per line on stderr, and the lines of a port task
//! carry its slot and, once probed, its SIM's ICCID.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn json_log_lines_of_a_port_name_its_slot_and_iccid() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut child = Command::new(env!("CARGO_BIN_EXE_modempool"))
        .args(["--log-format", "json", "serve", "--simulate", "1"])
        .args(["--listen", "127.0.0.1:0", "--control", "127.0.0.1:0"])
        .args(["--web-listen", "127.0.0.1:0"])
        .arg("--db")
        .arg(dir.path().join("db.sqlite"))
        .arg("--link-dir")
        .arg(dir.path().join("links"))
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the daemon starts");
    let stderr = child.stderr.take().expect("stderr is piped");
    let (send, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let found = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = lines.recv_timeout(left).expect("a log line in time");
        let value: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|error| panic!("{error}: {line}"));
        let span = &value["span"];
        if span["slot"] == "sim0" && span["iccid"].is_string() {
            break value;
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    assert!(found["level"].is_string() && found["fields"]["message"].is_string());
    assert!(
        found["span"]["iccid"]
            .as_str()
            .is_some_and(|iccid| iccid.len() >= 18),
        "{found}"
    );
}
