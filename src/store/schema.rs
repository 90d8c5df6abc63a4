//! The schema, its migrations, and the settings every connection gets.
//!
//! Migrations are append-only: [`MIGRATIONS`]`[n]` takes a database from version `n` to
//! `n + 1`, and the version lives in SQLite's `PRAGMA user_version`. Each runs in its own
//! transaction together with the version bump, so a crash leaves the database at the old
//! version or the new one, never between. Never edit a migration that has shipped: add one.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::error::{SqlContext, StoreError};

/// How long a connection waits for a lock held by another connection before giving up
/// with `SQLITE_BUSY`. Only the writer thread writes, so waits come from WAL checkpoints and
/// from other processes (a `modempool status` reading the file); 5 s rides those out while
/// still surfacing a truly stuck lock.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Prepared statements kept per connection (`prepare_cached`): the writer runs a few dozen
/// distinct statements, over and over.
const STATEMENT_CACHE: usize = 64;

/// The migrations, in order. Index `n` takes the schema from version `n` to `n + 1`.
///
/// Rules for new ones: append only; one logical change each; if one ever has to rebuild a
/// table (SQLite's way to drop a constraint), it must run with `foreign_keys` off, which
/// cannot be changed inside a transaction: give the runner a way to do that first.
pub(crate) const MIGRATIONS: &[&str] = &[
    // Version 1: the rack (ports, SIMs), received SMS (parts, multipart groups, messages)
    // and the audit trail.
    r#"
    -- One row per serial port path. Keyed by path, not IMEI: modems on pool boards can
    -- share an IMEI. Written by port_seen; iccid by sim_seen / sim_gone.
    CREATE TABLE ports (
        path         TEXT PRIMARY KEY CHECK (path <> ''),
        state        TEXT NOT NULL CHECK (state <> ''),
        model        TEXT,
        manufacturer TEXT,
        firmware     TEXT,
        imei         TEXT,
        iccid        TEXT REFERENCES sims (iccid),   -- the SIM in it now, or NULL
        signal_rssi  INTEGER,
        registration TEXT,
        last_error   TEXT,
        updated_at   TEXT NOT NULL
    );

    -- One row per SIM ever seen, kept when it leaves: its messages stay with it.
    CREATE TABLE sims (
        iccid         TEXT PRIMARY KEY CHECK (iccid <> ''),
        imsi          TEXT,
        number        TEXT CHECK (number IS NULL OR (
                          number GLOB '+[1-9]*'
                          AND substr(number, 2) NOT GLOB '*[^0-9]*'
                          AND length(number) BETWEEN 3 AND 16)),      -- E.164
        number_source TEXT CHECK (number_source IN ('cnum', 'ussd', 'mapping', 'manual')),
        country       TEXT CHECK (country IS NULL OR (
                          length(country) = 2 AND country GLOB '[A-Z][A-Z]')), -- ISO 3166 alpha-2
        operator      TEXT,
        state         TEXT NOT NULL DEFAULT 'active'
                          CHECK (state IN ('active', 'quarantined', 'retired')),
        health        INTEGER NOT NULL DEFAULT 100 CHECK (health BETWEEN 0 AND 100),
        port_path     TEXT REFERENCES ports (path),  -- where it is now, NULL when out
        first_seen    TEXT NOT NULL,
        last_seen     TEXT NOT NULL,
        CHECK ((number IS NULL) = (number_source IS NULL))
    );
    -- A port holds one SIM: the database refuses a second one rather than trusting code.
    CREATE UNIQUE INDEX sims_one_per_port ON sims (port_path) WHERE port_path IS NOT NULL;

    -- A multipart SMS being put together (TS 23.040 §9.2.3.24.1): parts sharing SIM, sender,
    -- reference and total. 'open' until every part is in ('complete') or the flush gives up
    -- waiting ('flushed'); either way it then has its message.
    CREATE TABLE part_groups (
        id                INTEGER PRIMARY KEY,
        iccid             TEXT NOT NULL REFERENCES sims (iccid),
        sender            TEXT NOT NULL,
        reference         INTEGER NOT NULL CHECK (reference BETWEEN 0 AND 65535),
        total             INTEGER NOT NULL CHECK (total BETWEEN 2 AND 255),
        state             TEXT NOT NULL DEFAULT 'open'
                              CHECK (state IN ('open', 'complete', 'flushed')),
        first_received_at TEXT NOT NULL,
        message_id        INTEGER REFERENCES messages (id),
        CHECK ((state = 'open') = (message_id IS NULL))
    );
    -- One open group per key: a reference reused after completion starts a new group.
    CREATE UNIQUE INDEX part_groups_one_open
        ON part_groups (iccid, sender, reference, total) WHERE state = 'open';
    CREATE INDEX part_groups_by_key ON part_groups (iccid, sender, reference, total, id);
    CREATE INDEX part_groups_open_by_age ON part_groups (first_received_at) WHERE state = 'open';

    -- Every PDU received, exactly once per SIM: (iccid, tpdu_hex) is the de-duplication key.
    -- tpdu_hex is the PDU without its SMSC field, upper case: the same SMS read again after
    -- a crash, or both routed (+CMT) and stored, has the same TPDU whatever SMSC field the
    -- modem printed.
    CREATE TABLE message_parts (
        id            INTEGER PRIMARY KEY,
        iccid         TEXT NOT NULL REFERENCES sims (iccid),
        tpdu_hex      TEXT NOT NULL,
        pdu_hex       TEXT NOT NULL,   -- as the modem printed it, SMSC field first
        received_at   TEXT NOT NULL,
        port_path     TEXT NOT NULL,
        storage       TEXT,            -- e.g. 'SM', 'ME'; NULL when routed (+CMT)
        storage_index INTEGER CHECK (storage_index >= 0),
        sender        TEXT,            -- TP-OA (deliver) or TP-RA (status report)
        reference     INTEGER,         -- concatenation, when the part has it
        total         INTEGER,
        sequence      INTEGER,
        group_id      INTEGER REFERENCES part_groups (id),
        message_id    INTEGER REFERENCES messages (id),
        decode_error  TEXT,            -- why the PDU could not be decoded
        UNIQUE (iccid, tpdu_hex)
    );
    CREATE INDEX message_parts_by_group ON message_parts (group_id, sequence)
        WHERE group_id IS NOT NULL;

    -- What consumers read. The id is their cursor: AUTOINCREMENT so an id is never reused
    -- even after old rows are deleted, and a single writer assigns ids in commit order, so a
    -- reader paging by id never skips a row committed later under a smaller id.
    CREATE TABLE messages (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        iccid          TEXT NOT NULL REFERENCES sims (iccid),
        port_path      TEXT NOT NULL,
        kind           TEXT NOT NULL CHECK (kind IN ('deliver', 'status_report', 'undecodable')),
        sender         TEXT,
        sender_type    TEXT,
        text           TEXT,
        encoding       TEXT CHECK (encoding IN ('gsm7', '8bit', 'ucs2')),
        data_hex       TEXT,           -- 8-bit data, all parts joined
        smsc           TEXT,
        sent_at        TEXT,           -- TP-SCTS of the first part
        received_at    TEXT NOT NULL,  -- when the part that completed it reached us
        parts_expected INTEGER NOT NULL DEFAULT 1 CHECK (parts_expected BETWEEN 1 AND 255),
        parts_received INTEGER NOT NULL DEFAULT 1
                           CHECK (parts_received BETWEEN 0 AND parts_expected),
        incomplete     INTEGER NOT NULL DEFAULT 0 CHECK (incomplete IN (0, 1)),
        created_at     TEXT NOT NULL
    );
    CREATE INDEX messages_by_sim ON messages (iccid, id);

    -- The audit trail of state changes. No foreign keys: it records what was seen, even an
    -- ICCID or port that is not (or no longer) in the other tables.
    CREATE TABLE events (
        id        INTEGER PRIMARY KEY,
        at        TEXT NOT NULL,
        kind      TEXT NOT NULL CHECK (kind <> ''),
        port_path TEXT,
        iccid     TEXT,
        detail    TEXT NOT NULL DEFAULT ''
    );
    "#,
    // Version 2: renting numbers out. Empty until the allocation rules land; shaped so that
    // the database itself refuses a SIM in two active allocations (invariant 3).
    r#"
    CREATE TABLE allocations (
        id             TEXT PRIMARY KEY CHECK (id <> ''),
        iccid          TEXT NOT NULL REFERENCES sims (iccid),
        service        TEXT NOT NULL CHECK (service <> ''),
        state          TEXT NOT NULL CHECK (state IN ('active', 'released', 'expired')),
        created_at     TEXT NOT NULL,
        expires_at     TEXT NOT NULL,
        released_at    TEXT,
        release_reason TEXT
    );
    CREATE UNIQUE INDEX allocations_one_active_per_sim ON allocations (iccid)
        WHERE state = 'active';
    CREATE INDEX allocations_by_expiry ON allocations (expires_at) WHERE state = 'active';

    -- Which services a number has been used for: a number is not rented twice for the
    -- same service unless explicitly re-rented.
    CREATE TABLE number_service_use (
        iccid         TEXT NOT NULL REFERENCES sims (iccid),
        service       TEXT NOT NULL CHECK (service <> ''),
        first_used_at TEXT NOT NULL,
        PRIMARY KEY (iccid, service)
    ) WITHOUT ROWID;

    -- The allocation an SMS was attributed to when it arrived; NULL for an idle SIM, and
    -- never set after the fact. (ADD COLUMN with REFERENCES is allowed: its default is NULL.)
    ALTER TABLE messages ADD COLUMN allocation_id TEXT REFERENCES allocations (id);
    CREATE INDEX messages_by_allocation ON messages (allocation_id, id)
        WHERE allocation_id IS NOT NULL;
    "#,
    // Version 3: events by kind, for the daemon's start (the PINs refused before it) without
    // a scan of the whole audit trail.
    r#"
    CREATE INDEX events_by_kind ON events (kind, id);
    "#,
    r#"
    -- Renting numbers out (the pool). Who rented it (the API token's name), what number,
    -- country and operator it was given as (a SIM's number can be corrected later), whether
    -- it was an explicit re-rent, and what it received.
    ALTER TABLE allocations ADD COLUMN owner TEXT NOT NULL DEFAULT '';
    ALTER TABLE allocations ADD COLUMN number TEXT;
    ALTER TABLE allocations ADD COLUMN country TEXT;
    ALTER TABLE allocations ADD COLUMN operator TEXT;
    ALTER TABLE allocations ADD COLUMN rerent INTEGER NOT NULL DEFAULT 0 CHECK (rerent IN (0, 1));
    ALTER TABLE allocations ADD COLUMN message_count INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE allocations ADD COLUMN first_message_at TEXT;
    CREATE INDEX allocations_by_owner ON allocations (owner, id);
    CREATE INDEX allocations_by_service ON allocations (service, created_at);
    -- "Never the same number twice for a service" is asked per number.
    CREATE INDEX allocations_by_number ON allocations (number, service);
    CREATE INDEX sims_by_number ON sims (number) WHERE number IS NOT NULL;

    -- Since this version the table holds only numbers returned as bad for a service (with
    -- when); whether a number was used for a service is read from `allocations`.
    ALTER TABLE number_service_use ADD COLUMN last_used_at TEXT;
    ALTER TABLE number_service_use ADD COLUMN quarantined_at TEXT;

    -- Least recently used first, and a cool-down after each rental.
    ALTER TABLE sims ADD COLUMN last_allocated_at TEXT;
    ALTER TABLE sims ADD COLUMN last_released_at TEXT;

    -- A retried Allocate (same caller, same key) gets the same allocations back.
    CREATE TABLE idempotency_keys (
        owner          TEXT NOT NULL,
        key            TEXT NOT NULL CHECK (key <> ''),
        request        TEXT NOT NULL,   -- the request's parameters, to refuse a key reused
        allocation_ids TEXT NOT NULL,   -- JSON array, in the order first answered
        created_at     TEXT NOT NULL,
        PRIMARY KEY (owner, key)
    ) WITHOUT ROWID;
    CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

    -- What WatchMessages streams: every message attributed to an allocation and every
    -- change of an allocation, in commit order. The id is the watchers' cursor
    -- (AUTOINCREMENT: never reused; one writer: ids increase in commit order).
    CREATE TABLE allocation_feed (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        allocation_id TEXT NOT NULL REFERENCES allocations (id),
        kind          TEXT NOT NULL CHECK (kind IN ('message', 'expired', 'released',
                                                    'extended', 'sim_lost', 'sim_back')),
        message_id    INTEGER REFERENCES messages (id),
        at            TEXT NOT NULL,
        detail        TEXT NOT NULL DEFAULT '',
        CHECK ((kind = 'message') = (message_id IS NOT NULL))
    );
    CREATE INDEX allocation_feed_by_allocation ON allocation_feed (allocation_id, id);
    "#,
    r#"
    -- Least recently rented first, by walking this index and stopping at the first SIM
    -- that fits, instead of sorting every SIM for each Allocate (NULL, never rented, first).
    CREATE INDEX sims_by_last_allocated ON sims (last_allocated_at, iccid);
    "#,
    r#"
    -- "SMS today" per port, for the status views, without reading every message.
    CREATE INDEX messages_by_received ON messages (received_at, port_path);
    "#,
    r#"
    -- The price per SMS a rental was sold at, in millionths of the partner API's currency
    -- (NULL for gRPC allocations): a cancel refunds what was charged, even after the
    -- price list changed.
    ALTER TABLE allocations ADD COLUMN price_micros INTEGER
        CHECK (price_micros IS NULL OR price_micros >= 0);
    "#,
    r#"
    -- A port's latest events (the rack page's slot detail) without scanning the audit
    -- trail of every port: a quiet port's last error may be months of events back.
    CREATE INDEX events_by_port ON events (port_path, id);
    "#,
    r#"
    -- The one-time code the pool found in a message for its allocation's service, written
    -- with the attribution: every reader gets the same code, and it does not change when
    -- the configured patterns do.
    ALTER TABLE messages ADD COLUMN code TEXT CHECK (code IS NULL OR allocation_id IS NOT NULL);
    "#,
    r#"
    -- The network the SIM's modem is registered with, as MCC-MNC (`262-01`): what names an
    -- operator for sure, where the name (`operator`) varies by modem and language.
    ALTER TABLE sims ADD COLUMN operator_code TEXT;
    "#,
];

/// Opens a connection to `path` (created if missing) with the settings every connection of
/// the store uses.
pub(crate) fn connect(path: &Path) -> Result<Connection, StoreError> {
    let open_error = |source| StoreError::Open {
        path: path.to_owned(),
        source,
    };
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let connection = Connection::open_with_flags(path, flags).map_err(open_error)?;
    configure(&connection).map_err(open_error)?;
    Ok(connection)
}

/// Per-connection settings (PRAGMAs other than `journal_mode` are not stored in the file).
fn configure(connection: &Connection) -> Result<(), rusqlite::Error> {
    connection.busy_timeout(BUSY_TIMEOUT)?;
    connection.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // WAL: readers never block the writer nor the writer them, and a commit is one append
    // to the log. The mode is stored in the file; setting it again is a no-op.
    let mode: String = connection.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(
            mode,
            "SQLite refused WAL mode; writers and readers will block each other"
        );
    }
    // FULL: every commit fsyncs the log before the writer answers. With NORMAL, a commit
    // survives this process crashing but not a power cut or kernel panic, which could take
    // the last commits with it: SMS already deleted from their modems, and allocations
    // already handed to the backend (whose SIMs would then be rented out a second time
    // after the reboot). The writer groups requests into batches, so the cost is one fsync
    // per batch, not per SMS or per allocation (see benches/api.rs for what it costs).
    connection.pragma_update(None, "synchronous", "FULL")?;
    // No automatic checkpoints on any connection: the writer would run them inside a
    // commit, stalling every caller of that batch for as long as copying the log into the
    // database file takes. The store's checkpointer thread does it instead, beside the
    // writer (see `checkpoint`). Measured with benches/api.rs.
    connection.pragma_update(None, "wal_autocheckpoint", 0)?;
    // 16 MB of page cache per connection (SQLite's default is 2 MB): a year of a busy rack's
    // allocations and messages keeps its indexes' hot pages in memory.
    connection.pragma_update(None, "cache_size", -16_384)?;
    connection.pragma_update(None, "foreign_keys", true)?;
    Ok(())
}

