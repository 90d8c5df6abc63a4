//! How the module handles SMS (TS 27.005 §3.2.1, §3.2.3, §3.4.1): PDU mode, the message
//! service, and how a new message is announced (stored and indicated, or routed directly).

use super::{Command, Info, ResponseError, ResponseLine, TimeoutClass, single_text};

/// `AT+CMGF=<mode>`: PDU or text mode for SMS commands. The daemon uses PDU mode: text mode
/// loses the UDH of concatenated messages and the exact alphabet.
//
// 3GPP TS 27.005 §3.2.3 Message Format +CMGF: +CMGF=[<mode>]; 0 PDU, 1 text; no information
// text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageFormat {
    /// `0`: PDU mode.
    Pdu,
    /// `1`: text mode.
    Text,
}

impl Command for MessageFormat {
    type Response = ();

    fn text(&self) -> String {
        match self {
            MessageFormat::Pdu => "AT+CMGF=0",
            MessageFormat::Text => "AT+CMGF=1",
        }
        .to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn parse(&self, _lines: &[ResponseLine]) -> Result<(), ResponseError> {
        Ok(())
    }
}

/// Which message services the module supports after `+CSMS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceSupport {
    /// `<mt>`: mobile-terminated messages (what the daemon needs).
    pub mt: bool,
    /// `<mo>`: mobile-originated messages.
    pub mo: bool,
    /// `<bm>`: broadcast messages.
    pub bm: bool,
}

/// `AT+CSMS=<service>`: selects the message service; phase 2+ (1) is needed for `+CNMA`
/// acknowledgements of routed messages.
//
// 3GPP TS 27.005 §3.2.1 Select Message Service +CSMS: +CSMS=<service>
//   response +CSMS: <mt>,<mo>,<bm>
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SelectService(pub u8);

impl Command for SelectService {
    type Response = ServiceSupport;

    fn text(&self) -> String {
        format!("AT+CSMS={}", self.0)
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<ServiceSupport, ResponseError> {
        const EXPECTED: &str = "+CSMS: <mt>,<mo>,<bm>";
        let line = single_text("+CSMS", EXPECTED, lines)?;
        let info = Info::parse("+CSMS", EXPECTED, line, "+CSMS:")?;
        info.arity(3, 3)?;
        let flag = |index| info.int::<u8>(index).map(|value| value == 1);
        Ok(ServiceSupport {
            mt: flag(0)?,
            mo: flag(1)?,
            bm: flag(2)?,
        })
    }
}

/// `AT+CNMI=<mode>,<mt>,<bm>,<ds>,<bfr>`: how the module announces new messages. The daemon
/// uses `2,1,0,0,0`: store in the SIM and send `+CMTI: "SM",<index>`, so that a message
/// survives a daemon restart until it is read and deleted.
//
// 3GPP TS 27.005 §3.4.1 New Message Indications to TE +CNMI:
//   +CNMI=[<mode>[,<mt>[,<bm>[,<ds>[,<bfr>]]]]]; no information text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewMessageIndications {
    /// `<mode>`: 2 buffers indications while the link is busy and flushes them after.
    pub mode: u8,
    /// `<mt>`: 1 `+CMTI` index, 2 `+CMT` routed PDU.
    pub mt: u8,
    /// `<bm>`: cell broadcast indications.
    pub bm: u8,
    /// `<ds>`: status report indications.
    pub ds: u8,
    /// `<bfr>`: 0 flushes buffered indications when `<mode>` 1..3 is entered.
    pub bfr: u8,
}

impl NewMessageIndications {
    /// `2,1,0,0,0`: store every SMS and announce it with `+CMTI` (buffered while the link is
    /// busy). The default ingest mode: the SMS is safe in the modem until deleted.
    pub const STORE_AND_NOTIFY: NewMessageIndications = NewMessageIndications {
        mode: 2,
        mt: 1,
        bm: 0,
        ds: 0,
        bfr: 0,
    };

    /// `2,2,0,1,0`: route SMS (`+CMT`) and status reports (`+CDS`) straight to us. With
    /// `+CSMS=1` each must be acknowledged with `+CNMA`, and only after it is committed.
    pub const DIRECT: NewMessageIndications = NewMessageIndications {
        mode: 2,
        mt: 2,
        bm: 0,
        ds: 1,
        bfr: 0,
    };
}

impl Command for NewMessageIndications {
    type Response = ();

