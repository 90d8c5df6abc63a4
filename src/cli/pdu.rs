//! `modempool pdu decode` and `modempool pdu encode`: the PDU codec from the command line,
//! for technicians reading a modem transcript and for scripts.
//!
//! The JSON output of `decode --json` is a contract other tools rely on: one object per input
//! line, in input order, with exactly the fields documented in README.md. Decoding streams:
//! stdin is read one line at a time and each result is written before the next is read, so a
//! million PDUs take constant memory.

use std::io::{self, BufRead, Write};

use serde::Serialize;

use crate::pdu::{
    self, Address, Concatenation, DecodeWarning, Deliver, Message, Pdu, PduError, PduErrorKind,
    StatusReport, Submit, UserData, timestamp,
};

/// How `decode` prints each result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// One JSON object per line (the scripting contract).
    Json,
    /// A readable block per PDU.
    Human,
}

/// What `decode` found over all its inputs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DecodeSummary {
    /// Inputs decoded.
    pub decoded: u64,
    /// Inputs that were not valid PDUs.
    pub invalid: u64,
}

impl DecodeSummary {
    /// The process exit status: 1 if any input was invalid, else 0.
    pub fn exit_code(&self) -> i32 {
        i32::from(self.invalid > 0)
    }
}

/// Decodes every input in order: hex arguments, or, for an argument `-`, each non-blank line
/// of `stdin`. Stops early, without error, if the reader of `out` goes away (a closed pipe).
pub fn decode(
    inputs: &[String],
    output: Output,
    stdin: &mut dyn BufRead,
    out: &mut dyn Write,
) -> io::Result<DecodeSummary> {
    let mut summary = DecodeSummary::default();
    let result = decode_all(inputs, output, stdin, out, &mut summary).and_then(|()| out.flush());
    match result {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(summary),
        Err(error) => Err(error),
        Ok(()) => Ok(summary),
    }
}

fn decode_all(
    inputs: &[String],
    output: Output,
    stdin: &mut dyn BufRead,
    out: &mut dyn Write,
    summary: &mut DecodeSummary,
) -> io::Result<()> {
    for input in inputs {
        if input == "-" {
            let mut line = Vec::with_capacity(512);
            loop {
                line.clear();
                if stdin.read_until(b'\n', &mut line)? == 0 {
                    break;
                }
                let decoded = match std::str::from_utf8(&line) {
                    Ok(text) if text.trim().is_empty() => continue,
                    Ok(text) => Pdu::decode_hex(text),
                    Err(error) => Err(PduError::new(
                        error.valid_up_to() / 2,
                        PduErrorKind::InvalidHex(format!(
                            "the line is not UTF-8 text (bad byte at character {})",
                            error.valid_up_to()
                        )),
                    )),
                };
                emit(&decoded, output, out, summary)?;
            }
        } else {
            emit(&Pdu::decode_hex(input), output, out, summary)?;
        }
    }
    Ok(())
}

fn emit(
    decoded: &Result<Pdu, PduError>,
    output: Output,
    out: &mut dyn Write,
    summary: &mut DecodeSummary,
) -> io::Result<()> {
    match decoded {
        Ok(_) => summary.decoded += 1,
        Err(_) => summary.invalid += 1,
    }
    match output {
        Output::Json => {
            serde_json::to_writer(&mut *out, &JsonReport::from(decoded))?;
            out.write_all(b"\n")
        }
        Output::Human => write_human(decoded, out),
    }
}

/// The JSON object for one input. Field order and names are the documented contract.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JsonReport<'a> {
    /// An SMS-DELIVER.
    Deliver {
        /// SMSC, null when the field was empty.
        smsc: Option<&'a str>,
        /// Sender number ('+' when international) or name.
        sender: &'a str,
        /// international / national / unknown / alphanumeric.
        sender_type: &'static str,
        /// RFC 3339 with the PDU's offset; null when not valid.
        timestamp: Option<String>,
        /// The user data fields.
        #[serde(flatten)]
        content: JsonContent<'a>,
        /// What was odd, when anything was.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        warnings: Vec<String>,
    },
    /// An SMS-STATUS-REPORT.
    StatusReport {
        /// SMSC, null when the field was empty.
        smsc: Option<&'a str>,
        /// TP-MR of the reported message.
        reference: u8,
        /// Recipient of the reported message.
        recipient: &'a str,
        /// Type of the recipient's number.
        recipient_type: &'static str,
        /// TP-SCTS.
        timestamp: Option<String>,
        /// TP-DT.
        discharge_time: Option<String>,
        /// TP-ST, reserved values included.
        status: u8,
        /// What was odd, when anything was.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        warnings: Vec<String>,
    },
    /// An SMS-SUBMIT.
    Submit {
        /// TP-MR.
        reference: u8,
        /// TP-DA.
        recipient: &'a str,
        /// Type of the recipient's number.
        recipient_type: &'static str,
        /// The user data fields.
        #[serde(flatten)]
        content: JsonContent<'a>,
        /// What was odd, when anything was.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        warnings: Vec<String>,
    },
    /// Not a valid PDU.
    Invalid {
        /// What is wrong and at which byte.
        error: String,
    },
}

