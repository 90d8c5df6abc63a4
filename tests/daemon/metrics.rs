//! The Prometheus endpoint of the real binary: `modempool serve --simulate 2` with
//! `[metrics] listen` on port 0 prints the port it bound, shows both ports ready, and counts
//! an SMS delivered by the simulator, with its ingest latency; an address that cannot be
//! bound (here given by `--metrics`) stops `serve` with an error naming it.
//!
//! Scrapes are plain HTTP/1.1 on a `TcpStream`: what a Prometheus server sends, no client
//! library. Every wait is for a condition, polled, and bounded.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;

use crate::common::{BOUND, Served, bounded, stdout, until_blocking};

/// One sample of the text format: name, labels, value.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// `GET path` on `address`: the status code and the body.
fn get(address: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).expect("the metrics endpoint accepts");
    stream
        .set_read_timeout(Some(BOUND))
        .expect("a read timeout can be set");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nAccept: text/plain\r\nConnection: close\r\n\r\n"
    )
    .expect("the request is written");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("the response is read");
    let (head, body) = response
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no end of headers in {response:?}"));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"));
    (status, body.to_owned())
}

/// The samples of a scrape (comments skipped). Label values here hold no `"`, `,` or `\`.
fn samples(text: &str) -> Vec<Sample> {
    text.lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (series, value) = line
                .rsplit_once(' ')
                .unwrap_or_else(|| panic!("no value in {line:?}"));
            let value = value
                .parse()
                .unwrap_or_else(|_| panic!("bad value in {line:?}"));
            let (name, labels) = match series.split_once('{') {
                None => (series, BTreeMap::new()),
                Some((name, labels)) => {
                    let labels = labels
                        .trim_end_matches('}')
                        .split(',')
                        .filter(|pair| !pair.is_empty())
                        .map(|pair| {
                            let (key, value) = pair
                                .split_once('=')
                                .unwrap_or_else(|| panic!("bad label in {line:?}"));
                            (key.to_owned(), value.trim_matches('"').to_owned())
                        })
                        .collect();
                    (name, labels)
                }
            };
            Sample {
                name: name.to_owned(),
                labels,
                value,
            }
        })
        .collect()
}

/// The value of the series `name` whose labels include `labels`.
fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples
        .iter()
        .find(|sample| {
            sample.name == name
                && labels
                    .iter()
                    .all(|(key, value)| sample.labels.get(*key).map(String::as_str) == Some(value))
        })
        .map(|sample| sample.value)
}

/// Scrapes `/metrics` until `done` holds for the samples, at most `BOUND`; returns that
/// scrape's text.
fn scrape_until(address: &str, what: &str, done: impl Fn(&[Sample]) -> bool) -> String {
    until_blocking(&format!("saw {what}"), BOUND, || {
        let (status, body) = get(address, "/metrics");
        assert_eq!(status, 200, "{body}");
        if done(&samples(&body)) {
            Ok(body)
        } else {
            Err(format!("last scrape:\n{body}"))
        }
    })
}

fn serve(dir: &Path, config: &str) -> Served {
    Served::simulated(2, dir, Some(config), &[], &[])
}

