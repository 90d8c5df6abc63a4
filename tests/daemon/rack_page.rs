//! The rack page's HTTP side end to end: the real daemon (`modempool serve --simulate N`)
//! with simulated modems, asked over a real socket.
//!
//! What it proves: the snapshot lists every simulated port with its identity; the event
//! stream sends the rack at once and again when a modem is unplugged, without asking;
//! with tokens configured, the data needs an admin token (401 without, 403 for a pool
//! token, 200 by header or by the cookie `POST /login` sets), while the page itself loads.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Instant;

use crate::common::{BOUND, Served, bounded, field, http, until_blocking};

/// An answer as (status, its header lines, body).
fn parts(answer: http::Answer) -> (u16, String, String) {
    let head = answer
        .headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}\n"))
        .collect();
    (answer.status, head, answer.text())
}

/// `GET path` with extra header lines (`Name: value\r\n` each).
fn get(address: &str, path: &str, headers: &str) -> (u16, String, String) {
    let headers: Vec<(&str, &str)> = headers
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim(), value.trim()))
        .collect();
    parts(http::request(address, "GET", path, &headers, b""))
}

fn rack(address: &str) -> serde_json::Value {
    let (status, _, body) = get(address, "/api/rack", "");
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("the snapshot is JSON")
}

/// The slot of the simulated port `simK`.
fn slot<'a>(rack: &'a serde_json::Value, label: &str) -> Option<&'a serde_json::Value> {
    rack["slots"]
        .as_array()?
        .iter()
        .find(|slot| slot["label"] == label)
}

/// Whether every one of `ports` simulated ports is in the snapshot and ready.
fn all_ready(rack: &serde_json::Value, ports: usize) -> bool {
    rack["slots"].as_array().is_some_and(|slots| {
        slots.len() == ports && slots.iter().all(|slot| slot["state"] == "ready")
    })
}

/// A server-sent event stream, read line by line.
struct Events {
    lines: BufReader<TcpStream>,
}

