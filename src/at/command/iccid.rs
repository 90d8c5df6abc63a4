//! The SIM card's ICCID (ITU-T E.118), which names a SIM wherever it sits in the rack. No
//! TS 27.007 command reads it, so every vendor's command is here, with restricted SIM access
//! (`+CRSM`, TS 27.007 §8.18) as the fallback that works on any modem implementing it.

use std::fmt;

use super::{
    Command, Info, ResponseError, ResponseLine, TimeoutClass, single_text, strip_optional_prefix,
};

/// A SIM card's ICCID (ITU-T E.118): the digits printed on the card, which is how the
/// daemon names a SIM wherever it sits in the rack. 18 to 22 digits, padding removed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Iccid(String);

impl Iccid {
    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Validates `text` as ICCID digits in card order: trailing `F` padding (EF_ICCID is 10
    /// bytes, a 19-digit ICCID is padded with one `F`) is removed, anything else that is
    /// not a digit is rejected rather than stored as a wrong SIM name.
    fn from_digits(text: &str) -> Option<Iccid> {
        let digits = text.trim_end_matches(['F', 'f']);
        ((18..=22).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| Iccid(digits.to_owned()))
    }
}

impl fmt::Display for Iccid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Swaps the two nibbles of each byte of a BCD string as stored on the SIM (TS 31.102
/// §4.2.2 EF_ICCID: "coded in BCD, left justified", low nibble first), `98` → `89`.
fn unswap_nibbles(swapped: &str) -> Option<String> {
    if !swapped.len().is_multiple_of(2) || !swapped.is_ascii() {
        return None;
    }
    let mut digits = String::with_capacity(swapped.len());
    for pair in swapped.as_bytes().chunks_exact(2) {
        if let [low, high] = pair {
            digits.push(char::from(*high));
            digits.push(char::from(*low));
        }
    }
    Some(digits)
}

/// Which command a modem answers with its ICCID: there is no 27.007 command for it, so each
/// vendor has its own, and `+CRSM` works on any modem that implements §8.18.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IccidDialect {
    /// `AT+CCID` (u-blox, SIMCom SIM800, Telit): `+CCID: <iccid>` or bare digits.
    Ccid,
    /// `AT+QCCID` (Quectel): `+QCCID: <iccid>`, sometimes with the `F` pad.
    Qccid,
    /// `AT^ICCID?` (Huawei): `^ICCID: <iccid>` with the nibbles of each byte swapped, as on
    /// the SIM. ModemManager unswaps it (plugins/huawei/mm-sim-huawei.c: "Huawei ^ICCID
    /// response must be character swapped"), and so does garronej/ts-gsm-modem.
    Huawei,
    /// `AT+ICCID` / `AT+CICCID` (SIMCom SIM7xxx): `ICCID: "<iccid>"` or `+ICCID: <iccid>`.
    Simcom,
    /// `AT+CRSM=176,12258,0,0,10`: READ BINARY of EF_ICCID (2FE2) through restricted SIM
    /// access, the fallback when the vendor command is unknown.
    Crsm,
}

/// Reads the SIM's ICCID in the given vendor dialect.
//
// 3GPP TS 27.007 §8.18 Restricted SIM access +CRSM:
//   +CRSM=<command>[,<fileid>[,<P1>,<P2>,<P3>[,<data>[,<pathid>]]]]
//   response +CRSM: <sw1>,<sw2>[,<response>]; 176 = READ BINARY, 12258 = 0x2FE2 EF_ICCID
//   (TS 31.102 §4.2.2 via TS 102 221 §13.2), P3 = 10 bytes; sw1,sw2 = 144,0 is success
//   (TS 102 221 §10.2.1 '90 00').
// Vendor forms (vendor manuals): +CCID: <iccid> | ^ICCID: <iccid> | +QCCID: <iccid> |
//   [+]ICCID: <iccid>, quoted or bare, or the bare digits alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IccidQuery(pub IccidDialect);

impl Command for IccidQuery {
    type Response = Iccid;

