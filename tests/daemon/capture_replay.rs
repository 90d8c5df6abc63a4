//! The one transcript format end to end with the real binary: `serve --capture` writes each
//! port's dialogue, `at explain` reads it, and `serve --simulate --replay` plays it back to a
//! daemon that must reach ready on it.

use std::path::Path;
use std::process::Command;

use crate::common::{BOUND, Served, bounded, stdout, until_blocking};

/// Whether `modempool status` says every port is ready (exit 0).
fn all_ready(server: &str) -> bool {
    let mut command = Command::new(env!("CARGO_BIN_EXE_modempool"));
    command.args(["status", "--server", server]);
    command.env_remove("MODEMPOOL_TOKEN");
    bounded(command).status.success()
}

fn explain(path: &Path) -> Vec<serde_json::Value> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_modempool"));
    command.args(["at", "explain", "--json"]).arg(path);
    let output = bounded(command);
    assert!(output.status.success(), "{output:?}");
    stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is one JSON object"))
        .collect()
}

/// A Huawei port's capture shows its dialogue as the daemon saw it (every command, its echo
/// or response and final result, `^RSSI` typed as a URC); replayed to a daemon with a generic
/// base, it brings the port to ready again.
#[test]
fn a_capture_is_explained_and_replayed_to_ready() {
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("capture");
    let capture_arg = capture.to_string_lossy().into_owned();
    let mut served = Served::simulated(
        1,
        dir.path(),
        None,
        &["--personality", "huawei-e3372", "--capture", &capture_arg],
        &[],
    );
    until_blocking("the port ready", BOUND, || all_ready(&served.grpc));
    let file = capture.join("sim0.jsonl");
    until_blocking("the storage listed in the capture", BOUND, || {
        std::fs::read_to_string(&file).is_ok_and(|text| text.contains("AT+CMGL=4"))
    });
    assert!(served.terminate().success());

    let explained = explain(&file);
    let kinds: std::collections::BTreeSet<&str> = explained
        .iter()
        .map(|line| line["kind"].as_str().unwrap())
        .collect();
    for kind in ["response", "final"] {
        assert!(kinds.contains(kind), "no {kind} line in {kinds:?}");
    }
    let cgsn = explained
        .iter()
        .find(|line| line["command"] == "AT+CGSN" && line["kind"] == "response")
        .expect("the IMEI query's answer is explained");
    assert!(
        cgsn["text"]
            .as_str()
            .unwrap()
            .chars()
            .any(|c| c.is_ascii_digit())
    );
    let noise: Vec<&serde_json::Value> = explained
        .iter()
        .filter(|line| line["kind"] == "noise")
        .collect();
    assert!(
        noise.is_empty(),
        "lines the daemon did not understand: {noise:?}"
    );

    let replay_dir = tempfile::tempdir().unwrap();
    let file_arg = file.to_string_lossy().into_owned();
    let mut replayed = Served::simulated(
        1,
        replay_dir.path(),
        None,
        &["--personality", "generic", "--replay", &file_arg],
        &[],
    );
    until_blocking("the replayed port ready", BOUND, || {
        all_ready(&replayed.grpc)
    });
    assert!(replayed.terminate().success());
}
