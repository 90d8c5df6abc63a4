//! The rack as technicians see it: one [`ModemView`] per port, joining what the pool
//! remembers (identity, last state, last error) with what the port tasks report live (state,
//! signal, number, operator), the active allocations and the SMS received today.
//!
//! One source of truth for every view of the rack: the Admin service's `ListModems` (and
//! through it `modempool status`) and the rack page both build from [`modems`], so they
//! never disagree about a slot. This module only reads; it owns no state.

use std::path::Path;

use serde::{Serialize, Serializer};
use time::OffsetDateTime;

use crate::pool::{Pool, PoolError};

/// One port of the rack at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModemView {
    /// 1-based position in path order: the number a technician reads on the grid. Stable
    /// as long as no port is added before it; [`ModemView::label`] is stable for good.
    pub slot: u32,
    /// The file name of the port's path (`slot03` for `/dev/modempool/slot03`): the name
    /// the udev rules give the physical USB port, short enough for a grid cell.
    pub label: String,
    /// The port's path.
    pub port: String,
    /// Its state (`opening` … `ready`, `degraded`, `recovering`, `failed`, `gone`): the live
    /// one while a task runs, else the one stored.
    pub state: String,
    /// Why it is degraded, recovering or failed, or the last error stored.
    pub detail: Option<String>,
    /// Modem model (`+CGMM`).
    pub model: Option<String>,
    /// Modem manufacturer.
    pub manufacturer: Option<String>,
    /// Modem firmware.
    pub firmware: Option<String>,
    /// Modem IMEI.
    pub imei: Option<String>,
    /// The SIM in the port (live first, else stored).
    pub iccid: Option<String>,
    /// Last `+CSQ` rssi as the modem reported it: 0..=31, 99 when it does not know; `None`
    /// before the first report.
    pub signal_rssi: Option<u8>,
    /// The rssi as 0..=4 bars, as `modempool status` shows it.
    pub signal_bars: Option<u8>,
    /// `registered`, `not registered` or the stored registration status.
    pub registration: Option<String>,
    /// The SIM's number, E.164.
    pub number: Option<String>,
    /// The operator the modem is registered with.
    pub operator: Option<String>,
    /// The SIM's country (ISO 3166-1 alpha-2, from its IMSI), as the inventory knows it.
    pub country: Option<String>,
    /// SMS committed from this port since its task started.
    pub sms_received: u64,
    /// SMS received since midnight UTC.
    pub sms_today: u64,
    /// Recovery steps since its task started.
    pub recoveries: u64,
    /// While the port is failed and waiting: when it is tried again.
    #[serde(serialize_with = "rfc3339_or_null")]
    pub next_retry: Option<OffsetDateTime>,
    /// The id of the allocation active on its SIM.
    pub active_allocation: Option<String>,
    /// When the stored row last changed.
    #[serde(serialize_with = "rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// [`rfc3339`] for a time that may be absent (`null`).
fn rfc3339_or_null<S: Serializer>(
    time: &Option<OffsetDateTime>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match time {
        Some(time) => rfc3339(time, serializer),
        None => serializer.serialize_none(),
    }
}

/// Writes a time as RFC 3339 text (what browsers' `Date` parses).
fn rfc3339<S: Serializer>(time: &OffsetDateTime, serializer: S) -> Result<S::Ok, S::Error> {
    let text = time
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(serde::ser::Error::custom)?;
    serializer.serialize_str(&text)
}

/// Bars from a `+CSQ` rssi (TS 27.007 §8.5: 0..31, 99 unknown): below 10 is marginal,
/// 10-14 OK, 15-19 good, 20 and up excellent.
pub fn signal_bars(rssi: Option<u32>) -> Option<u8> {
    match rssi? {
        0 => Some(0),
        1..=9 => Some(1),
        10..=14 => Some(2),
        15..=19 => Some(3),
        20..=31 => Some(4),
        _ => None,
    }
}

/// The file name of `path`, or the whole path when it has none.
pub fn label_of(path: &str) -> String {
    Path::new(path).file_name().map_or_else(
        || path.to_owned(),
        |name| name.to_string_lossy().into_owned(),
    )
}

