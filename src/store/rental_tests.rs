//! The renting rules, against real database files: one SIM per allocation, never the same
//! number twice for a service, attribution only while active, expiry, idempotency, the
//! feed.

#![cfg(test)]

use std::collections::BTreeSet;
use std::time::Duration;

use time::OffsetDateTime;

use super::*;
use crate::pdu::{Address, DeliverSpec};
// SMS go in through the pool's rules, which attribute them through the store under test.
use crate::pool::IncomingPart;
use crate::pool::ingest::testing::TakeIn;

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store.db")).unwrap();
    (dir, store)
}

fn rules() -> PoolRules {
    PoolRules {
        cooldown: Duration::ZERO,
        ..PoolRules::default()
    }
}

fn iccid(slot: usize) -> String {
    format!("894400000000000{slot:04}")
}

fn port(slot: usize) -> String {
    format!("/dev/modempool/slot{slot:02}")
}

fn number(slot: usize) -> String {
    format!("+4477230{slot:05}")
}

/// `count` ready ports with a SIM and a number each; SIMs below `gb` are British (EE), the
/// rest French (Orange).
async fn rack(store: &Store, count: usize, gb: usize) {
    for slot in 0..count {
        store
            .port_seen(PortUpdate::new(port(slot), "ready"))
            .await
            .unwrap();
        let (country, operator, number) = if slot < gb {
            ("GB", "EE", number(slot))
        } else {
            ("FR", "Orange", format!("+3361200{slot:04}"))
        };
        store
            .sim_seen(SimUpdate {
                number: Some(SimNumber {
                    number: number.to_owned(),
                    source: NumberSource::Cnum,
                }),
                country: Some(country.to_owned()),
                operator: Some(operator.to_owned()),
                ..SimUpdate::new(iccid(slot), port(slot))
            })
            .await
            .unwrap();
    }
}

fn request(owner: &str, service: &str, ids: &[&str]) -> AllocationRequest {
    AllocationRequest {
        owner: owner.to_owned(),
        service: service.to_owned(),
        country: None,
        operator: None,
        number: None,
        ids: ids.iter().map(|id| (*id).to_owned()).collect(),
        lease: Duration::from_secs(600),
        idempotency: None,
        exclude_prefixes: Vec::new(),
        price_micros: None,
    }
}

fn allocated(outcome: AllocateOutcome) -> Vec<AllocationRow> {
    match outcome {
        AllocateOutcome::Allocated(rows) => rows,
        other => panic!("expected allocations, got {other:?}"),
    }
}

fn sms_now(iccid: &str, text: &str) -> IncomingPart {
    sms_at(iccid, text, OffsetDateTime::now_utc())
}

fn sms_at(iccid: &str, text: &str, sent: OffsetDateTime) -> IncomingPart {
    let pdu = DeliverSpec::new(Address::guess("WhatsApp"), text, sent)
        .encode()
        .unwrap()
        .remove(0)
        .to_hex();
    IncomingPart {
        iccid: iccid.to_owned(),
        port_path: "/dev/modempool/any".to_owned(),
        pdu_hex: pdu,
        received_at: OffsetDateTime::now_utc(),
        storage: None,
        index: None,
    }
}

