//! Collecting received messages (TS 27.005 §3.4): listing the stored PDUs, reading the one a
//! `+CMTI` announced, and acknowledging a message routed with `+CMT`. Decoding the PDUs is
//! [`crate::pdu`]'s job.

use super::{Command, FinalResult, Info, ResponseError, ResponseLine, TimeoutClass};
use crate::at::error_codes::CmsError;

/// Which stored messages `+CMGL` lists: PDU-mode `<stat>` values (TS 27.005 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageStatus {
    /// `0`: received, unread.
    ReceivedUnread = 0,
    /// `1`: received, read.
    ReceivedRead = 1,
    /// `2`: stored, unsent.
    StoredUnsent = 2,
    /// `3`: stored, sent.
    StoredSent = 3,
    /// `4`: all messages.
    All = 4,
}

/// A message as stored in the module, in PDU mode: the PDU still to be decoded by
/// [`crate::pdu`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPdu {
    /// `<index>`: the slot, which `+CMGD` takes to delete it.
    pub index: u32,
    /// `<stat>`: 0 received unread, 1 read, 2 unsent, 3 sent.
    pub status: u8,
    /// `<length>`: the TPDU's length in octets, SMSC field excluded.
    pub length: usize,
    /// The PDU in hex, SMSC field first.
    pub pdu: String,
}

/// `AT+CMGL=<stat>`: lists stored messages with their PDUs: what the daemon does at start-up
/// and after a `+CMTI` to collect everything received.
//
// 3GPP TS 27.005 §3.4.2 List Messages +CMGL (PDU mode): +CMGL=[<stat>]
//   response +CMGL: <index>,<stat>,[<alpha>],<length><CR><LF><pdu>
//            [<CR><LF>+CMGL: <index>,<stat>,[<alpha>],<length><CR><LF><pdu>[...]]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListMessages(pub MessageStatus);

impl Command for ListMessages {
    type Response = Vec<StoredPdu>;

    fn text(&self) -> String {
        format!("AT+CMGL={}", self.0 as u8)
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Storage
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<Vec<StoredPdu>, ResponseError> {
        const EXPECTED: &str = "+CMGL: <index>,<stat>,[<alpha>],<length> then a PDU line";
        lines
            .iter()
            .map(|line| match line {
                ResponseLine::Pdu { header, pdu } => {
                    let info = Info::parse("+CMGL", EXPECTED, header, "+CMGL:")?;
                    info.arity(4, 4)?;
                    Ok(StoredPdu {
                        index: info.int(0)?,
                        status: info.int(1)?,
                        length: info.int(3)?,
                        pdu: pdu.clone(),
                    })
                }
                // A header without its PDU, or a text-mode entry: not what was asked for.
                ResponseLine::Text(text) => Err(ResponseError::new("+CMGL", Some(text), EXPECTED)),
            })
            .collect()
    }

    /// Some modems list an empty store as `+CMS ERROR: 321` (invalid memory index) instead
    /// of a bare `OK`: nothing to drain, not a failure to report at every sweep.
    fn answer_in_failure(&self, result: &FinalResult) -> Option<Vec<StoredPdu>> {
        match result {
            FinalResult::CmsError(code) => (CmsError::from_error_code(code)
                == Some(CmsError::InvalidMemoryIndex))
            .then(Vec::new),
            _ => None,
        }
    }
}

/// `AT+CMGR=<index>`: reads one stored message, the one a `+CMTI` announced. `None` for an
/// empty slot, which modems report either as a bare `OK` or as `+CMGR: 0,,0`.
//
// 3GPP TS 27.005 §3.4.3 Read Message +CMGR (PDU mode): +CMGR=<index>
//   response +CMGR: <stat>,[<alpha>],<length><CR><LF><pdu>
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadMessage(pub u32);

impl Command for ReadMessage {
    type Response = Option<StoredPdu>;

    fn text(&self) -> String {
        format!("AT+CMGR={}", self.0)
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Storage
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<Option<StoredPdu>, ResponseError> {
        const EXPECTED: &str = "+CMGR: <stat>,[<alpha>],<length> then a PDU line";
        let line = match lines {
            [] => return Ok(None),
            [line] => line,
            [_, extra, ..] => {
                return Err(ResponseError::new("+CMGR", Some(extra.text()), EXPECTED));
            }
        };
        let info = Info::parse("+CMGR", EXPECTED, line.text(), "+CMGR:")?;
        info.arity(3, 3)?;
        let status: u8 = info.int(0)?;
        let length: usize = info.int(2)?;
        match line {
            ResponseLine::Pdu { pdu, .. } => Ok(Some(StoredPdu {
                index: self.0,
                status,
                length,
                pdu: pdu.clone(),
            })),
            // The empty-slot header: no PDU follows, and it says so with a zero length.
            ResponseLine::Text(_) if length == 0 => Ok(None),
            ResponseLine::Text(_) => Err(info.error()),
        }
    }
}

/// `AT+CNMA`: acknowledges a message routed with `+CMT` (`+CNMI` `<mt>` = 2 under
/// `+CSMS=1`), without which the network resends it.
//
// 3GPP TS 27.005 §3.4.4 New Message Acknowledgement to ME/TA +CNMA: +CNMA (text mode, or
// PDU mode without <n>); no information text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcknowledgeMessage;

impl Command for AcknowledgeMessage {
    type Response = ();

