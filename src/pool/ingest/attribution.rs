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
//! Attributing also finds the message's one-time code for the allocation's service, writes
//! the allocation's feed entry (what `WatchMessages` streams), counts the message on the
//! allocation, and on its first message nudges the SIM's health up.

use time::OffsetDateTime;

use crate::otp::CodeExtractor;
use crate::store::{Inbox, MessageId, MessageKind, NewMessage, StoreError};

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
pub(super) fn attribute(
    inbox: &Inbox<'_>,
    codes: &CodeExtractor,
    id: MessageId,
    message: &NewMessage<'_>,
) -> Result<Option<String>, StoreError> {
    if message.kind != MessageKind::Deliver {
        return Ok(None);
    }
    let Some(allocation) = inbox.active_allocation(message.iccid, message.first_received_at)?
    else {
        return Ok(None);
    };
    if let Some(sent_at) = message.sent_at
        && sent_too_early(sent_at, allocation.created_at)
    {
        tracing::info!(
            allocation = allocation.id,
            message = id.0,
            %sent_at,
            created_at = %allocation.created_at,
            "SMS stamped well before the allocation began; not shown to it"
        );
        return Ok(None);
    }
    let code = message
        .text
        .as_deref()
        .and_then(|text| codes.extract(Some(&allocation.service), text));
    inbox.attribute(id, &allocation.id, message.received_at, code.as_deref())?;
    if allocation.message_count == 0 {
        inbox.credit_health(message.iccid, HEALTH_BONUS_ON_SMS)?;
    }
    Ok(Some(allocation.id))
}

/// Whether a service-centre stamp is older than the allocation's start by more than the
/// tolerance. A stamp at or before 1970 (a modem's zeroed clock) never holds a message
/// back.
fn sent_too_early(sent_at: OffsetDateTime, created_at: OffsetDateTime) -> bool {
    sent_at < created_at - SENT_AT_TOLERANCE && sent_at > OffsetDateTime::UNIX_EPOCH
}

#[cfg(test)]
mod tests {
    use super::*;

    use time::macros::datetime;

    #[test]
    fn a_stamp_within_the_tolerance_is_accepted_and_an_older_one_is_not() {
        let created = datetime!(2026-11-23 12:00 UTC);
        assert!(!sent_too_early(datetime!(2026-11-23 11:58 UTC), created));
        assert!(!sent_too_early(datetime!(2026-11-23 12:01 UTC), created));
        assert!(sent_too_early(datetime!(2026-11-23 11:50 UTC), created));
        // A zeroed clock says nothing about when the SMS was sent.
        assert!(!sent_too_early(OffsetDateTime::UNIX_EPOCH, created));
    }
}
