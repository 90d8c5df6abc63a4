//! The store's invariants, against real database files.

#![cfg(test)]

use std::time::Duration;

use super::*;
// SMS go in through the pool's rules, which write through the store under test.
use crate::pool::ingest::testing::{
    ICCID, PORT, TakeIn, all_messages, at, event_kinds, part, sms, store,
};

// ---- ports and SIMs -------------------------------------------------------------------------

fn number(number: &str, source: NumberSource) -> Option<SimNumber> {
    Some(SimNumber {
        number: number.to_owned(),
        source,
    })
}

#[tokio::test]
async fn a_port_keeps_its_identity_and_records_state_changes() {
    let (_dir, store) = store();
    let mut update = PortUpdate::new(PORT, "probe");
    update.model = Some("EC25".to_owned());
    update.imei = Some("861234567890123".to_owned());
    update.last_error = Some("no answer".to_owned());
    store.port_seen(update).await.unwrap();
    let mut signal = PortUpdate::new(PORT, "ready");
    signal.signal_rssi = Some(21);
    store.port_seen(signal.clone()).await.unwrap();
    store.port_seen(signal).await.unwrap();
    let ports = store.ports().unwrap();
    assert_eq!(ports.len(), 1);
    assert_eq!(ports[0].model.as_deref(), Some("EC25"));
    assert_eq!(ports[0].imei.as_deref(), Some("861234567890123"));
    assert_eq!(ports[0].state, "ready");
    assert_eq!(ports[0].signal_rssi, Some(21));
    assert_eq!(
        ports[0].last_error, None,
        "an update without an error clears it"
    );
    assert_eq!(event_kinds(&store), ["port_state", "port_new"]);
    store.port_seen(PortUpdate::gone(PORT)).await.unwrap();
    assert_eq!(store.ports().unwrap()[0].model.as_deref(), Some("EC25"));
}

#[tokio::test]
async fn a_sim_swap_moves_the_port_link_and_the_old_sim_keeps_its_messages() {
    let (_dir, store) = store();
    let old = "8949000000000000011";
    let new = "8949000000000000022";
    let mut update = SimUpdate::new(old, PORT);
    update.number = number("+4915100000011", NumberSource::Cnum);
    update.country = Some("de".to_owned());
    let seen = store.sim_seen(update).await.unwrap();
    assert!(seen.new);
    let pdu = &sms("+4915112345678", "for the old SIM", at(0), 0)[0];
    store.ingest(part(old, pdu, at(0))).await.unwrap();

    let seen = store.sim_seen(SimUpdate::new(new, PORT)).await.unwrap();
    assert_eq!(
        seen,
        SimSeen {
            new: true,
            previous_port: None,
            replaced_iccid: Some(old.to_owned()),
            number_changed: false,
        }
    );
    assert_eq!(store.ports().unwrap()[0].iccid.as_deref(), Some(new));
    let old_row = store.sim(old).unwrap().unwrap();
    assert_eq!(old_row.port_path, None);
    assert_eq!(old_row.country.as_deref(), Some("DE"));
    assert_eq!(
        store.sim(new).unwrap().unwrap().port_path.as_deref(),
        Some(PORT)
    );
    let old_messages = store
        .messages(MessageFilter {
            iccid: Some(old.to_owned()),
            ..MessageFilter::default()
        })
        .unwrap();
    assert_eq!(old_messages.len(), 1);
    assert!(event_kinds(&store).contains(&"sim_swapped".to_owned()));

    // The old SIM goes into another port: a move, and that port is linked to it.
    let other_port = "/dev/modempool/slot2";
    let seen = store
        .sim_seen(SimUpdate::new(old, other_port))
        .await
        .unwrap();
    assert!(!seen.new);
    assert_eq!(seen.previous_port, None, "it had left its port already");
    let seen = store.sim_seen(SimUpdate::new(old, PORT)).await.unwrap();
    assert_eq!(seen.previous_port.as_deref(), Some(other_port));
    assert_eq!(seen.replaced_iccid.as_deref(), Some(new));
    let ports = store.ports().unwrap();
    let port = |path: &str| ports.iter().find(|port| port.path == path).unwrap();
    assert_eq!(port(other_port).iccid, None);
    assert_eq!(port(PORT).iccid.as_deref(), Some(old));

    assert_eq!(store.sim_gone(PORT).await.unwrap().as_deref(), Some(old));
    assert_eq!(store.sim_gone(PORT).await.unwrap(), None);
    assert_eq!(store.sim(old).unwrap().unwrap().port_path, None);
    assert_eq!(store.ports().unwrap()[0].iccid, None);
}

