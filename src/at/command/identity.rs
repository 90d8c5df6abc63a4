//! What a module is (TS 27.007 §5, V.250 `ATI`): manufacturer, model and firmware revision,
//! which pick vendor dialects and tie quirks to firmware versions; the IMEI, which names the
//! module; and the SIM's IMSI, which names the operator that issued the card.

use std::fmt;

use super::{
    Command, ResponseError, ResponseLine, TimeoutClass, single_text, strip_optional_prefix,
    text_lines,
};

/// Joins the free-form identity lines (some firmwares split a revision over several), after
/// removing the `+CGMI:`-style prefix a few of them add.
fn identity_text(
    command: &'static str,
    expected: &'static str,
    prefixes: &[&str],
    lines: &[ResponseLine],
) -> Result<String, ResponseError> {
    let texts = text_lines(command, expected, lines)?;
    if texts.is_empty() {
        return Err(ResponseError::new(command, None, expected));
    }
    let parts: Vec<&str> = texts
        .iter()
        .map(|text| strip_optional_prefix(text, prefixes))
        .collect();
    Ok(parts.join("\n"))
}

/// `AT+CGMI`: the manufacturer, to pick vendor dialects (ICCID command, quirks).
//
// 3GPP TS 27.007 §5.1 Request manufacturer identification +CGMI: +CGMI response
// <manufacturer> (free text; some firmwares prefix `+CGMI: `).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Manufacturer;

impl Command for Manufacturer {
    type Response = String;

