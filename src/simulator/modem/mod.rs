//! One simulated modem as a pure state machine: bytes from the host in, bytes to the host out
//! at given instants, SMS from the network in, faults injected. No tokio, no I/O, no clock:
//! every call takes the current [`Instant`], so a test can play a whole boot, a listing or a
//! `+CNMA` timeout without sleeping.
//!
//! Layout:
//! - this file: the [`Modem`] API, its state, the power-on sequence and the timers;
//! - `framing`: V.250 line framing (echo, CR, backspace, `A/`, the `> ` prompt) and the
//!   formatting and queueing of responses and URCs;
//! - `parse`: the command line split into commands (V.250 §5.2–5.4);
//! - `commands`: V.250 and TS 27.007 commands (identity, SIM, network, USSD);
//! - `sms_commands`: TS 27.005 commands (storage, listing, reading, writing, sending);
//! - `network`: the network's side: registration, delivery of incoming SMS (store or route,
//!   `+CNMA`, retries), USSD answers, status reports, vendor chatter;
//! - `storage`: the message slots of `SM` and `ME`;
//! - `faults`: fault injection ([`Fault`]).
//!
//! What each model does differently is data in [`super::personality`]; the pseudo-terminal
//! and the tokio task that drive this are [`super::host`]'s.

mod commands;
mod faults;
mod framing;
mod network;
pub(super) mod parse;
mod sms_commands;
mod storage;

#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use super::identity::{ModemIdentity, SimIdentity, SplitMix64, mix};
use super::personality::{BootUrc, Personality, Profile, SimUrcState};
use super::replay::{Replay, ReplayAnswer};
pub use crate::simulator::personality::Storage;
pub use faults::{Fault, FaultError};
pub use network::{Delivery, PartFate, QueueReason};
use storage::Store;

/// The longest command line kept (V.250 §5.2.1 requires at least 40 characters; modules
/// take 256..1024). A longer line is dropped and answered with `ERROR`.
const MAX_LINE: usize = 1024;

/// The longest PDU or text accepted after the `> ` prompt: the hex of the largest PDU
/// (12 + 164 octets) with room to spare.
const MAX_PROMPT_INPUT: usize = 1024;

/// Between two writes of a replayed answer, so that the host reads them apart as it read
/// the original modem's.
const REPLAY_WRITE_GAP: Duration = Duration::from_millis(3);

/// The longest `Slow` delay applied: longer asks are clamped, so that no instant overflows;
/// an hour is already "never" for any host's timeout.
const MAX_SLOW: Duration = Duration::from_secs(3600);

/// A simulated modem with its SIM slot.
#[derive(Debug)]
pub struct Modem {
    identity: ModemIdentity,
    personality: Personality,
    profile: &'static Profile,
    /// The SIM in the slot.
    sim: Option<SimCard>,
    /// The SIM last pulled out, which [`Fault::SimInsert`] puts back.
    removed_sim: Option<SimCard>,
    /// The module's own message storage.
    me: Store,
    settings: Settings,
    power: Power,
    network: network::Network,
    hung: bool,
    slow: Option<Duration>,
    input: Input,
    /// A command whose final result is still to come (`+COPS=?`, `+CMGS`, `+CFUN=1,1`):
    /// until it comes, the module does not read the port.
    busy: bool,
    timers: Vec<Scheduled>,
    timer_seq: u64,
    /// Bytes for the host and when they are due, in order; due instants never decrease.
    output: VecDeque<(Instant, Vec<u8>)>,
    last_due: Option<Instant>,
    /// Echoed bytes not yet queued: queued ahead of the response they precede.
    echo: Vec<u8>,
    rng: SplitMix64,
    /// Power-on instant of the instance, for the simulated wall clock.
    created: Instant,
    /// `+CMGL` listings answered since the instance was made (reboots included).
    listings: u64,
    /// A real modem's transcript that answers first (`simulate --replay`).
    replay: Option<Replay>,
    /// Command lines read since power-on, for quirks that strike every n-th one.
    command_lines: u64,
}

