//! The V.250 and TS 27.007 commands: settings, identity, SIM, registration, operator, USSD,
//! and the vendor ICCID commands. SMS commands (TS 27.005) are `sms_commands`'.
//!
//! Error choices, per TS 27.007 §9.1–9.2: a syntax error, an unknown command or an
//! unsupported value gets `ERROR`; a failure of the module or the SIM gets `+CME ERROR`
//! (shaped by `+CMEE`).

use std::time::{Duration, Instant};

use super::parse::{Arg, Command, Op};
use super::{Charset, Failure, Modem, Outcome, PinState, Reply, Settings, SimCard, Timer};
use crate::simulator::identity::{OPERATORS, SIM_PUK};
use crate::simulator::personality::{AtiStyle, IccidOutput};

/// How long `+COPS=?` takes. Real scans listen on every band: 30..180 s (the manuals'
/// maximum response times); shortened so that tests stay quick.
const OPERATOR_SCAN: Duration = Duration::from_secs(3);

/// How long the network takes to answer a USSD request (about 1..5 s in practice).
const USSD_ANSWER: Duration = Duration::from_millis(1500);

/// `+CME ERROR` codes of TS 27.007 §9.2.1 used here.
mod cme {
    pub const OPERATION_NOT_ALLOWED: u16 = 3;
    pub const SIM_NOT_INSERTED: u16 = 10;
    pub const SIM_PIN_REQUIRED: u16 = 11;
    pub const SIM_PUK_REQUIRED: u16 = 12;
    pub const INCORRECT_PASSWORD: u16 = 16;
    pub const NO_NETWORK_SERVICE: u16 = 30;
}

/// A number parameter, `ERROR` when not a number. `None` when omitted.
pub(super) fn number(args: &[Arg], index: usize) -> Result<Option<u32>, Failure> {
    match args.get(index).and_then(Arg::text) {
        None => Ok(None),
        Some(text) => text.trim().parse().map(Some).map_err(|_| Failure::Error),
    }
}

/// A number parameter within `range`; `ERROR` otherwise. `None` when omitted.
pub(super) fn number_in(
    args: &[Arg],
    index: usize,
    range: std::ops::RangeInclusive<u32>,
) -> Result<Option<u32>, Failure> {
    match number(args, index)? {
        Some(value) if !range.contains(&value) => Err(Failure::Error),
        other => Ok(other),
    }
}

fn lines(lines: Vec<String>) -> Reply {
    Ok(Outcome::Lines(lines))
}

fn ok() -> Reply {
    Ok(Outcome::Lines(Vec::new()))
}

/// Swaps the nibbles of each byte of a digit string padded to whole bytes with `F`, as
/// EF_ICCID stores it (TS 31.102 §4.2.2): `8970...` → `9807...`.
pub(super) fn swap_nibbles(digits: &str) -> String {
    let mut padded = digits.to_owned();
    if padded.len() % 2 == 1 {
        padded.push('F');
    }
    padded
        .as_bytes()
        .chunks(2)
        .flat_map(|pair| pair.iter().rev().map(|&b| char::from(b)))
        .collect()
}

/// UTF-16 hex, as `+CSCS="UCS2"` writes strings (TS 27.007 §5.5).
pub(super) fn ucs2_hex(text: &str) -> String {
    text.encode_utf16()
        .map(|unit| format!("{unit:04X}"))
        .collect()
}

/// The text of UTF-16 hex, if it is that.
pub(super) fn from_ucs2_hex(hex: &str) -> Option<String> {
    if hex.is_empty() || !hex.len().is_multiple_of(4) {
        return None;
    }
    let units: Option<Vec<u16>> = (0..hex.len())
        .step_by(4)
        .map(|at| {
            hex.get(at..at + 4)
                .and_then(|unit| u16::from_str_radix(unit, 16).ok())
        })
        .collect();
    String::from_utf16(&units?).ok()
}

