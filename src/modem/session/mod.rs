//! One open port, from the first `AT` to the fault that ends it: probe, configure, drain,
//! then serve URCs, health polls and sweeps.
//!
//! The rule that makes ingest lossless lives in `ingest` (this module's ingest half): an SMS
//! is deleted from the modem (`+CMGD`) or acknowledged (`+CNMA`) only after
//! [`PortLink::ingest`] has returned, i.e. after the commit. A crash in between leaves it on
//! the modem, and the next drain reads it again; the pool's de-duplication makes that second
//! read a no-op.

use std::time::Duration;

use tokio::sync::watch;

use crate::at::command::{
    Echo, ErrorReporting, IccidDialect, MessageFormat, NewMessageIndications, PinStatus,
    PreferredStorageQuery, RegistrationQuery, RegistrationReports, ReportErrors, SelectService,
    SignalQuality, Usage,
};
use crate::at::error_codes::CmsError;
use crate::at::runner::{AtChannel, RunError, Unsolicited};
use crate::at::urc::{ReadyKind, SimStatus, Urc};
use crate::config::IngestMode;
use crate::metrics;
use crate::pool::rack::PIN_REFUSED_EVENT;
use crate::pool::{PortLink, PortUpdate, SimNumber, SimUpdate};

mod ingest;
mod network;

use super::probe::{self, Inbox, ModemIdentity, SimIdentity, SimSlot};
use super::{PortSettings, SimDirectory};
use crate::pool::{PortState, PortStatus};

/// Why a session ended: what the port task does next depends on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionEnd {
    /// The port is gone or broken (end of file, I/O error): reopen it, or stop if the path
    /// has vanished.
    PortLost(String),
    /// The modem stopped answering: reset it, power-cycle it, back off.
    Unresponsive(String),
    /// A technician asked for a reset of the modem.
    ResetRequested,
    /// The daemon is stopping.
    Shutdown,
}

/// What a session needs from its port task.
pub struct SessionContext<'a> {
    /// The port's path.
    pub path: &'a str,
    /// The port's settings.
    pub settings: &'a PortSettings,
    /// PINs, numbers and USSD codes.
    pub directory: &'a SimDirectory,
    /// Where SMS and inventory go.
    pub pool: &'a PortLink,
    /// Where the port's status is published.
    pub status: &'a watch::Sender<PortStatus>,
    /// Turns true when the daemon stops.
    pub shutdown: watch::Receiver<bool>,
    /// Notified when a technician asks for a reset.
    pub reset: std::sync::Arc<tokio::sync::Notify>,
    /// The port is `failed` and this session is one of its retries: the state stays
    /// `failed` (with what the retry does in its detail) until the modem answers, so a
    /// technician sees the failure, not an `opening` that changes nothing.
    pub retrying: bool,
}

/// [`NewMessageIndications::STORE_AND_NOTIFY`] as the dialect remembers its refusal.
const STORE_AND_NOTIFY_COMMAND: &str = "AT+CNMI=2,1,0,0,0";

/// Two timeouts in a row mean the modem has stopped answering; one may be a slow SIM.
const TIMEOUTS_BEFORE_UNRESPONSIVE: u32 = 2;

/// What a port is probed with until the modem answers, in turn: `AT` first, then commands
/// nearly every modem accepts, for firmware that ignores a line with no command (V.250
/// leaves its answer open). Every one of them is harmless to repeat.
const PROBES: [&str; 4] = ["AT", "ATE0", "AT+CGMI", "ATI"];

