//! The daemon core against a simulated rack over pseudo-terminals: inventory, lossless and
//! exactly-once ingest, multipart reassembly, and faults on one port while the others keep
//! receiving.
//!
//! Every wait is for a condition, polled, and bounded: a stuck daemon fails the test.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use modempool::at::runner::Timeouts;
use modempool::at::transcript::{self, Direction, Transcript};
use modempool::config::{IngestMode, PoolConfig};
use modempool::modem::{Daemon, DaemonOptions};
use modempool::modem::{PortSettings, PortState, SimDirectory};
use modempool::pool::{MessageFilter, NumberSource, Pool};
use modempool::simulator::host::{PersonalityChoice, Rack, RackConfig, RackFault};
use modempool::simulator::modem::Fault;
use modempool::simulator::sms::IncomingSms;

use crate::common::until;

/// Generous for a debug build on a loaded two-core machine.
const BOUND: Duration = Duration::from_secs(120);

fn settings(ingest: IngestMode) -> PortSettings {
    PortSettings {
        ingest,
        timeouts: Timeouts {
            quick: Duration::from_secs(3),
            storage: Duration::from_secs(10),
            network: Duration::from_secs(15),
            scan: Duration::from_secs(20),
        },
        health_interval: Duration::from_secs(2),
        sweep_interval: Duration::from_secs(3),
        backoff_initial: Duration::from_millis(200),
        backoff_max: Duration::from_secs(2),
        boot_wait: Duration::from_secs(20),
        ussd_wait: Duration::from_secs(10),
        ..PortSettings::default()
    }
}

struct Bench {
    _dir: tempfile::TempDir,
    rack: Rack,
    daemon: Daemon,
}

impl Bench {
    async fn start(ports: u32, personality: PersonalityChoice) -> Bench {
        Self::start_with(
            ports,
            personality,
            Duration::from_secs(600),
            IngestMode::Store,
        )
        .await
    }

    async fn start_with(
        ports: u32,
        personality: PersonalityChoice,
        multipart_timeout: Duration,
        ingest: IngestMode,
    ) -> Bench {
        Self::start_replaying(
            ports,
            personality,
            multipart_timeout,
            settings(ingest),
            Vec::new(),
        )
        .await
    }

    /// One port of `personality` whose storage sweep is five minutes away: an SMS stored
    /// within the test's bound came by its announcement, not by a sweep.
    async fn one_without_sweeps(
        personality: modempool::simulator::personality::Personality,
    ) -> Bench {
        Self::start_replaying(
            1,
            PersonalityChoice::One(personality),
            Duration::from_secs(600),
            PortSettings {
                sweep_interval: Duration::from_secs(300),
                ..settings(IngestMode::Store)
            },
            Vec::new(),
        )
        .await
    }

    /// A rack whose port K plays the K-th of `replay` back.
    async fn start_replaying(
        ports: u32,
        personality: PersonalityChoice,
        multipart_timeout: Duration,
        port_settings: PortSettings,
        replay: Vec<Transcript>,
    ) -> Bench {
        let dir = tempfile::tempdir().unwrap();
        let rack = Rack::start(RackConfig {
            ports,
            link_dir: dir.path().join("links"),
            personality,
            seed: 11,
            sim_pin: None,
            replay,
        })
        .await
        .unwrap();
        let options = DaemonOptions {
            multipart_timeout,
            port_settings: Arc::new(move |_: &Path| port_settings.clone()),
            ..options(dir.path())
        };
        let daemon = start_daemon(dir.path(), options).await;
        Bench {
            _dir: dir,
            rack,
            daemon,
        }
    }

    /// Waits until `done` holds, polling; panics with `what` after `BOUND`.
    async fn until(&self, what: &str, mut done: impl FnMut(&Bench) -> bool) {
        until(what, BOUND, async || {
            if done(self) {
                Ok(())
            } else {
                let ports: Vec<String> = self
                    .daemon
                    .ports()
                    .iter()
                    .map(|p| format!("{} {} {:?}", p.path, p.state, p.detail))
                    .collect();
                Err(format!("ports:\n{}", ports.join("\n")))
            }
        })
        .await;
    }

    async fn all_ready(&self, count: usize) {
        self.until(&format!("{count} ports ready"), |bench| {
            let ports = bench.daemon.ports();
            ports.len() == count && ports.iter().all(|port| port.state == PortState::Ready)
        })
        .await;
    }

