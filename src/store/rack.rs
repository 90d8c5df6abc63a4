//! Writes about the rack: ports and the SIMs in them. Keeps the two links (`ports.iccid`,
//! `sims.port_path`) in step, and records each change in the audit trail.

use rusqlite::{Connection, OptionalExtension, params};

use super::error::{SqlContext, StoreError};
use super::events;
use super::model::{NumberSource, PortUpdate, SimSeen, SimState, SimUpdate};

/// Upserts a port. `None` fields keep their stored values, except `last_error`.
pub(crate) fn port_seen(
    connection: &Connection,
    update: &PortUpdate,
    now: &str,
) -> Result<(), StoreError> {
    let previous: Option<String> = connection
        .prepare_cached("SELECT state FROM ports WHERE path = ?1")
        .and_then(|mut statement| {
            statement
                .query_row([&update.path], |row| row.get(0))
                .optional()
        })
        .context("reading a port's state")?;
    let error = update.last_error.as_deref();
    connection
        .prepare_cached(
            "INSERT INTO ports (path, state, model, manufacturer, firmware, imei, signal_rssi,
                                registration, last_error, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (path) DO UPDATE SET
                 state = excluded.state,
                 model = coalesce(excluded.model, model),
                 manufacturer = coalesce(excluded.manufacturer, manufacturer),
                 firmware = coalesce(excluded.firmware, firmware),
                 imei = coalesce(excluded.imei, imei),
                 signal_rssi = coalesce(excluded.signal_rssi, signal_rssi),
                 registration = coalesce(excluded.registration, registration),
                 last_error = excluded.last_error,
                 updated_at = excluded.updated_at",
        )
        .and_then(|mut statement| {
            statement.execute(params![
                update.path,
                update.state,
                update.model,
                update.manufacturer,
                update.firmware,
                update.imei,
                update.signal_rssi,
                update.registration,
                error,
                now,
            ])
        })
        .context("writing a port")?;
    let path = Some(update.path.as_str());
    // An allocation on this port's SIM hears when the port stops or starts receiving.
    let was_ready = previous.as_deref() == Some("ready");
    let is_ready = update.state == "ready";
    if was_ready != is_ready {
        let iccid: Option<String> = connection
            .prepare_cached("SELECT iccid FROM ports WHERE path = ?1")
            .and_then(|mut statement| {
                statement
                    .query_row([&update.path], |row| row.get(0))
                    .optional()
            })
            .context("reading a port's SIM")?
            .flatten();
        if let Some(iccid) = iccid {
            let detail = match error {
                Some(error) => format!("port {}: {error}", update.state),
                None => format!("port {}", update.state),
            };
            super::allocation::sim_presence(connection, &iccid, is_ready, &detail, now)?;
        }
    }
    match previous {
        None => events::record(connection, now, "port_new", path, None, &update.state)?,
        Some(previous) if previous != update.state => {
            let mut detail = format!("{previous} -> {}", update.state);
            if let Some(error) = error {
                detail.push_str(": ");
                detail.push_str(error);
            }
            events::record(connection, now, "port_state", path, None, &detail)?;
        }
        Some(_) => {}
    }
    Ok(())
}

/// What is stored about a SIM before an update.
struct KnownSim {
    port_path: Option<String>,
    number: Option<String>,
    number_source: Option<String>,
}

