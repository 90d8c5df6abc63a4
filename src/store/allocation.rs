//! Renting SIMs out: allocate, release, extend, expire, and the feed each writes. Every
//! function here runs inside the writer's transaction, so the checks and the writes of one
//! request see no other request in between: that, with the unique index on active
//! allocations per SIM, is what keeps a SIM out of two allocations at once.
//!
//! Which SIMs can be rented (shared with the reads in `rental_read`): a SIM in rotation
//! (`active`), healthy enough, with a known number, in a port that is ready and registered,
//! rested since its last rental, and not in an active allocation whose lease is still
//! running. For a service, additionally: its number never rented for that service before.

use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, named_params, params};
use time::OffsetDateTime;

use super::error::{SqlContext, StoreError};
use super::model::MessageId;
use super::rental::{
    AllocateOutcome, AllocationRequest, AllocationRow, AllocationState, Change, FeedKind,
    PoolRules, ReleaseReason, RerentReason,
};
use super::rental_read;
use super::timestamp;

/// The conditions for a SIM `s` (joined to its port `p`) to be rentable at `:now`, given
/// `:min_health` and `:rested_since` (now minus the cool-down).
pub(crate) const RENTABLE: &str = "
    s.state = 'active' AND s.health >= :min_health AND s.number IS NOT NULL
    AND p.state = 'ready' AND coalesce(p.registration, 'registered') = 'registered'
    AND (s.last_released_at IS NULL OR s.last_released_at <= :rested_since)
    AND NOT EXISTS (SELECT 1 FROM allocations a
                    WHERE a.iccid = s.iccid AND a.state = 'active' AND a.expires_at > :now)";

/// The condition for the number of SIM `s` never to have been rented for `:service`. By
/// number, not SIM: a number moved to a new SIM is still the number the service has seen.
pub(crate) const UNUSED_FOR_SERVICE: &str = "
    NOT EXISTS (SELECT 1 FROM allocations u WHERE u.number = s.number AND u.service = :service)";

/// `time` as stored, or a store error naming `what`.
fn text(time: OffsetDateTime, what: &'static str) -> Result<String, StoreError> {
    timestamp::to_text(time, what)
}

/// `now - duration`, saturating at the epoch.
pub(crate) fn before(now: OffsetDateTime, duration: Duration) -> OffsetDateTime {
    time::Duration::try_from(duration)
        .ok()
        .and_then(|duration| now.checked_sub(duration))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Appends an entry to an allocation's feed.
pub(crate) fn feed(
    connection: &Connection,
    allocation_id: &str,
    kind: &str,
    message: Option<MessageId>,
    at: &str,
    detail: &str,
) -> Result<(), StoreError> {
    connection
        .prepare_cached(
            "INSERT INTO allocation_feed (allocation_id, kind, message_id, at, detail)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .and_then(|mut statement| {
            statement.execute(params![
                allocation_id,
                kind,
                message.map(|MessageId(id)| id),
                at,
                detail
            ])
        })
        .context("writing an allocation's feed")?;
    Ok(())
}