    fn texts(&self) -> BTreeMap<String, Vec<String>> {
        let mut by_sim: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for message in self
            .daemon
            .pool()
            .stored_messages(MessageFilter {
                limit: MessageFilter::MAX_LIMIT,
                ..MessageFilter::default()
            })
            .unwrap()
        {
            by_sim
                .entry(message.iccid.clone())
                .or_default()
                .push(message.text.clone().unwrap_or_default());
        }
        by_sim
    }

    /// Waits until no SMS is left on any simulated modem (all committed and deleted).
    async fn until_modems_empty(&self) {
        until("no SMS left on the modems", BOUND, async || {
            self.stored_on_modems().await == 0
        })
        .await;
    }

    /// How many times each modem has listed its storage (`+CMGL`), by port.
    async fn listings(&self) -> Vec<u64> {
        self.rack
            .list()
            .await
            .unwrap()
            .iter()
            .map(|port| port.listings)
            .collect()
    }

    async fn stored_on_modems(&self) -> u32 {
        self.rack
            .list()
            .await
            .unwrap()
            .iter()
            .map(|port| port.stored)
            .sum()
    }
}

/// Opens the pool over `dir/modempool.db` and starts the daemon's ports on it.
async fn start_daemon(dir: &Path, options: DaemonOptions) -> Daemon {
    let pool = Pool::open(&dir.join("modempool.db"), "test", PoolConfig::default())
        .await
        .unwrap();
    Daemon::start(options, pool).await
}

/// Stops the daemon's ports, then closes its pool (so that the next start may open the
/// same file).
async fn stop_daemon(daemon: Daemon) {
    let pool = daemon.pool().clone();
    daemon.stop(BOUND).await;
    pool.close().await;
}

/// The daemon's options for a rack linked in `dir/links`.
fn options(dir: &Path) -> DaemonOptions {
    DaemonOptions {
        globs: vec![format!("{}/sim*", dir.join("links").display())],
        scan_interval: Duration::from_millis(500),
        port_settings: Arc::new(|_: &Path| settings(IngestMode::Store)),
        directory: SimDirectory {
            ussd_code: Some(Arc::new(|mcc: &str, mnc: &str| {
                modempool::inventory::default_number_query_code(mcc, mnc).map(str::to_owned)
            })),
            ..SimDirectory::default()
        },
        multipart_timeout: Duration::from_secs(600),
        retry_pins: Vec::new(),
    }
}

