//! The `modempool pdu` commands as a script sees them: the real binary, its JSON contract
//! (README.md), its exit status, and stdin input. Every run is bounded: a hung binary fails
//! the test instead of hanging CI.

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

/// Generous: a debug binary on a loaded two-core CI machine still answers in well under this.
const BOUND: Duration = Duration::from_secs(60);

/// Runs the binary with `args` and `stdin`, waiting at most `BOUND`.
fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_modempool"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut input = child.stdin.take().expect("stdin is piped");
    let stdin = stdin.to_owned();
    // Feed stdin from its own thread so a large input cannot deadlock against stdout.
    std::thread::spawn(move || {
        let _ = input.write_all(stdin.as_bytes());
    });
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    match finished.recv_timeout(BOUND) {
        Ok(output) => output.expect("the binary ran"),
        Err(_) => panic!("modempool {args:?} did not finish within {BOUND:?}"),
    }
}

fn json_lines(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect()
}

const DELIVER: &str =
    "07911326040000F0040B911346610089F60000208062917314480CC8F71D14969741F977FD07";
const STATUS_REPORT: &str = "0006040D91945152991136F00160124130340A0160124130940A00";
const WAP_PUSH: &str = "0791947122725014440185F039F501801140311480720605040B8423F00106246170706C69636174696F6E2F766E642E7761702E6D6D732D6D65737361676500AF84B4868C82984F67514B4B42008D9089088045726F74696B009650696E2D557073008A808E0240008805810303F48083687474703A2F2F657073332E64652F4F2F5A39495A4F00";

#[test]
fn json_deliver_is_exactly_the_documented_object() {
    let output = run(&["pdu", "decode", "--json", DELIVER], "");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        json_lines(&output),
        vec![json!({
            "kind": "deliver",
            "smsc": "+31624000000",
            "sender": "+31641600986",
            "sender_type": "international",
            "timestamp": "2002-08-26T19:37:41-01:00",
            "encoding": "gsm7",
            "dcs": 0,
            "text": "How are you?",
            "concat": null
        })]
    );
}

#[test]
fn json_status_report_submit_and_binary_data() {
    let submit = {
        let output = run(
            &["pdu", "encode", "submit", "--to", "+31641600986", "Привет"],
            "",
        );
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    };
    let output = run(
        &["pdu", "decode", "--json", STATUS_REPORT, &submit, WAP_PUSH],
        "",
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let lines = json_lines(&output);
    assert_eq!(
        lines[0],
        json!({
            "kind": "status_report",
            "smsc": null,
            "reference": 4,
            "recipient": "+4915259911630",
            "recipient_type": "international",
            "timestamp": "2010-06-21T14:03:43-05:00",
            "discharge_time": "2010-06-21T14:03:49-05:00",
            "status": 0
        })
    );
    assert_eq!(
        lines[1],
        json!({
            "kind": "submit",
            "reference": 0,
            "recipient": "+31641600986",
            "recipient_type": "international",
            "encoding": "ucs2",
            "dcs": 8,
            "text": "Привет",
            "concat": null
        })
    );
    assert_eq!(lines[2]["encoding"], "8bit");
    assert_eq!(lines[2]["text"], Value::Null);
    assert!(
        lines[2]["data_hex"]
            .as_str()
            .is_some_and(|data| data.starts_with("0106246170706c6963"))
    );
    assert_eq!(lines[2]["ports"], json!({"dst": 2948, "src": 9200}));
}

#[test]
fn invalid_input_gives_an_invalid_line_and_exit_status_1() {
    let output = run(&["pdu", "decode", "--json", DELIVER, "0003", "XYZ"], "");
    assert_eq!(output.status.code(), Some(1));
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["kind"], "deliver");
    for line in &lines[1..] {
        assert_eq!(line["kind"], "invalid");
        assert_eq!(
            line.as_object().map(|object| object.len()),
            Some(2),
            "{line}"
        );
        assert!(!line["error"].as_str().unwrap_or_default().is_empty());
    }
}

#[test]
fn stdin_keeps_input_order_and_skips_blank_lines() {
    let stdin = format!("\n{DELIVER}\r\n\n0003\n   \n{STATUS_REPORT}\n");
    let output = run(&["pdu", "decode", "--json", "-"], &stdin);
    assert_eq!(output.status.code(), Some(1));
    let kinds: Vec<Value> = json_lines(&output)
        .iter()
        .map(|line| line["kind"].clone())
        .collect();
    assert_eq!(
        kinds,
        vec![json!("deliver"), json!("invalid"), json!("status_report")]
    );
}

#[test]
fn a_bad_time_stamp_is_null_with_a_warning_not_an_invalid_message() {
    // The oFono deliver with its month octet made 0x31 (month 13).
    let bad_month = DELIVER.replace("2080629173144", "2031629173144");
    let output = run(&["pdu", "decode", "--json", &bad_month], "");
    assert_eq!(output.status.code(), Some(0));
    let line = &json_lines(&output)[0];
    assert_eq!(line["kind"], "deliver");
    assert_eq!(line["timestamp"], Value::Null);
    assert_eq!(line["text"], "How are you?");
    let warning = line["warnings"][0].as_str().unwrap_or_default();
    assert!(
        warning.contains("TP-SCTS") && warning.contains("month 13"),
        "{warning}"
    );
}

#[test]
fn encode_splits_long_text_and_decode_reads_every_part() {
    let text = "Your verification code is 482913. ".repeat(6);
    let output = run(
        &[
            "pdu",
            "encode",
            "deliver",
            "--from",
            "WhatsApp",
            "--reference",
            "7",
            &text,
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let pdus = String::from_utf8_lossy(&output.stdout).to_string();
    assert_eq!(pdus.lines().count(), 2);
    let decoded = run(&["pdu", "decode", "--json", "-"], &pdus);
    let lines = json_lines(&decoded);
    let joined: String = lines
        .iter()
        .filter_map(|line| line["text"].as_str())
        .collect();
    assert_eq!(joined, text);
    assert_eq!(lines[0]["sender"], "WhatsApp");
    assert_eq!(lines[1]["concat"], json!({"ref": 7, "total": 2, "seq": 2}));
}

#[test]
fn human_output_and_usage_errors() {
    let output = run(&["pdu", "decode", DELIVER], "");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("SMS-DELIVER") && text.contains("How are you?"),
        "{text}"
    );
    let output = run(&["pdu", "decode"], "");
    assert_eq!(
        output.status.code(),
        Some(2),
        "missing inputs is a usage error"
    );
    let output = run(
        &[
            "pdu",
            "encode",
            "deliver",
            "--from",
            "+31",
            "--language",
            "klingon",
            "x",
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown language"));
}
