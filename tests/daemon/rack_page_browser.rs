//! The rack page in a real browser: headless Chromium, driven over WebDriver (chromedriver
//! and the fantoccini client), loads the page of `modempool serve --simulate 8`.
//!
//! What it proves: every slot is shown with its state; a modem unplugged and a SIM
//! removed change their slots' states in the page already loaded (no reload: a marker set
//! in the page survives); a slot opens to its identity (IMEI, ICCID) and its messages. It
//! writes a screenshot to `target/rack-page.png`, and with `MODEMPOOL_UPDATE_SCREENSHOT=1`
//! to `docs/rack-page.png`, the one in README.md.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them); without them
//! it says `SKIPPED: ...` on stderr and passes (under `CI=true` it fails instead).

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::common::{BOUND, Served, bounded, field, skip_or_fail, until};
use modempool::proto::v1 as pb;

const PORTS: u32 = 8;
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A chromedriver child on a free port, killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    async fn start() -> Driver {
        // A free port: bound by the system, then let go for chromedriver to take.
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        until("chromedriver answers /status", BOUND, async || {
            driver.answers()
        })
        .await;
        driver
    }

    /// Whether `GET /status` says ready.
    fn answers(&self) -> bool {
        use std::io::Read;
        let address = self.url.trim_start_matches("http://");
        let Ok(mut stream) = std::net::TcpStream::connect(address) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        if write!(
            stream,
            "GET /status HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
        )
        .is_err()
        {
            return false;
        }
        // Read until the answer says whether it is ready (or the connection ends).
        let mut response = Vec::new();
        let mut chunk = [0; 4096];
        while let Ok(read @ 1..) = stream.read(&mut chunk) {
            response.extend_from_slice(&chunk[..read]);
            if response.ends_with(b"}") {
                break;
            }
        }
        let response = String::from_utf8_lossy(&response);
        response.contains("\"ready\":true") || response.contains("\"ready\": true")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn browser(driver: &Driver, profile: &Path) -> Client {
    let capabilities = json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--window-size=1440,960",
                format!("--user-data-dir={}", profile.display()),
            ],
        }
    });
    let Value::Object(capabilities) = capabilities else {
        unreachable!("a JSON object")
    };
    tokio::time::timeout(
        BOUND,
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url),
    )
    .await
    .expect("a browser session in time")
    .expect("a browser session")
}

/// The slots the page shows: path → state, in page order.
async fn slots(client: &Client) -> Vec<(String, String)> {
    let value = client
        .execute(
            "return [...document.querySelectorAll('#grid [data-slot]')]\
             .map((node) => [node.dataset.slot, node.dataset.state]);",
            vec![],
        )
        .await
        .expect("the script runs");
    serde_json::from_value(value).expect("pairs of strings")
}

/// Polls the page until `done` holds for its slots, at most `BOUND`.
async fn until_slots(
    client: &Client,
    what: &str,
    done: impl Fn(&[(String, String)]) -> bool,
) -> Vec<(String, String)> {
    until(&format!("saw {what}"), BOUND, async || {
        let shown = slots(client).await;
        if done(&shown) {
            Ok(shown)
        } else {
            Err(format!("the page shows {shown:?}"))
        }
    })
    .await
}

/// Polls a script's answer until `done` holds, at most `BOUND`.
async fn until_script(
    client: &Client,
    what: &str,
    script: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    until(&format!("saw {what}"), BOUND, async || {
        let value = client
            .execute(script, vec![])
            .await
            .expect("the script runs");
        if done(&value) { Ok(value) } else { Err(value) }
    })
    .await
}

fn state_of<'a>(slots: &'a [(String, String)], path: &str) -> Option<&'a str> {
    slots
        .iter()
        .find(|(slot, _)| slot == path)
        .map(|(_, state)| state.as_str())
}

fn sim(served: &Served, args: &[&str]) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_modempool"));
    command
        .args(["sim", "--control", &served.control])
        .args(args);
    let output = bounded(command);
    assert!(output.status.success(), "sim {args:?}: {output:?}");
}

/// Rents a number over gRPC (retried until the SIMs are rentable), so that a slot shows an
/// allocation; its number.
async fn allocate(served: &Served) -> String {
    let mut pool = pb::pool_client::PoolClient::connect(format!("http://{}", served.grpc))
        .await
        .expect("the gRPC API accepts");
    until("a number rented", BOUND, async || {
        let answer = pool
            .allocate(pb::AllocateRequest {
                service: "google".to_owned(),
                quantity: 1,
                ..pb::AllocateRequest::default()
            })
            .await;
        if let Ok(answer) = answer
            && let Some(allocation) = answer.into_inner().allocations.into_iter().next()
        {
            Some(allocation.number)
        } else {
            None
        }
    })
    .await
}

