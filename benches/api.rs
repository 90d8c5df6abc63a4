//! The gRPC API under load: the real daemon (`modempool serve --simulate 128`, its own
//! process, release build) called over loopback.
//!
//! `cargo bench --bench api` (optionally `-- CLIENTS SECONDS ROUNDS`). Measured, one line
//! each, as the median of the rounds:
//! - 64 concurrent clients (one connection each) doing Allocate then Release, each pair
//!   for a fresh service so that every SIM stays eligible: pairs per second, and p50/p99 of
//!   each call and of the pair;
//! - injection → WatchMessages delivery: SMS injected through the simulator's control
//!   endpoint at 50 per second onto 16 allocated numbers, timed from just before the
//!   injection call to the arrival of the message on a watch stream: p50/p99.
//!
//! Every allocation is durable when Allocate answers: the store commits with SQLite's
//! `synchronous = FULL` (see `src/store/schema.rs`), grouped into batches by the writer.
//! Targets (issue 5): ≥ 5,000 pairs/s with p99 ≤ 10 ms; delivery p99 ≤ 25 ms. A benchmark,
//! not a test: the figures depend on the machine (and on this process sharing its cores
//! with the daemon's).

#[path = "../tests/daemon/common/mod.rs"]
mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use modempool::proto::v1 as pb;
use pb::pool_client::PoolClient;
use pb::simulator_control_client::SimulatorControlClient;
use pb::watch_messages_response::Item;
use tokio::sync::Mutex;
use tonic::transport::Channel;

const PORTS: u32 = 128;
const WATCHED_NUMBERS: usize = 16;
const INJECT_PER_SECOND: u64 = 50;

/// The daemon and its directory.
struct Served {
    daemon: common::Served,
    _dir: tempfile::TempDir,
}

fn start() -> Served {
    let dir = tempfile::tempdir().expect("a temporary directory");
    Served {
        // No tokens: open to loopback callers only, which is all this is.
        daemon: common::Served::simulated(
            PORTS,
            dir.path(),
            Some("[pool]\ncooldown_secs = 0\n"),
            &[],
            &[],
        ),
        _dir: dir,
    }
}

async fn channel(address: &str) -> Channel {
    Channel::from_shared(format!("http://{address}"))
        .expect("an address")
        .tcp_nodelay(true)
        .connect()
        .await
        .expect("connected")
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p / 100.0 * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    percentile(values, 50.0)
}

fn sorted(mut values: Vec<f64>) -> Vec<f64> {
    values.sort_by(f64::total_cmp);
    values
}

