//! The modem models the simulator imitates, and what each one does differently.
//!
//! The daemon must cope with the dialects of the modules people actually put in racks: Quectel
//! EC25, SIMCom SIM800 and SIM7600, Huawei E3372 and E173 sticks. Each [`Personality`] names
//! one, and its [`Profile`] holds the data the simulated modem needs: identity strings as the
//! real module prints them, the ICCID command it answers, its boot announcements and their
//! timing, storage sizes and index base, and the quirks that have broken real SMS software.
//!
//! Every quirk is documented with what it models and where that comes from (vendor AT manual,
//! or a public bug report of ModemManager, gammu, chan_dongle, ...). Values that are an
//! approximation say so. Behaviour lives in [`super::modem`]; this module is data only.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::config::{ModemModel, UnknownModemModel};

/// A modem model to imitate.
///
/// Names (for `FromStr`/`Display`, the CLI and the control endpoint): `generic`,
/// `quectel-ec25`, `sim800`, `sim7600`, `huawei-e3372`, `huawei-e173`. They are the config
/// file's model names ([`ModemModel`]), defined there once; a personality converts from and
/// to its model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Personality {
    /// A plain TS 27.007 / 27.005 modem with no vendor extension: the baseline every dialect
    /// departs from.
    Generic,
    /// Quectel EC25 (EC2x family, LTE Cat 4), the most common module in SIM racks.
    QuectelEc2x,
    /// SIMCom SIM800 (2G only), cheap and everywhere, with a slow SMS start-up.
    SimcomSim800,
    /// SIMCom SIM7600 (LTE Cat 1/4).
    SimcomSim7600,
    /// Huawei E3372 USB stick in "stick" (serial AT port) firmware, LTE.
    HuaweiE3372,
    /// Huawei E173 USB stick, 3G, with its chatty periodic `^BOOT`/`^RSSI` lines.
    HuaweiE173,
    /// A minimal modem with the answers that stopped the daemon on a modem it was not
    /// written against: see [`TERSE`].
    Terse,
    /// A modem whose echo ignores `ATE0`, comes twice, and has unsolicited lines glued in
    /// front of it: see [`STUBBORN`].
    Stubborn,
    /// A modem whose listings are cluttered (quoted empty alpha, spaces in fields, a URC
    /// after every entry, a bare `OK` for a message just announced): see [`CLUTTERED`].
    Cluttered,
}

impl Personality {
    /// Every personality, in the order `for_mixed` hands them out.
    pub const ALL: [Personality; 9] = [
        Personality::Generic,
        Personality::QuectelEc2x,
        Personality::SimcomSim800,
        Personality::SimcomSim7600,
        Personality::HuaweiE3372,
        Personality::HuaweiE173,
        Personality::Terse,
        Personality::Stubborn,
        Personality::Cluttered,
    ];

    /// The personality of port `index` in a mixed rack: round robin over [`Personality::ALL`],
    /// so that a rack of six or more ports has one of each.
    pub fn for_mixed(index: u32) -> Personality {
        Personality::ALL[index as usize % Personality::ALL.len()]
    }

    /// The name used on the command line and in `list`: its model's.
    pub fn name(self) -> &'static str {
        ModemModel::from(self).name()
    }

    /// The model's data and quirks.
    pub fn profile(self) -> &'static Profile {
        match self {
            Personality::Generic => &GENERIC,
            Personality::QuectelEc2x => &QUECTEL_EC25,
            Personality::SimcomSim800 => &SIMCOM_SIM800,
            Personality::SimcomSim7600 => &SIMCOM_SIM7600,
            Personality::HuaweiE3372 => &HUAWEI_E3372,
            Personality::HuaweiE173 => &HUAWEI_E173,
            Personality::Terse => &TERSE,
            Personality::Stubborn => &STUBBORN,
            Personality::Cluttered => &CLUTTERED,
        }
    }
}

impl fmt::Display for Personality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A personality name that is none of the known ones: the config's unknown model name,
/// whose message lists the known ones.
pub type UnknownPersonality = UnknownModemModel;

impl FromStr for Personality {
    type Err = UnknownPersonality;

    /// Reads a name as [`Personality::name`] writes it, ignoring case.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.parse::<ModemModel>().map(Personality::from)
    }
}

impl From<ModemModel> for Personality {
    /// The personality that imitates `model` (e.g. a `[[port]]`'s `personality`).
    fn from(model: ModemModel) -> Self {
        match model {
            ModemModel::Generic => Personality::Generic,
            ModemModel::QuectelEc2x => Personality::QuectelEc2x,
            ModemModel::SimcomSim800 => Personality::SimcomSim800,
            ModemModel::SimcomSim7600 => Personality::SimcomSim7600,
            ModemModel::HuaweiE3372 => Personality::HuaweiE3372,
            ModemModel::HuaweiE173 => Personality::HuaweiE173,
            ModemModel::Terse => Personality::Terse,
            ModemModel::Stubborn => Personality::Stubborn,
            ModemModel::Cluttered => Personality::Cluttered,
        }
    }
}

