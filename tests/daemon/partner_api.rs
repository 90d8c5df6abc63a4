//! The partner HTTP API end to end: the real daemon with simulated modems, plain HTTP over a
//! real socket, SMS delivered through the simulator. Every answer the tests get is also
//! checked against `openapi/partner-api.json` by an independent validator (Python's
//! openapi-spec-validator and jsonschema, installed by `.ci/run` in `target/test-venv`;
//! without them that check says `SKIPPED: ...` on stderr, and fails under `CI=true`).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex};

use crate::common;
use crate::common::http::{self, Answer};
use crate::common::{BOUND, Served, field, skip_or_fail, until_blocking};
use modempool::api::grpc::auth::hash_token;
use serde_json::{Value, json};

const ALPHA: &str = "alpha-key-0123456789";
const BETA: &str = "beta-key-0123456789";
const GAMMA: &str = "gamma-key-0123456789";

/// Alpha: DE and JP priced, every other country at a default price. Beta: DE only. Gamma:
/// one request a minute. No cool-down, so that a cancelled number is rentable at once.
fn config() -> String {
    config_with_lease(1200)
}

/// [`config`] with rentals of `lease_secs`.
fn config_with_lease(lease_secs: u64) -> String {
    format!(
        r#"
[pool]
cooldown_secs = 0

[partner_api]
listen = "127.0.0.1:0"
lease_secs = {lease_secs}
currency = "EUR"
requests_per_minute = 6000
burst = 1000

[[partner_api.partners]]
name = "alpha"
key_sha256 = "{}"
prices = {{ DE = 0.25, JP = 0.5 }}
default_price = 0.1

[[partner_api.partners]]
name = "beta"
key_sha256 = "{}"
prices = {{ DE = 0.3 }}

[[partner_api.partners]]
name = "gamma"
key_sha256 = "{}"
default_price = 1
requests_per_minute = 1
burst = 2
"#,
        hash_token(ALPHA),
        hash_token(BETA),
        hash_token(GAMMA)
    )
}

/// A daemon with the partner API, and every answer it gave, for the OpenAPI check.
struct Partner {
    daemon: Served,
    dir: tempfile::TempDir,
    answers: Mutex<Vec<Value>>,
}

impl Partner {
    fn start(ports: u32) -> Partner {
        Partner::start_with(ports, &config(), &[])
    }

    /// [`Partner::start`] with a config text and extra `serve` flags.
    fn start_with(ports: u32, config: &str, extra: &[&str]) -> Partner {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let daemon = Served::simulated(ports, dir.path(), Some(config), extra, &[]);
        assert!(
            !daemon.partner.is_empty(),
            "the daemon printed no partner line"
        );
        Partner {
            daemon,
            dir,
            answers: Mutex::new(Vec::new()),
        }
    }

    fn record(&self, method: &str, path: &str, answer: &Answer) {
        let path = path.split('?').next().unwrap_or(path);
        if let Ok(mut answers) = self.answers.lock() {
            answers.push(json!({
                "method": method.to_ascii_lowercase(),
                "path": path,
                "status": answer.status,
                "body": serde_json::from_slice::<Value>(&answer.body).unwrap_or(Value::Null),
            }));
        }
    }

    fn get(&self, path_and_query: &str) -> Answer {
        let answer = http::get(&self.daemon.partner, path_and_query);
        self.record("GET", path_and_query, &answer);
        answer
    }

    fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Answer {
        let body = form
            .iter()
            .map(|(name, value)| format!("{name}={}", encode(value)))
            .collect::<Vec<_>>()
            .join("&");
        let answer = http::request(
            &self.daemon.partner,
            "POST",
            path,
            &[("Content-Type", "application/x-www-form-urlencoded")],
            body.as_bytes(),
        );
        self.record("POST", path, &answer);
        answer
    }