/// Brings the schema to the latest version, one migration per transaction. Returns the
/// version reached.
pub(crate) fn migrate(connection: &mut Connection) -> Result<usize, StoreError> {
    loop {
        // IMMEDIATE takes the write lock before reading the version, so two processes
        // opening the same old file cannot both apply the same migration.
        let transaction = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .context("starting a migration transaction")?;
        let found: i64 = transaction
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .context("reading the schema version")?;
        let current = usize::try_from(found).map_err(|_| StoreError::SchemaTooNew {
            found,
            known: MIGRATIONS.len(),
        })?;
        let Some(sql) = MIGRATIONS.get(current) else {
            if current > MIGRATIONS.len() {
                return Err(StoreError::SchemaTooNew {
                    found,
                    known: MIGRATIONS.len(),
                });
            }
            return Ok(current);
        };
        let version = current + 1;
        let migration_error = |source| StoreError::Migration { version, source };
        transaction.execute_batch(sql).map_err(migration_error)?;
        transaction
            .pragma_update(None, "user_version", version as i64)
            .map_err(migration_error)?;
        transaction.commit().map_err(migration_error)?;
        tracing::info!(version, "database schema migrated");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_an_empty_database_to_the_latest_version() {
        let mut connection = Connection::open_in_memory().unwrap();
        connection
            .pragma_update(None, "foreign_keys", true)
            .unwrap();
        assert_eq!(migrate(&mut connection).unwrap(), MIGRATIONS.len());
        // Running it again changes nothing.
        assert_eq!(migrate(&mut connection).unwrap(), MIGRATIONS.len());
        let problems: Vec<String> = connection
            .prepare("PRAGMA foreign_key_check")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(problems.is_empty(), "{problems:?}");
    }

    /// The reads that must not scan a growing table use their index.
    #[test]
    fn hot_reads_use_their_indexes() {
        let mut connection = Connection::open_in_memory().unwrap();
        migrate(&mut connection).unwrap();
        let plan = |sql: &str| -> String {
            connection
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap()
                .query_map([], |row| row.get::<_, String>(3))
                .unwrap()
                .collect::<Result<Vec<_>, _>>()
                .unwrap()
                .join("; ")
        };
        let events = plan(
            "SELECT id, at, kind, port_path, iccid, detail FROM events \
             WHERE port_path = '/dev/x' ORDER BY id DESC LIMIT 20",
        );
        assert!(events.contains("events_by_port"), "{events}");
        assert!(!events.contains("TEMP B-TREE"), "{events}");
    }

    #[test]
    fn refuses_a_database_from_a_newer_build() {
        let mut connection = Connection::open_in_memory().unwrap();
        connection
            .pragma_update(None, "user_version", MIGRATIONS.len() as i64 + 1)
            .unwrap();
        assert!(matches!(
            migrate(&mut connection),
            Err(StoreError::SchemaTooNew { .. })
        ));
    }

    #[test]
    fn the_schema_refuses_what_it_promises_to() {
        let mut connection = Connection::open_in_memory().unwrap();
        connection
            .pragma_update(None, "foreign_keys", true)
            .unwrap();
        migrate(&mut connection).unwrap();
        let sim = |iccid: &str, number: Option<&str>, port: Option<&str>| {
            connection.execute(
                "INSERT INTO sims (iccid, number, number_source, port_path, first_seen, last_seen)
                 VALUES (?1, ?2, CASE WHEN ?2 IS NULL THEN NULL ELSE 'cnum' END, ?3, 't', 't')",
                rusqlite::params![iccid, number, port],
            )
        };
        connection
            .execute(
                "INSERT INTO ports (path, state, updated_at) VALUES ('/dev/a', 'ready', 't')",
                [],
            )
            .unwrap();
        sim("1", Some("+4915112345678"), Some("/dev/a")).unwrap();
        assert!(
            sim("2", None, Some("/dev/a")).is_err(),
            "two SIMs in a port"
        );
        assert!(sim("3", Some("015112345678"), None).is_err(), "not E.164");
        assert!(
            sim("4", None, Some("/dev/nowhere")).is_err(),
            "unknown port"
        );
        assert!(sim("", None, None).is_err(), "empty ICCID");
    }
}
