//! The network as the module sees it (TS 27.007 §7.2, §7.3, §8.5): whether it is registered,
//! which operator serves it, how strong the signal is, and the operator scan that tells "no
//! coverage" from "registration denied".

use super::{Command, Info, ResponseError, ResponseLine, TimeoutClass, parse_decimal, single_text};
use crate::at::fields::split as split_fields;
use crate::at::urc::{RegistrationDomain, RegistrationResponse, parse_registration_response};

/// The operator the module is registered with, as `+COPS?` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    /// `<mode>`: 0 automatic, 1 manual, 2 deregistered, 4 manual/automatic.
    pub mode: u8,
    /// `<format>` of `name`: 0 long alphanumeric, 1 short, 2 numeric (MCC+MNC). Absent when
    /// not registered.
    pub format: Option<u8>,
    /// `<oper>`, absent when not registered.
    pub name: Option<String>,
    /// `<AcT>`: 0 GSM, 2 UTRAN, 7 E-UTRAN, ...; absent on 2G-only modules.
    pub access_technology: Option<u8>,
}

/// `AT+COPS?`: which operator serves the SIM, for the port's status page.
//
// 3GPP TS 27.007 §7.3 PLMN selection +COPS: read command response
//   +COPS: <mode>[,<format>,<oper>[,<AcT>]]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperatorQuery;

impl Command for OperatorQuery {
    type Response = Operator;

