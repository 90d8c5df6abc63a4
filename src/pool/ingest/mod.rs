//! SMS parts in: the pool's half of "commit, then delete", and the rules that make
//! messages of parts.
//!
//! For each part a port task hands over, inside one writer request (so all of it commits
//! or none of it does, before the port hears back):
//! 1. de-duplicate: a PDU is keyed by its SIM and its TPDU (the PDU without the SMSC
//!    field, which modems print differently for `+CMT` and `+CMGL`); the same PDU again (a
//!    re-read after a crash, a modem that both routed and stored it) writes nothing;
//! 2. decode and store the part; nothing in a PDU's content makes this fail: a PDU that
//!    does not decode is stored with its error and shown as an `undecodable` message,
//!    because a failed ingest leaves the SMS on the modem to be read (and fail) again
//!    forever. Errors are for the database;
//! 3. make the message: at once for a single SMS or a status report, through
//!    [`reassembly`] for a part of a multipart SMS;
//! 4. attribute it ([`attribution`]) to the allocation active on its SIM, there and then,
//!    with the one-time code found in it for the allocation's service: every reader (the
//!    gRPC feed, the partner API) gets the same code, stored once.
//!
//! Files: `body` (joining the parts' user data into one text), `reassembly` (multipart
//! groups and the flush of incomplete ones), `attribution` (which allocation a message
//! goes to, and the SIM's health), `clock` (the multipart timer).

mod attribution;
mod body;
mod clock;
mod reassembly;

#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use time::OffsetDateTime;

use crate::otp::CodeExtractor;
use crate::pdu::{Deliver, Message, Pdu, StatusClass, StatusReport, hex_octets};
use crate::store::{Inbox, MessageId, MessageKind, NewMessage, NewPart, PartId, Store, StoreError};

pub use attribution::{HEALTH_BONUS_ON_SMS, SENT_AT_TOLERANCE};
pub(crate) use clock::run_multipart_clock;

/// One PDU as a port task read it from its modem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingPart {
    /// The SIM it arrived on.
    pub iccid: String,
    /// The port it was read from.
    pub port_path: String,
    /// The PDU as the modem prints it in PDU mode: hex, SMSC field first.
    pub pdu_hex: String,
    /// When it reached the daemon.
    pub received_at: OffsetDateTime,
    /// The memory it was stored in (`SM`, `ME`, ...), `None` when routed by `+CMT`.
    pub storage: Option<String>,
    /// Its index in that memory, the one `+CMGD` deletes.
    pub index: Option<u32>,
}

/// What the pool did with a PDU a port handed over. Whatever it says, the PDU
/// is committed: the port task may delete it from the modem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IngestOutcome {
    /// The stored part (the earlier one when `duplicate`).
    pub part_id: PartId,
    /// The same PDU was already stored for this SIM: nothing was written.
    pub duplicate: bool,
    /// The message this part completed, or made on its own (a single SMS, a status
    /// report, an undecodable PDU). `None` for a part still waiting for the others, a
    /// duplicate, a late part, or an SMS-SUBMIT found in storage.
    pub completed: Option<MessageId>,
}

/// The ingest path, shared by every port link and the multipart clock. Cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct Ingest {
    store: Store,
    /// Finds each attributed message's code, for its allocation's service.
    codes: Arc<CodeExtractor>,
}

impl Ingest {
    pub(crate) fn new(store: Store, codes: Arc<CodeExtractor>) -> Ingest {
        Ingest { store, codes }
    }

    /// Takes in one part and returns once it is committed: only then may the port task
    /// delete the SMS from its modem. A PDU already stored for this SIM is reported as a
    /// duplicate and not stored again; a PDU that does not decode is stored anyway, with
    /// an `undecodable` message; an SMS-SUBMIT found in storage is stored as a part with
    /// no message. `Err` means the database failed: keep the SMS on the modem.
    pub(crate) async fn one(&self, part: IncomingPart) -> Result<IngestOutcome, StoreError> {
        let codes = Arc::clone(&self.codes);
        self.store
            .take_in("storing an SMS", move |inbox| take_in(inbox, &codes, &part))
            .await
    }

