//! USSD requests (TS 27.007 §7.15 `+CUSD`): balance checks, own-number codes and the like.
//! Only the request is here: the network's answer is a `+CUSD` URC, which `urc` parses.

use super::{Command, InvalidArgument, ResponseError, ResponseLine, TimeoutClass};

/// `AT+CUSD=1,"<code>",15`: sends a USSD request (balance, own number...). The `OK` only
/// says the request left; the network's answer arrives later as a `+CUSD` URC, which the
/// URC layer parses, so the runner must wait for that, not for this response.
//
// 3GPP TS 27.007 §7.15 Unstructured supplementary service data +CUSD:
//   +CUSD=[<n>[,<str>[,<dcs>]]]; n = 1 enables the result code, dcs 15 = GSM 7-bit default
//   alphabet, language unspecified (TS 23.038 §5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ussd {
    code: String,
}

impl Ussd {
    /// A USSD request for `code`, which must be a dialled string: digits, `*`, `#` and `+`
    /// (TS 22.090 §4), so that it cannot break out of the quotes.
    pub fn new(code: impl Into<String>) -> Result<Ussd, InvalidArgument> {
        let code = code.into();
        if !code.is_empty()
            && code.len() <= 182
            && code
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'*' | b'#' | b'+'))
        {
            Ok(Ussd { code })
        } else {
            Err(InvalidArgument {
                command: "+CUSD",
                reason: "a USSD code is 1 to 182 of 0-9 * # +",
            })
        }
    }

    /// The code sent.
    pub fn code(&self) -> &str {
        &self.code
    }
}

impl Command for Ussd {
    type Response = ();

    fn text(&self) -> String {
        format!("AT+CUSD=1,\"{}\",15", self.code)
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Network
    }

    fn parse(&self, _lines: &[ResponseLine]) -> Result<(), ResponseError> {
        Ok(())
    }

    // The answer is the `+CUSD:` URC, which some modems send before `OK` and most after: it
    // must reach the URC channel either way.
    fn response_prefix(&self) -> Option<String> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_texts_are_exact() {
        assert_eq!(Ussd::new("*100#").unwrap().text(), "AT+CUSD=1,\"*100#\",15");
    }

    #[test]
    fn slow_commands_get_long_timeouts() {
        assert_eq!(Ussd::new("*100#").unwrap().timeout(), TimeoutClass::Network);
    }

    #[test]
    fn ussd_refuses_text_that_would_break_the_command() {
        assert!(Ussd::new("*100#\",15\rATD1").is_err());
        assert!(Ussd::new("").is_err());
    }
}