    fn text(&self) -> String {
        match self.0 {
            IccidDialect::Ccid => "AT+CCID",
            IccidDialect::Qccid => "AT+QCCID",
            IccidDialect::Huawei => "AT^ICCID?",
            IccidDialect::Simcom => "AT+ICCID",
            IccidDialect::Crsm => "AT+CRSM=176,12258,0,0,10",
        }
        .to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn attempts(&self) -> u8 {
        2
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<Iccid, ResponseError> {
        let (command, expected, prefixes, swapped): (_, _, &[&str], _) = match self.0 {
            IccidDialect::Ccid => ("+CCID", "[+CCID: ]<iccid>", &["+CCID:"], false),
            IccidDialect::Qccid => ("+QCCID", "[+QCCID: ]<iccid>", &["+QCCID:"], false),
            IccidDialect::Huawei => ("^ICCID", "^ICCID: <swapped iccid>", &["^ICCID:"], true),
            IccidDialect::Simcom => (
                "+ICCID",
                "[+]ICCID: <iccid>",
                &["+ICCID:", "ICCID:", "+CICCID:"],
                false,
            ),
            IccidDialect::Crsm => return parse_crsm_iccid(lines),
        };
        let line = single_text(command, expected, lines)?;
        let value = strip_optional_prefix(line, prefixes);
        let digits = if swapped {
            unswap_nibbles(value)
        } else {
            Some(value.to_owned())
        };
        digits
            .as_deref()
            .and_then(Iccid::from_digits)
            .ok_or_else(|| ResponseError::new(command, Some(line), expected))
    }
}

fn parse_crsm_iccid(lines: &[ResponseLine]) -> Result<Iccid, ResponseError> {
    const COMMAND: &str = "+CRSM";
    const EXPECTED: &str = "+CRSM: 144,0,\"<EF_ICCID as swapped BCD>\"";
    let line = single_text(COMMAND, EXPECTED, lines)?;
    let info = Info::parse(COMMAND, EXPECTED, line, "+CRSM:")?;
    info.arity(3, 3)?;
    let (sw1, sw2): (u8, u8) = (info.int(0)?, info.int(1)?);
    if (sw1, sw2) != (144, 0) {
        return Err(info.error());
    }
    unswap_nibbles(info.text(2)?)
        .as_deref()
        .and_then(Iccid::from_digits)
        .ok_or_else(|| info.error())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::at::command::fixtures::text;

    #[test]
    fn command_texts_are_exact() {
        assert_eq!(IccidQuery(IccidDialect::Ccid).text(), "AT+CCID");
        assert_eq!(IccidQuery(IccidDialect::Qccid).text(), "AT+QCCID");
        assert_eq!(IccidQuery(IccidDialect::Huawei).text(), "AT^ICCID?");
        assert_eq!(IccidQuery(IccidDialect::Simcom).text(), "AT+ICCID");
        assert_eq!(
            IccidQuery(IccidDialect::Crsm).text(),
            "AT+CRSM=176,12258,0,0,10"
        );
    }

    #[test]
    fn iccid_in_each_vendor_dialect() {
        let expected = "8931440400012345678";
        let cases: [(IccidDialect, &str); 8] = [
            (IccidDialect::Ccid, "+CCID: 8931440400012345678"),
            (IccidDialect::Ccid, "+CCID: \"8931440400012345678\""),
            (IccidDialect::Ccid, "8931440400012345678"),
            (IccidDialect::Qccid, "+QCCID: 8931440400012345678F"),
            (IccidDialect::Simcom, "ICCID: \"8931440400012345678\""),
            (IccidDialect::Simcom, "+ICCID: 8931440400012345678"),
            (IccidDialect::Huawei, "^ICCID: 981344400010325476F8"),
            (IccidDialect::Crsm, "+CRSM: 144,0,\"981344400010325476F8\""),
        ];
        for (dialect, line) in cases {
            let iccid = IccidQuery(dialect).parse(&text(&[line])).unwrap();
            assert_eq!(iccid.as_str(), expected, "{dialect:?} {line}");
        }
    }

    #[test]
    fn crsm_iccid_is_unswapped_with_twenty_digits() {
        let iccid = IccidQuery(IccidDialect::Crsm)
            .parse(&text(&["+CRSM: 144,0,\"98137100010000000074\""]))
            .unwrap();
        assert_eq!(iccid.as_str(), "89311700100000000047");
    }

    #[test]
    fn crsm_error_status_words_are_rejected() {
        // 148,4 (94 04): file not found.
        let error = IccidQuery(IccidDialect::Crsm)
            .parse(&text(&["+CRSM: 148,4,\"\""]))
            .unwrap_err();
        assert_eq!(error.command, "+CRSM");
        assert!(
            IccidQuery(IccidDialect::Crsm)
                .parse(&text(&["+CRSM: 144,0"]))
                .is_err()
        );
        assert!(
            IccidQuery(IccidDialect::Crsm)
                .parse(&text(&["+CRSM: 144,0,\"9813710001000000007\""]))
                .is_err()
        );
    }

    #[test]
    fn iccid_with_stray_characters_or_wrong_length_is_rejected() {
        let ccid = IccidQuery(IccidDialect::Ccid);
        let error = ccid
            .parse(&text(&["+CCID: 8931440400A12345678"]))
            .unwrap_err();
        assert_eq!(error.command, "+CCID");
        assert_eq!(error.line.as_deref(), Some("+CCID: 8931440400A12345678"));
        assert!(ccid.parse(&text(&["+CCID: 89314404"])).is_err());
        assert!(ccid.parse(&[]).is_err());
        // Nibble-swapped text with an odd length cannot be unswapped.
        assert!(
            IccidQuery(IccidDialect::Huawei)
                .parse(&text(&["^ICCID: 981344400010325476F"]))
                .is_err()
        );
    }
}
