//! Who is on a port: the modem (model, firmware, IMEI) and the SIM (ICCID, IMSI, number,
//! country, operator), read with typed AT commands.
//!
//! The number comes from `+CNUM` when the SIM holds it; else from the operator's
//! number-query USSD code (most prepaid SIMs in Russia and elsewhere); else from the
//! technicians' mapping; a number learnt once by USSD is kept by the pool and not asked
//! again. A SIM PIN is entered once from the configuration and never retried when refused.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::at::command::{
    EnterPin, IccidDialect, IccidQuery, ImeiQuery, Imsi, Manufacturer, Model, OperatorQuery,
    OwnNumber, PinStatus, RegistrationQuery, Revision, Ussd,
};
use crate::at::error_codes::CmeError;
use crate::at::runner::{AtChannel, RunError, Unsolicited};
use crate::at::urc::{SimStatus, Urc};
use crate::inventory;
use crate::pool::{NumberSource, SimNumber};

use super::SimDirectory;

/// The unsolicited events of a session, with the ones put aside while waiting for a
/// particular event (a USSD answer) kept for later, in order, so none is lost.
#[derive(Debug)]
pub struct Inbox {
    receiver: mpsc::Receiver<Unsolicited>,
    held: VecDeque<Unsolicited>,
}

impl Inbox {
    /// The inbox of a runner's unsolicited channel.
    pub fn new(receiver: mpsc::Receiver<Unsolicited>) -> Inbox {
        Inbox {
            receiver,
            held: VecDeque::new(),
        }
    }

    /// The next event: held ones first. `None` when the runner has stopped.
    pub async fn next(&mut self) -> Option<Unsolicited> {
        match self.held.pop_front() {
            Some(event) => Some(event),
            None => self.receiver.recv().await,
        }
    }

    /// Waits at most `within` for the first event `pick` accepts; the others are held for
    /// [`Inbox::next`].
    pub async fn wait_for<T>(
        &mut self,
        within: Duration,
        mut pick: impl FnMut(&Unsolicited) -> Option<T>,
    ) -> Option<T> {
        let deadline = tokio::time::Instant::now() + within;
        let mut skipped = Vec::new();
        let found = loop {
            match tokio::time::timeout_at(deadline, self.receiver.recv()).await {
                Ok(Some(event)) => match pick(&event) {
                    Some(found) => break Some(found),
                    None => skipped.push(event),
                },
                Ok(None) | Err(_) => break None,
            }
        };
        self.held.extend(skipped);
        found
    }
}

/// The modem's identity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModemIdentity {
    /// `+CGMI`.
    pub manufacturer: Option<String>,
    /// `+CGMM`.
    pub model: Option<String>,
    /// `+CGMR`.
    pub firmware: Option<String>,
    /// `+CGSN`. Not a key: modems on pool boards can share one.
    pub imei: Option<String>,
}

/// A SIM as probed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimIdentity {
    /// The SIM's serial number: the key of the inventory.
    pub iccid: String,
    /// `+CIMI`.
    pub imsi: Option<String>,
    /// E.164, when known.
    pub number: Option<String>,
    /// Where the number came from (for a number kept from an earlier probe, where it came
    /// from then).
    pub number_source: Option<NumberSource>,
    /// ISO 3166 alpha-2, from the IMSI's MCC.
    pub country: Option<String>,
    /// The operator's name as the network gives it (`+COPS?`).
    pub operator: Option<String>,
    /// The network's MCC-MNC (`262-01`), read by the session once the SIM is known.
    pub operator_code: Option<String>,
}

/// What the SIM slot holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimSlot {
    /// A SIM ready for use.
    Ready(SimIdentity),
    /// No SIM (or one the modem cannot read).
    Empty,
    /// A SIM that needs a PIN or PUK we do not have, or refused the configured PIN.
    Locked {
        /// The ICCID, when the modem would tell it before the PIN.
        iccid: Option<String>,
        /// What is wrong, for the technicians.
        reason: String,
    },
}

/// Reads the modem's identity. Missing answers are `None`: a modem that does not say its
/// firmware is still a modem.
pub async fn modem_identity(channel: &AtChannel) -> Result<ModemIdentity, RunError> {
    Ok(ModemIdentity {
        manufacturer: optional(channel.run(&Manufacturer).await)?,
        model: optional(channel.run(&Model).await)?,
        firmware: optional(channel.run(&Revision).await)?,
        imei: optional(channel.run(&ImeiQuery).await)?.map(|imei| imei.as_str().to_owned()),
    })
}

