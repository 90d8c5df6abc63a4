//! `modempool simulate` and `modempool sim` as a technician or a script uses them: the real
//! binary, its start-up lines, its control endpoint, its links, and gammu (an independent AT
//! client) identifying the simulated modems and reading the SMS injected into them.
//!
//! Every wait is bounded; the gammu test says so when it skips because gammu is missing (and
//! fails for it under `CI=true`).

use crate::common::{Simulator, bounded, field, skip_or_fail, stdout};
use std::path::PathBuf;
use std::process::Command;

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
        skip_or_fail(
            "gammu_identifies_every_personality_and_reads_the_injected_sms: gammu is not \
             installed (apt-get install gammu; .ci/run installs it)",
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
