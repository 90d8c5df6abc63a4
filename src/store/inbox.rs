//! The SQL of taking SMS in: the steps the pool's ingest rules run inside one writer
//! request (see [`Store::take_in`](super::Store::take_in)).
//!
//! Every step is one statement or two over `message_parts`, `part_groups`, `messages`,
//! `allocations`, `sims`, `allocation_feed` and `events`; none decides anything. Which PDU
//! is a duplicate, how parts join, which allocation a message belongs to: those are the
//! pool's (`pool::ingest`). Times go in and out as [`OffsetDateTime`]; their stored text
//! is this module's business.

use rusqlite::{Connection, OptionalExtension, params};
use time::OffsetDateTime;

use super::error::{SqlContext, StoreError};
use super::events;
use super::model::{MessageId, MessageKind, PartId};
use super::timestamp;
use super::writer;

/// One writer request's steps over the tables SMS go into. Made by
/// [`Store::take_in`](super::Store::take_in); everything written through it commits, or
/// rolls back, with the request.
pub struct Inbox<'c> {
    connection: &'c Connection,
    /// The request's time, stored on what it writes.
    now: OffsetDateTime,
    now_text: String,
}

/// A part about to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPart<'a> {
    /// The SIM it arrived on.
    pub iccid: &'a str,
    /// The de-duplication key: the TPDU, without the SMSC field, in upper-case hex.
    pub tpdu_hex: &'a str,
    /// The PDU as the modem printed it.
    pub pdu_hex: &'a str,
    /// When it reached the daemon.
    pub received_at: OffsetDateTime,
    /// The port it was read from.
    pub port_path: &'a str,
    /// The modem memory it was read from, and its index there (`None` for `+CMT`).
    pub storage: Option<&'a str>,
    /// Its index in that memory.
    pub storage_index: Option<u32>,
    /// The sender (or a status report's recipient), when it decoded.
    pub sender: Option<&'a str>,
    /// Its concatenation header: reference, total, sequence.
    pub concatenation: Option<(u16, u8, u8)>,
    /// Why it did not decode.
    pub decode_error: Option<&'a str>,
}

/// A message about to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage<'a> {
    /// Its SIM.
    pub iccid: &'a str,
    /// The port its last part was read from.
    pub port_path: &'a str,
    /// What it is.
    pub kind: MessageKind,
    /// The sender's address and its type of number (JSON name).
    pub sender: Option<(&'a str, &'static str)>,
    /// The text.
    pub text: Option<String>,
    /// The alphabet's JSON name (`gsm7`, `8bit`, `ucs2`).
    pub encoding: Option<&'static str>,
    /// 8-bit data as upper-case hex.
    pub data_hex: Option<String>,
    /// The service centre.
    pub smsc: Option<&'a str>,
    /// The service centre's time stamp; one out of the storable years is dropped.
    pub sent_at: Option<OffsetDateTime>,
    /// When the part that completed it reached the daemon.
    pub received_at: OffsetDateTime,
    /// When its first part reached the daemon (`received_at` for a single SMS).
    pub first_received_at: OffsetDateTime,
    /// Parts it should have.
    pub parts_expected: u32,
    /// Parts it has.
    pub parts_received: u32,
    /// Stored without some of its parts.
    pub incomplete: bool,
}

/// What identifies a multipart SMS's group of parts (TS 23.040 §9.2.3.24.1): the SIM,
/// the sender, the reference and the number of parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupKey<'a> {
    /// The SIM.
    pub iccid: &'a str,
    /// The sender.
    pub sender: &'a str,
    /// The concatenation reference.
    pub reference: u16,
    /// How many parts.
    pub total: u8,
}

/// Where a group of parts stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupState {
    /// Waiting for parts.
    Open,
    /// Every part came; its message is written.
    Complete,
    /// Given up on; its message is written without the missing parts.
    Flushed,
}

impl GroupState {
    fn as_str(self) -> &'static str {
        match self {
            GroupState::Open => "open",
            GroupState::Complete => "complete",
            GroupState::Flushed => "flushed",
        }
    }

    fn from_name(name: &str) -> Option<GroupState> {
        Some(match name {
            "open" => GroupState::Open,
            "complete" => GroupState::Complete,
            "flushed" => GroupState::Flushed,
            _ => return None,
        })
    }
}