    fn text(&self) -> String {
        "AT+CGMI".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn attempts(&self) -> u8 {
        2
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<String, ResponseError> {
        identity_text("+CGMI", "<manufacturer>", &["+CGMI:"], lines)
    }
}

/// `AT+CGMM`: the model, e.g. `EC25`, `SIM800`, `E3372`.
//
// 3GPP TS 27.007 §5.2 Request model identification +CGMM: +CGMM response <model>.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Model;

impl Command for Model {
    type Response = String;

    fn text(&self) -> String {
        "AT+CGMM".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn attempts(&self) -> u8 {
        2
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<String, ResponseError> {
        identity_text("+CGMM", "<model>", &["+CGMM:"], lines)
    }
}

/// `AT+CGMR`: the firmware revision, kept to tie quirks to firmware versions.
//
// 3GPP TS 27.007 §5.3 Request revision identification +CGMR: +CGMR response <revision>
// (SIMCom SIM800 writes `Revision:1418B05SIM800L24`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Revision;

impl Command for Revision {
    type Response = String;

    fn text(&self) -> String {
        "AT+CGMR".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn attempts(&self) -> u8 {
        2
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<String, ResponseError> {
        identity_text("+CGMR", "<revision>", &["+CGMR:", "Revision:"], lines)
    }
}

/// `ATI`: the product information lines, free text; logged at start-up to identify a modem
/// whose `+CGMI` is unhelpful.
//
// ITU-T V.250 §6.1.3 Request identification information I[<value>]: one or more lines of
// information text, manufacturer-specific.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ati;

impl Command for Ati {
    type Response = Vec<String>;

    fn text(&self) -> String {
        "ATI".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<Vec<String>, ResponseError> {
        Ok(text_lines("I", "information text", lines)?
            .into_iter()
            .map(str::to_owned)
            .collect())
    }
}

/// A module's IMEI: 15 digits. Kept as a newtype so that it cannot be mixed up with an IMSI
/// or an ICCID, the other digit strings that identify a port.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Imei(String);

impl Imei {
    /// The 15 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the last digit is the Luhn check digit of the first 14 (TS 23.003 §6.2.1).
    /// Some cheap modules carry IMEIs that fail it; the IMEI is still what identifies the
    /// module on the network, so it is accepted and the caller may log the mismatch.
    pub fn check_digit_ok(&self) -> bool {
        luhn_ok(&self.0)
    }
}

impl fmt::Display for Imei {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Luhn check over a string of ASCII digits (false on anything else).
fn luhn_ok(digits: &str) -> bool {
    let mut sum = 0u32;
    for (position, byte) in digits.bytes().rev().enumerate() {
        if !byte.is_ascii_digit() {
            return false;
        }
        let mut digit = u32::from(byte - b'0');
        if position % 2 == 1 {
            digit *= 2;
            if digit > 9 {
                digit -= 9;
            }
        }
        sum += digit;
    }
    !digits.is_empty() && sum.is_multiple_of(10)
}

/// `AT+CGSN`: the IMEI, which names the port's module in the database and in logs.
//
// 3GPP TS 27.007 §5.4 Request product serial number identification +CGSN: +CGSN response
// <sn> (15 digits; Huawei and some Quectel firmwares print `+CGSN: <sn>`, quoted or not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImeiQuery;

impl Command for ImeiQuery {
    type Response = Imei;

    fn text(&self) -> String {
        "AT+CGSN".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn attempts(&self) -> u8 {
        2
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<Imei, ResponseError> {
        const EXPECTED: &str = "[+CGSN: ]<15 digits>";
        let line = single_text("+CGSN", EXPECTED, lines)?;
        let digits = strip_optional_prefix(line, &["+CGSN:"]);
        if digits.len() == 15 && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Imei(digits.to_owned()))
        } else {
            Err(ResponseError::new("+CGSN", Some(line), EXPECTED))
        }
    }
}

/// `AT+CIMI`: the SIM's IMSI, which says which operator issued the card.
//
// 3GPP TS 27.007 §5.6 Request international mobile subscriber identity +CIMI: +CIMI response
// <IMSI> (up to 15 digits, TS 23.003 §2.2; a few firmwares prefix `+CIMI: `).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imsi;

impl Command for Imsi {
    type Response = String;

    fn text(&self) -> String {
        "AT+CIMI".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn attempts(&self) -> u8 {
        2
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<String, ResponseError> {
        const EXPECTED: &str = "[+CIMI: ]<6 to 15 digits>";
        let line = single_text("+CIMI", EXPECTED, lines)?;
        let digits = strip_optional_prefix(line, &["+CIMI:"]);
        if (6..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(digits.to_owned())
        } else {
            Err(ResponseError::new("+CIMI", Some(line), EXPECTED))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::at::command::fixtures::text;

    #[test]
    fn command_texts_are_exact() {
        assert_eq!(Manufacturer.text(), "AT+CGMI");
        assert_eq!(Model.text(), "AT+CGMM");
        assert_eq!(Revision.text(), "AT+CGMR");
        assert_eq!(ImeiQuery.text(), "AT+CGSN");
        assert_eq!(Imsi.text(), "AT+CIMI");
        assert_eq!(Ati.text(), "ATI");
    }

    #[test]
    fn identity_lines_as_quectel_simcom_and_huawei_print_them() {
        assert_eq!(Manufacturer.parse(&text(&["Quectel"])).unwrap(), "Quectel");
        assert_eq!(
            Manufacturer.parse(&text(&["+CGMI: huawei"])).unwrap(),
            "huawei"
        );
        assert_eq!(Model.parse(&text(&["EC25"])).unwrap(), "EC25");
        assert_eq!(
            Revision
                .parse(&text(&["Revision:1418B05SIM800L24"]))
                .unwrap(),
            "1418B05SIM800L24"
        );
        assert_eq!(
            Revision.parse(&text(&["EC25EFAR06A06M4G"])).unwrap(),
            "EC25EFAR06A06M4G"
        );
        assert_eq!(
            Ati.parse(&text(&["Quectel", "EC25", "Revision: EC25EFAR06A06M4G"]))
                .unwrap(),
            vec!["Quectel", "EC25", "Revision: EC25EFAR06A06M4G"]
        );
    }

    #[test]
    fn missing_identity_line_is_an_error_naming_the_command() {
        let error = Manufacturer.parse(&[]).unwrap_err();
        assert_eq!(error.command, "+CGMI");
        assert_eq!(error.line, None);
        assert!(error.to_string().contains("no line"));
    }

    #[test]
    fn imei_bare_and_prefixed_with_luhn_reported() {
        let bare = ImeiQuery.parse(&text(&["490154203237518"])).unwrap();
        assert_eq!(bare.as_str(), "490154203237518");
        assert!(bare.check_digit_ok());
        let huawei = ImeiQuery
            .parse(&text(&["+CGSN: \"490154203237518\""]))
            .unwrap();
        assert_eq!(huawei, bare);
        // A bad check digit is accepted and reported, not rejected.
        let cheap = ImeiQuery.parse(&text(&["+CGSN: 490154203237519"])).unwrap();
        assert!(!cheap.check_digit_ok());
    }

    #[test]
    fn imei_with_wrong_length_or_letters_is_rejected() {
        let error = ImeiQuery.parse(&text(&["49015420323751"])).unwrap_err();
        assert_eq!(error.command, "+CGSN");
        assert_eq!(error.line.as_deref(), Some("49015420323751"));
        assert!(ImeiQuery.parse(&text(&["49015420323751X"])).is_err());
        assert!(
            ImeiQuery
                .parse(&text(&["490154203237518", "extra"]))
                .is_err()
        );
    }

    #[test]
    fn imsi_bare_and_prefixed() {
        assert_eq!(
            Imsi.parse(&text(&["204081234567890"])).unwrap(),
            "204081234567890"
        );
        assert_eq!(
            Imsi.parse(&text(&["+CIMI: 204081234567890"])).unwrap(),
            "204081234567890"
        );
        assert!(Imsi.parse(&text(&["ERRORISH"])).is_err());
    }
}