/// A command's answer, or `None` when the modem refused it or answered something unexpected;
/// only a timeout or a lost port is an error.
fn optional<T>(result: Result<T, RunError>) -> Result<Option<T>, RunError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(
            error @ (RunError::Timeout { .. } | RunError::Port { .. } | RunError::Stopped { .. }),
        ) => Err(error),
        Err(error) => {
            tracing::debug!(%error, "optional answer missing");
            Ok(None)
        }
    }
}

/// The ICCID dialects in the order worth trying for this manufacturer, `+CRSM` last.
fn iccid_dialects(manufacturer: Option<&str>) -> Vec<IccidDialect> {
    let manufacturer = manufacturer.unwrap_or("").to_ascii_lowercase();
    let first: &[IccidDialect] = if manufacturer.contains("quectel") {
        &[IccidDialect::Qccid]
    } else if manufacturer.contains("simcom") {
        &[IccidDialect::Ccid, IccidDialect::Simcom]
    } else if manufacturer.contains("huawei") {
        &[IccidDialect::Huawei]
    } else {
        &[]
    };
    let mut order = first.to_vec();
    for dialect in [
        IccidDialect::Ccid,
        IccidDialect::Qccid,
        IccidDialect::Simcom,
        IccidDialect::Huawei,
        IccidDialect::Crsm,
    ] {
        if !order.contains(&dialect) {
            order.push(dialect);
        }
    }
    order
}

/// The SIM's ICCID by the first dialect the modem understands.
pub async fn read_iccid(
    channel: &AtChannel,
    manufacturer: Option<&str>,
) -> Result<Option<String>, RunError> {
    read_iccid_remembering(channel, manufacturer, &mut None).await
}

/// [`read_iccid`], trying `dialect` first and leaving in it the dialect that answered, so
/// that a port polled every minute asks one command, not every dialect in turn.
pub async fn read_iccid_remembering(
    channel: &AtChannel,
    manufacturer: Option<&str>,
    dialect: &mut Option<IccidDialect>,
) -> Result<Option<String>, RunError> {
    let mut order = iccid_dialects(manufacturer);
    if let Some(known) = *dialect {
        order.retain(|other| *other != known);
        order.insert(0, known);
    }
    for candidate in order {
        if let Some(iccid) = optional(channel.run(&IccidQuery(candidate)).await)? {
            *dialect = Some(candidate);
            return Ok(Some(iccid.as_str().to_owned()));
        }
    }
    *dialect = None;
    Ok(None)
}

/// The SIM's PIN state, with `+CME ERROR: 10` (how most modems answer `+CPIN?` with no SIM)
/// read as "not inserted".
async fn pin_status(channel: &AtChannel) -> Result<SimStatus, RunError> {
    match channel.run(&PinStatus).await {
        Ok(status) => Ok(status),
        Err(error)
            if matches!(
                error.cme_error(),
                Some(CmeError::SimNotInserted | CmeError::SimFailure | CmeError::SimWrong)
            ) =>
        {
            Ok(SimStatus::NotInserted)
        }
        Err(error) if error.cme_error() == Some(CmeError::SimBusy) => Ok(SimStatus::NotReady),
        Err(error) => Err(error),
    }
}