/// A stored group of parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartGroup {
    /// Its row.
    pub id: i64,
    /// The SIM.
    pub iccid: String,
    /// The sender.
    pub sender: String,
    /// The reference.
    pub reference: u16,
    /// How many parts.
    pub total: u8,
    /// Where it stands.
    pub state: GroupState,
    /// Its message, once written.
    pub message_id: Option<MessageId>,
}

/// The first part stored for one sequence number of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupPart {
    /// The part.
    pub id: PartId,
    /// Its sequence number.
    pub sequence: u8,
    /// Its PDU as stored.
    pub pdu_hex: String,
    /// When it reached the daemon.
    pub received_at: OffsetDateTime,
    /// The port it was read from.
    pub port_path: String,
}

/// The allocation active on a SIM that a new message may belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveAllocation {
    /// Its id.
    pub id: String,
    /// The service it was rented for (whose code patterns apply).
    pub service: String,
    /// When it began.
    pub created_at: OffsetDateTime,
    /// Messages attributed to it so far.
    pub message_count: i64,
}

const GROUP_COLUMNS: &str = "id, iccid, sender, reference, total, state, message_id";

fn group_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(PartGroup, String)> {
    Ok((
        PartGroup {
            id: row.get(0)?,
            iccid: row.get(1)?,
            sender: row.get(2)?,
            reference: row.get(3)?,
            total: row.get(4)?,
            state: GroupState::Open,
            message_id: row.get::<_, Option<i64>>(6)?.map(MessageId),
        },
        row.get(5)?,
    ))
}

fn typed_group((mut group, state): (PartGroup, String)) -> Result<PartGroup, StoreError> {
    group.state = GroupState::from_name(&state).ok_or_else(|| StoreError::Corrupt {
        what: "part_groups.state",
        value: state,
        reason: "not open, complete or flushed".to_owned(),
    })?;
    Ok(group)
}

fn text(time: OffsetDateTime, what: &'static str) -> Result<String, StoreError> {
    timestamp::to_text(time, what)
}

