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

use time::OffsetDateTime;

use crate::otp::CodeExtractor;
use crate::pdu::{Address, Concatenation, Deliver, Message, Pdu, UserData};
use crate::store::{
    GroupKey, GroupState, Inbox, MessageId, MessageKind, NewMessage, PartGroup, PartId, StoreError,
};

use super::{Arrival, body, write_message};

/// How long after a group began a part can still be recognised as belonging to it once the
/// group is closed. Networks retry undelivered SMS for hours (a day is a common validity);
/// a longer window would mistake a sender's reused reference for an old message.
const REDELIVERY_WINDOW: time::Duration = time::Duration::hours(24);

/// Files a part of a multipart SMS; returns the message it completed, if it did.
pub(super) fn add_part(
    inbox: &Inbox<'_>,
    codes: &CodeExtractor,
    arrival: &Arrival<'_>,
    part_id: PartId,
    deliver: &Deliver,
    concatenation: Concatenation,
) -> Result<Option<MessageId>, StoreError> {
    let sender = deliver.sender.value.as_str();
    let Concatenation {
        reference,
        total,
        sequence,
        ..
    } = concatenation;
    let key = GroupKey {
        iccid: arrival.iccid,
        sender,
        reference,
        total,
    };

    if let Some(group) = inbox.open_group(&key)? {
        if let Some((kept, kept_pdu)) = inbox.first_part_with(group.id, sequence)? {
            inbox.attach(part_id, &group, arrival.received_at)?;
            duplicate_event(
                inbox, arrival, &group, sequence, kept, &kept_pdu, deliver, part_id,
            )?;
            return Ok(None);
        }
        inbox.attach(part_id, &group, arrival.received_at)?;
        if inbox.sequences_received(group.id)? < u32::from(total) {
            return Ok(None);
        }
        let last = (arrival.received_at, arrival.port_path);
        return close(inbox, codes, &group, GroupState::Complete, Some(last)).map(Some);
    }

    let since = arrival
        .received_at
        .checked_sub(REDELIVERY_WINDOW)
        .unwrap_or(arrival.received_at);
    if let Some(group) = inbox.last_closed_group(&key, since)? {
        match inbox.first_part_with(group.id, sequence)? {
            Some((kept, kept_pdu)) if same_user_data(&kept_pdu, &deliver.user_data) => {
                inbox.attach(part_id, &group, arrival.received_at)?;
                duplicate_event(
                    inbox, arrival, &group, sequence, kept, &kept_pdu, deliver, part_id,
                )?;
                return Ok(None);
            }
            None if group.state == GroupState::Flushed => {
                inbox.attach(part_id, &group, arrival.received_at)?;
                let detail = format!(
                    "part {sequence}/{total} (part {part_id}) from {sender}, reference \
                     {reference}, came after its message {} was stored without it",
                    group.message_id.map_or(0, |id| id.0)
                );
                inbox.event(
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

    inbox.start_group(&key, part_id, arrival.received_at)?;
    Ok(None)
}

/// Makes messages of the open groups whose first part arrived before `cutoff`, marked
/// incomplete, and closes the groups so they are not flushed twice.
pub(super) fn flush_incomplete(
    inbox: &Inbox<'_>,
    codes: &CodeExtractor,
    cutoff: OffsetDateTime,
) -> Result<Vec<MessageId>, StoreError> {
    let groups = inbox.open_groups_before(cutoff)?;
    let mut flushed = Vec::with_capacity(groups.len());
    for group in groups {
        let id = close(inbox, codes, &group, GroupState::Flushed, None)?;
        let detail = format!(
            "message {id} from {} (reference {}) stored without some of its {} parts",
            group.sender, group.reference, group.total
        );
        inbox.event("incomplete_flushed", None, Some(&group.iccid), &detail)?;
        flushed.push(id);
    }
    Ok(flushed)
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
    inbox: &Inbox<'_>,
    arrival: &Arrival<'_>,
    group: &PartGroup,
    sequence: u8,
    kept: PartId,
    kept_pdu: &str,
    deliver: &Deliver,
    part_id: PartId,
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
    inbox.event(
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
    inbox: &Inbox<'_>,
    codes: &CodeExtractor,
    group: &PartGroup,
    state: GroupState,
    last: Option<(OffsetDateTime, &str)>,
) -> Result<MessageId, StoreError> {
    let rows = inbox.group_parts(group.id)?;
    let now = inbox.now();
    let latest = rows.iter().max_by_key(|row| row.received_at);
    let first_received_at = rows.iter().map(|row| row.received_at).min().unwrap_or(now);
    let (received_at, port_path) = match (last, latest) {
        (Some(last), _) => last,
        (None, Some(latest)) => (latest.received_at, latest.port_path.as_str()),
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
    let body = body::join(&parts);
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
        text: body.text,
        encoding: body.encoding.map(|encoding| encoding.json_name()),
        data_hex: body.data_hex,
        smsc: first.and_then(|(_, smsc, _)| smsc.as_ref().map(|smsc| smsc.value.as_str())),
        sent_at: first.and_then(|(_, _, deliver)| deliver.timestamp),
        received_at,
        first_received_at,
        parts_expected: u32::from(group.total),
        parts_received,
        incomplete: parts_received < u32::from(group.total),
    };
    let id = write_message(inbox, codes, &message)?;
    inbox.close_group(group.id, state, id)?;
    Ok(id)
}
