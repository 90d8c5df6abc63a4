//! A message storage (TS 27.005 §3.1 `<mem>`): numbered slots holding PDUs with their status.
//!
//! The SIM's `SM` storage travels with the [`super::SimCard`]; the module's `ME` storage stays
//! in the modem. Both survive power cycles (EF_SMS and the module's flash are non-volatile).
//! Slots are 0-based here; the index a personality shows (0- or 1-based) is applied by the
//! command layer.

use crate::simulator::personality::Storage;

/// `<stat>` of TS 27.005 §3.1, in its PDU-mode numbering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stat {
    /// 0, `"REC UNREAD"`.
    RecUnread,
    /// 1, `"REC READ"`.
    RecRead,
    /// 2, `"STO UNSENT"`.
    StoUnsent,
    /// 3, `"STO SENT"`.
    StoSent,
}

impl Stat {
    /// The PDU-mode number.
    pub fn number(self) -> u8 {
        match self {
            Stat::RecUnread => 0,
            Stat::RecRead => 1,
            Stat::StoUnsent => 2,
            Stat::StoSent => 3,
        }
    }

    /// The text-mode name.
    pub fn text(self) -> &'static str {
        match self {
            Stat::RecUnread => "REC UNREAD",
            Stat::RecRead => "REC READ",
            Stat::StoUnsent => "STO UNSENT",
            Stat::StoSent => "STO SENT",
        }
    }

    /// The status a PDU-mode number names (4, "all", is not a status).
    pub fn from_number(number: u32) -> Option<Stat> {
        match number {
            0 => Some(Stat::RecUnread),
            1 => Some(Stat::RecRead),
            2 => Some(Stat::StoUnsent),
            3 => Some(Stat::StoSent),
            _ => None,
        }
    }

    /// The status a text-mode name names, ignoring case.
    pub fn from_text(text: &str) -> Option<Stat> {
        [
            Stat::RecUnread,
            Stat::RecRead,
            Stat::StoUnsent,
            Stat::StoSent,
        ]
        .into_iter()
        .find(|stat| stat.text().eq_ignore_ascii_case(text))
    }
}

/// One stored message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct StoredSms {
    /// Its status.
    pub stat: Stat,
    /// SMSC field and TPDU, as received or written.
    pub pdu: Vec<u8>,
    /// Whether a read was already answered with a bare `OK` (the `bare_ok_first_read`
    /// quirk): the next one reads it.
    pub read_refused: bool,
}

impl StoredSms {
    /// The TPDU length in octets: `<length>` of `+CMGL`/`+CMGR`/`+CMT` in PDU mode (TS 27.005
    /// §3.4.1: the SMSC field is not counted).
    pub fn tpdu_length(&self) -> usize {
        tpdu_length(&self.pdu)
    }
}

/// The TPDU length of a PDU that starts with its SMSC field.
pub(super) fn tpdu_length(pdu: &[u8]) -> usize {
    match pdu.first() {
        Some(&smsc_len) => pdu.len().saturating_sub(usize::from(smsc_len) + 1),
        None => 0,
    }
}

/// Numbered slots of one storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Store {
    /// Which storage this is.
    pub kind: Storage,
    slots: Vec<Option<StoredSms>>,
}

impl Store {
    /// An empty storage of `capacity` slots.
    pub fn new(kind: Storage, capacity: usize) -> Store {
        Store {
            kind,
            slots: vec![None; capacity],
        }
    }

    /// How many slots.
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// How many slots hold a message.
    pub fn used(&self) -> usize {
        self.slots.iter().filter(|slot| slot.is_some()).count()
    }

    /// Whether no slot is free.
    pub fn is_full(&self) -> bool {
        self.slots.iter().all(Option::is_some)
    }

    /// Puts `sms` in the first free slot and says which; `None` when full.
    pub fn insert(&mut self, sms: StoredSms) -> Option<usize> {
        let slot = self.slots.iter().position(Option::is_none)?;
        self.slots[slot] = Some(sms);
        Some(slot)
    }

    /// Whether `slot` exists (it may be empty).
    pub fn has_slot(&self, slot: usize) -> bool {
        slot < self.slots.len()
    }

    /// The message in `slot`, if any.
    pub fn get_mut(&mut self, slot: usize) -> Option<&mut StoredSms> {
        self.slots.get_mut(slot).and_then(Option::as_mut)
    }

    /// Empties `slot`.
    pub fn remove(&mut self, slot: usize) {
        if let Some(entry) = self.slots.get_mut(slot) {
            *entry = None;
        }
    }

    /// The occupied slots in order, with their messages.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &StoredSms)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(slot, sms)| sms.as_ref().map(|sms| (slot, sms)))
    }

    /// Deletes by TS 27.005 §3.5.4 `<delflag>` 1..=4: 1 read, 2 read and sent, 3 read, sent
    /// and unsent, 4 everything.
    pub fn delete_by_flag(&mut self, flag: u32) {
        for entry in &mut self.slots {
            let delete = match entry {
                Some(sms) => match flag {
                    1 => sms.stat == Stat::RecRead,
                    2 => matches!(sms.stat, Stat::RecRead | Stat::StoSent),
                    3 => sms.stat != Stat::RecUnread,
                    _ => true,
                },
                None => false,
            };
            if delete {
                *entry = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sms(stat: Stat) -> StoredSms {
        StoredSms {
            stat,
            pdu: vec![0x00, 0x04],
            read_refused: false,
        }
    }

    #[test]
    fn slots_fill_in_order_and_reuse_holes() {
        let mut store = Store::new(Storage::Sm, 3);
        assert_eq!(store.insert(sms(Stat::RecUnread)), Some(0));
        assert_eq!(store.insert(sms(Stat::RecUnread)), Some(1));
        store.remove(0);
        assert_eq!(store.insert(sms(Stat::RecRead)), Some(0));
        assert_eq!(store.insert(sms(Stat::RecRead)), Some(2));
        assert!(store.is_full());
        assert_eq!(store.insert(sms(Stat::RecRead)), None);
        assert_eq!(store.used(), 3);
    }

    #[test]
    fn delete_flags_follow_the_spec() {
        let all = [
            Stat::RecUnread,
            Stat::RecRead,
            Stat::StoUnsent,
            Stat::StoSent,
        ];
        let left_after = |flag| {
            let mut store = Store::new(Storage::Me, 4);
            for stat in all {
                store.insert(sms(stat));
            }
            store.delete_by_flag(flag);
            store.iter().map(|(_, sms)| sms.stat).collect::<Vec<_>>()
        };
        assert_eq!(
            left_after(1),
            vec![Stat::RecUnread, Stat::StoUnsent, Stat::StoSent]
        );
        assert_eq!(left_after(2), vec![Stat::RecUnread, Stat::StoUnsent]);
        assert_eq!(left_after(3), vec![Stat::RecUnread]);
        assert_eq!(left_after(4), vec![]);
    }

    #[test]
    fn tpdu_length_excludes_the_smsc_field() {
        assert_eq!(tpdu_length(&[0x07, 1, 2, 3, 4, 5, 6, 7, 0x04, 0x0B]), 2);
        assert_eq!(tpdu_length(&[0x00, 0x04]), 1);
        assert_eq!(tpdu_length(&[0x09]), 0);
        assert_eq!(tpdu_length(&[]), 0);
    }
}