impl From<Personality> for ModemModel {
    /// The model `personality` imitates, which gives it its name.
    fn from(personality: Personality) -> Self {
        match personality {
            Personality::Generic => ModemModel::Generic,
            Personality::QuectelEc2x => ModemModel::QuectelEc2x,
            Personality::SimcomSim800 => ModemModel::SimcomSim800,
            Personality::SimcomSim7600 => ModemModel::SimcomSim7600,
            Personality::HuaweiE3372 => ModemModel::HuaweiE3372,
            Personality::HuaweiE173 => ModemModel::HuaweiE173,
            Personality::Terse => ModemModel::Terse,
            Personality::Stubborn => ModemModel::Stubborn,
            Personality::Cluttered => ModemModel::Cluttered,
        }
    }
}

/// How `ATI` (V.250 §6.1.3, free text) is laid out on a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AtiStyle {
    /// Manufacturer, model and `Revision: <rev>` on three lines (Quectel manual, `ATI`).
    ThreeLines,
    /// One line of model and revision, e.g. `SIM800 R14.18` (SIM800 Series AT Command Manual
    /// V1.09 §2.2.9 `ATI`).
    OneLine(&'static str),
    /// `Manufacturer:`, `Model:`, `Revision:`, `IMEI:` and `+GCAP:` lines (Huawei stick
    /// firmware; SIMCom SIM7500/SIM7600 Series AT Command Manual §2.2 `ATI`).
    Labelled {
        /// The `+GCAP:` line's text after the colon.
        gcap: &'static str,
    },
}

/// How a vendor ICCID command prints the ICCID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IccidOutput {
    /// Bare digits (SIM800 `AT+CCID`).
    Bare,
    /// `<prefix><digits>`, e.g. `+QCCID: 8970...`.
    Prefixed(&'static str),
    /// `<prefix><swapped hex>`: the EF_ICCID bytes with each byte's nibbles as stored on the
    /// SIM (TS 31.102 §4.2.2), `F`-padded: Huawei `^ICCID`.
    Swapped(&'static str),
}

/// One vendor command that reads the ICCID (there is no TS 27.007 command for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IccidCommand {
    /// The command after `AT`, upper case, e.g. `+QCCID`.
    pub name: &'static str,
    /// Whether it is a read command (`AT^ICCID?`) rather than an execution (`AT+CCID`).
    pub read_form: bool,
    /// How it prints.
    pub output: IccidOutput,
    /// Whether a 19-digit ICCID is printed with its `F` pad (as stored, 20 nibbles).
    pub pad: bool,
}

/// One announcement of the boot sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BootUrc {
    /// A line printed whatever the SIM.
    Line(&'static str),
    /// The SIM state line ([`Profile::sim_status_urc`]): ready, PIN wanted, or missing.
    /// The SIM is ready for use from here on, when it needs no PIN.
    SimStatus,
    /// As [`BootUrc::SimStatus`] without a line: modules that do not announce the SIM.
    SimSilent,
    /// A line printed once a usable SIM is ready (no PIN pending): phonebook and call
    /// readiness. Replayed when a SIM is inserted or its PIN entered later.
    WhenSimReady(&'static str),
    /// The SMS-ready announcement (printed when not empty): SMS commands work from here on.
    /// Only once a usable SIM is ready; replayed like [`BootUrc::WhenSimReady`].
    SmsReady(&'static str),
}

/// What a model prints when powered on, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BootScript {
    /// From power-on until this instant the UART is not up: input is lost, nothing echoes.
    pub at_ready: Duration,
    /// The announcements, each with its delay from power-on, in order. The delays of
    /// [`BootUrc::WhenSimReady`] and [`BootUrc::SmsReady`] entries count from the
    /// [`BootUrc::SimStatus`] (or [`BootUrc::SimSilent`]) entry when replayed after a SIM
    /// insertion or PIN entry. Every script has exactly one of those two.
    pub urcs: &'static [(Duration, BootUrc)],
    /// From the SIM being ready until the module is registered on the network.
    pub register_after: Duration,
}

/// Periodic vendor lines (Huawei), emitted one per tick in rotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Periodic {
    /// Time between two lines.
    pub every: Duration,
    /// The lines in rotation; `{rssi}` is replaced by the current `+CSQ` rssi.
    pub lines: &'static [&'static str],
}

/// How `AT+CMGR` answers an empty slot (TS 27.005 §3.4.3 leaves it open).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmptySlotRead {
    /// A bare `OK`.
    Ok,
    /// `+CMS ERROR: 321` (invalid memory index).
    InvalidIndex,
}

/// A message storage of TS 27.005 §3.1 `<mem1>`..`<mem3>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Storage {
    /// `SM`: the SIM card's EF_SMS, which moves with the SIM.
    Sm,
    /// `ME`: the module's own non-volatile memory.
    Me,
}

impl Storage {
    /// The name as written in AT commands.
    pub fn name(self) -> &'static str {
        match self {
            Storage::Sm => "SM",
            Storage::Me => "ME",
        }
    }

    /// The storage a `+CPMS` argument names, ignoring case.
    pub fn parse(text: &str) -> Option<Storage> {
        match text.to_ascii_uppercase().as_str() {
            "SM" => Some(Storage::Sm),
            "ME" => Some(Storage::Me),
            _ => None,
        }
    }
}