#[tokio::test]
async fn numbers_are_not_lost_nor_manual_ones_overwritten() {
    let (_dir, store) = store();
    let mut update = SimUpdate::new(ICCID, PORT);
    update.number = number("+4915100000001", NumberSource::Ussd);
    store.sim_seen(update).await.unwrap();
    // Seen again without a number: kept.
    let seen = store.sim_seen(SimUpdate::new(ICCID, PORT)).await.unwrap();
    assert!(!seen.number_changed);
    let stored = store.sim(ICCID).unwrap().unwrap().number;
    assert_eq!(stored, number("+4915100000001", NumberSource::Ussd));
    // A technician corrects it; a later probe does not undo that.
    let mut manual = SimUpdate::new(ICCID, PORT);
    manual.number = number("+4915100000002", NumberSource::Manual);
    assert!(store.sim_seen(manual).await.unwrap().number_changed);
    let mut probed = SimUpdate::new(ICCID, PORT);
    probed.number = number("+4915100000001", NumberSource::Cnum);
    assert!(!store.sim_seen(probed).await.unwrap().number_changed);
    let stored = store.sim(ICCID).unwrap().unwrap().number;
    assert_eq!(stored, number("+4915100000002", NumberSource::Manual));
    assert!(event_kinds(&store).contains(&"number_changed".to_owned()));
    // Not E.164: refused by the schema, and nothing of the request stays.
    let mut bad = SimUpdate::new("8949000000000000099", PORT);
    bad.number = number("015100000001", NumberSource::Cnum);
    assert!(store.sim_seen(bad).await.is_err());
    assert!(store.sim("8949000000000000099").unwrap().is_none());
    assert_eq!(
        store.ports().unwrap()[0].iccid.as_deref(),
        Some(ICCID),
        "the failed request's unlinking was rolled back"
    );
}

// ---- batches, failures, concurrency ---------------------------------------------------------

#[tokio::test]
async fn a_failing_request_does_not_fail_the_others_in_its_batch() {
    let (_dir, store) = store();
    let mut tasks = tokio::task::JoinSet::new();
    for index in 0..50 {
        let store = store.clone();
        tasks.spawn(async move {
            if index == 25 {
                // Writes an event, then fails: the event must be rolled back.
                let failing = store
                    .inner
                    .writer
                    .call("test", |connection| {
                        events::record(connection, "t", "doomed", None, None, "")?;
                        events::record(connection, "t", "", None, None, "")
                    })
                    .await;
                assert!(failing.is_err());
            } else {
                store
                    .event("ok", None, None, &index.to_string())
                    .await
                    .unwrap();
            }
        });
    }
    while let Some(joined) = tasks.join_next().await {
        joined.unwrap();
    }
    let kinds = event_kinds(&store);
    assert_eq!(kinds.len(), 49);
    assert!(kinds.iter().all(|kind| kind == "ok"));
}

#[tokio::test]
async fn a_panicking_request_is_rolled_back_and_the_writer_goes_on() {
    let (_dir, store) = store();
    let result: Result<(), StoreError> = store
        .inner
        .writer
        .call("panicking on purpose", |connection| {
            events::record(connection, "t", "doomed", None, None, "")?;
            panic!("a bug in a request");
        })
        .await;
    assert!(
        matches!(result, Err(StoreError::Panicked { .. })),
        "{result:?}"
    );
    store.event("after", None, None, "").await.unwrap();
    assert_eq!(event_kinds(&store), ["after"]);
}

#[tokio::test]
async fn requests_waiting_together_are_committed_in_one_batch() {
    let (_dir, store) = store();
    // Hold the writer inside a request until the others are queued behind it.
    let (release, hold) = std::sync::mpsc::channel::<()>();
    let (entered, inside) = std::sync::mpsc::channel::<()>();
    let holder = {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .inner
                .writer
                .call("holding the writer", move |_| {
                    let _ = entered.send(());
                    let _ = hold.recv();
                    Ok(())
                })
                .await
        })
    };
    while inside.try_recv().is_err() {
        tokio::task::yield_now().await;
    }
    let before = store.inner.writer.batches();
    let mut tasks = tokio::task::JoinSet::new();
    for index in 0..200 {
        let store = store.clone();
        tasks.spawn(async move {
            let pdu = &sms("+4915112345678", &format!("code {index}"), at(0), 0)[0];
            store.ingest(part(ICCID, pdu, at(index))).await
        });
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while store.inner.writer.queued() < 200 {
        assert!(
            std::time::Instant::now() < deadline,
            "requests never queued"
        );
        tokio::task::yield_now().await;
    }
    release.send(()).unwrap();
    holder.await.unwrap().unwrap();
    while let Some(joined) = tasks.join_next().await {
        assert!(joined.unwrap().unwrap().completed.is_some());
    }
    assert_eq!(store.message_count().unwrap(), 200);
    // The held batch, then the 200 queued ones in a single batch (fewer than MAX_BATCH).
    assert_eq!(store.inner.writer.batches() - before, 2);
}

