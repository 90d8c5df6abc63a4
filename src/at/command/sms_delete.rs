//! Deleting stored messages (TS 27.005 §3.5.4 `+CMGD`) once they are safely in the database,
//! so that the SIM does not fill up and refuse new ones.

use super::{Command, ResponseError, ResponseLine, TimeoutClass};

/// What `+CMGD` deletes besides (or instead of) the given index (TS 27.005 §3.5.4
/// `<delflag>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteFlag {
    /// `0`: only the message at the index.
    Index = 0,
    /// `1`: all read messages; the index is ignored.
    Read = 1,
    /// `2`: all read and sent messages.
    ReadAndSent = 2,
    /// `3`: all read, sent and unsent messages.
    AllButUnread = 3,
    /// `4`: everything, unread included.
    All = 4,
}

/// `AT+CMGD=<index>[,<delflag>]`: deletes a message once it is safely in the database, so
/// that the SIM does not fill up.
//
// 3GPP TS 27.005 §3.5.4 Delete Message +CMGD: +CMGD=<index>[,<delflag>]; no information text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeleteMessage {
    /// `<index>`.
    pub index: u32,
    /// `<delflag>`; `None` writes none, which means "this index" and is understood by
    /// modules that predate the flag.
    pub flag: Option<DeleteFlag>,
}

impl Command for DeleteMessage {
    type Response = ();

    fn text(&self) -> String {
        match self.flag {
            Some(flag) => format!("AT+CMGD={},{}", self.index, flag as u8),
            None => format!("AT+CMGD={}", self.index),
        }
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Storage
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
        let one = DeleteMessage {
            index: 3,
            flag: None,
        };
        assert_eq!(one.text(), "AT+CMGD=3");
        let all = DeleteMessage {
            index: 1,
            flag: Some(DeleteFlag::All),
        };
        assert_eq!(all.text(), "AT+CMGD=1,4");
    }
}
