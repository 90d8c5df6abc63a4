//! The partner HTTP API under load: the real daemon (`modempool serve --simulate 128`, its
//! own process, release build) with the partner API on loopback.
//!
//! `cargo bench --bench partner` (optionally `-- CLIENTS SECONDS ROUNDS`, default 32 10 3).
//! Each client keeps one HTTP/1.1 connection and does rentNumber (form body) then
//! cancelNumber (JSON body), each rental for a fresh service so that every SIM stays
//! eligible. Printed, as the median of the rounds: pairs per second, and p50/p99 of each
//! call. Every rental is committed (SQLite `synchronous = FULL`) before rentNumber answers.
//! A benchmark, not a test: the figures depend on the machine, and this process shares its
//! cores with the daemon's.

#[path = "../tests/daemon/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const PORTS: u32 = 128;
/// The partners' keys: clients take turns, as several aggregators would, each key with the
/// highest rate the config allows (10,000 requests a second).
const KEYS: [&str; 4] = [
    "bench-partner-key-0",
    "bench-partner-key-1",
    "bench-partner-key-2",
    "bench-partner-key-3",
];
const KEY: &str = KEYS[0];

/// A keep-alive HTTP/1.1 connection.
struct Connection {
    stream: BufReader<TcpStream>,
    host: String,
}

impl Connection {
    async fn open(address: &str) -> Connection {
        let stream = TcpStream::connect(address).await.expect("the API accepts");
        stream.set_nodelay(true).expect("nodelay");
        Connection {
            stream: BufReader::new(stream),
            host: address.to_owned(),
        }
    }