fn sms(from: &str, text: &str) -> IncomingSms {
    IncomingSms::new(from, text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mixed_rack_of_32_is_inventoried_with_every_number() {
    let bench = Bench::start(32, PersonalityChoice::Mixed).await;
    bench.all_ready(32).await;
    let views = bench.rack.list().await.unwrap();
    let sims = bench.daemon.pool().sims().unwrap();
    assert_eq!(sims.len(), 32);
    let mut by_ussd = 0;
    for view in &views {
        let iccid = view.iccid.clone().unwrap();
        let sim = sims
            .iter()
            .find(|sim| sim.iccid == iccid)
            .unwrap_or_else(|| panic!("{iccid} not inventoried"));
        assert_eq!(
            sim.number.as_ref().map(|number| number.number.clone()),
            view.msisdn,
            "number of {iccid} ({})",
            view.personality
        );
        assert_eq!(sim.imsi, view.imsi);
        assert!(sim.country.is_some(), "country of {iccid}");
        assert_eq!(sim.port_path.as_deref(), Some(view.link.to_str().unwrap()));
        if !view.msisdn_on_sim {
            by_ussd += 1;
            assert_eq!(
                sim.number.as_ref().map(|number| number.source),
                Some(NumberSource::Ussd)
            );
        }
    }
    assert!(
        by_ussd > 0,
        "the rack has SIMs whose number only USSD gives"
    );
    stop_daemon(bench.daemon).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sms_is_stored_once_and_leaves_the_modem_only_after_its_commit() {
    let bench = Bench::start(6, PersonalityChoice::Mixed).await;
    bench.all_ready(6).await;
    for port in 0..6 {
        bench
            .rack
            .send_sms(
                port,
                sms("Google", &format!("G-{port}0000 is your code")),
                1,
            )
            .await
            .unwrap();
    }
    bench
        .until("6 messages stored", |bench| {
            bench.daemon.pool().message_count().unwrap() == 6
        })
        .await;
    // Deleted from the modems once committed.
    bench.until_modems_empty().await;
    // Two more sweeps of every port later (each lists the storage): still exactly six.
    let listed = bench.listings().await;
    until("two more sweeps of every port", BOUND, async || {
        let now = bench.listings().await;
        now.iter()
            .zip(&listed)
            .all(|(now, before)| *now >= before + 2)
    })
    .await;
    assert_eq!(bench.daemon.pool().message_count().unwrap(), 6);
    let texts = bench.texts();
    assert_eq!(texts.len(), 6);
    for texts in texts.values() {
        assert_eq!(texts.len(), 1);
        assert!(texts[0].ends_with("0000 is your code"), "{texts:?}");
    }
    stop_daemon(bench.daemon).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multipart_out_of_order_is_joined_and_a_missing_part_is_delivered_after_the_timeout() {
    let bench = Bench::start_with(
        2,
        PersonalityChoice::One(modempool::simulator::personality::Personality::QuectelEc2x),
        Duration::from_secs(3),
        IngestMode::Store,
    )
    .await;
    bench.all_ready(2).await;
    let long =
        "Ваш код подтверждения 424242. Никому не сообщайте этот код, даже сотрудникам банка!";
    let mut shuffled = sms("+79161234567", long);
    shuffled.ucs2 = true;
    shuffled.parts = Some(3);
    shuffled.shuffle = true;
    bench.rack.send_sms(0, shuffled, 1).await.unwrap();
    let mut missing = sms(
        "Bank",
        "Part one is here, part two is lost, part three is here.",
    );
    missing.parts = Some(3);
    missing.drop_part = Some(2);
    bench.rack.send_sms(1, missing, 1).await.unwrap();
    bench
        .until("both messages delivered", |bench| {
            bench.daemon.pool().message_count().unwrap() == 2
        })
        .await;
    let messages = bench
        .daemon
        .pool()
        .stored_messages(MessageFilter::default())
        .unwrap();
    let complete = messages
        .iter()
        .find(|m| m.sender.as_deref() == Some("+79161234567"))
        .unwrap();
    assert_eq!(complete.text.as_deref(), Some(long));
    assert!(!complete.incomplete);
    let partial = messages
        .iter()
        .find(|m| m.sender.as_deref() == Some("Bank"))
        .unwrap();
    assert!(partial.incomplete);
    assert_eq!(partial.parts_received, 2);
    stop_daemon(bench.daemon).await;
}

/// One fault on port 0 at a time; ports 1 and 2 keep receiving; port 0 comes back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_on_one_port_do_not_disturb_the_others_and_nothing_is_lost() {
    let bench = Bench::start(3, PersonalityChoice::Mixed).await;
    bench.all_ready(3).await;
    let faults: Vec<(&str, Vec<RackFault>)> = vec![
        ("hang", vec![RackFault::Modem(Fault::Hang)]),
        ("unplug", vec![RackFault::Unplug]),
        ("reboot", vec![RackFault::Modem(Fault::Reboot)]),
        ("garbage", vec![RackFault::Modem(Fault::Garbage)]),
        ("sim-swap", vec![RackFault::SimSwap]),
        ("storage-full", vec![RackFault::Modem(Fault::StorageFull)]),
    ];
    for (name, fault) in faults {
        for step in fault {
            bench.rack.fault(0, step).await.unwrap();
        }
        let during: Vec<String> = (1..3)
            .map(|port| format!("during {name} on {port}"))
            .collect();
        for (port, text) in (1..3).zip(&during) {
            bench
                .rack
                .send_sms(port, sms("+4915112345678", text), 1)
                .await
                .unwrap();
        }
        bench
            .until(
                &format!("the other ports received during {name}"),
                |bench| {
                    let texts = bench.texts();
                    during
                        .iter()
                        .all(|text| texts.values().flatten().any(|t| t == text))
                },
            )
            .await;
        // Bring port 0 back the way a technician (or the power-cycle step) would.
        match name {
            "hang" => {
                bench
                    .rack
                    .fault(0, RackFault::Modem(Fault::Reboot))
                    .await
                    .unwrap();
            }
            "unplug" => {
                bench.rack.fault(0, RackFault::Replug).await.unwrap();
            }
            _ => {}
        }
        let after = format!("after {name}");
        bench
            .rack
            .send_sms(0, sms("Google", &after), 1)
            .await
            .unwrap();
        bench
            .until(&format!("port 0 received after {name}"), |bench| {
                bench.texts().values().flatten().any(|text| text == &after)
            })
            .await;
    }
    let texts = bench.texts();
    let all: Vec<&String> = texts.values().flatten().collect();
    for name in [
        "hang",
        "unplug",
        "reboot",
        "garbage",
        "sim-swap",
        "storage-full",
    ] {
        for port in 1..3 {
            let text = format!("during {name} on {port}");
            assert_eq!(all.iter().filter(|t| ***t == text).count(), 1, "{text}");
        }
        let text = format!("after {name}");
        assert_eq!(all.iter().filter(|t| ***t == text).count(), 1, "{text}");
    }
    stop_daemon(bench.daemon).await;
}

/// Direct delivery (+CSMS=1, +CMT, +CNMA after the commit) on every model: class 2 SMS
/// still come by +CMTI, the E173 both routes and stores a copy; each SMS is stored once and
/// nothing is left on the modems.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_delivery_stores_each_sms_once_whatever_path_it_takes() {
    let bench = Bench::start_with(
        6,
        PersonalityChoice::Mixed,
        Duration::from_secs(600),
        IngestMode::Direct,
    )
    .await;
    bench.all_ready(6).await;
    let mut expected = Vec::new();
    for port in 0..6 {
        let text = format!("direct {port}");
        bench
            .rack
            .send_sms(port, sms("+4915112345678", &text), 1)
            .await
            .unwrap();
        expected.push(text);
        let mut class2 = sms("Bank", &format!("class 2 on {port}"));
        class2.class = Some(modempool::pdu::MessageClass::Class2);
        expected.push(class2.text.clone());
        bench.rack.send_sms(port, class2, 1).await.unwrap();
    }
    bench
        .until("every SMS stored", |bench| {
            let texts = bench.texts();
            let all: Vec<&String> = texts.values().flatten().collect();
            expected.iter().all(|text| all.contains(&text))
        })
        .await;
    bench.until_modems_empty().await;
    let texts = bench.texts();
    let all: Vec<&String> = texts.values().flatten().collect();
    for text in &expected {
        assert_eq!(all.iter().filter(|t| **t == text).count(), 1, "{text}");
    }
    assert_eq!(all.len(), expected.len(), "{all:?}");
    stop_daemon(bench.daemon).await;
}

/// A burst larger than the SIM's storage: the modem refuses what does not fit, the network
/// keeps it and retries as the daemon frees space; every SMS arrives, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_larger_than_the_sim_storage_arrives_whole() {
    let bench = Bench::start(2, PersonalityChoice::Mixed).await;
    bench.all_ready(2).await;
    for port in 0..2 {
        bench
            .rack
            .send_sms(port, sms("Google", &format!("burst on {port}")), 80)
            .await
            .unwrap();
    }
    bench
        .until("160 messages stored", |bench| {
            bench.daemon.pool().message_count().unwrap() >= 160
        })
        .await;
    let texts = bench.texts();
    assert_eq!(texts.values().map(Vec::len).sum::<usize>(), 160);
    for port in 0..2 {
        let text = format!("burst on {port}");
        assert_eq!(
            texts.values().flatten().filter(|t| **t == text).count(),
            80,
            "{text}"
        );
    }
    stop_daemon(bench.daemon).await;
}

/// Waits until port `sim{port}` is in `state` with `detail` in its detail.
async fn wait_for_port(daemon: &Daemon, port: usize, state: PortState, detail: &str) {
    let name = format!("sim{port}");
    let what = format!("{name} {state} with {detail:?} in its detail");
    until(&what, BOUND, async || {
        let ports = daemon.ports();
        let status = ports.iter().find(|status| status.path.ends_with(&name));
        match status {
            Some(status)
                if status.state == state
                    && status.detail.as_deref().unwrap_or("").contains(detail) =>
            {
                Ok(())
            }
            Some(status) => Err(format!("{name}: {} {:?}", status.state, status.detail)),
            None => Err(format!("no port {name}")),
        }
    })
    .await;
}

/// SIMs that ask for a PIN: the configured one is entered; a wrong one is tried once and
/// never again, not even after a restart, until a technician allows it (`--retry-pin`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_pin_is_tried_once_even_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let rack = Rack::start(RackConfig {
        ports: 2,
        link_dir: dir.path().join("links"),
        personality: PersonalityChoice::One(
            modempool::simulator::personality::Personality::QuectelEc2x,
        ),
        seed: 5,
        sim_pin: Some("4321".to_owned()),
        replay: Vec::new(),
    })
    .await
    .unwrap();
    let views = rack.list().await.unwrap();
    let good = views[0].iccid.clone().unwrap();
    let bad = views[1].iccid.clone().unwrap();
    let start = |pins: Vec<(String, String)>, retry: Vec<String>| {
        let mut options = options(dir.path());
        options.directory.pins = pins.into_iter().collect();
        options.retry_pins = retry;
        start_daemon(dir.path(), options)
    };
    let wrong = vec![
        (good.clone(), "4321".to_owned()),
        (bad.clone(), "1111".to_owned()),
    ];
    let daemon = start(wrong.clone(), Vec::new()).await;
    wait_for_port(&daemon, 0, PortState::Ready, "").await;
    wait_for_port(
        &daemon,
        1,
        PortState::Degraded,
        "refused the configured PIN",
    )
    .await;
    stop_daemon(daemon).await;
    // Restarted twice with the same wrong PIN: not tried again (had it been, the SIM would
    // now have had three wrong tries and be blocked behind its PUK).
    for _ in 0..2 {
        let daemon = start(wrong.clone(), Vec::new()).await;
        wait_for_port(&daemon, 1, PortState::Degraded, "not trying it again").await;
        stop_daemon(daemon).await;
    }
    // The technician fixes the PIN and allows one more try: the SIM, tried wrong only once,
    // takes it.
    let fixed = vec![(good, "4321".to_owned()), (bad.clone(), "4321".to_owned())];
    let daemon = start(fixed, vec![bad]).await;
    wait_for_port(&daemon, 1, PortState::Ready, "").await;
    stop_daemon(daemon).await;
}