impl fmt::Display for Storage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a model is and how it behaves, as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    /// `+CGMI` / `+GMI` text.
    pub manufacturer: &'static str,
    /// `+CGMM` / `+GMM` text.
    pub model: &'static str,
    /// `+CGMR` / `+GMR` text as the module prints it (prefix included where it has one).
    pub revision: &'static str,
    /// The revision as `ATI` shows it after `Revision: `.
    pub ati_revision: &'static str,
    /// `ATI` layout.
    pub ati: AtiStyle,
    /// Type allocation code (first 8 IMEI digits), plausible for the model. Approximation:
    /// taken from the TAC ranges such modules are seen with, not checked against the GSMA
    /// database.
    pub imei_tac: &'static str,
    /// Whether `+CGSN` prints `+CGSN: <imei>` rather than bare digits.
    pub cgsn_prefixed: bool,
    /// The vendor ICCID commands answered. `+CRSM=176,12258,0,0,10` works on all.
    pub iccid_commands: &'static [IccidCommand],
    /// Power-on sequence.
    pub boot: BootScript,
    /// `+CMS ERROR` code given to SMS commands before the SMS-ready announcement, if the model
    /// refuses them (SIM800); `None` when SMS commands work as soon as the SIM is ready.
    pub sms_not_ready_error: Option<u16>,
    /// The first storage index: 0 on Huawei, 1 elsewhere.
    pub index_base: u32,
    /// Slots of the SIM storage. SIM-dependent in reality (EF_SMS records, usually 20..50).
    pub sm_capacity: usize,
    /// Slots of the module storage.
    pub me_capacity: usize,
    /// `<mem1>`, `<mem2>`, `<mem3>` at power-up.
    pub default_storages: [Storage; 3],
    /// Whether a full storage is announced by `^SMMEMFULL: "<mem>"` (Huawei).
    pub storage_full_urc: bool,
    /// Whether SMS listings and reads end with an extra blank line before `OK`.
    pub blank_line_after_messages: bool,
    /// Whether a message routed to the host with `+CMT` is also kept in storage.
    pub routed_copy_stored: bool,
    /// How `+CMGR` answers an empty slot.
    pub empty_slot_read: EmptySlotRead,
    /// `+CNMI` at power-up.
    pub cnmi_default: [u8; 5],
    /// `+CSCS` at power-up.
    pub cscs_default: &'static str,
    /// `<AcT>` reported by `+COPS?`/`+CREG` (0 GSM, 2 UTRAN, 7 E-UTRAN); `None` on modules
    /// that print no `<AcT>` field (2G-only SIM800).
    pub access_technology: Option<u8>,
    /// Whether `+CEREG` exists (LTE modules).
    pub eps: bool,
    /// The line printed when the SIM is pulled out.
    pub sim_removed_urc: &'static str,
    /// Periodic vendor lines, silenced by `AT^CURC=0` (Huawei).
    pub periodic: Option<Periodic>,
    /// Answers that depart from V.250 and TS 27.005 themselves.
    pub quirks: Quirks,
}

/// How a modem's answers depart from V.250 and TS 27.005, beyond its vendor's dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quirks {
    /// A command line with no command (a plain `AT`) is answered `ERROR`, not `OK`.
    pub bare_at_error: bool,
    /// Nothing typed is ever echoed, whatever `ATE` says (`ATE0`/`ATE1` still answer `OK`).
    pub never_echoes: bool,
    /// `+CMGL` of an empty store answers `+CMS ERROR: <n>` instead of a bare `OK`.
    pub empty_listing_error: Option<u16>,
    /// Commands the modem does not know are answered `COMMAND NOT SUPPORT` (Huawei's final
    /// result, not in V.250) instead of `ERROR`.
    pub command_not_support: bool,
    /// `ATE0` answers `OK` and the echo stays on.
    pub echo_ignores_ate0: bool,
    /// Every command line is echoed twice.
    pub echo_doubled: bool,
    /// Every third command line, this unsolicited line is printed just before the echo,
    /// glued to it with no line ending between.
    pub glued_before_echo: Option<&'static str>,
    /// The empty `<alpha>` of a PDU-mode `+CMGL`/`+CMGR` header is written `""` rather than
    /// left out (`+CMGR: 0,"",25`).
    pub quoted_empty_alpha: bool,
    /// Every information line writes a space after each comma (`+CPMS: "SM", 0, 30`).
    pub spaced_fields: bool,
    /// This unsolicited line follows every entry of a `+CMGL` listing.
    pub urc_in_listing: Option<&'static str>,
    /// The first `+CMGR` of a message just stored answers a bare `OK`, as if the slot were
    /// empty; it reads normally from the second time on.
    pub bare_ok_first_read: bool,
    /// The highest `+CNMI` `<mode>` taken (and listed by `+CNMI=?`); a higher one is
    /// `ERROR`. `None`: 0 to 3.
    pub cnmi_max_mode: Option<u8>,
    /// `AT+CREG?` answers in the URC's shape, `+CREG: <stat>` without `<n>`, until the host
    /// sets `AT+CREG=<n>`.
    pub registration_bare_until_set: bool,
}

