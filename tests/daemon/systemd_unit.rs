//! The systemd side of the daemon: the unit passes `systemd-analyze verify` and keeps a low
//! `systemd-analyze security` exposure (both skipped, visibly, without systemd-analyze, and
//! failed for it under `CI=true`),
//! and the daemon speaks the notify protocol: `READY=1` only after its gRPC address is
//! bound, `WATCHDOG=1` while it runs, a `STATUS=` summary, `STOPPING=1` on SIGTERM, then
//! exit 0.

use std::ffi::OsStr;
use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::common;
use crate::common::{BOUND, Served, skip_or_fail, until_blocking};

const UNIT: &str = include_str!("../../systemd/modempool.service");

/// The unit with ExecStart pointing at the binary under test (verify checks it exists).
fn unit_for_test(dir: &Path) -> std::path::PathBuf {
    let unit = UNIT.replace("/usr/bin/modempool", env!("CARGO_BIN_EXE_modempool"));
    let path = dir.join("modempool.service");
    std::fs::write(&path, unit).expect("the unit is written");
    path
}

#[test]
fn the_unit_says_what_the_daemon_needs() {
    for line in [
        "Type=notify",
        "WatchdogSec=",
        "Restart=on-failure",
        "StateDirectory=modempool",
        "ConfigurationDirectory=modempool",
        "SupplementaryGroups=dialout",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "DevicePolicy=closed",
        "DeviceAllow=char-ttyUSB rw",
        "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
    ] {
        assert!(
            UNIT.lines().any(|unit_line| unit_line.starts_with(line)),
            "the unit lacks {line}"
        );
    }
}

#[test]
fn systemd_analyze_verifies_the_unit_and_rates_it_well() {
    if Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_err()
    {
        skip_or_fail("systemd-analyze is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary directory");
    let unit = unit_for_test(dir.path());
    let verify = common::bounded({
        let mut command = Command::new("systemd-analyze");
        command.arg("verify").arg(&unit);
        command
    });
    let stderr = String::from_utf8_lossy(&verify.stderr);
    assert!(verify.status.success(), "verify failed: {stderr}");
    assert!(
        !stderr.contains("modempool.service"),
        "verify warned about the unit: {stderr}"
    );
    let security = common::bounded({
        let mut command = Command::new("systemd-analyze");
        command
            .args(["security", "--offline=true", "--no-pager"])
            .arg(&unit);
        command
    });
    let report = String::from_utf8_lossy(&security.stdout);
    let exposure: f64 = report
        .lines()
        .find_map(|line| line.split("modempool.service: ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|level| level.parse().ok())
        .unwrap_or_else(|| panic!("no exposure level in:\n{report}"));
    assert!(exposure <= 2.0, "exposure {exposure}:\n{report}");
}

/// Reads datagrams until one contains `wanted`, at most `BOUND`; returns all read.
fn until_notified(socket: &UnixDatagram, wanted: &str, seen: &mut Vec<String>) {
    let mut buffer = [0u8; 4096];
    until_blocking(&format!("{wanted} notified"), BOUND, || {
        let found = |seen: &[String]| seen.iter().any(|message| message.contains(wanted));
        if !found(seen)
            && let Ok(length) = socket.recv(&mut buffer)
        {
            seen.push(String::from_utf8_lossy(&buffer[..length]).into_owned());
        }
        if found(seen) {
            Ok(())
        } else {
            Err(format!("no {wanted} among {seen:?}"))
        }
    });
}

#[test]
fn the_daemon_notifies_ready_watchdog_status_and_stopping() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let socket_path = dir.path().join("notify.sock");
    let socket = UnixDatagram::bind(&socket_path).expect("a notify socket");
    socket
        .set_read_timeout(Some(Duration::from_millis(200)))
        .expect("a read timeout");
    let mut served = Served::simulated(
        2,
        dir.path(),
        None,
        &[],
        &[
            ("NOTIFY_SOCKET", socket_path.as_os_str()),
            // Every second: the test sees it without waiting long.
            ("WATCHDOG_USEC", OsStr::new("2000000")),
        ],
    );
    // `ready` was printed after the gRPC address was bound; READY=1 follows it.
    let mut seen = Vec::new();
    until_notified(&socket, "READY=1", &mut seen);
    let ready = seen
        .iter()
        .find(|m| m.contains("READY=1"))
        .cloned()
        .unwrap_or_default();
    assert!(ready.contains("STATUS="), "{ready}");
    until_notified(&socket, "WATCHDOG=1", &mut seen);
    until_notified(&socket, "2/2 ports ready", &mut seen);
    let status = served.terminate();
    until_notified(&socket, "STOPPING=1", &mut seen);
    assert!(status.success(), "exit {status}");
}
