//! The writer thread: the only code that writes to the database.
//!
//! Callers send requests (a closure over the connection, and a oneshot for its answer) on a
//! bounded channel. The thread takes every request waiting, up to [`MAX_BATCH`], runs them
//! in ONE transaction, each inside its own SAVEPOINT, commits, and only then answers each.
//! A burst of SMS across a rack of ports thus costs one commit per batch, a request that
//! fails (a constraint) is rolled back alone, and no caller hears "Ok" before its write is
//! committed: the port task's "delete from the modem after commit" rests on that.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

use super::error::StoreError;

/// Most requests run in one transaction. Large enough to take a burst from every port of a
/// big rack at once (256 ports), small enough that the first caller of a batch does not
/// wait long for the last one's work.
const MAX_BATCH: usize = 256;

/// Requests waiting for the writer. Bounded so that a stalled disk makes callers wait
/// (backpressure) instead of queueing without limit; four batches' worth, so a full batch
/// can queue behind the one running.
const QUEUE: usize = 4 * MAX_BATCH;

/// A write request, type-erased so one channel carries every kind.
trait Job: Send {
    /// Runs the request on the connection, inside its savepoint; `true` if it succeeded.
    fn run(&mut self, connection: &Connection) -> bool;
    /// Answers the caller: the request's own outcome, or the batch's failure.
    fn answer(self: Box<Self>, batch: Option<&BatchFailure>);
}

/// A request and the channel its answer goes back on.
struct Call<R, F> {
    /// What the request is, for logs and the panic error.
    context: &'static str,
    work: Option<F>,
    outcome: Option<Result<R, StoreError>>,
    reply: oneshot::Sender<Result<R, StoreError>>,
}

impl<R, F> Job for Call<R, F>
where
    R: Send,
    F: FnOnce(&Connection) -> Result<R, StoreError> + Send,
{
    fn run(&mut self, connection: &Connection) -> bool {
        let Some(work) = self.work.take() else {
            return false;
        };
        let outcome = work(connection);
        if let Err(error) = &outcome {
            tracing::warn!(request = self.context, %error, "store write request failed");
        }
        let succeeded = outcome.is_ok();
        self.outcome = Some(outcome);
        succeeded
    }

    fn answer(self: Box<Self>, batch: Option<&BatchFailure>) {
        let result = match (self.outcome, batch) {
            // Its own error says more than the batch's.
            (Some(Err(error)), _) => Err(error),
            (_, Some(failure)) => Err(failure.error()),
            (Some(Ok(value)), None) => Ok(value),
            // `run` never finished: it panicked.
            (None, None) => Err(StoreError::Panicked {
                context: self.context,
            }),
        };
        // The caller may have stopped waiting (its task was cancelled); the write stands.
        let _ = self.reply.send(result);
    }
}

/// Why a whole batch was not committed.
struct BatchFailure {
    context: &'static str,
    requests: usize,
    source: Arc<rusqlite::Error>,
}

impl BatchFailure {
    fn error(&self) -> StoreError {
        StoreError::Batch {
            context: self.context,
            requests: self.requests,
            source: Arc::clone(&self.source),
        }
    }
}

enum Request {
    Write(Box<dyn Job>),
    /// Finish what is queued, stop, close the connection, then answer.
    Close(oneshot::Sender<()>),
}

/// The sending side: cloned into every [`Store`](super::Store) handle through its `Arc`.
/// When the last one is dropped, the thread finishes the queue and exits.
#[derive(Debug)]
pub(crate) struct Writer {
    requests: mpsc::Sender<Request>,
    /// Batches committed so far: what it costs in commits (and fsyncs at checkpoints) to
    /// take in a burst, for tests and, later, metrics.
    batches: Arc<AtomicU64>,
}

impl Writer {
    /// Starts the writer thread on `connection`. `after_commit` runs on the thread after
    /// each committed batch, before any of its callers hears back: it publishes what
    /// watchers wait for (the feed's last cursor).
    pub(crate) fn spawn(
        connection: Connection,
        after_commit: Box<dyn FnMut(&Connection) + Send>,
    ) -> Result<Writer, StoreError> {
        let (requests, receiver) = mpsc::channel(QUEUE);
        let batches = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&batches);
        thread::Builder::new()
            .name("store-writer".to_owned())
            .spawn(move || run(connection, receiver, &counter, after_commit))
            .map_err(StoreError::Spawn)?;
        Ok(Writer { requests, batches })
    }

    /// How many batches the writer has committed.
    pub(crate) fn batches(&self) -> u64 {
        self.batches.load(Ordering::Relaxed)
    }

    /// How many requests wait in the queue (not counting the batch being run).
    #[cfg(test)]
    pub(crate) fn queued(&self) -> usize {
        self.requests.max_capacity() - self.requests.capacity()
    }

    /// Runs `work` in the writer's next batch and returns its outcome once committed.
    /// `work` runs inside a savepoint: if it returns an error, what it wrote is rolled back
    /// and the rest of the batch commits.
    pub(crate) async fn call<R, F>(&self, context: &'static str, work: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R, StoreError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Call {
            context,
            work: Some(work),
            outcome: None,
            reply,
        };
        self.requests
            .send(Request::Write(Box::new(job)))
            .await
            .map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// Asks the thread to finish every request queued so far and stop; returns once it has
    /// closed the database connection. Later requests from other handles get
    /// [`StoreError::Closed`].
    pub(crate) async fn close(&self) -> Result<(), StoreError> {
        let (reply, done) = oneshot::channel();
        self.requests
            .send(Request::Close(reply))
            .await
            .map_err(|_| StoreError::Closed)?;
        done.await.map_err(|_| StoreError::Closed)
    }
}