    /// POSTs `body` and returns the status and the body of the answer.
    async fn post(&mut self, path: &str, content_type: &str, body: &str) -> (u16, Vec<u8>) {
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
            self.host,
            body.len()
        );
        self.stream
            .get_mut()
            .write_all(request.as_bytes())
            .await
            .expect("sent");
        let mut line = String::new();
        self.stream
            .read_line(&mut line)
            .await
            .expect("a status line");
        let status = line
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .expect("a status");
        let mut length = 0;
        loop {
            line.clear();
            self.stream.read_line(&mut line).await.expect("a header");
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().expect("a length");
            }
        }
        let mut body = vec![0; length];
        self.stream.read_exact(&mut body).await.expect("the body");
        (status, body)
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// One round: a client per entry of `countries` (renting there), for `seconds`.
async fn round(
    address: &str,
    countries: &Arc<Vec<String>>,
    seconds: u64,
    round: usize,
) -> (f64, f64, f64, f64, f64) {
    let clients = countries.len();
    let stop = Arc::new(AtomicBool::new(false));
    let pairs = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for client in 0..clients {
        let address = address.to_owned();
        let stop = Arc::clone(&stop);
        let pairs = Arc::clone(&pairs);
        let country = countries[client].clone();
        let key = KEYS[client % KEYS.len()];
        tasks.push(tokio::spawn(async move {
            let mut connection = Connection::open(&address).await;
            let (mut rents, mut cancels) = (Vec::new(), Vec::new());
            let mut call = 0u64;
            while !stop.load(Ordering::Relaxed) {
                call += 1;
                let service = format!("bench-{round}-{client}-{call}");
                let started = Instant::now();
                let (status, body) = connection
                    .post(
                        "/rentNumber",
                        "application/x-www-form-urlencoded",
                        &format!("api_key={key}&country={country}&service={service}"),
                    )
                    .await;
                rents.push(started.elapsed().as_secs_f64() * 1e3);
                if status != 200 {
                    // Out of stock for a moment (every SIM rented): try again.
                    continue;
                }
                let answer: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
                let id = answer["rental_id"]
                    .as_str()
                    .expect("a rental id")
                    .to_owned();
                let started = Instant::now();
                let (status, _) = connection
                    .post(
                        "/cancelNumber",
                        "application/json",
                        &serde_json::json!({ "api_key": key, "rental_id": id }).to_string(),
                    )
                    .await;
                cancels.push(started.elapsed().as_secs_f64() * 1e3);
                assert_eq!(status, 200, "cancelNumber failed");
                pairs.fetch_add(1, Ordering::Relaxed);
            }
            (rents, cancels)
        }));
    }
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let elapsed_before_drain = started.elapsed().as_secs_f64();
    let (mut rents, mut cancels) = (Vec::new(), Vec::new());
    for task in tasks {
        let (r, c) = task.await.expect("a client");
        rents.extend(r);
        cancels.extend(c);
    }
    rents.sort_by(f64::total_cmp);
    cancels.sort_by(f64::total_cmp);
    let rate = pairs.load(Ordering::Relaxed) as f64 / elapsed_before_drain;
    (
        rate,
        percentile(&rents, 50.0),
        percentile(&rents, 99.0),
        percentile(&cancels, 50.0),
        percentile(&cancels, 99.0),
    )
}

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|arg| arg.parse().ok())
        .collect();
    let clients = args.first().copied().unwrap_or(32) as usize;
    let seconds = args.get(1).copied().unwrap_or(10);
    let rounds = args.get(2).copied().unwrap_or(3) as usize;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut config = "[pool]\ncooldown_secs = 0\n\n[partner_api]\nlisten = \"127.0.0.1:0\"\n\
         requests_per_minute = 600000\nburst = 10000\n"
        .to_owned();
    for (index, key) in KEYS.iter().enumerate() {
        config.push_str(&format!(
            "\n[[partner_api.partners]]\nname = \"bench-{index}\"\nkey_sha256 = \"{}\"\ndefault_price = 0.1\n",
            modempool::api::grpc::auth::hash_token(key)
        ));
    }
    let served = common::Served::simulated(PORTS, dir.path(), Some(&config), &[], &[]);
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let address = served.partner.clone();
    // Wait until every simulated SIM is rentable; then give each client a country, in
    // proportion to each country's stock, so that no client waits for a SIM.
    let deadline = Instant::now() + common::BOUND;
    let stock: Vec<(String, u64)> = loop {
        let answer = common::http::get(&address, &format!("/getNumbers?api_key={KEY}"));
        let stock: Vec<(String, u64)> = answer.json()["countries"]
            .as_array()
            .expect("countries")
            .iter()
            .map(|entry| {
                (
                    entry["country"].as_str().unwrap_or("").to_owned(),
                    entry["available"].as_u64().unwrap_or(0),
                )
            })
            .collect();
        if stock.iter().map(|(_, available)| available).sum::<u64>() == u64::from(PORTS) {
            break stock;
        }
        assert!(
            Instant::now() < deadline,
            "the SIMs did not become rentable"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    println!("partner API at {address}; stock {stock:?}");
    let slots: Vec<String> = stock
        .iter()
        .flat_map(|(country, available)| (0..*available).map(move |_| country.clone()))
        .collect();
    let countries: Arc<Vec<String>> = Arc::new(
        (0..clients)
            .map(|client| slots[client * slots.len() / clients].clone())
            .collect(),
    );
    let mut figures: Vec<Vec<f64>> = vec![Vec::new(); 5];
    for index in 0..rounds {
        let (rate, rent50, rent99, cancel50, cancel99) =
            runtime.block_on(round(&address, &countries, seconds, index));
        println!(
            "round {index}: {rate:.0} pairs/s; rentNumber p50 {rent50:.2} ms p99 {rent99:.2} ms; \
             cancelNumber p50 {cancel50:.2} ms p99 {cancel99:.2} ms"
        );
        for (slot, value) in [rate, rent50, rent99, cancel50, cancel99]
            .into_iter()
            .enumerate()
        {
            figures[slot].push(value);
        }
    }
    println!(
        "median of {rounds} rounds, {clients} clients: {:.0} pairs/s; rentNumber p50 {:.2} ms p99 {:.2} ms; \
         cancelNumber p50 {:.2} ms p99 {:.2} ms",
        median(&mut figures[0]),
        median(&mut figures[1]),
        median(&mut figures[2]),
        median(&mut figures[3]),
        median(&mut figures[4]),
    );
}