impl Quirks {
    /// Answers as the specs write them.
    pub const NONE: Quirks = Quirks {
        bare_at_error: false,
        never_echoes: false,
        empty_listing_error: None,
        command_not_support: false,
        echo_ignores_ate0: false,
        echo_doubled: false,
        glued_before_echo: None,
        quoted_empty_alpha: false,
        spaced_fields: false,
        urc_in_listing: None,
        bare_ok_first_read: false,
        cnmi_max_mode: None,
        registration_bare_until_set: false,
    };
}

impl Profile {
    /// The SIM state line of the boot sequence and of a SIM insertion.
    pub fn sim_status_urc(&self, state: SimUrcState) -> &'static str {
        let huawei = self.manufacturer == "huawei";
        match (state, huawei) {
            (SimUrcState::Ready, false) => "+CPIN: READY",
            (SimUrcState::PinWanted, false) => "+CPIN: SIM PIN",
            (SimUrcState::PukWanted, false) => "+CPIN: SIM PUK",
            (SimUrcState::Missing, false) => {
                if self.sim_removed_urc.starts_with("+SIMCARD") {
                    self.sim_removed_urc
                } else {
                    "+CPIN: NOT INSERTED"
                }
            }
            // Huawei ^SIMST:<sim_state> (Huawei HSPA/LTE module AT manual, ^SIMST): 1 valid,
            // 255 not present. A SIM waiting for its PIN is still "valid" there.
            (SimUrcState::Missing, true) => "^SIMST:255",
            (_, true) => "^SIMST:1",
        }
    }
}

/// The SIM states the boot sequence announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimUrcState {
    /// Usable.
    Ready,
    /// Waiting for its PIN.
    PinWanted,
    /// Blocked, waiting for its PUK.
    PukWanted,
    /// No SIM in the slot.
    Missing,
}

const fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// Real modules take 5..15 s to print `RDY` and up to 30 s more for SMS readiness; the
/// simulator keeps every boot delay at 3 s or less so that tests stay quick, while keeping
/// the order and the relative gaps.
const GENERIC_BOOT: &[(Duration, BootUrc)] = &[
    (ms(500), BootUrc::SimSilent),
    (ms(700), BootUrc::SmsReady("")),
];

/// A spec-only modem: no boot lines, `+CCID: <iccid>` (the form TS 27.007 never defined but
/// u-blox and Telit print), `+CGSN: <imei>` in the prefixed form of TS 27.007 §5.4 `+CGSN=1`
/// that some firmwares also use for the plain command.
pub const GENERIC: Profile = Profile {
    manufacturer: "Generic",
    model: "GSM Modem",
    revision: "1.0.0",
    ati_revision: "1.0.0",
    ati: AtiStyle::ThreeLines,
    imei_tac: "35209900",
    cgsn_prefixed: true,
    iccid_commands: &[IccidCommand {
        name: "+CCID",
        read_form: false,
        output: IccidOutput::Prefixed("+CCID: "),
        pad: false,
    }],
    boot: BootScript {
        at_ready: ms(300),
        urcs: GENERIC_BOOT,
        register_after: ms(1000),
    },
    sms_not_ready_error: None,
    index_base: 1,
    sm_capacity: 30,
    me_capacity: 100,
    default_storages: [Storage::Sm, Storage::Sm, Storage::Sm],
    storage_full_urc: false,
    blank_line_after_messages: false,
    routed_copy_stored: false,
    empty_slot_read: EmptySlotRead::InvalidIndex,
    cnmi_default: [1, 1, 0, 0, 0],
    cscs_default: "IRA",
    access_technology: Some(0),
    eps: false,
    sim_removed_urc: "+CPIN: NOT READY",
    periodic: None,
    quirks: Quirks::NONE,
};

/// Quectel EC25 boot: `RDY`, `+CFUN: 1`, `+CPIN: READY`, `+QUSIM: 1`, `+QIND: SMS DONE`,
/// `+QIND: PB DONE` (Quectel EC2x&EG2x&EG9x&EM05 Series AT Commands Manual V2.0, §1.5 and
/// the `+QIND` URC descriptions). The real gaps are ~10 s to RDY and a few seconds to SMS DONE.
const QUECTEL_BOOT: &[(Duration, BootUrc)] = &[
    (ms(500), BootUrc::Line("RDY")),
    (ms(600), BootUrc::Line("+CFUN: 1")),
    (ms(700), BootUrc::SimStatus),
    (ms(800), BootUrc::WhenSimReady("+QUSIM: 1")),
    (ms(1500), BootUrc::SmsReady("+QIND: SMS DONE")),
    (ms(2000), BootUrc::WhenSimReady("+QIND: PB DONE")),
];