/// A SIM card in (or out of) the slot, with what lives on it.
#[derive(Debug, Clone)]
struct SimCard {
    identity: SimIdentity,
    /// EF_SMS.
    sm: Store,
    pin: PinState,
    /// Wrong PINs in a row; three block the SIM (TS 31.101 §9.3 / TS 27.007 §8.3).
    wrong_pins: u8,
    /// EF_SMSP's service centre, `+CSCA`.
    smsc: String,
}

impl SimCard {
    fn new(identity: SimIdentity, profile: &Profile) -> SimCard {
        SimCard {
            sm: Store::new(Storage::Sm, profile.sm_capacity),
            pin: if identity.pin.is_some() {
                PinState::PinWanted
            } else {
                PinState::Ready
            },
            wrong_pins: 0,
            smsc: identity.operator.smsc.to_owned(),
            identity,
        }
    }

    /// Back to "PIN wanted" after the SIM lost power, if it has a PIN.
    fn power_off(&mut self) {
        if self.identity.pin.is_some() && self.pin == PinState::Ready {
            self.pin = PinState::PinWanted;
        }
    }
}

/// What the SIM waits for (TS 27.007 §8.3 `<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PinState {
    Ready,
    PinWanted,
    PukWanted,
}

/// `+CSCS` character sets (TS 27.007 §5.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Charset {
    Gsm,
    Ira,
    Ucs2,
}

impl Charset {
    fn name(self) -> &'static str {
        match self {
            Charset::Gsm => "GSM",
            Charset::Ira => "IRA",
            Charset::Ucs2 => "UCS2",
        }
    }

    fn parse(text: &str) -> Option<Charset> {
        match text.to_ascii_uppercase().as_str() {
            "GSM" => Some(Charset::Gsm),
            "IRA" => Some(Charset::Ira),
            "UCS2" => Some(Charset::Ucs2),
            _ => None,
        }
    }
}

/// The settings a power cycle, `ATZ` or `AT&F` return to the factory values.
#[derive(Debug, Clone)]
struct Settings {
    /// V.250 §6.2.4 `E`.
    echo: bool,
    /// V.250 §6.2.6 `V`: verbose (1) or numeric (0) result codes.
    verbose: bool,
    /// V.250 §6.2.5 `Q`: no result codes at all.
    quiet: bool,
    /// TS 27.007 §9.1 `+CMEE`.
    cmee: u8,
    /// TS 27.005 §3.2.3 `+CMGF`: 0 PDU, 1 text.
    cmgf: u8,
    /// TS 27.005 §3.4.1 `+CNMI`: mode, mt, bm, ds, bfr.
    cnmi: [u8; 5],
    /// TS 27.005 §3.2.1 `+CSMS`.
    csms: u8,
    /// TS 27.007 §5.5 `+CSCS`.
    cscs: Charset,
    /// TS 27.007 §7.2 `+CREG`, §10.1.20 `+CGREG`, §10.1.22 `+CEREG` `<n>`.
    creg: u8,
    /// Whether `+CREG=<n>` was set since power-on (the `registration_bare_until_set`
    /// quirk answers `+CREG?` without `<n>` until then).
    creg_set: bool,
    cgreg: u8,
    cereg: u8,
    /// TS 27.007 §7.3 `+COPS` `<format>`.
    cops_format: u8,
    /// TS 27.005 §3.2.2 `+CPMS` `<mem1>`..`<mem3>`.
    storages: [Storage; 3],
    /// Huawei `^CURC`: periodic vendor lines on (1) or off (0).
    curc: bool,
    /// V.250 §6.2 S-registers 0..=12 (S3, S4, S5 are kept but not applied: CR, LF and
    /// backspace stay fixed).
    s_registers: [u8; 13],
}

impl Settings {
    fn factory(profile: &Profile) -> Settings {
        Settings {
            echo: true,
            verbose: true,
            quiet: false,
            cmee: 0,
            cmgf: 0,
            cnmi: profile.cnmi_default,
            csms: 0,
            cscs: Charset::parse(profile.cscs_default).unwrap_or(Charset::Ira),
            creg: 0,
            creg_set: false,
            cgreg: 0,
            cereg: 0,
            cops_format: 0,
            storages: profile.default_storages,
            curc: true,
            s_registers: [0, 0, 43, 13, 10, 8, 2, 50, 2, 6, 14, 95, 50],
        }
    }
}