fn allocation_texts(store: &Store, id: &str) -> Vec<String> {
    store
        .messages(MessageFilter {
            allocation_id: Some(id.to_owned()),
            ..MessageFilter::default()
        })
        .unwrap()
        .into_iter()
        .map(|message| message.text.unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn concurrent_allocations_never_share_a_sim_and_stop_at_the_stock() {
    let (_dir, store) = store();
    rack(&store, 50, 50).await;
    let mut tasks = Vec::new();
    for call in 0..400 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let id = format!("r-{call}");
            let request = request("backend", "whatsapp", &[id.as_str()]);
            store.allocate(request, rules()).await.unwrap()
        }));
    }
    let mut sims = BTreeSet::new();
    let mut refused = 0;
    for task in tasks {
        match task.await.unwrap() {
            AllocateOutcome::Allocated(rows) => {
                for row in rows {
                    assert!(sims.insert(row.iccid.clone()), "{} given twice", row.iccid);
                }
            }
            AllocateOutcome::NoStock { .. } => refused += 1,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(sims.len(), 50);
    assert_eq!(refused, 350);
}

#[tokio::test]
async fn a_number_is_never_given_twice_for_a_service_but_may_be_for_another() {
    let (_dir, store) = store();
    rack(&store, 2, 2).await;
    let first = allocated(
        store
            .allocate(request("b", "telegram", &["a1", "a2"]), rules())
            .await
            .unwrap(),
    );
    for row in &first {
        let released = store
            .release(Some("b"), &row.id, ReleaseReason::Completed, rules())
            .await
            .unwrap();
        assert!(matches!(released, Change::Done(_)), "{released:?}");
    }
    // Both SIMs are free again, but used for telegram.
    let again = store
        .allocate(request("b", "telegram", &["a3"]), rules())
        .await
        .unwrap();
    assert_eq!(
        again,
        AllocateOutcome::NoStock {
            wanted: 1,
            available: 0
        }
    );
    let other = allocated(
        store
            .allocate(request("b", "viber", &["a4", "a5"]), rules())
            .await
            .unwrap(),
    );
    assert_eq!(other.len(), 2);
    // All or none: three wanted, none given.
    let stock = store.stock(Some("signal"), None, &rules()).unwrap();
    assert!(stock.is_empty(), "{stock:?}");
}

#[tokio::test]
async fn an_explicit_rerent_gives_the_same_number_again_when_it_is_free() {
    let (_dir, store) = store();
    rack(&store, 1, 1).await;
    let first = allocated(
        store
            .allocate(request("b", "uber", &["u1"]), rules())
            .await
            .unwrap(),
    );
    let mut rerent = request("b", "uber", &["u2"]);
    rerent.number = Some(number(0));
    assert_eq!(
        store.allocate(rerent.clone(), rules()).await.unwrap(),
        AllocateOutcome::NumberRefused(RerentReason::CurrentlyAllocated)
    );
    assert_eq!(
        store.rerent_check("uber", &number(0), &rules()).unwrap(),
        RerentReason::CurrentlyAllocated
    );
    store
        .release(Some("b"), &first[0].id, ReleaseReason::Completed, rules())
        .await
        .unwrap();
    assert_eq!(
        store.rerent_check("uber", &number(0), &rules()).unwrap(),
        RerentReason::Ok
    );
    assert_eq!(
        store.rerent_check("lyft", &number(0), &rules()).unwrap(),
        RerentReason::NotUsedForService
    );
    assert_eq!(
        store
            .rerent_check("uber", "+447700900999", &rules())
            .unwrap(),
        RerentReason::NotInInventory
    );
    let second = allocated(store.allocate(rerent, rules()).await.unwrap());
    assert_eq!(second[0].number, number(0));
    assert!(second[0].rerent);
}

#[tokio::test]
async fn bad_number_quarantines_for_the_service_and_costs_health() {
    let (_dir, store) = store();
    rack(&store, 1, 1).await;
    let first = allocated(
        store
            .allocate(request("b", "tinder", &["t1"]), rules())
            .await
            .unwrap(),
    );
    store
        .release(Some("b"), &first[0].id, ReleaseReason::BadNumber, rules())
        .await
        .unwrap();
    assert_eq!(
        store.rerent_check("tinder", &number(0), &rules()).unwrap(),
        RerentReason::QuarantinedForService
    );
    assert_eq!(store.sim(&iccid(0)).unwrap().unwrap().health, 75);
    let twice = allocated(
        store
            .allocate(request("b", "x", &["t2"]), rules())
            .await
            .unwrap(),
    );
    store
        .release(Some("b"), &twice[0].id, ReleaseReason::BadNumber, rules())
        .await
        .unwrap();
    // Health 50 is still rentable; 25 is not.
    let thrice = allocated(
        store
            .allocate(request("b", "y", &["t3"]), rules())
            .await
            .unwrap(),
    );
    store
        .release(Some("b"), &thrice[0].id, ReleaseReason::BadNumber, rules())
        .await
        .unwrap();
    assert_eq!(
        store
            .allocate(request("b", "z", &["t4"]), rules())
            .await
            .unwrap(),
        AllocateOutcome::NoStock {
            wanted: 1,
            available: 0
        }
    );
    assert_eq!(
        store.rerent_check("x", &number(0), &rules()).unwrap(),
        RerentReason::QuarantinedForService
    );
}

#[tokio::test]
async fn an_allocation_sees_only_what_arrived_while_it_was_active() {
    let (_dir, store) = store();
    rack(&store, 1, 1).await;
    store
        .ingest(sms_now(&iccid(0), "before 111111"))
        .await
        .unwrap();
    let rows = allocated(
        store
            .allocate(request("b", "s", &["i1"]), rules())
            .await
            .unwrap(),
    );
    let id = &rows[0].id;
    store
        .ingest(sms_now(&iccid(0), "during 222222"))
        .await
        .unwrap();
    // Stamped by the service centre long before the allocation: held back by the network.
    let stale = sms_at(
        &iccid(0),
        "stale 333333",
        OffsetDateTime::now_utc() - time::Duration::hours(1),
    );
    store.ingest(stale).await.unwrap();
    let released = store
        .release(Some("b"), id, ReleaseReason::Completed, rules())
        .await
        .unwrap();
    let Change::Done(released) = released else {
        panic!("{released:?}")
    };
    assert_eq!(released.message_count, 1);
    store
        .ingest(sms_now(&iccid(0), "after 444444"))
        .await
        .unwrap();
    assert_eq!(allocation_texts(&store, id), vec!["during 222222"]);
    // The others are kept, attributed to nobody.
    assert_eq!(store.message_count().unwrap(), 4);
    assert_eq!(store.rental_totals().unwrap().messages_unattributed, 3);
}

#[tokio::test]
async fn a_lease_that_ran_out_gets_nothing_even_before_the_sweep() {
    let (_dir, store) = store();
    rack(&store, 1, 1).await;
    let mut short = request("b", "s", &["e1"]);
    short.lease = Duration::from_millis(1);
    let rows = allocated(store.allocate(short, rules()).await.unwrap());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while OffsetDateTime::now_utc() <= rows[0].expires_at {
        assert!(tokio::time::Instant::now() < deadline);
        tokio::task::yield_now().await;
    }
    store
        .ingest(sms_now(&iccid(0), "late 555555"))
        .await
        .unwrap();
    assert!(allocation_texts(&store, "e1").is_empty());
    assert_eq!(store.expire_due().await.unwrap(), vec!["e1".to_owned()]);
    let row = store.allocation(Some("b"), "e1").unwrap().unwrap();
    assert_eq!(row.state, AllocationState::Expired);
    assert_eq!(row.ended_at, Some(row.expires_at));
    let feed = store.feed_after(Some("b"), &[], 0, 100).unwrap();
    assert_eq!(
        feed.iter().map(|item| item.kind).collect::<Vec<_>>(),
        vec![FeedKind::Expired]
    );
    // Released after expiry: refused, with the allocation as it is.
    let again = store
        .release(Some("b"), "e1", ReleaseReason::Cancelled, rules())
        .await
        .unwrap();
    assert!(matches!(again, Change::NotActive(_)), "{again:?}");
}

#[tokio::test]
async fn an_idempotency_key_replays_and_refuses_another_request() {
    let (_dir, store) = store();
    rack(&store, 3, 3).await;
    let mut first = request("b", "s", &["k1"]);
    first.idempotency = Some(Idempotency {
        key: "order-1".to_owned(),
        fingerprint: "s|1".to_owned(),
    });
    let rows = allocated(store.allocate(first.clone(), rules()).await.unwrap());
    let mut retry = first.clone();
    retry.ids = vec!["k2".to_owned()];
    match store.allocate(retry.clone(), rules()).await.unwrap() {
        AllocateOutcome::Replayed(replayed) => assert_eq!(replayed, rows),
        other => panic!("{other:?}"),
    }
    // Another caller's key of the same name is its own.
    let mut other_owner = retry.clone();
    other_owner.owner = "c".to_owned();
    assert!(matches!(
        store.allocate(other_owner, rules()).await.unwrap(),
        AllocateOutcome::Allocated(_)
    ));
    let mut different = retry;
    different.idempotency = Some(Idempotency {
        key: "order-1".to_owned(),
        fingerprint: "s|2".to_owned(),
    });
    assert_eq!(
        store.allocate(different, rules()).await.unwrap(),
        AllocateOutcome::KeyReused
    );
    assert_eq!(store.rental_totals().unwrap().total, 2);
}

#[tokio::test]
async fn filters_prefixes_and_owners() {
    let (_dir, store) = store();
    rack(&store, 4, 2).await;
    let mut french = request("b", "s", &["f1", "f2"]);
    french.country = Some("FR".to_owned());
    let rows = allocated(store.allocate(french, rules()).await.unwrap());
    assert!(rows.iter().all(|row| row.country.as_deref() == Some("FR")));
    let mut excluded = request("b", "s", &["g1"]);
    excluded.exclude_prefixes = vec!["+44".to_owned()];
    assert!(matches!(
        store.allocate(excluded, rules()).await.unwrap(),
        AllocateOutcome::NoStock { .. }
    ));
    let mut operator = request("b", "s", &["g2"]);
    operator.operator = Some("ee".to_owned());
    assert_eq!(
        allocated(store.allocate(operator, rules()).await.unwrap()).len(),
        1
    );
    assert!(
        store
            .allocation(Some("someone else"), "f1")
            .unwrap()
            .is_none()
    );
    let released = store
        .release(
            Some("someone else"),
            "f1",
            ReleaseReason::Completed,
            rules(),
        )
        .await
        .unwrap();
    assert_eq!(released, Change::NotFound);
    let listed = store
        .allocations(&AllocationFilter {
            owner: Some("b".to_owned()),
            limit: 10,
            ..AllocationFilter::default()
        })
        .unwrap();
    assert_eq!(listed.len(), 3);
    let stock = store.stock(None, None, &rules()).unwrap();
    assert_eq!(
        stock,
        vec![StockCount {
            country: Some("GB".to_owned()),
            operator: Some("EE".to_owned()),
            available: 1
        }]
    );
}

#[tokio::test]
async fn extend_keeps_within_the_maximum() {
    let (_dir, store) = store();
    rack(&store, 1, 1).await;
    let rows = allocated(
        store
            .allocate(request("b", "s", &["x1"]), rules())
            .await
            .unwrap(),
    );
    let max = Duration::from_secs(3600);
    let extended = store
        .extend(Some("b"), "x1", Duration::from_secs(600), max)
        .await
        .unwrap();
    let Change::Done(extended) = extended else {
        panic!("{extended:?}")
    };
    assert_eq!(
        extended.expires_at - rows[0].expires_at,
        time::Duration::minutes(10)
    );
    let too_long = store
        .extend(Some("b"), "x1", Duration::from_secs(3600), max)
        .await
        .unwrap();
    assert_eq!(too_long, Change::TooLong { max });
}

#[tokio::test]
async fn a_port_going_down_and_up_tells_the_allocation_once_each() {
    let (_dir, store) = store();
    rack(&store, 1, 1).await;
    allocated(
        store
            .allocate(request("b", "s", &["p1"]), rules())
            .await
            .unwrap(),
    );
    let mut cursor = store.feed_cursor();
    let before = *cursor.borrow_and_update();
    for state in ["recovering", "failed", "ready", "ready"] {
        store
            .port_seen(PortUpdate::new(port(0), state))
            .await
            .unwrap();
    }
    store.sim_gone(&port(0)).await.unwrap();
    assert!(cursor.has_changed().unwrap());
    let kinds: Vec<FeedKind> = store
        .feed_after(Some("b"), &["p1".to_owned()], before, 100)
        .unwrap()
        .into_iter()
        .map(|item| item.kind)
        .collect();
    assert_eq!(
        kinds,
        vec![FeedKind::SimLost, FeedKind::SimBack, FeedKind::SimLost]
    );
}

#[tokio::test]
async fn ports_from_the_last_run_are_not_rentable_until_they_report() {
    let (_dir, store) = store();
    rack(&store, 2, 2).await;
    assert_eq!(store.ports_unseen().await.unwrap(), 2);
    assert!(store.stock(None, None, &rules()).unwrap().is_empty());
    store
        .port_seen(PortUpdate::new(port(1), "ready"))
        .await
        .unwrap();
    assert_eq!(store.stock(None, None, &rules()).unwrap()[0].available, 1);
}

#[tokio::test]
async fn a_sim_swapped_out_tells_its_allocation() {
    let (_dir, store) = store();
    rack(&store, 1, 1).await;
    allocated(
        store
            .allocate(request("b", "s", &["w1"]), rules())
            .await
            .unwrap(),
    );
    store
        .sim_seen(SimUpdate::new("8944000000000009999", port(0)))
        .await
        .unwrap();
    let feed = store.feed_after(Some("b"), &[], 0, 10).unwrap();
    assert_eq!(feed.len(), 1);
    assert_eq!(feed[0].kind, FeedKind::SimLost);
    assert_eq!(feed[0].detail, "SIM swapped out");
}

#[tokio::test]
async fn a_rental_keeps_the_price_it_was_sold_at() {
    let (_dir, store) = store();
    rack(&store, 2, 2).await;
    let priced = AllocationRequest {
        price_micros: Some(250_000),
        ..request("partner:a", "telegram", &["p-1"])
    };
    let rows = allocated(store.allocate(priced, rules()).await.unwrap());
    assert_eq!(rows[0].price_micros, Some(250_000));
    let read = store.allocation(None, "p-1").unwrap().unwrap();
    assert_eq!(read.price_micros, Some(250_000));
    let unpriced = allocated(
        store
            .allocate(request("backend", "telegram", &["p-2"]), rules())
            .await
            .unwrap(),
    );
    assert_eq!(unpriced[0].price_micros, None);
    let released = store
        .release(Some("partner:a"), "p-1", ReleaseReason::Cancelled, rules())
        .await
        .unwrap();
    assert!(matches!(released, Change::Done(row) if row.price_micros == Some(250_000)));
}

#[tokio::test]
async fn an_attributed_sms_carries_its_services_code_and_one_outside_an_allocation_none() {
    let (_dir, store) = store();
    rack(&store, 1, 1).await;
    // The service's own pattern wins over the built-in rules, at write time.
    let patterns = [r"ref (\d{3}-\d{3})".to_owned()];
    let codes = crate::otp::CodeExtractor::with_patterns([("s", &patterns[..])]).unwrap();
    let ingest = crate::pool::ingest::Ingest::new(store.clone(), std::sync::Arc::new(codes));
    ingest
        .one(sms_now(&iccid(0), "Your code is 482913"))
        .await
        .unwrap();
    let rows = allocated(
        store
            .allocate(request("b", "s", &["c1"]), rules())
            .await
            .unwrap(),
    );
    ingest
        .one(sms_now(&iccid(0), "Code 111111, ref 730-412"))
        .await
        .unwrap();
    let codes: Vec<(Option<String>, Option<String>)> = store
        .messages(MessageFilter::default())
        .unwrap()
        .into_iter()
        .map(|message| (message.allocation_id, message.code))
        .collect();
    assert_eq!(
        codes,
        [
            (None, None),
            (Some(rows[0].id.clone()), Some("730-412".to_owned()))
        ]
    );
    // The feed carries the same code.
    let feed = store.feed_after(Some("b"), &[], 0, 100).unwrap();
    let message = feed[0].message.as_ref().unwrap();
    assert_eq!(message.code.as_deref(), Some("730-412"));
}