impl Modem {
    /// Executes one command of a line.
    pub(super) fn execute(&mut self, command: &Command, now: Instant) -> Reply {
        if let Some(reply) = self.iccid_command(command) {
            return reply;
        }
        let name = command.name.as_str();
        match name {
            "E" | "V" | "Q" => self.basic_flag(command),
            // V.250 §6.1.1 Z, §6.1.2 &F: back to the stored / factory profile.
            "Z" | "&F" => {
                self.settings = Settings::factory(self.profile);
                ok()
            }
            // V.250 §6.1.3 I: identification text; other values are manufacturer-specific.
            "I" => match command.number {
                None | Some(0) => lines(self.ati_lines()),
                Some(_) => Err(Failure::Error),
            },
            "&W" | "&C" | "&D" | "&K" | "&V" | "X" | "L" | "M" | "H" => ok(),
            "S" => self.s_register(command),
            // No voice or data calls: this modem receives SMS only.
            "D" | "A" | "O" => Err(Failure::Error),
            // TS 27.007 §5.1..§5.4 identification, with the V.250 §6.1.4..6.1.7 aliases.
            "+CGMI" | "+GMI" => self.identity_line(command, self.profile.manufacturer.to_owned()),
            "+CGMM" | "+GMM" => self.identity_line(command, self.profile.model.to_owned()),
            "+CGMR" | "+GMR" => self.identity_line(command, self.profile.revision.to_owned()),
            "+CGSN" | "+GSN" => {
                let imei = if self.profile.cgsn_prefixed {
                    format!("+CGSN: {}", self.identity.imei)
                } else {
                    self.identity.imei.clone()
                };
                self.identity_line(command, imei)
            }
            "+GCAP" => self.identity_line(command, "+GCAP: +CGSM".to_owned()),
            "+CIMI" => self.imsi(command),
            "+CMEE" => self.cmee(command),
            "+CSCS" => self.cscs(command),
            "+CFUN" => self.cfun(command, now),
            "+CPIN" => self.cpin(command, now),
            "+CSQ" => self.csq(command),
            "+CREG" | "+CGREG" => self.registration_command(command),
            "+CEREG" if self.profile.eps => self.registration_command(command),
            "+COPS" => self.cops(command),
            "+CNUM" => self.cnum(command),
            "+CRSM" => self.crsm(command),
            "+CUSD" => self.cusd(command, now),
            "^CURC" if self.profile.manufacturer == "huawei" => self.curc(command),
            // Huawei ^PORTSEL=<mode>: which port gets URCs (Huawei HSPA/LTE module AT command
            // interface specification). Accepted and not modelled: there is one port here.
            // gammu's Huawei post-connect sends `AT^PORTSEL=1` and gives up on `ERROR`.
            "^PORTSEL" if self.profile.manufacturer == "huawei" => match &command.op {
                Op::Set(args) => number_in(args, 0, 0..=1).map(|_| Outcome::Lines(Vec::new())),
                Op::Read => lines(vec!["^PORTSEL: 0".to_owned()]),
                Op::Test => lines(vec!["^PORTSEL: (0-1)".to_owned()]),
                Op::Exec => Err(Failure::Error),
            },
            // Indications and parameters the daemon may set; accepted, nothing to model.
            "+CLIP" | "+CRC" | "+CMER" | "+CGEREP" | "+CTZU" | "+CTZR" | "+CSDH" | "+CSMP"
            | "+CSCB" => self.accepted_setting(command),
            "+CSMS" | "+CPMS" | "+CMGF" | "+CSCA" | "+CNMI" | "+CMGL" | "+CMGR" | "+CMGD"
            | "+CMGW" | "+CMGS" | "+CNMA" => self.sms_command(command, now),
            // Phonebooks, clocks, batteries... are not simulated: `ERROR`, as on a module
            // without them (gammu and the daemon both cope), or the quirk's own answer.
            _ if self.profile.quirks.command_not_support => Err(Failure::NotSupported),
            _ => Err(Failure::Error),
        }
    }

