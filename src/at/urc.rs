//! Typed unsolicited result codes (URCs): what a modem says without being asked.
//!
//! This module owns turning one line that the digester framed ([`Event::Line`] text, or an
//! [`Event::PduLine`] pair) into a [`Urc`]: new SMS stored (`+CMTI`), SMS delivered in full
//! (`+CMT`), network registration (`+CREG`/`+CGREG`/`+CEREG`), SIM state (`+CPIN`), USSD,
//! incoming calls, boot announcements and the vendor noise of Huawei, Quectel and SIMCom
//! modems. It is pure: functions over `&str`, no I/O, no state.
//!
//! It does not decide whether a line is unsolicited: `+CPIN: READY`, `+CFUN: 1` and
//! `+CREG: ...` are also responses to `AT+CPIN?`, `AT+CFUN?` and `AT+CREG?`. The runner,
//! which knows the command in flight, decides; this module only says what the line means.
//! Decoding SMS PDUs is [`crate::pdu`]'s business, typed `+CME`/`+CMS ERROR` codes are
//! [`super::error_codes`]'.
//!
//! Bad input never panics: a line that is not a known URC gives `None` (the caller logs it as
//! noise), a known URC with malformed fields gives `Some(Err)` naming the URC and the field.
//!
//! [`Event::Line`]: super::digest::Event::Line
//! [`Event::PduLine`]: super::digest::Event::PduLine

use std::str::FromStr;

use nom::{
    IResult, Parser,
    bytes::complete::take_while1,
    character::complete::{char, one_of, space0},
    combinator::{opt, recognize},
};

use super::fields::{Field, split};

/// One unsolicited result code, typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Urc {
    /// `+CMTI: <mem>,<index>` (TS 27.005 §3.4.1): an SMS was stored at `index` of `storage`;
    /// the port task reads it with `+CMGR` and deletes it.
    SmsStored {
        /// The storage: `SM` (SIM), `ME` (phone), `MT` (both), `SR` (status reports), ...
        storage: String,
        /// The index in that storage, as the modem numbers it (Huawei counts from 0).
        index: u32,
    },
    /// `+CDSI: <mem>,<index>` (TS 27.005 §3.4.1): a status report was stored.
    StatusReportStored {
        /// The storage, usually `SR` or `SM`.
        storage: String,
        /// The index in that storage.
        index: u32,
    },
    /// `+CMT: [<alpha>],<length>` + PDU (TS 27.005 §3.4.1, `+CNMI` mt=2): an SMS routed
    /// straight to us, not stored; it must be acknowledged with `+CNMA` if `+CSMS=1`.
    SmsDeliver {
        /// `<length>`: the TPDU's length in octets (the SMSC field not counted).
        length: u16,
        /// The PDU as hex, SMSC field first, for [`crate::pdu`] to decode.
        pdu: String,
    },
    /// `+CDS: <length>` + PDU (TS 27.005 §3.4.1, `+CNMI` ds=1): a status report routed
    /// straight to us.
    StatusReport {
        /// `<length>`: the TPDU's length in octets.
        length: u16,
        /// The PDU as hex, SMSC field first.
        pdu: String,
    },
    /// `+CBM: <length>` + PDU (TS 27.005 §3.4.1): a cell broadcast message. Reported so the
    /// caller can count and drop it; the daemon has no use for broadcasts.
    CellBroadcast {
        /// `<length>`: the PDU's length in octets.
        length: u16,
        /// The PDU as hex.
        pdu: String,
    },
    /// `+CREG` / `+CGREG` / `+CEREG` (TS 27.007 §7.2, §10.1.20, §10.1.22): the registration
    /// state changed; a port that is not registered cannot receive SMS.
    Registration(Registration),
    /// `+CPIN: <code>` (TS 27.007 §8.3), also sent at boot, and SIMCom's
    /// `+SIMCARD: NOT AVAILABLE`: the SIM's state; a missing SIM empties the slot.
    SimStatus(SimStatus),
    /// `+CUSD: <m>[,<str>[,<dcs>]]` (TS 27.007 §7.15): a USSD answer, e.g. a balance query.
    Ussd {
        /// `<m>`: 0 no further action, 1 further action required, 2 terminated by network, ...
        status: u8,
        /// `<str>` as the modem gave it, quotes removed. Not decoded: depending on `<dcs>` and
        /// `+CSCS` it may be text, GSM 7-bit packed hex or UCS2 hex; that is for a USSD layer.
        text: Option<String>,
        /// `<dcs>`: the TS 23.038 §5 CBS data coding scheme of `<str>`.
        dcs: Option<u8>,
    },
    /// `RING` (V.250 §5.7.1) or `+CRING: <type>` (TS 27.007 §6.11): an incoming call. The
    /// daemon receives SMS only, so the port task hangs up.
    Ring {
        /// The `+CRING` `<type>` (e.g. `VOICE`); `None` for a plain `RING`.
        call_type: Option<String>,
    },
    /// `+CLIP: <number>,<type>[,...]` (TS 27.007 §7.18): who is calling.
    IncomingCall {
        /// The caller's number as given; empty when withheld.
        number: String,
        /// `<type>`: the TS 24.008 §10.5.4.7 type of address octet (145 international).
        number_type: u8,
    },
    /// `+CFUN: <fun>` (TS 27.007 §8.2), sent unasked by Quectel modems at boot: the
    /// functionality level (1 full, 0 minimum, 4 flight mode).
    Functionality(u8),
    /// A boot announcement: something the port task waits for before configuring the modem.
    Ready(ReadyKind),
    /// Signal strength pushed by the modem (Huawei `^RSSI`, Quectel `+QIND: "csq"`): the
    /// `<rssi>` of TS 27.007 §8.5 (0..=31, 99 unknown).
    Signal {
        /// `<rssi>` as in `+CSQ`.
        rssi: u8,
    },
    /// The SMS storage is full (Huawei `^SMMEMFULL`, Quectel `+QIND: "smsfull"`): new
    /// messages are refused until some are deleted, so the port task must act at once.
    StorageFull {
        /// The full storage, e.g. `SM`.
        storage: String,
    },
    /// The network's time (SIMCom `*PSUTTZ`, `+CTZV`), as the modem printed it after the
    /// colon; parsing it is left to whoever wants the clock.
    NetworkTime(String),
    /// A known vendor URC whose content the daemon does not need (Huawei `^MODE`, `^BOOT`,
    /// ...): recognised so that it is not logged as unknown noise.
    Vendor {
        /// The prefix, e.g. `^MODE`.
        name: String,
        /// Everything after the colon, spaces trimmed.
        rest: String,
    },
}