/// Quectel EC25.
///
/// - Identity: `ATI` → `Quectel` / `EC25` / `Revision: EC25EFAR06A06M4G`; `+CGMI` `Quectel`,
///   `+CGMM` `EC25`, `+CGMR` the revision bare; `+CGSN` bare digits (Quectel EC2x AT manual
///   §2.1..2.8).
/// - ICCID: `AT+QCCID` → `+QCCID: <iccid>`, printed with the `F` pad of a 19-digit ICCID as
///   read from EF_ICCID (manual §5.x `+QCCID`; the pad is what the daemon's parser strips).
/// - Storage: `<mem3>` is `ME` at power-up while the host usually selects `SM` with a
///   two-argument `AT+CPMS="SM","SM"` (gammu does): new messages then land in `ME` and the
///   module says `+CMTI: "ME",<n>` while `+CMGR` reads `SM` and finds nothing. Seen in
///   zabsalahid/serialport-gsm issue #12 on a Quectel module ("+CMTI: \"ME\" ... CMGR gets
///   just OK"). ME holds 255 messages on EC2x (the `+CPMS` examples of the Quectel SMS
///   application note); SM 30 is a typical SIM.
/// - Empty slot: `+CMGR` on an empty index answers a bare `OK` (same issue #12 trace).
/// - `+CNMI` defaults to `2,1,0,0,0`, `+CSCS` to `"GSM"` (manual §9 defaults).
pub const QUECTEL_EC25: Profile = Profile {
    manufacturer: "Quectel",
    model: "EC25",
    revision: "EC25EFAR06A06M4G",
    ati_revision: "EC25EFAR06A06M4G",
    ati: AtiStyle::ThreeLines,
    imei_tac: "86675804",
    cgsn_prefixed: false,
    iccid_commands: &[IccidCommand {
        name: "+QCCID",
        read_form: false,
        output: IccidOutput::Prefixed("+QCCID: "),
        pad: true,
    }],
    boot: BootScript {
        at_ready: ms(500),
        urcs: QUECTEL_BOOT,
        register_after: ms(1000),
    },
    sms_not_ready_error: None,
    index_base: 1,
    sm_capacity: 30,
    me_capacity: 255,
    default_storages: [Storage::Me, Storage::Me, Storage::Me],
    storage_full_urc: false,
    blank_line_after_messages: false,
    routed_copy_stored: false,
    empty_slot_read: EmptySlotRead::Ok,
    cnmi_default: [2, 1, 0, 0, 0],
    cscs_default: "GSM",
    access_technology: Some(7),
    eps: true,
    sim_removed_urc: "+CPIN: NOT READY",
    periodic: None,
    quirks: Quirks::NONE,
};

/// SIM800 boot: `RDY`, `+CFUN: 1`, `+CPIN: READY`, then `Call Ready` and `SMS Ready` once the
/// SIM's phonebook and SMS areas are read (SIM800 Series AT Command Manual V1.09 §1.4 and the
/// "SMS Ready" notes; in practice 5..15 s after `+CPIN: READY`; 3 s here).
const SIM800_BOOT: &[(Duration, BootUrc)] = &[
    (ms(500), BootUrc::Line("RDY")),
    (ms(600), BootUrc::Line("+CFUN: 1")),
    (ms(700), BootUrc::SimStatus),
    (ms(2500), BootUrc::WhenSimReady("Call Ready")),
    (ms(3000), BootUrc::SmsReady("SMS Ready")),
];

/// SIMCom SIM800.
///
/// - Identity: `ATI` → `SIM800 R14.18`; `+CGMI` `SIMCOM_Ltd`; `+CGMM` `SIMCOM_SIM800`;
///   `+CGMR` `Revision:1418B04SIM800C24`; `+CGSN` bare (SIM800 AT manual V1.09 §2.2, §3.2).
/// - ICCID: `AT+CCID` → bare digits (manual §6.2.x `AT+CCID`).
/// - SMS commands before `SMS Ready` fail: modelled as `+CMS ERROR: 302` (operation not
///   allowed). Approximation: firmwares differ between 302, 314 (SIM busy) and a plain
///   `ERROR`; the point is that the host must wait for `SMS Ready`.
/// - Listings and reads end with an extra blank line before `OK` (text-mode `+CMGL` output
///   of SIM800/SIM900 separates entries with an empty line; modelled for both modes).
///   Approximation in PDU mode.
/// - 2G only: `+COPS?` and `+CREG` carry no `<AcT>`; no `+CEREG`.
/// - `+CNMI` defaults to `1,1,0,0,0`; `+CSCS` to `"IRA"`. SM 30 (typical SIM), ME 50
///   (approximation).
pub const SIMCOM_SIM800: Profile = Profile {
    manufacturer: "SIMCOM_Ltd",
    model: "SIMCOM_SIM800",
    revision: "Revision:1418B04SIM800C24",
    ati_revision: "1418B04SIM800C24",
    ati: AtiStyle::OneLine("SIM800 R14.18"),
    imei_tac: "86271703",
    cgsn_prefixed: false,
    iccid_commands: &[IccidCommand {
        name: "+CCID",
        read_form: false,
        output: IccidOutput::Bare,
        pad: false,
    }],
    boot: BootScript {
        at_ready: ms(500),
        urcs: SIM800_BOOT,
        register_after: ms(1200),
    },
    sms_not_ready_error: Some(302),
    index_base: 1,
    sm_capacity: 30,
    me_capacity: 50,
    default_storages: [Storage::Sm, Storage::Sm, Storage::Sm],
    storage_full_urc: false,
    blank_line_after_messages: true,
    routed_copy_stored: false,
    empty_slot_read: EmptySlotRead::Ok,
    cnmi_default: [1, 1, 0, 0, 0],
    cscs_default: "IRA",
    access_technology: None,
    eps: false,
    sim_removed_urc: "+CPIN: NOT READY",
    periodic: None,
    quirks: Quirks::NONE,
};

