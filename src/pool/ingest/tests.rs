//! The ingest rules, against real database files: exactly once, what a PDU becomes,
//! multipart SMS, batches.

use std::time::Duration;

use super::testing::{ICCID, TakeIn, all_messages, at, event_kinds, long_text, part, sms, store};
use super::{IncomingPart, IngestOutcome};
use crate::pdu::address::write_tp_address;
use crate::pdu::{Address, DeliverSpec, SubmitSpec};
use crate::store::{MessageKind, SimState, Store, StoreError};

/// One part of a UCS2 multipart SMS, written by hand so a test can split a surrogate pair
/// (the encoder never does).
fn ucs2_part(sender: &str, reference: u8, total: u8, sequence: u8, payload: &[u8]) -> String {
    let mut octets = vec![0x00, 0x44]; // empty SMSC; SMS-DELIVER with TP-UDHI
    write_tp_address(&Address::guess(sender), &mut octets).unwrap();
    octets.extend_from_slice(&[0x00, 0x08]); // TP-PID, TP-DCS UCS2
    octets.extend_from_slice(&crate::pdu::timestamp::encode(at(0)).unwrap());
    octets.push(6 + payload.len() as u8);
    octets.extend_from_slice(&[0x05, 0x00, 0x03, reference, total, sequence]);
    octets.extend_from_slice(payload);
    hex::encode_upper(octets)
}

// ---- exactly once ---------------------------------------------------------------------------

#[tokio::test]
async fn the_same_pdu_twice_is_one_part_and_one_message() {
    let (_dir, store) = store();
    let pdu = &sms("+4915112345678", "Your code is 1234", at(-5), 0)[0];
    let first = store.ingest(part(ICCID, pdu, at(0))).await.unwrap();
    assert!(!first.duplicate);
    let message = first.completed.expect("a single SMS is a message at once");
    let second = store.ingest(part(ICCID, pdu, at(9))).await.unwrap();
    assert_eq!(
        second,
        IngestOutcome {
            part_id: first.part_id,
            duplicate: true,
            completed: None,
        }
    );
    assert_eq!(store.part_count().unwrap(), 1);
    assert_eq!(store.message_count().unwrap(), 1);
    let rows = all_messages(&store);
    let row = &rows[0];
    assert_eq!(row.id, message);
    assert_eq!(row.kind, MessageKind::Deliver);
    assert_eq!(row.text.as_deref(), Some("Your code is 1234"));
    assert_eq!(row.sender.as_deref(), Some("+4915112345678"));
    assert_eq!(row.sender_type.as_deref(), Some("international"));
    assert_eq!(row.encoding, Some("gsm7"));
    assert_eq!(row.sent_at, Some(at(-5)));
    assert_eq!(row.received_at, at(0));
    assert_eq!((row.parts_expected, row.parts_received), (1, 1));
    assert!(!row.incomplete);
    // Invariant 3: stored with its SIM, not attributed to anything.
    assert_eq!(row.iccid, ICCID);
    assert_eq!(row.allocation_id, None);
}

#[tokio::test]
async fn a_different_smsc_field_or_case_is_still_the_same_pdu() {
    let (_dir, store) = store();
    let mut spec = DeliverSpec::new(Address::guess("+4915112345678"), "code 77", at(0));
    let plain = spec.encode().unwrap()[0].to_hex();
    spec.smsc = Some(Address::international("491710760000"));
    let with_smsc = spec.encode().unwrap()[0].to_hex();
    assert_ne!(plain, with_smsc);
    store.ingest(part(ICCID, &plain, at(0))).await.unwrap();
    let again = store.ingest(part(ICCID, &with_smsc, at(1))).await.unwrap();
    assert!(again.duplicate);
    let lower = store
        .ingest(part(
            ICCID,
            &format!(" {}\r\n", plain.to_lowercase()),
            at(2),
        ))
        .await
        .unwrap();
    assert!(lower.duplicate);
    // The same PDU on another SIM is another SMS.
    let other = store
        .ingest(part("8949000000000000002", &plain, at(3)))
        .await
        .unwrap();
    assert!(!other.duplicate);
    assert_eq!(store.message_count().unwrap(), 2);
}

