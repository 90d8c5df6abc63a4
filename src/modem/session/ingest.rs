//! The ingest half of a session: where SMS leave the modem. Each is read (a drain of the
//! storages, a `+CMTI` announcement, a routed `+CMT`), handed to the pool, and deleted from
//! the modem (`+CMGD`) or acknowledged (`+CNMA`) only once [`PortLink::ingest`] or
//! [`PortLink::ingest_batch`] has answered `Ok`: after the commit.
//!
//! [`PortLink::ingest`]: crate::pool::PortLink::ingest
//! [`PortLink::ingest_batch`]: crate::pool::PortLink::ingest_batch

use std::time::{Duration, Instant};

use time::OffsetDateTime;

use crate::at::command::{
    AcknowledgeMessage, DeleteMessage, ListMessages, MessageStatus, PreferredStorage, ReadMessage,
    Storage, StoredPdu,
};
use crate::at::error_codes::CmsError;
use crate::metrics;
use crate::pool::IncomingPart;

use super::{Session, Step};

/// How many times an announced SMS that read empty makes the store be read again before the
/// periodic sweep is left to find it.
const RECHECKS: u8 = 3;

/// The read of the store after `attempts` rechecks so far: 1 s, 2 s, then 4 s away, and
/// none after [`RECHECKS`].
fn next_recheck(attempts: u8) -> Option<(tokio::time::Instant, u8)> {
    (attempts < RECHECKS).then(|| {
        let wait = Duration::from_secs(1 << attempts);
        (tokio::time::Instant::now() + wait, attempts + 1)
    })
}