/// Every port the store knows, in path order, with the live status of its task.
///
/// Reads SQLite: call it off the async runtime's threads when many run at once.
///
/// # Errors
/// A database read failed.
pub fn modems(pool: &Pool) -> Result<Vec<ModemView>, PoolError> {
    let stored = pool.stored_ports()?;
    let active = pool.active_allocations_by_sim()?;
    let live = pool.live_ports();
    let today = pool.messages_today_per_port()?;
    let countries: std::collections::HashMap<String, String> = pool
        .sims()?
        .into_iter()
        .filter_map(|sim| Some((sim.iccid, sim.country?)))
        .collect();
    let views = stored
        .iter()
        .enumerate()
        .map(|(index, row)| {
            let status = live.iter().find(|status| status.path == row.path);
            let iccid = status
                .and_then(|status| status.iccid.clone())
                .or_else(|| row.iccid.clone());
            // The live status first: the stored row is written at polls.
            let signal_rssi = status.and_then(|status| status.signal).or(row.signal_rssi);
            ModemView {
                slot: u32::try_from(index + 1).unwrap_or(u32::MAX),
                label: label_of(&row.path),
                port: row.path.clone(),
                state: status.map_or_else(|| row.state.clone(), |s| s.state.as_str().to_owned()),
                detail: status
                    .and_then(|status| status.detail.clone())
                    .or_else(|| row.last_error.clone()),
                model: row.model.clone(),
                manufacturer: row.manufacturer.clone(),
                firmware: row.firmware.clone(),
                imei: row.imei.clone(),
                signal_rssi,
                signal_bars: signal_bars(signal_rssi.map(u32::from)),
                registration: status
                    .and_then(|status| status.registered)
                    .map(|registered| {
                        if registered {
                            "registered"
                        } else {
                            "not registered"
                        }
                        .to_owned()
                    })
                    .or_else(|| row.registration.clone()),
                number: status.and_then(|status| status.number.clone()),
                operator: status.and_then(|status| status.operator.clone()),
                country: iccid
                    .as_ref()
                    .and_then(|iccid| countries.get(iccid).cloned()),
                sms_received: status.map_or(0, |status| status.sms_received),
                sms_today: today.get(&row.path).copied().unwrap_or(0),
                recoveries: status.map_or(0, |status| status.recoveries),
                next_retry: status.and_then(|status| status.next_retry),
                active_allocation: iccid.as_ref().and_then(|iccid| active.get(iccid).cloned()),
                iccid,
                updated_at: row.updated_at,
            }
        })
        .collect();
    Ok(views)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pool::PortUpdate;

    #[test]
    fn a_label_is_the_file_name() {
        assert_eq!(label_of("/dev/modempool/slot03"), "slot03");
        assert_eq!(label_of("sim0"), "sim0");
        assert_eq!(label_of("/"), "/");
    }

    #[tokio::test]
    async fn stored_ports_are_numbered_in_path_order_and_serialise() {
        let dir = tempfile::tempdir().unwrap();
        let pool = Pool::open(&dir.path().join("db.sqlite"), "t", Default::default())
            .await
            .unwrap();
        let link = pool.port_link();
        for path in ["/dev/modempool/b", "/dev/modempool/a"] {
            let mut update = PortUpdate::new(path, "ready");
            update.signal_rssi = Some(99);
            update.imei = Some("861234567890123".to_owned());
            link.port_seen(update).await.unwrap();
        }
        let views = modems(&pool).unwrap();
        let slots: Vec<(u32, &str)> = views
            .iter()
            .map(|view| (view.slot, view.label.as_str()))
            .collect();
        assert_eq!(slots, [(1, "a"), (2, "b")]);
        assert_eq!(views[0].state, "ready");
        assert_eq!(views[0].signal_rssi, Some(99));
        assert_eq!(views[0].signal_bars, None, "99 is the modem's unknown");
        let json = serde_json::to_value(&views[0]).unwrap();
        assert_eq!(json["port"], "/dev/modempool/a");
        assert_eq!(json["imei"], "861234567890123");
        assert!(json["updated_at"].as_str().unwrap().contains('T'), "{json}");
        pool.close().await;
    }
}