#[tokio::test]
async fn a_re_read_after_a_crash_is_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let pdu = &sms("+4915112345678", "Your code is 1234", at(0), 0)[0];
    let first = {
        let store = Store::open(&path).unwrap();
        let outcome = store.ingest(part(ICCID, pdu, at(0))).await.unwrap();
        // The "crash": the handle goes away without close(), before the modem's delete.
        drop(store);
        outcome
    };
    let store = Store::open(&path).unwrap();
    let again = store.ingest(part(ICCID, pdu, at(60))).await.unwrap();
    assert!(again.duplicate);
    assert_eq!(again.part_id, first.part_id);
    assert_eq!(store.part_count().unwrap(), 1);
    assert_eq!(store.message_count().unwrap(), 1);
    store.close().await.unwrap();
}

// ---- what a PDU becomes ---------------------------------------------------------------------

#[tokio::test]
async fn an_undecodable_pdu_is_kept_with_a_message_for_the_technicians() {
    let (dir, store) = store();
    for (index, garbage) in ["00zz11", "0004", ""].into_iter().enumerate() {
        let outcome = store
            .ingest(part(ICCID, garbage, at(index as i64)))
            .await
            .unwrap();
        assert!(outcome.completed.is_some(), "{garbage:?}");
    }
    let rows = all_messages(&store);
    assert_eq!(rows.len(), 3);
    for row in &rows {
        assert_eq!(row.kind, MessageKind::Undecodable);
        assert_eq!(row.text, None);
        assert_eq!(row.iccid, ICCID);
    }
    let reader = rusqlite::Connection::open(dir.path().join("store.db")).unwrap();
    let errors: Vec<Option<String>> = reader
        .prepare("SELECT decode_error FROM message_parts ORDER BY id")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(errors.iter().all(Option::is_some), "{errors:?}");
}

/// The all-zero line some modems print for an erased slot is no SMS: it is kept as an
/// undecodable message (never shown as text) and the port's events hold the raw line and why.
#[tokio::test]
async fn an_all_zero_line_is_invalid_and_its_raw_line_is_an_event() {
    let (dir, store) = store();
    let zeros = "0".repeat(58);
    let outcome = store.ingest(part(ICCID, &zeros, at(0))).await.unwrap();
    assert!(outcome.completed.is_some());
    let rows = all_messages(&store);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].kind, MessageKind::Undecodable);
    assert_eq!(rows[0].sender, None);
    let reader = rusqlite::Connection::open(dir.path().join("store.db")).unwrap();
    let (kind, detail): (String, String) = reader
        .query_row(
            "SELECT kind, detail FROM events WHERE kind = 'invalid_pdu'",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    assert_eq!(kind, "invalid_pdu");
    assert!(detail.starts_with("not an SMS: no sender"), "{detail}");
    assert!(detail.ends_with(&zeros), "{detail}");
}

#[tokio::test]
async fn a_status_report_is_a_message_and_a_sent_sms_is_only_a_part() {
    let (_dir, store) = store();
    let report = "00024204913619515071322005235140813220054200";
    let outcome = store.ingest(part(ICCID, report, at(0))).await.unwrap();
    assert!(outcome.completed.is_some());
    let submit = SubmitSpec::new(Address::guess("+4915112345678"), "hello")
        .encode()
        .unwrap()[0]
        .to_hex();
    let outcome = store.ingest(part(ICCID, &submit, at(1))).await.unwrap();
    assert_eq!(outcome.completed, None);
    assert!(!outcome.duplicate);
    assert_eq!(store.part_count().unwrap(), 2);
    let rows = all_messages(&store);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].kind, MessageKind::StatusReport);
    assert_eq!(rows[0].sender.as_deref(), Some("+6391"));
    assert_eq!(
        rows[0].text.as_deref(),
        Some("delivered to +6391; TP-MR 66")
    );
}