/// Upserts a SIM seen in a port and links the two, unlinking whichever SIM was there.
pub(crate) fn sim_seen(
    connection: &Connection,
    update: &SimUpdate,
    now: &str,
) -> Result<SimSeen, StoreError> {
    let iccid = update.iccid.as_str();
    let port = update.port_path.as_str();
    // A port task reports its SIM before (or without) its modem's identity: make sure the
    // port row exists, so the links below can point at it.
    connection
        .prepare_cached(
            "INSERT INTO ports (path, state, updated_at) VALUES (?1, 'unknown', ?2)
             ON CONFLICT (path) DO NOTHING",
        )
        .and_then(|mut statement| statement.execute(params![port, now]))
        .context("adding the port of a SIM")?;
    let known = connection
        .prepare_cached("SELECT port_path, number, number_source FROM sims WHERE iccid = ?1")
        .and_then(|mut statement| {
            statement
                .query_row([iccid], |row| {
                    Ok(KnownSim {
                        port_path: row.get(0)?,
                        number: row.get(1)?,
                        number_source: row.get(2)?,
                    })
                })
                .optional()
        })
        .context("reading a SIM")?;

    // The SIM that was in this port: unlink it first (a port holds one SIM).
    let replaced: Option<String> = connection
        .prepare_cached(
            "SELECT iccid FROM sims WHERE port_path = ?1 AND iccid <> ?2
             UNION SELECT iccid FROM ports WHERE path = ?1 AND iccid <> ?2
             LIMIT 1",
        )
        .and_then(|mut statement| {
            statement
                .query_row(params![port, iccid], |row| row.get(0))
                .optional()
        })
        .context("finding the SIM a port held")?;
    connection
        .prepare_cached("UPDATE sims SET port_path = NULL WHERE port_path = ?1 AND iccid <> ?2")
        .and_then(|mut statement| statement.execute(params![port, iccid]))
        .context("unlinking the SIM a port held")?;

    let country = update
        .country
        .as_ref()
        .map(|country| country.to_uppercase());
    let mut seen = SimSeen {
        replaced_iccid: replaced,
        ..SimSeen::default()
    };
    match &known {
        None => {
            seen.new = true;
            let (number, source) = match &update.number {
                Some(number) => (Some(number.number.as_str()), Some(number.source.as_str())),
                None => (None, None),
            };
            connection
                .prepare_cached(
                    "INSERT INTO sims (iccid, imsi, number, number_source, country, operator,
                                       port_path, first_seen, last_seen, operator_code)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)",
                )
                .and_then(|mut statement| {
                    statement.execute(params![
                        iccid,
                        update.imsi,
                        number,
                        source,
                        country,
                        update.operator,
                        port,
                        now,
                        update.operator_code
                    ])
                })
                .context("adding a SIM")?;
            let detail = match number {
                Some(number) => format!("number {number}"),
                None => "number unknown".to_owned(),
            };
            events::record(connection, now, "sim_new", Some(port), Some(iccid), &detail)?;
        }
        Some(known) => {
            let (number, source) = merge_number(known, update);
            seen.number_changed = number != known.number.as_deref();
            connection
                .prepare_cached(
                    "UPDATE sims SET imsi = coalesce(?2, imsi), number = ?3, number_source = ?4,
                                     country = coalesce(?5, country),
                                     operator = coalesce(?6, operator),
                                     port_path = ?7, last_seen = ?8,
                                     operator_code = coalesce(?9, operator_code)
                     WHERE iccid = ?1",
                )
                .and_then(|mut statement| {
                    statement.execute(params![
                        iccid,
                        update.imsi,
                        number,
                        source,
                        country,
                        update.operator,
                        port,
                        now,
                        update.operator_code
                    ])
                })
                .context("updating a SIM")?;
            if seen.number_changed {
                let detail = format!(
                    "{} -> {}",
                    known.number.as_deref().unwrap_or("unknown"),
                    number.unwrap_or("unknown")
                );
                events::record(
                    connection,
                    now,
                    "number_changed",
                    Some(port),
                    Some(iccid),
                    &detail,
                )?;
            }
            if let Some(previous) = known
                .port_path
                .as_deref()
                .filter(|&previous| previous != port)
            {
                seen.previous_port = Some(previous.to_owned());
                connection
                    .prepare_cached("UPDATE ports SET iccid = NULL WHERE path = ?1 AND iccid = ?2")
                    .and_then(|mut statement| statement.execute(params![previous, iccid]))
                    .context("unlinking a moved SIM's old port")?;
                let detail = format!("from {previous}");
                events::record(
                    connection,
                    now,
                    "sim_moved",
                    Some(port),
                    Some(iccid),
                    &detail,
                )?;
            }
        }
    }
    connection
        .prepare_cached("UPDATE ports SET iccid = ?2, updated_at = ?3 WHERE path = ?1")
        .and_then(|mut statement| statement.execute(params![port, iccid, now]))
        .context("linking a port to its SIM")?;
    if let Some(replaced) = &seen.replaced_iccid {
        let detail = format!("{replaced} replaced by {iccid}");
        super::allocation::sim_presence(connection, replaced, false, "SIM swapped out", now)?;
        events::record(
            connection,
            now,
            "sim_swapped",
            Some(port),
            Some(iccid),
            &detail,
        )?;
    }
    Ok(seen)
}

