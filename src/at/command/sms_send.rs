//! Sending and storing messages through the `> ` prompt (TS 27.005 §3.5.1 `+CMGS`, §3.5.3
//! `+CMGW`), with the PDU checked first so that it cannot end or cancel the dialogue early.

use super::{
    Command, Info, InvalidArgument, ResponseError, ResponseLine, TimeoutClass, single_text,
};

/// The largest TPDU a `+CMGS` / `+CMGW` can carry (TS 23.040 §9.2.2: 164 octets of
/// SMS-SUBMIT) plus a full SMSC field (12 octets).
const MAX_PDU_OCTETS: usize = 176;

/// A PDU to send or store, checked so that it cannot break the prompt dialogue: hex digits
/// only (a Ctrl-Z or ESC inside would end or cancel it early), and a TPDU length that matches.
#[derive(Debug, Clone, PartialEq, Eq)]
struct OutgoingPdu {
    hex: String,
    tpdu_length: usize,
}

impl OutgoingPdu {
    fn new(command: &'static str, hex: &str, tpdu_length: usize) -> Result<Self, InvalidArgument> {
        let invalid = |reason| InvalidArgument { command, reason };
        if hex.is_empty()
            || !hex.len().is_multiple_of(2)
            || !hex.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Err(invalid("the PDU must be an even number of hex digits"));
        }
        let octets = hex.len() / 2;
        if octets > MAX_PDU_OCTETS {
            return Err(invalid("the PDU is longer than an SMS can be"));
        }
        // The first octet is the SMSC field's length; the TPDU is what follows it.
        let smsc_length = usize::from_str_radix(&hex[..2], 16).unwrap_or(usize::MAX);
        if octets.checked_sub(1 + smsc_length) != Some(tpdu_length) || tpdu_length == 0 {
            return Err(invalid("the TPDU length does not match the PDU"));
        }
        Ok(OutgoingPdu {
            hex: hex.to_ascii_uppercase(),
            tpdu_length,
        })
    }
}

/// `AT+CMGS=<length>` then the PDU at the `> ` prompt: sends an SMS. Used by technicians'
/// tests of a SIM (a message to itself) and by the simulator's own tests.
//
// 3GPP TS 27.005 §3.5.1 Send Message +CMGS (PDU mode): +CMGS=<length><CR> PDU is given<ctrl-Z/ESC>
//   response +CMGS: <mr>[,<ackpdu>]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendMessage(OutgoingPdu);

impl SendMessage {
    /// A message from `pdu_hex` (SMSC field first, as the encoder writes it) whose TPDU is
    /// `tpdu_length` octets, as [`crate::pdu::EncodedPdu`] gives them.
    pub fn new(pdu_hex: &str, tpdu_length: usize) -> Result<SendMessage, InvalidArgument> {
        OutgoingPdu::new("+CMGS", pdu_hex, tpdu_length).map(SendMessage)
    }
}

impl Command for SendMessage {
    /// `<mr>`: the message reference the network gave the submission.
    type Response = u8;

    fn text(&self) -> String {
        format!("AT+CMGS={}", self.0.tpdu_length)
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Network
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<u8, ResponseError> {
        const EXPECTED: &str = "+CMGS: <mr>[,<ackpdu>]";
        let line = single_text("+CMGS", EXPECTED, lines)?;
        let info = Info::parse("+CMGS", EXPECTED, line, "+CMGS:")?;
        info.arity(1, 2)?;
        info.int(0)
    }

    fn payload(&self) -> Option<String> {
        Some(self.0.hex.clone())
    }
}

/// `AT+CMGW=<length>` then the PDU at the `> ` prompt: stores a message in the write storage
/// (`+CPMS` `<mem2>`). Lets a technician check that a SIM's storage accepts writes.
//
// 3GPP TS 27.005 §3.5.3 Write Message to Memory +CMGW (PDU mode):
//   +CMGW=<length>[,<stat>]<CR> PDU is given<ctrl-Z/ESC>; response +CMGW: <index>
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteMessage(OutgoingPdu);

impl WriteMessage {
    /// A message from `pdu_hex` (SMSC field first) whose TPDU is `tpdu_length` octets.
    pub fn new(pdu_hex: &str, tpdu_length: usize) -> Result<WriteMessage, InvalidArgument> {
        OutgoingPdu::new("+CMGW", pdu_hex, tpdu_length).map(WriteMessage)
    }
}

impl Command for WriteMessage {
    /// `<index>`: where the message was stored.
    type Response = u32;

    fn text(&self) -> String {
        format!("AT+CMGW={}", self.0.tpdu_length)
    }

    fn timeout(&self) -> TimeoutClass {
        TimeoutClass::Storage
    }

    fn parse(&self, lines: &[ResponseLine]) -> Result<u32, ResponseError> {
        const EXPECTED: &str = "+CMGW: <index>";
        let line = single_text("+CMGW", EXPECTED, lines)?;
        let info = Info::parse("+CMGW", EXPECTED, line, "+CMGW:")?;
        info.arity(1, 1)?;
        info.int(0)
    }

    fn payload(&self) -> Option<String> {
        Some(self.0.hex.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_and_write_message_carry_a_checked_pdu() {
        const PDU: &str = "0011000B911326880736F40000A70AE8329BFD4697D9EC37";
        let send = SendMessage::new(PDU, 23).unwrap();
        assert_eq!(send.text(), "AT+CMGS=23");
        assert_eq!(send.payload().as_deref(), Some(PDU));
        assert_eq!(send.parse(&["+CMGS: 42".into()]), Ok(42));
        assert!(send.parse(&["+CMGS: 420".into()]).is_err());
        let write = WriteMessage::new(&PDU.to_ascii_lowercase(), 23).unwrap();
        assert_eq!(write.text(), "AT+CMGW=23");
        assert_eq!(write.payload().as_deref(), Some(PDU));
        assert_eq!(write.parse(&["+CMGW: 7".into()]), Ok(7));
        assert!(SendMessage::new(PDU, 22).is_err());
        assert!(SendMessage::new("00\u{1a}1", 1).is_err());
        assert!(SendMessage::new("001", 1).is_err());
        assert!(SendMessage::new("", 0).is_err());
        assert!(SendMessage::new("FF00", 0).is_err());
        assert!(SendMessage::new(&"00".repeat(200), 199).is_err());
    }
}
