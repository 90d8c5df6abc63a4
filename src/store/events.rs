//! The audit trail: one row per state change worth a technician's attention.
//!
//! Kinds written by the store itself:
//! - `port_new`, `port_state`: a port first reported, or its state changed;
//! - `sim_new`, `sim_moved`, `sim_swapped`, `sim_gone`, `number_changed`: SIMs coming,
//!   moving between ports, replacing one another, leaving, and their numbers;
//! - `duplicate_sequence`: two different PDUs claimed the same part of a multipart SMS; the
//!   first was kept;
//! - `incomplete_flushed`: a multipart SMS was given up on and stored without its missing
//!   parts;
//! - `late_part`: a part of such a message came after all; it is stored, no second message.
//!
//! Callers add their own kinds through [`Store::event`](super::Store::event).

use rusqlite::{Connection, params};

use super::error::{SqlContext, StoreError};

/// Appends an event stamped `at` (stored time text).
pub(crate) fn record(
    connection: &Connection,
    at: &str,
    kind: &str,
    port_path: Option<&str>,
    iccid: Option<&str>,
    detail: &str,
) -> Result<(), StoreError> {
    connection
        .prepare_cached(
            "INSERT INTO events (at, kind, port_path, iccid, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .and_then(|mut statement| statement.execute(params![at, kind, port_path, iccid, detail]))
        .context("recording an event")?;
    tracing::debug!(kind, port_path, iccid, detail, "store event");
    Ok(())
}