    /// V.250 §6.2.4 `E`, §6.2.6 `V`, §6.2.5 `Q`: 0 or 1 (omitted is 0).
    fn basic_flag(&mut self, command: &Command) -> Reply {
        let on = match command.number {
            None | Some(0) => false,
            Some(1) => true,
            Some(_) => return Err(Failure::Error),
        };
        match command.name.as_str() {
            "E" => self.settings.echo = on || self.profile.quirks.echo_ignores_ate0,
            "V" => self.settings.verbose = on,
            _ => self.settings.quiet = on,
        }
        ok()
    }

    /// V.250 §6.2.1..6.2.3 S-registers 0..=12: read as three digits, set 0..=255.
    fn s_register(&mut self, command: &Command) -> Reply {
        let index = command.number.unwrap_or(0) as usize;
        let Some(&current) = self.settings.s_registers.get(index) else {
            return Err(Failure::Error);
        };
        match &command.op {
            Op::Read => lines(vec![format!("{current:03}")]),
            Op::Set(args) => {
                let value = number_in(args, 0, 0..=255)?.unwrap_or(0);
                self.settings.s_registers[index] = value as u8;
                ok()
            }
            _ => ok(),
        }
    }

    /// `ATI` as the model lays it out.
    fn ati_lines(&self) -> Vec<String> {
        let profile = self.profile;
        match profile.ati {
            AtiStyle::ThreeLines => vec![
                profile.manufacturer.to_owned(),
                profile.model.to_owned(),
                format!("Revision: {}", profile.ati_revision),
            ],
            AtiStyle::OneLine(line) => vec![line.to_owned()],
            AtiStyle::Labelled { gcap } => vec![
                format!("Manufacturer: {}", profile.manufacturer),
                format!("Model: {}", profile.model),
                format!("Revision: {}", profile.ati_revision),
                format!("IMEI: {}", self.identity.imei),
                format!("+GCAP: {gcap}"),
            ],
        }
    }

    /// An execution-only identity command: the line for `AT+X`, `OK` for `AT+X=?`.
    fn identity_line(&self, command: &Command, line: String) -> Reply {
        match command.op {
            Op::Exec => lines(vec![line]),
            Op::Test => ok(),
            _ => Err(Failure::Error),
        }
    }

    /// The SIM, if it is in and unlocked; else the `+CME ERROR` saying why.
    fn unlocked_sim(&self) -> Result<&SimCard, Failure> {
        match &self.sim {
            None => Err(Failure::Cme(cme::SIM_NOT_INSERTED)),
            Some(card) => match card.pin {
                PinState::Ready => Ok(card),
                PinState::PinWanted => Err(Failure::Cme(cme::SIM_PIN_REQUIRED)),
                PinState::PukWanted => Err(Failure::Cme(cme::SIM_PUK_REQUIRED)),
            },
        }
    }

    // TS 27.007 §5.6 +CIMI: `<IMSI>` bare.
    fn imsi(&self, command: &Command) -> Reply {
        if command.op == Op::Test {
            return ok();
        }
        let imsi = self.unlocked_sim()?.identity.imsi.clone();
        self.identity_line(command, imsi)
    }

    /// The vendor ICCID commands of the model (EF_ICCID is readable without the PIN, so a
    /// locked SIM answers too). `None` when the command is not one of them.
    fn iccid_command(&self, command: &Command) -> Option<Reply> {
        let dialect = self
            .profile
            .iccid_commands
            .iter()
            .find(|dialect| dialect.name == command.name)?;
        let wanted = if dialect.read_form {
            Op::Read
        } else {
            Op::Exec
        };
        if command.op == Op::Test {
            return Some(ok());
        }
        if command.op != wanted {
            return Some(Err(Failure::Error));
        }
        let Some(card) = &self.sim else {
            return Some(Err(Failure::Cme(cme::SIM_NOT_INSERTED)));
        };
        let mut digits = card.identity.iccid.clone();
        if dialect.pad && digits.len() % 2 == 1 {
            digits.push('F');
        }
        let line = match dialect.output {
            IccidOutput::Bare => digits,
            IccidOutput::Prefixed(prefix) => format!("{prefix}{digits}"),
            IccidOutput::Swapped(prefix) => format!("{prefix}{}", swap_nibbles(&digits)),
        };
        Some(lines(vec![line]))
    }

