//! The network's side of a simulated modem: registration and its URCs, delivery of incoming
//! SMS (stored and announced, or routed to the host and acknowledged), the messages the
//! network holds while it cannot deliver, USSD answers, status reports, and the vendor lines
//! Huawei sticks print on their own.
//!
//! No SMS is lost: a message the modem cannot take (no SIM, no registration, full storage,
//! a routed message not yet acknowledged) waits in the network's queue, in order, and is
//! delivered when the obstacle goes away, as SMSCs retry (TS 23.040 §3.2.5 "SC shall
//! attempt to deliver ... retry"; real retry schedules are minutes, shortened here).

use std::collections::VecDeque;
use std::fmt;
use std::time::{Duration, Instant};

use super::commands::ucs2_hex;
use super::storage::{Stat, StoredSms};
use super::{Charset, Modem, Timer};
use crate::pdu::address::{write_smsc, write_tp_address};
use crate::pdu::{Address, Message, MessageClass, Pdu, timestamp};
use crate::simulator::identity::SplitMix64;
use crate::simulator::personality::Storage;

/// How long a routed `+CMT` waits for `+CNMA` under `+CSMS=1` before the module gives up:
/// TS 24.011's TR2M relay timer (12..20 s, the network's RP-ACK wait); 15 s here.
pub(super) const CNMA_TIMEOUT: Duration = Duration::from_secs(15);

/// How soon the network retries a message it could not deliver. Real SMSCs wait minutes.
const RETRY_DELAY: Duration = Duration::from_secs(1);

/// How soon the next held message follows an acknowledged one (an RP-ACK / RP-DATA round
/// trip).
const NEXT_AFTER_ACK: Duration = Duration::from_millis(100);

/// What became of one part of an incoming SMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartFate {
    /// Stored, announced by `+CMTI` if `+CNMI` asks for it.
    Stored {
        /// The storage.
        storage: Storage,
        /// The index as the modem numbers it (0-based on Huawei).
        index: u32,
    },
    /// Routed to the host as `+CMT`, not stored.
    Routed,
    /// Routed as `+CMT` and also kept in storage (a personality quirk).
    RoutedAndStored {
        /// The storage.
        storage: Storage,
        /// The index as the modem numbers it.
        index: u32,
    },
    /// Held by the network, delivered when the obstacle goes away (no SMS is lost).
    Queued(QueueReason),
}

/// Why the network holds a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueReason {
    /// The modem is hung or not yet booted.
    ModemUnavailable,
    /// The slot is empty.
    NoSim,
    /// The modem is not registered (no coverage, radio off, PIN not entered).
    NotRegistered,
    /// The previous routed message awaits its `+CNMA`.
    AwaitingAck,
    /// The storage the message would go to is full.
    StorageFull,
}

impl fmt::Display for PartFate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartFate::Stored { storage, index } => write!(f, "stored {storage} {index}"),
            PartFate::Routed => f.write_str("routed (+CMT)"),
            PartFate::RoutedAndStored { storage, index } => {
                write!(f, "routed (+CMT), copy stored {storage} {index}")
            }
            PartFate::Queued(reason) => {
                let reason = match reason {
                    QueueReason::ModemUnavailable => "modem unavailable",
                    QueueReason::NoSim => "no SIM",
                    QueueReason::NotRegistered => "not registered",
                    QueueReason::AwaitingAck => "awaiting +CNMA",
                    QueueReason::StorageFull => "storage full",
                };
                write!(f, "queued at the network ({reason})")
            }
        }
    }
}

/// How each part of a delivered SMS fared, in delivery order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// One entry per PDU handed to [`Modem::deliver`].
    pub parts: Vec<PartFate>,
}

impl Delivery {
    /// One line per part, for a control endpoint's answer.
    pub fn outcomes(&self) -> Vec<String> {
        self.parts.iter().map(ToString::to_string).collect()
    }
}

