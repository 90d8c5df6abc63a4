//! Multipart SMS (TS 23.040 §9.2.3.24.1 concatenated short messages): grouping parts by
//! (SIM, sender, reference, total), making the message when the last part is in, and
//! giving up on groups that wait too long.
//!
//! Rules:
//! - Only open groups take new parts, so a reference the sender reuses after its previous
//!   message completed starts a new group.
//! - Two different PDUs claiming the same part (a redelivery with a new SMSC time stamp):
//!   the first is used, the second is stored and attached, and an event says so.
//! - A part arriving after its group was completed or flushed, within
//!   [`REDELIVERY_WINDOW`]: a copy of a part already used is a redelivery (as above); a part
//!   the flushed message lacked is a late part: stored, no second message, `late_part`
//!   event. Anything else starts a new group.

use rusqlite::{Connection, OptionalExtension, params};

use crate::pdu::{Address, Concatenation, Deliver, Message, Pdu, UserData};

use super::error::{SqlContext, StoreError};
use super::events;
use super::ingest::{Arrival, pdu_time};
use super::message::{self, NewMessage};
use super::model::{MessageId, MessageKind, PartId};
use super::timestamp;

/// How long after a group began a part can still be recognised as belonging to it once the
/// group is closed. Networks retry undelivered SMS for hours (a day is a common validity);
/// a longer window would mistake a sender's reused reference for an old message.
const REDELIVERY_WINDOW: time::Duration = time::Duration::hours(24);

const OPEN: &str = "open";
const COMPLETE: &str = "complete";
const FLUSHED: &str = "flushed";

/// A group of parts, as stored.
struct Group {
    id: i64,
    iccid: String,
    sender: String,
    reference: u16,
    total: u8,
    state: String,
    message_id: Option<i64>,
}

impl Group {
    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Group> {
        Ok(Group {
            id: row.get(0)?,
            iccid: row.get(1)?,
            sender: row.get(2)?,
            reference: row.get(3)?,
            total: row.get(4)?,
            state: row.get(5)?,
            message_id: row.get(6)?,
        })
    }
}

const GROUP_COLUMNS: &str = "id, iccid, sender, reference, total, state, message_id";

/// Files a part of a multipart SMS; returns the message it completed, if it did.
pub(crate) fn add_part(
    connection: &Connection,
    arrival: &Arrival<'_>,
    part_id: PartId,
    deliver: &Deliver,
    concatenation: Concatenation,
    now: &str,
) -> Result<Option<MessageId>, StoreError> {
    let sender = deliver.sender.value.as_str();
    let Concatenation {
        reference,
        total,
        sequence,
        ..
    } = concatenation;
    let key = params![arrival.iccid, sender, reference, total];
    let open: Option<Group> = connection
        .prepare_cached(&format!(
            "SELECT {GROUP_COLUMNS} FROM part_groups
             WHERE iccid = ?1 AND sender = ?2 AND reference = ?3 AND total = ?4
                   AND state = 'open'"
        ))
        .and_then(|mut statement| statement.query_row(key, Group::from_row).optional())
        .context("finding a multipart group")?;

    if let Some(group) = open {
        if let Some((kept, kept_pdu)) = first_part_with(connection, group.id, sequence)? {
            attach(connection, part_id, &group, arrival)?;
            duplicate_event(
                connection, arrival, &group, sequence, kept, &kept_pdu, deliver, part_id, now,
            )?;
            return Ok(None);
        }
        attach(connection, part_id, &group, arrival)?;
        let received: u32 = connection
            .prepare_cached(
                "SELECT count(DISTINCT sequence) FROM message_parts WHERE group_id = ?1",
            )
            .and_then(|mut statement| statement.query_row([group.id], |row| row.get(0)))
            .context("counting the parts of a multipart group")?;
        if received < u32::from(total) {
            return Ok(None);
        }
        let received_at = (arrival.received_text.as_str(), arrival.port_path);
        return close(connection, &group, COMPLETE, Some(received_at), now).map(Some);
    }

    let since = arrival
        .received_at
        .checked_sub(REDELIVERY_WINDOW)
        .unwrap_or(arrival.received_at);
    let since = timestamp::to_text(since, "redelivery cut-off")?;
    let closed: Option<Group> = connection
        .prepare_cached(&format!(
            "SELECT {GROUP_COLUMNS} FROM part_groups
             WHERE iccid = ?1 AND sender = ?2 AND reference = ?3 AND total = ?4
                   AND state <> 'open' AND first_received_at >= ?5
             ORDER BY id DESC LIMIT 1"
        ))
        .and_then(|mut statement| {
            statement
                .query_row(
                    params![arrival.iccid, sender, reference, total, since],
                    Group::from_row,
                )
                .optional()
        })
        .context("finding a closed multipart group")?;
    if let Some(group) = closed {
        match first_part_with(connection, group.id, sequence)? {
            Some((kept, kept_pdu)) if same_user_data(&kept_pdu, &deliver.user_data) => {
                attach(connection, part_id, &group, arrival)?;
                duplicate_event(
                    connection, arrival, &group, sequence, kept, &kept_pdu, deliver, part_id, now,
                )?;
                return Ok(None);
            }
            None if group.state == FLUSHED => {
                attach(connection, part_id, &group, arrival)?;
                let detail = format!(
                    "part {sequence}/{total} (part {part_id}) from {sender}, reference \
                     {reference}, came after its message {} was stored without it",
                    group.message_id.unwrap_or_default()
                );
                events::record(
                    connection,
                    now,
                    "late_part",
                    Some(arrival.port_path),
                    Some(arrival.iccid),
                    &detail,
                )?;
                return Ok(None);
            }
            // A different message under a reused reference.
            _ => {}
        }
    }

    let group_id = connection
        .prepare_cached(
            "INSERT INTO part_groups (iccid, sender, reference, total, first_received_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .and_then(|mut statement| {
            statement.insert(params![
                arrival.iccid,
                sender,
                reference,
                total,
                arrival.received_text
            ])
        })
        .context("starting a multipart group")?;
    connection
        .prepare_cached("UPDATE message_parts SET group_id = ?2 WHERE id = ?1")
        .and_then(|mut statement| statement.execute(params![part_id.0, group_id]))
        .context("adding a part to a multipart group")?;
    Ok(None)
}

