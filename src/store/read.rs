//! Reads, on connections of their own: in WAL mode they see the last commit and never wait
//! for the writer.
//!
//! Reads are synchronous: each is one indexed query that takes microseconds on a rack's
//! worth of data. An async caller with a large page to read can wrap it in
//! `tokio::task::spawn_blocking`.

use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

use rusqlite::{Connection, Row, params};

use super::error::{SqlContext, StoreError};
use super::model::{
    EventRow, MessageFilter, MessageId, MessageKind, MessageRow, NumberSource, PortRow, SimNumber,
    SimRow, SimState, encoding_from_name,
};
use super::schema;
use super::timestamp;

/// Idle read connections kept for reuse. Two: the API and the status page reading at the
/// same moment is the common worst case; a third concurrent reader opens (and then closes)
/// a connection of its own rather than waiting.
const IDLE_READERS: usize = 2;

/// A small pool of read connections.
#[derive(Debug)]
pub(crate) struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Readers {
    pub(crate) fn new(path: PathBuf) -> Readers {
        Readers {
            path,
            idle: Mutex::new(Vec::with_capacity(IDLE_READERS)),
        }
    }

    /// Runs `read` on an idle connection, or a new one.
    pub(crate) fn with<R>(
        &self,
        read: impl FnOnce(&Connection) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        // A reader that panicked left nothing half-done in the Vec: ignore the poison.
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let connection = match idle {
            Some(connection) => connection,
            None => {
                let connection = schema::connect(&self.path)?;
                // Belt and braces: nothing but the writer thread writes.
                connection
                    .pragma_update(None, "query_only", true)
                    .context("making a read connection read-only")?;
                connection
            }
        };
        let result = read(&connection);
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < IDLE_READERS {
            idle.push(connection);
        }
        result
    }
}

/// Every port, by path.
pub(crate) fn ports(connection: &Connection) -> Result<Vec<PortRow>, StoreError> {
    let mut statement = connection
        .prepare_cached(
            "SELECT path, state, model, manufacturer, firmware, imei, iccid, signal_rssi,
                    registration, last_error, updated_at
             FROM ports ORDER BY path",
        )
        .context("reading ports")?;
    let rows = statement
        .query_map([], |row| {
            Ok((
                PortRow {
                    path: row.get(0)?,
                    state: row.get(1)?,
                    model: row.get(2)?,
                    manufacturer: row.get(3)?,
                    firmware: row.get(4)?,
                    imei: row.get(5)?,
                    iccid: row.get(6)?,
                    signal_rssi: row.get(7)?,
                    registration: row.get(8)?,
                    last_error: row.get(9)?,
                    updated_at: time::OffsetDateTime::UNIX_EPOCH,
                },
                row.get::<_, String>(10)?,
            ))
        })
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .context("reading ports")?;
    rows.into_iter()
        .map(|(mut port, updated_at)| {
            port.updated_at = timestamp::from_text(&updated_at, "ports.updated_at")?;
            Ok(port)
        })
        .collect()
}

const SIM_COLUMNS: &str = "iccid, imsi, number, number_source, country, operator, state, health,
                           port_path, first_seen, last_seen, operator_code";

/// A SIM row's raw columns; the typed [`SimRow`] is made outside rusqlite's closure so
/// that a bad stored value is a [`StoreError::Corrupt`] naming the column.
struct RawSim {
    iccid: String,
    imsi: Option<String>,
    number: Option<String>,
    number_source: Option<String>,
    country: Option<String>,
    operator: Option<String>,
    state: String,
    health: i64,
    port_path: Option<String>,
    first_seen: String,
    last_seen: String,
    operator_code: Option<String>,
}

fn raw_sim(row: &Row<'_>) -> rusqlite::Result<RawSim> {
    Ok(RawSim {
        iccid: row.get(0)?,
        imsi: row.get(1)?,
        number: row.get(2)?,
        number_source: row.get(3)?,
        country: row.get(4)?,
        operator: row.get(5)?,
        state: row.get(6)?,
        health: row.get(7)?,
        port_path: row.get(8)?,
        first_seen: row.get(9)?,
        last_seen: row.get(10)?,
        operator_code: row.get(11)?,
    })
}

impl RawSim {
    fn typed(self) -> Result<SimRow, StoreError> {
        let number = match (self.number, self.number_source) {
            (Some(number), Some(source)) => Some(SimNumber {
                number,
                source: NumberSource::from_name(&source)
                    .ok_or_else(|| corrupt("sims.number_source", &source))?,
            }),
            _ => None,
        };
        Ok(SimRow {
            state: SimState::from_name(&self.state)
                .ok_or_else(|| corrupt("sims.state", &self.state))?,
            first_seen: timestamp::from_text(&self.first_seen, "sims.first_seen")?,
            last_seen: timestamp::from_text(&self.last_seen, "sims.last_seen")?,
            iccid: self.iccid,
            imsi: self.imsi,
            number,
            country: self.country,
            operator: self.operator,
            operator_code: self.operator_code,
            health: self.health,
            port_path: self.port_path,
        })
    }
}