/// An open port.
pub struct Session<'a> {
    context: SessionContext<'a>,
    channel: AtChannel,
    inbox: Inbox,
    modem: ModemIdentity,
    sim: Option<SimIdentity>,
    /// The storage `+CMGR`/`+CMGL`/`+CMGD` act on now (`<mem1>`), to select another only
    /// when a `+CMTI` names it.
    read_storage: Option<String>,
    /// The ICCID command this modem answered last, tried first on every health poll.
    iccid_dialect: Option<IccidDialect>,
    /// The new-message indications the modem last accepted: a `+CNMI?` that answers
    /// otherwise means it restarted (or lost its settings) since.
    indications: Option<NewMessageIndications>,
    /// A store was seen full (`+CMS ERROR: 322`, a `+CPMS` answer with every slot used):
    /// drained as soon as the current step ends, not at the next sweep, because the
    /// network holds SMS back until there is room.
    store_full: bool,
    /// An announced SMS read empty: when to read the store again, and how many times that
    /// was scheduled since the last read that found a message.
    recheck: Option<(tokio::time::Instant, u8)>,
    /// The commands this modem refused, so that none is sent again.
    dialect: Dialect,
    /// The fallback store-and-announce indications this modem took after it refused
    /// [`NewMessageIndications::STORE_AND_NOTIFY`]; `None` while that first choice is not
    /// refused, or when no fallback was taken either (the dialect then says it was refused).
    store_indications: Option<NewMessageIndications>,
    consecutive_timeouts: u32,
}

/// What one modem's firmware does not do: the optional commands it refused (`ERROR`, `+CME
/// ERROR`, `COMMAND NOT SUPPORT`), by the form the session sends them in. A refusal is a fact
/// about the dialect, not a fault: it is recorded once as a `command_refused` event and the
/// command is not sent again on this port until the modem is opened anew.
#[derive(Debug, Default)]
pub(super) struct Dialect {
    refused: std::collections::BTreeSet<&'static str>,
}

impl Dialect {
    /// Whether `command` was refused.
    pub(super) fn refuses(&self, command: &str) -> bool {
        self.refused.contains(command)
    }

    /// Notes that `command` was refused; `true` the first time.
    pub(super) fn refuse(&mut self, command: &'static str) -> bool {
        self.refused.insert(command)
    }
}

/// A step of the session: `Err` ends the session, with the reason.
type Step<T> = Result<T, SessionEnd>;