/// The thread's loop: batch, run, commit, answer; until every sender is gone or a close.
fn run(
    connection: Connection,
    mut receiver: mpsc::Receiver<Request>,
    batches: &AtomicU64,
    mut after_commit: Box<dyn FnMut(&Connection) + Send>,
) {
    let mut closers = Vec::new();
    let mut jobs: Vec<Box<dyn Job>> = Vec::with_capacity(MAX_BATCH);
    // Blocks this (non-runtime) thread until a request comes; `None` once every sender is
    // dropped (or the channel is closed) and the queue is empty.
    while let Some(first) = receiver.blocking_recv() {
        let mut next = Some(first);
        while let Some(request) = next.take() {
            match request {
                Request::Write(job) => jobs.push(job),
                Request::Close(reply) => {
                    // Refuse new requests; those already queued are still received and run.
                    receiver.close();
                    closers.push(reply);
                }
            }
            if jobs.len() < MAX_BATCH {
                next = receiver.try_recv().ok();
            }
        }
        if jobs.is_empty() {
            continue;
        }
        let failure = run_batch(&connection, &mut jobs).err();
        if failure.is_none() {
            batches.fetch_add(1, Ordering::Relaxed);
            after_commit(&connection);
        }
        if let Some(failure) = &failure {
            tracing::error!(
                context = failure.context,
                requests = failure.requests,
                error = %failure.source,
                "store batch not committed"
            );
        }
        for job in jobs.drain(..) {
            job.answer(failure.as_ref());
        }
    }
    if let Err((_, error)) = connection.close() {
        tracing::warn!(%error, "closing the store's write connection");
    }
    for closer in closers {
        let _ = closer.send(());
    }
}

/// Runs `jobs` in one transaction, each in a savepoint, and commits.
fn run_batch(connection: &Connection, jobs: &mut [Box<dyn Job>]) -> Result<(), BatchFailure> {
    let requests = jobs.len();
    let fail = |context: &'static str, source: rusqlite::Error| BatchFailure {
        context,
        requests,
        source: Arc::new(source),
    };
    // IMMEDIATE: take the write lock now rather than at the first write, so a busy
    // database is waited for (busy_timeout) here and not half-way through a request.
    connection
        .execute_batch("BEGIN IMMEDIATE")
        .map_err(|error| fail("beginning the batch transaction", error))?;
    for job in jobs.iter_mut() {
        // A panic is a bug in a request; catching it keeps the writer (and every port's
        // SMS) going, and the savepoint undoes whatever the request had written.
        let attempt = savepoint(connection, "request", |connection| {
            match catch_unwind(AssertUnwindSafe(|| job.run(connection))) {
                Ok(true) => Ok(()),
                Ok(false) | Err(_) => Err(()),
            }
        });
        // A savepoint that cannot be released or rolled back means SQLite already rolled
        // the whole transaction back (disk full, I/O error): nothing of the batch stands.
        if let Err(error) = attempt {
            rollback(connection);
            return Err(fail("a request left the batch transaction unusable", error));
        }
    }
    connection.execute_batch("COMMIT").map_err(|error| {
        rollback(connection);
        fail("committing the batch transaction", error)
    })
}

/// Runs `work` inside `SAVEPOINT name`: released when it succeeds, rolled back to (undoing
/// only its writes) when it fails. The outer `Err` is SQLite refusing the savepoint
/// statements themselves, which means the enclosing transaction is gone.
pub(crate) fn savepoint<T, E>(
    connection: &Connection,
    name: &str,
    work: impl FnOnce(&Connection) -> Result<T, E>,
) -> Result<Result<T, E>, rusqlite::Error> {
    // Cached statements: a batch runs these hundreds of times.
    let run = |sql: String| {
        connection
            .prepare_cached(&sql)
            .and_then(|mut statement| statement.execute([]))
    };
    run(format!("SAVEPOINT {name}"))?;
    let result = work(connection);
    if result.is_err() {
        run(format!("ROLLBACK TO {name}"))?;
    }
    run(format!("RELEASE {name}"))?;
    Ok(result)
}

fn rollback(connection: &Connection) {
    if !connection.is_autocommit()
        && let Err(error) = connection.execute_batch("ROLLBACK")
    {
        tracing::error!(%error, "rolling back a failed store batch");
    }
}