#[tokio::test]
async fn eight_bit_data_is_kept_as_hex() {
    let (_dir, store) = store();
    let mut spec = DeliverSpec::new(Address::guess("1800"), "", at(0));
    spec.body = crate::pdu::Body::Data(vec![0x00, 0x01, 0xFE]);
    let pdu = spec.encode().unwrap()[0].to_hex();
    store.ingest(part(ICCID, &pdu, at(0))).await.unwrap();
    let row = &all_messages(&store)[0];
    assert_eq!(row.encoding, Some("8bit"));
    assert_eq!(row.data_hex.as_deref(), Some("0001FE"));
    assert_eq!(row.text, None);
    assert_eq!(row.sender_type.as_deref(), Some("unknown"));
}

// ---- multipart ------------------------------------------------------------------------------

#[tokio::test]
async fn multipart_in_order() {
    let (_dir, store) = store();
    let text = long_text();
    let parts = sms("+4915112345678", &text, at(-10), 42);
    assert_eq!(parts.len(), 3);
    let mut completed = Vec::new();
    for (index, pdu) in parts.iter().enumerate() {
        let outcome = store
            .ingest(part(ICCID, pdu, at(index as i64)))
            .await
            .unwrap();
        completed.push(outcome.completed);
    }
    assert_eq!(completed[..2], [None, None]);
    let id = completed[2].expect("the last part completes it");
    let rows = all_messages(&store);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].id, id);
    assert_eq!(rows[0].text.as_deref(), Some(text.as_str()));
    assert_eq!((rows[0].parts_expected, rows[0].parts_received), (3, 3));
    assert_eq!(rows[0].received_at, at(2));
    assert_eq!(rows[0].sent_at, Some(at(-10)));
    assert!(!rows[0].incomplete);
}

#[tokio::test]
async fn multipart_out_of_order_and_duplicated() {
    let (_dir, store) = store();
    let text = long_text();
    let parts = sms("+4915112345678", &text, at(0), 7);
    let order = [2, 0, 2, 0, 1];
    let mut completed = Vec::new();
    for (step, &index) in order.iter().enumerate() {
        let outcome = store
            .ingest(part(ICCID, &parts[index], at(step as i64)))
            .await
            .unwrap();
        completed.push(outcome.completed);
    }
    assert!(completed[..4].iter().all(Option::is_none));
    assert!(completed[4].is_some());
    assert_eq!(store.part_count().unwrap(), 3);
    let rows = all_messages(&store);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].text.as_deref(), Some(text.as_str()));
    // A copy of a part after completion is a plain duplicate.
    let late = store.ingest(part(ICCID, &parts[1], at(10))).await.unwrap();
    assert!(late.duplicate);
    assert_eq!(store.message_count().unwrap(), 1);
}

#[tokio::test]
async fn the_same_part_with_another_smsc_time_stamp_does_not_break_completeness() {
    let (_dir, store) = store();
    let text = long_text();
    let first_try = sms("+4915112345678", &text, at(0), 9);
    let redelivery = sms("+4915112345678", &text, at(30), 9);
    assert_ne!(first_try[0], redelivery[0]);
    store
        .ingest(part(ICCID, &first_try[0], at(0)))
        .await
        .unwrap();
    let copy = store
        .ingest(part(ICCID, &redelivery[0], at(1)))
        .await
        .unwrap();
    assert!(!copy.duplicate, "a different PDU is stored");
    assert_eq!(copy.completed, None);
    store
        .ingest(part(ICCID, &first_try[1], at(2)))
        .await
        .unwrap();
    let done = store
        .ingest(part(ICCID, &redelivery[2], at(3)))
        .await
        .unwrap();
    assert!(done.completed.is_some());
    let rows = all_messages(&store);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].text.as_deref(), Some(text.as_str()));
    assert_eq!(rows[0].sent_at, Some(at(0)), "from the first part kept");
    assert_eq!(rows[0].parts_received, 3);
    assert!(event_kinds(&store).contains(&"duplicate_sequence".to_owned()));

    // The rest of the redelivery after completion: part 2 is new as a PDU but carries the
    // text already used (no second message); part 3 is the very PDU used (a duplicate).
    for (index, pdu) in redelivery.iter().enumerate().skip(1) {
        let outcome = store
            .ingest(part(ICCID, pdu, at(10 + index as i64)))
            .await
            .unwrap();
        assert_eq!(outcome.completed, None);
        assert_eq!(outcome.duplicate, index == 2);
    }
    assert_eq!(store.message_count().unwrap(), 1);
    assert_eq!(store.part_count().unwrap(), 5);
}