/// What the network knows about this subscriber's connection, and what it holds for it.
#[derive(Debug)]
pub(super) struct Network {
    /// PDUs waiting for delivery, oldest first.
    pub queue: VecDeque<Vec<u8>>,
    /// False under the `NotRegistered` fault: no coverage.
    pub coverage: bool,
    /// The routed message waiting for `+CNMA`, with its id.
    pub awaiting_ack: Option<(u64, Vec<u8>)>,
    ack_seq: u64,
    /// `^SMMEMFULL` was printed and no space was freed since.
    full_announced: bool,
    /// The registration state the URCs last announced.
    pub last_registration: u8,
    /// `+CSQ` `<rssi>` while registered.
    pub rssi: u8,
    /// Location area (tracking area) code.
    lac: u16,
    /// Cell id.
    cell: u32,
    /// The next TP-MR for `+CMGS`.
    message_reference: u8,
    /// Position in the model's periodic line rotation.
    periodic_tick: usize,
}

impl Network {
    pub fn new(rng: &mut SplitMix64) -> Network {
        Network {
            queue: VecDeque::new(),
            coverage: true,
            awaiting_ack: None,
            ack_seq: 0,
            full_announced: false,
            last_registration: 0,
            rssi: 12 + rng.below(17) as u8,
            lac: 0x1000 + rng.below(0xE000) as u16,
            cell: rng.below(0x0FFF_FFFF) as u32 + 1,
            message_reference: rng.below(256) as u8,
            periodic_tick: 0,
        }
    }

    /// The module lost power: an unacknowledged routed message goes back to the network,
    /// which delivers it again later (TS 24.011: no RP-ACK, the SC retries).
    pub fn power_off(&mut self) {
        self.sim_lost();
        self.full_announced = false;
    }

    /// The SIM is gone: as for power loss, the pending routed message goes back.
    pub fn sim_lost(&mut self) {
        if let Some((_, pdu)) = self.awaiting_ack.take() {
            self.queue.push_front(pdu);
        }
    }

    /// TP-MR for the next message sent (TS 23.040 §9.2.3.6), counting up.
    pub fn next_message_reference(&mut self) -> u8 {
        self.message_reference = self.message_reference.wrapping_add(1);
        self.message_reference
    }
}

/// The message class of a PDU, if it is an SMS-DELIVER that has one.
fn message_class(pdu: &[u8]) -> Option<MessageClass> {
    match Pdu::decode(pdu).ok()?.message {
        Message::Deliver(deliver) => deliver.coding.class,
        _ => None,
    }
}

impl Modem {
    /// TS 27.007 §7.2 `<stat>`: 0 not registered (no SIM, radio off, deregistered), 2
    /// searching (attaching, or no coverage), 1 registered home.
    pub(super) fn registration(&self) -> u8 {
        if !self.sim_usable()
            || !self.power.sim_ready
            || self.power.cfun != 1
            || self.power.deregistered
        {
            0
        } else if !self.network.coverage || !self.power.registered {
            2
        } else {
            1
        }
    }

    /// After anything that may change the registration: announce it (`+CREG`, `+CGREG`,
    /// `+CEREG` URCs as enabled) and, once registered, deliver what the network holds.
    pub(super) fn settle(&mut self, at: Instant) {
        let stat = self.registration();
        if stat == self.network.last_registration {
            return;
        }
        self.network.last_registration = stat;
        if self.power.at_ready {
            let mut urcs = vec![
                ("+CREG", self.settings.creg),
                ("+CGREG", self.settings.cgreg),
            ];
            if self.profile.eps {
                urcs.push(("+CEREG", self.settings.cereg));
            }
            for (name, n) in urcs {
                // TS 27.007 §7.2: `+CREG: <stat>[,<lac>,<ci>[,<AcT>]]`.
                let line = match n {
                    0 => continue,
                    2 if stat == 1 => format!("{name}: {stat}{}", self.location_fields(name)),
                    _ => format!("{name}: {stat}"),
                };
                self.urc(at, &line);
            }
        }
        if stat == 1 {
            self.flush_network(at);
        }
    }