async fn wait_for_stock(grpc: &str, count: u32) {
    let mut pool = PoolClient::new(channel(grpc).await);
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let stock = pool
            .list_stock(pb::ListStockRequest::default())
            .await
            .expect("ListStock")
            .into_inner();
        if stock
            .entries
            .iter()
            .map(|entry| entry.available)
            .sum::<u32>()
            >= count
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the SIMs never all became rentable"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// One round of Allocate + Release: (pairs per second, allocate ms, release ms, pair ms).
async fn allocate_release_round(
    grpc: &str,
    clients: usize,
    seconds: u64,
    round: usize,
) -> (f64, Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut channels = Vec::with_capacity(clients);
    for _ in 0..clients {
        channels.push(channel(grpc).await);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (client, channel) in channels.into_iter().enumerate() {
        let stop = Arc::clone(&stop);
        tasks.spawn(async move {
            let mut pool = PoolClient::new(channel);
            let (mut allocate, mut release, mut pair) = (Vec::new(), Vec::new(), Vec::new());
            let mut iteration = 0u64;
            while !stop.load(Ordering::Relaxed) {
                iteration += 1;
                let begin = Instant::now();
                let response = pool
                    .allocate(pb::AllocateRequest {
                        service: format!("r{round}c{client}i{iteration}"),
                        quantity: 1,
                        ..pb::AllocateRequest::default()
                    })
                    .await;
                let allocated = Instant::now();
                let Ok(response) = response else {
                    // No SIM free this instant (every one held by another client): count
                    // nothing, try again.
                    continue;
                };
                let Some(allocation) = response.into_inner().allocations.pop() else {
                    continue;
                };
                pool.release(pb::ReleaseRequest {
                    id: allocation.id,
                    reason: pb::ReleaseReason::Completed.into(),
                })
                .await
                .expect("released");
                let released = Instant::now();
                allocate.push((allocated - begin).as_secs_f64() * 1000.0);
                release.push((released - allocated).as_secs_f64() * 1000.0);
                pair.push((released - begin).as_secs_f64() * 1000.0);
            }
            (allocate, release, pair)
        });
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let (mut allocate, mut release, mut pair) = (Vec::new(), Vec::new(), Vec::new());
    while let Some(result) = tasks.join_next().await {
        let (a, r, p) = result.expect("a client task");
        allocate.extend(a);
        release.extend(r);
        pair.extend(p);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let rate = pair.len() as f64 / elapsed;
    (rate, sorted(allocate), sorted(release), sorted(pair))
}

/// One round of injection → watch delivery latencies (ms).
async fn delivery_round(served: &Served, seconds: u64, round: usize) -> Vec<f64> {
    let mut pool = PoolClient::new(channel(&served.daemon.grpc).await);
    let mut allocations = Vec::new();
    let response = pool
        .allocate(pb::AllocateRequest {
            service: format!("watch{round}"),
            quantity: u32::try_from(WATCHED_NUMBERS).unwrap_or(16),
            ..pb::AllocateRequest::default()
        })
        .await
        .expect("allocated the watched numbers")
        .into_inner();
    for allocation in &response.allocations {
        let port = served
            .daemon
            .ports
            .iter()
            .position(|line| common::field(line, "msisdn") == allocation.number)
            .expect("the port of an allocated number");
        allocations.push((allocation.id.clone(), u32::try_from(port).unwrap_or(0)));
    }
    let ids: Vec<String> = allocations.iter().map(|(id, _)| id.clone()).collect();
    let mut stream = pool
        .watch_messages(pb::WatchMessagesRequest {
            allocation_ids: ids.clone(),
            after_cursor: 0,
        })
        .await
        .expect("a watch")
        .into_inner();
    let sent: Arc<Mutex<HashMap<u64, Instant>>> = Arc::default();
    let total = seconds * INJECT_PER_SECOND;
    let injector = {
        let sent = Arc::clone(&sent);
        let control = served.daemon.control.clone();
        tokio::spawn(async move {
            let mut simulator = SimulatorControlClient::new(channel(&control).await);
            let mut tick =
                tokio::time::interval(Duration::from_micros(1_000_000 / INJECT_PER_SECOND));
            for sequence in 0..total {
                tick.tick().await;
                let (_, port) = allocations[sequence as usize % allocations.len()];
                sent.lock().await.insert(sequence, Instant::now());
                simulator
                    .send_sms(pb::SendSmsRequest {
                        port,
                        from: "Bench".to_owned(),
                        text: format!("Your code is 4821 ref {sequence}"),
                        ..pb::SendSmsRequest::default()
                    })
                    .await
                    .expect("the simulator took the SMS");
            }
        })
    };
    let mut latencies = Vec::with_capacity(total as usize);
    let deadline = Instant::now() + Duration::from_secs(seconds + 30);
    while latencies.len() < total as usize && Instant::now() < deadline {
        let Ok(Ok(Some(item))) =
            tokio::time::timeout(Duration::from_secs(5), stream.message()).await
        else {
            break;
        };
        let arrived = Instant::now();
        if let Some(Item::Message(message)) = item.item
            && let Some(sequence) = message
                .text
                .rsplit(' ')
                .next()
                .and_then(|word| word.parse::<u64>().ok())
            && let Some(at) = sent.lock().await.get(&sequence)
        {
            latencies.push((arrived - *at).as_secs_f64() * 1000.0);
        }
    }
    let _ = injector.await;
    for id in ids {
        let _ = pool
            .release(pb::ReleaseRequest {
                id,
                reason: pb::ReleaseReason::Completed.into(),
            })
            .await;
    }
    if latencies.len() < total as usize {
        println!(
            "  (round {round}: {} of {total} SMS delivered in time)",
            latencies.len()
        );
    }
    sorted(latencies)
}

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|arg| arg.parse().ok())
        .collect();
    let clients = usize::try_from(*args.first().unwrap_or(&64)).unwrap_or(64);
    let seconds = *args.get(1).unwrap_or(&10);
    let rounds = usize::try_from(*args.get(2).unwrap_or(&3)).unwrap_or(3);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let served = start();
        wait_for_stock(&served.daemon.grpc, PORTS).await;
        println!("{PORTS} simulated ports ready; {clients} clients, {seconds} s rounds, {rounds} rounds");

        let (mut rates, mut p50s, mut p99s) = (Vec::new(), Vec::new(), Vec::new());
        let (mut allocate_p99s, mut release_p99s) = (Vec::new(), Vec::new());
        for round in 0..rounds {
            let (rate, allocate, release, pair) =
                allocate_release_round(&served.daemon.grpc, clients, seconds, round).await;
            println!(
                "  round {round}: {rate:.0} pairs/s; allocate p50 {:.2} p99 {:.2} ms; release p50 {:.2} p99 {:.2} ms; pair p50 {:.2} p99 {:.2} ms",
                percentile(&allocate, 50.0),
                percentile(&allocate, 99.0),
                percentile(&release, 50.0),
                percentile(&release, 99.0),
                percentile(&pair, 50.0),
                percentile(&pair, 99.0),
            );
            rates.push(rate);
            p50s.push(percentile(&pair, 50.0));
            p99s.push(percentile(&pair, 99.0));
            allocate_p99s.push(percentile(&allocate, 99.0));
            release_p99s.push(percentile(&release, 99.0));
        }
        println!(
            "allocate+release ({clients} clients): {:.0} pairs/s; pair p50 {:.2} ms, p99 {:.2} ms; allocate p99 {:.2} ms; release p99 {:.2} ms (medians of {rounds} rounds)",
            median(&mut rates),
            median(&mut p50s),
            median(&mut p99s),
            median(&mut allocate_p99s),
            median(&mut release_p99s),
        );

        let (mut d50, mut d99) = (Vec::new(), Vec::new());
        for round in 0..rounds {
            let latencies = delivery_round(&served, seconds, round).await;
            println!(
                "  round {round}: {} SMS; delivery p50 {:.2} ms, p99 {:.2} ms",
                latencies.len(),
                percentile(&latencies, 50.0),
                percentile(&latencies, 99.0)
            );
            d50.push(percentile(&latencies, 50.0));
            d99.push(percentile(&latencies, 99.0));
        }
        println!(
            "injection -> WatchMessages at {INJECT_PER_SECOND} SMS/s: p50 {:.2} ms, p99 {:.2} ms (medians of {rounds} rounds)",
            median(&mut d50),
            median(&mut d99)
        );
    });
}