/// A modem that answers a plain `AT` with `ERROR`, never echoes, lists an empty store as
/// `+CMS ERROR: 321` and answers unknown commands `COMMAND NOT SUPPORT` is inventoried and
/// stores an injected SMS; its empty listings are no error for the port.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terse_modem_is_inventoried_and_stores_an_injected_sms() {
    use modempool::simulator::personality::Personality;
    let bench = Bench::start(1, PersonalityChoice::One(Personality::Terse)).await;
    bench.all_ready(1).await;
    let view = bench.rack.view(0).await.unwrap();
    let sims = bench.daemon.pool().sims().unwrap();
    assert_eq!(sims.len(), 1);
    assert_eq!(Some(&sims[0].iccid), view.iccid.as_ref());
    bench
        .rack
        .send_sms(0, sms("Bank", "Your code is 551177"), 1)
        .await
        .unwrap();
    bench
        .until("the SMS stored", |bench| {
            bench.daemon.pool().message_count().unwrap() == 1
        })
        .await;
    bench.until_modems_empty().await;
    // Two more sweeps of the now empty store, each answered `+CMS ERROR: 321`.
    let listed = bench.listings().await;
    until("two more sweeps", BOUND, async || {
        let now = bench.listings().await;
        now.iter()
            .zip(&listed)
            .all(|(now, before)| *now >= before + 2)
    })
    .await;
    let ports = bench.daemon.ports();
    assert_eq!(ports[0].state, PortState::Ready);
    assert_eq!(ports[0].detail, None, "an empty store is not an error");
    assert_eq!(bench.daemon.pool().message_count().unwrap(), 1);
    stop_daemon(bench.daemon).await;
}

