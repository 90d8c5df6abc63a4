//! The daemon at rack scale: 256 simulated ports in one daemon.
//!
//! `cargo bench --bench daemon` (optionally `-- PORTS`). The simulator runs as its own
//! process (`modempool simulate`), so that the CPU time and memory measured here are the
//! daemon's alone; SMS are injected through the simulator's control endpoint.
//!
//! Measured, and printed as one line each:
//! - the time from start until every port is ready;
//! - idle CPU (percent of one core, over 65 s with every port ready: one full round of
//!   health polls) and RSS;
//! - a burst of 10,000 SMS across the ports: the time until all are committed;
//! - latency from injection to commit at 100 SMS/s for 20 s: p50 and p99.
//!
//! Targets (issue 4): ready within 10 s, idle CPU ≤ 2 % of a core, RSS ≤ 150 MB, p99 ≤ 20 ms
//! at 100 SMS/s. A benchmark, not a test: the figures depend on the machine.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use modempool::at::runner::Timeouts;
use modempool::config::IngestMode;
use modempool::modem::{Daemon, DaemonOptions};
use modempool::modem::{PortSettings, PortState, SimDirectory};
use modempool::pool::{MessageFilter, Pool};
use modempool::proto::v1 as pb;
use modempool::proto::v1::simulator_control_client::SimulatorControlClient;
use time::OffsetDateTime;

const BURST: usize = 10_000;
const RATE_PER_SECOND: u64 = 100;
const RATE_SECONDS: u64 = 20;

/// Seconds of CPU this process has used (user + system), from /proc.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |index: usize| {
        fields
            .get(index)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name and state.
    (ticks(11) + ticks(12)) / 100.0
}

/// Resident memory in MB, from /proc.
fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

