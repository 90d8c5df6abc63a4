//! The `Pool` service: thin handlers that check who calls, hand over to the
//! [`pool`](crate::pool), and convert the answer.

use std::pin::Pin;

use tokio::sync::{mpsc, watch};
use tokio_stream::Stream;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use super::auth::caller_of;
use super::convert::{self, status_of};
use crate::pool::AllocationFilter;
use crate::pool::{AllocateParams, Pool, PoolError};
use crate::proto::v1 as pb;
use crate::proto::v1::pool_server;

/// Default and largest page of ListAllocations and ListMessages.
const DEFAULT_PAGE: usize = 100;
const MAX_PAGE: usize = 500;

/// Feed entries a watcher reads at a time: a backlog is sent in pages of this size.
const FEED_PAGE: usize = 256;

/// Responses a watcher's stream may hold before the reader slows it down: a slow client
/// holds a little memory, not the whole backlog.
const WATCH_BUFFER: usize = 64;

/// The service.
#[derive(Debug, Clone)]
pub struct PoolService {
    pool: Pool,
    /// Turns true when the daemon stops: open watches end.
    shutdown: watch::Receiver<bool>,
}

impl PoolService {
    /// A service over `pool`.
    pub fn new(pool: Pool, shutdown: watch::Receiver<bool>) -> PoolService {
        PoolService { pool, shutdown }
    }
}

fn page_size(asked: u32) -> usize {
    match usize::try_from(asked).unwrap_or(MAX_PAGE) {
        0 => DEFAULT_PAGE,
        asked => asked.min(MAX_PAGE),
    }
}

fn cursor(value: u64, field: &str) -> Result<i64, Status> {
    i64::try_from(value).map_err(|_| Status::invalid_argument(format!("{field}: out of range")))
}

type WatchStream = Pin<Box<dyn Stream<Item = Result<pb::WatchMessagesResponse, Status>> + Send>>;

#[tonic::async_trait]
impl pool_server::Pool for PoolService {
    #[tracing::instrument(skip_all, fields(service = %request.get_ref().service))]
    async fn list_stock(
        &self,
        request: Request<pb::ListStockRequest>,
    ) -> Result<Response<pb::ListStockResponse>, Status> {
        caller_of(&request)?;
        let request = request.into_inner();
        let stock = self
            .pool
            .stock(&request.service, &request.country)
            .map_err(status_of)?;
        Ok(Response::new(pb::ListStockResponse {
            entries: stock
                .into_iter()
                .map(|entry| pb::StockEntry {
                    service: entry.service,
                    country: entry.country,
                    operator: entry.operator,
                    available: entry.available,
                    recent_allocations: entry.recent_allocations,
                    success_rate: entry.success_rate,
                    median_time_to_first_sms: entry.median_time_to_first_sms.map(convert::duration),
                })
                .collect(),
            window: Some(convert::duration(self.pool.stats_window())),
        }))
    }

    #[tracing::instrument(skip_all, fields(service = %request.get_ref().service, quantity = request.get_ref().quantity))]
    async fn allocate(
        &self,
        request: Request<pb::AllocateRequest>,
    ) -> Result<Response<pb::AllocateResponse>, Status> {
        let caller = caller_of(&request)?;
        let request = request.into_inner();
        let lease = request
            .lease
            .as_ref()
            .map(|lease| convert::positive_duration(lease, "lease"))
            .transpose()
            .map_err(status_of)?;
        let params = AllocateParams {
            service: request.service,
            country: request.country,
            operator: request.operator,
            number: request.number,
            quantity: request.quantity,
            lease,
            idempotency_key: request.idempotency_key,
            exclude_prefixes: request.exclude_prefixes,
            price_micros: None,
        };
        let allocated = self
            .pool
            .allocate(&caller.name, params)
            .await
            .map_err(status_of)?;
        Ok(Response::new(pb::AllocateResponse {
            allocations: allocated
                .allocations
                .iter()
                .map(convert::allocation)
                .collect(),
            replayed: allocated.replayed,
        }))
    }

    async fn get_allocation(
        &self,
        request: Request<pb::GetAllocationRequest>,
    ) -> Result<Response<pb::Allocation>, Status> {
        let caller = caller_of(&request)?;
        let allocation = self
            .pool
            .get(Some(&caller.name), &request.get_ref().id)
            .map_err(status_of)?;
        Ok(Response::new(convert::allocation(&allocation)))
    }

    async fn list_allocations(
        &self,
        request: Request<pb::ListAllocationsRequest>,
    ) -> Result<Response<pb::ListAllocationsResponse>, Status> {
        let caller = caller_of(&request)?;
        let request = request.into_inner();
        let limit = page_size(request.page_size);
        let service = match request.service.trim() {
            "" => None,
            service => Some(crate::pool::service_name(service).map_err(status_of)?),
        };
        let filter = AllocationFilter {
            owner: Some(caller.name),
            state: convert::state_filter(request.state).map_err(status_of)?,
            service,
            has_messages: request.has_messages,
            before_id: (!request.page_token.is_empty()).then_some(request.page_token),
            limit,
        };
        let rows = self.pool.list(&filter).map_err(status_of)?;
        let next_page_token = if rows.len() == limit {
            rows.last().map(|row| row.id.clone()).unwrap_or_default()
        } else {
            String::new()
        };
        Ok(Response::new(pb::ListAllocationsResponse {
            allocations: rows.iter().map(convert::allocation).collect(),
            next_page_token,
        }))
    }