/// A modem whose echo ignores `ATE0`, is printed twice and has an unsolicited line glued in
/// front of it every third command is inventoried (its identity answers not taken for the
/// echo) and stores an injected SMS.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stubborn_echo_is_no_answer_and_the_modem_stores_an_injected_sms() {
    use modempool::simulator::personality::Personality;
    let bench = Bench::start(1, PersonalityChoice::One(Personality::Stubborn)).await;
    bench.all_ready(1).await;
    let view = bench.rack.view(0).await.unwrap();
    let sims = bench.daemon.pool().sims().unwrap();
    assert_eq!(sims.len(), 1);
    assert_eq!(Some(&sims[0].iccid), view.iccid.as_ref());
    assert_eq!(sims[0].imsi.as_ref(), view.imsi.as_ref());
    let status = &bench.daemon.ports()[0];
    assert_eq!(status.imei.as_ref(), Some(&view.imei), "{status:?}");
    bench
        .rack
        .send_sms(0, sms("Bank", "Your code is 770011"), 1)
        .await
        .unwrap();
    bench
        .until("the SMS stored", |bench| {
            bench.daemon.pool().message_count().unwrap() == 1
        })
        .await;
    bench.until_modems_empty().await;
    assert_eq!(bench.daemon.ports()[0].state, PortState::Ready);
    stop_daemon(bench.daemon).await;
}

