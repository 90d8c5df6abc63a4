//! The gRPC API end to end: the real daemon (`modempool serve --simulate N`, a child
//! process) with simulated modems on pseudo-terminals, called over a real socket with the
//! generated client, SMS injected through the simulator's control endpoint.
//!
//! What it proves: allocate → SMS → the stream delivers it with its code → release; an
//! allocation sees only the SMS of its own time; 1,000 concurrent Allocate calls for 50 SIMs
//! give exactly 50 allocations, no SIM twice; never the same number twice for a service
//! (re-rent aside); idempotency; expiry without any call; auth failures; a watch resumed
//! from its cursor misses nothing and repeats nothing; errors carry the right codes.

use std::collections::BTreeSet;

use tokio::time::timeout;
use tonic::Code;
use tonic::metadata::MetadataValue;
use tonic::service::Interceptor;
use tonic::transport::Channel;

use crate::common;
use crate::common::{BOUND, field, until};
use modempool::proto::v1 as pb;
use pb::admin_client::AdminClient;
use pb::pool_client::PoolClient;
use pb::simulator_control_client::SimulatorControlClient;
use pb::watch_messages_response::Item;

const BACKEND: &str = "backend-token";
const OTHER: &str = "other-token";
const OPS: &str = "ops-token";

/// Adds `authorization: Bearer <token>` (or nothing) to every call.
#[derive(Clone)]
struct Bearer(Option<&'static str>);

impl Interceptor for Bearer {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        if let Some(token) = self.0 {
            let value: MetadataValue<_> = format!("Bearer {token}")
                .parse()
                .map_err(|_| tonic::Status::internal("bad token"))?;
            request.metadata_mut().insert("authorization", value);
        }
        Ok(request)
    }
}

type Pool = PoolClient<tonic::service::interceptor::InterceptedService<Channel, Bearer>>;
type Admin = AdminClient<tonic::service::interceptor::InterceptedService<Channel, Bearer>>;

/// A `modempool serve --simulate N` child with its own directory; its addresses and port
/// lines are the daemon's (through `Deref`).
struct Served {
    daemon: common::Served,
    _dir: tempfile::TempDir,
}

impl std::ops::Deref for Served {
    type Target = common::Served;

    fn deref(&self) -> &common::Served {
        &self.daemon
    }
}

impl Served {
    /// Starts `ports` simulated modems behind the daemon, with three tokens (backend and
    /// other for the pool, ops for admin), no cool-down, and `extra` appended to the config.
    fn start(ports: u32, extra: &str) -> Served {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let hash = modempool::api::grpc::auth::hash_token;
        let config = format!(
            "[api]\ntokens = [\n  {{ name = \"backend\", sha256 = \"{}\" }},\n  \
             {{ name = \"other\", sha256 = \"{}\" }},\n  \
             {{ name = \"ops\", sha256 = \"{}\", admin = true }},\n]\n\
             [pool]\ncooldown_secs = 0\n{extra}",
            hash(BACKEND),
            hash(OTHER),
            hash(OPS)
        );
        let daemon = common::Served::simulated(
            ports,
            dir.path(),
            Some(&config),
            &["--personality", "mixed", "--seed", "11"],
            &[],
        );
        Served { daemon, _dir: dir }
    }

    async fn channel(address: &str) -> Channel {
        timeout(
            BOUND,
            Channel::from_shared(format!("http://{address}"))
                .expect("a valid address")
                .connect(),
        )
        .await
        .expect("connected in time")
        .expect("connected")
    }

    async fn pool(&self, token: Option<&'static str>) -> Pool {
        PoolClient::with_interceptor(Self::channel(&self.grpc).await, Bearer(token))
    }

    async fn admin(&self, token: Option<&'static str>) -> Admin {
        AdminClient::with_interceptor(Self::channel(&self.grpc).await, Bearer(token))
    }

    async fn simulator(&self) -> SimulatorControlClient<Channel> {
        SimulatorControlClient::new(Self::channel(&self.control).await)
    }

    /// The index of the simulated port whose SIM has `number`.
    fn port_of(&self, number: &str) -> u32 {
        let index = self
            .ports
            .iter()
            .position(|line| field(line, "msisdn") == number)
            .unwrap_or_else(|| panic!("no simulated SIM has {number}"));
        u32::try_from(index).expect("a small index")
    }