/// SIM7600 boot: `RDY`, `+CPIN: READY`, `SMS DONE`, `PB DONE` (SIM7500_SIM7600 Series AT
/// Command Manual V1.xx, "unsolicited codes at power on"; real gap ~15 s).
const SIM7600_BOOT: &[(Duration, BootUrc)] = &[
    (ms(500), BootUrc::Line("RDY")),
    (ms(700), BootUrc::SimStatus),
    (ms(1500), BootUrc::SmsReady("SMS DONE")),
    (ms(2000), BootUrc::WhenSimReady("PB DONE")),
];

/// SIMCom SIM7600.
///
/// - Identity: `ATI` with `Manufacturer: SIMCOM INCORPORATED`, `Model: SIMCOM_SIM7600E-H`,
///   `Revision: SIM7600M22_V2.0`, `IMEI:`, `+GCAP: +CGSM`; `+CGMR` prints
///   `+CGMR: LE20B04SIM7600M22` with its prefix (SIM7500/SIM7600 AT manual §2.2, §4.x).
/// - ICCID: `AT+CICCID` → `+ICCID: <iccid>` (manual `AT+CICCID`). `AT+ICCID` is answered the
///   same way; approximation: that alias is documented for other SIMCom families (A76xx) and
///   is what the daemon's SIMCom dialect sends.
/// - SIM removal: `+SIMCARD: NOT AVAILABLE` (manual, SIM hot-plug URCs).
/// - Empty slot read: `+CMS ERROR: 321`. SM 30, ME 255 (approximation).
pub const SIMCOM_SIM7600: Profile = Profile {
    manufacturer: "SIMCOM INCORPORATED",
    model: "SIMCOM_SIM7600E-H",
    revision: "+CGMR: LE20B04SIM7600M22",
    ati_revision: "SIM7600M22_V2.0",
    ati: AtiStyle::Labelled { gcap: "+CGSM" },
    imei_tac: "86245103",
    cgsn_prefixed: false,
    iccid_commands: &[
        IccidCommand {
            name: "+CICCID",
            read_form: false,
            output: IccidOutput::Prefixed("+ICCID: "),
            pad: false,
        },
        IccidCommand {
            name: "+ICCID",
            read_form: false,
            output: IccidOutput::Prefixed("+ICCID: "),
            pad: false,
        },
    ],
    boot: BootScript {
        at_ready: ms(500),
        urcs: SIM7600_BOOT,
        register_after: ms(1000),
    },
    sms_not_ready_error: None,
    index_base: 1,
    sm_capacity: 30,
    me_capacity: 255,
    default_storages: [Storage::Sm, Storage::Sm, Storage::Sm],
    storage_full_urc: false,
    blank_line_after_messages: false,
    routed_copy_stored: false,
    empty_slot_read: EmptySlotRead::InvalidIndex,
    cnmi_default: [2, 1, 0, 0, 0],
    cscs_default: "IRA",
    access_technology: Some(7),
    eps: true,
    sim_removed_urc: "+SIMCARD: NOT AVAILABLE",
    periodic: None,
    quirks: Quirks::NONE,
};

/// Huawei sticks print no `RDY`; they announce the SIM with `^SIMST` and then chatter.
const HUAWEI_BOOT: &[(Duration, BootUrc)] = &[
    (ms(700), BootUrc::SimStatus),
    (ms(800), BootUrc::SmsReady("")),
];

/// Huawei E3372 (stick firmware 22.x, serial AT port).
///
/// - Identity: `ATI` with `Manufacturer: huawei`, `Model: E3372`, `Revision:`, `IMEI:`,
///   `+GCAP: +CGSM,+DS,+ES`; `+CGMI` `huawei` (lower case, which is how gammu and
///   ModemManager recognise Huawei); `+CGSN` bare.
/// - ICCID: `AT^ICCID?` → `^ICCID: <nibble-swapped>` (ModemManager
///   plugins/huawei/mm-sim-huawei.c: "Huawei ^ICCID response must be character swapped").
/// - Storage indexes count from 0 (Huawei AT manuals: `+CMGL`/`+CMTI` `<index>` from 0;
///   chan_dongle reads `+CMTI: "SM",0`).
/// - Full storage: `^SMMEMFULL: "<mem>"` (Huawei HSPA module AT manual, `^SMMEMFULL`).
/// - Periodic `^RSSI:<n>` and `^MODE:7,17`, and `^RSSI` lines interleaved between entries of a
///   long `+CMGL` listing; `AT^CURC=0` (which gammu sends to Huawei modems) stops them. Real
///   cadence is on change and every few seconds; 10 s here.
/// - Empty slot read: `+CMS ERROR: 321`. SM 50, ME 23: the `+CPMS` answers of a Huawei
///   E1752 in gammu issue #126 (`+CPMS: 0,23,0,23,0,50`, then `1,50,1,50,1,50` on SM).
/// - Listings and reads end with an extra blank line before `OK`. Approximation.
pub const HUAWEI_E3372: Profile = Profile {
    manufacturer: "huawei",
    model: "E3372",
    revision: "22.200.15.00.00",
    ati_revision: "22.200.15.00.00",
    ati: AtiStyle::Labelled {
        gcap: "+CGSM,+DS,+ES",
    },
    imei_tac: "86307102",
    cgsn_prefixed: false,
    iccid_commands: &[IccidCommand {
        name: "^ICCID",
        read_form: true,
        output: IccidOutput::Swapped("^ICCID: "),
        pad: true,
    }],
    boot: BootScript {
        at_ready: ms(500),
        urcs: HUAWEI_BOOT,
        register_after: ms(1000),
    },
    sms_not_ready_error: None,
    index_base: 0,
    sm_capacity: 50,
    me_capacity: 23,
    default_storages: [Storage::Sm, Storage::Sm, Storage::Sm],
    storage_full_urc: true,
    blank_line_after_messages: true,
    routed_copy_stored: false,
    empty_slot_read: EmptySlotRead::InvalidIndex,
    cnmi_default: [0, 0, 0, 0, 0],
    cscs_default: "IRA",
    access_technology: Some(7),
    eps: true,
    sim_removed_urc: "^SIMST:255",
    periodic: Some(Periodic {
        every: Duration::from_secs(10),
        lines: &["^RSSI:{rssi}", "^RSSI:{rssi}", "^MODE:7,17"],
    }),
    quirks: Quirks::NONE,
};