/// A modem whose listings are cluttered (`""` for the empty alpha, a space after each
/// comma, a URC after every entry) and whose first read of a new message is a bare `OK`: the
/// SMS is stored within seconds, not at the sweep (five minutes here), and never deleted
/// unread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluttered_modems_announced_sms_that_reads_empty_is_read_again_at_once() {
    use modempool::simulator::personality::Personality;
    let bench = Bench::one_without_sweeps(Personality::Cluttered).await;
    bench.all_ready(1).await;
    let listed = bench.listings().await[0];
    bench
        .rack
        .send_sms(0, sms("Bank", "Your code is 880022"), 1)
        .await
        .unwrap();
    // Well within the sweep: only the read again after the bare `OK` can find it.
    until("the SMS stored", Duration::from_secs(60), async || {
        bench.daemon.pool().message_count().unwrap() == 1
    })
    .await;
    assert!(bench.listings().await[0] > listed, "found by a listing");
    bench.until_modems_empty().await;
    assert_eq!(bench.texts().values().flatten().count(), 1);
    assert_eq!(bench.daemon.ports()[0].state, PortState::Ready);
    stop_daemon(bench.daemon).await;
}

/// A modem that hangs climbs the ladder: reopen, reset, and (no power-cycle command being
/// configured) straight to failed, with no power-cycle step recorded. Failed then stays
/// failed through its retries, with the next retry's time while it waits, until the modem
/// answers again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_modem_climbs_to_failed_and_stays_failed_through_its_retries() {
    use modempool::simulator::personality::Personality;
    let bench = Bench::start_replaying(
        1,
        PersonalityChoice::One(Personality::Generic),
        Duration::from_secs(600),
        PortSettings {
            boot_wait: Duration::from_secs(2),
            backoff_initial: Duration::from_secs(2),
            backoff_max: Duration::from_secs(4),
            timeouts: Timeouts {
                quick: Duration::from_millis(500),
                storage: Duration::from_secs(2),
                network: Duration::from_secs(2),
                scan: Duration::from_secs(2),
            },
            ..settings(IngestMode::Store)
        },
        Vec::new(),
    )
    .await;
    bench.all_ready(1).await;
    let path = bench.daemon.ports()[0].path.clone();
    bench
        .rack
        .fault(0, RackFault::Modem(Fault::Hang))
        .await
        .unwrap();
    bench
        .until("the port failed, with its next retry", |bench| {
            let port = &bench.daemon.ports()[0];
            port.state == PortState::Failed && port.next_retry.is_some()
        })
        .await;
    let failed = bench.daemon.ports()[0].clone();
    let detail = failed.detail.clone().unwrap_or_default();
    assert!(detail.contains("next retry at"), "{detail}");
    // Through the next retry (its wait, its reset, its reopen) the port never shows
    // opening or probing: it is failed until the modem answers.
    let recoveries = failed.recoveries;
    let deadline = std::time::Instant::now() + BOUND;
    loop {
        let port = bench.daemon.ports()[0].clone();
        assert_eq!(
            port.state,
            PortState::Failed,
            "left failed during a retry: {port:?}"
        );
        if port.recoveries > recoveries {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no retry: {port:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let events: Vec<String> = bench
        .daemon
        .pool()
        .port_events(&path, 100)
        .unwrap()
        .iter()
        .map(|event| event.kind.clone())
        .collect();
    assert!(
        events.iter().any(|kind| kind == "modem_reset"),
        "{events:?}"
    );
    assert!(
        !events.iter().any(|kind| kind == "power_cycle"),
        "{events:?}"
    );
    // The modem answers again: ready, and no retry pending.
    bench
        .rack
        .fault(0, RackFault::Modem(Fault::Clear))
        .await
        .unwrap();
    bench.all_ready(1).await;
    assert_eq!(bench.daemon.ports()[0].next_retry, None);
    stop_daemon(bench.daemon).await;
}

/// On every model the operator is known once the SIM is registered: its MCC-MNC (the home
/// network of the simulated SIM, so a prefix of its IMSI) and a name; and Allocate finds a
/// SIM by either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_models_operator_is_known_by_code_and_name_and_allocate_finds_it() {
    use modempool::pool::AllocateParams;
    use modempool::simulator::personality::Personality;
    let count = Personality::ALL.len();
    let bench = Bench::start(count as u32, PersonalityChoice::Mixed).await;
    bench.all_ready(count).await;
    let views = bench.rack.list().await.unwrap();
    bench
        .until("every SIM's operator known", |bench| {
            let sims = bench.daemon.pool().sims().unwrap();
            sims.len() == count
                && sims
                    .iter()
                    .all(|sim| sim.operator_code.is_some() && sim.operator.is_some())
        })
        .await;
    let sims = bench.daemon.pool().sims().unwrap();
    for sim in &sims {
        let view = views
            .iter()
            .find(|view| view.iccid.as_ref() == Some(&sim.iccid))
            .unwrap();
        let code = sim.operator_code.clone().unwrap();
        let imsi = view.imsi.clone().unwrap();
        assert!(
            imsi.starts_with(&code.replace('-', "")),
            "{} ({}): {code} is not the home network of {imsi}",
            view.personality,
            sim.iccid
        );
        let name = sim.operator.clone().unwrap();
        assert!(
            !name.is_empty() && !name.chars().all(|c| c.is_ascii_digit()),
            "{name}"
        );
    }
    for (operator, what) in [
        (sims[0].operator_code.clone().unwrap(), "code"),
        (sims[1].operator.clone().unwrap(), "name"),
    ] {
        let allocated = bench
            .daemon
            .pool()
            .allocate(
                "test",
                AllocateParams {
                    service: "other".to_owned(),
                    operator: operator.clone(),
                    ..AllocateParams::default()
                },
            )
            .await
            .unwrap_or_else(|error| panic!("by {what} {operator}: {error}"));
        assert_eq!(allocated.allocations.len(), 1, "by {what} {operator}");
    }
    stop_daemon(bench.daemon).await;
}

/// A modem that refuses `+CNMI=2,1,0,0,0` (the terse one takes `<mode>` 0 and 1 only) is
/// given the fallback its `+CNMI=?` allows, the refusal recorded once as its dialect, and its
/// SMS are announced and stored within seconds, not at the sweep (five minutes here).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_cnmi_falls_back_and_sms_are_still_announced() {
    use modempool::simulator::personality::Personality;
    let bench = Bench::one_without_sweeps(Personality::Terse).await;
    bench.all_ready(1).await;
    let path = bench.daemon.ports()[0].path.clone();
    bench
        .rack
        .send_sms(0, sms("Bank", "Your code is 990033"), 1)
        .await
        .unwrap();
    until(
        "the announced SMS stored",
        Duration::from_secs(60),
        async || bench.daemon.pool().message_count().unwrap() == 1,
    )
    .await;
    // The refusal is recorded once, not at every health poll (every 2 s here).
    let refused = |bench: &Bench| {
        bench
            .daemon
            .pool()
            .port_events(&path, 100)
            .unwrap()
            .iter()
            .filter(|event| event.kind == "command_refused" && event.detail.contains("+CNMI"))
            .count()
    };
    assert_eq!(refused(&bench), 1);
    stop_daemon(bench.daemon).await;
}