    fn post_json(&self, path: &str, body: &Value) -> Answer {
        let answer = http::request(
            &self.daemon.partner,
            "POST",
            path,
            &[("Content-Type", "application/json")],
            body.to_string().as_bytes(),
        );
        self.record("POST", path, &answer);
        answer
    }

    /// getNumbers for `key`, as country → (available, price).
    fn numbers(&self, key: &str, extra: &str) -> BTreeMap<String, (u64, f64)> {
        let answer = self.get(&format!("/getNumbers?api_key={}{extra}", encode(key)));
        assert_eq!(answer.status, 200, "{}", answer.text());
        let body = answer.json();
        assert_eq!(body["status"], "success");
        assert_eq!(body["currency"], "EUR");
        body["countries"]
            .as_array()
            .expect("a list of countries")
            .iter()
            .map(|entry| {
                (
                    entry["country"].as_str().expect("a code").to_owned(),
                    (
                        entry["available"].as_u64().expect("a count"),
                        entry["price_per_sms"].as_f64().expect("a price"),
                    ),
                )
            })
            .collect()
    }

    /// The simulated SIMs per country, from their numbers' calling codes.
    fn inventory(&self) -> BTreeMap<String, u64> {
        let mut counts = BTreeMap::new();
        for line in &self.daemon.ports {
            *counts
                .entry(country_of(field(line, "msisdn")).to_owned())
                .or_default() += 1;
        }
        counts
    }

    /// Waits until every simulated SIM can be rented (alpha sees them all).
    fn wait_until_all_rentable(&self) {
        let total = self.daemon.ports.len() as u64;
        until_blocking("every SIM rentable", BOUND, || {
            let seen: u64 = self
                .numbers(ALPHA, "")
                .values()
                .map(|(available, _)| available)
                .sum();
            if seen == total {
                Ok(())
            } else {
                Err(format!("only {seen} of {total} SIMs became rentable"))
            }
        });
    }

    fn rent(&self, key: &str, country: &str, service: &str) -> Answer {
        self.post_form(
            "/rentNumber",
            &[("api_key", key), ("country", country), ("service", service)],
        )
    }

    fn sms(&self, key: &str, rental: &str) -> Answer {
        self.get(&format!(
            "/getSMS?api_key={}&rental_id={}",
            encode(key),
            encode(rental)
        ))
    }

    fn cancel(&self, key: &str, rental: &str) -> Answer {
        self.post_json(
            "/cancelNumber",
            &json!({ "api_key": key, "rental_id": rental }),
        )
    }

    /// Delivers an SMS to the simulated SIM with `number`.
    fn send_sms(&self, number: &str, from: &str, text: &str) {
        let port = self
            .daemon
            .ports
            .iter()
            .position(|line| field(line, "msisdn") == number)
            .unwrap_or_else(|| panic!("no simulated SIM has {number}"));
        let mut command = Command::new(env!("CARGO_BIN_EXE_modempool"));
        command.args(["sim", "--control", &self.daemon.control, "send"]);
        command.args(["--port", &port.to_string(), "--from", from, "--text", text]);
        let output = common::bounded(command);
        assert!(output.status.success(), "{output:?}");
    }

    /// Waits until getSMS shows `count` messages for `rental`.
    fn wait_for_sms(&self, key: &str, rental: &str, count: usize) -> Value {
        until_blocking(&format!("{count} SMS for {rental}"), BOUND, || {
            let answer = self.sms(key, rental);
            assert_eq!(answer.status, 200, "{}", answer.text());
            let body = answer.json();
            (body["messages"].as_array().map_or(0, Vec::len) >= count).then_some(body)
        })
    }