/// Makes messages of the open groups whose first part arrived before `cutoff` (stored
/// time text), marked incomplete, and closes the groups so they are not flushed twice.
pub(crate) fn flush_incomplete(
    connection: &Connection,
    cutoff: &str,
    now: &str,
) -> Result<Vec<MessageId>, StoreError> {
    let groups: Vec<Group> = connection
        .prepare_cached(&format!(
            "SELECT {GROUP_COLUMNS} FROM part_groups
             WHERE state = 'open' AND first_received_at < ?1 ORDER BY id"
        ))
        .and_then(|mut statement| {
            statement
                .query_map([cutoff], Group::from_row)?
                .collect::<Result<Vec<_>, _>>()
        })
        .context("finding multipart groups to flush")?;
    let mut flushed = Vec::with_capacity(groups.len());
    for group in groups {
        let id = close(connection, &group, FLUSHED, None, now)?;
        let detail = format!(
            "message {id} from {} (reference {}) stored without some of its {} parts",
            group.sender, group.reference, group.total
        );
        events::record(
            connection,
            now,
            "incomplete_flushed",
            None,
            Some(&group.iccid),
            &detail,
        )?;
        flushed.push(id);
    }
    Ok(flushed)
}

/// The first part stored for `sequence` in a group: its id and PDU.
fn first_part_with(
    connection: &Connection,
    group_id: i64,
    sequence: u8,
) -> Result<Option<(PartId, String)>, StoreError> {
    connection
        .prepare_cached(
            "SELECT id, pdu_hex FROM message_parts WHERE group_id = ?1 AND sequence = ?2
             ORDER BY id LIMIT 1",
        )
        .and_then(|mut statement| {
            statement
                .query_row(params![group_id, sequence], |row| {
                    Ok((PartId(row.get(0)?), row.get(1)?))
                })
                .optional()
        })
        .context("looking for a part of a multipart group")
}

/// Adds a part to a group; an out-of-order part can be the group's earliest.
fn attach(
    connection: &Connection,
    part_id: PartId,
    group: &Group,
    arrival: &Arrival<'_>,
) -> Result<(), StoreError> {
    connection
        .prepare_cached("UPDATE message_parts SET group_id = ?2 WHERE id = ?1")
        .and_then(|mut statement| statement.execute(params![part_id.0, group.id]))
        .context("adding a part to a multipart group")?;
    if group.state == OPEN {
        connection
            .prepare_cached(
                "UPDATE part_groups SET first_received_at = min(first_received_at, ?2)
                 WHERE id = ?1",
            )
            .and_then(|mut statement| statement.execute(params![group.id, arrival.received_text]))
            .context("updating a multipart group")?;
    }
    Ok(())
}

/// Whether a stored PDU carries the same user data as a new part.
fn same_user_data(stored_pdu: &str, user_data: &UserData) -> bool {
    match Pdu::decode_hex(stored_pdu) {
        Ok(Pdu {
            message: Message::Deliver(stored),
            ..
        }) => {
            stored.user_data.encoding == user_data.encoding
                && stored.user_data.text == user_data.text
                && stored.user_data.octets == user_data.octets
        }
        _ => false,
    }
}