/// Where the module is in its power-on and attach sequence.
#[derive(Debug, Clone, Copy, Default)]
struct Power {
    /// The UART reads commands.
    at_ready: bool,
    /// The SIM was checked and found usable.
    sim_ready: bool,
    /// SMS commands work (after `SMS Ready` / `SMS DONE`).
    sms_ready: bool,
    /// Attached to the network (once the attach delay passed).
    registered: bool,
    /// `+CFUN` level.
    cfun: u8,
    /// `+COPS=2`: deregistered on request.
    deregistered: bool,
}

/// The input side of the port.
#[derive(Debug, Default)]
struct Input {
    /// Bytes of the line being typed.
    line: Vec<u8>,
    /// The line outgrew [`MAX_LINE`]: discard up to CR, then answer `ERROR`.
    overflow: bool,
    /// After `+CMGS` / `+CMGW`: the `> ` prompt is waiting for a PDU or text.
    prompt: Option<sms_commands::Compose>,
    /// The last command line, for `A/`.
    last_line: Option<String>,
}

/// A timer and when it fires.
#[derive(Debug)]
struct Scheduled {
    at: Instant,
    seq: u64,
    timer: Timer,
}

/// Work the modem does later.
#[derive(Debug)]
enum Timer {
    /// The UART comes up.
    AtReady,
    /// One announcement of the boot sequence (or of a SIM insertion replay).
    Boot(BootUrc),
    /// The attach completes.
    Registered,
    /// `+CFUN=1,1`: the reset after its `OK`.
    Reset,
    /// The final result of a deferred command.
    Respond {
        blocks: Vec<Vec<String>>,
        result: Result<(), Failure>,
    },
    /// An unsolicited line (a USSD answer).
    Urc(String),
    /// The host did not acknowledge routed message `id` in time.
    CnmaTimeout(u64),
    /// The network tries to deliver what it holds.
    NetworkRetry,
    /// Huawei chatter.
    Periodic,
    /// A status report for a sent message.
    StatusReport(Vec<u8>),
}

/// Why a command failed: the final result code it gets (V.250 §5.7.1, TS 27.007 §9.2,
/// TS 27.005 §3.2.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    /// `ERROR`: syntax, unknown command, unsupported value.
    Error,
    /// `+CME ERROR: <n>`.
    Cme(u16),
    /// `+CMS ERROR: <n>`.
    Cms(u16),
    /// `COMMAND NOT SUPPORT`: an unknown command on a modem with that quirk.
    NotSupported,
}

/// What a command answered.
#[derive(Debug)]
enum Outcome {
    /// Information lines (maybe none); the line goes on.
    Lines(Vec<String>),
    /// Show the `> ` prompt and read a PDU or text.
    Prompt(sms_commands::Compose),
    /// The final result comes after `delay`, with these lines before it.
    Deferred {
        delay: Duration,
        lines: Vec<String>,
        result: Result<(), Failure>,
    },
    /// `OK`, then reset.
    Reset,
}

type Reply = Result<Outcome, Failure>;

/// A modem at a glance, for `list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModemSummary {
    /// The IMEI.
    pub imei: String,
    /// The model imitated.
    pub personality: Personality,
    /// The SIM's ICCID; `None` for an empty slot.
    pub iccid: Option<String>,
    /// The SIM's IMSI.
    pub imsi: Option<String>,
    /// The SIM's number.
    pub msisdn: Option<String>,
    /// Whether `+CNUM` gives the number.
    pub msisdn_on_sim: bool,
    /// The SIM's service centre (`""` without SIM), for building incoming PDUs.
    pub smsc: String,
    /// Messages stored in ME and in the inserted SIM.
    pub stored: usize,
    /// `+CMGL` listings answered so far: how a test sees that the host swept the storage
    /// (and so that a sweep found nothing new) without waiting a fixed time.
    pub listings: u64,
    /// Active persistent faults by short name (`hang`, `slow`, `not-registered`, `no-sim`,
    /// `storage-full`); empty when none.
    pub faults: Vec<String>,
}