    // TS 27.007 §8.18 +CRSM=<command>,<fileid>,<P1>,<P2>,<P3>: `+CRSM: <sw1>,<sw2>[,<response>]`.
    // READ BINARY (176) of EF_ICCID (12258 = 0x2FE2) answers the ICCID as stored (nibbles
    // swapped, F-padded); any other file is "file not found" (SW 6A82 = 106,130).
    fn crsm(&self, command: &Command) -> Reply {
        let Op::Set(args) = &command.op else {
            return if command.op == Op::Test {
                ok()
            } else {
                Err(Failure::Error)
            };
        };
        let instruction = number(args, 0)?.ok_or(Failure::Error)?;
        let file = number(args, 1)?;
        let Some(card) = &self.sim else {
            return Err(Failure::Cme(cme::SIM_NOT_INSERTED));
        };
        if instruction == 176 && file == Some(12258) {
            lines(vec![format!(
                "+CRSM: 144,0,\"{}\"",
                swap_nibbles(&card.identity.iccid)
            )])
        } else {
            lines(vec!["+CRSM: 106,130".to_owned()])
        }
    }

    // TS 27.007 §9.1 +CMEE=[<n>]: 0 ERROR, 1 numeric, 2 verbose.
    fn cmee(&mut self, command: &Command) -> Reply {
        match &command.op {
            Op::Set(args) => {
                self.settings.cmee = number_in(args, 0, 0..=2)?.unwrap_or(0) as u8;
                ok()
            }
            Op::Read => lines(vec![format!("+CMEE: {}", self.settings.cmee)]),
            Op::Test => lines(vec!["+CMEE: (0-2)".to_owned()]),
            Op::Exec => {
                self.settings.cmee = 0;
                ok()
            }
        }
    }

    // TS 27.007 §5.5 +CSCS=[<chset>]. In UCS2 the argument itself comes as UCS2 hex (gammu
    // switches back with `AT+CSCS="00470053004D"`).
    fn cscs(&mut self, command: &Command) -> Reply {
        match &command.op {
            Op::Set(args) => {
                let text = args.first().and_then(Arg::text).ok_or(Failure::Error)?;
                let charset = Charset::parse(text)
                    .or_else(|| {
                        (self.settings.cscs == Charset::Ucs2)
                            .then(|| from_ucs2_hex(text))
                            .flatten()
                            .and_then(|decoded| Charset::parse(&decoded))
                    })
                    .ok_or(Failure::Error)?;
                self.settings.cscs = charset;
                ok()
            }
            Op::Read => {
                let name = self.settings.cscs.name();
                let shown = if self.settings.cscs == Charset::Ucs2 {
                    ucs2_hex(name)
                } else {
                    name.to_owned()
                };
                lines(vec![format!("+CSCS: \"{shown}\"")])
            }
            Op::Test => lines(vec!["+CSCS: (\"IRA\",\"GSM\",\"UCS2\")".to_owned()]),
            Op::Exec => ok(),
        }
    }

    // TS 27.007 §8.2 +CFUN=[<fun>[,<rst>]]: 1 full, 0 minimum, 4 radio off; <rst>=1 resets
    // the module first (the `OK` comes, then the boot sequence, settings lost).
    fn cfun(&mut self, command: &Command, now: Instant) -> Reply {
        match &command.op {
            Op::Set(args) => {
                let fun = number(args, 0)?.ok_or(Failure::Error)?;
                let reset = number_in(args, 1, 0..=1)?.unwrap_or(0) == 1;
                if !matches!(fun, 0 | 1 | 4) {
                    return Err(Failure::Error);
                }
                if reset {
                    return Ok(Outcome::Reset);
                }
                let before = self.power.cfun;
                self.power.cfun = fun as u8;
                if fun != 1 {
                    self.power.registered = false;
                } else if before != 1 && self.sim_usable() && self.power.sim_ready {
                    let at = now + self.profile.boot.register_after;
                    self.schedule(at, Timer::Registered);
                }
                ok()
            }
            Op::Read => lines(vec![format!("+CFUN: {}", self.power.cfun)]),
            Op::Test => lines(vec!["+CFUN: (0,1,4),(0-1)".to_owned()]),
            Op::Exec => Err(Failure::Error),
        }
    }

