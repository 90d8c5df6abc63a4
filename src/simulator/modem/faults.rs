//! Fault injection: what a test or the control endpoint can do to a modem (hang it, spew
//! noise, pull or swap its SIM, fill its storage, slow it, drop its registration), and how
//! the modem shows each fault on the line.

use std::time::{Duration, Instant};

use super::storage::{Stat, StoredSms};
use super::{MAX_SLOW, Modem, SimCard, Timer};
use crate::simulator::identity::SimIdentity;
use crate::simulator::personality::BootUrc;
use crate::simulator::sms::{self, IncomingSms, SmsBuildError};

/// A fault to inject, or to clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// The firmware hangs: no output at all, input ignored, until a power cycle or `Clear`.
    Hang,
    /// A burst of random bytes (NULs, partial lines) on the line once, then normal service.
    Garbage,
    /// A reboot: as a power cycle.
    Reboot,
    /// The SIM is pulled out.
    SimRemove,
    /// The SIM last pulled out is put back.
    SimInsert,
    /// The SIM is replaced by another (whose SM storage starts empty).
    SimSwap(SimIdentity),
    /// The receive storage is filled with old messages until full.
    StorageFull,
    /// Every response is delayed by this much (zero clears it; at most an hour).
    Slow(Duration),
    /// The network drops the registration (no coverage); SMS wait at the network.
    NotRegistered,
    /// Back to home registration.
    Registered,
    /// Clears `Hang`, `Slow` and `NotRegistered`.
    Clear,
}

/// Why a fault could not be injected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FaultError {
    /// The fault needs a SIM and the slot is empty.
    #[error("no SIM in the slot")]
    NoSim,
    /// `SimInsert` with a SIM already in the slot.
    #[error("a SIM is already in the slot; remove it first or swap it")]
    SimPresent,
    /// `SimInsert` with no SIM ever removed.
    #[error("no removed SIM to put back; swap in a new one instead")]
    NothingToInsert,
    /// The old messages for `StorageFull` could not be built.
    #[error("could not build filler messages: {0}")]
    Filler(#[from] SmsBuildError),
}

impl Modem {
    /// Injects a fault or clears one.
    pub fn fault(&mut self, fault: Fault, now: Instant) -> Result<(), FaultError> {
        self.run_timers(now);
        match fault {
            Fault::Hang => {
                self.hung = true;
                self.output.clear();
                self.echo.clear();
                self.input.line.clear();
            }
            Fault::Garbage => {
                if !self.hung {
                    let noise = self.garbage();
                    self.emit(now, noise);
                }
            }
            Fault::Reboot => self.reboot(now, true),
            Fault::SimRemove => self.remove_sim(now)?,
            Fault::SimInsert => {
                if self.sim.is_some() {
                    return Err(FaultError::SimPresent);
                }
                let mut card = self.removed_sim.take().ok_or(FaultError::NothingToInsert)?;
                card.power_off();
                self.insert_sim(card, now);
            }
            Fault::SimSwap(identity) => {
                if self.sim.is_some() {
                    self.remove_sim(now)?;
                }
                self.removed_sim = None;
                let card = SimCard::new(identity, self.profile);
                self.insert_sim(card, now);
            }
            Fault::StorageFull => self.fill_storage(now)?,
            Fault::Slow(delay) => {
                self.slow = (!delay.is_zero()).then_some(delay.min(MAX_SLOW));
            }
            Fault::NotRegistered => self.network.coverage = false,
            Fault::Registered => self.network.coverage = true,
            Fault::Clear => {
                self.hung = false;
                self.slow = None;
                self.network.coverage = true;
            }
        }
        if !self.network.queue.is_empty() {
            // Whatever changed, the network tries again what it holds.
            self.schedule_network_retry(now);
        }
        self.settle(now);
        Ok(())
    }

    fn remove_sim(&mut self, now: Instant) -> Result<(), FaultError> {
        let card = self.sim.take().ok_or(FaultError::NoSim)?;
        self.removed_sim = Some(card);
        self.power.sim_ready = false;
        self.power.sms_ready = false;
        self.power.registered = false;
        self.network.sim_lost();
        if self.power.at_ready {
            self.urc(now, self.profile.sim_removed_urc);
        }
        Ok(())
    }

    fn insert_sim(&mut self, card: SimCard, now: Instant) {
        self.sim = Some(card);
        // During boot the pending SIM check will find it; afterwards replay the SIM stage.
        let check_pending = self.timers.iter().any(|scheduled| {
            matches!(
                scheduled.timer,
                Timer::Boot(BootUrc::SimStatus | BootUrc::SimSilent)
            )
        });
        if !check_pending {
            self.replay_sim_stage(now, true);
        }
    }

    /// Fills the receive storage (`<mem3>`) with old, read messages until it is full.
    fn fill_storage(&mut self, now: Instant) -> Result<(), FaultError> {
        let storage = self.settings.storages[2];
        let smsc = self
            .sim
            .as_ref()
            .map(|card| card.smsc.clone())
            .unwrap_or_default();
        let stamp = self.clock(now) - time::Duration::days(30);
        let mut number = 0u16;
        loop {
            let store = self.store_mut(storage).ok_or(FaultError::NoSim)?;
            if store.is_full() {
                return Ok(());
            }
            number = number.wrapping_add(1);
            let old = IncomingSms::new(
                format!("+4917{:09}", number),
                format!("Old message {number}"),
            );
            for pdu in sms::build(&old, &smsc, number, stamp)? {
                let store = self.store_mut(storage).ok_or(FaultError::NoSim)?;
                store.insert(StoredSms {
                    stat: Stat::RecRead,
                    pdu,
                    read_refused: false,
                });
            }
        }
    }

    /// A burst of line noise: random bytes, NULs and fragments of real lines.
    fn garbage(&mut self) -> Vec<u8> {
        const FRAGMENTS: &[&[u8]] = &[
            b"\r\n+CM",
            b"TI: \"S",
            b"\0\0\0\0",
            b"\r\n",
            b"+CSQ: 1",
            b"\xff\xfe\xfd",
            b"^RSS",
            b"\r",
        ];
        let length = 64 + self.rng.below(192) as usize;
        let mut noise = Vec::with_capacity(length + 8);
        while noise.len() < length {
            if self.rng.below(3) == 0 {
                let fragment = FRAGMENTS[self.rng.below(FRAGMENTS.len() as u64) as usize];
                noise.extend_from_slice(fragment);
            } else {
                noise.push(self.rng.next_u64() as u8);
            }
        }
        // Noise must not happen to spell a final result code or the prompt: that would be a
        // different fault (a lying modem), not line noise.
        for at in 0..noise.len().saturating_sub(1) {
            if matches!(&noise[at..at + 2], b"OK" | b"RO" | b"> ") {
                noise[at + 1] = b'_';
            }
        }
        noise
    }
}