/// What the slot holds, entering the configured PIN when the SIM asks for one (once: a
/// refused PIN is remembered and never sent again).
pub async fn sim_slot(
    channel: &AtChannel,
    inbox: &mut Inbox,
    modem: &ModemIdentity,
    directory: &SimDirectory,
    known_number: impl Fn(&str) -> Option<SimNumber>,
    ussd_wait: Duration,
) -> Result<SimSlot, RunError> {
    // A SIM still initialising says NOT READY (or +CME ERROR: 14) for a few seconds.
    let mut status = pin_status(channel).await?;
    for _ in 0..10 {
        if status != SimStatus::NotReady {
            break;
        }
        let _ = inbox
            .wait_for(Duration::from_secs(1), |event| {
                matches!(event, Unsolicited::Urc(Urc::SimStatus(_))).then_some(())
            })
            .await;
        status = pin_status(channel).await?;
    }
    let manufacturer = modem.manufacturer.as_deref();
    match status {
        SimStatus::Ready => {}
        SimStatus::NotInserted | SimStatus::NotReady => return Ok(SimSlot::Empty),
        SimStatus::SimPin => {
            let iccid = read_iccid(channel, manufacturer).await?;
            if let Some(refused) = enter_pin(channel, iccid.as_deref(), directory).await? {
                return Ok(SimSlot::Locked {
                    iccid,
                    reason: refused,
                });
            }
            if pin_status(channel).await? != SimStatus::Ready {
                return Ok(SimSlot::Locked {
                    iccid,
                    reason: "the SIM did not become ready after its PIN".to_owned(),
                });
            }
        }
        SimStatus::SimPuk => {
            return Ok(SimSlot::Locked {
                iccid: read_iccid(channel, manufacturer).await?,
                reason: "the SIM is blocked and needs its PUK".to_owned(),
            });
        }
        other => {
            return Ok(SimSlot::Locked {
                iccid: read_iccid(channel, manufacturer).await?,
                reason: format!("the SIM asks for {other:?}"),
            });
        }
    }
    let Some(iccid) = read_iccid(channel, manufacturer).await? else {
        return Ok(SimSlot::Locked {
            iccid: None,
            reason: "no ICCID command works on this modem".to_owned(),
        });
    };
    let imsi = optional(channel.run(&Imsi).await)?;
    let country = imsi
        .as_deref()
        .and_then(inventory::country_of_imsi)
        .map(str::to_owned);
    let operator = optional(channel.run(&OperatorQuery).await)?.and_then(|op| op.name);
    let (number, number_source) = match own_number(channel, country.as_deref()).await? {
        Some(number) => (Some(number), Some(NumberSource::Cnum)),
        None => match known_number(&iccid) {
            Some(known) => (Some(known.number), Some(known.source)),
            None => {
                let by_ussd = match imsi
                    .as_deref()
                    .and_then(|imsi| directory.ussd_code_for(imsi))
                {
                    Some(code) => {
                        number_by_ussd(channel, inbox, &code, country.as_deref(), ussd_wait).await?
                    }
                    None => None,
                };
                match by_ussd {
                    Some(number) => (Some(number), Some(NumberSource::Ussd)),
                    None => match directory.numbers.get(&iccid) {
                        Some(number) => (Some(number.clone()), Some(NumberSource::Mapping)),
                        None => (None, None),
                    },
                }
            }
        },
    };
    Ok(SimSlot::Ready(SimIdentity {
        iccid,
        imsi,
        number,
        number_source,
        country,
        operator,
        operator_code: None,
    }))
}

/// Enters the configured PIN for `iccid`, unless there is none or it was refused before.
/// Returns why the SIM stays locked, or `None` when the PIN was accepted.
async fn enter_pin(
    channel: &AtChannel,
    iccid: Option<&str>,
    directory: &SimDirectory,
) -> Result<Option<String>, RunError> {
    let Some(iccid) = iccid else {
        return Ok(Some(
            "the SIM needs a PIN and its ICCID cannot be read before it".to_owned(),
        ));
    };
    let refused_before = directory
        .rejected_pins
        .lock()
        .map(|rejected| rejected.contains(iccid))
        .unwrap_or(true);
    if refused_before {
        return Ok(Some(
            "the SIM refused the configured PIN; not trying it again, even after a restart \
             (fix the PIN, then start once with --retry-pin ICCID)"
                .to_owned(),
        ));
    }
    let Some(pin) = directory.pins.get(iccid) else {
        return Ok(Some(
            "the SIM needs a PIN and none is configured for it".to_owned(),
        ));
    };
    let Ok(command) = EnterPin::new(pin.clone()) else {
        return Ok(Some("the configured PIN is not 4 to 8 digits".to_owned()));
    };
    match channel.run(&command).await {
        Ok(()) => Ok(None),
        Err(error) if error.is_port_lost() || matches!(error, RunError::Timeout { .. }) => {
            // Whether it was taken is unknown: count it as refused rather than risk a
            // second wrong try.
            remember_refused(directory, iccid);
            Err(error)
        }
        Err(error) => {
            remember_refused(directory, iccid);
            tracing::error!(iccid, %error, "SIM refused the configured PIN; never retried");
            Ok(Some(format!(
                "the SIM refused the configured PIN ({error})"
            )))
        }
    }
}

fn remember_refused(directory: &SimDirectory, iccid: &str) {
    if let Ok(mut rejected) = directory.rejected_pins.lock() {
        rejected.insert(iccid.to_owned());
    }
}