    // TS 27.007 §8.3 +CPIN=<pin>[,<newpin>], +CPIN? → `+CPIN: <code>`.
    fn cpin(&mut self, command: &Command, now: Instant) -> Reply {
        match &command.op {
            Op::Read => {
                let card = self
                    .sim
                    .as_ref()
                    .ok_or(Failure::Cme(cme::SIM_NOT_INSERTED))?;
                let code = match card.pin {
                    PinState::Ready => "READY",
                    PinState::PinWanted => "SIM PIN",
                    PinState::PukWanted => "SIM PUK",
                };
                lines(vec![format!("+CPIN: {code}")])
            }
            Op::Test => ok(),
            Op::Exec => Err(Failure::Error),
            Op::Set(args) => {
                let first = args.first().and_then(Arg::text).ok_or(Failure::Error)?;
                let second = args.get(1).and_then(Arg::text);
                let card = self
                    .sim
                    .as_mut()
                    .ok_or(Failure::Cme(cme::SIM_NOT_INSERTED))?;
                match card.pin {
                    // "If no PIN request is pending, ... +CME ERROR is returned" (§8.3).
                    PinState::Ready => Err(Failure::Cme(cme::OPERATION_NOT_ALLOWED)),
                    PinState::PinWanted => {
                        if card.identity.pin.as_deref() == Some(first) {
                            card.pin = PinState::Ready;
                            card.wrong_pins = 0;
                            self.replay_sim_stage(now, false);
                            ok()
                        } else {
                            card.wrong_pins += 1;
                            if card.wrong_pins >= 3 {
                                card.pin = PinState::PukWanted;
                            }
                            Err(Failure::Cme(cme::INCORRECT_PASSWORD))
                        }
                    }
                    PinState::PukWanted => {
                        let Some(new_pin) = second else {
                            return Err(Failure::Cme(cme::SIM_PUK_REQUIRED));
                        };
                        if first != SIM_PUK {
                            return Err(Failure::Cme(cme::INCORRECT_PASSWORD));
                        }
                        card.identity.pin = Some(new_pin.to_owned());
                        card.pin = PinState::Ready;
                        card.wrong_pins = 0;
                        self.replay_sim_stage(now, false);
                        ok()
                    }
                }
            }
        }
    }

    // TS 27.007 §8.5 +CSQ: `+CSQ: <rssi>,<ber>`; 99 when unknown (no network).
    fn csq(&self, command: &Command) -> Reply {
        match command.op {
            Op::Exec => {
                let line = if self.registration() == 1 {
                    format!("+CSQ: {},99", self.network.rssi)
                } else {
                    "+CSQ: 99,99".to_owned()
                };
                lines(vec![line])
            }
            Op::Test => lines(vec!["+CSQ: (0-31,99),(0-7,99)".to_owned()]),
            _ => Err(Failure::Error),
        }
    }

    // TS 27.007 §7.2 +CREG=[<n>], §10.1.20 +CGREG, §10.1.22 +CEREG: <n> 0 off, 1 URC on
    // change, 2 URC with location; read: `+CREG: <n>,<stat>[,<lac>,<ci>[,<AcT>]]`.
    fn registration_command(&mut self, command: &Command) -> Reply {
        let name = command.name.clone();
        let current = match name.as_str() {
            "+CREG" => self.settings.creg,
            "+CGREG" => self.settings.cgreg,
            _ => self.settings.cereg,
        };
        match &command.op {
            Op::Set(args) => {
                let n = number_in(args, 0, 0..=2)?.unwrap_or(0) as u8;
                match name.as_str() {
                    "+CREG" => {
                        self.settings.creg = n;
                        self.settings.creg_set = true;
                    }
                    "+CGREG" => self.settings.cgreg = n,
                    _ => self.settings.cereg = n,
                }
                ok()
            }
            Op::Read => {
                let stat = self.registration();
                if self.profile.quirks.registration_bare_until_set
                    && name == "+CREG"
                    && !self.settings.creg_set
                {
                    // The URC's shape, `<n>` left out, until the host sets `+CREG=<n>`.
                    return lines(vec![format!("{name}: {stat}")]);
                }
                let mut line = format!("{name}: {current},{stat}");
                if current == 2 && stat == 1 {
                    line.push_str(&self.location_fields(&name));
                }
                lines(vec![line])
            }
            Op::Test => lines(vec![format!("{name}: (0-2)")]),
            Op::Exec => Err(Failure::Error),
        }
    }

