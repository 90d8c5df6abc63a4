//! Taking in one received PDU: de-duplicate, store the part, and make a message of it (at
//! once, or through [`reassembly`](super::reassembly) for a part of a multipart SMS).
//!
//! Nothing in a PDU's content makes `ingest` fail: a PDU that does not decode is stored
//! with its error and shown as an `undecodable` message, because a failed ingest leaves the
//! SMS on the modem to be read (and fail) again forever. Errors are for the database.

use rusqlite::{Connection, OptionalExtension, params};
use time::OffsetDateTime;

use crate::pdu::{Concatenation, Deliver, Message, Pdu, StatusClass, StatusReport, hex_octets};

use super::error::{SqlContext, StoreError};
use super::events;
use super::message::{self, NewMessage};
use super::model::{IncomingPart, IngestOutcome, MessageId, MessageKind, PartId};
use super::reassembly;
use super::timestamp;

/// Where and when a part arrived, shared by the steps of its ingest.
pub(crate) struct Arrival<'a> {
    pub(crate) iccid: &'a str,
    pub(crate) port_path: &'a str,
    pub(crate) received_at: OffsetDateTime,
    /// `received_at` as stored.
    pub(crate) received_text: String,
}

/// The de-duplication key's PDU half: the TPDU in upper-case hex, without the SMSC field.
/// The same SMS read twice carries the same TPDU, but the SMSC field a modem prints can
/// differ between `+CMT` and `+CMGL` (some print `00`, some the SIM's SMSC). Text that is
/// not hex, or too short for its SMSC length, is kept whole (trimmed, upper case).
pub(crate) fn dedupe_tpdu(pdu_hex: &str) -> String {
    let clean = pdu_hex.trim().to_ascii_uppercase();
    match hex_octets(&clean) {
        Ok(octets) => match octets.split_first() {
            Some((&smsc_length, rest)) if usize::from(smsc_length) < rest.len() => {
                hex::encode_upper(&rest[usize::from(smsc_length)..])
            }
            _ => clean,
        },
        Err(_) => clean,
    }
}

/// Ingests one part inside the writer's transaction.
pub(crate) fn ingest(
    connection: &Connection,
    part: &IncomingPart,
    now: &str,
) -> Result<IngestOutcome, StoreError> {
    let tpdu = dedupe_tpdu(&part.pdu_hex);
    let existing: Option<i64> = connection
        .prepare_cached("SELECT id FROM message_parts WHERE iccid = ?1 AND tpdu_hex = ?2")
        .and_then(|mut statement| {
            statement
                .query_row(params![part.iccid, tpdu], |row| row.get(0))
                .optional()
        })
        .context("looking for an already stored PDU")?;
    if let Some(id) = existing {
        tracing::debug!(iccid = part.iccid, part = id, "PDU already stored");
        return Ok(IngestOutcome {
            part_id: PartId(id),
            duplicate: true,
            completed: None,
        });
    }
    let arrival = Arrival {
        iccid: &part.iccid,
        port_path: &part.port_path,
        received_at: part.received_at,
        received_text: timestamp::to_text(part.received_at, "received_at")?,
    };
    ensure_sim(connection, &arrival, now)?;

    let decoded = Pdu::decode_hex(&part.pdu_hex);
    let (sender, concatenation, decode_error) = match &decoded {
        Err(error) => (None, None, Some(error.to_string())),
        Ok(pdu) => match &pdu.message {
            Message::Deliver(deliver) => (
                Some(deliver.sender.value.as_str()),
                // A "multipart" of one part is a single SMS.
                deliver
                    .user_data
                    .header
                    .as_ref()
                    .and_then(|header| header.concatenation)
                    .filter(|concatenation| concatenation.total > 1),
                None,
            ),
            Message::StatusReport(report) => (Some(report.recipient.value.as_str()), None, None),
            Message::Submit(_) => (None, None, None),
        },
    };
    let part_id = insert_part(
        connection,
        &arrival,
        part,
        &tpdu,
        sender,
        concatenation,
        decode_error.as_deref(),
    )?;

    let completed = match decoded {
        Err(error) => {
            tracing::warn!(
                iccid = part.iccid,
                port = part.port_path,
                pdu = part.pdu_hex,
                %error,
                "stored an undecodable PDU"
            );
            let message = NewMessage {
                iccid: arrival.iccid,
                port_path: arrival.port_path,
                kind: MessageKind::Undecodable,
                sender: None,
                body: message::Body::default(),
                smsc: None,
                sent_at: None,
                received_at: &arrival.received_text,
                first_received_at: &arrival.received_text,
                parts_expected: 1,
                parts_received: 1,
                incomplete: false,
            };
            Some(single(connection, part_id, &message, now)?)
        }
        Ok(pdu) => {
            let smsc = pdu.smsc.as_ref().map(|smsc| smsc.value.as_str());
            match &pdu.message {
                Message::Deliver(deliver) => match concatenation {
                    Some(concatenation) => reassembly::add_part(
                        connection,
                        &arrival,
                        part_id,
                        deliver,
                        concatenation,
                        now,
                    )?,
                    None => {
                        let message = deliver_message(&arrival, smsc, deliver);
                        Some(single(connection, part_id, &message, now)?)
                    }
                },
                Message::StatusReport(report) => {
                    let message = report_message(&arrival, smsc, report);
                    Some(single(connection, part_id, &message, now)?)
                }
                // An SMS this SIM sent (or failed to), listed from storage: kept as a part
                // for the record; it is not a received message.
                Message::Submit(_) => None,
            }
        }
    };
    Ok(IngestOutcome {
        part_id,
        duplicate: false,
        completed,
    })
}