/// Huawei E173 (3G stick, firmware 11.126.x).
///
/// As [`HUAWEI_E3372`], plus:
/// - The periodic `^BOOT:<n>,0,0,0,72` line of these firmwares (asterisk-chan-dongle and
///   ModemManager both filter `^BOOT`), and `^MODE:5,4` (WCDMA).
/// - No `^ICCID` (older Huawei firmware lacks it; ModemManager then falls back to
///   `+CRSM` READ BINARY of EF_ICCID, which is all this model answers).
/// - A message routed with `+CMT` is also kept in storage. Approximation: reported by
///   chan_dongle users whose SIM filled up although routing was on; not verified on hardware.
/// - 3G: `<AcT>` 2 (UTRAN), no `+CEREG`.
pub const HUAWEI_E173: Profile = Profile {
    model: "E173",
    revision: "11.126.85.00.209",
    ati_revision: "11.126.85.00.209",
    imei_tac: "35314804",
    iccid_commands: &[],
    routed_copy_stored: true,
    access_technology: Some(2),
    eps: false,
    periodic: Some(Periodic {
        every: Duration::from_secs(10),
        lines: &[
            "^RSSI:{rssi}",
            "^BOOT:20273347,0,0,0,72",
            "^RSSI:{rssi}",
            "^MODE:5,4",
        ],
    }),
    ..HUAWEI_E3372
};

/// A minimal 27.005 modem, built from what stopped the daemon on a modem simulator it was
/// not written against, so that every test meets those answers:
/// - a plain `AT` (a line with no command) is answered `ERROR`: the modem is alive all the
///   same, and the daemon must not wait for an `OK` that never comes;
/// - nothing is ever echoed (`ATE0`/`ATE1` answer `OK` and change nothing), so no response
///   starts with its command;
/// - `+CMGL` of an empty store is `+CMS ERROR: 321` ("invalid memory index") rather than a
///   bare `OK`: an empty store, not a failure;
/// - `+CNMI` takes `<mode>` 0 and 1 only (`+CNMI=2,1,0,0,0` is `ERROR`, `+CNMI=?` lists
///   `(0,1)`), as minimal 27.005 implementations do: the daemon must fall back, not stop
///   announcing;
/// - an unknown command is `COMMAND NOT SUPPORT`, the final result Huawei sticks print
///   (the E173 transcript of gammu issue #374 in the shared test data; also met by
///   matrix-appservice-sms issue #10 after `ATE0`).
///
/// Otherwise it is [`GENERIC`]: no boot lines, `+CCID`, SM storage.
pub const TERSE: Profile = Profile {
    manufacturer: "Terse",
    model: "Minimal 27.005 Modem",
    revision: "0.9",
    ati_revision: "0.9",
    imei_tac: "35209901",
    quirks: Quirks {
        bare_at_error: true,
        never_echoes: true,
        empty_listing_error: Some(321),
        command_not_support: true,
        cnmi_max_mode: Some(1),
        ..Quirks::NONE
    },
    // Nothing announced until the host asks: only a fallback `+CNMI` makes it announce.
    cnmi_default: [0, 0, 0, 0, 0],
    ..GENERIC
};

/// The boot of [`STUBBORN`]: `*ATREADY: 1` (the readiness line of u-blox, Telit and some
/// Huawei firmware, in place of `RDY`), the SIM, `SMS DONE`.
const STUBBORN_BOOT: &[(Duration, BootUrc)] = &[
    (ms(400), BootUrc::Line("*ATREADY: 1")),
    (ms(600), BootUrc::SimStatus),
    (ms(1200), BootUrc::SmsReady("SMS DONE")),
];

