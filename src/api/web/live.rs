//! The rack snapshot and its live feed: one poller per server reads the rack every
//! [`POLL_INTERVAL`] while some page is watching and publishes the snapshot when it
//! differs from the last one; each page's server-sent event stream forwards what is new to
//! it.
//!
//! Why polling rather than hooks in the port tasks: the rack view joins the store with the
//! ports' live status (see [`crate::api::rack_view`]); reading both a few times a second costs
//! a handful of indexed SQLite reads, and leaves the port tasks knowing nothing of pages.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, KeepAliveStream, Sse};
use serde::Serialize;
use time::OffsetDateTime;
use tokio::sync::{mpsc, watch};
use tokio_stream::wrappers::ReceiverStream;

use crate::api::rack_view::{self, ModemView};
use crate::pool::{Pool, PoolError};

/// How often the rack is read while a page watches: a state change shows within about
/// this, which is quicker than a technician turns from the rack to the screen, and costs
/// a few indexed reads.
pub const POLL_INTERVAL: Duration = Duration::from_millis(300);

/// How often an idle stream sends a comment, so that proxies and the browser keep the
/// connection open and a dead one is noticed.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Events queued for one page: a snapshot replaces the one before it, so a slow page
/// needs no more than the one being sent and the next.
const STREAM_QUEUE: usize = 2;

/// The name of the server-sent event that carries a snapshot.
pub const RACK_EVENT: &str = "rack";

/// The rack at one moment: `GET /api/rack` and each `rack` event.
#[derive(Debug, Clone, Serialize)]
pub struct RackSnapshot {
    /// The rack id (`rack` in the config, else the host name).
    pub rack: String,
    /// When it was read, RFC 3339.
    pub generated_at: String,
    /// Every port, in path order.
    pub slots: Vec<ModemView>,
}

/// A snapshot ready to send, with what tells it apart from another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The slots as JSON: two snapshots with the same slots are the same news, whatever
    /// their time.
    pub key: String,
    /// The whole snapshot as JSON.
    pub json: String,
}

impl Published {
    /// Whether this is news to a page that last got `last`.
    pub fn differs_from(&self, last: Option<&Published>) -> bool {
        last.is_none_or(|last| last.key != self.key)
    }
}

/// Reads the rack. Blocking (SQLite): run it with `spawn_blocking`.
pub fn read(rack: &str, pool: &Pool) -> Result<Published, PoolError> {
    let slots = rack_view::modems(pool)?;
    let generated_at = OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let snapshot = RackSnapshot {
        rack: rack.to_owned(),
        generated_at,
        slots,
    };
    // Serialising these plain types cannot fail; an empty text would only make the next
    // snapshot look new.
    let key = serde_json::to_string(&snapshot.slots).unwrap_or_default();
    let json = serde_json::to_string(&snapshot).unwrap_or_default();
    Ok(Published { key, json })
}

/// What the poller and the streams share.
#[derive(Debug, Clone)]
pub struct Feed {
    rack: Arc<str>,
    pool: Pool,
    latest: Arc<watch::Sender<Option<Arc<Published>>>>,
    shutdown: watch::Receiver<bool>,
}

/// Why a snapshot could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// The database could not be read.
    #[error("reading the rack: {0}")]
    Store(#[from] PoolError),
    /// The reading task died.
    #[error("reading the rack: {0}")]
    Task(String),
}

impl Feed {
    /// A feed of `rack` that stops when `shutdown` turns true. Starts its poller (which
    /// reads only while a stream is open).
    pub fn start(rack: String, pool: Pool, shutdown: watch::Receiver<bool>) -> Feed {
        let feed = Feed {
            rack: rack.into(),
            pool,
            latest: Arc::new(watch::channel(None).0),
            shutdown,
        };
        tokio::spawn(feed.clone().poll());
        feed
    }

    /// The rack now, read off the runtime's threads.
    pub async fn snapshot(&self) -> Result<Published, FeedError> {
        let (rack, pool) = (Arc::clone(&self.rack), self.pool.clone());
        tokio::task::spawn_blocking(move || read(&rack, &pool))
            .await
            .map_err(|error| FeedError::Task(error.to_string()))?
            .map_err(FeedError::from)
    }