/// Marks every active allocation whose lease has run out as expired (ending at its
/// `expires_at`, the moment it really ended), with a feed entry each. Returns their ids.
pub(crate) fn expire_due(
    connection: &Connection,
    now: OffsetDateTime,
) -> Result<Vec<String>, StoreError> {
    let now = text(now, "the current time")?;
    let due: Vec<(String, String, String)> = connection
        .prepare_cached(
            "SELECT id, iccid, expires_at FROM allocations
             WHERE state = 'active' AND expires_at <= ?1 ORDER BY expires_at, id",
        )
        .and_then(|mut statement| {
            statement
                .query_map([&now], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
                .collect::<Result<Vec<_>, _>>()
        })
        .context("finding leases that ran out")?;
    for (id, iccid, expires_at) in &due {
        connection
            .prepare_cached(
                "UPDATE allocations SET state = 'expired', released_at = expires_at
                 WHERE id = ?1",
            )
            .and_then(|mut statement| statement.execute([id]))
            .context("expiring an allocation")?;
        mark_released(connection, iccid, expires_at)?;
        feed(
            connection,
            id,
            FeedKind::Expired.as_str(),
            None,
            expires_at,
            "",
        )?;
    }
    Ok(due.into_iter().map(|(id, _, _)| id).collect())
}

/// Records when the SIM's last rental ended (its cool-down runs from there).
fn mark_released(connection: &Connection, iccid: &str, at: &str) -> Result<(), StoreError> {
    connection
        .prepare_cached(
            "UPDATE sims SET last_released_at = max(coalesce(last_released_at, ''), ?2)
             WHERE iccid = ?1",
        )
        .and_then(|mut statement| statement.execute(params![iccid, at]))
        .context("recording the end of a SIM's rental")?;
    Ok(())
}

/// A SIM that may be handed out.
struct Candidate {
    iccid: String,
    number: String,
    country: Option<String>,
    operator: Option<String>,
    rerent: bool,
}

/// Allocates as the request says, all or none.
pub(crate) fn allocate(
    connection: &Connection,
    request: &AllocationRequest,
    rules: &PoolRules,
    now: OffsetDateTime,
) -> Result<AllocateOutcome, StoreError> {
    let now_text = text(now, "the current time")?;
    if let Some(idempotency) = &request.idempotency {
        let forget_before = text(before(now, rules.idempotency_window), "a key's age")?;
        connection
            .prepare_cached("DELETE FROM idempotency_keys WHERE created_at < ?1")
            .and_then(|mut statement| statement.execute([&forget_before]))
            .context("forgetting old idempotency keys")?;
        let earlier: Option<(String, String)> = connection
            .prepare_cached(
                "SELECT request, allocation_ids FROM idempotency_keys
                 WHERE owner = ?1 AND key = ?2",
            )
            .and_then(|mut statement| {
                statement
                    .query_row(params![request.owner, idempotency.key], |row| {
                        Ok((row.get(0)?, row.get(1)?))
                    })
                    .optional()
            })
            .context("looking up an idempotency key")?;
        if let Some((fingerprint, ids)) = earlier {
            if fingerprint != idempotency.fingerprint {
                return Ok(AllocateOutcome::KeyReused);
            }
            let ids: Vec<String> =
                serde_json::from_str(&ids).map_err(|error| StoreError::Corrupt {
                    what: "idempotency_keys.allocation_ids",
                    value: ids.clone(),
                    reason: error.to_string(),
                })?;
            let mut rows = Vec::with_capacity(ids.len());
            for id in &ids {
                if let Some(row) = rental_read::allocation(connection, None, id)? {
                    rows.push(row);
                }
            }
            return Ok(AllocateOutcome::Replayed(rows));
        }
    }
    expire_due(connection, now)?;

    let wanted = request.ids.len();
    let candidates = match &request.number {
        Some(number) => {
            match rental_read::rerent_check(connection, &request.service, number, rules, now)? {
                (reason @ (RerentReason::Ok | RerentReason::NotUsedForService), Some(sim)) => {
                    vec![Candidate {
                        iccid: sim.iccid,
                        number: number.clone(),
                        country: sim.country,
                        operator: sim.operator,
                        rerent: reason == RerentReason::Ok,
                    }]
                }
                (reason, _) => return Ok(AllocateOutcome::NumberRefused(reason)),
            }
        }
        None => candidates(connection, request, rules, now, wanted)?,
    };
    if candidates.len() < wanted {
        return Ok(AllocateOutcome::NoStock {
            wanted,
            available: candidates.len(),
        });
    }

    let expires_at = time::Duration::try_from(request.lease)
        .ok()
        .and_then(|lease| now.checked_add(lease))
        .ok_or_else(|| StoreError::Time {
            what: "a lease's end",
            time: format!("{now:?} + {:?}", request.lease),
            reason: "out of range".to_owned(),
        })?;
    let expires_text = text(expires_at, "a lease's end")?;
    let mut rows = Vec::with_capacity(wanted);
    for (id, sim) in request.ids.iter().zip(candidates) {
        connection
            .prepare_cached(
                "INSERT INTO allocations (id, iccid, service, state, created_at, expires_at,
                                          owner, number, country, operator, rerent,
                                          price_micros)
                 VALUES (?1, ?2, ?3, 'active', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .and_then(|mut statement| {
                statement.execute(params![
                    id,
                    sim.iccid,
                    request.service,
                    now_text,
                    expires_text,
                    request.owner,
                    sim.number,
                    sim.country,
                    sim.operator,
                    sim.rerent,
                    request.price_micros,
                ])
            })
            .context("writing an allocation")?;
        connection
            .prepare_cached("UPDATE sims SET last_allocated_at = ?2 WHERE iccid = ?1")
            .and_then(|mut statement| statement.execute(params![sim.iccid, now_text]))
            .context("recording a SIM's rental")?;
        rows.push(AllocationRow {
            id: id.clone(),
            owner: request.owner.clone(),
            service: request.service.clone(),
            iccid: sim.iccid,
            number: sim.number,
            country: sim.country,
            operator: sim.operator,
            state: AllocationState::Active,
            created_at: timestamp::from_text(&now_text, "the current time")?,
            expires_at: timestamp::from_text(&expires_text, "a lease's end")?,
            ended_at: None,
            release_reason: None,
            message_count: 0,
            first_message_at: None,
            rerent: sim.rerent,
            price_micros: request.price_micros,
        });
    }
    if let Some(idempotency) = &request.idempotency {
        let ids = serde_json::to_string(&request.ids).map_err(|error| StoreError::Corrupt {
            what: "allocation ids",
            value: format!("{:?}", request.ids),
            reason: error.to_string(),
        })?;
        connection
            .prepare_cached(
                "INSERT INTO idempotency_keys (owner, key, request, allocation_ids, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .and_then(|mut statement| {
                statement.execute(params![
                    request.owner,
                    idempotency.key,
                    idempotency.fingerprint,
                    ids,
                    now_text
                ])
            })
            .context("remembering an idempotency key")?;
    }
    Ok(AllocateOutcome::Allocated(rows))
}

/// Up to `wanted` rentable SIMs for the request, least recently rented first.
fn candidates(
    connection: &Connection,
    request: &AllocationRequest,
    rules: &PoolRules,
    now: OffsetDateTime,
    wanted: usize,
) -> Result<Vec<Candidate>, StoreError> {
    let sql = format!(
        // CROSS JOIN keeps SIMs the outer loop, in the order of `sims_by_last_allocated`:
        // rows come out already sorted and the caller stops at the first that fit.
        "SELECT s.iccid, s.number, s.country, s.operator
         FROM sims s INDEXED BY sims_by_last_allocated CROSS JOIN ports p ON p.path = s.port_path
         WHERE {RENTABLE} AND {UNUSED_FOR_SERVICE}
           AND (:country IS NULL OR s.country = :country)
           AND (:operator IS NULL OR s.operator = :operator COLLATE NOCASE
                OR s.operator_code = :operator)
         ORDER BY s.last_allocated_at, s.iccid"
    );
    let now_text = text(now, "the current time")?;
    let rested_since = text(before(now, rules.cooldown), "the cool-down's start")?;
    let mut statement = connection
        .prepare_cached(&sql)
        .context("preparing the search for SIMs to rent")?;
    let mut rows = statement
        .query(named_params! {
            ":min_health": rules.min_health,
            ":rested_since": rested_since,
            ":now": now_text,
            ":service": request.service,
            ":country": request.country,
            ":operator": request.operator,
        })
        .context("searching for SIMs to rent")?;
    let mut found = Vec::with_capacity(wanted);
    while found.len() < wanted {
        let Some(row) = rows.next().context("reading a SIM to rent")? else {
            break;
        };
        let number: String = row.get(1).context("reading a SIM to rent")?;
        if request
            .exclude_prefixes
            .iter()
            .any(|prefix| number.starts_with(prefix.as_str()))
        {
            continue;
        }
        found.push(Candidate {
            iccid: row.get(0).context("reading a SIM to rent")?,
            number,
            country: row.get(2).context("reading a SIM to rent")?,
            operator: row.get(3).context("reading a SIM to rent")?,
            rerent: false,
        });
    }
    Ok(found)
}

/// The caller's allocation, after the leases that ran out were marked: the state a change
/// is decided on.
fn current(
    connection: &Connection,
    owner: Option<&str>,
    id: &str,
    now: OffsetDateTime,
) -> Result<Option<AllocationRow>, StoreError> {
    expire_due(connection, now)?;
    rental_read::allocation(connection, owner, id)
}

/// Ends an active allocation. `owner` `None` is an admin acting on anyone's.
pub(crate) fn release(
    connection: &Connection,
    owner: Option<&str>,
    id: &str,
    reason: ReleaseReason,
    rules: &PoolRules,
    now: OffsetDateTime,
) -> Result<Change<AllocationRow>, StoreError> {
    let Some(allocation) = current(connection, owner, id, now)? else {
        return Ok(Change::NotFound);
    };
    if allocation.state != AllocationState::Active {
        return Ok(Change::NotActive(Box::new(allocation)));
    }
    let now_text = text(now, "the current time")?;
    connection
        .prepare_cached(
            "UPDATE allocations SET state = 'released', released_at = ?2, release_reason = ?3
             WHERE id = ?1",
        )
        .and_then(|mut statement| statement.execute(params![id, now_text, reason.as_str()]))
        .context("releasing an allocation")?;
    mark_released(connection, &allocation.iccid, &now_text)?;
    if reason == ReleaseReason::BadNumber {
        let started = timestamp::to_text(allocation.created_at, "an allocation's start")?;
        // The table holds quarantines only: whether a number was used for a service is
        // read from the allocations themselves (by number, `allocations_by_number`).
        connection
            .prepare_cached(
                "INSERT INTO number_service_use (iccid, service, first_used_at, last_used_at,
                                                 quarantined_at)
                 VALUES (?1, ?2, ?3, ?3, ?4)
                 ON CONFLICT (iccid, service) DO UPDATE SET quarantined_at = excluded.quarantined_at",
            )
            .and_then(|mut statement| {
                statement.execute(params![allocation.iccid, allocation.service, started, now_text])
            })
            .context("quarantining a number for a service")?;
        connection
            .prepare_cached("UPDATE sims SET health = max(0, health - ?2) WHERE iccid = ?1")
            .and_then(|mut statement| {
                statement.execute(params![allocation.iccid, rules.bad_number_penalty])
            })
            .context("lowering a SIM's health")?;
    }
    feed(
        connection,
        id,
        FeedKind::Released.as_str(),
        None,
        &now_text,
        reason.as_str(),
    )?;
    Ok(Change::Done(AllocationRow {
        state: AllocationState::Released,
        ended_at: Some(timestamp::from_text(&now_text, "the current time")?),
        release_reason: Some(reason),
        ..allocation
    }))
}

