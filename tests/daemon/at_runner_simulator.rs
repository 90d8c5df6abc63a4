//! The AT command runner against the simulator, over real pseudo-terminals: what the port
//! task will do to a modem, and what the modem's faults do to the runner.
//!
//! Every wait is for an event and bounded: a hung test fails, it does not hang CI.

use std::path::Path;
use std::time::Duration;

use modempool::at::command::{
    AcknowledgeMessage, ErrorReporting, IccidDialect, IccidQuery, ImeiQuery, Imsi, ListMessages,
    MessageFormat, MessageStatus, NewMessageIndications, ReadMessage, ReportErrors, SelectService,
    SignalQuality,
};
use modempool::at::runner::{
    self, AtChannel, RunError, RunnerConfig, RunnerExit, Timeouts, Unsolicited,
};
use modempool::at::urc::Urc;
use modempool::pdu::{Message, Pdu};
use modempool::simulator::host::{PersonalityChoice, PortView, Rack, RackConfig, RackFault};
use modempool::simulator::modem::Fault;
use modempool::simulator::personality::Personality;
use modempool::simulator::sms::IncomingSms;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_serial::SerialPortBuilderExt;

use crate::common::until;

/// The longest any single wait may take on a loaded two-core machine.
const BOUND: Duration = Duration::from_secs(30);

/// Timeouts short enough that a hang is noticed quickly, long enough for a loaded machine.
fn config() -> RunnerConfig {
    RunnerConfig {
        timeouts: Timeouts {
            quick: Duration::from_secs(3),
            storage: Duration::from_secs(10),
            network: Duration::from_secs(15),
            scan: Duration::from_secs(20),
        },
        ..RunnerConfig::default()
    }
}

async fn rack(ports: u32, personality: PersonalityChoice, dir: &Path) -> Rack {
    Rack::start(RackConfig {
        ports,
        link_dir: dir.to_owned(),
        personality,
        seed: 42,
        sim_pin: None,
        replay: Vec::new(),
    })
    .await
    .expect("the rack starts")
}

struct Port {
    channel: AtChannel,
    unsolicited: mpsc::Receiver<Unsolicited>,
    task: JoinHandle<RunnerExit>,
}

/// Opens the link as the daemon will, and waits until the modem answers `AT` (it may still
/// be booting).
async fn open(link: &Path) -> Port {
    let stream = tokio_serial::new(link.to_string_lossy(), 115_200)
        .open_native_async()
        .unwrap_or_else(|error| panic!("{}: {error}", link.display()));
    let (channel, unsolicited, task) = runner::spawn(stream, config());
    let port = Port {
        channel,
        unsolicited,
        task,
    };
    wait_until_answering(&port.channel).await;
    port
}

async fn wait_until_answering(channel: &AtChannel) {
    until("the modem answers AT", BOUND, async || {
        match channel.raw("AT", Duration::from_millis(700)).await {
            Ok(response) => response.result.is_success(),
            Err(error) if error.is_port_lost() => panic!("port lost while waiting: {error}"),
            Err(_) => false,
        }
    })
    .await;
}

/// A rack of one `personality` modem, opened and answering; the directory holds the link.
async fn one_port(personality: Personality) -> (tempfile::TempDir, Rack, PortView, Port) {
    let dir = tempfile::tempdir().unwrap();
    let rack = rack(1, PersonalityChoice::One(personality), dir.path()).await;
    let view = rack.view(0).await.unwrap();
    let port = open(&view.link).await;
    (dir, rack, view, port)
}

/// PDU mode, SMS stored and announced by `+CMTI`: the daemon's default ingest set-up.
async fn store_and_notify(channel: &AtChannel) {
    channel.run(&MessageFormat::Pdu).await.unwrap();
    channel
        .run(&NewMessageIndications::STORE_AND_NOTIFY)
        .await
        .unwrap();
}

/// Waits for the first unsolicited event `pick` accepts, skipping others.
async fn wait_for<T>(
    unsolicited: &mut mpsc::Receiver<Unsolicited>,
    mut pick: impl FnMut(&Unsolicited) -> Option<T>,
) -> T {
    let deadline = tokio::time::Instant::now() + BOUND;
    loop {
        let event = tokio::time::timeout_at(deadline, unsolicited.recv())
            .await
            .expect("the awaited event came in time")
            .expect("the runner is still running");
        if let Some(found) = pick(&event) {
            return found;
        }
    }
}