#[allow(clippy::too_many_arguments)]
fn duplicate_event(
    connection: &Connection,
    arrival: &Arrival<'_>,
    group: &Group,
    sequence: u8,
    kept: PartId,
    kept_pdu: &str,
    deliver: &Deliver,
    part_id: PartId,
    now: &str,
) -> Result<(), StoreError> {
    let same = if same_user_data(kept_pdu, &deliver.user_data) {
        "the same text"
    } else {
        "a different text"
    };
    let detail = format!(
        "part {sequence}/{} from {} (reference {}) came again as part {part_id} with {same}; \
         part {kept} is used",
        group.total, group.sender, group.reference
    );
    events::record(
        connection,
        now,
        "duplicate_sequence",
        Some(arrival.port_path),
        Some(arrival.iccid),
        &detail,
    )
}

/// Makes the group's message from the first part stored for each sequence, and closes the
/// group as `state`. `last` is the completing part's (received_at, port); `None` (a flush)
/// takes the latest part's.
fn close(
    connection: &Connection,
    group: &Group,
    state: &'static str,
    last: Option<(&str, &str)>,
    now: &str,
) -> Result<MessageId, StoreError> {
    struct Row {
        sequence: u8,
        pdu_hex: String,
        received_at: String,
        port_path: String,
    }
    let rows: Vec<Row> = connection
        .prepare_cached(
            "SELECT sequence, pdu_hex, received_at, port_path FROM message_parts
             WHERE id IN (SELECT min(id) FROM message_parts WHERE group_id = ?1
                          GROUP BY sequence)
             ORDER BY sequence",
        )
        .and_then(|mut statement| {
            statement
                .query_map([group.id], |row| {
                    Ok(Row {
                        sequence: row.get(0)?,
                        pdu_hex: row.get(1)?,
                        received_at: row.get(2)?,
                        port_path: row.get(3)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()
        })
        .context("reading the parts of a multipart group")?;
    let latest = rows.iter().max_by(|a, b| a.received_at.cmp(&b.received_at));
    let first_received_at = rows
        .iter()
        .map(|row| row.received_at.as_str())
        .min()
        .unwrap_or(now);
    let (received_at, port_path) = match (last, latest) {
        (Some(last), _) => last,
        (None, Some(latest)) => (latest.received_at.as_str(), latest.port_path.as_str()),
        // A group always has its first part; should it not, the message still gets written.
        (None, None) => (now, ""),
    };
    // Every part decoded when it came in; one that no longer does is left out, not fatal.
    let mut decoded: Vec<(u8, Option<Address>, Deliver)> = Vec::with_capacity(rows.len());
    for row in &rows {
        match Pdu::decode_hex(&row.pdu_hex) {
            Ok(Pdu {
                smsc,
                message: Message::Deliver(deliver),
                ..
            }) => decoded.push((row.sequence, smsc, deliver)),
            _ => tracing::error!(
                group = group.id,
                sequence = row.sequence,
                "a stored part no longer decodes; left out of its message"
            ),
        }
    }
    let parts: Vec<(u8, &UserData)> = decoded
        .iter()
        .map(|(sequence, _, deliver)| (*sequence, &deliver.user_data))
        .collect();
    let first = decoded.first();
    let parts_received = u32::try_from(decoded.len()).unwrap_or(u32::MAX);
    let message = NewMessage {
        iccid: &group.iccid,
        port_path,
        kind: MessageKind::Deliver,
        sender: Some((
            group.sender.as_str(),
            first.map_or("unknown", |(_, _, deliver)| {
                deliver.sender.type_of_number.json_name()
            }),
        )),
        body: message::join(&parts),
        smsc: first.and_then(|(_, smsc, _)| smsc.as_ref().map(|smsc| smsc.value.as_str())),
        sent_at: first.and_then(|(_, _, deliver)| pdu_time(deliver.timestamp)),
        received_at,
        first_received_at,
        parts_expected: u32::from(group.total),
        parts_received,
        incomplete: parts_received < u32::from(group.total),
    };
    let id = message::insert(connection, &message, now)?;
    connection
        .prepare_cached("UPDATE part_groups SET state = ?2, message_id = ?3 WHERE id = ?1")
        .and_then(|mut statement| statement.execute(params![group.id, state, id.0]))
        .context("closing a multipart group")?;
    connection
        .prepare_cached("UPDATE message_parts SET message_id = ?2 WHERE group_id = ?1")
        .and_then(|mut statement| statement.execute(params![group.id, id.0]))
        .context("linking parts to their message")?;
    Ok(id)
}