/// A Huawei stick that reboots prints no `RDY`, and its PDU mode is the factory default, so
/// only its indications tell: they went back to `0,0,0,0,0`. The daemon notices, records
/// `modem_restarted`, configures it again, and the SMS that follows is announced and stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_reboot_is_noticed_and_the_modem_configured_again() {
    use modempool::simulator::personality::Personality;
    let bench = Bench::start(1, PersonalityChoice::One(Personality::HuaweiE3372)).await;
    bench.all_ready(1).await;
    let path = bench.daemon.ports()[0].path.clone();
    let restarts = |bench: &Bench| {
        bench
            .daemon
            .pool()
            .port_events(&path, 100)
            .unwrap()
            .iter()
            .filter(|event| event.kind == "modem_restarted")
            .count()
    };
    let before = restarts(&bench);
    bench
        .rack
        .fault(0, RackFault::Modem(Fault::Reboot))
        .await
        .unwrap();
    bench
        .until("the reboot recorded", |bench| restarts(bench) > before)
        .await;
    bench.all_ready(1).await;
    bench
        .rack
        .send_sms(0, sms("Bank", "Your code is 662211"), 1)
        .await
        .unwrap();
    bench
        .until("the SMS after the reboot stored", |bench| {
            bench.daemon.pool().message_count().unwrap() == 1
        })
        .await;
    stop_daemon(bench.daemon).await;
}