/// The user data of a deliver or submit, as JSON fields.
#[derive(Debug, Serialize)]
pub struct JsonContent<'a> {
    /// gsm7 / ucs2 / 8bit.
    pub encoding: &'static str,
    /// The TP-DCS octet as received, for the coding groups the other fields do not name.
    pub dcs: u8,
    /// The message class (0 flash, 1 phone, 2 SIM, 3 terminal equipment), when the coding
    /// group carries one (TS 23.038 §4: groups 00xx and 01xx with bit 4 set, and 1111).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<u8>,
    /// The text; null for binary 8-bit data.
    pub text: Option<&'a str>,
    /// For 8-bit data, the octets after the header in lower-case hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_hex: Option<String>,
    /// Position in a multipart message.
    pub concat: Option<JsonConcat>,
    /// Application ports, when the message is addressed to one (WAP push: 2948).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ports: Option<JsonPorts>,
}

impl<'a> JsonContent<'a> {
    /// The fields of `user_data`, sent with the data coding `coding`.
    pub fn new(user_data: &'a UserData, coding: &pdu::DataCoding) -> Self {
        JsonContent {
            encoding: user_data.encoding.json_name(),
            dcs: coding.raw,
            class: coding.class.map(|class| match class {
                pdu::MessageClass::Class0 => 0,
                pdu::MessageClass::Class1 => 1,
                pdu::MessageClass::Class2 => 2,
                pdu::MessageClass::Class3 => 3,
            }),
            text: user_data.text.as_deref(),
            data_hex: (user_data.encoding == pdu::Encoding::EightBit)
                .then(|| hex::encode(&user_data.octets)),
            concat: user_data
                .header
                .as_ref()
                .and_then(|header| header.concatenation)
                .map(JsonConcat::from),
            ports: user_data
                .header
                .as_ref()
                .and_then(|header| header.ports)
                .map(|ports| JsonPorts {
                    destination: ports.destination,
                    origin: ports.origin,
                }),
        }
    }
}

/// `{"ref":N,"total":N,"seq":N}`.
#[derive(Debug, Serialize)]
pub struct JsonConcat {
    /// The reference shared by the parts.
    #[serde(rename = "ref")]
    pub reference: u16,
    /// Number of parts.
    pub total: u8,
    /// This part's number.
    #[serde(rename = "seq")]
    pub sequence: u8,
}

impl From<Concatenation> for JsonConcat {
    fn from(concat: Concatenation) -> Self {
        JsonConcat {
            reference: concat.reference,
            total: concat.total,
            sequence: concat.sequence,
        }
    }
}

/// `{"dst":N,"src":N}`.
#[derive(Debug, Serialize)]
pub struct JsonPorts {
    /// Destination port.
    #[serde(rename = "dst")]
    pub destination: u16,
    /// Originator port.
    #[serde(rename = "src")]
    pub origin: u16,
}

fn rfc3339(time: Option<time::OffsetDateTime>) -> Option<String> {
    time.map(timestamp::to_rfc3339)
}

fn warning_texts(warnings: &[DecodeWarning]) -> Vec<String> {
    warnings.iter().map(ToString::to_string).collect()
}

impl<'a> From<&'a Result<Pdu, PduError>> for JsonReport<'a> {
    fn from(decoded: &'a Result<Pdu, PduError>) -> Self {
        let pdu = match decoded {
            Ok(pdu) => pdu,
            Err(error) => {
                return JsonReport::Invalid {
                    error: error.to_string(),
                };
            }
        };
        let smsc = pdu.smsc.as_ref().map(|smsc| smsc.value.as_str());
        let warnings = warning_texts(&pdu.warnings);
        match &pdu.message {
            Message::Deliver(deliver) => JsonReport::Deliver {
                smsc,
                sender: &deliver.sender.value,
                sender_type: deliver.sender.type_of_number.json_name(),
                timestamp: rfc3339(deliver.timestamp),
                content: JsonContent::new(&deliver.user_data, &deliver.coding),
                warnings,
            },
            Message::StatusReport(report) => JsonReport::StatusReport {
                smsc,
                reference: report.reference,
                recipient: &report.recipient.value,
                recipient_type: report.recipient.type_of_number.json_name(),
                timestamp: rfc3339(report.timestamp),
                discharge_time: rfc3339(report.discharge_time),
                status: report.status,
                warnings,
            },
            Message::Submit(submit) => JsonReport::Submit {
                reference: submit.reference,
                recipient: &submit.recipient.value,
                recipient_type: submit.recipient.type_of_number.json_name(),
                content: JsonContent::new(&submit.user_data, &submit.coding),
                warnings,
            },
        }
    }
}

