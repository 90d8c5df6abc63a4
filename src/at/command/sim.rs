//! The SIM's state (TS 27.007 §8.3, §7.1): whether it waits for a PIN before anything else
//! works, entering that PIN without letting it reach a log, and the own numbers stored on
//! the card.

use std::fmt;

use super::{
    Command, Info, InvalidArgument, ResponseError, ResponseLine, TimeoutClass, single_text,
    strip_optional_prefix, text_lines,
};
use crate::at::urc::SimStatus;

/// One of the SIM's own numbers, as stored in EF_MSISDN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    /// The label stored with it, if any.
    pub alpha: Option<String>,
    /// The number, e.g. `+31612345678`.
    pub number: String,
    /// The type of address octet (TS 24.008 §10.5.4.7): 145 international, 129 unknown.
    pub number_type: u8,
}

/// `AT+CNUM`: the SIM's own numbers. Many SIMs store none (the answer is a bare `OK`), so the
/// number the daemon rents out usually comes from elsewhere; when present it is a check.
//
// 3GPP TS 27.007 §7.1 Subscriber number +CNUM:
//   +CNUM: [<alpha1>],<number1>,<type1>[,<speed>,<service>[,<itc>]]
//   [<CR><LF>+CNUM: [<alpha2>],<number2>,<type2>[...]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OwnNumber;

impl Command for OwnNumber {
    type Response = Vec<Subscriber>;

    fn text(&self) -> String {
        "AT+CNUM".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<Vec<Subscriber>, ResponseError> {
        const EXPECTED: &str = "+CNUM: [<alpha>],<number>,<type>[,<speed>,<service>[,<itc>]]";
        text_lines("+CNUM", EXPECTED, lines)?
            .into_iter()
            .map(|line| {
                let info = Info::parse("+CNUM", EXPECTED, line, "+CNUM:")?;
                info.arity(3, 6)?;
                Ok(Subscriber {
                    alpha: info.opt_text(0).map(str::to_owned),
                    number: info.text(1)?.to_owned(),
                    number_type: info.int(2)?,
                })
            })
            .collect()
    }
}

/// `AT+CPIN?`: whether the SIM needs a PIN before anything else works.
//
// 3GPP TS 27.007 §8.3 Enter PIN +CPIN: read command response +CPIN: <code>
//   <code>: READY | SIM PIN | SIM PUK | PH-SIM PIN | SIM PIN2 | SIM PUK2 | PH-NET PIN | ...
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinStatus;

impl Command for PinStatus {
    type Response = SimStatus;

    fn text(&self) -> String {
        "AT+CPIN?".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        // Answered from the SIM, which can be slow right after power-up.
        TimeoutClass::Storage
    }

    fn attempts(&self) -> u8 {
        2
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<SimStatus, ResponseError> {
        const EXPECTED: &str = "+CPIN: <code>";
        let line = single_text("+CPIN", EXPECTED, lines)?;
        let code = line
            .strip_prefix("+CPIN:")
            .map(|rest| strip_optional_prefix(rest, &[]))
            .filter(|code| !code.is_empty())
            .ok_or_else(|| ResponseError::new("+CPIN", Some(line), EXPECTED))?;
        // The same codes as the +CPIN URC: one table, in urc.
        Ok(SimStatus::parse(code))
    }
}

/// `AT+CPIN="<pin>"`: unlocks the SIM. Its `Debug` output hides the PIN so that a logged
/// command never leaks it; build it with [`EnterPin::new`], which checks the PIN is 4 to 8
/// digits so that it cannot break out of the quotes.
//
// 3GPP TS 27.007 §8.3 Enter PIN +CPIN: +CPIN=<pin>[,<newpin>]; no information text.
#[derive(Clone, PartialEq, Eq)]
pub struct EnterPin(String);

impl EnterPin {
    /// A command entering `pin`, which must be 4 to 8 digits (TS 31.101 §9.3 PIN length).
    pub fn new(pin: impl Into<String>) -> Result<EnterPin, InvalidArgument> {
        let pin = pin.into();
        if (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
            Ok(EnterPin(pin))
        } else {
            Err(InvalidArgument {
                command: "+CPIN",
                reason: "a PIN is 4 to 8 digits",
            })
        }
    }
}

impl fmt::Debug for EnterPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnterPin(<redacted>)")
    }
}

impl Command for EnterPin {
    type Response = ();

    fn text(&self) -> String {
        format!("AT+CPIN=\"{}\"", self.0)
    }

    fn timeout(&self) -> TimeoutClass {
        // Quectel documents up to 5 s: the SIM verifies the PIN.
        TimeoutClass::Storage
    }

    fn parse(&self, _lines: &[ResponseLine]) -> Result<(), ResponseError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::at::command::fixtures::text;

    #[test]
    fn command_texts_are_exact() {
        assert_eq!(OwnNumber.text(), "AT+CNUM");
        assert_eq!(PinStatus.text(), "AT+CPIN?");
        assert_eq!(EnterPin::new("1234").unwrap().text(), "AT+CPIN=\"1234\"");
    }

    #[test]
    fn cnum_with_alpha_without_alpha_and_empty() {
        let numbers = OwnNumber
            .parse(&text(&[
                "+CNUM: \"Own\",\"+31612345678\",145",
                "+CNUM: ,\"0612345678\",129,,4",
            ]))
            .unwrap();
        assert_eq!(
            numbers,
            vec![
                Subscriber {
                    alpha: Some("Own".to_owned()),
                    number: "+31612345678".to_owned(),
                    number_type: 145,
                },
                Subscriber {
                    alpha: None,
                    number: "0612345678".to_owned(),
                    number_type: 129,
                },
            ]
        );
        assert_eq!(OwnNumber.parse(&[]).unwrap(), vec![]);
        let error = OwnNumber
            .parse(&text(&["+CNUM: \"\",\"+316\""]))
            .unwrap_err();
        assert_eq!(error.command, "+CNUM");
    }

    #[test]
    fn cpin_codes_are_typed() {
        let state = |line| PinStatus.parse(&text(&[line])).unwrap();
        assert_eq!(state("+CPIN: READY"), SimStatus::Ready);
        assert_eq!(state("+CPIN: SIM PIN"), SimStatus::SimPin);
        assert_eq!(state("+CPIN: SIM PUK"), SimStatus::SimPuk);
        assert_eq!(state("+CPIN: \"PH-SIM PIN\""), SimStatus::PhSimPin);
        assert_eq!(
            state("+CPIN: PH-NET PIN"),
            SimStatus::Other("PH-NET PIN".to_owned())
        );
        assert!(PinStatus.parse(&text(&["+CPIN:"])).is_err());
        assert!(PinStatus.parse(&[]).is_err());
    }

    #[test]
    fn enter_pin_debug_does_not_contain_the_pin() {
        let command = EnterPin::new("73915").unwrap();
        let debug = format!("{command:?}");
        assert!(!debug.contains("73915"), "{debug}");
        assert!(debug.contains("redacted"));
    }

    #[test]
    fn enter_pin_refuses_text_that_would_break_the_command() {
        assert!(EnterPin::new("12\"\r").is_err());
        assert!(EnterPin::new("123").is_err());
        let error = EnterPin::new("12345x").unwrap_err();
        assert!(!error.to_string().contains("12345"));
    }
}