impl<'c> Inbox<'c> {
    pub(crate) fn new(connection: &'c Connection) -> Result<Inbox<'c>, StoreError> {
        let now = OffsetDateTime::now_utc();
        Ok(Inbox {
            connection,
            now,
            now_text: text(now, "the current time")?,
        })
    }

    /// The request's time: what "now" is for every rule it applies.
    pub fn now(&self) -> OffsetDateTime {
        self.now
    }

    /// Runs `work` in a savepoint of its own: if it fails, what it wrote is undone and the
    /// rest of the request stands. The outer `Err` means the savepoint itself failed (the
    /// transaction is gone).
    pub fn savepoint<T>(
        &self,
        work: impl FnOnce(&Inbox<'c>) -> Result<T, StoreError>,
    ) -> Result<Result<T, StoreError>, StoreError> {
        writer::savepoint(self.connection, "part", |_| work(self)).map_err(|source| {
            StoreError::Sqlite {
                context: "a savepoint for one SMS of a batch",
                source,
            }
        })
    }

    /// The part already stored for this SIM under this de-duplication key.
    pub fn stored_part(&self, iccid: &str, tpdu_hex: &str) -> Result<Option<PartId>, StoreError> {
        self.connection
            .prepare_cached("SELECT id FROM message_parts WHERE iccid = ?1 AND tpdu_hex = ?2")
            .and_then(|mut statement| {
                statement
                    .query_row(params![iccid, tpdu_hex], |row| row.get(0))
                    .optional()
            })
            .map(|id| id.map(PartId))
            .context("looking for an already stored PDU")
    }

    /// Gives the SIM a row if it has none (with a `sim_new` event), so that its parts and
    /// messages can point at it even if no port task reported it (yet).
    pub fn ensure_sim(&self, iccid: &str, port_path: &str) -> Result<(), StoreError> {
        let added = self
            .connection
            .prepare_cached(
                "INSERT INTO sims (iccid, first_seen, last_seen) VALUES (?1, ?2, ?2)
                 ON CONFLICT (iccid) DO NOTHING",
            )
            .and_then(|mut statement| statement.execute(params![iccid, self.now_text]))
            .context("adding the SIM of an SMS")?;
        if added > 0 {
            self.event(
                "sim_new",
                Some(port_path),
                Some(iccid),
                "first seen through an SMS",
            )?;
        }
        Ok(())
    }

    /// Stores a part.
    pub fn insert_part(&self, part: &NewPart<'_>) -> Result<PartId, StoreError> {
        let received_at = text(part.received_at, "received_at")?;
        self.connection
            .prepare_cached(
                "INSERT INTO message_parts (iccid, tpdu_hex, pdu_hex, received_at, port_path,
                                            storage, storage_index, sender, reference, total,
                                            sequence, decode_error)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )
            .and_then(|mut statement| {
                statement.insert(params![
                    part.iccid,
                    part.tpdu_hex,
                    part.pdu_hex,
                    received_at,
                    part.port_path,
                    part.storage,
                    part.storage_index,
                    part.sender,
                    part.concatenation.map(|(reference, _, _)| reference),
                    part.concatenation.map(|(_, total, _)| total),
                    part.concatenation.map(|(_, _, sequence)| sequence),
                    part.decode_error,
                ])
            })
            .map(PartId)
            .context("storing a message part")
    }

    /// Writes a message, attributed to nobody (see [`Inbox::attribute`]).
    pub fn insert_message(&self, message: &NewMessage<'_>) -> Result<MessageId, StoreError> {
        let (sender, sender_type) = match message.sender {
            Some((sender, sender_type)) => (Some(sender), Some(sender_type)),
            None => (None, None),
        };
        // A PDU's time stamp out of the storable years is no reason to lose the SMS.
        let sent_at = message
            .sent_at
            .and_then(|time| text(time, "a PDU time stamp").ok());
        let received_at = text(message.received_at, "received_at")?;
        self.connection
            .prepare_cached(
                "INSERT INTO messages (iccid, port_path, kind, sender, sender_type, text,
                                       encoding, data_hex, smsc, sent_at, received_at,
                                       parts_expected, parts_received, incomplete, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )
            .and_then(|mut statement| {
                statement.insert(params![
                    message.iccid,
                    message.port_path,
                    message.kind.as_str(),
                    sender,
                    sender_type,
                    message.text,
                    message.encoding,
                    message.data_hex,
                    message.smsc,
                    sent_at,
                    received_at,
                    message.parts_expected,
                    message.parts_received,
                    message.incomplete,
                    self.now_text,
                ])
            })
            .map(MessageId)
            .context("writing a message")
    }

    /// Links a part to its message.
    pub fn link_part(&self, part: PartId, message: MessageId) -> Result<(), StoreError> {
        self.connection
            .prepare_cached("UPDATE message_parts SET message_id = ?2 WHERE id = ?1")
            .and_then(|mut statement| statement.execute(params![part.0, message.0]))
            .context("linking a part to its message")?;
        Ok(())
    }

    /// The open group under `key`, if there is one.
    pub fn open_group(&self, key: &GroupKey<'_>) -> Result<Option<PartGroup>, StoreError> {
        self.connection
            .prepare_cached(&format!(
                "SELECT {GROUP_COLUMNS} FROM part_groups
                 WHERE iccid = ?1 AND sender = ?2 AND reference = ?3 AND total = ?4
                       AND state = 'open'"
            ))
            .and_then(|mut statement| {
                statement
                    .query_row(
                        params![key.iccid, key.sender, key.reference, key.total],
                        group_from_row,
                    )
                    .optional()
            })
            .context("finding a multipart group")?
            .map(typed_group)
            .transpose()
    }

    /// The latest closed (complete or flushed) group under `key` whose first part came at
    /// or after `since`.
    pub fn last_closed_group(
        &self,
        key: &GroupKey<'_>,
        since: OffsetDateTime,
    ) -> Result<Option<PartGroup>, StoreError> {
        let since = text(since, "redelivery cut-off")?;
        self.connection
            .prepare_cached(&format!(
                "SELECT {GROUP_COLUMNS} FROM part_groups
                 WHERE iccid = ?1 AND sender = ?2 AND reference = ?3 AND total = ?4
                       AND state <> 'open' AND first_received_at >= ?5
                 ORDER BY id DESC LIMIT 1"
            ))
            .and_then(|mut statement| {
                statement
                    .query_row(
                        params![key.iccid, key.sender, key.reference, key.total, since],
                        group_from_row,
                    )
                    .optional()
            })
            .context("finding a closed multipart group")?
            .map(typed_group)
            .transpose()
    }

    /// Starts a group under `key` with `part` in it, first received at `received_at`.
    pub fn start_group(
        &self,
        key: &GroupKey<'_>,
        part: PartId,
        received_at: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let received_at = text(received_at, "received_at")?;
        let group = self
            .connection
            .prepare_cached(
                "INSERT INTO part_groups (iccid, sender, reference, total, first_received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .and_then(|mut statement| {
                statement.insert(params![
                    key.iccid,
                    key.sender,
                    key.reference,
                    key.total,
                    received_at
                ])
            })
            .context("starting a multipart group")?;
        self.connection
            .prepare_cached("UPDATE message_parts SET group_id = ?2 WHERE id = ?1")
            .and_then(|mut statement| statement.execute(params![part.0, group]))
            .context("adding a part to a multipart group")?;
        Ok(group)
    }