fn address_line(address: &Address) -> String {
    format!("{} ({})", address.value, address.type_of_number.json_name())
}

fn time_line(time: Option<time::OffsetDateTime>) -> String {
    rfc3339(time).unwrap_or_else(|| "(not a valid time stamp)".to_owned())
}

fn user_data_lines(
    user_data: &UserData,
    coding: &pdu::DataCoding,
    out: &mut dyn Write,
) -> io::Result<()> {
    let class = coding
        .class
        .map(|class| format!(", class {}", class.number()))
        .unwrap_or_default();
    writeln!(
        out,
        "  encoding:  {}{class}",
        user_data.encoding.json_name()
    )?;
    if let Some(header) = &user_data.header {
        if let Some(concat) = header.concatenation {
            writeln!(
                out,
                "  part:      {} of {} (reference {})",
                concat.sequence, concat.total, concat.reference
            )?;
        }
        if let Some(ports) = header.ports {
            writeln!(
                out,
                "  ports:     {} -> {}",
                ports.origin, ports.destination
            )?;
        }
    }
    match &user_data.text {
        Some(text) => writeln!(
            out,
            "  text:      {}",
            text.replace('\n', "\n             ")
        )?,
        None => writeln!(out, "  data:      {}", hex::encode(&user_data.octets))?,
    }
    Ok(())
}

fn write_human(decoded: &Result<Pdu, PduError>, out: &mut dyn Write) -> io::Result<()> {
    let pdu = match decoded {
        Ok(pdu) => pdu,
        Err(error) => return writeln!(out, "invalid PDU: {error}\n"),
    };
    match &pdu.message {
        Message::Deliver(Deliver {
            sender,
            timestamp,
            user_data,
            coding,
            ..
        }) => {
            writeln!(out, "SMS-DELIVER")?;
            writeln!(out, "  from:      {}", address_line(sender))?;
            write_smsc(pdu, out)?;
            writeln!(out, "  sent:      {}", time_line(*timestamp))?;
            user_data_lines(user_data, coding, out)?;
        }
        Message::Submit(Submit {
            reference,
            recipient,
            user_data,
            coding,
            ..
        }) => {
            writeln!(out, "SMS-SUBMIT (reference {reference})")?;
            writeln!(out, "  to:        {}", address_line(recipient))?;
            write_smsc(pdu, out)?;
            user_data_lines(user_data, coding, out)?;
        }
        Message::StatusReport(report) => {
            let StatusReport {
                reference,
                recipient,
                timestamp,
                discharge_time,
                status,
                ..
            } = report;
            writeln!(out, "SMS-STATUS-REPORT (reference {reference})")?;
            writeln!(out, "  to:        {}", address_line(recipient))?;
            write_smsc(pdu, out)?;
            writeln!(out, "  sent:      {}", time_line(*timestamp))?;
            writeln!(out, "  status at: {}", time_line(*discharge_time))?;
            writeln!(
                out,
                "  status:    0x{status:02X} ({:?})",
                report.status_class()
            )?;
        }
    }
    for warning in &pdu.warnings {
        writeln!(out, "  warning:   {warning}")?;
    }
    writeln!(out)
}

fn write_smsc(pdu: &Pdu, out: &mut dyn Write) -> io::Result<()> {
    match &pdu.smsc {
        Some(smsc) => writeln!(out, "  smsc:      {}", smsc.value),
        None => writeln!(out, "  smsc:      (none)"),
    }
}

/// What `pdu encode` writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EncodeRequest {
    /// An SMS-DELIVER, as a network would send it to a modem.
    Deliver(pdu::DeliverSpec),
    /// An SMS-SUBMIT, as the daemon sends it.
    Submit(pdu::SubmitSpec),
}

