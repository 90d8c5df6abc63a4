//! The link settings made once per port before anything else: command echo off (ITU-T V.250
//! §6.2.4), numeric `+CME ERROR` causes (TS 27.007 §9.1) and `+CREG` registration reports
//! (TS 27.007 §7.2), so that every later response is one the parsers expect.

use super::{Command, ResponseError, ResponseLine, TimeoutClass};

/// `ATE0` / `ATE1`: command echo off or on. The daemon turns it off so responses carry only
/// response lines; the digester still recognises the echo of the `ATE0` itself.
//
// ITU-T V.250 §6.2.4 Command echo: E[<value>]; no information text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Echo(pub bool);

impl Command for Echo {
    type Response = ();

    fn text(&self) -> String {
        format!("ATE{}", u8::from(self.0))
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn parse(&self, _lines: &[ResponseLine]) -> Result<(), ResponseError> {
        Ok(())
    }
}

/// How `+CME ERROR` / `+CMS ERROR` report the cause (TS 27.007 §9.1 `<n>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorReporting {
    /// `0`: plain `ERROR`, no cause.
    Disabled = 0,
    /// `1`: numeric codes, which map onto the spec tables: what the daemon uses.
    Numeric = 1,
    /// `2`: verbose texts, which vary by vendor.
    Verbose = 2,
}

/// `AT+CMEE=<n>`: turns on `+CME ERROR: <err>` so failures say why (no SIM, PIN needed...).
//
// 3GPP TS 27.007 §9.1 Report mobile termination error +CMEE: +CMEE=[<n>]; no information text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportErrors(pub ErrorReporting);

impl Command for ReportErrors {
    type Response = ();

    fn text(&self) -> String {
        format!("AT+CMEE={}", self.0 as u8)
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn parse(&self, _lines: &[ResponseLine]) -> Result<(), ResponseError> {
        Ok(())
    }
}

/// `AT+CREG=1`: the module reports each change of registration as `+CREG: <stat>`, so a
/// port becomes rentable the moment its modem registers and stops being so the moment it
/// loses the network, not at the next poll.
//
// 3GPP TS 27.007 §7.2 Network registration +CREG: +CREG=[<n>]; n=1 enables
// `+CREG: <stat>` unsolicited result codes; no information text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegistrationReports;

impl Command for RegistrationReports {
    type Response = ();

    fn text(&self) -> String {
        "AT+CREG=1".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn parse(&self, _lines: &[ResponseLine]) -> Result<(), ResponseError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_texts_are_exact() {
        assert_eq!(Echo(false).text(), "ATE0");
        assert_eq!(Echo(true).text(), "ATE1");
        assert_eq!(ReportErrors(ErrorReporting::Numeric).text(), "AT+CMEE=1");
    }
}