fn screenshot_paths() -> Vec<PathBuf> {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map_or_else(|| PathBuf::from("target"), Path::to_path_buf);
    let mut paths = vec![target.join("rack-page.png")];
    if std::env::var_os("MODEMPOOL_UPDATE_SCREENSHOT").is_some_and(|value| value == "1") {
        paths.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rack-page.png"));
    }
    paths
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_shows_every_slot_and_follows_a_fault_live() {
    for program in [CHROMIUM, CHROMEDRIVER] {
        if !Path::new(program).exists() {
            skip_or_fail(&format!(
                "the rack page browser test needs {program} (Debian packages chromium and \
                 chromium-driver; .ci/run installs them)"
            ));
            return;
        }
    }
    let dir = tempfile::tempdir().expect("a temporary directory");
    let served = Served::simulated(
        PORTS,
        dir.path(),
        // Health polls every second: a removed SIM shows within one.
        Some("rack = \"rack-a1\"\n[pool]\ncooldown_secs = 0\n[health]\npoll_interval_secs = 1\n"),
        &["--personality", "mixed", "--seed", "11"],
        &[],
    );
    let paths: Vec<String> = (0..PORTS)
        .map(|index| {
            dir.path()
                .join("links")
                .join(format!("sim{index}"))
                .display()
                .to_string()
        })
        .collect();
    let driver = Driver::start().await;
    let profile = tempfile::tempdir().expect("a browser profile directory");
    let client = browser(&driver, profile.path()).await;
    let page = format!("http://{}/", served.web);
    client.goto(&page).await.expect("the page loads");

    // Every slot, ready.
    let shown = until_slots(&client, "every slot ready", |shown| {
        shown.len() == paths.len() && shown.iter().all(|(_, state)| state == "ready")
    })
    .await;
    let order: Vec<&String> = shown.iter().map(|(path, _)| path).collect();
    assert_eq!(
        order,
        paths.iter().collect::<Vec<_>>(),
        "slots in path order"
    );
    assert_eq!(
        until_script(
            &client,
            "the live indicator",
            "return document.getElementById('connection').dataset.connection;",
            |value| *value == "live"
        )
        .await,
        "live"
    );

    // Some traffic for the picture: a rented number and the SMS it gets, SMS on idle SIMs.
    let number = allocate(&served).await;
    let rented = served
        .ports
        .iter()
        .position(|line| field(line, "msisdn") == number)
        .expect("the rented number is a simulated SIM's");
    let rented_port = rented.to_string();
    sim(
        &served,
        &[
            "send",
            "--port",
            &rented_port,
            "--from",
            "Google",
            "--text",
            "G-482913 is your Google verification code.",
        ],
    );
    for (port, from, text) in [
        ("0", "+4915112345678", "Your code is 5521"),
        (
            "6",
            "Telegram",
            "Telegram code: 77102. Do not give this code to anyone.",
        ),
    ] {
        sim(
            &served,
            &["send", "--port", port, "--from", from, "--text", text],
        );
    }

    // A marker that a reload would lose.
    client
        .execute("window.rackMarker = 'loaded once'; return true;", vec![])
        .await
        .expect("the script runs");

    // Faults: an unplugged modem and a removed SIM change their slots, live.
    let (unplugged, removed) = (1, 4);
    sim(
        &served,
        &["fault", "--port", &unplugged.to_string(), "unplug"],
    );
    sim(
        &served,
        &["fault", "--port", &removed.to_string(), "sim-remove"],
    );
    let shown = until_slots(
        &client,
        "the unplugged and SIM-less slots leave ready",
        |shown| {
            state_of(shown, &paths[unplugged]).is_some_and(|state| state != "ready")
                && state_of(shown, &paths[removed]).is_some_and(|state| state != "ready")
        },
    )
    .await;
    assert_eq!(shown.len(), paths.len(), "{shown:?}");
    assert_eq!(
        state_of(&shown, &paths[0]),
        Some("ready"),
        "the others never notice"
    );
    let marker = client
        .execute("return window.rackMarker || null;", vec![])
        .await
        .expect("the script runs");
    assert_eq!(marker, "loaded once", "the page was reloaded");

    // The SMS counted on the rented slot before opening it.
    let rented_path = &paths[rented];
    until_script(
        &client,
        "the rented slot's SMS",
        &format!(
            "const node = document.querySelector('[data-slot=\"{rented_path}\"] .sms b'); \
             return node ? node.textContent : null;"
        ),
        |value| value.as_str().is_some_and(|count| count != "0"),
    )
    .await;

    // A slot opens to its identity and messages.
    client
        .find(Locator::Css(&format!("[data-slot=\"{rented_path}\"]")))
        .await
        .expect("the rented slot is shown")
        .click()
        .await
        .expect("the slot takes a click");
    let line = &served.ports[rented];
    let detail = until_script(
        &client,
        "the slot's detail",
        "const panel = document.getElementById('detail'); \
         if (panel.hidden) return null; \
         const text = (name) => { const node = panel.querySelector(`[data-field=\"${name}\"]`); \
           return node ? node.textContent : null; }; \
         return { slot: panel.dataset.slot, imei: text('imei'), iccid: text('iccid'), \
           messages: panel.querySelectorAll('.messages li').length };",
        |value| value["slot"] == rented_path.as_str() && value["messages"].as_u64() > Some(0),
    )
    .await;
    assert_eq!(detail["imei"], field(line, "imei"), "{detail}");
    assert_eq!(detail["iccid"], field(line, "iccid"), "{detail}");

    // The picture.
    let png = client.screenshot().await.expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    for path in screenshot_paths() {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("the screenshot's directory");
        }
        std::fs::write(&path, &png).expect("the screenshot is written");
        let _ = writeln!(std::io::stderr(), "screenshot: {}", path.display());
    }
    client.close().await.expect("the session closes");
}