    /// `,"<lac>","<ci>"[,<AcT>]` of a registration line.
    pub(super) fn location_fields(&self, _name: &str) -> String {
        let act = self.profile.access_technology;
        let cell = match act {
            None => format!("{:04X}", self.network.cell & 0xFFFF),
            Some(_) => format!("{:08X}", self.network.cell),
        };
        let act = act.map(|act| format!(",{act}")).unwrap_or_default();
        format!(",\"{:04X}\",\"{cell}\"{act}", self.network.lac)
    }

    /// The network hands the modem these PDUs (behind whatever it already holds).
    pub(super) fn network_deliver(&mut self, pdus: Vec<Vec<u8>>, now: Instant) -> Vec<PartFate> {
        let ahead = self.network.queue.len();
        let count = pdus.len();
        self.network.queue.extend(pdus);
        let (fates, blocked) = self.flush_network(now);
        let reason = blocked.unwrap_or(QueueReason::ModemUnavailable);
        (0..count)
            .map(|part| {
                fates
                    .get(ahead + part)
                    .copied()
                    .unwrap_or(PartFate::Queued(reason))
            })
            .collect()
    }

    /// Why the network cannot deliver right now, if it cannot.
    fn blocked(&self) -> Option<QueueReason> {
        if self.hung || !self.power.at_ready {
            Some(QueueReason::ModemUnavailable)
        } else if self.sim.is_none() {
            Some(QueueReason::NoSim)
        } else if self.registration() != 1 {
            Some(QueueReason::NotRegistered)
        } else if self.network.awaiting_ack.is_some() {
            Some(QueueReason::AwaitingAck)
        } else {
            None
        }
    }

    /// Delivers held messages in order until one cannot be: the fates of those delivered,
    /// and why the rest wait (`None` when none is left).
    pub(super) fn flush_network(&mut self, at: Instant) -> (Vec<PartFate>, Option<QueueReason>) {
        let mut fates = Vec::new();
        loop {
            if let Some(reason) = self.blocked() {
                return (fates, Some(reason));
            }
            let Some(pdu) = self.network.queue.pop_front() else {
                return (fates, None);
            };
            match self.deliver_one(&pdu, at) {
                Ok(fate) => fates.push(fate),
                Err(reason) => {
                    self.network.queue.push_front(pdu);
                    return (fates, Some(reason));
                }
            }
        }
    }

    /// One PDU reaches the module: routed or stored as `+CNMI` says (TS 27.005 §3.4.1).
    /// `<mt>` 2 routes all but class 2 (which goes to the SIM with `+CMTI`), 3 routes class
    /// 3 only; `<mode>` 0 keeps indications in the module, so nothing is shown and nothing
    /// routed.
    fn deliver_one(&mut self, pdu: &[u8], at: Instant) -> Result<PartFate, QueueReason> {
        let class = message_class(pdu);
        let [mode, mt, ..] = self.settings.cnmi;
        let routed = mode != 0
            && match mt {
                2 => class != Some(MessageClass::Class2),
                3 => class == Some(MessageClass::Class3),
                _ => false,
            };
        if routed {
            let copy = if self.profile.routed_copy_stored {
                self.store_incoming(self.settings.storages[2], pdu).ok()
            } else {
                None
            };
            self.route(pdu, at);
            if self.settings.csms == 1 {
                self.network.ack_seq += 1;
                let id = self.network.ack_seq;
                self.network.awaiting_ack = Some((id, pdu.to_vec()));
                self.schedule(at + CNMA_TIMEOUT, Timer::CnmaTimeout(id));
            }
            return Ok(match copy {
                Some((storage, index)) => PartFate::RoutedAndStored { storage, index },
                None => PartFate::Routed,
            });
        }
        let storage = if class == Some(MessageClass::Class2) {
            Storage::Sm
        } else {
            self.settings.storages[2]
        };
        match self.store_incoming(storage, pdu) {
            Ok((storage, index)) => {
                if mode != 0 && mt != 0 {
                    self.urc(at, &format!("+CMTI: \"{storage}\",{index}"));
                }
                Ok(PartFate::Stored { storage, index })
            }
            Err(reason) => {
                if reason == QueueReason::StorageFull
                    && self.profile.storage_full_urc
                    && !self.network.full_announced
                {
                    self.network.full_announced = true;
                    self.urc(at, &format!("^SMMEMFULL: \"{storage}\""));
                }
                Err(reason)
            }
        }
    }

