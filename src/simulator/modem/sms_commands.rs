//! The TS 27.005 commands: message service and format, storages, new-message indications,
//! listing, reading, deleting, writing and sending, and acknowledgement of routed messages.
//!
//! PDU mode (`+CMGF=0`) is what the daemon and gammu use and is modelled fully; text mode
//! (`+CMGF=1`) covers the common shapes (TS 27.005 §4 without `+CSDH=1` details).

use std::time::{Duration, Instant};

use time::OffsetDateTime;

use super::commands::{number, number_in, ucs2_hex};
use super::parse::{Arg, Command, Op};
use super::storage::{Stat, StoredSms, tpdu_length};
use super::{Charset, Failure, Modem, Outcome, PinState, Reply, Timer};
use crate::pdu::{Address, Encoding, Message, Pdu, SubmitSpec, UserData};
use crate::simulator::personality::{EmptySlotRead, Storage};

/// How long `+CMGS` takes to get its `+CMGS: <mr>`: the network's RP-ACK (1..5 s in
/// practice).
const SEND_TIME: Duration = Duration::from_millis(1500);

/// When the status report of a sent message asking for one arrives.
const REPORT_TIME: Duration = Duration::from_secs(3);

/// `+CMS ERROR` codes of TS 27.005 §3.2.5 used here.
pub(super) mod cms {
    pub const OPERATION_NOT_SUPPORTED: u16 = 303;
    pub const INVALID_PDU_PARAMETER: u16 = 304;
    pub const INVALID_TEXT_PARAMETER: u16 = 305;
    pub const SIM_NOT_INSERTED: u16 = 310;
    pub const SIM_PIN_REQUIRED: u16 = 311;
    pub const SIM_PUK_REQUIRED: u16 = 316;
    pub const INVALID_MEMORY_INDEX: u16 = 321;
    pub const MEMORY_FULL: u16 = 322;
    pub const NO_NETWORK_SERVICE: u16 = 331;
    pub const NO_CNMA_EXPECTED: u16 = 340;
}

/// A message being typed after the `> ` prompt of `+CMGS` / `+CMGW` (TS 27.005 §3.5.1,
/// §3.5.3, §4.3, §4.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Compose {
    /// Send it or store it.
    pub send: bool,
    /// PDU mode: the announced TPDU length; `None` in text mode.
    pub pdu_length: Option<usize>,
    /// Text mode: the recipient.
    pub recipient: Option<String>,
    /// `+CMGW`: the status to store it with.
    pub stat: Stat,
}

impl Compose {
    /// Whether text (not a PDU) is expected.
    pub fn is_text(&self) -> bool {
        self.pdu_length.is_none()
    }
}

/// TS 23.040 §9.2.3.11 service centre time stamp as text mode shows it:
/// `yy/MM/dd,hh:mm:ss±zz`, the zone in quarter hours.
fn scts(time: OffsetDateTime) -> String {
    let quarters = time.offset().whole_minutes() / 15;
    let sign = if quarters < 0 { '-' } else { '+' };
    format!(
        "{:02}/{:02}/{:02},{:02}:{:02}:{:02}{sign}{:02}",
        time.year().rem_euclid(100),
        u8::from(time.month()),
        time.day(),
        time.hour(),
        time.minute(),
        time.second(),
        quarters.abs()
    )
}

fn ok() -> Reply {
    Ok(Outcome::Lines(Vec::new()))
}

fn lines(lines: Vec<String>) -> Reply {
    Ok(Outcome::Lines(lines))
}

impl Modem {
    /// One TS 27.005 command.
    pub(super) fn sms_command(&mut self, command: &Command, now: Instant) -> Reply {
        match command.name.as_str() {
            "+CSMS" => self.csms(command),
            "+CPMS" => self.cpms(command),
            "+CMGF" => self.cmgf(command),
            "+CSCA" => self.csca(command),
            "+CNMI" => self.cnmi(command),
            "+CMGL" => self.cmgl(command),
            "+CMGR" => self.cmgr(command),
            "+CMGD" => self.cmgd(command, now),
            "+CMGW" => self.cmgw(command),
            "+CMGS" => self.cmgs(command),
            "+CNMA" => self.cnma(command, now),
            _ => Err(Failure::Error),
        }
    }