/// Encodes one message and prints one PDU per line in upper-case hex, parts in order.
pub fn encode(request: &EncodeRequest, out: &mut dyn Write) -> Result<(), EncodeCommandError> {
    let pdus = match request {
        EncodeRequest::Deliver(spec) => spec.encode()?,
        EncodeRequest::Submit(spec) => spec.encode()?,
    };
    for pdu in pdus {
        writeln!(out, "{}", pdu.to_hex())?;
    }
    out.flush()?;
    Ok(())
}

/// Why `pdu encode` failed.
#[derive(Debug, thiserror::Error)]
pub enum EncodeCommandError {
    /// The message cannot be encoded as asked.
    #[error(transparent)]
    Encode(#[from] pdu::EncodeError),
    /// Writing the output failed.
    #[error("writing the PDUs: {0}")]
    Io(#[from] io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(inputs: &[&str], stdin: &str, output: Output) -> (String, DecodeSummary) {
        let inputs: Vec<String> = inputs.iter().map(|input| input.to_string()).collect();
        let mut out = Vec::new();
        let summary = decode(&inputs, output, &mut stdin.as_bytes(), &mut out).unwrap();
        (String::from_utf8(out).unwrap(), summary)
    }

    const OFONO_NEGTZ: &str =
        "07911326040000F0040B911346610089F60000208062917314480CC8F71D14969741F977FD07";

    #[test]
    fn json_deliver_has_the_documented_fields_in_order() {
        let (out, summary) = run(&[OFONO_NEGTZ], "", Output::Json);
        assert_eq!(
            out,
            "{\"kind\":\"deliver\",\"smsc\":\"+31624000000\",\"sender\":\"+31641600986\",\
             \"sender_type\":\"international\",\"timestamp\":\"2002-08-26T19:37:41-01:00\",\
             \"encoding\":\"gsm7\",\"dcs\":0,\"text\":\"How are you?\",\"concat\":null}\n"
        );
        assert_eq!(summary.exit_code(), 0);
    }

    #[test]
    fn stdin_lines_stream_in_order_and_blank_lines_are_skipped() {
        let stdin = format!("{OFONO_NEGTZ}\r\n\n   \nZZ\n0003\n{OFONO_NEGTZ}");
        let (out, summary) = run(&["-"], &stdin, Output::Json);
        let kinds: Vec<String> = out
            .lines()
            .map(|line| {
                serde_json::from_str::<serde_json::Value>(line).unwrap()["kind"].to_string()
            })
            .collect();
        assert_eq!(
            kinds,
            ["\"deliver\"", "\"invalid\"", "\"invalid\"", "\"deliver\""]
        );
        assert_eq!(
            summary,
            DecodeSummary {
                decoded: 2,
                invalid: 2
            }
        );
        assert_eq!(summary.exit_code(), 1);
    }

    #[test]
    fn invalid_input_says_what_and_where() {
        let (out, _) = run(&["0003"], "", Output::Json);
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(value["kind"], "invalid");
        let error = value["error"].as_str().unwrap();
        assert!(
            error.contains("TP-MTI") && error.contains("byte 1"),
            "{error}"
        );
    }

    #[test]
    fn non_utf8_stdin_is_an_invalid_line_not_a_crash() {
        let inputs = vec!["-".to_owned()];
        let mut out = Vec::new();
        let mut stdin: &[u8] = b"\xff\xfe\n";
        let summary = decode(&inputs, Output::Json, &mut stdin, &mut out).unwrap();
        assert_eq!(summary.invalid, 1);
    }

    #[test]
    fn human_output_is_readable() {
        let (out, _) = run(&[OFONO_NEGTZ, "00"], "", Output::Human);
        assert!(out.contains("SMS-DELIVER"), "{out}");
        assert!(
            out.contains("from:      +31641600986 (international)"),
            "{out}"
        );
        assert!(out.contains("text:      How are you?"), "{out}");
        assert!(out.contains("invalid PDU: truncated"), "{out}");
    }

    #[test]
    fn encode_then_decode() {
        let time = time::macros::datetime!(2024-01-31 12:34:56 +02:00);
        let spec = pdu::DeliverSpec::new(Address::alphanumeric("Google"), "G-123456", time);
        let mut out = Vec::new();
        encode(&EncodeRequest::Deliver(spec), &mut out).unwrap();
        let hex_line = String::from_utf8(out).unwrap();
        let (json, _) = run(&[hex_line.trim()], "", Output::Json);
        assert!(
            json.contains("\"sender\":\"Google\",\"sender_type\":\"alphanumeric\""),
            "{json}"
        );
        assert!(
            json.contains("\"timestamp\":\"2024-01-31T12:34:56+02:00\""),
            "{json}"
        );
        assert!(json.contains("\"text\":\"G-123456\""), "{json}");
    }
}
