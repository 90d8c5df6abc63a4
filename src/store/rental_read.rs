//! Reads about rentals: allocations, the feed, stock, re-rent eligibility. They run on the
//! readers' connections, and some also inside the writer's transaction (an Allocate checks
//! a number with the same [`rerent_check`] that `CheckRerent` answers with).

use std::collections::BTreeMap;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Row, named_params, params};
use time::OffsetDateTime;

use super::allocation::{RENTABLE, UNUSED_FOR_SERVICE, before};
use super::error::{SqlContext, StoreError};
use super::read::{MESSAGE_COLUMNS, RawMessage, corrupt};
use super::rental::{
    AllocationFilter, AllocationRow, AllocationState, FeedItem, FeedKind, PoolRules, ReleaseReason,
    RentalTotals, RerentReason, ServiceRental, StockCount,
};
use super::timestamp;

const ALLOCATION_COLUMNS: &str = "id, owner, service, iccid, coalesce(number, ''), country,
    operator, state, created_at, expires_at, released_at, release_reason, message_count,
    first_message_at, rerent, price_micros";

/// An allocation row as SQLite gives it.
struct RawAllocation {
    row: AllocationRow,
    state: String,
    created_at: String,
    expires_at: String,
    ended_at: Option<String>,
    release_reason: Option<String>,
    first_message_at: Option<String>,
}

fn raw_allocation(row: &Row<'_>) -> rusqlite::Result<RawAllocation> {
    let placeholder = OffsetDateTime::UNIX_EPOCH;
    Ok(RawAllocation {
        row: AllocationRow {
            id: row.get(0)?,
            owner: row.get(1)?,
            service: row.get(2)?,
            iccid: row.get(3)?,
            number: row.get(4)?,
            country: row.get(5)?,
            operator: row.get(6)?,
            state: AllocationState::Active,
            created_at: placeholder,
            expires_at: placeholder,
            ended_at: None,
            release_reason: None,
            message_count: row.get(12)?,
            first_message_at: None,
            rerent: row.get(14)?,
            price_micros: row.get(15)?,
        },
        state: row.get(7)?,
        created_at: row.get(8)?,
        expires_at: row.get(9)?,
        ended_at: row.get(10)?,
        release_reason: row.get(11)?,
        first_message_at: row.get(13)?,
    })
}

impl RawAllocation {
    fn typed(self) -> Result<AllocationRow, StoreError> {
        let mut row = self.row;
        row.state = AllocationState::from_name(&self.state)
            .ok_or_else(|| corrupt("allocations.state", &self.state))?;
        row.created_at = timestamp::from_text(&self.created_at, "allocations.created_at")?;
        row.expires_at = timestamp::from_text(&self.expires_at, "allocations.expires_at")?;
        row.ended_at = self
            .ended_at
            .map(|text| timestamp::from_text(&text, "allocations.released_at"))
            .transpose()?;
        row.release_reason = self
            .release_reason
            .map(|name| {
                ReleaseReason::from_name(&name)
                    .ok_or_else(|| corrupt("allocations.release_reason", &name))
            })
            .transpose()?;
        row.first_message_at = self
            .first_message_at
            .map(|text| timestamp::from_text(&text, "allocations.first_message_at"))
            .transpose()?;
        Ok(row)
    }
}

/// One allocation; `owner` `Some` restricts it to that caller's (another caller's id reads
/// as not found, so ids do not leak between callers).
pub(crate) fn allocation(
    connection: &Connection,
    owner: Option<&str>,
    id: &str,
) -> Result<Option<AllocationRow>, StoreError> {
    connection
        .prepare_cached(&format!(
            "SELECT {ALLOCATION_COLUMNS} FROM allocations
             WHERE id = ?1 AND (?2 IS NULL OR owner = ?2)"
        ))
        .and_then(|mut statement| {
            statement
                .query_row(params![id, owner], raw_allocation)
                .optional()
        })
        .context("reading an allocation")?
        .map(RawAllocation::typed)
        .transpose()
}