    /// SMS commands refused before the model announced SMS readiness (SIM800).
    fn sms_ready(&self) -> Result<(), Failure> {
        match self.profile.sms_not_ready_error {
            Some(code) if !self.power.sms_ready => Err(Failure::Cms(code)),
            _ => Ok(()),
        }
    }

    /// Whether a storage can be used now: SM needs an unlocked SIM.
    fn storage_usable(&self, storage: Storage) -> Result<(), Failure> {
        if storage == Storage::Sm {
            match self.sim.as_ref().map(|card| card.pin) {
                None => return Err(Failure::Cms(cms::SIM_NOT_INSERTED)),
                Some(PinState::PinWanted) => return Err(Failure::Cms(cms::SIM_PIN_REQUIRED)),
                Some(PinState::PukWanted) => return Err(Failure::Cms(cms::SIM_PUK_REQUIRED)),
                Some(PinState::Ready) => {}
            }
        }
        self.sms_ready()
    }

    /// Used and total slots of a storage, for `+CPMS`.
    fn usage(&self, storage: Storage) -> (usize, usize) {
        self.store(storage)
            .map_or((0, 0), |store| (store.used(), store.capacity()))
    }

    /// The `<alpha>` of a PDU-mode header: empty, or `""` where the model quotes it.
    fn empty_alpha(&self) -> &'static str {
        if self.profile.quirks.quoted_empty_alpha {
            "\"\""
        } else {
            ""
        }
    }

    /// The index a slot is shown with (0-based on Huawei).
    fn shown_index(&self, slot: usize) -> u32 {
        slot as u32 + self.profile.index_base
    }

    /// The slot an index names, or `+CMS ERROR: 321`.
    fn slot_of(&self, storage: Storage, index: Option<u32>) -> Result<usize, Failure> {
        let invalid = Failure::Cms(cms::INVALID_MEMORY_INDEX);
        let slot = index
            .and_then(|index| index.checked_sub(self.profile.index_base))
            .ok_or(invalid)? as usize;
        match self.store(storage) {
            Some(store) if store.has_slot(slot) => Ok(slot),
            _ => Err(invalid),
        }
    }

    // TS 27.005 §3.2.1 +CSMS=<service>: `+CSMS: <mt>,<mo>,<bm>`; 1 (phase 2+) makes routed
    // messages need +CNMA.
    fn csms(&mut self, command: &Command) -> Reply {
        self.sms_ready()?;
        match &command.op {
            Op::Set(args) => {
                self.settings.csms = number_in(args, 0, 0..=1)?.ok_or(Failure::Error)? as u8;
                lines(vec!["+CSMS: 1,1,1".to_owned()])
            }
            Op::Read => lines(vec![format!("+CSMS: {},1,1,1", self.settings.csms)]),
            Op::Test => lines(vec!["+CSMS: (0,1)".to_owned()]),
            Op::Exec => Err(Failure::Error),
        }
    }

    // TS 27.005 §3.2.2 +CPMS=<mem1>[,<mem2>[,<mem3>]]: `+CPMS: <used1>,<total1>,<used2>,
    // <total2>,<used3>,<total3>`; +CPMS? names them too. Omitted memories stay as they are,
    // which is how a two-argument +CPMS leaves Quectel's <mem3> on ME.
    fn cpms(&mut self, command: &Command) -> Reply {
        match &command.op {
            Op::Set(args) => {
                if args.is_empty() || args.len() > 3 {
                    return Err(Failure::Error);
                }
                let mut storages = self.settings.storages;
                for (role, arg) in args.iter().enumerate() {
                    if let Some(name) = arg.text() {
                        storages[role] = Storage::parse(name)
                            .ok_or(Failure::Cms(cms::OPERATION_NOT_SUPPORTED))?;
                    }
                }
                for storage in storages {
                    self.storage_usable(storage)?;
                }
                self.settings.storages = storages;
                let counts: Vec<String> = storages
                    .iter()
                    .map(|&storage| {
                        let (used, total) = self.usage(storage);
                        format!("{used},{total}")
                    })
                    .collect();
                lines(vec![format!("+CPMS: {}", counts.join(","))])
            }
            Op::Read => {
                for storage in self.settings.storages {
                    self.storage_usable(storage)?;
                }
                let fields: Vec<String> = self
                    .settings
                    .storages
                    .iter()
                    .map(|&storage| {
                        let (used, total) = self.usage(storage);
                        format!("\"{storage}\",{used},{total}")
                    })
                    .collect();
                lines(vec![format!("+CPMS: {}", fields.join(","))])
            }
            Op::Test => lines(vec![
                "+CPMS: (\"SM\",\"ME\"),(\"SM\",\"ME\"),(\"SM\",\"ME\")".to_owned(),
            ]),
            Op::Exec => Err(Failure::Error),
        }
    }

    // TS 27.005 §3.2.3 +CMGF=[<mode>]: 0 PDU, 1 text.
    fn cmgf(&mut self, command: &Command) -> Reply {
        self.sms_ready()?;
        match &command.op {
            Op::Set(args) => {
                self.settings.cmgf = number_in(args, 0, 0..=1)?.unwrap_or(0) as u8;
                ok()
            }
            Op::Read => lines(vec![format!("+CMGF: {}", self.settings.cmgf)]),
            Op::Test => lines(vec!["+CMGF: (0,1)".to_owned()]),
            Op::Exec => {
                self.settings.cmgf = 0;
                ok()
            }
        }
    }

    // TS 27.005 §3.3.1 +CSCA=<sca>[,<tosca>], +CSCA? → `+CSCA: <sca>,<tosca>`.
    fn csca(&mut self, command: &Command) -> Reply {
        self.storage_usable(Storage::Sm)?;
        match &command.op {
            Op::Read => {
                let smsc = self
                    .sim
                    .as_ref()
                    .map(|card| card.smsc.clone())
                    .unwrap_or_default();
                let kind = if smsc.starts_with('+') { 145 } else { 129 };
                lines(vec![format!("+CSCA: \"{smsc}\",{kind}")])
            }
            Op::Set(args) => {
                let smsc = args.first().and_then(Arg::text).ok_or(Failure::Error)?;
                if let Some(card) = self.sim.as_mut() {
                    card.smsc = smsc.to_owned();
                }
                ok()
            }
            Op::Test => ok(),
            Op::Exec => Err(Failure::Error),
        }
    }

    // TS 27.005 §3.4.1 +CNMI=[<mode>[,<mt>[,<bm>[,<ds>[,<bfr>]]]]]. Omitted values stay.
    fn cnmi(&mut self, command: &Command) -> Reply {
        self.sms_ready()?;
        match &command.op {
            Op::Set(args) => {
                let max_mode = self.profile.quirks.cnmi_max_mode;
                if let (Some(max), Some(mode)) = (max_mode, number(args, 0)?)
                    && mode > u32::from(max)
                {
                    return Err(Failure::Error);
                }
                let limits = [3, 3, 3, 2, 1];
                let mut cnmi = self.settings.cnmi;
                for (field, limit) in limits.into_iter().enumerate() {
                    match number(args, field)? {
                        Some(value) if value > limit => {
                            return Err(Failure::Cms(cms::OPERATION_NOT_SUPPORTED));
                        }
                        Some(value) => cnmi[field] = value as u8,
                        None => {}
                    }
                }
                if args.len() > 5 {
                    return Err(Failure::Error);
                }
                self.settings.cnmi = cnmi;
                ok()
            }
            Op::Read => {
                let [mode, mt, bm, ds, bfr] = self.settings.cnmi;
                lines(vec![format!("+CNMI: {mode},{mt},{bm},{ds},{bfr}")])
            }
            Op::Test => lines(vec![match self.profile.quirks.cnmi_max_mode {
                Some(max) => format!("+CNMI: (0-{max}),(0-3),(0,2),(0-2),(0,1)"),
                None => "+CNMI: (0-3),(0-3),(0,2),(0-2),(0,1)".to_owned(),
            }]),
            Op::Exec => ok(),
        }
    }

    // TS 27.005 §3.4.2 (PDU) +CMGL[=<stat>]: `+CMGL: <index>,<stat>,[<alpha>],<length>
    // <CR><LF><pdu>` per message; §4.1 (text) +CMGL[=<stat>]: `+CMGL: <index>,<stat>,<oa/da>,
    // [<alpha>],[<scts>]<CR><LF><data>`. Listed unread messages become read.
    fn cmgl(&mut self, command: &Command) -> Reply {
        let text_mode = self.settings.cmgf == 1;
        if command.op != Op::Test {
            self.listings += 1;
        }
        if command.op == Op::Test {
            self.sms_ready()?;
            return lines(vec![if text_mode {
                "+CMGL: (\"REC UNREAD\",\"REC READ\",\"STO UNSENT\",\"STO SENT\",\"ALL\")"
                    .to_owned()
            } else {
                "+CMGL: (0-4)".to_owned()
            }]);
        }
        // None: every status.
        let wanted: Option<Stat> = match &command.op {
            Op::Exec => Some(Stat::RecUnread),
            Op::Set(args) => {
                let arg = args.first().and_then(Arg::text).ok_or(Failure::Error)?;
                if text_mode {
                    if arg.eq_ignore_ascii_case("ALL") {
                        None
                    } else {
                        Some(
                            Stat::from_text(arg)
                                .ok_or(Failure::Cms(cms::INVALID_TEXT_PARAMETER))?,
                        )
                    }
                } else {
                    match number(args, 0).map_err(|_| Failure::Cms(cms::INVALID_PDU_PARAMETER))? {
                        Some(4) => None,
                        Some(value) => Some(
                            Stat::from_number(value)
                                .ok_or(Failure::Cms(cms::INVALID_PDU_PARAMETER))?,
                        ),
                        None => return Err(Failure::Error),
                    }
                }
            }
            _ => return Err(Failure::Error),
        };
        let storage = self.settings.storages[0];
        self.storage_usable(storage)?;
        let entries: Vec<(usize, StoredSms)> = self
            .store(storage)
            .map(|store| {
                store
                    .iter()
                    .filter(|(_, sms)| wanted.is_none_or(|stat| sms.stat == stat))
                    .map(|(slot, sms)| (slot, sms.clone()))
                    .collect()
            })
            .unwrap_or_default();
        if entries.is_empty()
            && let Some(code) = self.profile.quirks.empty_listing_error
        {
            return Err(Failure::Cms(code));
        }
        let interleave = self.profile.periodic.is_some() && self.settings.curc;
        let mut out = Vec::new();
        for (count, (slot, sms)) in entries.iter().enumerate() {
            let index = self.shown_index(*slot);
            if text_mode {
                let (fields, body) = self.text_fields(sms);
                out.push(format!("+CMGL: {index},\"{}\",{fields}", sms.stat.text()));
                out.push(body);
            } else {
                out.push(format!(
                    "+CMGL: {index},{},{},{}",
                    sms.stat.number(),
                    self.empty_alpha(),
                    sms.tpdu_length()
                ));
                out.push(hex::encode_upper(&sms.pdu));
            }
            if let Some(urc) = self.profile.quirks.urc_in_listing {
                out.push(urc.to_owned());
            }
            // Huawei firmware prints its signal reports between the entries of a long
            // listing (seen in chan_dongle and ModemManager logs); every second entry here.
            if interleave && count % 2 == 1 && count + 1 < entries.len() {
                out.push(format!("^RSSI:{}", self.network.rssi));
            }
        }
        if self.profile.blank_line_after_messages && !entries.is_empty() {
            out.push(String::new());
        }
        if let Some(store) = self.store_mut(storage) {
            for (slot, _) in &entries {
                if let Some(sms) = store.get_mut(*slot)
                    && sms.stat == Stat::RecUnread
                {
                    sms.stat = Stat::RecRead;
                }
            }
        }
        lines(out)
    }

    // TS 27.005 §3.4.3 (PDU) +CMGR=<index>: `+CMGR: <stat>,[<alpha>],<length><CR><LF><pdu>`;
    // §4.2 (text): `+CMGR: <stat>,<oa>,[<alpha>],<scts><CR><LF><data>`. An unread message
    // becomes read; an empty slot answers as the model does.
    fn cmgr(&mut self, command: &Command) -> Reply {
        let Op::Set(args) = &command.op else {
            return if command.op == Op::Test {
                ok()
            } else {
                Err(Failure::Error)
            };
        };
        let storage = self.settings.storages[0];
        self.storage_usable(storage)?;
        let slot = self.slot_of(storage, number(args, 0)?)?;
        let text_mode = self.settings.cmgf == 1;
        let blank_line = self.profile.blank_line_after_messages;
        let quirks = self.profile.quirks;
        let Some(store) = self.store_mut(storage) else {
            return Err(Failure::Cms(cms::SIM_NOT_INSERTED));
        };
        let Some(stored) = store.get_mut(slot) else {
            return match self.profile.empty_slot_read {
                EmptySlotRead::Ok => ok(),
                EmptySlotRead::InvalidIndex => Err(Failure::Cms(cms::INVALID_MEMORY_INDEX)),
            };
        };

        if quirks.bare_ok_first_read && stored.stat == Stat::RecUnread && !stored.read_refused {
            stored.read_refused = true;
            return ok();
        }
        let sms = stored.clone();
        if stored.stat == Stat::RecUnread {
            stored.stat = Stat::RecRead;
        }
        let mut out = if text_mode {
            let (fields, body) = self.text_fields(&sms);
            vec![format!("+CMGR: \"{}\",{fields}", sms.stat.text()), body]
        } else {
            vec![
                format!(
                    "+CMGR: {},{},{}",
                    sms.stat.number(),
                    self.empty_alpha(),
                    sms.tpdu_length()
                ),
                hex::encode_upper(&sms.pdu),
            ]
        };
        if blank_line {
            out.push(String::new());
        }
        lines(out)
    }

    // TS 27.005 §3.5.4 +CMGD=<index>[,<delflag>]; +CMGD=? → `+CMGD: (<used indexes>),(0-4)`.
    // Freed space lets the network retry the messages it holds.
    fn cmgd(&mut self, command: &Command, now: Instant) -> Reply {
        let storage = self.settings.storages[0];
        match &command.op {
            Op::Set(args) => {
                self.storage_usable(storage)?;
                let index = number(args, 0)?;
                let flag = number_in(args, 1, 0..=4)?.unwrap_or(0);
                let slot = if flag == 0 {
                    Some(self.slot_of(storage, index)?)
                } else {
                    None
                };
                let was_full = self.store(storage).is_some_and(|store| store.is_full());
                if let Some(store) = self.store_mut(storage) {
                    match slot {
                        Some(slot) => store.remove(slot),
                        None => store.delete_by_flag(flag),
                    }
                }
                let now_full = self.store(storage).is_some_and(|store| store.is_full());
                if was_full && !now_full {
                    self.storage_freed(now);
                }
                ok()
            }
            Op::Test => {
                self.storage_usable(storage)?;
                let used: Vec<String> = self
                    .store(storage)
                    .map(|store| {
                        store
                            .iter()
                            .map(|(slot, _)| self.shown_index(slot).to_string())
                            .collect()
                    })
                    .unwrap_or_default();
                lines(vec![format!("+CMGD: ({}),(0-4)", used.join(","))])
            }
            _ => Err(Failure::Error),
        }
    }

    // TS 27.005 §3.5.3 (PDU) +CMGW=<length>[,<stat>] and §4.4 (text) +CMGW[=<da>[,<toda>
    // [,<stat>]]]: the `> ` prompt, then the PDU or text and Ctrl-Z; `+CMGW: <index>`.
    fn cmgw(&mut self, command: &Command) -> Reply {
        if command.op == Op::Test {
            return ok();
        }
        self.storage_usable(self.settings.storages[1])?;
        let args: &[Arg] = match &command.op {
            Op::Set(args) => args,
            _ => &[],
        };
        if self.settings.cmgf == 0 {
            let length = number_in(args, 0, 1..=176)?.ok_or(Failure::Error)?;
            let stat = number_in(args, 1, 0..=3)?
                .and_then(Stat::from_number)
                .unwrap_or(Stat::StoUnsent);
            Ok(Outcome::Prompt(Compose {
                send: false,
                pdu_length: Some(length as usize),
                recipient: None,
                stat,
            }))
        } else {
            let stat = match args.get(2).and_then(Arg::text) {
                Some(text) => {
                    Stat::from_text(text).ok_or(Failure::Cms(cms::INVALID_TEXT_PARAMETER))?
                }
                None => Stat::StoUnsent,
            };
            Ok(Outcome::Prompt(Compose {
                send: false,
                pdu_length: None,
                recipient: args.first().and_then(Arg::text).map(str::to_owned),
                stat,
            }))
        }
    }

    // TS 27.005 §3.5.1 (PDU) +CMGS=<length> and §4.3 (text) +CMGS=<da>[,<toda>]: the `> `
    // prompt, then the PDU or text and Ctrl-Z; `+CMGS: <mr>` once the network accepted it.
    fn cmgs(&mut self, command: &Command) -> Reply {
        let Op::Set(args) = &command.op else {
            return if command.op == Op::Test {
                ok()
            } else {
                Err(Failure::Error)
            };
        };
        self.storage_usable(Storage::Sm)?;
        if self.settings.cmgf == 0 {
            let length = number_in(args, 0, 1..=176)?.ok_or(Failure::Error)?;
            Ok(Outcome::Prompt(Compose {
                send: true,
                pdu_length: Some(length as usize),
                recipient: None,
                stat: Stat::StoSent,
            }))
        } else {
            let recipient = args.first().and_then(Arg::text).ok_or(Failure::Error)?;
            Ok(Outcome::Prompt(Compose {
                send: true,
                pdu_length: None,
                recipient: Some(recipient.to_owned()),
                stat: Stat::StoSent,
            }))
        }
    }

    /// What was typed after the prompt, ended by Ctrl-Z.
    pub(super) fn finish_compose(&mut self, compose: Compose, typed: &[u8], now: Instant) -> Reply {
        let pdu = match compose.pdu_length {
            Some(length) => {
                let text = String::from_utf8_lossy(typed);
                let octets = crate::pdu::hex_octets(text.trim())
                    .map_err(|_| Failure::Cms(cms::INVALID_PDU_PARAMETER))?;
                // <length> counts the TPDU only; the PDU starts with the SMSC field.
                if octets.is_empty() || tpdu_length(&octets) != length {
                    return Err(Failure::Cms(cms::INVALID_PDU_PARAMETER));
                }
                octets
            }
            None => {
                let text = String::from_utf8_lossy(typed).into_owned();
                let recipient = compose.recipient.clone().unwrap_or_default();
                let address = if recipient.is_empty() {
                    Address::unknown("")
                } else {
                    Address::guess(&recipient)
                };
                let parts = SubmitSpec::new(address, &text)
                    .encode()
                    .map_err(|_| Failure::Cms(cms::INVALID_TEXT_PARAMETER))?;
                // Text longer than one part is cut to the first, as modules do.
                parts
                    .into_iter()
                    .next()
                    .map(|part| part.octets)
                    .ok_or(Failure::Cms(cms::INVALID_TEXT_PARAMETER))?
            }
        };
        if compose.send {
            if self.registration() != 1 {
                return Err(Failure::Cms(cms::NO_NETWORK_SERVICE));
            }
            let reference = self.network.next_message_reference();
            // TP-SRR (bit 5 of the first TPDU octet): the network will report delivery.
            let first = pdu
                .first()
                .and_then(|&smsc| pdu.get(usize::from(smsc) + 1))
                .copied()
                .unwrap_or(0);
            if first & 0x20 != 0 {
                let at = self.response_time(now) + REPORT_TIME;
                let report = self.status_report_pdu(&pdu, reference, at);
                self.schedule(at, Timer::StatusReport(report));
            }
            return Ok(Outcome::Deferred {
                delay: SEND_TIME,
                lines: vec![format!("+CMGS: {reference}")],
                result: Ok(()),
            });
        }
        let storage = self.settings.storages[1];
        let stored = StoredSms {
            stat: compose.stat,
            pdu,
            read_refused: false,
        };
        let store = self
            .store_mut(storage)
            .ok_or(Failure::Cms(cms::SIM_NOT_INSERTED))?;
        let slot = store.insert(stored).ok_or(Failure::Cms(cms::MEMORY_FULL))?;
        lines(vec![format!("+CMGW: {}", self.shown_index(slot))])
    }

    // TS 27.005 §3.4.4 +CNMA: acknowledges the last +CMT under +CSMS=1; none pending →
    // +CMS ERROR: 340.
    fn cnma(&mut self, command: &Command, now: Instant) -> Reply {
        match command.op {
            Op::Exec | Op::Set(_) => {
                if self.acknowledge(now) {
                    ok()
                } else {
                    Err(Failure::Cms(cms::NO_CNMA_EXPECTED))
                }
            }
            Op::Test => lines(vec!["+CNMA: (0-2)".to_owned()]),
            Op::Read => Err(Failure::Error),
        }
    }

    /// The text-mode fields after `<stat>` and the data line of a stored or routed PDU.
    pub(super) fn text_fields(&self, sms: &StoredSms) -> (String, String) {
        match Pdu::decode(&sms.pdu).map(|pdu| pdu.message) {
            Ok(Message::Deliver(deliver)) => {
                let stamp = deliver.timestamp.map(scts).unwrap_or_default();
                (
                    format!("\"{}\",,\"{stamp}\"", deliver.sender.value),
                    self.text_data(&deliver.user_data),
                )
            }
            Ok(Message::Submit(submit)) => (
                format!("\"{}\",", submit.recipient.value),
                self.text_data(&submit.user_data),
            ),
            Ok(Message::StatusReport(report)) => (format!("6,{}", report.reference), String::new()),
            Err(_) => ("\"\",,".to_owned(), hex::encode_upper(&sms.pdu)),
        }
    }

    /// The data line in text mode (TS 27.005 §3.1 `<data>`): the text for GSM 7-bit in
    /// GSM/IRA, four hex digits per UTF-16 unit for UCS2 data or the UCS2 character set,
    /// hex octets for 8-bit data. Approximation: GSM text is shown as UTF-8 rather than
    /// converted to the GSM character set byte for byte.
    fn text_data(&self, user_data: &UserData) -> String {
        let text = user_data.text_or_empty();
        match (user_data.encoding, self.settings.cscs) {
            (Encoding::EightBit, _) => hex::encode_upper(&user_data.octets),
            (Encoding::Ucs2, _) | (_, Charset::Ucs2) => ucs2_hex(text),
            _ => text.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn scts_shows_the_zone_in_quarter_hours() {
        assert_eq!(
            scts(datetime!(2025-03-14 15:09:26 +01:00)),
            "25/03/14,15:09:26+04"
        );
        assert_eq!(
            scts(datetime!(2025-03-14 15:09:26 -05:30)),
            "25/03/14,15:09:26-22"
        );
    }
}