fn sms(from: &str, text: &str) -> IncomingSms {
    IncomingSms {
        from: from.to_owned(),
        text: text.to_owned(),
        ucs2: false,
        parts: None,
        class: None,
        shuffle: false,
        drop_part: None,
    }
}

/// Every ICCID dialect in the order the daemon tries them.
async fn iccid(channel: &AtChannel) -> String {
    for dialect in [
        IccidDialect::Ccid,
        IccidDialect::Qccid,
        IccidDialect::Huawei,
        IccidDialect::Simcom,
        IccidDialect::Crsm,
    ] {
        if let Ok(iccid) = channel.run(&IccidQuery(dialect)).await {
            return iccid.to_string();
        }
    }
    panic!("no ICCID dialect worked");
}

#[tokio::test]
async fn identity_read_through_the_runner_matches_the_rack_for_every_personality() {
    let dir = tempfile::tempdir().unwrap();
    let rack = rack(6, PersonalityChoice::Mixed, dir.path()).await;
    for view in rack.list().await.unwrap() {
        let port = open(&view.link).await;
        let imei = port.channel.run(&ImeiQuery).await.unwrap();
        assert_eq!(imei.as_str(), view.imei, "{}", view.personality);
        let imsi = port.channel.run(&Imsi).await.unwrap();
        assert_eq!(Some(imsi.to_string()), view.imsi, "{}", view.personality);
        assert_eq!(
            Some(iccid(&port.channel).await),
            view.iccid,
            "{}",
            view.personality
        );
    }
    rack.shutdown().await;
}

#[tokio::test]
async fn a_stored_sms_is_announced_by_cmti_and_read_back_with_its_text() {
    let (_dir, rack, _view, mut port) = one_port(Personality::QuectelEc2x).await;
    store_and_notify(&port.channel).await;
    let sms = sms("Google", "G-482913 is your Google verification code.");
    rack.send_sms(0, sms, 1).await.unwrap();
    let index = wait_for(&mut port.unsolicited, |event| match event {
        Unsolicited::Urc(Urc::SmsStored { index, .. }) => Some(*index),
        _ => None,
    })
    .await;
    let stored = port
        .channel
        .run(&ReadMessage(index))
        .await
        .unwrap()
        .expect("the slot holds the SMS");
    let decoded = Pdu::decode_hex(&stored.pdu).unwrap();
    let Message::Deliver(deliver) = decoded.message else {
        panic!("not a deliver: {decoded:?}");
    };
    assert_eq!(deliver.sender.to_string(), "Google");
    assert_eq!(
        deliver.user_data.text.as_deref(),
        Some("G-482913 is your Google verification code.")
    );
    rack.shutdown().await;
}

#[tokio::test]
async fn huawei_noise_between_listing_entries_reaches_the_urc_channel_not_the_listing() {
    let (_dir, rack, _view, mut port) = one_port(Personality::HuaweiE173).await;
    store_and_notify(&port.channel).await;
    for n in 0..6 {
        let sms = sms("+4915112345678", &format!("code {n}"));
        rack.send_sms(0, sms, 1).await.unwrap();
    }
    // The SMS are stored once the stick has registered: wait for the six +CMTI.
    for _ in 0..6 {
        wait_for(&mut port.unsolicited, |event| match event {
            Unsolicited::Urc(Urc::SmsStored { .. }) => Some(()),
            _ => None,
        })
        .await;
    }
    let listing = port
        .channel
        .run(&ListMessages(MessageStatus::All))
        .await
        .unwrap();
    let mut texts: Vec<String> = listing
        .iter()
        .map(
            |stored| match Pdu::decode_hex(&stored.pdu).unwrap().message {
                Message::Deliver(deliver) => deliver.user_data.text.unwrap_or_default(),
                other => panic!("not a deliver: {other:?}"),
            },
        )
        .collect();
    texts.sort();
    assert_eq!(
        texts,
        (0..6).map(|n| format!("code {n}")).collect::<Vec<_>>()
    );
    // Huawei counts storage from 0.
    assert_eq!(listing.iter().map(|s| s.index).min(), Some(0));
    // The listing interleaved ^RSSI lines; they went to the channel.
    wait_for(&mut port.unsolicited, |event| match event {
        Unsolicited::Urc(Urc::Signal { .. }) => Some(()),
        _ => None,
    })
    .await;
    rack.shutdown().await;
}