    /// Stores an incoming PDU as unread; the storage and the index as shown.
    fn store_incoming(
        &mut self,
        storage: Storage,
        pdu: &[u8],
    ) -> Result<(Storage, u32), QueueReason> {
        let base = self.profile.index_base;
        let store = self.store_mut(storage).ok_or(QueueReason::NoSim)?;
        let slot = store
            .insert(StoredSms {
                stat: Stat::RecUnread,
                pdu: pdu.to_vec(),
                read_refused: false,
            })
            .ok_or(QueueReason::StorageFull)?;
        Ok((storage, slot as u32 + base))
    }

    // TS 27.005 §3.4.1 +CMT, PDU mode: `+CMT: [<alpha>],<length><CR><LF><pdu>`; text mode:
    // `+CMT: <oa>,[<alpha>],<scts><CR><LF><data>`.
    fn route(&mut self, pdu: &[u8], at: Instant) {
        let sms = StoredSms {
            stat: Stat::RecUnread,
            pdu: pdu.to_vec(),
            read_refused: false,
        };
        let line = if self.settings.cmgf == 1 {
            let (fields, body) = self.text_fields(&sms);
            format!("+CMT: {fields}\r\n{body}")
        } else {
            format!(
                "+CMT: ,{}\r\n{}",
                sms.tpdu_length(),
                hex::encode_upper(&sms.pdu)
            )
        };
        self.urc(at, &line);
    }

    /// `+CNMA` arrived: whether a routed message was waiting for it. The network then
    /// sends what it holds, one round trip later.
    pub(super) fn acknowledge(&mut self, now: Instant) -> bool {
        if self.network.awaiting_ack.take().is_none() {
            return false;
        }
        self.schedule(now + NEXT_AFTER_ACK, Timer::NetworkRetry);
        true
    }

    /// No `+CNMA` in time (TS 27.005 §3.4.1, `<mt>`=2 under `+CSMS=1`): "ME/TA shall
    /// automatically disable routing to TE by setting both <mt> and <ds> values of +CNMI to
    /// zero". The module answered RP-ERROR, so the network keeps the message and retries;
    /// with routing off it is then stored.
    pub(super) fn cnma_timeout(&mut self, id: u64, at: Instant) {
        if self
            .network
            .awaiting_ack
            .as_ref()
            .map(|(pending, _)| *pending)
            != Some(id)
        {
            return;
        }
        self.network.sim_lost();
        self.settings.cnmi[1] = 0;
        self.settings.cnmi[3] = 0;
        self.schedule(at + RETRY_DELAY, Timer::NetworkRetry);
    }

    /// Space was freed where a message could not go: the network may retry.
    pub(super) fn storage_freed(&mut self, now: Instant) {
        self.network.full_announced = false;
        if !self.network.queue.is_empty() {
            self.schedule_network_retry(now);
        }
    }

    /// The network retries what it holds after its retry delay (once, however often asked).
    pub(super) fn schedule_network_retry(&mut self, now: Instant) {
        let pending = self
            .timers
            .iter()
            .any(|scheduled| matches!(scheduled.timer, Timer::NetworkRetry));
        if !pending {
            self.schedule(now + RETRY_DELAY, Timer::NetworkRetry);
        }
    }