/// Lengthens an active lease by `by`, keeping the whole lease within `max_lease`.
pub(crate) fn extend(
    connection: &Connection,
    owner: Option<&str>,
    id: &str,
    by: Duration,
    max_lease: Duration,
    now: OffsetDateTime,
) -> Result<Change<AllocationRow>, StoreError> {
    let Some(allocation) = current(connection, owner, id, now)? else {
        return Ok(Change::NotFound);
    };
    if allocation.state != AllocationState::Active {
        return Ok(Change::NotActive(Box::new(allocation)));
    }
    let expires_at = time::Duration::try_from(by)
        .ok()
        .and_then(|by| allocation.expires_at.checked_add(by));
    let within = expires_at.filter(|expires_at| {
        time::Duration::try_from(max_lease)
            .is_ok_and(|max| *expires_at - allocation.created_at <= max)
    });
    let Some(expires_at) = within else {
        return Ok(Change::TooLong { max: max_lease });
    };
    let expires_text = text(expires_at, "a lease's end")?;
    connection
        .prepare_cached("UPDATE allocations SET expires_at = ?2 WHERE id = ?1")
        .and_then(|mut statement| statement.execute(params![id, expires_text]))
        .context("extending an allocation")?;
    feed(
        connection,
        id,
        FeedKind::Extended.as_str(),
        None,
        &text(now, "the current time")?,
        &expires_text,
    )?;
    let extended = rental_read::allocation(connection, owner, id)?;
    Ok(extended.map_or(Change::NotFound, Change::Done))
}