    /// Checks every recorded answer against the OpenAPI description, with an independent
    /// validator.
    fn check_answers_against_openapi(&self) {
        let Some(python) = python() else {
            skip_or_fail(
                "the OpenAPI check (no target/test-venv with openapi-spec-validator; run .ci/run)",
            );
            return;
        };
        let answers = self.answers.lock().map(|a| a.clone()).unwrap_or_default();
        assert!(!answers.is_empty());
        let file = self.dir.path().join("answers.json");
        std::fs::write(&file, Value::Array(answers).to_string()).expect("answers written");
        let mut command = Command::new(python);
        command
            .arg(root().join("tests/clients/openapi_check.py"))
            .arg(root().join("openapi/partner-api.json"))
            .arg(&file);
        let output = common::bounded(command);
        assert!(
            output.status.success(),
            "answers that break the OpenAPI description:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The venv's Python when it has the validator.
fn python() -> Option<PathBuf> {
    let python = root().join("target/test-venv/bin/python");
    let works = Command::new(&python)
        .args(["-c", "import openapi_spec_validator, jsonschema"])
        .output()
        .is_ok_and(|output| output.status.success());
    works.then_some(python)
}

/// Percent-encodes a form or query value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// The country of a simulated number, by its calling code.
fn country_of(number: &str) -> &'static str {
    for (prefix, country) in [
        ("+1", "US"),
        ("+33", "FR"),
        ("+44", "GB"),
        ("+49", "DE"),
        ("+7", "RU"),
        ("+91", "IN"),
    ] {
        if number.starts_with(prefix) {
            return country;
        }
    }
    panic!("a simulated number of an unexpected country: {number}")
}

fn assert_error(answer: &Answer, status: u16, code: &str) {
    assert_eq!(answer.status, status, "{}", answer.text());
    let body = answer.json();
    assert_eq!(body["status"], "error", "{body}");
    assert_eq!(body["error"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

#[test]
fn get_numbers_counts_match_the_inventory_at_each_keys_prices() {
    let partner = Partner::start(8);
    partner.wait_until_all_rentable();
    let inventory = partner.inventory();
    assert!(
        inventory.len() >= 3,
        "a rack of several countries: {inventory:?}"
    );

    // Alpha: every country in stock (default price), DE and JP at their own prices, JP
    // offered although none is in stock.
    let alpha = partner.numbers(ALPHA, "");
    for (country, count) in &inventory {
        let price = if country == "DE" { 0.25 } else { 0.1 };
        assert_eq!(alpha.get(country), Some(&(*count, price)), "{alpha:?}");
    }
    assert_eq!(alpha.get("JP"), Some(&(0, 0.5)));
    assert_eq!(alpha.len(), inventory.len() + 1, "{alpha:?}");

    // Beta: DE only.
    let beta = partner.numbers(BETA, "");
    assert_eq!(
        beta.into_iter().collect::<Vec<_>>(),
        [("DE".to_owned(), (inventory["DE"], 0.3))]
    );

    // One country, in any case; the name is ISO's.
    let answer = partner.get(&format!("/getNumbers?api_key={ALPHA}&country=de"));
    let body = answer.json();
    assert_eq!(
        body["countries"].as_array().map(Vec::len),
        Some(1),
        "{body}"
    );
    assert_eq!(body["countries"][0]["country_name"], "Germany");
    assert_eq!(body["service"], "other");

    // A rental takes one out of the count, for that service and the others alike.
    let rented = partner.rent(ALPHA, "DE", "telegram");
    assert_eq!(rented.status, 200, "{}", rented.text());
    assert_eq!(
        partner.numbers(ALPHA, "&country=DE")["DE"].0,
        inventory["DE"] - 1
    );
    assert_eq!(
        partner.numbers(BETA, "&service=whatsapp")["DE"].0,
        inventory["DE"] - 1
    );
    partner.check_answers_against_openapi();
}

#[test]
fn rent_receive_the_sms_and_cancel_refunds_only_without_one() {
    let partner = Partner::start(6);
    partner.wait_until_all_rentable();

    // A form-encoded rental.
    let answer = partner.rent(ALPHA, "de", "telegram");
    assert_eq!(answer.status, 200, "{}", answer.text());
    let rental = answer.json();
    assert_eq!(rental["status"], "success");
    assert_eq!(rental["country"], "DE");
    assert_eq!(rental["price_per_sms"], 0.25);
    let number = rental["number"].as_str().expect("a number").to_owned();
    let id = rental["rental_id"].as_str().expect("an id").to_owned();
    assert!(number.starts_with("+49"), "{number}");
    let expires = time::OffsetDateTime::parse(
        rental["expires_at"].as_str().expect("a time"),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("RFC 3339");
    let lease = expires - time::OffsetDateTime::now_utc();
    assert!(
        lease > time::Duration::minutes(19) && lease <= time::Duration::minutes(20),
        "{lease}"
    );

    // Nothing yet; then the SMS, with its code.
    let body = partner.sms(ALPHA, &id).json();
    assert_eq!(body["messages"], json!([]), "{body}");
    assert_eq!(body["rental_status"], "active");
    partner.send_sms(
        &number,
        "Telegram",
        "Telegram code: 48213. Do not give it to anyone",
    );
    let body = partner.wait_for_sms(ALPHA, &id, 1);
    assert_eq!(body["number"], number.as_str());
    let message = &body["messages"][0];
    assert_eq!(message["sender"], "Telegram");
    assert_eq!(
        message["text"],
        "Telegram code: 48213. Do not give it to anyone"
    );
    assert_eq!(message["code"], "48213");

    // An SMS arrived: cancelling ends the rental and refunds nothing.
    let answer = partner.cancel(ALPHA, &id);
    assert_eq!(answer.status, 200, "{}", answer.text());
    let cancelled = answer.json();
    assert_eq!(cancelled["rental_id"], id.as_str());
    assert_eq!(cancelled["refund_amount"], 0.0);
    assert_eq!(cancelled["currency"], "EUR");
    // Ended: a second cancel is a conflict, the messages stay readable.
    assert_error(&partner.cancel(ALPHA, &id), 409, "rental_ended");
    assert_eq!(partner.sms(ALPHA, &id).json()["rental_status"], "released");

    // A JSON rental with no SMS: cancelling refunds its price.
    let answer = partner.post_json(
        "/rentNumber",
        &json!({ "api_key": ALPHA, "country": "RU", "service": "telegram" }),
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    let rental = answer.json();
    assert_eq!(rental["price_per_sms"], 0.1);
    let id = rental["rental_id"].as_str().expect("an id").to_owned();
    let cancelled = partner.cancel(ALPHA, &id).json();
    assert_eq!(cancelled["refund_amount"], 0.1, "{cancelled}");

    // An SMS after the cancel reaches nobody's rental.
    let number = rental["number"].as_str().expect("a number");
    partner.send_sms(number, "Telegram", "Telegram code: 11111");
    let again = partner.rent(ALPHA, "RU", "whatsapp");
    assert_eq!(again.status, 200, "{}", again.text());
    let again = again.json();
    let again_id = again["rental_id"].as_str().expect("an id");
    assert_eq!(partner.sms(ALPHA, &id).json()["messages"], json!([]));
    assert_eq!(partner.sms(ALPHA, again_id).json()["messages"], json!([]));
    partner.check_answers_against_openapi();
}

#[test]
fn a_rental_is_invisible_to_every_other_key() {
    let partner = Partner::start(4);
    partner.wait_until_all_rentable();
    let rental = partner.rent(ALPHA, "DE", "telegram").json();
    let id = rental["rental_id"].as_str().expect("an id").to_owned();
    let number = rental["number"].as_str().expect("a number").to_owned();
    partner.send_sms(&number, "+4915700000000", "secret code 246810");
    partner.wait_for_sms(ALPHA, &id, 1);

    // Beta can neither read nor cancel it, and learns nothing from the answer.
    let foreign = partner.sms(BETA, &id);
    assert_error(&foreign, 404, "unknown_rental");
    assert!(!foreign.text().contains(&number), "{}", foreign.text());
    assert!(!foreign.text().contains("246810"));
    assert_error(&partner.cancel(BETA, &id), 404, "unknown_rental");
    // Beta sees the SIM as taken, like everybody.
    let answer = partner.rent(BETA, "DE", "telegram");
    let beta = answer.json();
    assert_ne!(beta["number"], number.as_str(), "{beta}");
    // Alpha still has it, untouched.
    let body = partner.sms(ALPHA, &id).json();
    assert_eq!(body["rental_status"], "active");
    assert_eq!(body["messages"][0]["code"], "246810");
    partner.check_answers_against_openapi();
}

#[test]
fn never_the_same_number_twice_for_a_service() {
    let partner = Partner::start(4);
    partner.wait_until_all_rentable();
    let total = partner.inventory()["DE"];
    let mut numbers = Vec::new();
    for _ in 0..total {
        let rental = partner.rent(ALPHA, "DE", "bank").json();
        let id = rental["rental_id"].as_str().expect("an id").to_owned();
        numbers.push(rental["number"].as_str().expect("a number").to_owned());
        assert_eq!(partner.cancel(ALPHA, &id).status, 200);
    }
    numbers.sort();
    numbers.dedup();
    assert_eq!(
        numbers.len() as u64,
        total,
        "a number given twice: {numbers:?}"
    );
    // Every DE number was used for "bank": none left for it, for any key.
    assert_eq!(
        partner.numbers(ALPHA, "&country=DE&service=bank")["DE"].0,
        0
    );
    assert_error(&partner.rent(ALPHA, "DE", "bank"), 409, "no_numbers");
    assert_error(&partner.rent(BETA, "DE", "Bank"), 409, "no_numbers");
    // Another service may have them.
    assert_eq!(partner.rent(ALPHA, "DE", "shop").status, 200);
    partner.check_answers_against_openapi();
}

#[test]
fn concurrent_rentals_never_share_a_sim_and_stop_at_the_stock() {
    let partner = Arc::new(Partner::start(8));
    partner.wait_until_all_rentable();
    let stock = partner.inventory()["DE"];
    let threads: Vec<_> = (0..40)
        .map(|call| {
            let partner = Arc::clone(&partner);
            std::thread::spawn(move || {
                let key = if call % 2 == 0 { ALPHA } else { BETA };
                partner.rent(key, "DE", "telegram")
            })
        })
        .collect();
    let mut numbers = Vec::new();
    let mut refused = 0;
    for thread in threads {
        let answer = thread.join().expect("a renting thread");
        match answer.status {
            200 => numbers.push(
                answer.json()["number"]
                    .as_str()
                    .expect("a number")
                    .to_owned(),
            ),
            409 => {
                assert_error(&answer, 409, "no_numbers");
                refused += 1;
            }
            other => panic!("unexpected {other}: {}", answer.text()),
        }
    }
    let rented = numbers.len() as u64;
    numbers.sort();
    numbers.dedup();
    assert_eq!(rented, stock, "every German SIM rented once: {numbers:?}");
    assert_eq!(
        numbers.len() as u64,
        stock,
        "a SIM rented twice: {numbers:?}"
    );
    assert_eq!(refused, 40 - stock);
    partner.check_answers_against_openapi();
}

#[test]
fn a_rental_runs_out_on_time_and_gets_no_later_sms() {
    let partner = Partner::start_with(4, &config_with_lease(2), &[]);
    partner.wait_until_all_rentable();
    let rental = partner.rent(ALPHA, "DE", "telegram").json();
    let id = rental["rental_id"].as_str().expect("an id").to_owned();
    let number = rental["number"].as_str().expect("a number").to_owned();
    // Nobody calls: the rental ends by itself.
    until_blocking("the rental expires", BOUND, || {
        partner.sms(ALPHA, &id).json()["rental_status"] == "expired"
    });
    // An SMS now belongs to nobody's rental, the number can be rented again for another
    // service, and the ended rental cannot be cancelled (nor refunded).
    partner.send_sms(&number, "Telegram", "Telegram code: 55555");
    assert_error(&partner.cancel(ALPHA, &id), 409, "rental_ended");
    let again = partner.rent(ALPHA, "DE", "shop").json();
    let again_id = again["rental_id"].as_str().expect("an id");
    // The late SMS reached the store (the SIM's history) but neither rental.
    until_blocking("the SMS is read from the modem", BOUND, || {
        let stored = Command::new(env!("CARGO_BIN_EXE_modempool"))
            .args(["sim", "--control", &partner.daemon.control, "list"])
            .output()
            .expect("sim list runs");
        let listed = String::from_utf8_lossy(&stored.stdout).into_owned();
        if listed
            .lines()
            .any(|line| field(line, "msisdn") == number && field(line, "stored") == "0")
        {
            Ok(())
        } else {
            Err(listed)
        }
    });
    assert_eq!(partner.sms(ALPHA, &id).json()["messages"], json!([]));
    if again["number"] == number.as_str() {
        assert_eq!(partner.sms(ALPHA, again_id).json()["messages"], json!([]));
    }
    partner.check_answers_against_openapi();
}

#[test]
fn bad_requests_get_the_right_status_and_a_json_reason() {
    let partner = Partner::start_with(2, &config(), &["--metrics", "127.0.0.1:0"]);
    partner.wait_until_all_rentable();
    // Keys.
    assert_error(&partner.get("/getNumbers"), 401, "bad_key");
    assert_error(&partner.get("/getNumbers?api_key=nope"), 401, "bad_key");
    assert_error(
        &partner.post_form("/rentNumber", &[("api_key", "nope"), ("country", "DE")]),
        401,
        "bad_key",
    );
    // Parameters.
    assert_error(
        &partner.get(&format!("/getNumbers?api_key={ALPHA}&country=Germany")),
        400,
        "bad_request",
    );
    assert_error(
        &partner.post_form("/rentNumber", &[("api_key", ALPHA)]),
        400,
        "bad_request",
    );
    assert_error(
        &partner.post_form("/rentNumber", &[("api_key", ALPHA), ("country", "ZZ")]),
        400,
        "bad_request",
    );
    // A country with no price for this key.
    let answer = partner.post_form("/rentNumber", &[("api_key", BETA), ("country", "RU")]);
    assert_error(&answer, 400, "bad_request");
    assert!(
        answer.json()["message"]
            .as_str()
            .unwrap_or("")
            .contains("not offered")
    );
    assert_error(
        &partner.get(&format!("/getSMS?api_key={ALPHA}")),
        400,
        "bad_request",
    );
    let answer = http::request(
        &partner.daemon.partner,
        "POST",
        "/rentNumber",
        &[("Content-Type", "application/json")],
        b"{\"api_key\": ",
    );
    partner.record("POST", "/rentNumber", &answer);
    assert_error(&answer, 400, "bad_request");
    // Unknown rentals.
    assert_error(
        &partner.sms(ALPHA, "rack-01ARZ3NDEKTSV4RRFFQ69G5FAV"),
        404,
        "unknown_rental",
    );
    assert_error(&partner.cancel(ALPHA, "nothing"), 404, "unknown_rental");
    // No stock: JP is priced for alpha but no SIM is Japanese.
    assert_error(&partner.rent(ALPHA, "JP", "telegram"), 409, "no_numbers");
    // Paths and methods.
    let answer = partner.get("/getBalance");
    assert_error(&answer, 404, "not_found");
    let answer = partner.get(&format!("/rentNumber?api_key={ALPHA}&country=DE"));
    assert_error(&answer, 405, "method_not_allowed");
    // The rate: gamma may make two requests at once, then one a minute.
    for _ in 0..2 {
        assert_eq!(
            partner.get(&format!("/getNumbers?api_key={GAMMA}")).status,
            200
        );
    }
    let limited = partner.get(&format!("/getNumbers?api_key={GAMMA}"));
    assert_error(&limited, 429, "rate_limited");
    let retry: u64 = limited
        .header("retry-after")
        .and_then(|value| value.parse().ok())
        .expect("a Retry-After in seconds");
    assert!((1..=60).contains(&retry), "{retry}");
    // Other keys are not slowed down by gamma's.
    assert_eq!(
        partner.get(&format!("/getNumbers?api_key={BETA}")).status,
        200
    );
    partner.check_answers_against_openapi();
}

#[test]
fn the_openapi_description_is_served_as_kept_in_the_repository() {
    let partner = Partner::start(1);
    let answer = partner.get("/openapi.json");
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let kept = std::fs::read(root().join("openapi/partner-api.json")).expect("the file");
    assert_eq!(answer.body, kept);
    // Every operation it describes is routed (a wrong method is 405, an unknown path 404).
    let spec = answer.json();
    let paths = spec["paths"].as_object().expect("paths");
    assert_eq!(paths.len(), 5);
    for (path, operations) in paths {
        for method in operations.as_object().expect("operations").keys() {
            let answer = http::request(
                &partner.daemon.partner,
                &method.to_ascii_uppercase(),
                path,
                &[],
                b"",
            );
            assert_ne!(answer.status, 404, "{method} {path} is not routed");
            assert_ne!(answer.status, 405, "{method} {path} is not routed");
        }
    }
}

#[test]
fn a_partner_key_and_its_config_block_come_from_one_command() {
    let mut command = Command::new(env!("CARGO_BIN_EXE_modempool"));
    command.args(["token", "aggregator-b", "--partner"]);
    let output = common::bounded(command);
    assert!(output.status.success(), "{output:?}");
    let printed = common::stdout(&output);
    let (first, block) = printed.split_once('\n').expect("two parts");
    let key = first.strip_prefix("token  ").expect("the key first");
    assert!(
        block.contains(&format!("key_sha256 = \"{}\"", hash_token(key))),
        "{block}"
    );
    // The block, as printed, is a valid partner of a config file.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("modempool.toml");
    std::fs::write(
        &file,
        format!("[partner_api]\nlisten = \"127.0.0.1:0\"\n{block}"),
    )
    .expect("written");
    let mut check = Command::new(env!("CARGO_BIN_EXE_modempool"));
    check.arg("check-config").arg(&file);
    let output = common::bounded(check);
    assert!(output.status.success(), "{output:?}");
    assert!(common::stdout(&output).contains("aggregator-b"));
}

/// `GET path` over HTTPS, trusting `ca` and showing `client` (certificate, key) when given:
/// the answer, or why the exchange failed.
fn https_get(
    address: &str,
    path: &str,
    ca: &str,
    client: Option<&(String, String)>,
) -> Result<Answer, String> {
    use std::io::Read;
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};

    let mut roots = rustls::RootCertStore::empty();
    for certificate in CertificateDer::pem_slice_iter(ca.as_bytes()) {
        roots
            .add(certificate.expect("a CA certificate"))
            .expect("a usable CA");
    }
    let builder = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS versions")
    .with_root_certificates(roots);
    let config = match client {
        None => builder.with_no_client_auth(),
        Some((certificate, key)) => builder
            .with_client_auth_cert(
                CertificateDer::pem_slice_iter(certificate.as_bytes())
                    .collect::<Result<Vec<_>, _>>()
                    .expect("a client certificate"),
                PrivateKeyDer::from_pem_slice(key.as_bytes()).expect("a client key"),
            )
            .expect("a client identity"),
    };
    let name = ServerName::try_from("127.0.0.1").expect("a server name");
    let connection = rustls::ClientConnection::new(std::sync::Arc::new(config), name)
        .map_err(|error| error.to_string())?;
    let socket = std::net::TcpStream::connect(address).map_err(|error| error.to_string())?;
    socket.set_read_timeout(Some(BOUND)).expect("a timeout");
    let mut stream = rustls::StreamOwned::new(connection, socket);
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .map_err(|error| error.to_string())?;
    let mut raw = Vec::new();
    match stream.read_to_end(&mut raw) {
        Ok(_) => {}
        // A server may close without TLS's close_notify after a whole answer.
        Err(error) if error.kind() == std::io::ErrorKind::UnexpectedEof && !raw.is_empty() => {}
        Err(error) => return Err(error.to_string()),
    }
    if raw.is_empty() {
        return Err("no answer".to_owned());
    }
    Ok(http::parse(&raw))
}

#[test]
fn https_with_client_certificates_admits_only_certified_partners() {
    let pki = common::pki::pki();
    let files = tempfile::tempdir().expect("a temporary directory");
    let write = |name: &str, text: &str| {
        let path = files.path().join(name);
        std::fs::write(&path, text).expect("written");
        path.display().to_string()
    };
    let tls = format!(
        "\n[partner_api.tls]\ncert = \"{}\"\nkey = \"{}\"\nclient_ca = \"{}\"\n",
        write("server.pem", &pki.server.0),
        write("server-key.pem", &pki.server.1),
        write("ca.pem", &pki.ca),
    );
    let partner = Partner::start_with(1, &format!("{}{tls}", config()), &[]);
    let address = partner.daemon.partner.clone();
    let path = format!("/getNumbers?api_key={ALPHA}");

    let answer = https_get(&address, &path, &pki.ca, Some(&pki.client)).expect("HTTPS works");
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.json()["status"], "success");
    // Without a client certificate the handshake fails: no answer at all.
    assert!(https_get(&address, &path, &pki.ca, None).is_err());
    // Plain HTTP on the TLS port gets no HTTP answer.
    let mut plain = std::net::TcpStream::connect(&address).expect("connects");
    plain.set_read_timeout(Some(BOUND)).expect("a timeout");
    plain
        .write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
        .expect("sent");
    let mut raw = Vec::new();
    let _ = std::io::Read::read_to_end(&mut plain, &mut raw);
    assert!(
        !raw.starts_with(b"HTTP/"),
        "{}",
        String::from_utf8_lossy(&raw)
    );
}

#[test]
fn unreadable_tls_files_stop_serve_naming_the_file() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("modempool.toml");
    std::fs::write(
        &file,
        format!(
            "{}\n[partner_api.tls]\ncert = \"/nonexistent/cert.pem\"\nkey = \"/nonexistent/key.pem\"\n",
            config()
        ),
    )
    .expect("written");
    let mut command = Command::new(env!("CARGO_BIN_EXE_modempool"));
    command
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--web-listen",
            "127.0.0.1:0",
        ])
        .arg("--db")
        .arg(dir.path().join("db.sqlite"))
        .arg("--config")
        .arg(&file);
    let output = common::bounded(command);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("partner_api.tls: /nonexistent/cert.pem: cannot read"),
        "{stderr}"
    );
}

#[test]
fn an_address_guessing_keys_is_turned_away_for_the_rest_of_the_minute() {
    let partner = Partner::start(1);
    let mut statuses = Vec::new();
    for attempt in 0..35 {
        let answer = partner.get(&format!("/getNumbers?api_key=guess-{attempt}"));
        statuses.push(answer.status);
        if answer.status == 429 {
            assert_error(&answer, 429, "rate_limited");
            let retry: u64 = answer
                .header("retry-after")
                .and_then(|value| value.parse().ok())
                .expect("a Retry-After in seconds");
            assert!((1..=60).contains(&retry), "{retry}");
        }
    }
    assert_eq!(statuses[..30], [401; 30], "{statuses:?}");
    assert_eq!(statuses[30..], [429; 5], "{statuses:?}");
    // Even a good key from that address waits now.
    assert_error(
        &partner.get(&format!("/getNumbers?api_key={ALPHA}")),
        429,
        "rate_limited",
    );
    partner.check_answers_against_openapi();
}