    // TS 27.007 §7.3 +COPS=[<mode>[,<format>[,<oper>]]], +COPS? → `+COPS: <mode>[,<format>,
    // <oper>[,<AcT>]]`, +COPS=? → the operators found, then the supported modes and formats.
    fn cops(&mut self, command: &Command) -> Reply {
        match &command.op {
            Op::Read => {
                let line = if self.power.deregistered {
                    "+COPS: 2".to_owned()
                } else {
                    match (self.registration(), &self.sim) {
                        (1, Some(card)) => {
                            let operator = card.identity.operator;
                            let name = match self.settings.cops_format {
                                1 => operator.short_name.to_owned(),
                                2 => format!("{}{}", operator.mcc, operator.mnc),
                                _ => operator.name.to_owned(),
                            };
                            let act = self
                                .profile
                                .access_technology
                                .map(|act| format!(",{act}"))
                                .unwrap_or_default();
                            format!("+COPS: 0,{},\"{name}\"{act}", self.settings.cops_format)
                        }
                        _ => "+COPS: 0".to_owned(),
                    }
                };
                lines(vec![line])
            }
            Op::Set(args) => {
                let mode = number_in(args, 0, 0..=4)?.unwrap_or(0);
                let format = number_in(args, 1, 0..=2)?;
                if let Some(format) = format {
                    self.settings.cops_format = format as u8;
                }
                match mode {
                    0 | 4 => self.power.deregistered = false,
                    1 => {
                        let wanted = args.get(2).and_then(Arg::text).ok_or(Failure::Error)?;
                        let home = self.unlocked_sim()?.identity.operator;
                        let numeric = format!("{}{}", home.mcc, home.mnc);
                        if ![home.name, home.short_name, numeric.as_str()].contains(&wanted) {
                            return Err(Failure::Cme(cme::NO_NETWORK_SERVICE));
                        }
                        self.power.deregistered = false;
                    }
                    2 => self.power.deregistered = true,
                    _ => {}
                }
                ok()
            }
            Op::Test => {
                if self.power.cfun != 1 {
                    return Err(Failure::Cme(cme::NO_NETWORK_SERVICE));
                }
                Ok(Outcome::Deferred {
                    delay: OPERATOR_SCAN,
                    lines: vec![self.operator_scan()],
                    result: Ok(()),
                })
            }
            Op::Exec => ok(),
        }
    }

    /// The `+COPS=?` list: the SIM's operator (current when registered) and the other
    /// operators of its country, one of them forbidden, as a scan shows them.
    fn operator_scan(&self) -> String {
        let home = self.sim.as_ref().map(|card| card.identity.operator);
        let country = home.map_or("RU", |operator| operator.country);
        let registered = self.registration() == 1;
        let mut others = 0;
        let entries: Vec<String> = OPERATORS
            .iter()
            .filter(|operator| operator.country == country)
            .map(|operator| {
                let stat = if Some(operator) == home {
                    if registered { 2 } else { 1 }
                } else {
                    others += 1;
                    if others == 2 { 3 } else { 1 }
                };
                let act = self
                    .profile
                    .access_technology
                    .map(|act| format!(",{act}"))
                    .unwrap_or_default();
                format!(
                    "({stat},\"{}\",\"{}\",\"{}{}\"{act})",
                    operator.name, operator.short_name, operator.mcc, operator.mnc
                )
            })
            .collect();
        format!("+COPS: {},,(0,1,2,3,4),(0,1,2)", entries.join(","))
    }