struct Simulator {
    child: Child,
    control: String,
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_simulator(links: &Path, ports: u32) -> Simulator {
    let mut child = Command::new(env!("CARGO_BIN_EXE_modempool"))
        .args(["simulate", "--ports", &ports.to_string(), "--link-dir"])
        .arg(links)
        .args(["--personality", "mixed", "--control", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("modempool simulate starts");
    let stdout = child.stdout.take().expect("piped");
    let mut control = String::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("simulator output");
        if let Some(address) = line.strip_prefix("control ") {
            control = format!("http://{address}");
        }
        if line == "ready" {
            break;
        }
    }
    Simulator { child, control }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

async fn wait_for_messages(daemon: &Daemon, count: u64, limit: Duration) -> Option<Duration> {
    let start = Instant::now();
    while daemon.pool().message_count().unwrap_or(0) < count {
        if start.elapsed() > limit {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Some(start.elapsed())
}

fn main() {
    let ports: u32 = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(256);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run(ports));
}

async fn run(ports: u32) {
    let dir = tempfile::tempdir().expect("temp dir");
    let links = dir.path().join("links");
    let simulator = start_simulator(&links, ports);
    let mut control = SimulatorControlClient::connect(simulator.control.clone())
        .await
        .expect("control endpoint");

    let settings = PortSettings {
        ingest: IngestMode::Store,
        timeouts: Timeouts::default(),
        ..PortSettings::default()
    };
    let started = Instant::now();
    let pool = Pool::open(
        &dir.path().join("modempool.db"),
        "bench",
        Default::default(),
    )
    .await
    .expect("the database opens");
    let daemon = Daemon::start(
        DaemonOptions {
            globs: vec![format!("{}/sim*", links.display())],
            scan_interval: Duration::from_secs(5),
            port_settings: Arc::new(move |_: &Path| settings.clone()),
            directory: SimDirectory {
                ussd_code: Some(Arc::new(|mcc: &str, mnc: &str| {
                    modempool::inventory::default_number_query_code(mcc, mnc).map(str::to_owned)
                })),
                ..SimDirectory::default()
            },
            multipart_timeout: Duration::from_secs(600),
            retry_pins: Vec::new(),
        },
        pool.clone(),
    )
    .await;
    loop {
        let statuses = daemon.ports();
        if statuses.len() == ports as usize
            && statuses
                .iter()
                .all(|status| status.state == PortState::Ready)
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "ports never all ready"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let ready = started.elapsed();
    println!("ports={ports} all_ready_s={:.2}", ready.as_secs_f64());

    // Idle: every port ready, over a little more than one health-poll interval (60 s by
    // default), so that the polls of all ports are in the figure.
    let cpu_before = cpu_seconds();
    let idle_start = Instant::now();
    tokio::time::sleep(Duration::from_secs(65)).await;
    let idle_cpu = (cpu_seconds() - cpu_before) / idle_start.elapsed().as_secs_f64() * 100.0;
    println!(
        "idle_cpu_percent_of_one_core={idle_cpu:.2} rss_mb={:.1}",
        rss_mb()
    );

    // Burst: 10,000 SMS across the ports, as fast as the control endpoint takes them.
    let burst_start = Instant::now();
    let per_port = BURST / ports as usize;
    let extra = BURST % ports as usize;
    for port in 0..ports {
        let count = per_port + usize::from((port as usize) < extra);
        if count == 0 {
            continue;
        }
        control
            .send_sms(pb::SendSmsRequest {
                port,
                from: "Google".to_owned(),
                text: format!("burst to {port}: G-123456 is your code"),
                count: count as u32,
                ..pb::SendSmsRequest::default()
            })
            .await
            .expect("burst accepted");
    }
    match wait_for_messages(&daemon, BURST as u64, Duration::from_secs(900)).await {
        Some(_) => {
            let took = burst_start.elapsed().as_secs_f64();
            println!(
                "burst_sms={BURST} committed_s={took:.2} rate_per_s={:.0} rss_mb={:.1}",
                BURST as f64 / took,
                rss_mb()
            );
        }
        None => println!(
            "burst_sms={BURST} committed={} (not all within 900 s)",
            daemon.pool().message_count().unwrap_or(0)
        ),
    }
    let after_burst = daemon.pool().message_count().unwrap_or(0);

    // Latency at a steady rate: one SMS every 10 ms, round robin over the ports.
    let mut injected: HashMap<String, OffsetDateTime> = HashMap::new();
    let mut tick = tokio::time::interval(Duration::from_millis(1000 / RATE_PER_SECOND));
    let total = RATE_PER_SECOND * RATE_SECONDS;
    for n in 0..total {
        tick.tick().await;
        let port = (n % u64::from(ports)) as u32;
        let text = format!("latency {n}: code {:06}", n * 7919 % 1_000_000);
        injected.insert(text.clone(), OffsetDateTime::now_utc());
        control
            .send_sms(pb::SendSmsRequest {
                port,
                from: "+4915112345678".to_owned(),
                text,
                count: 1,
                ..pb::SendSmsRequest::default()
            })
            .await
            .expect("send accepted");
    }
    let _ = wait_for_messages(&daemon, after_burst + total, Duration::from_secs(120)).await;
    let mut latencies: Vec<f64> = Vec::new();
    let mut after = None;
    loop {
        let page = daemon
            .pool()
            .stored_messages(MessageFilter {
                after_id: after,
                limit: MessageFilter::MAX_LIMIT,
                ..MessageFilter::default()
            })
            .expect("messages");
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        for message in &page {
            if let Some(sent) = message.text.as_ref().and_then(|text| injected.get(text)) {
                latencies.push((message.created_at - *sent).as_seconds_f64() * 1000.0);
            }
        }
    }
    latencies.sort_by(f64::total_cmp);
    println!(
        "steady_rate_per_s={RATE_PER_SECOND} committed={}/{total} latency_ms_p50={:.1} p99={:.1} max={:.1}",
        latencies.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(f64::NAN),
    );
    daemon.stop(Duration::from_secs(30)).await;
    pool.close().await;
    drop(simulator);
}