    fn text(&self) -> String {
        format!(
            "AT+CNMI={},{},{},{},{}",
            self.mode, self.mt, self.bm, self.ds, self.bfr
        )
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn parse(&self, _lines: &[ResponseLine]) -> Result<(), ResponseError> {
        Ok(())
    }
}

impl NewMessageIndications {
    /// The store-and-announce settings to try, from the most to the least capable, when
    /// the modem refused [`NewMessageIndications::STORE_AND_NOTIFY`]: given the `+CNMI=?`
    /// answer (`+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)`), only values it lists; without one
    /// (the test form refused too), the usual variants. `<mode>` 2 (buffer while the link is
    /// busy) is best, then 1 (announce, or drop while busy: the sweep recovers), then 3;
    /// `<mt>` is always 1 (`+CMTI`); the others are 0 where allowed, else the first value
    /// listed.
    pub fn store_fallbacks(test_answer: Option<&str>) -> Vec<NewMessageIndications> {
        let supported = test_answer.and_then(cnmi_ranges);
        let allows = |position: usize, value: u8| {
            supported
                .as_ref()
                .is_none_or(|ranges| ranges.get(position).is_none_or(|set| set.contains(&value)))
        };
        let quiet = |position: usize| {
            if allows(position, 0) {
                Some(0)
            } else {
                supported
                    .as_ref()
                    .and_then(|ranges| ranges.get(position))
                    .and_then(|set| set.first().copied())
            }
        };
        let (Some(bm), Some(ds), Some(bfr)) = (quiet(2), quiet(3), quiet(4)) else {
            return Vec::new();
        };
        if !allows(1, 1) {
            return Vec::new();
        }
        [2, 1, 3]
            .into_iter()
            .filter(|&mode| allows(0, mode))
            .map(|mode| NewMessageIndications {
                mode,
                mt: 1,
                bm,
                ds,
                bfr,
            })
            .filter(|candidate| *candidate != NewMessageIndications::STORE_AND_NOTIFY)
            .collect()
    }
}

/// The value sets of a `+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)` test answer, one per
/// parameter; `None` when the line is not one.
fn cnmi_ranges(line: &str) -> Option<Vec<Vec<u8>>> {
    let rest = line.trim().strip_prefix("+CNMI:")?;
    let mut sets = Vec::new();
    for group in rest.split(')') {
        let group = group.trim().trim_start_matches(',').trim();
        let Some(inner) = group.strip_prefix('(') else {
            continue;
        };
        let mut values = Vec::new();
        for part in inner.split(',') {
            let part = part.trim();
            match part.split_once('-') {
                Some((low, high)) => {
                    let (low, high): (u8, u8) =
                        (low.trim().parse().ok()?, high.trim().parse().ok()?);
                    values.extend(low..=high.min(9));
                }
                None if part.is_empty() => {}
                None => values.push(part.parse().ok()?),
            }
        }
        sets.push(values);
    }
    (!sets.is_empty()).then_some(sets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::at::command::fixtures::text;

    #[test]
    fn indication_fallbacks_follow_the_modems_test_answer() {
        // Huawei E3276 (gammu issue #680, the shared transcripts): mode 2 is there, so the
        // first fallback is mode 1.
        let e3276 =
            NewMessageIndications::store_fallbacks(Some("+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)"));
        assert_eq!(
            e3276.iter().map(|c| c.text()).collect::<Vec<_>>(),
            ["AT+CNMI=1,1,0,0,0"]
        );
        // A SIM800 lists `+CNMI: (0-3),(0-3),(0,2),(0-2),(0,1)`: modes 1 and 3 to try.
        let sim800 =
            NewMessageIndications::store_fallbacks(Some("+CNMI: (0-3),(0-3),(0,2),(0-2),(0,1)"));
        assert_eq!(
            sim800.iter().map(|c| c.text()).collect::<Vec<_>>(),
            ["AT+CNMI=1,1,0,0,0", "AT+CNMI=3,1,0,0,0"]
        );
        // A modem whose <bfr> allows 1 only.
        let telit =
            NewMessageIndications::store_fallbacks(Some("+CNMI: (0-3),(0-3),(0,2),(0-2),(1)"));
        assert_eq!(telit[0].text(), "AT+CNMI=2,1,0,0,1");
        // No test answer: the usual variants.
        assert_eq!(
            NewMessageIndications::store_fallbacks(None)
                .iter()
                .map(|c| c.text())
                .collect::<Vec<_>>(),
            ["AT+CNMI=1,1,0,0,0", "AT+CNMI=3,1,0,0,0"]
        );
        // A modem that cannot announce stored SMS at all: nothing to try (the sweep it is).
        assert!(
            NewMessageIndications::store_fallbacks(Some("+CNMI: (0-2),(0,2),(0),(0),(0)"))
                .is_empty()
        );
    }

    #[test]
    fn command_texts_are_exact() {
        assert_eq!(MessageFormat::Pdu.text(), "AT+CMGF=0");
        assert_eq!(MessageFormat::Text.text(), "AT+CMGF=1");
        assert_eq!(SelectService(1).text(), "AT+CSMS=1");
        let cnmi = NewMessageIndications {
            mode: 2,
            mt: 1,
            bm: 0,
            ds: 0,
            bfr: 0,
        };
        assert_eq!(cnmi.text(), "AT+CNMI=2,1,0,0,0");
    }

    #[test]
    fn csms_reports_supported_services() {
        assert_eq!(
            SelectService(1).parse(&text(&["+CSMS: 1,1,1"])).unwrap(),
            ServiceSupport {
                mt: true,
                mo: true,
                bm: true,
            }
        );
        assert!(SelectService(1).parse(&text(&["+CSMS: 1,1"])).is_err());
    }
}
