//! Times as the database holds them: RFC 3339 text in UTC with exactly six fractional
//! digits, e.g. `2026-11-23T12:00:00.000000Z`.
//!
//! The fixed width matters: SQL compares these as text (the flush of incomplete multipart
//! messages asks for groups older than a cut-off), and text order is time order only when
//! every value has the same shape. `well_known::Rfc3339` writes a variable number of
//! fractional digits, so it is used for reading only (it reads this shape, and any RFC 3339
//! a person may have typed in).

use time::format_description::BorrowedFormatItem;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

use super::error::StoreError;

/// RFC 3339, UTC, microseconds: a fixed width so that text order is time order.
const FORMAT: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

/// The text stored for `time` (converted to UTC).
pub(crate) fn to_text(time: OffsetDateTime, what: &'static str) -> Result<String, StoreError> {
    let error = |reason: String| StoreError::Time {
        what,
        time: format!("{time:?}"),
        reason,
    };
    let utc = time
        .checked_to_offset(UtcOffset::UTC)
        .ok_or_else(|| error("out of range in UTC".to_owned()))?;
    utc.format(FORMAT)
        .map_err(|source| error(source.to_string()))
}

/// The current time as stored.
pub(crate) fn now_text() -> Result<String, StoreError> {
    to_text(OffsetDateTime::now_utc(), "the current time")
}

/// Reads a stored time.
pub(crate) fn from_text(text: &str, what: &'static str) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|source| StoreError::Corrupt {
        what,
        value: text.to_owned(),
        reason: source.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn fixed_width_utc_round_trips() {
        let time = datetime!(2026-11-23 13:04:05.5 +01:00);
        let text = to_text(time, "test").unwrap();
        assert_eq!(text, "2026-11-23T12:04:05.500000Z");
        assert_eq!(from_text(&text, "test").unwrap(), time);
        // Whole seconds keep the same width, so they sort before the half second.
        let whole = to_text(datetime!(2026-11-23 12:04:05 UTC), "test").unwrap();
        assert!(whole < text, "{whole} < {text}");
    }

    #[test]
    fn bad_stored_text_is_corrupt() {
        assert!(matches!(
            from_text("yesterday", "events.at"),
            Err(StoreError::Corrupt { .. })
        ));
    }
}