pub(crate) fn corrupt(what: &'static str, value: &str) -> StoreError {
    StoreError::Corrupt {
        what,
        value: value.to_owned(),
        reason: "not one of the values the schema allows".to_owned(),
    }
}

/// Every SIM ever seen, by ICCID.
pub(crate) fn sims(connection: &Connection) -> Result<Vec<SimRow>, StoreError> {
    connection
        .prepare_cached(&format!("SELECT {SIM_COLUMNS} FROM sims ORDER BY iccid"))
        .and_then(|mut statement| {
            statement
                .query_map([], raw_sim)?
                .collect::<Result<Vec<_>, _>>()
        })
        .context("reading SIMs")?
        .into_iter()
        .map(RawSim::typed)
        .collect()
}

/// One SIM.
pub(crate) fn sim(connection: &Connection, iccid: &str) -> Result<Option<SimRow>, StoreError> {
    connection
        .prepare_cached(&format!("SELECT {SIM_COLUMNS} FROM sims WHERE iccid = ?1"))
        .and_then(|mut statement| statement.query_map([iccid], raw_sim)?.next().transpose())
        .context("reading a SIM")?
        .map(RawSim::typed)
        .transpose()
}

/// Messages after the filter's cursor, oldest first.
pub(crate) fn messages(
    connection: &Connection,
    filter: &MessageFilter,
) -> Result<Vec<MessageRow>, StoreError> {
    let limit = i64::try_from(filter.limit.min(MessageFilter::MAX_LIMIT)).unwrap_or(i64::MAX);
    let after = filter.after_id.map_or(0, |MessageId(id)| id);
    match &filter.allocation_id {
        // The partial index on allocation_id serves this one.
        Some(allocation) => message_rows(
            connection,
            "WHERE allocation_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
            params![allocation, after, limit],
        ),
        None => message_rows(
            connection,
            "WHERE (?1 IS NULL OR iccid = ?1) AND id > ?2 ORDER BY id LIMIT ?3",
            params![filter.iccid, after, limit],
        ),
    }
}

/// A SIM's latest `limit` messages, newest first: what a technician looks at.
pub(crate) fn latest_messages(
    connection: &Connection,
    iccid: &str,
    limit: usize,
) -> Result<Vec<MessageRow>, StoreError> {
    let limit = i64::try_from(limit.min(MessageFilter::MAX_LIMIT)).unwrap_or(i64::MAX);
    message_rows(
        connection,
        "WHERE iccid = ?1 ORDER BY id DESC LIMIT ?2",
        params![iccid, limit],
    )
}

/// The columns [`message_from_row`] reads, in its order.
pub(crate) const MESSAGE_COLUMNS: &str =
    "id, iccid, port_path, kind, sender, sender_type, text, encoding, data_hex, smsc, sent_at,
     received_at, parts_expected, parts_received, incomplete, allocation_id, created_at, code";

/// Messages selected by `tail` (a WHERE / ORDER BY / LIMIT clause over `messages`).
fn message_rows(
    connection: &Connection,
    tail: &str,
    params: &[&dyn rusqlite::ToSql],
) -> Result<Vec<MessageRow>, StoreError> {
    let sql = format!("SELECT {MESSAGE_COLUMNS} FROM messages {tail}");
    let raws = connection
        .prepare_cached(&sql)
        .and_then(|mut statement| {
            statement
                .query_map(params, |row| RawMessage::read(row, 0))?
                .collect::<Result<Vec<_>, _>>()
        })
        .context("reading messages")?;
    raws.into_iter().map(RawMessage::typed).collect()
}

/// A message row as SQLite gives it, before its names and times are checked.
pub(crate) struct RawMessage {
    row: MessageRow,
    kind: String,
    encoding: Option<String>,
    sent_at: Option<String>,
    received_at: String,
    created_at: String,
}

impl RawMessage {
    /// Reads [`MESSAGE_COLUMNS`] starting at column `at`.
    pub(crate) fn read(row: &Row<'_>, at: usize) -> rusqlite::Result<RawMessage> {
        let placeholder = time::OffsetDateTime::UNIX_EPOCH;
        Ok(RawMessage {
            row: MessageRow {
                id: MessageId(row.get(at)?),
                iccid: row.get(at + 1)?,
                port_path: row.get(at + 2)?,
                kind: MessageKind::Undecodable,
                sender: row.get(at + 4)?,
                sender_type: row.get(at + 5)?,
                text: row.get(at + 6)?,
                encoding: None,
                data_hex: row.get(at + 8)?,
                smsc: row.get(at + 9)?,
                sent_at: None,
                received_at: placeholder,
                parts_expected: row.get(at + 12)?,
                parts_received: row.get(at + 13)?,
                incomplete: row.get(at + 14)?,
                allocation_id: row.get(at + 15)?,
                created_at: placeholder,
                code: row.get(at + 17)?,
            },
            kind: row.get(at + 3)?,
            encoding: row.get(at + 7)?,
            sent_at: row.get(at + 10)?,
            received_at: row.get(at + 11)?,
            created_at: row.get(at + 16)?,
        })
    }

