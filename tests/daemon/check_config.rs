//! `modempool check-config` as the real binary: the shipped example passes and its printed
//! configuration loads again to the same, mistakes are named with file, line, column and
//! key (exit 1), an unreadable file says so (exit 2), and no PIN is ever printed.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::{bounded, stdout};

/// The annotated example at the repository root.
const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/modempool.example.toml");

/// Runs `modempool check-config ARGS...`.
fn check_config(args: &[&std::ffi::OsStr]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_modempool"));
    command
        .arg("check-config")
        .args(args)
        // The database path is derived from it when the file names none: keep it fixed.
        .env_remove("STATE_DIRECTORY");
    bounded(command)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn check_file(path: &Path) -> Output {
    check_config(&[path.as_os_str()])
}

#[test]
fn the_example_passes_and_its_effective_configuration_round_trips() {
    let output = check_file(Path::new(EXAMPLE));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));
    let printed = stdout(&output);
    for expected in [
        "\nrack = ",
        "\ndatabase = \"./modempool.db\"",
        "\nlisten = \"127.0.0.1:50051\"",
        "[ports]",
        "baud = 115200",
        "[timeouts]",
        "scan_ms = 180000",
        "[health]",
        "[recovery]",
        "backoff_max_secs = 300",
        "[pool]",
        "default_lease_secs = 1200",
        "# recovery.power_cycle_command: ",
        "# api.tls: ",
    ] {
        assert!(
            printed.contains(expected),
            "{expected:?} missing:\n{printed}"
        );
    }

    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("effective.toml");
    std::fs::write(&dump, &printed).unwrap();
    let again = check_file(&dump);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(stdout(&again), printed);
}

#[test]
fn json_for_scripts() {
    let output = check_config(&["--json".as_ref(), EXAMPLE.as_ref()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["database"], "./modempool.db");
    assert_eq!(json["listen"], "127.0.0.1:50051");
    assert_eq!(json["ports"]["globs"][0], "/dev/modempool/*");
    assert_eq!(json["pool"]["max_lease_secs"], 2_592_000);
    assert!(json["rack"].is_string(), "{json}");
    assert!(json["api"]["tls"].is_null(), "{json}");
}

#[test]
fn pins_are_masked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("modempool.toml");
    std::fs::write(
        &path,
        "[pins]\n\"89490200001234567890\" = \"2468\"\n\"89490200001234567891\" = \"13572468\"\n",
    )
    .unwrap();
    for json in [false, true] {
        let mut args = vec![path.as_os_str()];
        if json {
            args.insert(0, "--json".as_ref());
        }
        let output = check_config(&args);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let printed = stdout(&output);
        assert!(!printed.contains("2468"), "{printed}");
        assert_eq!(printed.matches("\"****\"").count(), 2, "{printed}");
    }
}

#[test]
fn mistakes_are_named_with_file_line_column_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    let file = path.display().to_string();

    // An unknown key stops the parse: it is the one problem reported.
    std::fs::write(
        &path,
        "rack = \"r1\"\n\n[ports]\nbaud = 115200\nglobz = [\"/dev/x\"]\n",
    )
    .unwrap();
    let output = check_file(&path);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stdout(&output).is_empty());
    let message = stderr(&output);
    assert!(
        message.starts_with(&format!("{file}:5:1: ports.globz: unknown field `globz`")),
        "{message}"
    );

    // Bad values: every one is listed, one per line, in the file's order of checks.
    std::fs::write(
        &path,
        "[ports]\nbaud = 12345\n\n[health]\npoll_interval_secs = 0\n",
    )
    .unwrap();
    let output = check_file(&path);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stdout(&output).is_empty());
    let message = stderr(&output);
    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(lines.len(), 2, "{message}");
    assert!(
        lines[0].starts_with(&format!(
            "{file}:2:1: ports.baud: 12345 is not a standard baud rate"
        )),
        "{message}"
    );
    assert!(
        lines[1].starts_with(&format!(
            "{file}:5:1: health.poll_interval_secs: 0 is not between 1 and 86400 s"
        )),
        "{message}"
    );

    // A value of the wrong type names its key and column.
    std::fs::write(&path, "[ports]\nbaud = \"fast\"\n").unwrap();
    let output = check_file(&path);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).starts_with(&format!("{file}:2:8: ports.baud: invalid type")),
        "{}",
        stderr(&output)
    );

    // A bad PIN is named by its ICCID; the PIN itself is not echoed.
    std::fs::write(&path, "[pins]\n\"89490200001234567890\" = \"97a\"\n").unwrap();
    let output = check_file(&path);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.starts_with(&format!(
            "{file}:2:1: pins.\"89490200001234567890\": a PIN is 4 to 8 digits"
        )),
        "{message}"
    );
    assert!(!message.contains("97a"), "{message}");
}

#[test]
fn a_missing_file_is_named_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nowhere.toml");
    let output = check_file(&path);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stdout(&output).is_empty());
    let message = stderr(&output);
    assert!(
        message.starts_with(&format!("cannot read config file {}: ", path.display())),
        "{message}"
    );
    assert!(message.contains("No such file or directory"), "{message}");
    assert!(!message.contains("panicked"), "{message}");
}