/// The SMS a transcript's `+CMGL` listings hold, decoded here from the PDUs: by sender, the
/// texts of the messages (the parts of a concatenated one joined in order), sorted.
fn listed_messages(transcript: &Transcript) -> BTreeMap<String, Vec<String>> {
    use modempool::cli::pdu::JsonReport;
    use modempool::pdu::Pdu;
    let mut parts: BTreeMap<(String, i64), Vec<(i64, String)>> = BTreeMap::new();
    let mut single = 0;
    let received: Vec<&str> = transcript
        .lines
        .iter()
        .filter(|line| line.dir == Direction::Rx)
        .map(|line| line.text.as_str())
        .collect();
    for pair in received.windows(2) {
        if !pair[0].starts_with("+CMGL:") {
            continue;
        }
        let decoded = Pdu::decode_hex(pair[1]);
        let report = serde_json::to_value(JsonReport::from(&decoded)).unwrap();
        let sender = report["sender"].as_str().unwrap().to_owned();
        let text = report["text"].as_str().unwrap().to_owned();
        match report["concat"]["ref"].as_i64() {
            Some(reference) => {
                let seq = report["concat"]["seq"].as_i64().unwrap();
                parts
                    .entry((sender, reference))
                    .or_default()
                    .push((seq, text));
            }
            None => {
                single -= 1;
                parts.entry((sender, single)).or_default().push((1, text));
            }
        }
    }
    let mut by_sender: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for ((sender, _), mut texts) in parts {
        texts.sort();
        let text: String = texts.into_iter().map(|(_, text)| text).collect();
        by_sender.entry(sender).or_default().push(text);
    }
    for texts in by_sender.values_mut() {
        texts.sort();
    }
    by_sender
}

/// Every real modem dialogue of the shared set (tests/fixtures/transcripts.jsonl), played
/// back by a simulated port (generic personality for what a transcript does not answer),
/// reaches ready, and every SMS its listings hold is stored exactly once: the E1752's
/// listing with an empty alpha, the EC21-J's two-part UCS2 message joined. The storage-full
/// E3276, the ZTE status report before the echo, the SIM7600 boot lines in place of an
/// answer, the Quectel answers without OK and the Option modem's `MT` storage all end ready.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_shared_transcript_replayed_is_ready_and_stores_its_listings_once() {
    use modempool::simulator::personality::Personality;
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/transcripts.jsonl"
    );
    let transcripts = transcript::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    let count = transcripts.len();
    assert_eq!(count, 10);
    let mut expected: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for transcript in &transcripts {
        for (sender, texts) in listed_messages(transcript) {
            expected.entry(sender).or_default().extend(texts);
        }
    }
    assert_eq!(
        expected.values().map(Vec::len).sum::<usize>(),
        2,
        "{expected:?}"
    );
    let bench = Bench::start_replaying(
        count as u32,
        PersonalityChoice::One(Personality::Generic),
        Duration::from_secs(600),
        settings(IngestMode::Store),
        transcripts,
    )
    .await;
    bench.all_ready(count).await;
    let stored = |bench: &Bench| {
        let mut by_sender: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for message in bench
            .daemon
            .pool()
            .stored_messages(MessageFilter {
                limit: MessageFilter::MAX_LIMIT,
                ..MessageFilter::default()
            })
            .unwrap()
        {
            assert!(!message.incomplete, "{message:?}");
            by_sender
                .entry(message.sender.clone().unwrap_or_default())
                .or_default()
                .push(message.text.clone().unwrap_or_default());
        }
        for texts in by_sender.values_mut() {
            texts.sort();
        }
        by_sender
    };
    bench
        .until("the replayed listings stored", |bench| {
            stored(bench) == expected
        })
        .await;
    // Two more sweeps of every port (answered by the personality now): nothing is stored
    // twice, and every port is still ready.
    let listed = bench.listings().await;
    until("two more sweeps", BOUND, async || {
        let now = bench.listings().await;
        now.iter()
            .zip(&listed)
            .all(|(now, before)| *now >= before + 2)
    })
    .await;
    assert_eq!(stored(&bench), expected);
    let ports = bench.daemon.ports();
    assert!(
        ports.iter().all(|port| port.state == PortState::Ready),
        "{:?}",
        ports
            .iter()
            .map(|p| (&p.path, p.state, &p.detail))
            .collect::<Vec<_>>()
    );
    stop_daemon(bench.daemon).await;
}