    fn text(&self) -> String {
        "AT+CNMA".to_owned()
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
    use crate::at::command::fixtures::{PDU_ONE, PDU_TWO, pdu, text};

    #[test]
    fn an_empty_store_listed_as_invalid_index_is_an_empty_listing() {
        let list = ListMessages(MessageStatus::All);
        let invalid_index = |code| FinalResult::CmsError(code);
        use crate::at::digest::ErrorCode;
        assert_eq!(
            list.answer_in_failure(&invalid_index(ErrorCode::Numeric(321))),
            Some(Vec::new())
        );
        assert_eq!(
            list.answer_in_failure(&invalid_index(ErrorCode::Verbose(
                "invalid memory index".to_owned()
            ))),
            Some(Vec::new())
        );
        // A full store, a SIM failure or a plain ERROR stay failures.
        assert_eq!(
            list.answer_in_failure(&invalid_index(ErrorCode::Numeric(322))),
            None
        );
        assert_eq!(list.answer_in_failure(&FinalResult::Error), None);
    }

    #[test]
    fn command_texts_are_exact() {
        assert_eq!(ListMessages(MessageStatus::All).text(), "AT+CMGL=4");
        assert_eq!(ReadMessage(7).text(), "AT+CMGR=7");
        assert_eq!(AcknowledgeMessage.text(), "AT+CNMA");
    }

    #[test]
    fn slow_commands_get_long_timeouts() {
        assert_eq!(
            ListMessages(MessageStatus::All).timeout(),
            TimeoutClass::Storage
        );
        assert_eq!(ReadMessage(1).timeout(), TimeoutClass::Storage);
    }

    #[test]
    fn cmgl_listing_with_two_pdu_pairs() {
        let listing = ListMessages(MessageStatus::All)
            .parse(&[
                pdu("+CMGL: 1,1,,32", PDU_ONE),
                pdu("+CMGL: 4,0,\"\",30", PDU_TWO),
            ])
            .unwrap();
        assert_eq!(
            listing,
            vec![
                StoredPdu {
                    index: 1,
                    status: 1,
                    length: 32,
                    pdu: PDU_ONE.to_owned(),
                },
                StoredPdu {
                    index: 4,
                    status: 0,
                    length: 30,
                    pdu: PDU_TWO.to_owned(),
                },
            ]
        );
        assert_eq!(ListMessages(MessageStatus::All).parse(&[]).unwrap(), vec![]);
    }

    #[test]
    fn cmgl_header_without_pdu_or_bad_index_is_an_error() {
        let error = ListMessages(MessageStatus::All)
            .parse(&[pdu("+CMGL: 1,1,,32", PDU_ONE), "+CMGL: 2,1,,32".into()])
            .unwrap_err();
        assert_eq!(error.command, "+CMGL");
        assert_eq!(error.line.as_deref(), Some("+CMGL: 2,1,,32"));
        let error = ListMessages(MessageStatus::All)
            .parse(&[pdu("+CMGL: 4294967296,1,,32", PDU_ONE)])
            .unwrap_err();
        assert_eq!(error.line.as_deref(), Some("+CMGL: 4294967296,1,,32"));
    }

    #[test]
    fn cmgr_reads_a_message_with_the_requested_index() {
        let message = ReadMessage(9)
            .parse(&[pdu("+CMGR: 0,,32", PDU_ONE)])
            .unwrap();
        assert_eq!(
            message,
            Some(StoredPdu {
                index: 9,
                status: 0,
                length: 32,
                pdu: PDU_ONE.to_owned(),
            })
        );
    }

    #[test]
    fn cmgr_empty_slot_both_ways_is_none() {
        assert_eq!(ReadMessage(3).parse(&[]).unwrap(), None);
        assert_eq!(ReadMessage(3).parse(&text(&["+CMGR: 0,,0"])).unwrap(), None);
    }

    #[test]
    fn cmgr_header_promising_a_pdu_that_never_came_is_an_error() {
        let error = ReadMessage(3).parse(&text(&["+CMGR: 0,,32"])).unwrap_err();
        assert_eq!(error.command, "+CMGR");
        assert_eq!(error.line.as_deref(), Some("+CMGR: 0,,32"));
        assert!(
            ReadMessage(3)
                .parse(&text(&["+CMGR: \"REC UNREAD\",\"+3161\",,\"24/01/31\""]))
                .is_err()
        );
    }
}