    /// Checks the stored names and times.
    pub(crate) fn typed(self) -> Result<MessageRow, StoreError> {
        let mut row = self.row;
        row.kind = MessageKind::from_name(&self.kind)
            .ok_or_else(|| corrupt("messages.kind", &self.kind))?;
        row.encoding = self
            .encoding
            .map(|name| {
                encoding_from_name(&name).ok_or_else(|| corrupt("messages.encoding", &name))
            })
            .transpose()?;
        row.sent_at = self
            .sent_at
            .map(|text| timestamp::from_text(&text, "messages.sent_at"))
            .transpose()?;
        row.received_at = timestamp::from_text(&self.received_at, "messages.received_at")?;
        row.created_at = timestamp::from_text(&self.created_at, "messages.created_at")?;
        Ok(row)
    }
}

/// Rows in a table the store owns.
pub(crate) fn count(connection: &Connection, table: Table) -> Result<u64, StoreError> {
    let sql = match table {
        Table::Messages => "SELECT count(*) FROM messages",
        Table::Parts => "SELECT count(*) FROM message_parts",
    };
    connection
        .prepare_cached(sql)
        .and_then(|mut statement| statement.query_row([], |row| row.get::<_, i64>(0)))
        .context("counting rows")
        .map(|count| u64::try_from(count).unwrap_or(0))
}

/// The tables [`count`] counts.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Table {
    Messages,
    Parts,
}

/// The latest events, newest first.
pub(crate) fn events(connection: &Connection, limit: usize) -> Result<Vec<EventRow>, StoreError> {
    events_where(connection, None, limit)
}

/// The latest `limit` events of `kind` (all kinds for `None`), newest first.
pub(crate) fn events_where(
    connection: &Connection,
    kind: Option<&str>,
    limit: usize,
) -> Result<Vec<EventRow>, StoreError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    // Two statements rather than `?1 IS NULL OR kind = ?1`, which SQLite cannot answer
    // from the `events_by_kind` index.
    let sql = match kind {
        Some(_) => {
            "SELECT id, at, kind, port_path, iccid, detail FROM events \
             WHERE kind = ?1 ORDER BY id DESC LIMIT ?2"
        }
        None => {
            "SELECT id, at, kind, port_path, iccid, detail FROM events \
             WHERE ?1 IS NULL ORDER BY id DESC LIMIT ?2"
        }
    };
    event_rows(connection, sql, rusqlite::params![kind, limit])
}

/// The latest `limit` events of the port at `path`, newest first: a slot's history on the
/// rack page.
pub(crate) fn port_events(
    connection: &Connection,
    path: &str,
    limit: usize,
) -> Result<Vec<EventRow>, StoreError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    event_rows(
        connection,
        "SELECT id, at, kind, port_path, iccid, detail FROM events \
         WHERE port_path = ?1 ORDER BY id DESC LIMIT ?2",
        rusqlite::params![path, limit],
    )
}

/// The events `sql` selects (the columns of [`EventRow`], in its order).
fn event_rows(
    connection: &Connection,
    sql: &str,
    params: &[&dyn rusqlite::ToSql],
) -> Result<Vec<EventRow>, StoreError> {
    let raws = connection
        .prepare_cached(sql)
        .and_then(|mut statement| {
            statement
                .query_map(params, |row| {
                    Ok((
                        row.get::<_, i64>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, Option<String>>(3)?,
                        row.get::<_, Option<String>>(4)?,
                        row.get::<_, String>(5)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()
        })
        .context("reading events")?;
    raws.into_iter()
        .map(|(id, at, kind, port_path, iccid, detail)| {
            Ok(EventRow {
                id,
                at: timestamp::from_text(&at, "events.at")?,
                kind,
                port_path,
                iccid,
                detail,
            })
        })
        .collect()
}

/// Messages received since `since` (stored time text), per port.
pub(crate) fn messages_per_port_since(
    connection: &Connection,
    since: &str,
) -> Result<std::collections::BTreeMap<String, u64>, StoreError> {
    connection
        .prepare_cached(
            "SELECT port_path, count(*) FROM messages WHERE received_at >= ?1 GROUP BY port_path",
        )
        .and_then(|mut statement| {
            statement
                .query_map([since], |row| {
                    let count: i64 = row.get(1)?;
                    Ok((row.get(0)?, u64::try_from(count).unwrap_or(0)))
                })?
                .collect()
        })
        .context("counting messages per port")
}