    fn text(&self) -> String {
        "AT+COPS?".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn attempts(&self) -> u8 {
        2
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<Operator, ResponseError> {
        const EXPECTED: &str = "+COPS: <mode>[,<format>,<oper>[,<AcT>]]";
        let line = single_text("+COPS", EXPECTED, lines)?;
        let info = Info::parse("+COPS", EXPECTED, line, "+COPS:")?;
        info.arity(1, 4)?;
        Ok(Operator {
            mode: info.int(0)?,
            format: info.opt_int(1)?,
            name: info.opt_text(2).map(str::to_owned),
            access_technology: info.opt_int(3)?,
        })
    }
}

/// `AT+COPS=3,<format>`: sets the format in which `+COPS?` names the operator (0 long name,
/// 1 short name, 2 numeric MCC and MNC) without touching network selection (mode 3 of TS
/// 27.007 §7.3). The daemon reads the numeric code, which is the same on every modem, and
/// the long name beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperatorFormat(pub u8);

impl Command for OperatorFormat {
    type Response = ();

    fn text(&self) -> String {
        format!("AT+COPS=3,{}", self.0)
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn parse(&self, _lines: &[ResponseLine]) -> Result<(), ResponseError> {
        Ok(())
    }
}

/// The `MCC-MNC` form (`262-01`, `310-260`) of a numeric `+COPS` operator (`"26201"`,
/// `"310260"`): three digits of MCC and two or three of MNC; `None` for anything else (a
/// name).
pub fn plmn_code(numeric: &str) -> Option<String> {
    let digits = numeric.trim();
    ((5..=6).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{}-{}", &digits[..3], &digits[3..]))
}

/// Signal quality as `+CSQ` reports it, with the unknown values (99) made explicit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signal {
    /// `<rssi>` 0..=31, `None` when the module does not know (99).
    pub rssi: Option<u8>,
    /// `<ber>` 0..=7 (RXQUAL), `None` when unknown (99): most modules never know it.
    pub ber: Option<u8>,
    /// The received power in dBm, −113 + 2 × rssi, for rssi 0..=31; `None` otherwise.
    pub dbm: Option<i16>,
}

/// `AT+CSQ`: signal strength, polled to tell a weak antenna from a dead SIM.
//
// 3GPP TS 27.007 §8.5 Signal quality +CSQ: +CSQ: <rssi>,<ber>
//   <rssi>: 0 ≤ −113 dBm, 1 −111 dBm, 2..30 −109..−53 dBm, 31 ≥ −51 dBm, 99 unknown
//   (100..191 are TD-SCDMA values some modules use); <ber>: 0..7 RXQUAL, 99 unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignalQuality;

impl Command for SignalQuality {
    type Response = Signal;

    fn text(&self) -> String {
        "AT+CSQ".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn attempts(&self) -> u8 {
        2
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<Signal, ResponseError> {
        const EXPECTED: &str = "+CSQ: <rssi>,<ber>";
        let line = single_text("+CSQ", EXPECTED, lines)?;
        let info = Info::parse("+CSQ", EXPECTED, line, "+CSQ:")?;
        info.arity(2, 2)?;
        let rssi: u8 = info.int(0)?;
        let ber: u8 = info.int(1)?;
        let rssi = (rssi != 99).then_some(rssi);
        Ok(Signal {
            rssi,
            ber: (ber != 99).then_some(ber),
            dbm: rssi
                .filter(|rssi| *rssi <= 31)
                .map(|rssi| -113 + 2 * i16::from(rssi)),
        })
    }
}

/// `AT+CREG?`: whether the module is on the network, polled before trusting a port.
//
// 3GPP TS 27.007 §7.2 Network registration +CREG: read command response
//   +CREG: <n>,<stat>[,[<lac>],[<ci>],[<AcT>][,<cause_type>,<reject_cause>]]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegistrationQuery;

impl Command for RegistrationQuery {
    type Response = RegistrationResponse;

    fn text(&self) -> String {
        "AT+CREG?".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Quick
    }

    fn attempts(&self) -> u8 {
        2
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<RegistrationResponse, ResponseError> {
        const EXPECTED: &str = "+CREG: <n>,<stat>[,[<lac>],[<ci>],[<AcT>]]";
        let line = single_text("+CREG", EXPECTED, lines)?;
        // The `?` response has the URC's fields after `<n>`: one parser for both, in urc.
        match parse_registration_response(line) {
            Some(Ok(response)) if response.registration.domain == RegistrationDomain::Cs => {
                Ok(response)
            }
            _ => Err(ResponseError::new("+CREG", Some(line), EXPECTED)),
        }
    }
}

/// One operator found by an operator scan (`+COPS=?`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannedOperator {
    /// `<stat>`: 0 unknown, 1 available, 2 current, 3 forbidden.
    pub status: u8,
    /// `<oper>` in long alphanumeric format, e.g. `Telekom.de`.
    pub long_name: String,
    /// `<oper>` in short alphanumeric format, e.g. `TDG`.
    pub short_name: String,
    /// `<oper>` in numeric format: MCC and MNC, e.g. `26201`.
    pub numeric: String,
    /// `<AcT>` when the modem gives it (0 GSM, 2 UTRAN, 7 E-UTRAN, ...).
    pub access_technology: Option<u8>,
}

/// `AT+COPS=?`: scans for the operators in reach. Used when a SIM will not register, to tell
/// "no coverage" (nothing found) from "registration denied" (the home operator is listed as
/// forbidden). It listens on every band, hence [`TimeoutClass::Scan`].
//
// 3GPP TS 27.007 §7.3 PLMN selection +COPS: +COPS=?
//   response +COPS: [list of supported (<stat>,long alphanumeric <oper>,short alphanumeric
//            <oper>,numeric <oper>[,<AcT>])s][,,(list of supported <mode>s),(list of
//            supported <format>s)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperatorScan;

impl Command for OperatorScan {
    type Response = Vec<ScannedOperator>;

    fn text(&self) -> String {
        "AT+COPS=?".to_owned()
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Scan
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<Vec<ScannedOperator>, ResponseError> {
        const EXPECTED: &str =
            "+COPS: (<stat>,<long>,<short>,<numeric>[,<AcT>]),...[,,(<modes>),(<formats>)]";
        let line = single_text("+COPS", EXPECTED, lines)?;
        let error = || ResponseError::new("+COPS", Some(line), EXPECTED);
        let list = line.strip_prefix("+COPS:").ok_or_else(error)?.trim();
        scanned_operators(list).ok_or_else(error)
    }
}

/// The operator tuples of a `+COPS=?` answer, up to the `,,` that starts the lists of
/// supported modes and formats; `None` if a tuple is malformed.
fn scanned_operators(list: &str) -> Option<Vec<ScannedOperator>> {
    use nom::{
        Parser, bytes::complete::take_until, character::complete::char, multi::separated_list0,
        sequence::delimited,
    };
    // The operator part ends where the mode and format lists begin.
    let operators = list.split(",,").next().unwrap_or("");
    let tuple = delimited(
        char::<&str, nom::error::Error<&str>>('('),
        take_until(")"),
        char(')'),
    );
    let (rest, tuples) = separated_list0(char(','), tuple).parse(operators).ok()?;
    if !rest.trim().is_empty() {
        return None;
    }
    tuples
        .into_iter()
        .map(|tuple| {
            let fields = split_fields(tuple)?;
            let (status, long, short, numeric) = match fields.as_slice() {
                [status, long, short, numeric] | [status, long, short, numeric, _] => {
                    (status, long, short, numeric)
                }
                _ => return None,
            };
            let access_technology = match fields.get(4) {
                Some(act) if !act.text.is_empty() => Some(parse_decimal(act.text)?),
                _ => None,
            };
            Some(ScannedOperator {
                status: parse_decimal(status.text)?,
                long_name: long.text.to_owned(),
                short_name: short.text.to_owned(),
                numeric: numeric.text.to_owned(),
                access_technology,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::at::command::fixtures::text;
    use crate::at::urc::{Registration, RegistrationStatus};

    #[test]
    fn command_texts_are_exact() {
        assert_eq!(OperatorQuery.text(), "AT+COPS?");
        assert_eq!(SignalQuality.text(), "AT+CSQ");
        assert_eq!(RegistrationQuery.text(), "AT+CREG?");
    }

    #[test]
    fn slow_commands_get_long_timeouts() {
        assert_eq!(SignalQuality.timeout().duration(), Duration::from_secs(2));
    }

    #[test]
    fn cops_registered_and_not_registered() {
        assert_eq!(
            OperatorQuery
                .parse(&text(&["+COPS: 0,0,\"vodafone NL\",7"]))
                .unwrap(),
            Operator {
                mode: 0,
                format: Some(0),
                name: Some("vodafone NL".to_owned()),
                access_technology: Some(7),
            }
        );
        assert_eq!(
            OperatorQuery.parse(&text(&["+COPS: 0"])).unwrap(),
            Operator {
                mode: 0,
                format: None,
                name: None,
                access_technology: None,
            }
        );
    }

    #[test]
    fn csq_99_99_is_unknown_signal() {
        assert_eq!(
            SignalQuality.parse(&text(&["+CSQ: 99,99"])).unwrap(),
            Signal {
                rssi: None,
                ber: None,
                dbm: None,
            }
        );
    }

    #[test]
    fn csq_rssi_converts_to_dbm() {
        assert_eq!(
            SignalQuality.parse(&text(&["+CSQ: 21,0"])).unwrap(),
            Signal {
                rssi: Some(21),
                ber: Some(0),
                dbm: Some(-71),
            }
        );
        let weakest = SignalQuality.parse(&text(&["+CSQ: 0,99"])).unwrap();
        assert_eq!(weakest.dbm, Some(-113));
    }

    #[test]
    fn csq_overflow_and_garbage_are_errors_not_panics() {
        for line in [
            "+CSQ: 256,99",
            "+CSQ: -1,99",
            "+CSQ: +5,99",
            "+CSQ: 21",
            "+CSQ: 21,99,1",
            "+CSQ 21,99",
            "+CSQ: 99999999999999999999999,0",
        ] {
            let error = SignalQuality.parse(&text(&[line])).unwrap_err();
            assert_eq!(error.command, "+CSQ");
            assert_eq!(error.line.as_deref(), Some(line));
        }
    }

    #[test]
    fn creg_short_and_with_location() {
        let short = RegistrationQuery.parse(&text(&["+CREG: 0,1"])).unwrap();
        assert!(short.registration.status.is_registered());
        assert_eq!(short.registration.lac, None);
        let long = RegistrationQuery
            .parse(&text(&["+CREG: 2,5,\"1A2B\",\"01C3D4E5\",7"]))
            .unwrap();
        assert_eq!(
            long,
            RegistrationResponse {
                mode: 2,
                registration: Registration {
                    domain: RegistrationDomain::Cs,
                    status: RegistrationStatus::Roaming,
                    lac: Some("1A2B".to_owned()),
                    cell_id: Some("01C3D4E5".to_owned()),
                    access_technology: Some(7),
                },
            }
        );
        assert!(
            !RegistrationQuery
                .parse(&text(&["+CREG: 0,2"]))
                .unwrap()
                .registration
                .status
                .is_registered()
        );
    }

    #[test]
    fn numeric_operators_become_mcc_mnc() {
        assert_eq!(plmn_code("26201").as_deref(), Some("262-01"));
        assert_eq!(plmn_code("310260").as_deref(), Some("310-260"));
        assert_eq!(plmn_code("T-Mobile"), None);
        assert_eq!(plmn_code("2620"), None);
        assert_eq!(OperatorFormat(2).text(), "AT+COPS=3,2");
    }

    #[test]
    fn operator_scan() {
        let line = "+COPS: (2,\"Telekom.de\",\"TDG\",\"26201\",7),(1,\"Vodafone.de\",\"Vodafone\",\
            \"26202\",2),(3,\"o2 - de\",\"o2 - de\",\"26203\"),,(0-4),(0-2)";
        let operators = OperatorScan.parse(&[line.into()]).unwrap();
        assert_eq!(operators.len(), 3);
        assert_eq!(
            operators[0],
            ScannedOperator {
                status: 2,
                long_name: "Telekom.de".into(),
                short_name: "TDG".into(),
                numeric: "26201".into(),
                access_technology: Some(7),
            }
        );
        assert_eq!(operators[2].access_technology, None);
        assert_eq!(operators[2].status, 3);
        // Nothing in reach.
        assert!(
            OperatorScan
                .parse(&["+COPS: ,,(0-4),(0-2)".into()])
                .unwrap()
                .is_empty()
        );
        for bad in [
            "+COPS: (2,\"A\")",
            "+COPS: (x,\"A\",\"B\",\"1\")",
            "+COPS: (2,\"A\",\"B\",\"1\"",
            "+CSQ: 1,2",
        ] {
            assert!(OperatorScan.parse(&[bad.into()]).is_err(), "{bad}");
        }
        assert_eq!(OperatorScan.timeout(), TimeoutClass::Scan);
    }
}