    /// Waits until `count` SIMs can be rented.
    async fn wait_for_stock(&self, count: u32) {
        let mut pool = self.pool(Some(BACKEND)).await;
        until(&format!("{count} SIMs rentable"), BOUND, async || {
            let stock = pool
                .list_stock(pb::ListStockRequest::default())
                .await
                .expect("ListStock answers")
                .into_inner();
            let available: u32 = stock.entries.iter().map(|entry| entry.available).sum();
            if available >= count {
                Ok(())
            } else {
                Err(format!("only {available} of {count} SIMs became rentable"))
            }
        })
        .await;
    }

    /// Delivers an SMS to the SIM with `number`.
    async fn send_sms(&self, number: &str, from: &str, text: &str) {
        let port = self.port_of(number);
        let outcome = timeout(
            BOUND,
            self.simulator().await.send_sms(pb::SendSmsRequest {
                port,
                from: from.to_owned(),
                text: text.to_owned(),
                ..pb::SendSmsRequest::default()
            }),
        )
        .await
        .expect("the simulator answered in time")
        .expect("the simulator took the SMS");
        assert!(!outcome.into_inner().outcomes.is_empty());
    }
}

fn allocate_request(service: &str, quantity: u32) -> pb::AllocateRequest {
    pb::AllocateRequest {
        service: service.to_owned(),
        quantity,
        ..pb::AllocateRequest::default()
    }
}

async fn allocate_one(pool: &mut Pool, service: &str) -> pb::Allocation {
    let mut response = pool
        .allocate(allocate_request(service, 1))
        .await
        .expect("allocated")
        .into_inner();
    assert_eq!(response.allocations.len(), 1);
    response.allocations.remove(0)
}

async fn release(pool: &mut Pool, id: &str, reason: pb::ReleaseReason) -> pb::ReleaseResponse {
    pool.release(pb::ReleaseRequest {
        id: id.to_owned(),
        reason: reason.into(),
    })
    .await
    .expect("released")
    .into_inner()
}

/// The next item of a watch, within the bound.
async fn next_item(
    stream: &mut tonic::Streaming<pb::WatchMessagesResponse>,
) -> pb::WatchMessagesResponse {
    timeout(BOUND, stream.message())
        .await
        .expect("the watch delivered in time")
        .expect("the watch is healthy")
        .expect("the watch is open")
}

async fn watch(
    pool: &mut Pool,
    ids: &[&str],
    after: u64,
) -> tonic::Streaming<pb::WatchMessagesResponse> {
    pool.watch_messages(pb::WatchMessagesRequest {
        allocation_ids: ids.iter().map(|id| (*id).to_owned()).collect(),
        after_cursor: after,
    })
    .await
    .expect("the watch opens")
    .into_inner()
}

