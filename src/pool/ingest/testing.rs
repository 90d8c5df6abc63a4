//! For tests of the pool and of the store: SMS taken in through the pool's rules, called as
//! if they were the store's methods, and the PDUs those tests feed in.

#![cfg(test)]

use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;
use time::macros::datetime;

use super::{IncomingPart, Ingest, IngestOutcome};
use crate::otp::CodeExtractor;
use crate::pdu::{Address, DeliverSpec};
use crate::store::{MessageFilter, MessageId, MessageRow, Store, StoreError};

/// The ingest path over a store, as its methods.
pub(crate) trait TakeIn {
    /// [`Ingest::one`].
    async fn ingest(&self, part: IncomingPart) -> Result<IngestOutcome, StoreError>;
    /// [`Ingest::batch`].
    async fn ingest_batch(
        &self,
        parts: Vec<IncomingPart>,
    ) -> Result<Vec<Result<IngestOutcome, StoreError>>, StoreError>;
    /// [`Ingest::flush_incomplete`].
    async fn flush_incomplete(
        &self,
        older_than: Duration,
        now: OffsetDateTime,
    ) -> Result<Vec<MessageId>, StoreError>;
}

impl TakeIn for Store {
    async fn ingest(&self, part: IncomingPart) -> Result<IngestOutcome, StoreError> {
        ingest(self).one(part).await
    }

    async fn ingest_batch(
        &self,
        parts: Vec<IncomingPart>,
    ) -> Result<Vec<Result<IngestOutcome, StoreError>>, StoreError> {
        ingest(self).batch(parts).await
    }

    async fn flush_incomplete(
        &self,
        older_than: Duration,
        now: OffsetDateTime,
    ) -> Result<Vec<MessageId>, StoreError> {
        ingest(self).flush_incomplete(older_than, now).await
    }
}

/// The ingest path over `store`, with the built-in code rules.
fn ingest(store: &Store) -> Ingest {
    Ingest::new(store.clone(), Arc::new(CodeExtractor::new()))
}

/// The SIM the tests' SMS arrive on.
pub(crate) const ICCID: &str = "8949000000000000001";
/// The port they are read from.
pub(crate) const PORT: &str = "/dev/modempool/slot1";

/// A fixed time, `seconds` after 2026-11-23 12:00 UTC.
pub(crate) fn at(seconds: i64) -> OffsetDateTime {
    datetime!(2026-11-23 12:00 UTC) + time::Duration::seconds(seconds)
}

/// A store in a directory of its own (kept while the `TempDir` lives).
pub(crate) fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap(); // ok: test support (cfg(test)); a failure fails the test
    let store = Store::open(&dir.path().join("store.db")).unwrap(); // ok: test support, as above
    (dir, store)
}

/// Every message of `store`, oldest first.
pub(crate) fn all_messages(store: &Store) -> Vec<MessageRow> {
    store
        .messages(MessageFilter {
            limit: MessageFilter::MAX_LIMIT,
            ..MessageFilter::default()
        })
        .unwrap() // ok: test support, as above
}

/// The kinds of `store`'s events, newest first.
pub(crate) fn event_kinds(store: &Store) -> Vec<String> {
    store
        .events(1000)
        .unwrap() // ok: test support, as above
        .into_iter()
        .map(|event| event.kind)
        .collect()
}

/// A PDU read from slot 1 of `iccid`'s port at `received_at`.
pub(crate) fn part(iccid: &str, pdu_hex: &str, received_at: OffsetDateTime) -> IncomingPart {
    IncomingPart {
        iccid: iccid.to_owned(),
        port_path: PORT.to_owned(),
        pdu_hex: pdu_hex.to_owned(),
        received_at,
        storage: Some("SM".to_owned()),
        index: Some(1),
    }
}

/// The PDUs of an SMS from `sender`, split into parts under `reference` when long.
pub(crate) fn sms(sender: &str, text: &str, sent: OffsetDateTime, reference: u16) -> Vec<String> {
    let mut spec = DeliverSpec::new(Address::guess(sender), text, sent);
    spec.concat_reference = reference;
    spec.encode()
        .unwrap() // ok: test support, as above
        .iter()
        .map(|pdu| pdu.to_hex())
        .collect()
}

/// A text long enough for three GSM 7-bit parts (153 characters each).
pub(crate) fn long_text() -> String {
    let mut text = String::from("Your code is 482913. ");
    while text.len() < 153 * 2 + 40 {
        text.push_str("Do not share it with anyone. ");
    }
    text
}