    // TS 27.007 §7.1 +CNUM: `+CNUM: [<alpha>],<number>,<type>` per number in EF_MSISDN; a
    // bare OK when the SIM stores none.
    fn cnum(&self, command: &Command) -> Reply {
        match command.op {
            Op::Exec => {
                let card = self.unlocked_sim()?;
                let identity = &card.identity;
                let lines_out = match (&identity.msisdn, identity.msisdn_on_sim) {
                    (Some(number), true) => vec![format!("+CNUM: \"\",\"{number}\",145")],
                    _ => Vec::new(),
                };
                lines(lines_out)
            }
            Op::Test => ok(),
            _ => Err(Failure::Error),
        }
    }

    // TS 27.007 §7.15 +CUSD=[<n>[,<str>[,<dcs>]]]: OK at once, the network's answer later as
    // `+CUSD: <m>[,<str>,<dcs>]`.
    fn cusd(&mut self, command: &Command, now: Instant) -> Reply {
        match &command.op {
            Op::Set(args) => {
                let n = number_in(args, 0, 0..=2)?.unwrap_or(0);
                let Some(code) = args.get(1).and_then(Arg::text) else {
                    return ok();
                };
                if n == 2 {
                    return ok();
                }
                self.unlocked_sim()?;
                if self.registration() != 1 {
                    return Err(Failure::Cme(cme::NO_NETWORK_SERVICE));
                }
                let code = if self.settings.cscs == Charset::Ucs2 {
                    from_ucs2_hex(code).unwrap_or_else(|| code.to_owned())
                } else {
                    code.to_owned()
                };
                let answer = self.ussd_answer(&code);
                let at = self.response_time(now) + USSD_ANSWER;
                self.schedule(at, Timer::Urc(answer));
                ok()
            }
            Op::Read => lines(vec!["+CUSD: 1".to_owned()]),
            Op::Test => lines(vec!["+CUSD: (0-2)".to_owned()]),
            Op::Exec => ok(),
        }
    }

    // Huawei ^CURC=<mode>: periodic unsolicited reports on (1) or off (0).
    fn curc(&mut self, command: &Command) -> Reply {
        match &command.op {
            Op::Set(args) => {
                self.settings.curc = number_in(args, 0, 0..=1)?.ok_or(Failure::Error)? == 1;
                ok()
            }
            Op::Read => lines(vec![format!("^CURC: {}", u8::from(self.settings.curc))]),
            Op::Test => lines(vec!["^CURC: (0-1)".to_owned()]),
            Op::Exec => Err(Failure::Error),
        }
    }

    /// A setting the simulator accepts without modelling it.
    fn accepted_setting(&self, command: &Command) -> Reply {
        let name = &command.name;
        match command.op {
            Op::Set(_) | Op::Exec => ok(),
            Op::Read => lines(vec![match name.as_str() {
                "+CSMP" => "+CSMP: 17,167,0,0".to_owned(),
                "+CSCB" => "+CSCB: 0,\"\",\"\"".to_owned(),
                "+CLIP" => "+CLIP: 0,1".to_owned(),
                _ => format!("{name}: 0"),
            }]),
            Op::Test => lines(vec![format!("{name}: (0,1)")]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nibbles_swap_with_padding() {
        assert_eq!(swap_nibbles("8970101"), "980701F1");
        assert_eq!(swap_nibbles("89"), "98");
        assert_eq!(swap_nibbles("894"), "98F4");
    }

    #[test]
    fn ucs2_round_trip() {
        assert_eq!(ucs2_hex("GSM"), "00470053004D");
        assert_eq!(from_ucs2_hex("00470053004D").as_deref(), Some("GSM"));
        assert_eq!(from_ucs2_hex("GSM"), None);
        assert_eq!(from_ucs2_hex("D800"), None);
    }
}