impl Modem {
    /// A modem just powered on, SIM inserted (or `sim: None` = empty slot). Boot URCs are
    /// scheduled from `now`.
    pub fn new(
        modem: ModemIdentity,
        sim: Option<SimIdentity>,
        personality: Personality,
        now: Instant,
    ) -> Modem {
        let profile = personality.profile();
        // The IMEI seeds the modem's randomness (signal, cell, line noise): deterministic per
        // port, different between ports.
        let seed = modem
            .imei
            .bytes()
            .fold(0u64, |hash, byte| mix(hash ^ u64::from(byte)));
        let mut rng = SplitMix64::new(seed);
        let network = network::Network::new(&mut rng);
        let mut created = Modem {
            identity: modem,
            personality,
            profile,
            sim: sim.map(|identity| SimCard::new(identity, profile)),
            removed_sim: None,
            me: Store::new(Storage::Me, profile.me_capacity),
            settings: Settings::factory(profile),
            power: Power::default(),
            network,
            hung: false,
            slow: None,
            input: Input::default(),
            busy: false,
            timers: Vec::new(),
            timer_seq: 0,
            output: VecDeque::new(),
            last_due: None,
            echo: Vec::new(),
            rng,
            created: now,
            listings: 0,
            replay: None,
            command_lines: 0,
        };
        created.reboot(now, true);
        created
    }

    /// Makes the modem play `replay` back: what the transcript's modem sent before its first
    /// command is sent now, and from then on the transcript answers the commands it holds
    /// before the personality does (see [`super::replay`]).
    pub fn replay(&mut self, replay: Replay, now: Instant) {
        let mut at = now;
        for write in replay.opening() {
            self.emit(at, write);
            at += REPLAY_WRITE_GAP;
        }
        self.replay = Some(replay);
    }

    /// The replayed transcript's answer to a command line, queued; returns whether the
    /// personality must still answer it.
    fn replayed(&mut self, line: &[u8], now: Instant) -> bool {
        let text = String::from_utf8_lossy(line);
        let Some(ReplayAnswer {
            writes,
            echoes,
            then_base,
        }) = self.replay.as_mut().and_then(|replay| replay.answer(&text))
        else {
            self.flush_line_echo(line, now);
            return true;
        };
        if echoes {
            // The transcript's echo stands where the real modem put it.
            self.echo.clear();
        } else {
            self.flush_echo(now);
        }
        let mut at = self.response_time(now);
        for write in writes {
            self.emit(at, write);
            at += REPLAY_WRITE_GAP;
        }
        then_base
    }

    /// Queues the echo of a whole command line, with the echo quirks of the profile: an
    /// unsolicited line glued in front of it every third line, the echo printed twice.
    fn flush_line_echo(&mut self, line: &[u8], now: Instant) {
        if self.echo.is_empty() {
            return;
        }
        self.command_lines += 1;
        let quirks = self.profile.quirks;
        if let Some(glued) = quirks.glued_before_echo
            && self.command_lines.is_multiple_of(3)
        {
            self.emit(now, glued.as_bytes().to_vec());
        }
        self.flush_echo(now);
        if quirks.echo_doubled {
            let mut again = line.to_vec();
            again.push(b'\r');
            self.emit(now, again);
        }
    }

    /// Bytes the host (DTE) wrote to the port.
    pub fn receive(&mut self, bytes: &[u8], now: Instant) {
        if self.hung {
            return;
        }
        self.run_timers(now);
        if !self.power.at_ready || self.busy {
            // Booting, or executing a command: the module does not read the port.
            return;
        }
        for &byte in bytes {
            self.input_byte(byte, now);
            if self.busy {
                break;
            }
        }
        self.flush_echo(now);
        self.settle(now);
    }

    /// Runs timers due at `now` and returns the bytes due to be written to the host by `now`,
    /// in order (may be empty).
    pub fn poll_output(&mut self, now: Instant) -> Vec<u8> {
        if self.hung {
            return Vec::new();
        }
        self.run_timers(now);
        let mut bytes = Vec::new();
        while self.output.front().is_some_and(|(due, _)| *due <= now) {
            if let Some((_, chunk)) = self.output.pop_front() {
                bytes.extend(chunk);
            }
        }
        bytes
    }