/// The first number `+CNUM` gives, normalised to E.164.
async fn own_number(
    channel: &AtChannel,
    country: Option<&str>,
) -> Result<Option<String>, RunError> {
    let entries = optional(channel.run(&OwnNumber).await)?.unwrap_or_default();
    Ok(entries
        .iter()
        .filter(|entry| !entry.number.is_empty())
        .find_map(|entry| inventory::normalise(&entry.number, country).ok()))
}

/// Sends the number-query code and reads the number in the operator's answer.
async fn number_by_ussd(
    channel: &AtChannel,
    inbox: &mut Inbox,
    code: &str,
    country: Option<&str>,
    within: Duration,
) -> Result<Option<String>, RunError> {
    let Ok(command) = Ussd::new(code) else {
        tracing::warn!(code, "configured USSD code is not a dialable string");
        return Ok(None);
    };
    // USSD goes over the network: a modem that has not registered yet (it just booted)
    // answers nothing or an error. Wait for registration, bounded by the same wait.
    if !wait_until_registered(channel, inbox, within).await? {
        tracing::info!(code, "not registered: number query by USSD left for later");
        return Ok(None);
    }
    if optional(channel.run(&command).await)?.is_none() {
        return Ok(None);
    }
    let answer = inbox
        .wait_for(within, |event| match event {
            Unsolicited::Urc(Urc::Ussd { text, dcs, .. }) => {
                Some(text.as_deref().map(|text| ussd_text(text, *dcs)))
            }
            _ => None,
        })
        .await
        .flatten();
    Ok(answer.and_then(|text| inventory::number_in_ussd_answer(&text, country)))
}

/// Whether the modem is (or becomes, within `within`) registered with a network.
async fn wait_until_registered(
    channel: &AtChannel,
    inbox: &mut Inbox,
    within: Duration,
) -> Result<bool, RunError> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let registered = optional(channel.run(&RegistrationQuery).await)?
            .is_some_and(|response| response.registration.status.is_registered());
        let now = tokio::time::Instant::now();
        if registered || now >= deadline {
            return Ok(registered);
        }
        // A +CREG URC (if enabled) or a second, whichever first; then ask again.
        let _ = inbox
            .wait_for((deadline - now).min(Duration::from_secs(1)), |event| {
                matches!(event, Unsolicited::Urc(Urc::Registration(_))).then_some(())
            })
            .await;
    }
}

/// The text of a USSD answer: UCS2 hex when the data coding says UCS2 (TS 23.038 §5:
/// 0x48 / group 0100 with alphabet bits 10, or 0x11 with a language indication) and the
/// text is hex, else as given.
fn ussd_text(text: &str, dcs: Option<u8>) -> String {
    // 0x11: UCS2 preceded by a language indication; 01xx with alphabet bits 10: general
    // data coding, UCS2 (0x48 is the common case).
    let ucs2 = matches!(dcs, Some(0x11)) || matches!(dcs, Some(dcs) if dcs & 0xCC == 0x48);
    if ucs2
        && text.len().is_multiple_of(4)
        && let Ok(octets) = hex::decode(text)
    {
        // The SMS decoder's UCS2 reading: a damaged unit becomes U+FFFD, never an error.
        return crate::pdu::user_data::ucs2(&octets, &mut Vec::new());
    }
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iccid_dialects_start_with_the_vendors_own_and_end_with_crsm() {
        assert_eq!(iccid_dialects(Some("Quectel"))[0], IccidDialect::Qccid);
        assert_eq!(iccid_dialects(Some("huawei"))[0], IccidDialect::Huawei);
        assert_eq!(
            iccid_dialects(Some("SIMCOM INCORPORATED"))[0],
            IccidDialect::Ccid
        );
        for manufacturer in [None, Some("Quectel"), Some("ZTE")] {
            let order = iccid_dialects(manufacturer);
            assert_eq!(order.len(), 5);
            assert_eq!(order.last(), Some(&IccidDialect::Crsm));
        }
    }

    #[test]
    fn ussd_answers_in_ucs2_are_decoded() {
        // "Номер" in UCS2.
        assert_eq!(ussd_text("041D043E043C04350440", Some(0x48)), "Номер");
        assert_eq!(ussd_text("Your number", Some(0x0F)), "Your number");
        assert_eq!(ussd_text("0041", None), "0041");
        assert_eq!(ussd_text("04Z", Some(0x48)), "04Z");
    }
}