    /// Takes in many parts in one transaction (a port draining its SIM at start-up), each
    /// in a savepoint of its own so that one failing does not undo the others. The outer
    /// `Err` means nothing was committed; otherwise each part has its own result, in order.
    pub(crate) async fn batch(
        &self,
        parts: Vec<IncomingPart>,
    ) -> Result<Vec<Result<IngestOutcome, StoreError>>, StoreError> {
        let codes = Arc::clone(&self.codes);
        self.store
            .take_in("storing a batch of SMS", move |inbox| {
                parts
                    .iter()
                    .map(|part| inbox.savepoint(|inbox| take_in(inbox, &codes, part)))
                    // A savepoint failing means the transaction is gone: fail the whole
                    // request (and so the batch).
                    .collect::<Result<Vec<_>, _>>()
            })
            .await
    }

    /// Gives up waiting for the missing parts of multipart SMS whose first part arrived
    /// more than `older_than` before `now`: each becomes a message marked incomplete, its
    /// text without the missing parts. Returns the new messages' ids. A part arriving
    /// later is stored but makes no second message (a `late_part` event records it).
    pub(crate) async fn flush_incomplete(
        &self,
        older_than: std::time::Duration,
        now: OffsetDateTime,
    ) -> Result<Vec<MessageId>, StoreError> {
        let cutoff = now
            .checked_sub(time::Duration::try_from(older_than).unwrap_or(time::Duration::MAX))
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let codes = Arc::clone(&self.codes);
        self.store
            .take_in("flushing incomplete multipart SMS", move |inbox| {
                reassembly::flush_incomplete(inbox, &codes, cutoff)
            })
            .await
    }
}

/// Where and when a part arrived, shared by the steps of its ingest.
#[derive(Debug, Clone, Copy)]
pub(super) struct Arrival<'a> {
    pub(super) iccid: &'a str,
    pub(super) port_path: &'a str,
    pub(super) received_at: OffsetDateTime,
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

/// How much of an undecodable PDU line its `invalid_pdu` event keeps: a full PDU is at most
/// 2 × 176 hex digits, so this keeps any real one whole and bounds a line of garbage.
const RAW_LINE_KEPT: usize = 400;