/// Which boot announcement a [`Urc::Ready`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadyKind {
    /// `RDY` (Quectel, SIMCom): the modem booted and accepts AT commands.
    Modem,
    /// `SMS Ready` / `+QIND: SMS DONE`: SMS commands work now, not before.
    Sms,
    /// `Call Ready` (SIMCom): call control is ready.
    Call,
    /// `PB DONE` / `+QIND: PB DONE`: the SIM phonebook is loaded.
    Phonebook,
}

/// The registration domain, i.e. which command reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationDomain {
    /// `+CREG`: circuit switched, which carries SMS on GSM.
    Cs,
    /// `+CGREG`: GPRS packet switched.
    Ps,
    /// `+CEREG`: EPS (LTE), which carries SMS over SGs or IMS.
    Eps,
}

/// `<stat>` of `+CREG`/`+CGREG`/`+CEREG` (TS 27.007 §7.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationStatus {
    /// 0: not registered, not searching.
    NotRegistered,
    /// 1: registered, home network.
    Home,
    /// 2: not registered, searching.
    Searching,
    /// 3: registration denied.
    Denied,
    /// 4: unknown (e.g. out of coverage).
    Unknown,
    /// 5: registered, roaming.
    Roaming,
    /// 6: registered for "SMS only", home network (E-UTRAN).
    HomeSmsOnly,
    /// 7: registered for "SMS only", roaming (E-UTRAN).
    RoamingSmsOnly,
    /// 8: attached for emergency bearer services only.
    EmergencyOnly,
    /// 9: registered for "CSFB not preferred", home network.
    HomeCsfbNotPreferred,
    /// 10: registered for "CSFB not preferred", roaming.
    RoamingCsfbNotPreferred,
    /// A value the spec version we follow does not define; kept so it can be logged.
    Other(u8),
}

impl RegistrationStatus {
    /// The status for a `<stat>` number.
    pub fn from_code(code: u8) -> Self {
        match code {
            0 => Self::NotRegistered,
            1 => Self::Home,
            2 => Self::Searching,
            3 => Self::Denied,
            4 => Self::Unknown,
            5 => Self::Roaming,
            6 => Self::HomeSmsOnly,
            7 => Self::RoamingSmsOnly,
            8 => Self::EmergencyOnly,
            9 => Self::HomeCsfbNotPreferred,
            10 => Self::RoamingCsfbNotPreferred,
            other => Self::Other(other),
        }
    }

    /// Whether the modem is registered in a way that can receive SMS: what decides whether a
    /// port can be rented out.
    pub fn is_registered(self) -> bool {
        matches!(
            self,
            Self::Home
                | Self::Roaming
                | Self::HomeSmsOnly
                | Self::RoamingSmsOnly
                | Self::HomeCsfbNotPreferred
                | Self::RoamingCsfbNotPreferred
        )
    }
}

/// A registration state, from a URC or from the response to `AT+CREG?` and its kin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// Which command reported it.
    pub domain: RegistrationDomain,
    /// `<stat>`.
    pub status: RegistrationStatus,
    /// `<lac>` (`<tac>` for `+CEREG`): the location/tracking area code, hex as given.
    pub lac: Option<String>,
    /// `<ci>`: the cell id, hex as given.
    pub cell_id: Option<String>,
    /// `<AcT>`: the access technology (0 GSM, 2 UTRAN, 7 E-UTRAN, ...).
    pub access_technology: Option<u8>,
}

/// The response to `AT+CREG?` (or `+CGREG?`, `+CEREG?`): the URC's fields after `<n>`, the
/// URC mode currently set. Apart from the URC type because the two shapes differ only in
/// that first field and must not be confused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationResponse {
    /// `<n>`: which URCs are enabled (0 none, 1 `<stat>` only, 2 with location, ...).
    pub mode: u8,
    /// The state.
    pub registration: Registration,
}

/// `<code>` of `+CPIN` (TS 27.007 §8.3): what the SIM is waiting for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimStatus {
    /// `READY`: no password pending; the SIM is usable.
    Ready,
    /// `SIM PIN`.
    SimPin,
    /// `SIM PUK`: the PIN was entered wrong too often.
    SimPuk,
    /// `SIM PIN2`.
    SimPin2,
    /// `SIM PUK2`.
    SimPuk2,
    /// `PH-SIM PIN`: the phone is locked to another SIM.
    PhSimPin,
    /// `NOT INSERTED` (also SIMCom's `+SIMCARD: NOT AVAILABLE`; other modems answer
    /// `+CME ERROR: 10` instead, see [`super::error_codes::CmeError::SimNotInserted`]).
    NotInserted,
    /// `NOT READY`: the SIM is still initialising.
    NotReady,
    /// Any other code (the network-personalisation ones, vendor texts), as given.
    Other(String),
}