    /// Adds a part to a group; an open group's first arrival moves back to `received_at`
    /// when it is earlier (an out-of-order part can be the group's earliest).
    pub fn attach(
        &self,
        part: PartId,
        group: &PartGroup,
        received_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.connection
            .prepare_cached("UPDATE message_parts SET group_id = ?2 WHERE id = ?1")
            .and_then(|mut statement| statement.execute(params![part.0, group.id]))
            .context("adding a part to a multipart group")?;
        if group.state == GroupState::Open {
            let received_at = text(received_at, "received_at")?;
            self.connection
                .prepare_cached(
                    "UPDATE part_groups SET first_received_at = min(first_received_at, ?2)
                     WHERE id = ?1",
                )
                .and_then(|mut statement| statement.execute(params![group.id, received_at]))
                .context("updating a multipart group")?;
        }
        Ok(())
    }

    /// How many different sequence numbers a group holds.
    pub fn sequences_received(&self, group: i64) -> Result<u32, StoreError> {
        self.connection
            .prepare_cached(
                "SELECT count(DISTINCT sequence) FROM message_parts WHERE group_id = ?1",
            )
            .and_then(|mut statement| statement.query_row([group], |row| row.get(0)))
            .context("counting the parts of a multipart group")
    }

    /// The first part stored for `sequence` in a group: its id and PDU.
    pub fn first_part_with(
        &self,
        group: i64,
        sequence: u8,
    ) -> Result<Option<(PartId, String)>, StoreError> {
        self.connection
            .prepare_cached(
                "SELECT id, pdu_hex FROM message_parts WHERE group_id = ?1 AND sequence = ?2
                 ORDER BY id LIMIT 1",
            )
            .and_then(|mut statement| {
                statement
                    .query_row(params![group, sequence], |row| {
                        Ok((PartId(row.get(0)?), row.get(1)?))
                    })
                    .optional()
            })
            .context("looking for a part of a multipart group")
    }

    /// The first part stored for each sequence number of a group, in sequence order.
    pub fn group_parts(&self, group: i64) -> Result<Vec<GroupPart>, StoreError> {
        let rows: Vec<(i64, u8, String, String, String)> = self
            .connection
            .prepare_cached(
                "SELECT id, sequence, pdu_hex, received_at, port_path FROM message_parts
                 WHERE id IN (SELECT min(id) FROM message_parts WHERE group_id = ?1
                              GROUP BY sequence)
                 ORDER BY sequence",
            )
            .and_then(|mut statement| {
                statement
                    .query_map([group], |row| {
                        Ok((
                            row.get(0)?,
                            row.get(1)?,
                            row.get(2)?,
                            row.get(3)?,
                            row.get(4)?,
                        ))
                    })?
                    .collect::<Result<Vec<_>, _>>()
            })
            .context("reading the parts of a multipart group")?;
        rows.into_iter()
            .map(|(id, sequence, pdu_hex, received_at, port_path)| {
                Ok(GroupPart {
                    id: PartId(id),
                    sequence,
                    pdu_hex,
                    received_at: timestamp::from_text(&received_at, "message_parts.received_at")?,
                    port_path,
                })
            })
            .collect()
    }

