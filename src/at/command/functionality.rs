//! The module's functionality level (TS 27.007 §8.2 `+CFUN`): the soft reset the port task
//! gives a wedged module, and the radio switched off or back on.

use super::{Command, ResponseError, ResponseLine, TimeoutClass};

/// `AT+CFUN=<fun>[,1]`: sets the module's functionality; `CFUN=1,1` is the soft reset the
/// port task uses on a wedged module, `CFUN=0`/`4` take the radio off.
//
// 3GPP TS 27.007 §8.2 Set phone functionality +CFUN: +CFUN=[<fun>[,<rst>]]; no information
// text. <fun>: 0 minimum, 1 full, 4 radio off; <rst> 1 resets before setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetFunctionality {
    /// `<fun>`.
    pub fun: u8,
    /// `<rst>`: reset the module first. Omitted from the text when false, because some
    /// firmwares reject `<rst>` = 0 with some `<fun>` values.
    pub reset: bool,
}

impl Command for SetFunctionality {
    type Response = ();

    fn text(&self) -> String {
        if self.reset {
            format!("AT+CFUN={},1", self.fun)
        } else {
            format!("AT+CFUN={}", self.fun)
        }
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Network
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
        let reset = SetFunctionality {
            fun: 1,
            reset: true,
        };
        assert_eq!(reset.text(), "AT+CFUN=1,1");
        let radio_off = SetFunctionality {
            fun: 4,
            reset: false,
        };
        assert_eq!(radio_off.text(), "AT+CFUN=4");
    }
}