#[tokio::test]
async fn a_missing_part_is_flushed_after_the_timeout_and_a_late_part_adds_no_message() {
    let (_dir, store) = store();
    let text = long_text();
    let parts = sms("+4915112345678", &text, at(0), 5);
    store.ingest(part(ICCID, &parts[0], at(0))).await.unwrap();
    store.ingest(part(ICCID, &parts[2], at(5))).await.unwrap();
    let timeout = Duration::from_secs(600);
    // Not yet old enough.
    assert!(
        store
            .flush_incomplete(timeout, at(599))
            .await
            .unwrap()
            .is_empty()
    );
    let flushed = store.flush_incomplete(timeout, at(601)).await.unwrap();
    assert_eq!(flushed.len(), 1);
    // Flushed once only.
    assert!(
        store
            .flush_incomplete(timeout, at(1200))
            .await
            .unwrap()
            .is_empty()
    );
    let rows = all_messages(&store);
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.id, flushed[0]);
    assert!(row.incomplete);
    assert_eq!((row.parts_expected, row.parts_received), (3, 2));
    assert_eq!(row.received_at, at(5));
    let expected: String = text
        .chars()
        .take(153)
        .chain(text.chars().skip(306))
        .collect();
    assert_eq!(row.text.as_deref(), Some(expected.as_str()));
    assert!(event_kinds(&store).contains(&"incomplete_flushed".to_owned()));

    let late = store
        .ingest(part(ICCID, &parts[1], at(1300)))
        .await
        .unwrap();
    assert!(!late.duplicate);
    assert_eq!(late.completed, None);
    assert_eq!(store.message_count().unwrap(), 1);
    assert_eq!(store.part_count().unwrap(), 3);
    assert!(event_kinds(&store).contains(&"late_part".to_owned()));
}

#[tokio::test]
async fn a_reference_reused_after_completion_starts_a_new_message() {
    let (_dir, store) = store();
    let first = format!("First message. {}", long_text());
    let second = format!("Second message. {}", long_text());
    for (round, text) in [&first, &second].into_iter().enumerate() {
        let parts = sms("+4915112345678", text, at(round as i64 * 100), 200);
        let mut last = None;
        for (index, pdu) in parts.iter().enumerate() {
            last = store
                .ingest(part(ICCID, pdu, at(round as i64 * 100 + index as i64)))
                .await
                .unwrap()
                .completed;
        }
        assert!(last.is_some(), "round {round}");
    }
    let texts: Vec<Option<String>> = all_messages(&store)
        .into_iter()
        .map(|row| row.text)
        .collect();
    assert_eq!(texts, [Some(first), Some(second)]);
}

#[tokio::test]
async fn a_ucs2_surrogate_pair_split_across_parts_joins() {
    let (_dir, store) = store();
    // "Код " then U+1F600 split: D83D ends part 1, DE00 starts part 2, then " 4321".
    let one = [0x04, 0x1A, 0x04, 0x3E, 0x04, 0x34, 0x00, 0x20, 0xD8, 0x3D];
    let two = [
        0xDE, 0x00, 0x00, 0x20, 0x00, 0x34, 0x00, 0x33, 0x00, 0x32, 0x00, 0x31,
    ];
    let sender = "+79161234567";
    store
        .ingest(part(ICCID, &ucs2_part(sender, 3, 2, 2, &two), at(0)))
        .await
        .unwrap();
    let done = store
        .ingest(part(ICCID, &ucs2_part(sender, 3, 2, 1, &one), at(1)))
        .await
        .unwrap();
    assert!(done.completed.is_some());
    let row = &all_messages(&store)[0];
    assert_eq!(row.text.as_deref(), Some("Код \u{1F600} 4321"));
    assert_eq!(row.encoding, Some("ucs2"));
}