    /// The pool, for the slot details.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Reads the rack every [`POLL_INTERVAL`] while a stream listens, publishing what
    /// changed; ends with the daemon.
    async fn poll(self) {
        let mut shutdown = self.shutdown.clone();
        let mut tick = tokio::time::interval(POLL_INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                // The daemon stops: the streams end on the same signal.
                () = stopped(&mut shutdown) => break,
                _ = tick.tick() => {}
            }
            if self.latest.receiver_count() == 0 {
                // Nobody watches: forget the last one, so that the next watcher's first
                // poll is not compared with something stale.
                self.latest.send_replace(None);
                continue;
            }
            match self.snapshot().await {
                Ok(published) => {
                    self.latest.send_if_modified(|latest| {
                        if published.differs_from(latest.as_deref()) {
                            *latest = Some(Arc::new(published));
                            true
                        } else {
                            false
                        }
                    });
                }
                Err(error) => tracing::warn!(%error, "the rack page could not read the rack"),
            }
        }
    }

    /// A server-sent event stream: `first` at once, then every snapshot that differs from
    /// the last one sent, until the page goes away or the daemon stops.
    pub fn stream(
        &self,
        first: Published,
    ) -> Sse<KeepAliveStream<ReceiverStream<Result<Event, Infallible>>>> {
        let mut updates = self.latest.subscribe();
        let mut shutdown = self.shutdown.clone();
        let (send, receive) = mpsc::channel(STREAM_QUEUE);
        tokio::spawn(async move {
            let mut last = first;
            if !forward(&send, &last, &mut shutdown).await {
                return;
            }
            loop {
                tokio::select! {
                    // The daemon stops: ending the stream lets the server's graceful
                    // shutdown finish (the browser will try to reconnect, and find a
                    // restarted daemon or nothing).
                    () = stopped(&mut shutdown) => break,
                    // The page was closed.
                    () = send.closed() => break,
                    changed = updates.changed() => {
                        if changed.is_err() {
                            break;
                        }
                        let latest = updates.borrow_and_update().clone();
                        if let Some(latest) = latest
                            && latest.differs_from(Some(&last))
                        {
                            last = (*latest).clone();
                            if !forward(&send, &last, &mut shutdown).await {
                                break;
                            }
                        }
                    }
                }
            }
        });
        Sse::new(ReceiverStream::new(receive)).keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
    }
}

/// Queues `published` for the page; `false` when the page is gone or the daemon stops
/// first (a page that stopped reading must not hold the shutdown up).
async fn forward(
    send: &mpsc::Sender<Result<Event, Infallible>>,
    published: &Published,
    shutdown: &mut watch::Receiver<bool>,
) -> bool {
    tokio::select! {
        () = stopped(shutdown) => false,
        sent = send.send(Ok(event(published))) => sent.is_ok(),
    }
}

/// Returns once the daemon stops (or its stop signal is gone). The guard `wait_for`
/// returns is dropped here: it must not be held across the other branches' awaits.
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

fn event(published: &Published) -> Event {
    Event::default()
        .event(RACK_EVENT)
        .data(published.json.as_str())
}

#[cfg(test)]
mod tests {
    use http_body_util::BodyExt;

    use super::*;

    fn published(key: &str, json: &str) -> Published {
        Published {
            key: key.to_owned(),
            json: json.to_owned(),
        }
    }

    #[test]
    fn only_other_slots_are_news() {
        let first = published("[1]", "{\"generated_at\":\"a\"}");
        assert!(first.differs_from(None));
        // Same slots, another time: not news.
        assert!(!published("[1]", "{\"generated_at\":\"b\"}").differs_from(Some(&first)));
        assert!(published("[2]", "{}").differs_from(Some(&first)));
    }

    #[tokio::test]
    async fn a_page_that_stops_reading_does_not_hold_up_the_shutdown() {
        let (send, _unread) = mpsc::channel(1);
        let (stop, mut shutdown) = watch::channel(false);
        let news = published("[1]", "{}");
        assert!(
            forward(&send, &news, &mut shutdown).await,
            "the queue had room"
        );
        let _ = stop.send(true);
        let forwarded = tokio::time::timeout(
            Duration::from_secs(10),
            forward(&send, &news, &mut shutdown),
        )
        .await
        .expect("gave up at the shutdown");
        assert!(!forwarded);
    }

    #[tokio::test]
    async fn a_snapshot_lists_the_stored_ports_and_the_stream_ends_with_the_daemon() {
        let dir = tempfile::tempdir().unwrap();
        let pool = Pool::open(&dir.path().join("db.sqlite"), "t", Default::default())
            .await
            .unwrap();
        pool.port_link()
            .port_seen(crate::pool::PortUpdate::new("/dev/x/slot1", "ready"))
            .await
            .unwrap();
        let (stop, shutdown) = watch::channel(false);
        let feed = Feed::start("rack1".to_owned(), pool.clone(), shutdown);
        let first = feed.snapshot().await.unwrap();
        let json: serde_json::Value = serde_json::from_str(&first.json).unwrap();
        assert_eq!(json["rack"], "rack1");
        assert_eq!(json["slots"][0]["label"], "slot1");
        assert_eq!(json["slots"][0]["state"], "ready");

        let sse = feed.stream(first);
        let mut body = axum::response::IntoResponse::into_response(sse).into_body();
        let frame = tokio::time::timeout(Duration::from_secs(10), body.frame())
            .await
            .expect("the first event in time")
            .expect("a first frame")
            .unwrap();
        let text = String::from_utf8(frame.into_data().unwrap().to_vec()).unwrap();
        assert!(text.starts_with("event: rack\ndata: {"), "{text}");
        // The stream's body ends once the daemon stops.
        let _ = stop.send(true);
        tokio::time::timeout(
            Duration::from_secs(10),
            axum::body::to_bytes(body, usize::MAX),
        )
        .await
        .expect("the stream ended")
        .unwrap();
        pool.close().await;
    }
}