    /// The earliest instant at which `poll_output` has something to do (output due or a
    /// timer), if any. `None` while hung: nothing happens until a fault is cleared.
    pub fn next_wakeup(&self) -> Option<Instant> {
        if self.hung {
            return None;
        }
        let timer = self.timers.iter().map(|scheduled| scheduled.at).min();
        let output = self.output.front().map(|(due, _)| *due);
        match (timer, output) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The network delivers an SMS (the PDUs from [`crate::simulator::sms::build`], in
    /// delivery order).
    /// Returns how each part fared; parts that cannot be delivered now wait at the network
    /// and arrive later, in order.
    pub fn deliver(&mut self, pdus: Vec<Vec<u8>>, now: Instant) -> Delivery {
        self.run_timers(now);
        let parts = self.network_deliver(pdus, now);
        self.settle(now);
        Delivery { parts }
    }

    /// Power cycle (used by the host on replug): settings reset, hang cleared, boot URCs,
    /// stored SMS kept (SM and ME are both non-volatile). Bytes not yet written are lost.
    pub fn power_cycle(&mut self, now: Instant) {
        self.reboot(now, true);
    }

    /// For `list`.
    pub fn summary(&self) -> ModemSummary {
        let sim = self.sim.as_ref();
        let mut faults = Vec::new();
        if self.hung {
            faults.push("hang".to_owned());
        }
        if self.slow.is_some() {
            faults.push("slow".to_owned());
        }
        if !self.network.coverage {
            faults.push("not-registered".to_owned());
        }
        if sim.is_none() {
            faults.push("no-sim".to_owned());
        }
        if self
            .store(self.settings.storages[2])
            .is_some_and(Store::is_full)
        {
            faults.push("storage-full".to_owned());
        }
        ModemSummary {
            imei: self.identity.imei.clone(),
            personality: self.personality,
            iccid: sim.map(|card| card.identity.iccid.clone()),
            imsi: sim.map(|card| card.identity.imsi.clone()),
            msisdn: sim.and_then(|card| card.identity.msisdn.clone()),
            msisdn_on_sim: sim.is_some_and(|card| card.identity.msisdn_on_sim),
            smsc: sim.map(|card| card.smsc.clone()).unwrap_or_default(),
            stored: self.me.used() + sim.map_or(0, |card| card.sm.used()),
            listings: self.listings,
            faults,
        }
    }

    // ----- power, SIM, timers -------------------------------------------------------------

    /// Power-on from scratch at `at`: settings to factory, boot sequence scheduled. Storage
    /// and the network's queue survive.
    fn reboot(&mut self, at: Instant, clear_output: bool) {
        self.settings = Settings::factory(self.profile);
        self.input = Input::default();
        self.timers.clear();
        self.busy = false;
        self.hung = false;
        self.power = Power {
            cfun: 1,
            ..Power::default()
        };
        if clear_output {
            self.output.clear();
            self.echo.clear();
        }
        self.network.power_off();
        if let Some(card) = self.sim.as_mut() {
            card.power_off();
        }
        let boot = self.profile.boot;
        self.schedule(at + boot.at_ready, Timer::AtReady);
        for &(delay, urc) in boot.urcs {
            self.schedule(at + delay, Timer::Boot(urc));
        }
        if let Some(periodic) = self.profile.periodic {
            self.schedule(at + periodic.every, Timer::Periodic);
        }
        self.network.last_registration = self.registration();
    }

    /// Whether the SIM is in and needs no PIN.
    fn sim_usable(&self) -> bool {
        self.sim
            .as_ref()
            .is_some_and(|card| card.pin == PinState::Ready)
    }

    fn sim_urc_state(&self) -> SimUrcState {
        match self.sim.as_ref().map(|card| card.pin) {
            None => SimUrcState::Missing,
            Some(PinState::Ready) => SimUrcState::Ready,
            Some(PinState::PinWanted) => SimUrcState::PinWanted,
            Some(PinState::PukWanted) => SimUrcState::PukWanted,
        }
    }

    fn boot_urc(&mut self, urc: BootUrc, at: Instant) {
        match urc {
            BootUrc::Line(text) => self.urc(at, text),
            BootUrc::SimStatus | BootUrc::SimSilent => {
                let state = self.sim_urc_state();
                if urc == BootUrc::SimStatus {
                    let line = self.profile.sim_status_urc(state);
                    self.urc(at, line);
                }
                if state == SimUrcState::Ready {
                    self.sim_became_ready(at);
                }
            }
            BootUrc::WhenSimReady(text) => {
                if self.sim_usable() && self.power.sim_ready {
                    self.urc(at, text);
                }
            }
            BootUrc::SmsReady(text) => {
                if self.sim_usable() && self.power.sim_ready {
                    self.power.sms_ready = true;
                    if !text.is_empty() {
                        self.urc(at, text);
                    }
                }
            }
        }
    }

    /// The SIM was found usable: attach after the model's delay.
    fn sim_became_ready(&mut self, at: Instant) {
        self.power.sim_ready = true;
        self.schedule(at + self.profile.boot.register_after, Timer::Registered);
    }

    /// Replays the SIM part of the boot sequence from `at`: after an insertion (with the SIM
    /// status line) or a PIN entry (without: the SIM is ready at once).
    fn replay_sim_stage(&mut self, at: Instant, with_status: bool) {
        let urcs = self.profile.boot.urcs;
        let Some(&(check_at, check)) = urcs
            .iter()
            .find(|(_, urc)| matches!(urc, BootUrc::SimStatus | BootUrc::SimSilent))
        else {
            return;
        };
        if with_status {
            self.schedule(at, Timer::Boot(check));
        } else {
            self.sim_became_ready(at);
        }
        for &(delay, urc) in urcs {
            if matches!(urc, BootUrc::WhenSimReady(_) | BootUrc::SmsReady(_)) {
                self.schedule(at + delay.saturating_sub(check_at), Timer::Boot(urc));
            }
        }
    }

    /// The storage `storage`, if accessible (SM needs a SIM).
    fn store(&self, storage: Storage) -> Option<&Store> {
        match storage {
            Storage::Me => Some(&self.me),
            Storage::Sm => self.sim.as_ref().map(|card| &card.sm),
        }
    }

    fn store_mut(&mut self, storage: Storage) -> Option<&mut Store> {
        match storage {
            Storage::Me => Some(&mut self.me),
            Storage::Sm => self.sim.as_mut().map(|card| &mut card.sm),
        }
    }

    /// The simulated wall clock: a fixed date plus the time since the modem was created, so
    /// that time stamps are deterministic.
    fn clock(&self, at: Instant) -> OffsetDateTime {
        time::macros::datetime!(2025-01-01 12:00:00 UTC)
            + at.saturating_duration_since(self.created)
    }

    fn schedule(&mut self, at: Instant, timer: Timer) {
        self.timer_seq += 1;
        self.timers.push(Scheduled {
            at,
            seq: self.timer_seq,
            timer,
        });
    }

    /// Fires every timer due by `now`, earliest first (ties in scheduling order).
    fn run_timers(&mut self, now: Instant) {
        if self.hung {
            return;
        }
        while let Some(index) = self
            .timers
            .iter()
            .enumerate()
            .filter(|(_, scheduled)| scheduled.at <= now)
            .min_by_key(|(_, scheduled)| (scheduled.at, scheduled.seq))
            .map(|(index, _)| index)
        {
            let scheduled = self.timers.swap_remove(index);
            self.fire(scheduled.timer, scheduled.at);
            self.settle(scheduled.at);
            if self.hung {
                return;
            }
        }
    }

    fn fire(&mut self, timer: Timer, at: Instant) {
        match timer {
            Timer::AtReady => self.power.at_ready = true,
            Timer::Boot(urc) => self.boot_urc(urc, at),
            Timer::Registered => {
                if self.sim_usable() && self.power.sim_ready {
                    self.power.registered = true;
                }
            }
            Timer::Reset => self.reboot(at, false),
            Timer::Respond { blocks, result } => {
                self.busy = false;
                let bytes = self.format_response(&blocks, result);
                self.emit(at, bytes);
            }
            Timer::Urc(line) => self.urc(at, &line),
            Timer::CnmaTimeout(id) => self.cnma_timeout(id, at),
            Timer::NetworkRetry => {
                self.flush_network(at);
            }
            Timer::Periodic => self.periodic(at),
            Timer::StatusReport(pdu) => self.status_report(pdu, at),
        }
    }
}
