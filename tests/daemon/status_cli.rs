//! `modempool status` against a daemon running on the simulator: the table (plain when
//! piped), `--json`, and an exit status that says whether every port is healthy.

use std::process::Command;

use crate::common;
use crate::common::{BOUND, Served, bounded, stdout, until_blocking};

fn status(server: &str, json: bool) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_modempool"));
    command.args(["status", "--server", server]);
    if json {
        command.arg("--json");
    }
    command.env_remove("MODEMPOOL_TOKEN");
    bounded(command)
}

fn snapshot(server: &str) -> serde_json::Value {
    let output = status(server, true);
    serde_json::from_str(&stdout(&output)).expect("status --json prints JSON")
}

#[test]
fn status_shows_every_port_and_says_whether_all_are_healthy() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let served = Served::simulated(2, dir.path(), None, &[], &[]);
    // Ready, and the first health poll done (signal known) on every port.
    let settled = |json: &serde_json::Value| {
        json["healthy"] == true
            && json["ports"]
                .as_array()
                .is_some_and(|ports| ports.iter().all(|port| port["signal_bars"].is_u64()))
    };
    until_blocking("the ports ready", BOUND, || {
        settled(&snapshot(&served.grpc))
    });
    let json = snapshot(&served.grpc);
    let ports = json["ports"].as_array().expect("ports");
    assert_eq!(ports.len(), 2);
    for (port, line) in ports.iter().zip(&served.ports) {
        assert_eq!(port["iccid"], common::field(line, "iccid"));
        assert_eq!(port["imei"], common::field(line, "imei"));
        assert_eq!(port["number"], common::field(line, "msisdn"));
        assert_eq!(port["state"], "ready");
        assert!(port["signal_bars"].as_u64().is_some(), "{port}");
    }

    let table = status(&served.grpc, false);
    assert_eq!(table.status.code(), Some(0));
    let text = stdout(&table);
    assert!(!text.contains('\x1b'), "no colours when piped:\n{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("SLOT") && lines[0].contains("SMS TODAY"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("sim0") && lines[2].starts_with("sim1"),
        "{text}"
    );
    assert_eq!(lines.last().copied(), Some("2/2 ports ready, 0 allocated"));

    // One modem stops answering: status says so and exits 1.
    let simulator = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_modempool"));
        command
            .args(["sim", "--control", &served.control])
            .args(args);
        bounded(command)
    };
    assert!(
        simulator(&["fault", "--port", "1", "unplug"])
            .status
            .success()
    );
    let output = until_blocking("status notices the unplug", BOUND, || {
        let output = status(&served.grpc, false);
        (output.status.code() == Some(1)).then_some(output)
    });
    assert!(
        stdout(&output).contains("1/2 ports ready"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn status_exits_2_when_the_daemon_cannot_be_asked() {
    let output = status("127.0.0.1:1", false);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot reach the daemon at 127.0.0.1:1"),
        "{stderr}"
    );
}