// ---- reading --------------------------------------------------------------------------------

#[tokio::test]
async fn messages_page_by_cursor_and_filter_by_sim() {
    let (_dir, store) = store();
    for index in 0..10 {
        let iccid = if index % 2 == 0 {
            ICCID
        } else {
            "8949000000000000002"
        };
        let pdu = &sms("+4915112345678", &format!("code {index}"), at(0), 0)[0];
        store.ingest(part(iccid, pdu, at(index))).await.unwrap();
    }
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = store
            .messages(MessageFilter {
                allocation_id: None,
                iccid: Some(ICCID.to_owned()),
                after_id: cursor,
                limit: 2,
            })
            .unwrap();
        let Some(last) = page.last() else { break };
        cursor = Some(last.id);
        seen.extend(page.into_iter().map(|row| row.text.unwrap()));
    }
    assert_eq!(seen, ["code 0", "code 2", "code 4", "code 6", "code 8"]);
}

#[tokio::test]
async fn after_close_writes_fail_and_reads_still_work() {
    let (_dir, store) = store();
    store.event("before", None, None, "").await.unwrap();
    let other = store.clone();
    store.close().await.unwrap();
    assert!(matches!(
        other.event("after", None, None, "").await,
        Err(StoreError::Closed)
    ));
    assert_eq!(event_kinds(&other), ["before"]);
}

// ---- migrations -----------------------------------------------------------------------------

#[tokio::test]
async fn a_database_from_an_older_version_is_migrated_and_keeps_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let old = rusqlite::Connection::open(&path).unwrap();
        old.execute_batch(schema::MIGRATIONS[0]).unwrap();
        old.pragma_update(None, "user_version", 1).unwrap();
        old.execute_batch(
            "INSERT INTO sims (iccid, first_seen, last_seen)
                 VALUES ('8949000000000000001', '2025-01-01T00:00:00.000000Z',
                         '2025-01-01T00:00:00.000000Z');
             INSERT INTO messages (iccid, port_path, kind, sender, text, received_at, created_at)
                 VALUES ('8949000000000000001', '/dev/ttyUSB0', 'deliver', 'Bank', 'code 1',
                         '2025-01-01T00:00:00.000000Z', '2025-01-01T00:00:00.000000Z');",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let version: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap();
    assert_eq!(version, schema::MIGRATIONS.len() as i64);
    let rows = all_messages(&store);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].text.as_deref(), Some("code 1"));
    assert_eq!(rows[0].allocation_id, None);
    // The new message gets the next id.
    let pdu = &sms("+4915112345678", "code 2", at(0), 0)[0];
    let outcome = store.ingest(part(ICCID, pdu, at(0))).await.unwrap();
    assert_eq!(outcome.completed, Some(MessageId(rows[0].id.0 + 1)));
    store.close().await.unwrap();
}

#[test]
fn a_store_is_send_and_sync() {
    fn check<T: Send + Sync + Clone>() {}
    check::<Store>();
}

#[tokio::test]
async fn port_events_are_one_ports_newest_first_and_bounded() {
    let (_dir, store) = store();
    let other = "/dev/modempool/other";
    store
        .port_seen(PortUpdate::new(PORT, "probe"))
        .await
        .unwrap();
    store
        .port_seen(PortUpdate::new(other, "ready"))
        .await
        .unwrap();
    let mut failed = PortUpdate::new(PORT, "failed");
    failed.last_error = Some("no answer to AT".to_owned());
    store.port_seen(failed).await.unwrap();
    store
        .event("modem_reset", Some(PORT), None, "a technician's reset")
        .await
        .unwrap();

    let events = store.port_events(PORT, 10).unwrap();
    let kinds: Vec<&str> = events.iter().map(|event| event.kind.as_str()).collect();
    assert_eq!(kinds, ["modem_reset", "port_state", "port_new"]);
    assert!(
        events
            .iter()
            .all(|event| event.port_path.as_deref() == Some(PORT))
    );
    assert!(events.windows(2).all(|pair| pair[0].id > pair[1].id));
    assert_eq!(store.port_events(PORT, 1).unwrap().len(), 1);
    assert!(store.port_events("/dev/none", 10).unwrap().is_empty());
}