impl<'a> Session<'a> {
    /// A session on a runner that was just started on the port.
    pub fn new(context: SessionContext<'a>, channel: AtChannel, inbox: Inbox) -> Session<'a> {
        Session {
            context,
            channel,
            inbox,
            modem: ModemIdentity::default(),
            sim: None,
            read_storage: None,
            iccid_dialect: None,
            indications: None,
            store_full: false,
            recheck: None,
            dialect: Dialect::default(),
            store_indications: None,
            consecutive_timeouts: 0,
        }
    }

    /// Runs the session to its end.
    pub async fn run(mut self) -> SessionEnd {
        let outcome = async {
            self.bring_up().await?;
            self.serve().await
        }
        .await;
        match outcome {
            Ok(end) | Err(end) => end,
        }
    }

    /// Sorts a command's failure: the session ends on a lost port or repeated timeouts;
    /// anything else is logged and the caller carries on with `None`.
    fn judge<T>(&mut self, result: Result<T, RunError>) -> Step<Option<T>> {
        match result {
            Ok(value) => {
                self.consecutive_timeouts = 0;
                Ok(Some(value))
            }
            Err(error) if error.is_port_lost() => Err(SessionEnd::PortLost(error.to_string())),
            Err(error @ RunError::Timeout { .. }) => {
                metrics::command_timeout(self.context.path);
                self.consecutive_timeouts += 1;
                if self.consecutive_timeouts >= TIMEOUTS_BEFORE_UNRESPONSIVE {
                    Err(SessionEnd::Unresponsive(error.to_string()))
                } else {
                    tracing::warn!(port = self.context.path, %error, "command timed out");
                    Ok(None)
                }
            }
            Err(error) => {
                if error.cms_error() == Some(CmsError::MemoryFull) {
                    self.store_full = true;
                }
                tracing::warn!(port = self.context.path, %error, "command failed");
                self.set_detail(Some(error.to_string()));
                Ok(None)
            }
        }
    }

    /// As [`Session::judge`], for a command the modem may not know: a refusal is `None`
    /// without a warning or a detail on the port (the caller records the dialect).
    fn judge_optional<T>(&mut self, result: Result<T, RunError>) -> Step<Option<T>> {
        match result {
            Err(error @ RunError::Rejected { .. }) => {
                tracing::debug!(port = self.context.path, %error, "optional command refused");
                Ok(None)
            }
            other => self.judge(other),
        }
    }

    /// Records that the modem refused `command`, once per opening.
    async fn refused(&mut self, command: &'static str) {
        if self.dialect.refuse(command) {
            tracing::info!(
                port = self.context.path,
                command,
                "the modem refuses a command"
            );
            let _ = self
                .context
                .pool
                .event(
                    "command_refused",
                    Some(self.context.path),
                    self.sim.as_ref().map(|sim| sim.iccid.as_str()),
                    command,
                )
                .await;
        }
    }

    fn publish(&self, change: impl FnOnce(&mut PortStatus)) {
        self.context.status.send_modify(change);
    }

    fn set_state(&self, state: PortState, detail: Option<String>) {
        if let Some(detail) = &detail {
            tracing::info!(port = self.context.path, %state, %detail, "port state");
        } else {
            tracing::info!(port = self.context.path, %state, "port state");
        }
        state.record(self.context.path);
        self.publish(|status| {
            status.state = state;
            status.detail = detail;
        });
    }

    fn set_detail(&self, detail: Option<String>) {
        self.publish(|status| status.detail = detail);
    }

    /// Reports the port to the pool. A database failure is logged, never fatal: the
    /// port keeps receiving.
    async fn save_port(&self) {
        let status = self.context.status.borrow().clone();
        let update = PortUpdate {
            path: status.path.clone(),
            state: status.state.as_str().to_owned(),
            manufacturer: self.modem.manufacturer.clone(),
            model: self.modem.model.clone(),
            firmware: self.modem.firmware.clone(),
            imei: self.modem.imei.clone(),
            signal_rssi: status.signal,
            registration: status
                .registered
                .map(|registered| {
                    if registered {
                        "registered"
                    } else {
                        "not registered"
                    }
                })
                .map(str::to_owned),
            last_error: status.detail.clone(),
        };
        if let Err(error) = self.context.pool.port_seen(update).await {
            tracing::error!(port = self.context.path, %error, "could not record the port");
        }
    }

    // ------------------------------------------------------------------------------------
    // Bring-up: open → probe → configure → drain
    // ------------------------------------------------------------------------------------

    async fn bring_up(&mut self) -> Step<()> {
        if self.context.retrying {
            self.set_detail(Some(
                "the modem stopped answering; retrying now (reset and reopened)".to_owned(),
            ));
        } else {
            self.set_state(PortState::Opening, None);
        }
        self.wait_until_answering().await?;
        self.base_settings().await?;
        self.set_state(PortState::Probing, None);
        let identity = probe::modem_identity(&self.channel).await;
        self.modem = self.judge(identity)?.unwrap_or_default();
        self.publish(|status| {
            status.imei = self.modem.imei.clone();
            status.model = self.modem.model.clone();
        });
        self.probe_sim().await?;
        self.save_port().await;
        Ok(())
    }

    /// Echo off and numeric errors: responses carry only response lines, and failures say
    /// why in codes the error tables map. Lost at every reset of the module.
    async fn base_settings(&mut self) -> Step<()> {
        let echo = self.channel.run(&Echo(false)).await;
        self.judge(echo)?;
        let errors = self
            .channel
            .run(&ReportErrors(ErrorReporting::Numeric))
            .await;
        self.judge(errors)?;
        // Refused by an odd firmware: the health poll still reads the registration.
        let reports = self.channel.run(&RegistrationReports).await;
        self.judge(reports)?;
        Ok(())
    }

    /// Probes until the modem answers anything: a modem just plugged in or reset boots for
    /// a few seconds. Any final result code proves it alive (some answer a plain `AT` with
    /// `ERROR`, Huawei firmware an unknown command with `COMMAND NOT SUPPORT`); only silence
    /// is "no answer". The [`PROBES`] are tried in turn, each once a second.
    async fn wait_until_answering(&mut self) -> Step<()> {
        let deadline = tokio::time::Instant::now() + self.context.settings.boot_wait;
        let mut probes = PROBES.iter().cycle();
        loop {
            let probe = probes.next().copied().unwrap_or("AT");
            match self.channel.raw(probe, Duration::from_secs(1)).await {
                Ok(response) => {
                    if !response.result.is_success() {
                        tracing::info!(
                            port = self.context.path,
                            probe,
                            result = %response.result,
                            "the modem answers, though not with OK"
                        );
                    }
                    return Ok(());
                }
                Err(error) if error.is_port_lost() => {
                    return Err(SessionEnd::PortLost(error.to_string()));
                }
                _ if tokio::time::Instant::now() >= deadline => {
                    return Err(SessionEnd::Unresponsive(format!(
                        "no answer to {} within {:?}",
                        PROBES.join(", "),
                        self.context.settings.boot_wait
                    )));
                }
                _ => {}
            }
        }
    }

    /// Reads the SIM slot, records it, and configures and drains when a SIM is ready.
    async fn probe_sim(&mut self) -> Step<()> {
        self.set_state(PortState::Probing, None);
        let pool = self.context.pool;
        // A number learnt by USSD, mapping or by hand is kept: asking the operator again at
        // every reconnect costs time and sometimes money. +CNUM is read every time.
        let known_number = |iccid: &str| pool.known_number(iccid);
        let slot = probe::sim_slot(
            &self.channel,
            &mut self.inbox,
            &self.modem,
            self.context.directory,
            known_number,
            self.context.settings.ussd_wait,
        )
        .await;
        let Some(slot) = self.judge(slot)? else {
            self.set_state(
                PortState::Degraded,
                Some("could not read the SIM".to_owned()),
            );
            return Ok(());
        };
        match slot {
            SimSlot::Ready(sim) => {
                self.record_sim(&sim).await;
                self.publish(|status| {
                    status.iccid = Some(sim.iccid.clone());
                    status.number = sim.number.clone();
                    status.operator = sim.operator.clone();
                });
                if sim.number.is_none() {
                    tracing::warn!(
                        port = self.context.path,
                        iccid = sim.iccid,
                        "SIM number unknown: +CNUM is empty, no USSD answer, no mapping"
                    );
                }
                // Every log line of this port's task from now on names its SIM.
                tracing::Span::current().record("iccid", sim.iccid.as_str());
                self.sim = Some(sim);
                self.configure().await?;
                self.refresh_operator(true).await?;
                self.set_state(PortState::Draining, None);
                self.drain().await?;
                self.set_state(PortState::Ready, None);
            }
            SimSlot::Empty => {
                self.sim_left().await;
                self.set_state(PortState::Degraded, Some("no SIM".to_owned()));
            }
            SimSlot::Locked { iccid, reason } => {
                self.sim_left().await;
                // A refused PIN is remembered across restarts too (see `Daemon::start`):
                // three wrong tries block the SIM behind its PUK.
                let refused = iccid.as_deref().is_some_and(|iccid| {
                    self.context
                        .directory
                        .rejected_pins
                        .lock()
                        .is_ok_and(|rejected| rejected.contains(iccid))
                });
                let _ = self
                    .context
                    .pool
                    .event(
                        if refused {
                            PIN_REFUSED_EVENT
                        } else {
                            "sim_locked"
                        },
                        Some(self.context.path),
                        iccid.as_deref(),
                        &reason,
                    )
                    .await;
                self.set_state(PortState::Degraded, Some(reason));
            }
        }
        self.save_port().await;
        Ok(())
    }

    async fn record_sim(&self, sim: &SimIdentity) {
        let number = sim
            .number
            .clone()
            .zip(sim.number_source)
            .map(|(number, source)| SimNumber { number, source });
        let update = SimUpdate {
            iccid: sim.iccid.clone(),
            imsi: sim.imsi.clone(),
            number,
            country: sim.country.clone(),
            operator: sim.operator.clone(),
            operator_code: sim.operator_code.clone(),
            port_path: self.context.path.to_owned(),
        };
        match self.context.pool.sim_seen(update).await {
            Ok(seen) => {
                if let Some(previous) = seen.replaced_iccid {
                    tracing::info!(
                        port = self.context.path,
                        old = previous,
                        new = sim.iccid,
                        "SIM swapped"
                    );
                }
            }
            Err(error) => {
                tracing::error!(port = self.context.path, %error, "could not record the SIM");
            }
        }
    }

    async fn sim_left(&mut self) {
        self.sim = None;
        tracing::Span::current().record("iccid", "none");
        self.publish(|status| {
            status.iccid = None;
            status.number = None;
        });
        if let Err(error) = self.context.pool.sim_gone(self.context.path).await {
            tracing::error!(port = self.context.path, %error, "could not record the SIM leaving");
        }
    }

    /// PDU mode, storage, and new-message indications as the ingest mode wants.
    async fn configure(&mut self) -> Step<()> {
        self.set_state(PortState::Configuring, None);
        // Before "SMS Ready" (SIMCom) SMS commands fail with +CMS ERROR: 302 or similar:
        // wait for the announcement, bounded, then try once more.
        let mut format = self.channel.run(&MessageFormat::Pdu).await;
        if format.is_err() && !matches!(&format, Err(error) if error.is_port_lost()) {
            let _ = self
                .inbox
                .wait_for(self.context.settings.boot_wait, |event| {
                    matches!(event, Unsolicited::Urc(Urc::Ready(ReadyKind::Sms))).then_some(())
                })
                .await;
            format = self.channel.run(&MessageFormat::Pdu).await;
        }
        self.judge(format)?;
        self.select_storage("SM").await?;
        self.assert_indications().await?;
        Ok(())
    }

    /// `+CNMI` (and `+CSMS=1` for direct delivery) as the ingest mode wants. Re-asserted on
    /// every health poll: a modem that reset, or that gave up routing after a late `+CNMA`,
    /// silently stops announcing SMS.
    async fn assert_indications(&mut self) -> Step<()> {
        let direct = self.context.settings.ingest == IngestMode::Direct;
        if direct {
            let service = self.channel.run(&SelectService(1)).await;
            if self.judge(service)?.is_some() {
                let routed = self.channel.run(&NewMessageIndications::DIRECT).await;
                if self.judge(routed)?.is_some() {
                    self.indications = Some(NewMessageIndications::DIRECT);
                    return Ok(());
                }
            }
            tracing::warn!(
                port = self.context.path,
                "direct delivery refused; storing instead"
            );
        }
        let wanted = match self.store_indications {
            Some(fallback) => fallback,
            // Refused before, and no fallback taken: not sent again on this opening.
            None if self.dialect.refuses(STORE_AND_NOTIFY_COMMAND) => return Ok(()),
            None => NewMessageIndications::STORE_AND_NOTIFY,
        };
        let stored = self.channel.run(&wanted).await;
        if self.judge_optional(stored)?.is_some() {
            self.indications = Some(wanted);
            return Ok(());
        }
        self.indications = None;
        if self.store_indications.is_some() {
            return Ok(());
        }
        // Refused: a dialect, not a fault. Try what the modem says it supports, from the
        // most to the least capable; with none, the periodic sweep finds the SMS.
        self.refused(STORE_AND_NOTIFY_COMMAND).await;
        let quick = self.context.settings.timeouts.quick;
        let test = self.channel.raw("AT+CNMI=?", quick).await;
        let answer = self.judge_optional(test)?.and_then(|response| {
            response
                .lines
                .iter()
                .map(|line| line.text().to_owned())
                .find(|line| line.starts_with("+CNMI:"))
        });
        for candidate in NewMessageIndications::store_fallbacks(answer.as_deref()) {
            let set = self.channel.run(&candidate).await;
            if self.judge_optional(set)?.is_some() {
                tracing::info!(
                    port = self.context.path,
                    indications = crate::at::command::Command::text(&candidate),
                    "new-message indications set by a fallback"
                );
                self.store_indications = Some(candidate);
                self.indications = Some(candidate);
                return Ok(());
            }
        }
        tracing::warn!(
            port = self.context.path,
            "the modem takes no new-message indications: SMS are found by the sweep"
        );
        Ok(())
    }

    /// Whether the indications set are still in effect, by `+CNMI?`: `Some(false)` when the
    /// modem answers with others (it restarted, or lost its settings: a Huawei stick that
    /// rebooted silently stops announcing SMS), `None` when it cannot say (none were set,
    /// or the read form is refused or unreadable).
    async fn indications_in_effect(&mut self) -> Step<Option<bool>> {
        let Some(set) = self.indications else {
            return Ok(None);
        };
        let quick = self.context.settings.timeouts.quick;
        let answer = self.channel.raw("AT+CNMI?", quick).await;
        let Some(response) = self.judge(answer)? else {
            return Ok(None);
        };
        if !response.result.is_success() {
            return Ok(None);
        }
        Ok(response
            .lines
            .iter()
            .find_map(|line| cnmi_mode_and_mt(line.text()))
            .map(|(mode, mt)| mode == set.mode && mt == set.mt))
    }

    /// Marks the port for a drain at once when one of `usages` has every slot used.
    fn note_full(&mut self, usages: [Usage; 3]) {
        if usages.iter().any(is_full) {
            self.store_full = true;
        }
    }

    /// The modem restarted, or lost its settings, mid-session: recorded as
    /// `modem_restarted` (with `why`), then configured again and drained of what it stored
    /// meanwhile.
    async fn restarted(&mut self, why: &str) -> Step<()> {
        tracing::warn!(port = self.context.path, why, "modem restarted");
        if let Err(error) = self
            .context
            .pool
            .event("modem_restarted", Some(self.context.path), None, why)
            .await
        {
            tracing::error!(port = self.context.path, %error, "could not record a restart");
        }
        self.read_storage = None;
        self.indications = None;
        self.base_settings().await?;
        if self.sim.is_some() {
            self.configure().await?;
            self.drain().await?;
            self.set_state(PortState::Ready, None);
        } else {
            self.probe_sim().await?;
        }
        Ok(())
    }

    // ------------------------------------------------------------------------------------
    // Ready: URCs, polls, sweeps
    // ------------------------------------------------------------------------------------

    async fn serve(&mut self) -> Step<SessionEnd> {
        let settings = self.context.settings;
        // The first health poll runs at once: signal and registration are part of what a
        // technician wants to see as soon as the port is ready.
        let mut health = tokio::time::interval(settings.health_interval);
        health.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut sweep = tokio::time::interval(settings.sweep_interval);
        sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        sweep.tick().await;
        let mut shutdown = self.context.shutdown.clone();
        if *shutdown.borrow_and_update() {
            return Ok(SessionEnd::Shutdown);
        }
        let reset = std::sync::Arc::clone(&self.context.reset);
        loop {
            tokio::select! {
                changed = shutdown.changed() => {
                    if changed.is_err() || *shutdown.borrow() {
                        return Ok(SessionEnd::Shutdown);
                    }
                }
                event = self.inbox.next() => match event {
                    Some(event) => self.on_event(event).await?,
                    None => return Ok(SessionEnd::PortLost("the port's runner stopped".to_owned())),
                },
                _ = health.tick() => self.health().await?,
                _ = sweep.tick() => {
                    self.drain().await?;
                }
                () = crate::ticker::sleep_until_or_never(self.recheck.map(|(at, _)| at)) => self.recheck().await?,
                // Between commands: nothing is in flight, every SMS read is committed.
                () = reset.notified() => return Ok(SessionEnd::ResetRequested),
            }
            if self.store_full {
                tracing::warn!(port = self.context.path, "a store is full: draining now");
                self.drain().await?;
                // What the drain itself saw of the store before its deletes is no news.
                self.store_full = false;
            }
        }
    }

    async fn on_event(&mut self, event: Unsolicited) -> Step<()> {
        match event {
            Unsolicited::Urc(urc) => self.on_urc(urc).await,
            Unsolicited::Malformed { line, error } => {
                tracing::debug!(port = self.context.path, line, %error, "malformed URC");
                Ok(())
            }
            Unsolicited::Unrecognised(line) => {
                tracing::debug!(port = self.context.path, line, "unrecognised line");
                Ok(())
            }
            Unsolicited::Garbage { bytes, reason } => {
                tracing::debug!(
                    port = self.context.path,
                    bytes,
                    ?reason,
                    "garbage on the line"
                );
                Ok(())
            }
        }
    }

    async fn on_urc(&mut self, urc: Urc) -> Step<()> {
        match urc {
            Urc::SmsStored { storage, index } | Urc::StatusReportStored { storage, index } => {
                self.read_stored(&storage, index).await
            }
            Urc::SmsDeliver { pdu, .. } | Urc::StatusReport { pdu, .. } => {
                self.take_routed(pdu).await
            }
            Urc::StorageFull { storage } => {
                tracing::warn!(port = self.context.path, storage, "storage full: draining");
                self.drain().await.map(|_| ())
            }
            // The module reset (RDY) or finished starting SMS after a reset: its PDU mode
            // and indications are gone. Configure again and read what it stored meanwhile.
            Urc::Ready(ReadyKind::Modem | ReadyKind::Sms) => {
                // The boot lines of the start we already configured after (the port was
                // opened while the modem booted) change nothing: PDU mode still set means
                // the module did not reset since.
                if self.still_configured().await? {
                    return Ok(());
                }
                self.restarted("boot announcement mid-session").await
            }
            Urc::SimStatus(SimStatus::NotInserted) => {
                tracing::warn!(port = self.context.path, "SIM removed");
                self.sim_left().await;
                self.set_state(PortState::Degraded, Some("no SIM".to_owned()));
                self.save_port().await;
                Ok(())
            }
            // The SIM we know, still ready (a boot line): nothing changed.
            Urc::SimStatus(SimStatus::Ready) if self.sim.is_some() && self.same_sim().await? => {
                Ok(())
            }
            // A SIM came back, or another one went in, or the SIM is restarting: find out.
            Urc::SimStatus(_) => self.probe_sim().await,
            Urc::Registration(registration) => {
                let registered = registration.status.is_registered();
                let changed = self.context.status.borrow().registered != Some(registered);
                self.publish(|status| status.registered = Some(registered));
                // The stored row is what the pool rents by: a SIM that just registered is
                // rentable now, one that lost the network is not, without waiting for the
                // next poll.
                if changed {
                    // Modems report no signal (rssi 99) until registered: read it now
                    // rather than at the next poll, a minute away; and the operator, which
                    // may have changed with the registration.
                    if registered {
                        let signal = self.channel.run(&SignalQuality).await;
                        if let Some(signal) = self.judge(signal)? {
                            self.publish(|status| status.signal = signal.rssi);
                            metrics::port_signal(self.context.path, signal.rssi);
                        }
                        self.refresh_operator(true).await?;
                    }
                    self.save_port().await;
                }
                Ok(())
            }
            Urc::Signal { rssi } => {
                metrics::port_signal(self.context.path, (rssi <= 31).then_some(rssi));
                self.publish(|status| status.signal = (rssi <= 31).then_some(rssi));
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Whether the modem is still configured as we left it: in PDU mode, and with the
    /// indications we set where `+CNMI?` tells. PDU mode alone proves nothing (it is also
    /// a factory default), so a modem whose indications went back is taken as restarted.
    async fn still_configured(&mut self) -> Step<bool> {
        if self.sim.is_none() {
            return Ok(false);
        }
        if self.indications_in_effect().await? == Some(false) {
            return Ok(false);
        }
        let quick = self.context.settings.timeouts.quick;
        let answer = self.channel.raw("AT+CMGF?", quick).await;
        Ok(self.judge(answer)?.is_some_and(|response| {
            response.result.is_success()
                && response
                    .lines
                    .iter()
                    .any(|line| line.text().replace(' ', "") == "+CMGF:0")
        }))
    }

    /// Whether the SIM in the slot is still the one probed.
    async fn same_sim(&mut self) -> Step<bool> {
        let expected = self.sim.as_ref().map(|sim| sim.iccid.clone());
        let iccid = probe::read_iccid_remembering(
            &self.channel,
            self.modem.manufacturer.as_deref(),
            &mut self.iccid_dialect,
        )
        .await;
        Ok(self.judge(iccid)?.flatten() == expected && expected.is_some())
    }

    /// Signal, registration, the SIM still the same, indications still on, no store full.
    async fn health(&mut self) -> Step<()> {
        let stores = self.channel.run(&PreferredStorageQuery).await;
        if let Some(stores) = self.judge(stores)? {
            self.note_full([stores.read.usage, stores.write.usage, stores.receive.usage]);
        }
        let signal = self.channel.run(&SignalQuality).await;
        if let Some(signal) = self.judge(signal)? {
            metrics::port_signal(self.context.path, signal.rssi);
            self.publish(|status| status.signal = signal.rssi);
        }
        let registration = self.channel.run(&RegistrationQuery).await;
        if let Some(registration) = self.judge(registration)? {
            let registered = registration.registration.status.is_registered();
            // A first answer after the probe is no change: the probe read the operator.
            let changed = self
                .context
                .status
                .borrow()
                .registered
                .is_some_and(|was| was != registered);
            self.publish(|status| status.registered = Some(registered));
            self.refresh_operator(changed).await?;
        }
        match &self.sim {
            Some(sim) => {
                let number_unknown = sim.number.is_none();
                let registered = self.context.status.borrow().registered == Some(true);
                if !self.same_sim().await? || (number_unknown && registered) {
                    // Another SIM, none readable, or a number still to learn (the USSD
                    // query needs the registration the modem now has): probe the slot again.
                    self.probe_sim().await?;
                } else {
                    match self.indications_in_effect().await? {
                        Some(true) => {}
                        Some(false) => {
                            self.restarted("+CNMI? no longer gives the indications set")
                                .await?;
                        }
                        // The modem cannot say: set them again, as every poll did before.
                        None => self.assert_indications().await?,
                    }
                }
            }
            None => {
                let pin = self.channel.run(&PinStatus).await;
                if let Some(SimStatus::Ready) = self.judge(pin)? {
                    self.probe_sim().await?;
                }
            }
        }
        self.save_port().await;
        Ok(())
    }
}

/// Whether a store has every slot used. A store of no slots (the status-report store of
/// some modems, `"SR",0,0`) is never full: nothing can go there to be held back.
fn is_full(usage: &Usage) -> bool {
    usage.total > 0 && usage.used >= usage.total
}

/// `<mode>` and `<mt>` of a `+CNMI: <mode>,<mt>,<bm>,<ds>,<bfr>` line (TS 27.005 §3.4.1),
/// spaces allowed; `None` for any other line.
fn cnmi_mode_and_mt(line: &str) -> Option<(u8, u8)> {
    let rest = line.trim().strip_prefix("+CNMI:")?;
    let mut fields = rest.split(',').map(|field| field.trim().parse::<u8>().ok());
    Some((fields.next()??, fields.next()??))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_is_full_when_every_slot_is_used() {
        let usage = |used, total| Usage { used, total };
        // Huawei E3276, `+CPMS: 20,20,20,20,18,30` (gammu issue #680).
        assert!(is_full(&usage(20, 20)));
        assert!(!is_full(&usage(18, 30)));
        assert!(!is_full(&usage(0, 0)));
        assert!(is_full(&usage(21, 20)));
    }

    #[test]
    fn cnmi_answers_give_mode_and_mt() {
        assert_eq!(cnmi_mode_and_mt("+CNMI: 2,1,0,0,0"), Some((2, 1)));
        // Huawei after a reboot, and a firmware that spaces its fields.
        assert_eq!(cnmi_mode_and_mt("+CNMI: 0,0,0,0,0"), Some((0, 0)));
        assert_eq!(cnmi_mode_and_mt("+CNMI: 2, 2, 0, 1, 0"), Some((2, 2)));
        assert_eq!(cnmi_mode_and_mt("+CNMI: (0-2),(0-3)"), None);
        assert_eq!(cnmi_mode_and_mt("+CMGF: 0"), None);
        assert_eq!(cnmi_mode_and_mt("+CNMI: 2"), None);
    }
}