/// Takes in one part inside the writer's request (the module's steps 1 to 4).
fn take_in(
    inbox: &Inbox<'_>,
    codes: &CodeExtractor,
    part: &IncomingPart,
) -> Result<IngestOutcome, StoreError> {
    let tpdu = dedupe_tpdu(&part.pdu_hex);
    if let Some(id) = inbox.stored_part(&part.iccid, &tpdu)? {
        tracing::debug!(iccid = part.iccid, part = id.0, "PDU already stored");
        return Ok(IngestOutcome {
            part_id: id,
            duplicate: true,
            completed: None,
        });
    }
    let arrival = Arrival {
        iccid: &part.iccid,
        port_path: &part.port_path,
        received_at: part.received_at,
    };
    inbox.ensure_sim(arrival.iccid, arrival.port_path)?;

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
    let part_id = inbox.insert_part(&NewPart {
        iccid: arrival.iccid,
        tpdu_hex: &tpdu,
        pdu_hex: part.pdu_hex.trim(),
        received_at: arrival.received_at,
        port_path: arrival.port_path,
        storage: part.storage.as_deref(),
        storage_index: part.index,
        sender,
        concatenation: concatenation.map(|concatenation| {
            (
                concatenation.reference,
                concatenation.total,
                concatenation.sequence,
            )
        }),
        decode_error: decode_error.as_deref(),
    })?;

    let completed = match decoded {
        Err(error) => {
            tracing::warn!(
                iccid = part.iccid,
                port = part.port_path,
                pdu = part.pdu_hex,
                %error,
                "stored an undecodable PDU"
            );
            // The raw line for the technician, with why it is no SMS (an erased slot of all
            // zeros, a damaged read), on the port's events: the message row has no text.
            let line: String = part.pdu_hex.chars().take(RAW_LINE_KEPT).collect();
            let cut = if part.pdu_hex.len() > RAW_LINE_KEPT {
                "…"
            } else {
                ""
            };
            inbox.event(
                "invalid_pdu",
                Some(arrival.port_path),
                Some(arrival.iccid),
                &format!("{error}: {line}{cut}"),
            )?;
            let message = one_part(&arrival, MessageKind::Undecodable, None, None, None);
            Some(single(inbox, codes, part_id, &message)?)
        }
        Ok(pdu) => {
            let smsc = pdu.smsc.as_ref().map(|smsc| smsc.value.as_str());
            match &pdu.message {
                Message::Deliver(deliver) => match concatenation {
                    Some(concatenation) => reassembly::add_part(
                        inbox,
                        codes,
                        &arrival,
                        part_id,
                        deliver,
                        concatenation,
                    )?,
                    None => {
                        let message = deliver_message(&arrival, smsc, deliver);
                        Some(single(inbox, codes, part_id, &message)?)
                    }
                },
                Message::StatusReport(report) => {
                    let message = report_message(&arrival, smsc, report);
                    Some(single(inbox, codes, part_id, &message)?)
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

/// Writes a message and attributes it, there and then, to the allocation active on its
/// SIM with the code found in it (see [`attribution`]); never later.
pub(super) fn write_message(
    inbox: &Inbox<'_>,
    codes: &CodeExtractor,
    message: &NewMessage<'_>,
) -> Result<MessageId, StoreError> {
    let id = inbox.insert_message(message)?;
    attribution::attribute(inbox, codes, id, message)?;
    Ok(id)
}

/// Writes a one-part message and links its part to it.
fn single(
    inbox: &Inbox<'_>,
    codes: &CodeExtractor,
    part_id: PartId,
    message: &NewMessage<'_>,
) -> Result<MessageId, StoreError> {
    let id = write_message(inbox, codes, message)?;
    inbox.link_part(part_id, id)?;
    Ok(id)
}

/// A one-part message of `kind` that arrived as `arrival`, with no content yet.
fn one_part<'a>(
    arrival: &Arrival<'a>,
    kind: MessageKind,
    sender: Option<(&'a str, &'static str)>,
    smsc: Option<&'a str>,
    sent_at: Option<OffsetDateTime>,
) -> NewMessage<'a> {
    NewMessage {
        iccid: arrival.iccid,
        port_path: arrival.port_path,
        kind,
        sender,
        text: None,
        encoding: None,
        data_hex: None,
        smsc,
        sent_at,
        received_at: arrival.received_at,
        first_received_at: arrival.received_at,
        parts_expected: 1,
        parts_received: 1,
        incomplete: false,
    }
}

fn deliver_message<'a>(
    arrival: &Arrival<'a>,
    smsc: Option<&'a str>,
    deliver: &'a Deliver,
) -> NewMessage<'a> {
    let sender = (
        deliver.sender.value.as_str(),
        deliver.sender.type_of_number.json_name(),
    );
    let body = body::join(&[(1, &deliver.user_data)]);
    NewMessage {
        text: body.text,
        encoding: body.encoding.map(|encoding| encoding.json_name()),
        data_hex: body.data_hex,
        ..one_part(
            arrival,
            MessageKind::Deliver,
            Some(sender),
            smsc,
            deliver.timestamp,
        )
    }
}

/// A status report kept minimal: who it is about (as the sender) and a one-line summary of
/// TP-ST as the text (TS 23.040 §9.2.3.15).
fn report_message<'a>(
    arrival: &Arrival<'a>,
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
    let sender = (to.as_str(), report.recipient.type_of_number.json_name());
    NewMessage {
        text: Some(format!("{summary}; TP-MR {}", report.reference)),
        ..one_part(
            arrival,
            MessageKind::StatusReport,
            Some(sender),
            smsc,
            report.timestamp,
        )
    }
}

#[cfg(test)]
mod dedupe_tests {
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