#[test]
fn ports_sms_and_ingest_latency_are_scraped() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut served = serve(dir.path(), "[metrics]\nlisten = \"127.0.0.1:0\"\n");
    assert!(
        !served.metrics.is_empty(),
        "the daemon printed no metrics line"
    );
    assert!(
        !served.metrics.ends_with(":0"),
        "the metrics line shows port 0, not the port bound: {}",
        served.metrics
    );
    let address = served.metrics.clone();
    let links = dir.path().join("links");
    let port = |index: u32| format!("{}/sim{index}", links.display());
    let (sim0, sim1) = (port(0), port(1));

    // Ready, and polled once: the first health poll follows the drain.
    let text = scrape_until(&address, "both ports ready, their signal read", |samples| {
        [&sim0, &sim1].iter().all(|path| {
            value(
                samples,
                "modempool_port_up",
                &[("port", path), ("state", "ready")],
            ) == Some(1.0)
                && value(samples, "modempool_port_signal_rssi", &[("port", path)]).is_some()
        })
    });
    let scraped = samples(&text);
    // One state at a time.
    for path in [&sim0, &sim1] {
        let up: f64 = scraped
            .iter()
            .filter(|sample| {
                sample.name == "modempool_port_up" && sample.labels.get("port") == Some(path)
            })
            .map(|sample| sample.value)
            .sum();
        assert_eq!(up, 1.0, "{path} is in more than one state:\n{text}");
    }
    // Counters known in advance read 0 before their first event, with their help text.
    assert_eq!(
        value(&scraped, "modempool_allocations_created_total", &[]),
        Some(0.0),
        "{text}"
    );
    assert_eq!(
        value(
            &scraped,
            "modempool_allocations_released_total",
            &[("reason", "bad_number")]
        ),
        Some(0.0),
        "{text}"
    );
    assert_eq!(
        value(&scraped, "modempool_allocations", &[("state", "active")]),
        Some(0.0),
        "{text}"
    );
    assert!(
        value(&scraped, "modempool_store_batches_total", &[]).is_some(),
        "{text}"
    );
    for path in [&sim0, &sim1] {
        for name in [
            "modempool_sms_received_total",
            "modempool_command_timeouts_total",
        ] {
            assert_eq!(
                value(&scraped, name, &[("port", path)]),
                Some(0.0),
                "{text}"
            );
        }
        assert_eq!(
            value(
                &scraped,
                "modempool_modem_resets_total",
                &[("port", path), ("step", "power_cycle")]
            ),
            Some(0.0),
            "{text}"
        );
    }
    assert!(
        text.contains("# HELP modempool_sms_received_total SMS committed"),
        "{text}"
    );

    let sent = bounded({
        let mut command = Command::new(env!("CARGO_BIN_EXE_modempool"));
        command.args(["sim", "--control", &served.control]).args([
            "send", "--port", "0", "--from", "Google", "--text", "G-123456",
        ]);
        command
    });
    assert!(sent.status.success(), "{sent:?}");

    let text = scrape_until(&address, "the SMS counted", |samples| {
        value(samples, "modempool_sms_received_total", &[("port", &sim0)]) == Some(1.0)
            && value(samples, "modempool_ingest_latency_seconds_count", &[])
                .is_some_and(|count| count >= 1.0)
    });
    let scraped = samples(&text);
    assert_eq!(
        value(&scraped, "modempool_sms_received_total", &[("port", &sim1)]),
        Some(0.0),
        "{text}"
    );
    // A histogram with buckets (not a summary): the last bucket holds every commit.
    let count = value(&scraped, "modempool_ingest_latency_seconds_count", &[]);
    assert_eq!(
        value(
            &scraped,
            "modempool_ingest_latency_seconds_bucket",
            &[("le", "+Inf")]
        ),
        count,
        "{text}"
    );
    assert!(
        value(
            &scraped,
            "modempool_ingest_latency_seconds_bucket",
            &[("le", "10")]
        )
        .is_some(),
        "{text}"
    );

    let (status, _) = get(&address, "/");
    assert_eq!(status, 404);

    let status = served.terminate();
    assert!(status.success(), "{status:?}");
}

#[test]
fn an_address_in_use_stops_serve_and_is_named() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let address = taken.local_addr().expect("its address");
    let mut command = Command::new(env!("CARGO_BIN_EXE_modempool"));
    command
        .arg("serve")
        .args(["--metrics", &address.to_string()])
        .arg("--ports")
        .arg(dir.path().join("none*"))
        .arg("--db")
        .arg(dir.path().join("db"))
        .args(["--listen", "127.0.0.1:0", "--web-listen", "127.0.0.1:0"])
        .env("RUST_BACKTRACE", "0");
    let output = bounded(command);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{output:?}");
    assert!(
        stderr.contains(&format!("metrics.listen: cannot listen on {address}")),
        "{stderr}"
    );
    assert!(!stdout(&output).contains("ready"), "{output:?}");
    drop(taken);
}