impl SimStatus {
    /// The status for a `<code>` as the modem wrote it, quotes removed; shared by the URC and
    /// the response to `AT+CPIN?`.
    pub(crate) fn parse(code: &str) -> Self {
        match code {
            "READY" => Self::Ready,
            "SIM PIN" => Self::SimPin,
            "SIM PUK" => Self::SimPuk,
            "SIM PIN2" => Self::SimPin2,
            "SIM PUK2" => Self::SimPuk2,
            "PH-SIM PIN" => Self::PhSimPin,
            "NOT INSERTED" => Self::NotInserted,
            "NOT READY" => Self::NotReady,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// A known URC whose fields are malformed: which URC, and what is wrong. The caller logs it
/// and carries on; the line is not lost silently.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{urc}: {problem}")]
pub struct UrcError {
    /// The URC's prefix, e.g. `+CMTI`.
    pub urc: &'static str,
    /// What is wrong, e.g. `bad <index> 'x'`.
    pub problem: String,
}

fn malformed(urc: &'static str, problem: impl Into<String>) -> UrcError {
    UrcError {
        urc,
        problem: problem.into(),
    }
}

/// Parses one line as a URC.
///
/// `None` when the line is not a URC this module knows (a response line such as
/// `+CSQ: 20,99` or `OK`, the `AT+CREG?` response shape, unknown vendor noise), so that the
/// caller can pass it on or log it; `Some(Err)` when it starts like a known URC but a field is
/// malformed; `Some(Ok)` otherwise.
pub fn parse_urc(line: &str) -> Option<Result<Urc, UrcError>> {
    let line = line.trim();
    // V.250 §5.7.1 RING; vendor boot announcements (Quectel, SIMCom).
    let bare = match line {
        "RING" => Some(Urc::Ring { call_type: None }),
        "RDY" => Some(Urc::Ready(ReadyKind::Modem)),
        // SIMCom SIM800 writes `SMS Ready`; SIM7600 writes `SMS DONE` bare.
        "SMS Ready" | "SMS DONE" => Some(Urc::Ready(ReadyKind::Sms)),
        "Call Ready" => Some(Urc::Ready(ReadyKind::Call)),
        "PB DONE" => Some(Urc::Ready(ReadyKind::Phonebook)),
        _ => None,
    };
    if let Some(urc) = bare {
        return Some(Ok(urc));
    }
    let (rest, name) = urc_name(line).ok()?;
    let rest = rest.trim();
    let result = match name {
        "+CMTI" => stored("+CMTI", rest, |storage, index| Urc::SmsStored {
            storage,
            index,
        }),
        "+CDSI" => stored("+CDSI", rest, |storage, index| Urc::StatusReportStored {
            storage,
            index,
        }),
        "+CREG" => registration_urc("+CREG", RegistrationDomain::Cs, rest)?,
        "+CGREG" => registration_urc("+CGREG", RegistrationDomain::Ps, rest)?,
        "+CEREG" => registration_urc("+CEREG", RegistrationDomain::Eps, rest)?,
        "+CPIN" => cpin(rest),
        "+CUSD" => cusd(rest),
        "+CRING" => cring(rest),
        "+CLIP" => clip(rest),
        "+CFUN" => cfun(rest),
        "^RSSI" => huawei::rssi(rest),
        "^SMMEMFULL" => huawei::smmemfull(rest),
        "^BOOT" | "^MODE" | "^SRVST" | "^SIMST" => Ok(vendor(name, rest)),
        "+QIND" => quectel::qind(rest),
        "+QUSIM" => Ok(vendor(name, rest)),
        "*PSUTTZ" => simcom::network_time("*PSUTTZ", rest),
        "+CTZV" => simcom::network_time("+CTZV", rest),
        "DST" => Ok(vendor(name, rest)),
        "+SIMCARD" => simcom::simcard(rest),
        // Some modems (u-blox, Telit, Huawei) announce readiness so.
        "*ATREADY" => Ok(Urc::Ready(ReadyKind::Modem)),
        "+CIEV" => ciev(rest),
        // Option's proprietary lines (`_OUWCTI`, `_OSIGQ`, `_OWANCALL`, hso driver modems).
        option if option.starts_with("_O") => Ok(vendor(name, rest)),
        _ => return None,
    };
    Some(result)
}

/// Parses an [`Event::PduLine`] pair as a URC: `+CMT`, `+CDS` and `+CBM`. `None` for
/// `+CMGL` / `+CMGR`, which are responses to a listing or a read, and for anything else.
///
/// [`Event::PduLine`]: super::digest::Event::PduLine
// TS 27.005 §3.4.1 +CMT (PDU mode): `+CMT: [<alpha>],<length><CR><LF><pdu>`
// TS 27.005 §3.4.1 +CDS (PDU mode): `+CDS: <length><CR><LF><pdu>`
// TS 27.005 §3.4.1 +CBM (PDU mode): `+CBM: <length><CR><LF><pdu>`
pub fn parse_pdu_urc(header: &str, pdu: &str) -> Option<Result<Urc, UrcError>> {
    let (rest, name) = urc_name(header.trim()).ok()?;
    let urc: &'static str = match name {
        "+CMT" => "+CMT",
        "+CDS" => "+CDS",
        "+CBM" => "+CBM",
        _ => return None,
    };
    Some(pdu_urc(urc, rest, pdu.trim()))
}

fn pdu_urc(urc: &'static str, rest: &str, pdu: &str) -> Result<Urc, UrcError> {
    let fields = fields(urc, rest)?;
    let length_field = match (urc, fields.as_slice()) {
        ("+CMT", [_alpha, length]) => length,
        ("+CDS" | "+CBM", [length]) => length,
        _ => {
            return Err(malformed(
                urc,
                format!("expected the PDU-mode header, got {} fields", fields.len()),
            ));
        }
    };
    let length = number(urc, "<length>", length_field)?;
    let is_hex = !pdu.is_empty()
        && pdu.len().is_multiple_of(2)
        && pdu.bytes().all(|b| b.is_ascii_hexdigit());
    if !is_hex {
        return Err(malformed(urc, "the PDU line is not hex octets"));
    }
    let pdu = pdu.to_owned();
    Ok(match urc {
        "+CMT" => Urc::SmsDeliver { length, pdu },
        "+CDS" => Urc::StatusReport { length, pdu },
        _ => Urc::CellBroadcast { length, pdu },
    })
}

/// Parses the response to `AT+CREG?`, `AT+CGREG?` or `AT+CEREG?`: `<n>,<stat>[,...]`.
/// `None` when the line is none of the three.
// TS 27.007 §7.2 +CREG?: `+CREG: <n>,<stat>[,[<lac>],[<ci>],[<AcT>][,<cause_type>,<reject_cause>]]`
// TS 27.007 §10.1.20 +CGREG?: `+CGREG: <n>,<stat>[,[<lac>],[<ci>],[<AcT>],[<rac>][,...]]`
// TS 27.007 §10.1.22 +CEREG?: `+CEREG: <n>,<stat>[,[<tac>],[<ci>],[<AcT>][,...]]`
pub fn parse_registration_response(line: &str) -> Option<Result<RegistrationResponse, UrcError>> {
    let (rest, name) = urc_name(line.trim()).ok()?;
    let (urc, domain) = registration_domain(name)?;
    let parse = || {
        let fields = fields(urc, rest)?;
        let [mode, tail @ ..] = fields.as_slice() else {
            return Err(malformed(urc, "no <n>"));
        };
        if tail.is_empty() {
            // `+CREG: 1`: the URC's shape, which some firmware answers the read with until
            // `+CREG=<n>` is set. The one field is `<stat>`; `<n>` is then 0 (no URCs).
            return Ok(RegistrationResponse {
                mode: 0,
                registration: registration(urc, domain, std::slice::from_ref(mode))?,
            });
        }
        Ok(RegistrationResponse {
            mode: number(urc, "<n>", mode)?,
            registration: registration(urc, domain, tail)?,
        })
    };
    Some(parse())
}

fn registration_domain(name: &str) -> Option<(&'static str, RegistrationDomain)> {
    match name {
        "+CREG" => Some(("+CREG", RegistrationDomain::Cs)),
        "+CGREG" => Some(("+CGREG", RegistrationDomain::Ps)),
        "+CEREG" => Some(("+CEREG", RegistrationDomain::Eps)),
        _ => None,
    }
}

// TS 27.007 §7.2 +CREG URC: `+CREG: <stat>[,[<lac>],[<ci>],[<AcT>][,<cause_type>,<reject_cause>]]`
// TS 27.007 §10.1.20 +CGREG URC: `+CGREG: <stat>[,[<lac>],[<ci>],[<AcT>],[<rac>][,...]]`
// TS 27.007 §10.1.22 +CEREG URC: `+CEREG: <stat>[,[<tac>],[<ci>],[<AcT>][,...]]`
//
// The `AT+CREG?` response has `<n>` first; its second field is a bare `<stat>` number where
// the URC's is the quoted `<lac>` (or empty), which is how the two are told apart. A
// response-shaped line gives `None` (outer `Option`): it is not a URC.
fn registration_urc(
    urc: &'static str,
    domain: RegistrationDomain,
    rest: &str,
) -> Option<Result<Urc, UrcError>> {
    let fields = match fields(urc, rest) {
        Ok(fields) => fields,
        Err(error) => return Some(Err(error)),
    };
    if let Some(second) = fields.get(1)
        && !second.quoted
        && !second.text.is_empty()
        && second.text.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    Some(registration(urc, domain, &fields).map(Urc::Registration))
}

/// The fields from `<stat>` on, shared by the URC and the `?` response.
fn registration(
    urc: &'static str,
    domain: RegistrationDomain,
    fields: &[Field<'_>],
) -> Result<Registration, UrcError> {
    let [stat, location @ ..] = fields else {
        return Err(malformed(urc, "no <stat>"));
    };
    if location.len() == 1 {
        return Err(malformed(urc, "<lac> without <ci>"));
    }
    let status = RegistrationStatus::from_code(number(urc, "<stat>", stat)?);
    let hex = |what: &str, field: Option<&Field<'_>>| -> Result<Option<String>, UrcError> {
        match field.map(Field::text) {
            None | Some("") => Ok(None),
            Some(text) if text.len() <= 16 && text.bytes().all(|b| b.is_ascii_hexdigit()) => {
                Ok(Some(text.to_owned()))
            }
            Some(text) => Err(malformed(urc, format!("bad {what} '{text}'"))),
        }
    };
    let access_technology = match location.get(2) {
        None => None,
        Some(field) if field.text().is_empty() => None,
        Some(field) => Some(number(urc, "<AcT>", field)?),
    };
    Ok(Registration {
        domain,
        status,
        lac: hex("<lac>", location.first())?,
        cell_id: hex("<ci>", location.get(1))?,
        access_technology,
    })
}

// TS 27.005 §3.4.1 +CMTI / +CDSI: `+CMTI: <mem>,<index>`, `+CDSI: <mem>,<index>`
fn stored(urc: &'static str, rest: &str, make: fn(String, u32) -> Urc) -> Result<Urc, UrcError> {
    let fields = fields(urc, rest)?;
    let [mem, index] = fields.as_slice() else {
        return Err(malformed(
            urc,
            format!("expected <mem>,<index>, got {} fields", fields.len()),
        ));
    };
    Ok(make(storage(urc, mem)?, number(urc, "<index>", index)?))
}

// TS 27.007 §8.3 +CPIN: `+CPIN: <code>`
fn cpin(rest: &str) -> Result<Urc, UrcError> {
    let code = rest.trim_matches('"').trim();
    if code.is_empty() {
        return Err(malformed("+CPIN", "empty <code>"));
    }
    Ok(Urc::SimStatus(SimStatus::parse(code)))
}

// TS 27.007 §7.15 +CUSD: `+CUSD: <m>[,<str>[,<dcs>]]`
fn cusd(rest: &str) -> Result<Urc, UrcError> {
    const URC: &str = "+CUSD";
    let fields = fields(URC, rest)?;
    let (status, text, dcs) = match fields.as_slice() {
        [m] => (m, None, None),
        [m, text] => (m, Some(text), None),
        [m, text, dcs] => (m, Some(text), Some(dcs)),
        _ => {
            return Err(malformed(
                URC,
                format!("expected <m>[,<str>[,<dcs>]], got {} fields", fields.len()),
            ));
        }
    };
    Ok(Urc::Ussd {
        status: number(URC, "<m>", status)?,
        text: text.map(|text| text.text().to_owned()),
        dcs: dcs.map(|dcs| number(URC, "<dcs>", dcs)).transpose()?,
    })
}

// TS 27.007 §6.11 +CRING: `+CRING: <type>`
fn cring(rest: &str) -> Result<Urc, UrcError> {
    if rest.is_empty() {
        return Err(malformed("+CRING", "empty <type>"));
    }
    Ok(Urc::Ring {
        call_type: Some(rest.to_owned()),
    })
}

// TS 27.007 §7.18 +CLIP: `+CLIP: <number>,<type>[,<subaddr>,<satype>[,[<alpha>][,<CLI validity>]]]`
fn clip(rest: &str) -> Result<Urc, UrcError> {
    const URC: &str = "+CLIP";
    let fields = fields(URC, rest)?;
    let [number_field, type_field, ..] = fields.as_slice() else {
        return Err(malformed(URC, "expected <number>,<type>"));
    };
    Ok(Urc::IncomingCall {
        number: number_field.text().to_owned(),
        number_type: number(URC, "<type>", type_field)?,
    })
}

// TS 27.007 §8.2 +CFUN (read response shape, sent unasked by Quectel at boot): `+CFUN: <fun>`
fn cfun(rest: &str) -> Result<Urc, UrcError> {
    const URC: &str = "+CFUN";
    let fields = fields(URC, rest)?;
    let [fun] = fields.as_slice() else {
        return Err(malformed(URC, "expected <fun>"));
    };
    Ok(Urc::Functionality(number(URC, "<fun>", fun)?))
}

fn vendor(name: &str, rest: &str) -> Urc {
    Urc::Vendor {
        name: name.to_owned(),
        rest: rest.to_owned(),
    }
}

/// Huawei (E1550, E173, MU709...) URCs, from Huawei's "AT Command Interface Specification".
mod huawei {
    use super::{Urc, UrcError, fields, malformed, number, storage};

    // Huawei ^RSSI: `^RSSI:<rssi>` (same scale as +CSQ)
    pub(super) fn rssi(rest: &str) -> Result<Urc, UrcError> {
        const URC: &str = "^RSSI";
        let fields = fields(URC, rest)?;
        let [rssi] = fields.as_slice() else {
            return Err(malformed(URC, "expected <rssi>"));
        };
        Ok(Urc::Signal {
            rssi: number(URC, "<rssi>", rssi)?,
        })
    }

    // Huawei ^SMMEMFULL: `^SMMEMFULL: <mem_type>`
    pub(super) fn smmemfull(rest: &str) -> Result<Urc, UrcError> {
        const URC: &str = "^SMMEMFULL";
        let fields = fields(URC, rest)?;
        let [mem] = fields.as_slice() else {
            return Err(malformed(URC, "expected <mem_type>"));
        };
        Ok(Urc::StorageFull {
            storage: storage(URC, mem)?,
        })
    }
}

/// Quectel (EC25, EG25-G, M35...) URCs, from Quectel's AT command manuals.
mod quectel {
    use super::{ReadyKind, Urc, UrcError, fields, malformed, number, storage, vendor};

    // Quectel +QIND: `+QIND: SMS DONE`, `+QIND: PB DONE`, `+QIND: "csq",<rssi>,<ber>`,
    // `+QIND: "smsfull",<storage>`; other types (`"act"`, `"FOTA"`, ...) are vendor noise.
    pub(super) fn qind(rest: &str) -> Result<Urc, UrcError> {
        const URC: &str = "+QIND";
        match rest {
            "SMS DONE" => return Ok(Urc::Ready(ReadyKind::Sms)),
            "PB DONE" => return Ok(Urc::Ready(ReadyKind::Phonebook)),
            _ => {}
        }
        let fields = fields(URC, rest)?;
        match fields.as_slice() {
            [kind, rssi, _ber] if kind.text().eq_ignore_ascii_case("csq") => Ok(Urc::Signal {
                rssi: number(URC, "<rssi>", rssi)?,
            }),
            [kind, mem] if kind.text().eq_ignore_ascii_case("smsfull") => Ok(Urc::StorageFull {
                storage: storage(URC, mem)?,
            }),
            [kind, ..]
                if kind.text().eq_ignore_ascii_case("csq")
                    || kind.text().eq_ignore_ascii_case("smsfull") =>
            {
                Err(malformed(
                    URC,
                    format!("bad fields for \"{}\"", kind.text()),
                ))
            }
            _ => Ok(vendor(URC, rest)),
        }
    }
}

/// SIMCom (SIM800, SIM900, SIM7600...) URCs, from SIMCom's AT command manuals.
mod simcom {
    use super::{SimStatus, Urc, UrcError, malformed};

    // SIMCom *PSUTTZ: `*PSUTTZ: <year>,<month>,<day>,<hour>,<min>,<sec>,"<tz>",<dst>`
    // TS 27.007 §8.41 +CTZV (as SIMCom prints it): `+CTZV: <tz>[,<dst>]`
    pub(super) fn network_time(name: &'static str, rest: &str) -> Result<Urc, UrcError> {
        if rest.is_empty() {
            return Err(malformed(name, "empty time"));
        }
        Ok(Urc::NetworkTime(rest.to_owned()))
    }

    // SIMCom +SIMCARD: `+SIMCARD: NOT AVAILABLE` (SIM removed or absent at boot)
    pub(super) fn simcard(rest: &str) -> Result<Urc, UrcError> {
        match rest {
            "NOT AVAILABLE" => Ok(Urc::SimStatus(SimStatus::NotInserted)),
            "" => Err(malformed("+SIMCARD", "empty state")),
            other => Ok(Urc::SimStatus(SimStatus::Other(other.to_owned()))),
        }
    }
}

/// `name = ["+" / "^" / "*"] 1*(ALPHA / DIGIT) ":" *SP`, the URC prefix up to its colon.
fn urc_name(input: &str) -> IResult<&str, &str> {
    let (rest, (name, _, _)) = (
        recognize((
            opt(one_of("+^*_")),
            take_while1(|c: char| c.is_ascii_alphanumeric()),
        )),
        char(':'),
        space0,
    )
        .parse(input)?;
    Ok((rest, name))
}

/// `+CIEV: <ind>,<value>` (TS 27.007 §8.10), with the indicator named as many modems do:
/// `"SMSFULL",1` (or `"MEMFULL"`) is a full store; any other indicator is recognised and
/// passed on as a vendor line.
fn ciev(rest: &str) -> Result<Urc, UrcError> {
    let parts = fields("+CIEV", rest)?;
    let indicator = parts.first().map(|field| field.text().to_ascii_uppercase());
    let full = parts.get(1).is_some_and(|value| value.text().trim() == "1");
    match indicator.as_deref() {
        Some("SMSFULL" | "MEMFULL") if full => Ok(Urc::StorageFull {
            storage: "SM".to_owned(),
        }),
        _ => Ok(vendor("+CIEV", rest)),
    }
}

/// `fields = field *("," field)`, the whole of the text after the URC's colon.
fn fields<'a>(urc: &'static str, input: &'a str) -> Result<Vec<Field<'a>>, UrcError> {
    split(input).ok_or_else(|| malformed(urc, format!("malformed parameters '{input}'")))
}

/// A decimal parameter; quoted digits are accepted too, as some modems quote everything.
fn number<T: FromStr>(urc: &'static str, what: &str, field: &Field<'_>) -> Result<T, UrcError> {
    let text = field.text();
    let parsed = if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    };
    parsed.ok_or_else(|| malformed(urc, format!("bad {what} '{text}'")))
}

/// A TS 27.005 §3.1 `<mem>` storage name (`"SM"`, `"ME"`, `"MT"`, `"SR"`...), quoted or not.
fn storage(urc: &'static str, field: &Field<'_>) -> Result<String, UrcError> {
    let text = field.text();
    if (1..=8).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(text.to_owned())
    } else {
        Err(malformed(urc, format!("bad <mem> '{text}'")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::Rng;

    fn ok(line: &str) -> Urc {
        match parse_urc(line) {
            Some(Ok(urc)) => urc,
            other => panic!("{line:?}: expected a URC, got {other:?}"),
        }
    }

    fn err(line: &str) -> UrcError {
        match parse_urc(line) {
            Some(Err(error)) => error,
            other => panic!("{line:?}: expected a malformed URC, got {other:?}"),
        }
    }

    fn registration(
        domain: RegistrationDomain,
        status: RegistrationStatus,
        lac: Option<&str>,
        cell_id: Option<&str>,
        access_technology: Option<u8>,
    ) -> Registration {
        Registration {
            domain,
            status,
            lac: lac.map(str::to_owned),
            cell_id: cell_id.map(str::to_owned),
            access_technology,
        }
    }

    #[test]
    fn cmti_with_quoted_unquoted_storage_and_extra_spaces() {
        let stored = |storage: &str, index| Urc::SmsStored {
            storage: storage.into(),
            index,
        };
        assert_eq!(ok("+CMTI: \"SM\",3"), stored("SM", 3));
        assert_eq!(ok("+CMTI: \"ME\",12"), stored("ME", 12));
        assert_eq!(ok("+CMTI:  \"MT\" , 7 "), stored("MT", 7));
        assert_eq!(ok("+CMTI:\"SM\",1"), stored("SM", 1));
        assert_eq!(ok("+CMTI: SM,4"), stored("SM", 4));
        // Huawei counts from 0: just a number.
        assert_eq!(ok("+CMTI: \"SM\",0"), stored("SM", 0));
    }

    #[test]
    fn cdsi_is_a_stored_status_report() {
        assert_eq!(
            ok("+CDSI: \"SR\",2"),
            Urc::StatusReportStored {
                storage: "SR".into(),
                index: 2
            }
        );
    }

    #[test]
    fn malformed_cmti_names_the_urc_and_the_field() {
        assert_eq!(err("+CMTI: \"SM\",x").to_string(), "+CMTI: bad <index> 'x'");
        assert_eq!(
            err("+CMTI: \"SM\",-1").to_string(),
            "+CMTI: bad <index> '-1'"
        );
        assert_eq!(err("+CMTI: \"SM\",99999999999").urc, "+CMTI");
        assert_eq!(err("+CMTI: \"SM\"").urc, "+CMTI");
        assert_eq!(err("+CMTI: ,3").to_string(), "+CMTI: bad <mem> ''");
        assert_eq!(err("+CMTI: \"SM,3").urc, "+CMTI");
        assert_eq!(err("+CMTI: \"SM\"x,3").urc, "+CMTI");
        assert_eq!(err("+CDSI: \"SR\",2,1").urc, "+CDSI");
    }

    #[test]
    fn cmt_and_cds_pdu_pairs_are_urcs_and_listings_are_not() {
        let pdu = "07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07";
        assert_eq!(
            parse_pdu_urc("+CMT: ,30", pdu),
            Some(Ok(Urc::SmsDeliver {
                length: 30,
                pdu: pdu.into()
            }))
        );
        assert_eq!(
            parse_pdu_urc("+CMT: \"Alice\",30", pdu),
            Some(Ok(Urc::SmsDeliver {
                length: 30,
                pdu: pdu.into()
            }))
        );
        assert_eq!(
            parse_pdu_urc(
                "+CDS: 25",
                "0006D60B911326880736F4111011719551401110117195714000"
            ),
            Some(Ok(Urc::StatusReport {
                length: 25,
                pdu: "0006D60B911326880736F4111011719551401110117195714000".into()
            }))
        );
        assert!(matches!(
            parse_pdu_urc("+CBM: 88", "C0"),
            Some(Ok(Urc::CellBroadcast { length: 88, .. }))
        ));
        assert_eq!(parse_pdu_urc("+CMGL: 1,1,,30", pdu), None);
        assert_eq!(parse_pdu_urc("+CMGR: 1,,30", pdu), None);
    }

    #[test]
    fn malformed_cmt_and_cds_name_the_urc() {
        let error = |header, pdu| match parse_pdu_urc(header, pdu) {
            Some(Err(error)) => error,
            other => panic!("{header:?}: expected an error, got {other:?}"),
        };
        assert_eq!(
            error("+CMT: ,x", "00").to_string(),
            "+CMT: bad <length> 'x'"
        );
        assert_eq!(error("+CMT: 30", "00").urc, "+CMT");
        assert_eq!(error("+CDS: 25", "0G").urc, "+CDS");
        assert_eq!(error("+CDS: 25", "000").urc, "+CDS");
        assert_eq!(error("+CDS: 25", "").urc, "+CDS");
    }

    #[test]
    fn creg_urc_with_and_without_location() {
        use RegistrationDomain::Cs;
        assert_eq!(
            ok("+CREG: 1"),
            Urc::Registration(registration(Cs, RegistrationStatus::Home, None, None, None))
        );
        assert_eq!(
            ok("+CREG: 5,\"1A2B\",\"01C3D4E5\""),
            Urc::Registration(registration(
                Cs,
                RegistrationStatus::Roaming,
                Some("1A2B"),
                Some("01C3D4E5"),
                None
            ))
        );
        assert_eq!(
            ok("+CREG: 1,\"00C3\",\"0F2B\",0"),
            Urc::Registration(registration(
                Cs,
                RegistrationStatus::Home,
                Some("00C3"),
                Some("0F2B"),
                Some(0)
            ))
        );
        // +CREG=3 adds <cause_type>,<reject_cause>; they are ignored.
        assert_eq!(
            ok("+CREG: 3,,,,0,15"),
            Urc::Registration(registration(
                Cs,
                RegistrationStatus::Denied,
                None,
                None,
                None
            ))
        );
        assert_eq!(
            ok("+CREG: 2"),
            Urc::Registration(registration(
                Cs,
                RegistrationStatus::Searching,
                None,
                None,
                None
            ))
        );
    }

    #[test]
    fn cgreg_and_cereg_urcs_have_their_domain() {
        assert_eq!(
            ok("+CGREG: 1,\"1A2B\",\"01C3D4E5\",2,\"01\""),
            Urc::Registration(registration(
                RegistrationDomain::Ps,
                RegistrationStatus::Home,
                Some("1A2B"),
                Some("01C3D4E5"),
                Some(2)
            ))
        );
        assert_eq!(
            ok("+CEREG: 6,\"2F3A\",\"0A1B2C3D\",7"),
            Urc::Registration(registration(
                RegistrationDomain::Eps,
                RegistrationStatus::HomeSmsOnly,
                Some("2F3A"),
                Some("0A1B2C3D"),
                Some(7)
            ))
        );
        assert_eq!(
            ok("+CEREG: 0"),
            Urc::Registration(registration(
                RegistrationDomain::Eps,
                RegistrationStatus::NotRegistered,
                None,
                None,
                None
            ))
        );
    }

    #[test]
    fn creg_query_response_is_not_a_urc_but_parses_as_a_response() {
        // `AT+CREG?` with +CREG=0: `<n>,<stat>`; with +CREG=2: `<n>,<stat>,<lac>,<ci>[,<AcT>]`.
        assert_eq!(parse_urc("+CREG: 0,1"), None);
        assert_eq!(parse_urc("+CREG: 2,5,\"1A2B\",\"01C3D4E5\""), None);
        assert_eq!(parse_urc("+CREG: 2,1,\"1A2B\",\"01C3D4E5\",7"), None);
        assert_eq!(parse_urc("+CEREG: 0,4"), None);
        assert_eq!(
            parse_registration_response("+CREG: 0,1"),
            Some(Ok(RegistrationResponse {
                mode: 0,
                registration: registration(
                    RegistrationDomain::Cs,
                    RegistrationStatus::Home,
                    None,
                    None,
                    None
                )
            }))
        );
        assert_eq!(
            parse_registration_response("+CGREG: 2,1,\"1A2B\",\"01C3D4E5\",7"),
            Some(Ok(RegistrationResponse {
                mode: 2,
                registration: registration(
                    RegistrationDomain::Ps,
                    RegistrationStatus::Home,
                    Some("1A2B"),
                    Some("01C3D4E5"),
                    Some(7)
                )
            }))
        );
        assert_eq!(parse_registration_response("+CSQ: 20,99"), None);
        // The URC's shape, as some firmware answers the read until `+CREG=<n>` is set: the
        // one field is `<stat>`.
        let bare = parse_registration_response("+CREG: 1").unwrap().unwrap();
        assert_eq!(bare.mode, 0);
        assert_eq!(bare.registration.status, RegistrationStatus::Home);
        assert!(matches!(
            parse_registration_response("+CREG: x"),
            Some(Err(UrcError { urc: "+CREG", .. }))
        ));
    }

    #[test]
    fn registration_status_codes_and_is_registered() {
        assert_eq!(
            RegistrationStatus::from_code(8),
            RegistrationStatus::EmergencyOnly
        );
        assert_eq!(
            RegistrationStatus::from_code(10),
            RegistrationStatus::RoamingCsfbNotPreferred
        );
        assert_eq!(
            RegistrationStatus::from_code(11),
            RegistrationStatus::Other(11)
        );
        assert!(RegistrationStatus::Home.is_registered());
        assert!(RegistrationStatus::Roaming.is_registered());
        assert!(!RegistrationStatus::Searching.is_registered());
        assert!(!RegistrationStatus::EmergencyOnly.is_registered());
        assert!(matches!(
            ok("+CREG: 42"),
            Urc::Registration(Registration {
                status: RegistrationStatus::Other(42),
                ..
            })
        ));
    }

    #[test]
    fn malformed_registration_names_the_urc() {
        assert_eq!(err("+CREG: x").to_string(), "+CREG: bad <stat> 'x'");
        assert_eq!(err("+CREG: 1,\"1A2B\"").urc, "+CREG");
        assert_eq!(
            err("+CGREG: 1,\"XYZ\",\"01C3\"").to_string(),
            "+CGREG: bad <lac> 'XYZ'"
        );
        assert_eq!(err("+CEREG: 1,\"2F3A\",\"0A1B\",LTE").urc, "+CEREG");
        assert_eq!(err("+CREG: ").urc, "+CREG");
    }

    #[test]
    fn cpin_codes_at_boot_and_on_sim_change() {
        assert_eq!(ok("+CPIN: READY"), Urc::SimStatus(SimStatus::Ready));
        assert_eq!(ok("+CPIN: SIM PIN"), Urc::SimStatus(SimStatus::SimPin));
        assert_eq!(ok("+CPIN: SIM PUK"), Urc::SimStatus(SimStatus::SimPuk));
        assert_eq!(ok("+CPIN: SIM PIN2"), Urc::SimStatus(SimStatus::SimPin2));
        assert_eq!(ok("+CPIN: SIM PUK2"), Urc::SimStatus(SimStatus::SimPuk2));
        assert_eq!(ok("+CPIN: PH-SIM PIN"), Urc::SimStatus(SimStatus::PhSimPin));
        assert_eq!(
            ok("+CPIN: NOT INSERTED"),
            Urc::SimStatus(SimStatus::NotInserted)
        );
        assert_eq!(ok("+CPIN: NOT READY"), Urc::SimStatus(SimStatus::NotReady));
        assert_eq!(ok("+CPIN:READY"), Urc::SimStatus(SimStatus::Ready));
        assert_eq!(
            ok("+CPIN: PH-NET PIN"),
            Urc::SimStatus(SimStatus::Other("PH-NET PIN".into()))
        );
        assert_eq!(err("+CPIN: ").urc, "+CPIN");
    }

    #[test]
    fn simcom_simcard_not_available_is_sim_not_inserted() {
        assert_eq!(
            ok("+SIMCARD: NOT AVAILABLE"),
            Urc::SimStatus(SimStatus::NotInserted)
        );
    }

    #[test]
    fn cusd_with_and_without_text_and_dcs() {
        assert_eq!(
            ok("+CUSD: 0,\"Your balance is 12,50 EUR\",15"),
            Urc::Ussd {
                status: 0,
                text: Some("Your balance is 12,50 EUR".into()),
                dcs: Some(15)
            }
        );
        // UCS2 hex as Huawei sends it: kept as given, not decoded here.
        assert_eq!(
            ok("+CUSD: 1,\"00420061006C0061006E00630065\",72"),
            Urc::Ussd {
                status: 1,
                text: Some("00420061006C0061006E00630065".into()),
                dcs: Some(72)
            }
        );
        assert_eq!(
            ok("+CUSD: 2"),
            Urc::Ussd {
                status: 2,
                text: None,
                dcs: None
            }
        );
        assert_eq!(
            ok("+CUSD: 0,\"Hi\""),
            Urc::Ussd {
                status: 0,
                text: Some("Hi".into()),
                dcs: None
            }
        );
        assert_eq!(err("+CUSD: x,\"Hi\",15").to_string(), "+CUSD: bad <m> 'x'");
        assert_eq!(err("+CUSD: 0,\"Hi\",15,1").urc, "+CUSD");
    }

    #[test]
    fn ring_cring_and_clip() {
        assert_eq!(ok("RING"), Urc::Ring { call_type: None });
        assert_eq!(
            ok("+CRING: VOICE"),
            Urc::Ring {
                call_type: Some("VOICE".into())
            }
        );
        assert_eq!(
            ok("+CLIP: \"+31612345678\",145,\"\",,\"\",0"),
            Urc::IncomingCall {
                number: "+31612345678".into(),
                number_type: 145
            }
        );
        assert_eq!(
            ok("+CLIP: \"0612345678\",129"),
            Urc::IncomingCall {
                number: "0612345678".into(),
                number_type: 129
            }
        );
        // Withheld number.
        assert_eq!(
            ok("+CLIP: \"\",128,\"\",,\"\",1"),
            Urc::IncomingCall {
                number: String::new(),
                number_type: 128
            }
        );
        assert_eq!(err("+CLIP: \"0612345678\"").urc, "+CLIP");
        assert_eq!(err("+CRING:").urc, "+CRING");
    }

    #[test]
    fn boot_announcements_of_quectel_and_simcom() {
        assert_eq!(ok("RDY"), Urc::Ready(ReadyKind::Modem));
        assert_eq!(ok("+CFUN: 1"), Urc::Functionality(1));
        assert_eq!(ok("+CPIN: READY"), Urc::SimStatus(SimStatus::Ready));
        assert_eq!(ok("SMS Ready"), Urc::Ready(ReadyKind::Sms));
        assert_eq!(ok("SMS DONE"), Urc::Ready(ReadyKind::Sms));
        assert_eq!(ok("Call Ready"), Urc::Ready(ReadyKind::Call));
        assert_eq!(ok("PB DONE"), Urc::Ready(ReadyKind::Phonebook));
        assert_eq!(ok("+QIND: SMS DONE"), Urc::Ready(ReadyKind::Sms));
        assert_eq!(ok("+QIND: PB DONE"), Urc::Ready(ReadyKind::Phonebook));
        assert_eq!(err("+CFUN: full").to_string(), "+CFUN: bad <fun> 'full'");
    }

    #[test]
    fn huawei_rssi_smmemfull_and_noise() {
        assert_eq!(ok("^RSSI:15"), Urc::Signal { rssi: 15 });
        assert_eq!(ok("^RSSI: 99"), Urc::Signal { rssi: 99 });
        assert_eq!(
            ok("^SMMEMFULL: \"SM\""),
            Urc::StorageFull {
                storage: "SM".into()
            }
        );
        assert_eq!(
            ok("^SMMEMFULL:ME"),
            Urc::StorageFull {
                storage: "ME".into()
            }
        );
        assert_eq!(
            ok("^MODE:5,4"),
            Urc::Vendor {
                name: "^MODE".into(),
                rest: "5,4".into()
            }
        );
        assert_eq!(
            ok("^BOOT:20341554,0,0,0,72"),
            Urc::Vendor {
                name: "^BOOT".into(),
                rest: "20341554,0,0,0,72".into()
            }
        );
        assert!(matches!(ok("^SRVST:2"), Urc::Vendor { .. }));
        assert!(matches!(ok("^SIMST:1"), Urc::Vendor { .. }));
        assert_eq!(err("^RSSI:high").to_string(), "^RSSI: bad <rssi> 'high'");
        assert_eq!(err("^SMMEMFULL: ").urc, "^SMMEMFULL");
    }

    #[test]
    fn quectel_qind_csq_smsfull_and_noise() {
        assert_eq!(ok("+QIND: \"csq\",20,99"), Urc::Signal { rssi: 20 });
        assert_eq!(
            ok("+QIND: \"smsfull\",\"SM\""),
            Urc::StorageFull {
                storage: "SM".into()
            }
        );
        assert_eq!(
            ok("+QIND: \"act\",\"LTE\""),
            Urc::Vendor {
                name: "+QIND".into(),
                rest: "\"act\",\"LTE\"".into()
            }
        );
        assert!(matches!(ok("+QUSIM: 1"), Urc::Vendor { .. }));
        assert_eq!(err("+QIND: \"csq\",x,99").urc, "+QIND");
        assert_eq!(err("+QIND: \"csq\"").urc, "+QIND");
    }

    #[test]
    fn simcom_network_time() {
        assert_eq!(
            ok("*PSUTTZ: 2024,1,31,12,34,56,\"+4\",0"),
            Urc::NetworkTime("2024,1,31,12,34,56,\"+4\",0".into())
        );
        assert_eq!(ok("+CTZV: +4,0"), Urc::NetworkTime("+4,0".into()));
        assert!(matches!(ok("DST: 0"), Urc::Vendor { .. }));
        assert_eq!(err("*PSUTTZ:").urc, "*PSUTTZ");
    }

    #[test]
    fn responses_and_unknown_lines_are_not_urcs() {
        for line in [
            "+CSQ: 20,99",
            "OK",
            "ERROR",
            "hello",
            "",
            "+CME ERROR: 10",
            "+CMS ERROR: 322",
            "+CMGL: 1,1,,30",
            "+CMGS: 12",
            "+COPS: 0,0,\"vodafone NL\",7",
            "^HCSQ:\"LTE\",48,43,120,15",
            "AT+CMGL=4",
            "RING RING",
            ":",
            "+:1",
        ] {
            assert_eq!(parse_urc(line), None, "{line:?}");
        }
    }

    #[test]
    fn random_and_mutated_lines_never_panic() {
        let seeds = [
            "+CMTI: \"SM\",3",
            "+CDSI: \"SR\",2",
            "+CREG: 1,\"1A2B\",\"01C3D4E5\",7",
            "+CREG: 2,1,\"1A2B\",\"01C3D4E5\",7",
            "+CGREG: 1,\"1A2B\",\"01C3D4E5\",2,\"01\"",
            "+CEREG: 5",
            "+CPIN: NOT INSERTED",
            "+CUSD: 0,\"Balance 12,50\",15",
            "+CRING: VOICE",
            "+CLIP: \"+31612345678\",145,\"\",,\"\",0",
            "+CFUN: 1",
            "^RSSI:15",
            "^SMMEMFULL: \"SM\"",
            "+QIND: \"csq\",20,99",
            "*PSUTTZ: 2024,1,31,12,34,56,\"+4\",0",
            "+SIMCARD: NOT AVAILABLE",
            "+CMT: ,30",
            "+CDS: 25",
            "RING",
        ];
        let alphabet: Vec<char> = "+^*:,\" 0123456789ABCDEFSMRxé\u{fffd}\t-".chars().collect();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..50_000 {
            let mut line: Vec<char> = if rng.below(4) == 0 {
                (0..rng.below(40))
                    .map(|_| alphabet[rng.below(alphabet.len())])
                    .collect()
            } else {
                seeds[rng.below(seeds.len())].chars().collect()
            };
            for _ in 0..rng.below(4) {
                let at = rng.below(line.len() + 1);
                let c = alphabet[rng.below(alphabet.len())];
                match rng.below(3) {
                    0 => line.insert(at, c),
                    1 if at < line.len() => line[at] = c,
                    _ if at < line.len() => {
                        line.remove(at);
                    }
                    _ => {}
                }
            }
            let line: String = line.into_iter().collect();
            if let Some(Err(error)) = parse_urc(&line) {
                // Every error names a URC that the line starts with.
                assert!(line.trim().starts_with(error.urc), "{line:?} gave {error}");
            }
            let _ = parse_registration_response(&line);
            let _ = parse_pdu_urc(&line, "0011");
            let _ = parse_pdu_urc("+CMT: ,30", &line);
            let _ = super::super::error_codes::CmeError::from_verbose(&line);
        }
    }
}