#[tokio::test]
async fn multipart_groups_are_per_sim_and_per_sender() {
    let (_dir, store) = store();
    let text = long_text();
    let a = sms("+4915112345678", &text, at(0), 1);
    let b = sms("+4915187654321", &text, at(0), 1);
    for pdu in a.iter().take(2).chain(b.iter().take(2)) {
        store.ingest(part(ICCID, pdu, at(0))).await.unwrap();
    }
    store
        .ingest(part("8949000000000000002", &a[2], at(1)))
        .await
        .unwrap();
    assert_eq!(store.message_count().unwrap(), 0);
    store.ingest(part(ICCID, &b[2], at(2))).await.unwrap();
    let rows = all_messages(&store);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].sender.as_deref(), Some("+4915187654321"));
}

#[tokio::test]
async fn an_sms_from_an_unreported_sim_still_gets_stored() {
    let (_dir, store) = store();
    let pdu = &sms("+4915112345678", "hello", at(0), 0)[0];
    store.ingest(part(ICCID, pdu, at(0))).await.unwrap();
    let sim = store.sim(ICCID).unwrap().unwrap();
    assert_eq!(sim.state, SimState::Active);
    assert_eq!(sim.health, 100);
    assert_eq!(sim.port_path, None);
}

// ---- batches ------------------------------------------------------------------------------

#[tokio::test]
async fn a_thousand_parts_in_one_batch() {
    let (_dir, store) = store();
    let parts: Vec<IncomingPart> = (0..1000)
        .map(|index| {
            let pdu = &sms("+4915112345678", &format!("code {index}"), at(0), 0)[0];
            part(ICCID, pdu, at(index))
        })
        .collect();
    let results = store.ingest_batch(parts.clone()).await.unwrap();
    assert_eq!(results.len(), 1000);
    assert!(
        results
            .iter()
            .all(|result| result.as_ref().is_ok_and(|outcome| !outcome.duplicate))
    );
    assert_eq!(store.part_count().unwrap(), 1000);
    assert_eq!(store.message_count().unwrap(), 1000);
    let again = store.ingest_batch(parts).await.unwrap();
    assert!(
        again
            .iter()
            .all(|result| result.as_ref().is_ok_and(|outcome| outcome.duplicate))
    );
    assert_eq!(store.message_count().unwrap(), 1000);
}

#[tokio::test]
async fn a_failing_part_does_not_fail_the_rest_of_its_batch() {
    let (_dir, store) = store();
    let pdus = sms("+4915112345678", &long_text(), at(0), 77);
    // An empty ICCID breaks a CHECK constraint after nothing else was written for it.
    let parts = vec![
        part(ICCID, &pdus[0], at(0)),
        part("", &pdus[1], at(1)),
        part(ICCID, &pdus[2], at(2)),
    ];
    let results = store.ingest_batch(parts).await.unwrap();
    assert!(results[0].is_ok());
    assert!(
        matches!(results[1], Err(StoreError::Sqlite { .. })),
        "{:?}",
        results[1]
    );
    assert!(results[2].is_ok());
    assert_eq!(store.part_count().unwrap(), 2);
    // Part 2 comes again on the right SIM: the message completes.
    let done = store.ingest(part(ICCID, &pdus[1], at(3))).await.unwrap();
    assert!(done.completed.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_tasks_ingesting_at_once_store_everything_once() {
    let (_dir, store) = store();
    let shared = sms("+4915112345678", &long_text(), at(0), 99);
    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..8 {
        let store = store.clone();
        let shared = shared.clone();
        tasks.spawn(async move {
            let iccid = format!("89490000000000001{task:02}");
            for index in 0..50 {
                let pdu = &sms(
                    "+4915112345678",
                    &format!("task {task} code {index}"),
                    at(0),
                    0,
                )[0];
                store.ingest(part(&iccid, pdu, at(index))).await.unwrap();
                // Every task also delivers the same multipart SMS to the same SIM.
                let shared_part = &shared[index as usize % shared.len()];
                store
                    .ingest(part(ICCID, shared_part, at(index)))
                    .await
                    .unwrap();
            }
        });
    }
    while let Some(joined) = tasks.join_next().await {
        joined.unwrap();
    }
    assert_eq!(store.part_count().unwrap(), 8 * 50 + 3);
    assert_eq!(store.message_count().unwrap(), 8 * 50 + 1);
    let rows = all_messages(&store);
    let ids: Vec<i64> = rows.iter().map(|row| row.id.0).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(ids, sorted, "ids unique and in order");
}