#[tokio::test]
async fn a_hung_modem_times_out_and_answers_again_after_a_reboot() {
    let (_dir, rack, _view, port) = one_port(Personality::Generic).await;
    rack.fault(0, RackFault::Modem(Fault::Hang)).await.unwrap();
    let error = port.channel.run(&SignalQuality).await.unwrap_err();
    assert!(matches!(error, RunError::Timeout { .. }), "{error}");
    assert!(!error.is_port_lost());
    rack.fault(0, RackFault::Modem(Fault::Reboot))
        .await
        .unwrap();
    wait_until_answering(&port.channel).await;
    port.channel.run(&SignalQuality).await.unwrap();
    rack.shutdown().await;
}

#[tokio::test]
async fn unplug_stops_the_runner_with_an_io_error_and_replug_gives_a_fresh_port() {
    let (_dir, rack, view, port) = one_port(Personality::SimcomSim7600).await;
    rack.fault(0, RackFault::Unplug).await.unwrap();
    let exit = tokio::time::timeout(BOUND, port.task)
        .await
        .expect("the runner stops")
        .unwrap();
    assert!(
        matches!(exit, RunnerExit::EndOfFile | RunnerExit::Io(_)),
        "{exit:?}"
    );
    let error = port.channel.run(&SignalQuality).await.unwrap_err();
    assert!(error.is_port_lost(), "{error}");
    assert!(!view.link.exists(), "the link is gone while unplugged");
    let replugged = rack.fault(0, RackFault::Replug).await.unwrap();
    assert_ne!(replugged.tty, None);
    let port = open(&view.link).await;
    port.channel.run(&SignalQuality).await.unwrap();
    rack.shutdown().await;
}

#[tokio::test]
async fn garbage_on_the_line_is_reported_and_framing_recovers() {
    let (_dir, rack, _view, mut port) = one_port(Personality::SimcomSim800).await;
    rack.fault(0, RackFault::Modem(Fault::Garbage))
        .await
        .unwrap();
    wait_for(&mut port.unsolicited, |event| match event {
        Unsolicited::Garbage { .. } | Unsolicited::Unrecognised(_) => Some(()),
        _ => None,
    })
    .await;
    // The garbage may have cut into the first answer; from then on every answer is whole.
    let _ = port.channel.run(&SignalQuality).await;
    for _ in 0..5 {
        port.channel.run(&SignalQuality).await.unwrap();
    }
    rack.shutdown().await;
}

#[tokio::test]
async fn a_routed_sms_comes_whole_in_cmt_and_is_acknowledged_with_cnma() {
    let (_dir, rack, _view, mut port) = one_port(Personality::SimcomSim7600).await;
    port.channel
        .run(&ReportErrors(ErrorReporting::Numeric))
        .await
        .unwrap();
    port.channel.run(&MessageFormat::Pdu).await.unwrap();
    port.channel.run(&SelectService(1)).await.unwrap();
    port.channel
        .run(&NewMessageIndications::DIRECT)
        .await
        .unwrap();
    let text = "Ваш код: 7731";
    let mut incoming = sms("+79161234567", text);
    incoming.ucs2 = true;
    rack.send_sms(0, incoming, 1).await.unwrap();
    let pdu = wait_for(&mut port.unsolicited, |event| match event {
        Unsolicited::Urc(Urc::SmsDeliver { pdu, .. }) => Some(pdu.clone()),
        _ => None,
    })
    .await;
    port.channel.run(&AcknowledgeMessage).await.unwrap();
    let Message::Deliver(deliver) = Pdu::decode_hex(&pdu).unwrap().message else {
        panic!("not a deliver");
    };
    assert_eq!(deliver.user_data.text.as_deref(), Some(text));
    // Routed and acknowledged: nothing was stored, and a second +CNMA has nothing to
    // acknowledge.
    assert_eq!(rack.view(0).await.unwrap().stored, 0);
    let error = port.channel.run(&AcknowledgeMessage).await.unwrap_err();
    assert_eq!(
        error.cms_error(),
        Some(modempool::at::error_codes::CmsError::NoCnmaAcknowledgementExpected),
        "{error}"
    );
    rack.shutdown().await;
}
