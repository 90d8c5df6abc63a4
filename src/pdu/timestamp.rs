//! TS 23.040 §9.2.3.11 TP-Service-Centre-Time-Stamp (and TP-Discharge-Time, §9.2.3.13, which
//! has the same form): seven octets of swapped BCD — year, month, day, hour, minute, second,
//! and the time zone in quarter hours with a sign bit.

use nom::Parser;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use super::error::{DecodeWarning, EncodeError};
use super::parse::{PResult, octets};

/// One swapped-BCD octet: the low nibble is the tens digit.
fn swapped_bcd(octet: u8) -> Option<u8> {
    let tens = octet & 0x0F;
    let units = octet >> 4;
    (tens <= 9 && units <= 9).then_some(tens * 10 + units)
}

/// Reads the seven octets of a time stamp. Returns the time, or why it is not a valid time
/// (which the caller reports as a warning, not an error).
pub fn decode(octets: &[u8; 7]) -> Result<OffsetDateTime, String> {
    let names = ["year", "month", "day", "hour", "minute", "second"];
    let mut values = [0u8; 6];
    for (index, name) in names.iter().enumerate() {
        values[index] = swapped_bcd(octets[index])
            .ok_or_else(|| format!("{name} octet 0x{:02X} is not BCD", octets[index]))?;
    }
    // TS 23.040 §9.2.3.11: the time zone's sign is bit 3 of the octet (bit 7 once the nibbles
    // are swapped); the rest is the number of quarter hours, tens digit in bits 2..0.
    let zone = octets[6];
    let negative = zone & 0x08 != 0;
    let quarters = swapped_bcd(zone & 0xF7)
        .ok_or_else(|| format!("time zone octet 0x{zone:02X} is not BCD"))?;
    let [year, month, day, hour, minute, second] = values;
    let month = Month::try_from(month).map_err(|_| format!("month {month} is out of range"))?;
    let date = Date::from_calendar_date(2000 + i32::from(year), month, day)
        .map_err(|_| format!("day {day} is out of range for {month} 20{year:02}"))?;
    let time = Time::from_hms(hour, minute, second)
        .map_err(|_| format!("time {hour:02}:{minute:02}:{second:02} is out of range"))?;
    let seconds = i32::from(quarters) * 15 * 60 * if negative { -1 } else { 1 };
    let offset = UtcOffset::from_whole_seconds(seconds)
        .map_err(|_| format!("time zone of {quarters} quarter hours is out of range"))?;
    Ok(PrimitiveDateTime::new(date, time).assume_offset(offset))
}

/// A time stamp field: seven octets that must be there; an invalid value is `None` plus a
/// warning, so an oddly stamped SMS still reaches its renter.
pub(crate) fn field<'a>(
    input: &'a [u8],
    name: &'static str,
    warnings: &mut Vec<DecodeWarning>,
) -> PResult<'a, Option<OffsetDateTime>> {
    let (rest, raw) = octets(name, 7).parse(input)?;
    let mut seven = [0u8; 7];
    seven.copy_from_slice(raw);
    match decode(&seven) {
        Ok(time) => Ok((rest, Some(time))),
        Err(reason) => {
            warnings.push(DecodeWarning::InvalidTimestamp {
                field: name,
                reason,
            });
            Ok((rest, None))
        }
    }
}

/// Writes a time stamp. The offset must be a whole number of quarter hours within ±19:45 and
/// the year within 2000..=2099.
pub fn encode(time: OffsetDateTime) -> Result<[u8; 7], EncodeError> {
    let invalid = || EncodeError::InvalidTimestamp(time.to_string());
    let year = time.year() - 2000;
    let offset_seconds = time.offset().whole_seconds();
    if !(0..=99).contains(&year) || offset_seconds % (15 * 60) != 0 {
        return Err(invalid());
    }
    let quarters = (offset_seconds / (15 * 60)).unsigned_abs();
    if quarters > 79 {
        return Err(invalid());
    }
    let bcd = |value: u8| ((value % 10) << 4) | (value / 10);
    let mut zone = bcd(quarters as u8);
    if offset_seconds < 0 {
        zone |= 0x08;
    }
    Ok([
        bcd(year as u8),
        bcd(u8::from(time.month())),
        bcd(time.day()),
        bcd(time.hour()),
        bcd(time.minute()),
        bcd(time.second()),
        zone,
    ])
}

/// RFC 3339 with the PDU's own offset, `+00:00` rather than `Z` for a zero offset, as the
/// JSON output promises.
pub fn to_rfc3339(time: OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]"
    );
    // Formatting a valid OffsetDateTime with this description cannot fail; fall back to the
    // Debug form rather than panic if the time crate ever disagrees.
    time.format(&format).unwrap_or_else(|_| format!("{time:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_hex(text: &str) -> Result<String, String> {
        let bytes = hex::decode(text).unwrap();
        decode(&bytes.try_into().unwrap()).map(to_rfc3339)
    }

    #[test]
    fn positive_zone() {
        assert_eq!(
            decode_hex("51507132200523").unwrap(),
            "2015-05-17T23:02:50+08:00"
        );
    }

    // 0x48: the sign bit is set and 4 quarter hours remain: -01:00.
    #[test]
    fn negative_zone_in_quarter_hours() {
        assert_eq!(
            decode_hex("20806291731448").unwrap(),
            "2002-08-26T19:37:41-01:00"
        );
        // 0x0A: sign set, 20 quarter hours: -05:00.
        assert_eq!(
            decode_hex("0160124130340A").unwrap(),
            "2010-06-21T14:03:43-05:00"
        );
    }

    #[test]
    fn zero_offset_is_written_in_full() {
        assert_eq!(
            decode_hex("11101021436500").unwrap(),
            "2011-01-01T12:34:56+00:00"
        );
    }

    #[test]
    fn quarter_hour_zones() {
        // +05:45 (Nepal) is 23 quarter hours: 0x32 swapped.
        assert_eq!(
            decode_hex("42103021436532").unwrap(),
            "2024-01-03T12:34:56+05:45"
        );
    }

    #[test]
    fn invalid_fields_say_which() {
        assert!(
            decode_hex("51F07132200523")
                .unwrap_err()
                .contains("month octet")
        );
        assert!(
            decode_hex("51317132200523")
                .unwrap_err()
                .contains("month 13")
        );
        assert!(decode_hex("51209232200523").unwrap_err().contains("day 29"));
        assert!(
            decode_hex("51507142200523")
                .unwrap_err()
                .contains("time 24:02:50")
        );
        assert!(
            decode_hex("515071322005A0")
                .unwrap_err()
                .contains("time zone")
        );
    }

    #[test]
    fn leap_day_is_valid() {
        assert_eq!(
            decode_hex("42209221436500").unwrap(),
            "2024-02-29T12:34:56+00:00"
        );
    }

    #[test]
    fn encode_round_trips() {
        for text in [
            "51507132200523",
            "20806291731448",
            "0160124130340A",
            "42103021436532",
        ] {
            let bytes: [u8; 7] = hex::decode(text).unwrap().try_into().unwrap();
            let time = decode(&bytes).unwrap();
            assert_eq!(encode(time).unwrap(), bytes, "{text}");
        }
    }

    #[test]
    fn encode_refuses_what_cannot_be_carried() {
        let odd_offset = time::macros::datetime!(2024-01-01 00:00 +00:10);
        assert!(encode(odd_offset).is_err());
        let old = time::macros::datetime!(1999-12-31 23:59 +00:00);
        assert!(encode(old).is_err());
    }
}