async fn texts(pool: &mut Pool, id: &str) -> Vec<String> {
    pool.list_messages(pb::ListMessagesRequest {
        allocation_id: id.to_owned(),
        ..pb::ListMessagesRequest::default()
    })
    .await
    .expect("messages listed")
    .into_inner()
    .messages
    .into_iter()
    .map(|message| message.text)
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allocate_receive_the_code_on_the_stream_and_release() {
    let served = Served::start(3, "");
    served.wait_for_stock(3).await;
    let mut pool = served.pool(Some(BACKEND)).await;
    let allocation = allocate_one(&mut pool, "WhatsApp").await;
    assert!(allocation.id.contains('-'), "{}", allocation.id);
    assert_eq!(allocation.service, "whatsapp");
    assert_eq!(allocation.state(), pb::AllocationState::Active);
    assert!(allocation.number.starts_with('+'));
    let mut stream = watch(&mut pool, &[&allocation.id], 0).await;
    served
        .send_sms(
            &allocation.number,
            "WhatsApp",
            "Your WhatsApp code: 482-913. Don't share this code with others",
        )
        .await;
    let item = next_item(&mut stream).await;
    let Some(Item::Message(message)) = item.item else {
        panic!("expected a message, got {item:?}")
    };
    assert_eq!(message.allocation_id, allocation.id);
    assert_eq!(message.number, allocation.number);
    assert_eq!(message.code, "482-913");
    assert_eq!(message.sender.expect("a sender").value, "WhatsApp");
    assert!(message.received_at.is_some() && message.sent_at.is_some());

    let released = release(&mut pool, &allocation.id, pb::ReleaseReason::Completed).await;
    assert!(released.sms_received);
    let ended = released.allocation.expect("the allocation");
    assert_eq!(ended.state(), pb::AllocationState::Released);
    assert_eq!(ended.message_count, 1);
    let item = next_item(&mut stream).await;
    let Some(Item::Event(event)) = item.item else {
        panic!("expected an event, got {item:?}")
    };
    assert_eq!(event.kind(), pb::AllocationEventKind::Released);
    assert_eq!(event.detail, "completed");

    // A cancelled allocation with no SMS tells the backend to refund.
    let idle = allocate_one(&mut pool, "whatsapp").await;
    let released = release(&mut pool, &idle.id, pb::ReleaseReason::Cancelled).await;
    assert!(!released.sms_received);
    let status = pool
        .release(pb::ReleaseRequest {
            id: idle.id.clone(),
            reason: pb::ReleaseReason::Cancelled.into(),
        })
        .await
        .expect_err("released twice");
    assert_eq!(status.code(), Code::FailedPrecondition, "{status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_allocation_sees_only_its_own_sms_and_no_other_caller_sees_it() {
    let served = Served::start(2, "");
    served.wait_for_stock(2).await;
    let mut pool = served.pool(Some(BACKEND)).await;
    let mut other = served.pool(Some(OTHER)).await;
    let first = allocate_one(&mut pool, "telegram").await;
    let number = first.number.clone();
    release(&mut pool, &first.id, pb::ReleaseReason::Cancelled).await;
    // Between rentals: belongs to nobody.
    served
        .send_sms(&number, "Telegram", "Telegram code: 11111")
        .await;
    let mut admin = served.admin(Some(OPS)).await;
    let iccid = field(&served.ports[served.port_of(&number) as usize], "iccid").to_owned();
    let sim_messages = |admin: &mut Admin| {
        let mut admin = admin.clone();
        let iccid = iccid.clone();
        async move {
            admin
                .list_sim_messages(pb::ListSimMessagesRequest { iccid, limit: 0 })
                .await
                .expect("the SIM's messages")
                .into_inner()
                .messages
        }
    };
    until("the idle SMS arrives", BOUND, async || {
        !sim_messages(&mut admin).await.is_empty()
    })
    .await;

    // Another service rents the same number (by an explicit request: it is free).
    let mut request = allocate_request("signal", 1);
    request.number = number.clone();
    let second = pool
        .allocate(request)
        .await
        .expect("the free number rented")
        .into_inner()
        .allocations
        .remove(0);
    assert_eq!(second.number, number);
    assert!(!second.rerent, "never used for signal: not a re-rent");
    let mut stream = watch(&mut pool, &[&second.id], 0).await;
    served
        .send_sms(&number, "Signal", "Your Signal code: 222222")
        .await;
    let item = next_item(&mut stream).await;
    let Some(Item::Message(message)) = item.item else {
        panic!("expected a message, got {item:?}")
    };
    assert_eq!(message.text, "Your Signal code: 222222");
    release(&mut pool, &second.id, pb::ReleaseReason::Completed).await;
    served
        .send_sms(&number, "Signal", "Your Signal code: 333333")
        .await;
    until("the late SMS arrives", BOUND, async || {
        sim_messages(&mut admin).await.len() >= 3
    })
    .await;
    assert_eq!(
        texts(&mut pool, &second.id).await,
        vec!["Your Signal code: 222222"]
    );
    assert!(texts(&mut pool, &first.id).await.is_empty());
    let attributed: Vec<String> = sim_messages(&mut admin)
        .await
        .into_iter()
        .map(|message| message.allocation_id)
        .collect();
    assert_eq!(
        attributed,
        vec![String::new(), second.id.clone(), String::new()]
    );

    // Another caller: not found, not listed, not watchable.
    let status = other
        .get_allocation(pb::GetAllocationRequest {
            id: second.id.clone(),
        })
        .await
        .expect_err("another caller's allocation");
    assert_eq!(status.code(), Code::NotFound);
    let status = other
        .watch_messages(pb::WatchMessagesRequest {
            allocation_ids: vec![second.id.clone()],
            after_cursor: 0,
        })
        .await
        .expect_err("another caller's watch");
    assert_eq!(status.code(), Code::NotFound);
    let listed = other
        .list_allocations(pb::ListAllocationsRequest::default())
        .await
        .expect("listed")
        .into_inner();
    assert!(listed.allocations.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_allocations_for_fifty_sims_give_fifty() {
    let served = Served::start(50, "");
    served.wait_for_stock(50).await;
    let channel = Served::channel(&served.grpc).await;
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..1000 {
        let mut pool = PoolClient::with_interceptor(channel.clone(), Bearer(Some(BACKEND)));
        calls.spawn(async move { pool.allocate(allocate_request("tinder", 1)).await });
    }
    let mut numbers = BTreeSet::new();
    let mut exhausted = 0;
    while let Some(call) = timeout(BOUND, calls.join_next())
        .await
        .expect("calls end in time")
    {
        match call.expect("the task ran") {
            Ok(response) => {
                for allocation in response.into_inner().allocations {
                    assert!(
                        numbers.insert(allocation.number.clone()),
                        "{} twice",
                        allocation.number
                    );
                }
            }
            Err(status) => {
                assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
                exhausted += 1;
            }
        }
    }
    assert_eq!(numbers.len(), 50);
    assert_eq!(exhausted, 950);
    let mut admin = served.admin(Some(OPS)).await;
    let counters = admin
        .get_counters(pb::GetCountersRequest {})
        .await
        .expect("counters")
        .into_inner();
    assert_eq!(counters.allocations_active, 50);
    assert_eq!(counters.allocate_no_stock, 950);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn never_the_same_number_twice_for_a_service_unless_re_rented() {
    let served = Served::start(3, "");
    served.wait_for_stock(3).await;
    let mut pool = served.pool(Some(BACKEND)).await;
    let mut seen = BTreeSet::new();
    for _ in 0..3 {
        let allocation = allocate_one(&mut pool, "uber").await;
        assert!(
            seen.insert(allocation.number.clone()),
            "{} twice for uber",
            allocation.number
        );
        release(&mut pool, &allocation.id, pb::ReleaseReason::Completed).await;
    }
    let status = pool
        .allocate(allocate_request("uber", 1))
        .await
        .expect_err("every number was used for uber");
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert!(
        status.message().contains("no stock"),
        "{}",
        status.message()
    );
    let stock = pool
        .list_stock(pb::ListStockRequest {
            service: "uber".to_owned(),
            country: String::new(),
        })
        .await
        .expect("stock")
        .into_inner();
    assert!(stock.entries.is_empty(), "{stock:?}");

    let numbers: Vec<String> = seen.iter().cloned().collect();
    let checks = pool
        .check_rerent(pb::CheckRerentRequest {
            service: "uber".to_owned(),
            numbers: vec![
                numbers[0].clone(),
                "+447723000001".to_owned(),
                "0800".to_owned(),
            ],
        })
        .await
        .expect("checked")
        .into_inner()
        .results;
    let reasons: Vec<pb::RerentReason> = checks.iter().map(|check| check.reason()).collect();
    assert_eq!(
        reasons,
        vec![
            pb::RerentReason::Ok,
            pb::RerentReason::NotInInventory,
            pb::RerentReason::InvalidNumber
        ]
    );
    assert!(checks[0].eligible);
    let mut rerent = allocate_request("uber", 1);
    rerent.number = numbers[0].clone();
    let again = pool
        .allocate(rerent.clone())
        .await
        .expect("re-rented")
        .into_inner();
    assert!(again.allocations[0].rerent);
    assert_eq!(again.allocations[0].number, numbers[0]);
    let status = pool.allocate(rerent).await.expect_err("in use");
    assert_eq!(status.code(), Code::FailedPrecondition, "{status:?}");
    assert!(
        status.message().contains("currently_allocated"),
        "{}",
        status.message()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idempotency_key_never_charges_twice() {
    let served = Served::start(3, "");
    served.wait_for_stock(3).await;
    let mut pool = served.pool(Some(BACKEND)).await;
    let mut request = allocate_request("amazon", 2);
    request.idempotency_key = "order-7781".to_owned();
    let first = pool
        .allocate(request.clone())
        .await
        .expect("allocated")
        .into_inner();
    assert!(!first.replayed);
    let again = pool
        .allocate(request.clone())
        .await
        .expect("replayed")
        .into_inner();
    assert!(again.replayed);
    let ids = |response: &pb::AllocateResponse| -> Vec<String> {
        response.allocations.iter().map(|a| a.id.clone()).collect()
    };
    assert_eq!(ids(&first), ids(&again));
    request.quantity = 1;
    let status = pool
        .allocate(request)
        .await
        .expect_err("the key with other parameters");
    assert_eq!(status.code(), Code::AlreadyExists, "{status:?}");
    let listed = pool
        .list_allocations(pb::ListAllocationsRequest::default())
        .await
        .expect("listed")
        .into_inner();
    assert_eq!(listed.allocations.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lease_expires_on_time_without_any_call_and_gets_no_later_sms() {
    let served = Served::start(1, "");
    served.wait_for_stock(1).await;
    let mut pool = served.pool(Some(BACKEND)).await;
    let mut request = allocate_request("discord", 1);
    request.lease = Some(prost_types::Duration {
        seconds: 2,
        nanos: 0,
    });
    let allocation = pool
        .allocate(request)
        .await
        .expect("allocated")
        .into_inner()
        .allocations
        .remove(0);
    let mut stream = watch(&mut pool, &[], 0).await;
    let item = next_item(&mut stream).await;
    let Some(Item::Event(event)) = item.item else {
        panic!("expected an event, got {item:?}")
    };
    assert_eq!(event.kind(), pb::AllocationEventKind::Expired);
    assert_eq!(event.allocation_id, allocation.id);
    assert_eq!(event.at, allocation.expires_at);
    served
        .send_sms(&allocation.number, "Discord", "Your Discord code is 909090")
        .await;
    let got = pool
        .get_allocation(pb::GetAllocationRequest {
            id: allocation.id.clone(),
        })
        .await
        .expect("the allocation")
        .into_inner();
    assert_eq!(got.state(), pb::AllocationState::Expired);
    // The SIM is back in stock for other services; the SMS reaches the store but not it.
    served.wait_for_stock(1).await;
    let mut admin = served.admin(Some(OPS)).await;
    let counters = until("the SMS arrives", BOUND, async || {
        let counters = admin
            .get_counters(pb::GetCountersRequest {})
            .await
            .expect("counters")
            .into_inner();
        (counters.messages == 1).then_some(counters)
    })
    .await;
    assert_eq!(counters.messages_outside_allocations, 1);
    assert!(texts(&mut pool, &allocation.id).await.is_empty());
    let status = pool
        .extend(pb::ExtendRequest {
            id: allocation.id,
            extend_by: Some(prost_types::Duration {
                seconds: 60,
                nanos: 0,
            }),
        })
        .await
        .expect_err("an expired lease");
    assert_eq!(status.code(), Code::FailedPrecondition, "{status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watch_resumed_from_its_cursor_misses_nothing_and_repeats_nothing() {
    let served = Served::start(1, "");
    served.wait_for_stock(1).await;
    let mut pool = served.pool(Some(BACKEND)).await;
    let allocation = allocate_one(&mut pool, "viber").await;
    let mut stream = watch(&mut pool, &[], 0).await;
    let mut received = Vec::new();
    let mut cursor = 0;
    for text in ["Viber code 100001", "Viber code 100002"] {
        served.send_sms(&allocation.number, "Viber", text).await;
        let item = next_item(&mut stream).await;
        assert!(item.cursor > cursor);
        cursor = item.cursor;
        let Some(Item::Message(message)) = item.item else {
            panic!("expected a message, got {item:?}")
        };
        received.push(message.code);
    }
    drop(stream);
    // While nobody watches.
    for text in ["Viber code 100003", "Viber code 100004"] {
        served.send_sms(&allocation.number, "Viber", text).await;
    }
    until("the SMS arrive", BOUND, async || {
        texts(&mut pool, &allocation.id).await.len() >= 4
    })
    .await;
    let mut resumed = watch(&mut pool, &[], cursor).await;
    for _ in 0..2 {
        let item = next_item(&mut resumed).await;
        assert!(item.cursor > cursor);
        cursor = item.cursor;
        let Some(Item::Message(message)) = item.item else {
            panic!("expected a message, got {item:?}")
        };
        received.push(message.code);
    }
    assert_eq!(received, vec!["100001", "100002", "100003", "100004"]);
    // Nothing more is pending: the next item is the release.
    release(&mut pool, &allocation.id, pb::ReleaseReason::Completed).await;
    let item = next_item(&mut resumed).await;
    assert!(matches!(item.item, Some(Item::Event(_))), "{item:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_rights_and_bad_requests_get_the_right_codes() {
    let served = Served::start(1, "");
    let mut anonymous = served.pool(None).await;
    let status = anonymous
        .list_stock(pb::ListStockRequest::default())
        .await
        .expect_err("no token");
    assert_eq!(status.code(), Code::Unauthenticated);
    let mut wrong = PoolClient::with_interceptor(
        Served::channel(&served.grpc).await,
        Bearer(Some("not-a-token")),
    );
    let status = wrong
        .list_stock(pb::ListStockRequest::default())
        .await
        .expect_err("a wrong token");
    assert_eq!(status.code(), Code::Unauthenticated);
    let mut not_admin = served.admin(Some(BACKEND)).await;
    let status = not_admin
        .list_sims(pb::ListSimsRequest {})
        .await
        .expect_err("a pool token on Admin");
    assert_eq!(status.code(), Code::PermissionDenied);
    let mut admin = served.admin(Some(OPS)).await;
    admin
        .list_sims(pb::ListSimsRequest {})
        .await
        .expect("an admin token");

    served.wait_for_stock(1).await;
    let mut pool = served.pool(Some(BACKEND)).await;
    for (request, words) in [
        (allocate_request("", 1), "service"),
        (allocate_request("x", 21), "quantity"),
        (
            pb::AllocateRequest {
                country: "GBR".to_owned(),
                ..allocate_request("x", 1)
            },
            "country",
        ),
        (
            pb::AllocateRequest {
                number: "07700900123".to_owned(),
                ..allocate_request("x", 1)
            },
            "E.164",
        ),
        (
            pb::AllocateRequest {
                lease: Some(prost_types::Duration {
                    seconds: 400 * 86_400,
                    nanos: 0,
                }),
                ..allocate_request("x", 1)
            },
            "lease",
        ),
    ] {
        let status = pool.allocate(request).await.expect_err("a bad request");
        assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
        assert!(
            status.message().contains(words),
            "{words}: {}",
            status.message()
        );
    }
    let status = pool
        .release(pb::ReleaseRequest {
            id: "rack-nothing".to_owned(),
            reason: pb::ReleaseReason::Completed.into(),
        })
        .await
        .expect_err("an unknown id");
    assert_eq!(status.code(), Code::NotFound);
    let mut country = allocate_request("x", 1);
    country.country = "JP".to_owned();
    let status = pool.allocate(country).await.expect_err("no SIM in Japan");
    assert_eq!(status.code(), Code::ResourceExhausted);

    // gRPC health answers without a token.
    let mut health =
        tonic_health::pb::health_client::HealthClient::new(Served::channel(&served.grpc).await);
    let serving = health
        .check(tonic_health::pb::HealthCheckRequest {
            service: "modempool.v1.Pool".to_owned(),
        })
        .await
        .expect("health answers")
        .into_inner();
    assert_eq!(
        serving.status(),
        tonic_health::pb::health_check_response::ServingStatus::Serving
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_with_client_certificates_admits_only_certified_clients() {
    use tonic::transport::{Certificate, ClientTlsConfig, Identity};
    let pki = common::pki::pki();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("a PEM file");
        path.display().to_string()
    };
    let extra = format!(
        "[api.tls]\ncert = \"{}\"\nkey = \"{}\"\nclient_ca = \"{}\"\n",
        write("server.pem", &pki.server.0),
        write("server.key", &pki.server.1),
        write("ca.pem", &pki.ca)
    );
    let served = Served::start(1, &extra);
    let endpoint = |identity: Option<Identity>| {
        let mut tls = ClientTlsConfig::new()
            .ca_certificate(Certificate::from_pem(&pki.ca))
            .domain_name("localhost");
        if let Some(identity) = identity {
            tls = tls.identity(identity);
        }
        Channel::from_shared(format!("https://{}", served.grpc))
            .expect("an address")
            .tls_config(tls)
            .expect("a TLS configuration")
    };
    let channel = timeout(
        BOUND,
        endpoint(Some(Identity::from_pem(&pki.client.0, &pki.client.1))).connect(),
    )
    .await
    .expect("connected in time")
    .expect("a certified client connects");
    let mut pool = PoolClient::with_interceptor(channel, Bearer(Some(BACKEND)));
    pool.list_stock(pb::ListStockRequest::default())
        .await
        .expect("a call over TLS");

    // No client certificate: the handshake (or the first call) fails.
    let refused = match timeout(BOUND, endpoint(None).connect())
        .await
        .expect("in time")
    {
        Err(_) => true,
        Ok(channel) => PoolClient::with_interceptor(channel, Bearer(Some(BACKEND)))
            .list_stock(pb::ListStockRequest::default())
            .await
            .is_err(),
    };
    assert!(refused, "a client without a certificate was served");
    // Plain text to a TLS port fails too.
    let plain = Channel::from_shared(format!("http://{}", served.grpc))
        .expect("an address")
        .connect()
        .await;
    if let Ok(channel) = plain {
        let status = PoolClient::with_interceptor(channel, Bearer(Some(BACKEND)))
            .list_stock(pb::ListStockRequest::default())
            .await
            .expect_err("plain text to a TLS port");
        assert_ne!(status.code(), Code::Ok);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn technicians_take_sims_out_of_rotation_fix_numbers_and_reset_modems() {
    let served = Served::start(2, "");
    served.wait_for_stock(2).await;
    let mut admin = served.admin(Some(OPS)).await;
    let mut pool = served.pool(Some(BACKEND)).await;
    let modems = admin
        .list_modems(pb::ListModemsRequest {})
        .await
        .expect("modems")
        .into_inner()
        .modems;
    assert_eq!(modems.len(), 2);
    assert!(
        modems
            .iter()
            .all(|modem| modem.state == "ready" && !modem.imei.is_empty())
    );
    let iccid = field(&served.ports[0], "iccid").to_owned();

    let quarantined = admin
        .set_sim_state(pb::SetSimStateRequest {
            iccid: iccid.clone(),
            state: pb::SimState::Quarantined.into(),
            reason: "suspected blocked by the operator".to_owned(),
        })
        .await
        .expect("quarantined")
        .into_inner();
    assert_eq!(quarantined.state(), pb::SimState::Quarantined);
    let allocations = pool
        .allocate(allocate_request("x", 2))
        .await
        .expect_err("one SIM is out of rotation");
    assert_eq!(allocations.code(), Code::ResourceExhausted);
    admin
        .set_sim_state(pb::SetSimStateRequest {
            iccid: iccid.clone(),
            state: pb::SimState::Active.into(),
            reason: "back".to_owned(),
        })
        .await
        .expect("back in rotation");

    let renumbered = admin
        .set_sim_number(pb::SetSimNumberRequest {
            iccid: iccid.clone(),
            number: "+447723000777".to_owned(),
        })
        .await
        .expect("renumbered")
        .into_inner();
    assert_eq!(renumbered.number, "+447723000777");
    assert_eq!(renumbered.number_source, "manual");
    let status = admin
        .set_sim_number(pb::SetSimNumberRequest {
            iccid: iccid.clone(),
            number: "not a number".to_owned(),
        })
        .await
        .expect_err("a bad number");
    assert_eq!(status.code(), Code::InvalidArgument);
    let status = admin
        .set_sim_state(pb::SetSimStateRequest {
            iccid: "8900000000000000000".to_owned(),
            state: pb::SimState::Retired.into(),
            reason: String::new(),
        })
        .await
        .expect_err("an unknown SIM");
    assert_eq!(status.code(), Code::NotFound);

    // A reset: the port leaves ready and comes back on its own.
    let port = modems[0].port.clone();
    admin
        .reset_modem(pb::ResetModemRequest { port: port.clone() })
        .await
        .expect("reset requested");
    let mut left_ready = false;
    until("the port comes back from its reset", BOUND, async || {
        let modem = admin
            .list_modems(pb::ListModemsRequest {})
            .await
            .expect("modems")
            .into_inner()
            .modems
            .into_iter()
            .find(|modem| modem.port == port)
            .expect("the reset port");
        left_ready |= modem.state != "ready";
        if left_ready && modem.state == "ready" {
            Ok(())
        } else {
            Err(format!("{modem:?}"))
        }
    })
    .await;
    let status = admin
        .reset_modem(pb::ResetModemRequest {
            port: "/dev/nothing".to_owned(),
        })
        .await
        .expect_err("an unknown port");
    assert_eq!(status.code(), Code::NotFound);
    let counters = admin
        .get_counters(pb::GetCountersRequest {})
        .await
        .expect("counters")
        .into_inner();
    assert_eq!(counters.ports, 2);
    assert_eq!(counters.sims, 2);
}