impl Session<'_> {
    /// Makes `name` the storage `+CMGR`, `+CMGL` and `+CMGD` act on; new SMS keep going to
    /// the SIM. Returns whether the modem accepted it.
    pub(super) async fn select_storage(&mut self, name: &str) -> Step<bool> {
        if self.read_storage.as_deref() == Some(name) {
            return Ok(true);
        }
        let storage = Storage::from_name(name);
        let command = PreferredStorage {
            read: storage.clone(),
            write: storage,
            receive: Storage::Sim,
        };
        let selected = self.channel.run(&command).await;
        let usage = self.judge(selected)?;
        if let Some(usage) = usage {
            self.note_full([usage.read, usage.write, usage.receive]);
        }
        let accepted = usage.is_some();
        self.read_storage = accepted.then(|| name.to_owned());
        Ok(accepted)
    }

    /// Reads every SMS stored on the SIM and in the modem, commits them, then deletes them.
    pub(super) async fn drain(&mut self) -> Step<usize> {
        let Some(iccid) = self.sim.as_ref().map(|sim| sim.iccid.clone()) else {
            return Ok(0);
        };
        let mut found = 0;
        for storage in ["SM", "ME"] {
            if !self.select_storage(storage).await? {
                continue;
            }
            let listing = self.channel.run(&ListMessages(MessageStatus::All)).await;
            let Some(stored) = self.judge(listing)? else {
                continue;
            };
            if stored.is_empty() {
                continue;
            }
            tracing::info!(
                port = self.context.path,
                storage,
                count = stored.len(),
                "draining"
            );
            found += stored.len();
            self.commit_and_delete(&iccid, storage, stored).await?;
        }
        self.select_storage("SM").await?;
        if found > 0 {
            self.recheck = None;
        }
        Ok(found)
    }

    /// The store read again after an announced SMS read empty; scheduled again (1 s, 2 s,
    /// 4 s) while nothing turns up.
    pub(super) async fn recheck(&mut self) -> Step<()> {
        let attempts = self.recheck.map_or(0, |(_, attempts)| attempts);
        let found = self.drain().await?;
        self.recheck = (found == 0).then(|| next_recheck(attempts)).flatten();
        Ok(())
    }

    /// Commits `stored` in one batch, then deletes from the modem each one the pool committed.
    pub(super) async fn commit_and_delete(
        &mut self,
        iccid: &str,
        storage: &str,
        stored: Vec<StoredPdu>,
    ) -> Step<()> {
        let now = OffsetDateTime::now_utc();
        let read_at = Instant::now();
        let parts = stored
            .iter()
            .map(|entry| IncomingPart {
                iccid: iccid.to_owned(),
                port_path: self.context.path.to_owned(),
                pdu_hex: entry.pdu.clone(),
                received_at: now,
                storage: Some(storage.to_owned()),
                index: Some(entry.index),
            })
            .collect();
        let results = match self.context.pool.ingest_batch(parts).await {
            Ok(results) => {
                let committed = results.iter().filter(|result| result.is_ok()).count();
                metrics::ingest_committed(read_at.elapsed(), committed);
                results
            }
            Err(error) => {
                // Nothing committed: nothing deleted. The next sweep tries again.
                tracing::error!(port = self.context.path, %error, "could not commit SMS");
                self.set_detail(Some(format!("database: {error}")));
                return Ok(());
            }
        };
        for (entry, result) in stored.iter().zip(results) {
            match result {
                Ok(outcome) => {
                    if !outcome.duplicate {
                        metrics::sms_received(self.context.path);
                        self.publish(|status| status.sms_received += 1);
                    }
                    let delete = self
                        .channel
                        .run(&DeleteMessage {
                            index: entry.index,
                            flag: None,
                        })
                        .await;
                    self.judge(delete)?;
                }
                Err(error) => {
                    tracing::error!(port = self.context.path, index = entry.index, %error, "SMS not committed; left on the modem");
                }
            }
        }
        Ok(())
    }

    /// `+CMTI`: read the SMS where the modem says it is (which may not be the storage
    /// selected), commit, delete.
    pub(super) async fn read_stored(&mut self, storage: &str, index: u32) -> Step<()> {
        let Some(iccid) = self.sim.as_ref().map(|sim| sim.iccid.clone()) else {
            return Ok(());
        };
        if !self.select_storage(storage).await? {
            return Ok(());
        }
        let read = self.channel.run(&ReadMessage(index)).await;
        // An empty slot: a drain or sweep already took this SMS (a +CMTI buffered while the
        // port was closed announces it again). Nothing to do.
        if let Err(error) = &read
            && error.cms_error() == Some(CmsError::InvalidMemoryIndex)
        {
            tracing::debug!(
                port = self.context.path,
                storage,
                index,
                "announced SMS already taken"
            );
            return Ok(());
        }
        match self.judge(read)? {
            Some(Some(stored)) => {
                self.commit_and_delete(&iccid, storage, vec![stored])
                    .await?;
            }
            // Announced, and the slot reads empty (a bare `OK`): some modules announce a
            // message before its write to the SIM is done. Never deleted unread: read the
            // store again shortly rather than at the next sweep.
            Some(None) => self.recheck_soon(storage, index),
            None => {}
        }
        Ok(())
    }

    /// Schedules a read of the store 1 s after an announced SMS read empty (then 2 s and 4 s
    /// more while nothing turns up, see [`Session::recheck`]); after that the periodic sweep
    /// is the fallback.
    fn recheck_soon(&mut self, storage: &str, index: u32) {
        if self.recheck.is_some() {
            return;
        }
        tracing::debug!(
            port = self.context.path,
            storage,
            index,
            "an announced SMS reads empty; reading the store again in 1 s"
        );
        self.recheck = next_recheck(0);
    }

    /// `+CMT` / `+CDS`: commit, then acknowledge at once, so the network does not resend and
    /// the modem does not stop routing.
    pub(super) async fn take_routed(&mut self, pdu: String) -> Step<()> {
        let Some(iccid) = self.sim.as_ref().map(|sim| sim.iccid.clone()) else {
            return Ok(());
        };
        let read_at = Instant::now();
        let part = IncomingPart {
            iccid,
            port_path: self.context.path.to_owned(),
            pdu_hex: pdu,
            received_at: OffsetDateTime::now_utc(),
            storage: None,
            index: None,
        };
        match self.context.pool.ingest(part).await {
            Ok(outcome) => {
                metrics::ingest_committed(read_at.elapsed(), 1);
                if !outcome.duplicate {
                    metrics::sms_received(self.context.path);
                    self.publish(|status| status.sms_received += 1);
                }
                let ack = self.channel.run(&AcknowledgeMessage).await;
                match ack {
                    // No acknowledgement expected: the modem is not in +CSMS=1 (or already
                    // gave up on this one). Nothing to do.
                    Err(error)
                        if error.cms_error() == Some(CmsError::NoCnmaAcknowledgementExpected) => {}
                    other => {
                        if self.judge(other)?.is_none() {
                            // The modem may have switched routing off: assert it again.
                            self.assert_indications().await?;
                        }
                    }
                }
            }
            Err(error) => {
                // Not acknowledged: the network will deliver it again.
                tracing::error!(port = self.context.path, %error, "routed SMS not committed; not acknowledged");
            }
        }
        Ok(())
    }
}
