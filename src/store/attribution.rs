//! Which allocation a new message belongs to, decided once, in the transaction that writes
//! the message, and never changed after.
//!
//! A message goes to the allocation on its SIM when all of these hold:
//! - the allocation is active at the commit (not released, and its lease not run out, even
//!   if the expiry sweep has not marked it yet): a `Release` that answered "no SMS" stays
//!   true, and an SMS after expiry is never attached;
//! - the message's first part reached the daemon at or after the allocation was created: an
//!   SMS read before the rental began belongs to nobody;
//! - the service centre's time stamp, when there is one, is not older than the allocation's
//!   start by more than [`SENT_AT_TOLERANCE`]: an SMS the network held back (a modem that
//!   was offline, a straggler for the previous renter) is not shown to the next renter.
//! - it is an SMS (`deliver`): status reports and undecodable PDUs stay with the SIM, for
//!   technicians.
//!
//! Attributing also writes the allocation's feed entry (what `WatchMessages` streams),
//! counts the message on the allocation, and on its first message nudges the SIM's health
//! up.

use rusqlite::{Connection, OptionalExtension, params};
use time::OffsetDateTime;

use super::error::{SqlContext, StoreError};
use super::message::NewMessage;
use super::model::{MessageId, MessageKind};
use super::timestamp;

/// How much older than the allocation's start a service-centre time stamp may be.
///
/// Service centres' clocks drift, and some stamp the time an SMS entered their queue rather
/// than when it left, so an exact comparison would drop genuine codes. Five minutes covers
/// that, while an SMS held for longer (a modem that was offline while the previous renter
/// waited for it) is kept from the next renter.
pub const SENT_AT_TOLERANCE: time::Duration = time::Duration::minutes(5);

/// Health points a SIM regains when one of its allocations receives its first SMS: a number
/// that works earns back what a `bad_number` release cost it, a little at a time.
pub const HEALTH_BONUS_ON_SMS: i64 = 5;

/// Attributes the message just written (see the module's rules); returns the allocation.
pub(crate) fn attribute(
    connection: &Connection,
    id: MessageId,
    message: &NewMessage<'_>,
    now: &str,
) -> Result<Option<String>, StoreError> {
    if message.kind != MessageKind::Deliver {
        return Ok(None);
    }
    let candidate: Option<(String, String, i64)> = connection
        .prepare_cached(
            "SELECT id, created_at, message_count FROM allocations
             WHERE iccid = ?1 AND state = 'active' AND expires_at > ?2 AND created_at <= ?3",
        )
        .and_then(|mut statement| {
            statement
                .query_row(
                    params![message.iccid, now, message.first_received_at],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                )
                .optional()
        })
        .context("finding the allocation of a new message")?;
    let Some((allocation, created_at, count)) = candidate else {
        return Ok(None);
    };
    if let Some(sent_at) = &message.sent_at
        && sent_too_early(sent_at, &created_at)
    {
        tracing::info!(
            allocation,
            message = id.0,
            sent_at,
            created_at,
            "SMS stamped well before the allocation began; not shown to it"
        );
        return Ok(None);
    }
    connection
        .prepare_cached("UPDATE messages SET allocation_id = ?2 WHERE id = ?1")
        .and_then(|mut statement| statement.execute(params![id.0, allocation]))
        .context("attributing a message to its allocation")?;
    connection
        .prepare_cached(
            "UPDATE allocations SET message_count = message_count + 1,
                                    first_message_at = coalesce(first_message_at, ?2)
             WHERE id = ?1",
        )
        .and_then(|mut statement| statement.execute(params![allocation, message.received_at]))
        .context("counting a message on its allocation")?;
    if count == 0 {
        connection
            .prepare_cached("UPDATE sims SET health = min(100, health + ?2) WHERE iccid = ?1")
            .and_then(|mut statement| {
                statement.execute(params![message.iccid, HEALTH_BONUS_ON_SMS])
            })
            .context("crediting a SIM's health")?;
    }
    super::allocation::feed(connection, &allocation, "message", Some(id), now, "")?;
    Ok(Some(allocation))
}

/// Whether a service-centre stamp is older than the allocation's start by more than the
/// tolerance. Unreadable values never hold a message back.
fn sent_too_early(sent_at: &str, created_at: &str) -> bool {
    let (Ok(sent), Ok(created)) = (
        timestamp::from_text(sent_at, "a message's sent_at"),
        timestamp::from_text(created_at, "an allocation's created_at"),
    ) else {
        return false;
    };
    sent < created - SENT_AT_TOLERANCE && sent > OffsetDateTime::UNIX_EPOCH
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_within_the_tolerance_is_accepted_and_an_older_one_is_not() {
        let created = "2026-11-23T12:00:00.000000Z";
        assert!(!sent_too_early("2026-11-23T11:58:00.000000Z", created));
        assert!(!sent_too_early("2026-11-23T12:01:00.000000Z", created));
        assert!(sent_too_early("2026-11-23T11:50:00.000000Z", created));
        assert!(!sent_too_early("not a time", created));
    }
}