    /// The open groups whose first part arrived before `cutoff`, oldest first.
    pub fn open_groups_before(&self, cutoff: OffsetDateTime) -> Result<Vec<PartGroup>, StoreError> {
        let cutoff = text(cutoff, "the flush cut-off")?;
        self.connection
            .prepare_cached(&format!(
                "SELECT {GROUP_COLUMNS} FROM part_groups
                 WHERE state = 'open' AND first_received_at < ?1 ORDER BY id"
            ))
            .and_then(|mut statement| {
                statement
                    .query_map([cutoff], group_from_row)?
                    .collect::<Result<Vec<_>, _>>()
            })
            .context("finding multipart groups to flush")?
            .into_iter()
            .map(typed_group)
            .collect()
    }

    /// Closes a group as `state` with its message, and links every part of it to that
    /// message.
    pub fn close_group(
        &self,
        group: i64,
        state: GroupState,
        message: MessageId,
    ) -> Result<(), StoreError> {
        self.connection
            .prepare_cached("UPDATE part_groups SET state = ?2, message_id = ?3 WHERE id = ?1")
            .and_then(|mut statement| statement.execute(params![group, state.as_str(), message.0]))
            .context("closing a multipart group")?;
        self.connection
            .prepare_cached("UPDATE message_parts SET message_id = ?2 WHERE group_id = ?1")
            .and_then(|mut statement| statement.execute(params![group, message.0]))
            .context("linking parts to their message")?;
        Ok(())
    }

    /// The allocation on `iccid` that is active now (not released, lease not run out even
    /// if the expiry sweep has not marked it yet) and began at or before `since`.
    pub fn active_allocation(
        &self,
        iccid: &str,
        since: OffsetDateTime,
    ) -> Result<Option<ActiveAllocation>, StoreError> {
        let since = text(since, "a message's first arrival")?;
        let found: Option<(String, String, String, i64)> = self
            .connection
            .prepare_cached(
                "SELECT id, service, created_at, message_count FROM allocations
                 WHERE iccid = ?1 AND state = 'active' AND expires_at > ?2 AND created_at <= ?3",
            )
            .and_then(|mut statement| {
                statement
                    .query_row(params![iccid, self.now_text, since], |row| {
                        Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
                    })
                    .optional()
            })
            .context("finding the allocation of a new message")?;
        found
            .map(|(id, service, created_at, message_count)| {
                Ok(ActiveAllocation {
                    created_at: timestamp::from_text(&created_at, "allocations.created_at")?,
                    id,
                    service,
                    message_count,
                })
            })
            .transpose()
    }

    /// Gives a message to an allocation with the code found in it: sets its
    /// `allocation_id` and `code`, counts it on the allocation (and its first message's
    /// time, `received_at`), and writes the allocation's feed entry.
    pub fn attribute(
        &self,
        message: MessageId,
        allocation: &str,
        received_at: OffsetDateTime,
        code: Option<&str>,
    ) -> Result<(), StoreError> {
        let received_at = text(received_at, "received_at")?;
        self.connection
            .prepare_cached("UPDATE messages SET allocation_id = ?2, code = ?3 WHERE id = ?1")
            .and_then(|mut statement| statement.execute(params![message.0, allocation, code]))
            .context("attributing a message to its allocation")?;
        self.connection
            .prepare_cached(
                "UPDATE allocations SET message_count = message_count + 1,
                                        first_message_at = coalesce(first_message_at, ?2)
                 WHERE id = ?1",
            )
            .and_then(|mut statement| statement.execute(params![allocation, received_at]))
            .context("counting a message on its allocation")?;
        super::allocation::feed(
            self.connection,
            allocation,
            "message",
            Some(message),
            &self.now_text,
            "",
        )
    }

    /// Adds `points` to a SIM's health, up to 100.
    pub fn credit_health(&self, iccid: &str, points: i64) -> Result<(), StoreError> {
        self.connection
            .prepare_cached("UPDATE sims SET health = min(100, health + ?2) WHERE iccid = ?1")
            .and_then(|mut statement| statement.execute(params![iccid, points]))
            .context("crediting a SIM's health")?;
        Ok(())
    }

    /// Appends an event to the audit trail, stamped with the request's time.
    pub fn event(
        &self,
        kind: &str,
        port_path: Option<&str>,
        iccid: Option<&str>,
        detail: &str,
    ) -> Result<(), StoreError> {
        events::record(
            self.connection,
            &self.now_text,
            kind,
            port_path,
            iccid,
            detail,
        )
    }
}