/// Tells the active allocation on `iccid` (if any) that its SIM stopped or started
/// receiving, once per change: a `sim_lost` is not repeated until a `sim_back`.
pub(crate) fn sim_presence(
    connection: &Connection,
    iccid: &str,
    present: bool,
    detail: &str,
    now: &str,
) -> Result<(), StoreError> {
    let active: Option<String> = connection
        .prepare_cached(
            "SELECT id FROM allocations WHERE iccid = ?1 AND state = 'active' AND expires_at > ?2",
        )
        .and_then(|mut statement| {
            statement
                .query_row(params![iccid, now], |row| row.get(0))
                .optional()
        })
        .context("finding the allocation of a SIM")?;
    let Some(allocation) = active else {
        return Ok(());
    };
    let last: Option<String> = connection
        .prepare_cached(
            "SELECT kind FROM allocation_feed
             WHERE allocation_id = ?1 AND kind IN ('sim_lost', 'sim_back')
             ORDER BY id DESC LIMIT 1",
        )
        .and_then(|mut statement| {
            statement
                .query_row([&allocation], |row| row.get(0))
                .optional()
        })
        .context("reading an allocation's last SIM event")?;
    let lost_now = last.as_deref() == Some(FeedKind::SimLost.as_str());
    let kind = match (present, lost_now) {
        (false, false) => FeedKind::SimLost,
        (true, true) => FeedKind::SimBack,
        _ => return Ok(()),
    };
    feed(connection, &allocation, kind.as_str(), None, now, detail)
}