    /// The SMS-STATUS-REPORT (TS 23.040 §9.2.2.3) for a sent SMS-SUBMIT: delivered (TP-ST 0).
    pub(super) fn status_report_pdu(&self, submit: &[u8], reference: u8, at: Instant) -> Vec<u8> {
        let recipient = match Pdu::decode(submit).map(|pdu| pdu.message) {
            Ok(Message::Submit(submit)) => submit.recipient,
            _ => Address::unknown(""),
        };
        let smsc = self
            .sim
            .as_ref()
            .map(|card| Address::guess(&card.smsc))
            .filter(|address| address.value.starts_with('+'));
        let stamp = timestamp::encode(self.clock(at)).unwrap_or([0; 7]);
        let mut pdu = Vec::with_capacity(40);
        if write_smsc(smsc.as_ref(), &mut pdu).is_err() {
            pdu = vec![0];
        }
        // TP-MTI 10, TP-MMS (no more messages).
        pdu.extend([0x06, reference]);
        if write_tp_address(&recipient, &mut pdu).is_err() {
            pdu.extend([0x00, 0x81]);
        }
        pdu.extend_from_slice(&stamp);
        pdu.extend_from_slice(&stamp);
        pdu.push(0x00);
        pdu
    }

    // TS 27.005 §3.4.1 <ds>: 1 routes `+CDS: <length><CR><LF><pdu>`, 2 stores and announces
    // `+CDSI: <mem>,<index>` (in <mem3>: the "SR" storage is not modelled).
    pub(super) fn status_report(&mut self, pdu: Vec<u8>, at: Instant) {
        let [mode, _, _, ds, _] = self.settings.cnmi;
        if mode == 0 {
            return;
        }
        match ds {
            1 => {
                let length = super::storage::tpdu_length(&pdu);
                let line = format!("+CDS: {length}\r\n{}", hex::encode_upper(&pdu));
                self.urc(at, &line);
            }
            2 => {
                if let Ok((storage, index)) = self.store_incoming(self.settings.storages[2], &pdu) {
                    self.urc(at, &format!("+CDSI: \"{storage}\",{index}"));
                }
            }
            _ => {}
        }
    }

    /// The network's answer to a USSD request: the subscriber's number for the operator's
    /// number-query code, a balance for the usual balance codes, "not supported" (`+CUSD:
    /// 4`, TS 27.007 §7.15) otherwise. UCS2 hex with DCS 72 when `+CSCS="UCS2"`.
    pub(super) fn ussd_answer(&self, code: &str) -> String {
        let identity = self.sim.as_ref().map(|card| &card.identity);
        let text = match identity {
            Some(identity) if identity.operator.number_ussd == Some(code) => identity
                .msisdn
                .as_ref()
                .map(|number| format!("Your number: {number}")),
            Some(_) if matches!(code, "*100#" | "*102#" | "#100#" | "*105#") => {
                Some("Balance: 142.50".to_owned())
            }
            _ => None,
        };
        match text {
            None => "+CUSD: 4".to_owned(),
            Some(text) if self.settings.cscs == Charset::Ucs2 => {
                format!("+CUSD: 0,\"{}\",72", ucs2_hex(&text))
            }
            Some(text) => format!("+CUSD: 0,\"{text}\",15"),
        }
    }

    /// A tick of the model's periodic lines (Huawei `^RSSI`, `^BOOT`, `^MODE`), unless
    /// `^CURC=0` silenced them.
    pub(super) fn periodic(&mut self, at: Instant) {
        let Some(periodic) = self.profile.periodic else {
            return;
        };
        if self.settings.curc && self.power.at_ready && !periodic.lines.is_empty() {
            let template = periodic.lines[self.network.periodic_tick % periodic.lines.len()];
            let rssi = if self.registration() == 1 {
                self.network.rssi
            } else {
                99
            };
            let line = template.replace("{rssi}", &rssi.to_string());
            self.urc(at, &line);
        }
        self.network.periodic_tick = self.network.periodic_tick.wrapping_add(1);
        self.schedule(at + periodic.every, Timer::Periodic);
    }
}