/// Makes sure the SIM has a row, so that its parts and messages can point at it even if
/// the port task has not reported it (yet).
fn ensure_sim(connection: &Connection, arrival: &Arrival<'_>, now: &str) -> Result<(), StoreError> {
    let added = connection
        .prepare_cached(
            "INSERT INTO sims (iccid, first_seen, last_seen) VALUES (?1, ?2, ?2)
             ON CONFLICT (iccid) DO NOTHING",
        )
        .and_then(|mut statement| statement.execute(params![arrival.iccid, now]))
        .context("adding the SIM of an SMS")?;
    if added > 0 {
        events::record(
            connection,
            now,
            "sim_new",
            Some(arrival.port_path),
            Some(arrival.iccid),
            "first seen through an SMS",
        )?;
    }
    Ok(())
}

fn insert_part(
    connection: &Connection,
    arrival: &Arrival<'_>,
    part: &IncomingPart,
    tpdu: &str,
    sender: Option<&str>,
    concatenation: Option<Concatenation>,
    decode_error: Option<&str>,
) -> Result<PartId, StoreError> {
    connection
        .prepare_cached(
            "INSERT INTO message_parts (iccid, tpdu_hex, pdu_hex, received_at, port_path,
                                        storage, storage_index, sender, reference, total,
                                        sequence, decode_error)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )
        .and_then(|mut statement| {
            statement.insert(params![
                arrival.iccid,
                tpdu,
                part.pdu_hex.trim(),
                arrival.received_text,
                arrival.port_path,
                part.storage,
                part.index,
                sender,
                concatenation.map(|concatenation| concatenation.reference),
                concatenation.map(|concatenation| concatenation.total),
                concatenation.map(|concatenation| concatenation.sequence),
                decode_error,
            ])
        })
        .map(PartId)
        .context("storing a message part")
}

/// Writes a one-part message and links its part to it.
fn single(
    connection: &Connection,
    part_id: PartId,
    message: &NewMessage<'_>,
    now: &str,
) -> Result<MessageId, StoreError> {
    let id = message::insert(connection, message, now)?;
    connection
        .prepare_cached("UPDATE message_parts SET message_id = ?2 WHERE id = ?1")
        .and_then(|mut statement| statement.execute(params![part_id.0, id.0]))
        .context("linking a part to its message")?;
    Ok(id)
}

/// A time from a PDU as stored; `None` when out of range (never a reason to fail).
pub(crate) fn pdu_time(time: Option<OffsetDateTime>) -> Option<String> {
    time.and_then(|time| timestamp::to_text(time, "a PDU time stamp").ok())
}

fn deliver_message<'a>(
    arrival: &'a Arrival<'a>,
    smsc: Option<&'a str>,
    deliver: &'a Deliver,
) -> NewMessage<'a> {
    NewMessage {
        iccid: arrival.iccid,
        port_path: arrival.port_path,
        kind: MessageKind::Deliver,
        sender: Some((
            deliver.sender.value.as_str(),
            deliver.sender.type_of_number.json_name(),
        )),
        body: message::join(&[(1, &deliver.user_data)]),
        smsc,
        sent_at: pdu_time(deliver.timestamp),
        received_at: &arrival.received_text,
        first_received_at: &arrival.received_text,
        parts_expected: 1,
        parts_received: 1,
        incomplete: false,
    }
}

/// A status report kept minimal: who it is about (as the sender) and a one-line summary of
/// TP-ST as the text (TS 23.040 §9.2.3.15).
fn report_message<'a>(
    arrival: &'a Arrival<'a>,
    smsc: Option<&'a str>,
    report: &'a StatusReport,
) -> NewMessage<'a> {
    let to = &report.recipient.value;
    let status = report.status;
    let summary = match report.status_class() {
        StatusClass::Completed => format!("delivered to {to}"),
        StatusClass::StillTrying => {
            format!("not yet delivered to {to}, still trying (TP-ST 0x{status:02X})")
        }
        StatusClass::PermanentError => {
            format!("not delivered to {to}, permanent error (TP-ST 0x{status:02X})")
        }
        StatusClass::TemporaryErrorGaveUp => {
            format!("not delivered to {to}, gave up (TP-ST 0x{status:02X})")
        }
    };
    NewMessage {
        iccid: arrival.iccid,
        port_path: arrival.port_path,
        kind: MessageKind::StatusReport,
        sender: Some((to.as_str(), report.recipient.type_of_number.json_name())),
        body: message::Body {
            text: Some(format!("{summary}; TP-MR {}", report.reference)),
            encoding: None,
            data_hex: None,
        },
        smsc,
        sent_at: pdu_time(report.timestamp),
        received_at: &arrival.received_text,
        first_received_at: &arrival.received_text,
        parts_expected: 1,
        parts_received: 1,
        incomplete: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dedupe_key_ignores_the_smsc_field_and_case() {
        let with_smsc =
            "07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07";
        let without = "00040b911346610089f60000208062917314080cc8f71d14969741f977fd07";
        assert_eq!(dedupe_tpdu(with_smsc), dedupe_tpdu(without));
        assert!(dedupe_tpdu(with_smsc).starts_with("040B91"));
        // Not hex, or an SMSC length running past the end: kept whole.
        assert_eq!(dedupe_tpdu(" zz \r\n"), "ZZ");
        assert_eq!(dedupe_tpdu("0791"), "0791");
    }
}