impl Events {
    fn open(address: &str) -> Events {
        let mut stream = TcpStream::connect(address).expect("the page's server accepts");
        stream
            .set_read_timeout(Some(BOUND))
            .expect("a read timeout can be set");
        write!(
            stream,
            "GET /api/rack/events HTTP/1.0\r\nHost: {address}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .expect("the request is written");
        let mut lines = BufReader::new(stream);
        let mut head = String::new();
        loop {
            let mut line = String::new();
            lines.read_line(&mut line).expect("the head is read");
            if line == "\r\n" || line.is_empty() {
                break;
            }
            head.push_str(&line);
        }
        assert!(
            head.starts_with("HTTP/1.0 200") || head.starts_with("HTTP/1.1 200"),
            "{head}"
        );
        assert!(
            head.to_ascii_lowercase()
                .contains("content-type: text/event-stream"),
            "{head}"
        );
        Events { lines }
    }

    /// The next `rack` event's snapshot (keep-alive comments skipped); each read is bounded
    /// by the socket's timeout.
    fn next_rack(&mut self) -> serde_json::Value {
        let mut event = String::new();
        loop {
            let mut line = String::new();
            let read = self.lines.read_line(&mut line).expect("an event in time");
            assert!(read > 0, "the stream ended");
            let line = line.trim_end_matches(['\r', '\n']);
            if let Some(name) = line.strip_prefix("event:") {
                event = name.trim().to_owned();
            } else if let Some(data) = line.strip_prefix("data:")
                && event == "rack"
            {
                return serde_json::from_str(data.trim()).expect("the event's data is JSON");
            }
        }
    }

    /// Rack events until `done` holds for one, at most `BOUND`.
    fn until(
        &mut self,
        what: &str,
        done: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let deadline = Instant::now() + BOUND;
        loop {
            let rack = self.next_rack();
            if done(&rack) {
                return rack;
            }
            assert!(Instant::now() < deadline, "never saw {what}; last: {rack}");
        }
    }
}

#[test]
fn the_snapshot_lists_every_port_and_the_stream_follows_an_unplug() {
    const PORTS: usize = 4;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let served = Served::simulated(PORTS as u32, dir.path(), None, &[], &[]);
    assert!(!served.web.is_empty(), "the daemon printed no web line");
    assert!(!served.web.ends_with(":0"), "{}", served.web);
    let address = served.web.clone();

    // The page itself.
    let (status, head, body) = get(&address, "/", "");
    assert_eq!(status, 200);
    assert!(head.to_ascii_lowercase().contains("text/html"), "{head}");
    assert!(body.contains("/app.js"), "{body}");

    // Every simulated port, each with the identity the simulator gave it.
    let snapshot = until_blocking("the ports ready", BOUND, || {
        let snapshot = rack(&address);
        if all_ready(&snapshot, PORTS) {
            Ok(snapshot)
        } else {
            Err(snapshot)
        }
    });
    for (index, line) in served.ports.iter().enumerate() {
        let label = format!("sim{index}");
        let slot = slot(&snapshot, &label).unwrap_or_else(|| panic!("no {label}: {snapshot}"));
        assert_eq!(slot["slot"], index + 1, "{slot}");
        assert_eq!(slot["imei"], field(line, "imei"), "{slot}");
        assert_eq!(slot["iccid"], field(line, "iccid"), "{slot}");
    }

    // A slot's detail, by label.
    let (status, _, body) = get(&address, "/api/slots/sim2", "");
    assert_eq!(status, 200, "{body}");
    let detail: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(detail["slot"]["imei"], field(&served.ports[2], "imei"));
    assert!(
        detail["events"]
            .as_array()
            .is_some_and(|events| !events.is_empty())
    );
    let (status, _, body) = get(&address, "/api/slots/sim99", "");
    assert_eq!(status, 404);
    assert!(body.contains("no slot 'sim99'"), "{body}");

    // The stream: the rack at once, then the unplug without asking.
    let mut events = Events::open(&address);
    events.until("every port ready", |rack| all_ready(rack, PORTS));
    let mut command = Command::new(env!("CARGO_BIN_EXE_modempool"));
    command
        .args(["sim", "--control", &served.control])
        .args(["fault", "--port", "1", "unplug"]);
    assert!(bounded(command).status.success());
    let after = events.until("sim1 leaving ready", |rack| {
        slot(rack, "sim1").is_some_and(|slot| slot["state"] != "ready")
    });
    assert_eq!(
        slot(&after, "sim0").map(|slot| &slot["state"]),
        Some(&serde_json::json!("ready")),
        "the other ports never notice"
    );
}

#[test]
fn with_tokens_the_data_needs_an_admin_token_by_header_or_cookie() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let hash = modempool::api::grpc::auth::hash_token;
    let config = format!(
        "[api]\ntokens = [\n  {{ name = \"backend\", sha256 = \"{}\" }},\n  \
         {{ name = \"ops\", sha256 = \"{}\", admin = true }},\n]\n",
        hash("backend-token"),
        hash("ops-token"),
    );
    let served = Served::simulated(1, dir.path(), Some(&config), &[], &[]);
    let address = served.web.clone();

    // The page (its sign-in form) loads for anyone; the data does not.
    assert_eq!(get(&address, "/", "").0, 200);
    for path in ["/api/rack", "/api/rack/events", "/api/slots/1"] {
        let (status, head, body) = get(&address, path, "");
        assert_eq!(status, 401, "{path}: {body}");
        assert!(
            head.to_ascii_lowercase().contains("application/json"),
            "{head}"
        );
        assert!(body.contains("\"error\""), "{body}");
        let (status, _, body) = get(&address, path, "Authorization: Bearer backend-token\r\n");
        assert_eq!(status, 403, "{path}: {body}");
        assert!(body.contains("not an admin token"), "{body}");
        let (status, _, _) = get(&address, path, "Authorization: Bearer wrong\r\n");
        assert_eq!(status, 401, "{path}");
    }
    let (status, _, body) = get(&address, "/api/rack", "Authorization: Bearer ops-token\r\n");
    assert_eq!(status, 200, "{body}");

    let login = |token: &str| {
        parts(http::request(
            &address,
            "POST",
            "/login",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            format!("token={token}").as_bytes(),
        ))
    };
    assert_eq!(login("wrong").0, 401);
    assert_eq!(login("backend-token").0, 403);
    let (status, head, _) = login("ops-token");
    assert_eq!(status, 303, "{head}");
    let set_cookie = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("set-cookie")
                .then(|| value.trim())
        })
        .unwrap_or_else(|| panic!("no cookie set: {head}"));
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"),
        "{set_cookie}"
    );
    let cookie = set_cookie.split(';').next().expect("a name=value");
    let (status, _, body) = get(&address, "/api/rack", &format!("Cookie: {cookie}\r\n"));
    assert_eq!(status, 200, "{body}");
    let rack: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert!(rack["slots"].is_array(), "{rack}");
}