    #[tracing::instrument(skip_all, fields(allocation = %request.get_ref().id))]
    async fn release(
        &self,
        request: Request<pb::ReleaseRequest>,
    ) -> Result<Response<pb::ReleaseResponse>, Status> {
        let caller = caller_of(&request)?;
        let request = request.into_inner();
        let reason = convert::release_reason(request.reason).map_err(status_of)?;
        let (allocation, sms_received) = self
            .pool
            .release(Some(&caller.name), &request.id, reason)
            .await
            .map_err(status_of)?;
        Ok(Response::new(pb::ReleaseResponse {
            allocation: Some(convert::allocation(&allocation)),
            sms_received,
        }))
    }

    #[tracing::instrument(skip_all, fields(allocation = %request.get_ref().id))]
    async fn extend(
        &self,
        request: Request<pb::ExtendRequest>,
    ) -> Result<Response<pb::Allocation>, Status> {
        let caller = caller_of(&request)?;
        let request = request.into_inner();
        let by = request
            .extend_by
            .as_ref()
            .ok_or_else(|| PoolError::InvalidArgument("extend_by is required".to_owned()))
            .and_then(|by| convert::positive_duration(by, "extend_by"))
            .map_err(status_of)?;
        let allocation = self
            .pool
            .extend(Some(&caller.name), &request.id, by)
            .await
            .map_err(status_of)?;
        Ok(Response::new(convert::allocation(&allocation)))
    }

    async fn list_messages(
        &self,
        request: Request<pb::ListMessagesRequest>,
    ) -> Result<Response<pb::ListMessagesResponse>, Status> {
        let caller = caller_of(&request)?;
        let request = request.into_inner();
        let after = cursor(request.after_message_id, "after_message_id")?;
        let (allocation, messages) = self
            .pool
            .messages(
                Some(&caller.name),
                &request.allocation_id,
                after,
                page_size(request.limit),
            )
            .map_err(status_of)?;
        Ok(Response::new(pb::ListMessagesResponse {
            messages: messages
                .iter()
                .map(|message| {
                    convert::allocation_message(&allocation.id, &allocation.number, message)
                })
                .collect(),
        }))
    }

    type WatchMessagesStream = WatchStream;

    #[tracing::instrument(skip_all, fields(after = request.get_ref().after_cursor))]
    async fn watch_messages(
        &self,
        request: Request<pb::WatchMessagesRequest>,
    ) -> Result<Response<Self::WatchMessagesStream>, Status> {
        let caller = caller_of(&request)?;
        let request = request.into_inner();
        let after = cursor(request.after_cursor, "after_cursor")?;
        self.pool
            .check_owned(Some(&caller.name), &request.allocation_ids)
            .map_err(status_of)?;
        let (sender, receiver) = mpsc::channel(WATCH_BUFFER);
        tokio::spawn(watch(
            self.pool.clone(),
            caller.name,
            request.allocation_ids,
            after,
            sender,
            self.shutdown.clone(),
        ));
        Ok(Response::new(Box::pin(ReceiverStream::new(receiver))))
    }

    async fn check_rerent(
        &self,
        request: Request<pb::CheckRerentRequest>,
    ) -> Result<Response<pb::CheckRerentResponse>, Status> {
        caller_of(&request)?;
        let request = request.into_inner();
        let results = self
            .pool
            .check_rerent(&request.service, &request.numbers)
            .map_err(status_of)?;
        Ok(Response::new(pb::CheckRerentResponse {
            results: results
                .into_iter()
                .map(|(number, reason)| pb::RerentCheck {
                    number,
                    eligible: reason == crate::pool::RerentReason::Ok,
                    reason: convert::rerent_reason(reason).into(),
                    detail: crate::pool::describe(reason).to_owned(),
                })
                .collect(),
        }))
    }
}

/// Streams the feed to one watcher from `after`: first the backlog, then each entry as its
/// commit lands. Ends when the client goes away, the daemon stops, or the store fails (the
/// client then resumes from its last cursor).
async fn watch(
    pool: Pool,
    owner: String,
    ids: Vec<String>,
    after: i64,
    sender: mpsc::Sender<Result<pb::WatchMessagesResponse, Status>>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut committed = pool.feed_cursor();
    // Entries up to `scanned` have all been looked at (sent, or not this watcher's).
    let mut scanned = after;
    loop {
        // Read the committed cursor before the feed: every entry up to it is visible to the
        // read that follows, so after a short page the watcher has seen all up to it.
        let visible = *committed.borrow_and_update();
        let page = match pool.feed_after(Some(&owner), &ids, scanned, FEED_PAGE) {
            Ok(page) => page,
            Err(error) => {
                let _ = sender.send(Err(status_of(error))).await;
                return;
            }
        };
        let full = page.len() == FEED_PAGE;
        for item in &page {
            if sender.send(Ok(convert::feed_item(item))).await.is_err() {
                return;
            }
            scanned = item.cursor;
        }
        if full {
            continue;
        }
        scanned = scanned.max(visible);
        tokio::select! {
            // A commit added to the feed past what this watcher has scanned.
            changed = committed.wait_for(|cursor| *cursor > scanned) => {
                if changed.is_err() {
                    return;
                }
            }
            // The client hung up: stop reading for it.
            () = sender.closed() => return,
            // The daemon stops: end the stream; the client resumes elsewhere or later.
            changed = shutdown.wait_for(|stop| *stop) => {
                let _ = changed;
                return;
            }
        }
    }
}