/// Allocations matching the filter, newest first.
pub(crate) fn allocations(
    connection: &Connection,
    filter: &AllocationFilter,
) -> Result<Vec<AllocationRow>, StoreError> {
    let limit = i64::try_from(filter.limit).unwrap_or(i64::MAX);
    connection
        .prepare_cached(&format!(
            "SELECT {ALLOCATION_COLUMNS} FROM allocations
             WHERE (:owner IS NULL OR owner = :owner)
               AND (:state IS NULL OR state = :state)
               AND (:service IS NULL OR service = :service)
               AND (:has IS NULL OR (message_count > 0) = :has)
               AND (:before IS NULL OR id < :before)
             ORDER BY id DESC LIMIT :limit"
        ))
        .and_then(|mut statement| {
            statement
                .query_map(
                    named_params! {
                        ":owner": filter.owner,
                        ":state": filter.state.map(AllocationState::as_str),
                        ":service": filter.service,
                        ":has": filter.has_messages,
                        ":before": filter.before_id,
                        ":limit": limit,
                    },
                    raw_allocation,
                )?
                .collect::<Result<Vec<_>, _>>()
        })
        .context("listing allocations")?
        .into_iter()
        .map(RawAllocation::typed)
        .collect()
}

/// Active allocations by ICCID: what the admin views show next to each SIM.
pub(crate) fn active_by_sim(
    connection: &Connection,
    now: OffsetDateTime,
) -> Result<BTreeMap<String, String>, StoreError> {
    let now = timestamp::to_text(now, "the current time")?;
    connection
        .prepare_cached(
            "SELECT iccid, id FROM allocations WHERE state = 'active' AND expires_at > ?1",
        )
        .and_then(|mut statement| {
            statement
                .query_map([now], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<Result<BTreeMap<_, _>, _>>()
        })
        .context("reading active allocations")
}

/// When the next active lease runs out.
pub(crate) fn next_expiry(connection: &Connection) -> Result<Option<OffsetDateTime>, StoreError> {
    let next: Option<String> = connection
        .prepare_cached("SELECT min(expires_at) FROM allocations WHERE state = 'active'")
        .and_then(|mut statement| statement.query_row([], |row| row.get(0)))
        .context("reading the next lease to run out")?;
    next.map(|text| timestamp::from_text(&text, "allocations.expires_at"))
        .transpose()
}

/// The newest feed cursor (0 when the feed is empty).
pub(crate) fn last_feed_cursor(connection: &Connection) -> Result<i64, StoreError> {
    connection
        .prepare_cached("SELECT coalesce(max(id), 0) FROM allocation_feed")
        .and_then(|mut statement| statement.query_row([], |row| row.get(0)))
        .context("reading the feed's last cursor")
}

/// Feed entries after `after`, oldest first: the owner's allocations, or only `ids` among
/// them when given.
pub(crate) fn feed_after(
    connection: &Connection,
    owner: Option<&str>,
    ids: &[String],
    after: i64,
    limit: usize,
) -> Result<Vec<FeedItem>, StoreError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let ids_json = (!ids.is_empty())
        .then(|| serde_json::to_string(ids))
        .transpose()
        .map_err(|error| StoreError::Corrupt {
            what: "allocation ids",
            value: format!("{ids:?}"),
            reason: error.to_string(),
        })?;
    let sql = format!(
        "SELECT f.id, f.allocation_id, coalesce(a.number, ''), a.service, f.kind, f.at,
                f.detail, {}
         FROM allocation_feed f
         JOIN allocations a ON a.id = f.allocation_id
         LEFT JOIN messages m ON m.id = f.message_id
         WHERE f.id > :after
           AND (:owner IS NULL OR a.owner = :owner)
           AND (:ids IS NULL OR f.allocation_id IN (SELECT value FROM json_each(:ids)))
         ORDER BY f.id LIMIT :limit",
        MESSAGE_COLUMNS
            .split(',')
            .map(|column| format!("m.{}", column.trim()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    type Raw = (
        i64,
        String,
        String,
        String,
        String,
        String,
        String,
        Option<RawMessage>,
    );
    let raws: Vec<Raw> = connection
        .prepare_cached(&sql)
        .and_then(|mut statement| {
            statement
                .query_map(
                    named_params! {
                        ":after": after,
                        ":owner": owner,
                        ":ids": ids_json,
                        ":limit": limit,
                    },
                    |row| {
                        let message_id: Option<i64> = row.get(7)?;
                        let message = match message_id {
                            Some(_) => Some(RawMessage::read(row, 7)?),
                            None => None,
                        };
                        Ok((
                            row.get(0)?,
                            row.get(1)?,
                            row.get(2)?,
                            row.get(3)?,
                            row.get(4)?,
                            row.get(5)?,
                            row.get(6)?,
                            message,
                        ))
                    },
                )?
                .collect::<Result<Vec<_>, _>>()
        })
        .context("reading the allocation feed")?;
    raws.into_iter()
        .map(
            |(cursor, allocation_id, number, service, kind, at, detail, message)| {
                Ok(FeedItem {
                    cursor,
                    allocation_id,
                    number,
                    service,
                    kind: FeedKind::from_name(&kind)
                        .ok_or_else(|| corrupt("allocation_feed.kind", &kind))?,
                    at: timestamp::from_text(&at, "allocation_feed.at")?,
                    detail,
                    message: message.map(RawMessage::typed).transpose()?,
                })
            },
        )
        .collect()
}

/// SIMs rentable now per (country, operator); for `service`, only those whose number was
/// never rented for it.
pub(crate) fn stock(
    connection: &Connection,
    service: Option<&str>,
    country: Option<&str>,
    rules: &PoolRules,
    now: OffsetDateTime,
) -> Result<Vec<StockCount>, StoreError> {
    let service_condition = if service.is_some() {
        UNUSED_FOR_SERVICE
    } else {
        "1"
    };
    let sql = format!(
        "SELECT s.country, s.operator, count(*)
         FROM sims s JOIN ports p ON p.path = s.port_path
         WHERE {RENTABLE} AND {service_condition}
           AND (:country IS NULL OR s.country = :country)
         GROUP BY s.country, s.operator ORDER BY s.country, s.operator"
    );
    let rested_since = timestamp::to_text(before(now, rules.cooldown), "the cool-down's start")?;
    let now = timestamp::to_text(now, "the current time")?;
    let mut parameters = named_params! {
        ":min_health": rules.min_health,
        ":rested_since": rested_since,
        ":now": now,
        ":country": country,
    }
    .to_vec();
    if let Some(service) = &service {
        parameters.push((":service", service as &dyn rusqlite::ToSql));
    }
    connection
        .prepare_cached(&sql)
        .and_then(|mut statement| {
            statement
                .query_map(parameters.as_slice(), |row| {
                    Ok(StockCount {
                        country: row.get(0)?,
                        operator: row.get(1)?,
                        available: row.get(2)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()
        })
        .context("counting the stock")
}

/// A service's allocations made since `since` that have had their chance: ended, or
/// received an SMS already.
pub(crate) fn service_rentals(
    connection: &Connection,
    service: &str,
    since: OffsetDateTime,
) -> Result<Vec<ServiceRental>, StoreError> {
    let since = timestamp::to_text(since, "the window's start")?;
    type Raw = (Option<String>, Option<String>, String, Option<String>);
    let raws: Vec<Raw> = connection
        .prepare_cached(
            "SELECT country, operator, created_at, first_message_at FROM allocations
             WHERE service = ?1 AND created_at >= ?2
               AND (state <> 'active' OR first_message_at IS NOT NULL)",
        )
        .and_then(|mut statement| {
            statement
                .query_map(params![service, since], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
                })?
                .collect::<Result<Vec<_>, _>>()
        })
        .context("reading a service's recent allocations")?;
    raws.into_iter()
        .map(|(country, operator, created_at, first)| {
            let created = timestamp::from_text(&created_at, "allocations.created_at")?;
            let time_to_first_sms = first
                .map(|text| timestamp::from_text(&text, "allocations.first_message_at"))
                .transpose()?
                .map(|first| Duration::try_from(first - created).unwrap_or_default());
            Ok(ServiceRental {
                country,
                operator,
                time_to_first_sms,
            })
        })
        .collect()
}

/// A SIM as the re-rent check needs it.
pub(crate) struct RerentSim {
    pub(crate) iccid: String,
    pub(crate) country: Option<String>,
    pub(crate) operator: Option<String>,
}

/// Whether `number` (E.164) can be re-rented for `service` now, and its SIM when there is
/// one. The checks run in a fixed order, so the reason given is the first that applies.
pub(crate) fn rerent_check(
    connection: &Connection,
    service: &str,
    number: &str,
    rules: &PoolRules,
    now: OffsetDateTime,
) -> Result<(RerentReason, Option<RerentSim>), StoreError> {
    // The SIM holding the number: the one in a port if several SIMs ever had it.
    type Found = (
        String,
        Option<String>,
        Option<String>,
        String,
        i64,
        Option<String>,
    );
    let found: Option<Found> = connection
        .prepare_cached(
            "SELECT iccid, country, operator, state, health, last_released_at FROM sims
             WHERE number = ?1 ORDER BY port_path IS NULL, last_seen DESC LIMIT 1",
        )
        .and_then(|mut statement| {
            statement
                .query_row([number], |row| {
                    Ok((
                        row.get(0)?,
                        row.get(1)?,
                        row.get(2)?,
                        row.get(3)?,
                        row.get(4)?,
                        row.get(5)?,
                    ))
                })
                .optional()
        })
        .context("finding the SIM of a number")?;
    let Some((iccid, country, operator, state, health, last_released)) = found else {
        return Ok((RerentReason::NotInInventory, None));
    };
    let now_text = timestamp::to_text(now, "the current time")?;
    let flags: (bool, bool, bool, bool) = connection
        .prepare_cached(
            "SELECT
               EXISTS (SELECT 1 FROM number_service_use u JOIN sims x ON x.iccid = u.iccid
                       WHERE x.number = ?1 AND u.service = ?2 AND u.quarantined_at IS NOT NULL),
               EXISTS (SELECT 1 FROM allocations WHERE iccid = ?3 AND state = 'active'
                       AND expires_at > ?4),
               EXISTS (SELECT 1 FROM sims s JOIN ports p ON p.path = s.port_path
                       WHERE s.iccid = ?3 AND p.state = 'ready'
                         AND coalesce(p.registration, 'registered') = 'registered'),
               EXISTS (SELECT 1 FROM allocations WHERE number = ?1 AND service = ?2)",
        )
        .and_then(|mut statement| {
            statement.query_row(params![number, service, iccid, now_text], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })
        })
        .context("checking a number for re-rent")?;
    let (quarantined, allocated, present, used) = flags;
    let rested_since = timestamp::to_text(before(now, rules.cooldown), "the cool-down's start")?;
    let reason = if quarantined {
        RerentReason::QuarantinedForService
    } else if state != "active" || health < rules.min_health {
        RerentReason::SimUnhealthy
    } else if allocated {
        RerentReason::CurrentlyAllocated
    } else if !present {
        RerentReason::SimNotPresent
    } else if last_released.is_some_and(|released| released > rested_since) {
        RerentReason::CoolingDown
    } else if !used {
        RerentReason::NotUsedForService
    } else {
        RerentReason::Ok
    };
    Ok((
        reason,
        Some(RerentSim {
            iccid,
            country,
            operator,
        }),
    ))
}

/// Totals for the admin counters.
pub(crate) fn totals(
    connection: &Connection,
    now: OffsetDateTime,
) -> Result<RentalTotals, StoreError> {
    let now = timestamp::to_text(now, "the current time")?;
    connection
        .prepare_cached(
            "SELECT
               (SELECT count(*) FROM allocations WHERE state = 'active' AND expires_at > ?1),
               (SELECT count(*) FROM allocations),
               (SELECT count(*) FROM allocations WHERE message_count > 0),
               (SELECT count(*) FROM messages WHERE allocation_id IS NULL)",
        )
        .and_then(|mut statement| {
            statement.query_row([now], |row| {
                let count = |index: usize| -> rusqlite::Result<u64> {
                    row.get::<_, i64>(index)
                        .map(|count| u64::try_from(count).unwrap_or(0))
                };
                Ok(RentalTotals {
                    active: count(0)?,
                    total: count(1)?,
                    with_messages: count(2)?,
                    messages_unattributed: count(3)?,
                })
            })
        })
        .context("counting allocations")
}