/// The number and source to store: a known number is never replaced by none, and a manual
/// one never by a probed one; the same number keeps a manual source.
fn merge_number<'a>(
    known: &'a KnownSim,
    update: &'a SimUpdate,
) -> (Option<&'a str>, Option<&'a str>) {
    let kept = (known.number.as_deref(), known.number_source.as_deref());
    let Some(new) = &update.number else {
        return kept;
    };
    let manual = NumberSource::Manual.as_str();
    if known.number_source.as_deref() == Some(manual) && new.source != NumberSource::Manual {
        if known.number.as_deref() != Some(new.number.as_str()) {
            tracing::debug!(
                kept = known.number.as_deref(),
                probed = new.number,
                "a probed number differs from the manual one; keeping the manual one"
            );
        }
        return kept;
    }
    (Some(new.number.as_str()), Some(new.source.as_str()))
}

/// Unlinks the SIM from a port whose SIM was removed; returns the SIM that left.
pub(crate) fn sim_gone(
    connection: &Connection,
    port_path: &str,
    now: &str,
) -> Result<Option<String>, StoreError> {
    let gone: Option<String> = connection
        .prepare_cached(
            "SELECT iccid FROM sims WHERE port_path = ?1
             UNION SELECT iccid FROM ports WHERE path = ?1 AND iccid IS NOT NULL
             LIMIT 1",
        )
        .and_then(|mut statement| {
            statement
                .query_row([port_path], |row| row.get(0))
                .optional()
        })
        .context("finding the SIM a port held")?;
    let Some(iccid) = gone else {
        return Ok(None);
    };
    connection
        .prepare_cached("UPDATE sims SET port_path = NULL, last_seen = ?2 WHERE port_path = ?1")
        .and_then(|mut statement| statement.execute(params![port_path, now]))
        .context("unlinking a removed SIM")?;
    connection
        .prepare_cached("UPDATE ports SET iccid = NULL, updated_at = ?2 WHERE path = ?1")
        .and_then(|mut statement| statement.execute(params![port_path, now]))
        .context("unlinking a port from its removed SIM")?;
    super::allocation::sim_presence(connection, &iccid, false, "SIM removed", now)?;
    events::record(
        connection,
        now,
        "sim_gone",
        Some(port_path),
        Some(&iccid),
        "",
    )?;
    Ok(Some(iccid))
}

/// Marks every port as gone: at start-up, before the port tasks report, nothing stored from
/// the last run may pass for a ready port (and get its SIM rented out).
pub(crate) fn ports_unseen(connection: &Connection, now: &str) -> Result<usize, StoreError> {
    connection
        .prepare_cached("UPDATE ports SET state = 'gone', updated_at = ?1 WHERE state <> 'gone'")
        .and_then(|mut statement| statement.execute([now]))
        .context("marking ports unseen")
}

/// Sets a SIM's number by hand (source `manual`): it then wins over what the modem or USSD
/// says. `false` if there is no such SIM.
pub(crate) fn set_sim_number(
    connection: &Connection,
    iccid: &str,
    number: &str,
    now: &str,
) -> Result<bool, StoreError> {
    let changed = connection
        .prepare_cached("UPDATE sims SET number = ?2, number_source = 'manual' WHERE iccid = ?1")
        .and_then(|mut statement| statement.execute(params![iccid, number]))
        .context("setting a SIM's number")?;
    if changed > 0 {
        events::record(
            connection,
            now,
            "number_changed",
            None,
            Some(iccid),
            &format!("{number} (manual)"),
        )?;
    }
    Ok(changed > 0)
}

/// Sets a SIM's state (a technician's decision); `false` if there is no such SIM.
pub(crate) fn set_sim_state(
    connection: &Connection,
    iccid: &str,
    state: SimState,
    reason: &str,
    now: &str,
) -> Result<bool, StoreError> {
    let changed = connection
        .prepare_cached("UPDATE sims SET state = ?2 WHERE iccid = ?1")
        .and_then(|mut statement| statement.execute(params![iccid, state.as_str()]))
        .context("setting a SIM's state")?;
    if changed > 0 {
        events::record(
            connection,
            now,
            "sim_state",
            None,
            Some(iccid),
            &format!("{}: {reason}", state.as_str()),
        )?;
    }
    Ok(changed > 0)
}