/// A modem whose echo misbehaves in each of the ways real ones do, so that every test meets
/// them:
/// - `ATE0` answers `OK` and changes nothing: the echo stays on for good (cheap modules and
///   pool boards whose multiplexer echoes for the module);
/// - every command line is echoed twice (two programs' worth of echo: a pool board's
///   multiplexer and the module both echoing);
/// - every third command, an unsolicited line is printed just before the echo with no line
///   ending between, glued to it (`+CIEV: "signal",3AT+CSQ`), as a URC arriving while the
///   command is typed lands in front of its echo (the ZTE MF626 transcript of gammu issue
///   #209 shows the same race with a line ending);
/// - it announces readiness with `*ATREADY: 1` rather than `RDY`.
///
/// Otherwise it is [`GENERIC`].
pub const STUBBORN: Profile = Profile {
    manufacturer: "Stubborn",
    model: "Echoing 27.005 Modem",
    revision: "2.1",
    ati_revision: "2.1",
    imei_tac: "35209902",
    boot: BootScript {
        at_ready: ms(300),
        urcs: STUBBORN_BOOT,
        register_after: ms(1000),
    },
    quirks: Quirks {
        echo_ignores_ate0: true,
        echo_doubled: true,
        glued_before_echo: Some("+CIEV: \"signal\",3"),
        ..Quirks::NONE
    },
    ..GENERIC
};

/// A modem whose SMS listings and reads are cluttered in each of the ways real ones are, so
/// that every test meets them:
/// - the empty `<alpha>` is written `""` (`+CMGL: 1,0,"",25`, `+CMGR: 0,"",25`), as SIMCom
///   and Telit firmware do (python-gsmmodem and ModemManager parse both forms);
/// - fields carry a space after each comma (`+CPMS: "SM", 0, 30, ...`, `+CMGL: 1, 0, "", 25`),
///   as Cinterion and some Huawei firmware print them;
/// - an unsolicited line (`+CIEV: "MESSAGE",1`) follows every listing entry, as Huawei's
///   `^RSSI` does between entries;
/// - the first read of a message just announced by `+CMTI` is a bare `OK`, as if the slot
///   were empty (the SIM write not finished; seen on SIMCom and Quectel modules in
///   python-gsmmodem and serialport-gsm issues); it reads normally afterwards, so the daemon
///   must read again rather than wait for the next sweep, and must never delete it unread;
/// - `AT+CREG?` answers `+CREG: 1` (the URC's shape, no `<n>`) until `AT+CREG=<n>` is set,
///   as some SIMCom firmware does after a reset.
///
/// Otherwise it is [`GENERIC`].
pub const CLUTTERED: Profile = Profile {
    manufacturer: "Cluttered",
    model: "Verbose 27.005 Modem",
    revision: "3.0",
    ati_revision: "3.0",
    imei_tac: "35209903",
    quirks: Quirks {
        quoted_empty_alpha: true,
        spaced_fields: true,
        urc_in_listing: Some("+CIEV: \"MESSAGE\",1"),
        bare_ok_first_read: true,
        registration_bare_until_set: true,
        ..Quirks::NONE
    },
    ..GENERIC
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for personality in Personality::ALL {
            assert_eq!(personality.name().parse::<Personality>(), Ok(personality));
            assert_eq!(personality.to_string(), personality.name());
        }
        assert_eq!(
            "SIM800".parse::<Personality>(),
            Ok(Personality::SimcomSim800)
        );
        let error = "nokia".parse::<Personality>().unwrap_err();
        assert!(error.to_string().contains("'nokia'"));
        // Every model of the config file has a personality, and back.
        for model in ModemModel::ALL {
            assert_eq!(ModemModel::from(Personality::from(model)), model);
        }
    }

    #[test]
    fn mixed_racks_round_robin() {
        assert_eq!(Personality::for_mixed(0), Personality::Generic);
        assert_eq!(Personality::for_mixed(4), Personality::HuaweiE3372);
        assert_eq!(Personality::for_mixed(6), Personality::Terse);
        assert_eq!(Personality::for_mixed(7), Personality::Stubborn);
        assert_eq!(Personality::for_mixed(8), Personality::Cluttered);
        assert_eq!(Personality::for_mixed(9), Personality::Generic);
    }

    #[test]
    fn boot_scripts_are_short_and_ordered() {
        for personality in Personality::ALL {
            let boot = personality.profile().boot;
            let mut last = Duration::ZERO;
            for (at, _) in boot.urcs {
                assert!(*at >= last, "{personality}");
                assert!(*at <= Duration::from_secs(3), "{personality}");
                last = *at;
            }
            assert!(boot.at_ready <= Duration::from_secs(1));
            assert_eq!(
                boot.urcs
                    .iter()
                    .filter(|(_, urc)| matches!(urc, BootUrc::SmsReady(_)))
                    .count(),
                1,
                "{personality} must announce SMS readiness exactly once"
            );
            assert_eq!(
                boot.urcs
                    .iter()
                    .filter(|(_, urc)| matches!(urc, BootUrc::SimStatus | BootUrc::SimSilent))
                    .count(),
                1,
                "{personality} must check the SIM exactly once"
            );
        }
    }

    #[test]
    fn huawei_sim_lines_differ() {
        assert_eq!(
            HUAWEI_E173.sim_status_urc(SimUrcState::Missing),
            "^SIMST:255"
        );
        assert_eq!(
            SIMCOM_SIM7600.sim_status_urc(SimUrcState::Missing),
            "+SIMCARD: NOT AVAILABLE"
        );
        assert_eq!(
            QUECTEL_EC25.sim_status_urc(SimUrcState::PinWanted),
            "+CPIN: SIM PIN"
        );
    }
}
