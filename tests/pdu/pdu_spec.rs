//! Decoder test vectors written from the specifications (3GPP TS 23.040 and TS 23.038), not
//! from this crate's encoder.
//!
//! What it proves: for each feature of the SMS PDU format that a modem can hand over (GSM
//! 7-bit packing and its extension table, the national language shift tables, the user data
//! header and its fill bits, UCS2, 8-bit data, every TP-DCS group, every kind of address, time
//! stamps and their zones, SMS-STATUS-REPORT, SMS-SUBMIT with each TP-VPF, and the errors),
//! `Pdu::decode_hex` and the `decode --json` rendering (`JsonReport`) give the answer the
//! specification gives. One `#[test]` per feature, each citing its clause.
//!
//! Why it is independent: every PDU below was assembled outside the crate by a small script
//! that packs septets, writes swapped BCD and lays out the fields as the clauses describe; the
//! hex was pasted here with a comment that breaks it into its fields (SMSC | FO | OA | PID |
//! DCS | SCTS | UDL | UD ...). The expected national language characters come from the
//! TS 23.038 Annex A tables as reproduced by Android's `GsmAlphabet.java` and warthog618/sms,
//! not from `src/pdu/gsm7/national.rs`, so these tests cross-check that file. The script's
//! packer reproduces the TS 23.038 §6.1.2.1.1 example ("hellohello" = E8329BFD4697D9EC37).
//!
//! Conventions of the vectors: unless a test says otherwise the SMSC is +31624000000
//! (07911326040000F0), the sender +31641600986 (0B911346610089F6), TP-PID 00 and TP-SCTS
//! 2024-05-17 12:34:56 +02:00 (42507121436580). First octet 04 is SMS-DELIVER with TP-MMS set
//! (no more messages); 44 adds TP-UDHI.

use modempool::cli::pdu::JsonReport;
use modempool::pdu::dcs::MessageWaiting;
use modempool::pdu::{
    DecodeWarning, Deliver, Encoding, Message, MessageClass, Pdu, PduError, PduErrorKind,
    StatusClass, StatusReport, Submit, TypeOfNumber, Validity,
};
use serde_json::{Value, json};
use time::macros::datetime;

// ---- helpers ----------------------------------------------------------------------------

fn decode(hex: &str) -> Pdu {
    Pdu::decode_hex(hex).unwrap_or_else(|error| panic!("{hex} must decode: {error}"))
}

fn decode_error(hex: &str) -> PduError {
    match Pdu::decode_hex(hex) {
        Ok(pdu) => panic!("{hex} must be refused, decoded as {pdu:?}"),
        Err(error) => error,
    }
}

/// The `decode --json` object for one input.
fn json_of(hex: &str) -> Value {
    let decoded = Pdu::decode_hex(hex);
    serde_json::to_value(JsonReport::from(&decoded)).expect("the report serialises")
}

fn deliver(pdu: &Pdu) -> &Deliver {
    match &pdu.message {
        Message::Deliver(deliver) => deliver,
        other => panic!("expected an SMS-DELIVER, got {other:?}"),
    }
}

fn submit(pdu: &Pdu) -> &Submit {
    match &pdu.message {
        Message::Submit(submit) => submit,
        other => panic!("expected an SMS-SUBMIT, got {other:?}"),
    }
}

fn status_report(pdu: &Pdu) -> &StatusReport {
    match &pdu.message {
        Message::StatusReport(report) => report,
        other => panic!("expected an SMS-STATUS-REPORT, got {other:?}"),
    }
}

/// The text of an SMS-DELIVER, which must have decoded without any warning.
fn clean_text(hex: &str) -> String {
    let pdu = decode(hex);
    assert!(pdu.warnings.is_empty(), "{hex}: {:?}", pdu.warnings);
    deliver(&pdu).user_data.text.clone().expect("text")
}

/// The `warnings` array of a JSON report, as strings (empty when absent).
fn json_warnings(json: &Value) -> Vec<String> {
    json["warnings"]
        .as_array()
        .map(|warnings| {
            warnings
                .iter()
                .map(|warning| warning.as_str().expect("warning text").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

// ---- GSM 7-bit: TS 23.038 §6.1.2.1.1 packing, §6.2.1 alphabet, §6.2.1.1 extension ---------

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 16 | UD E14D79C3DBF836A84D6AD3DBBC36940D70A3D003
const EXTENSION_TABLE: &str = concat!(
    "07911326040000F0040B911346610089F600004250712143658016E14D79C3DBF836A84D6AD3DBBC",
    "36940D70A3D003",
);

// TS 23.038 §6.2.1.1: each of the ten extension characters is ESC (0x1B) plus its septet
// (€ 65, [ 3C, ] 3E, { 28, } 29, ~ 3D, \ 2F, ^ 14, | 40, form feed 0A).
#[test]
fn gsm7_every_extension_table_character_is_escape_plus_septet() {
    assert_eq!(clean_text(EXTENSION_TABLE), "a€[]{}~\\^|\u{000C}z");
    assert_eq!(
        json_of(EXTENSION_TABLE),
        json!({
            "kind": "deliver",
            "smsc": "+31624000000",
            "sender": "+31641600986",
            "sender_type": "international",
            "timestamp": "2024-05-17T12:34:56+02:00",
            "encoding": "gsm7",
            "dcs": 0,
            "text": "a€[]{}~\\^|\u{000C}z",
            "concat": null,
        })
    );
}

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL A0 | UD B0986C46ABD96EB8..(140 octets)
// 160 septets = 1120 bits = exactly 140 octets
const SEPTETS_160: &str = concat!(
    "07911326040000F0040B911346610089F6000042507121436580A0B0986C46ABD96EB85C50382416",
    "8D476452B964369D4F68543AA556AD576C561B168FC965F3199D56AFD96DF71B1E97CFE975FB1D9F",
    "D7C362B219AD66BBE17241E19058341E9149E592D9743EA151E9945AB55EB1596D583C2697CD6774",
    "5ABD66B7DD6F785C3EA7D7ED777C5E0F8BC966B49AED86CB05854362D1784426954B66D3F98446A5",
    "536AD57AC56643",
);

// TS 23.040 §9.2.3.16 (TP-UDL counts septets, at most 160) and TS 23.038 §6.1.2.1.1: 160
// septets fill 140 octets exactly, the last septet ending on the last bit of the last octet.
#[test]
fn gsm7_160_septets_end_exactly_on_the_last_octet() {
    assert_eq!(
        SEPTETS_160.len() / 2,
        8 + 19 + 140,
        "SMSC, header fields, 140 UD octets"
    );
    let mut expected: String = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        .repeat(3)
        .chars()
        .take(159)
        .collect();
    expected.push('!');
    let text = clean_text(SEPTETS_160);
    assert_eq!(text.chars().count(), 160);
    assert_eq!(text, expected);
}

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 09 | UD 4F2A141493CD6835
// 8k+1 = 9 septets = 63 bits in 8 octets: 1 spare bit
const SEPTETS_9: &str = "07911326040000F0040B911346610089F6000042507121436580094F2A141493CD6835";

// TS 23.038 §6.1.2.1.1: 8k+1 septets leave the last septet alone in the last octet (one spare
// bit above it); TP-UDL (§9.2.3.16), not the octet count, says where the text ends.
#[test]
fn gsm7_8k_plus_1_septets_last_septet_alone_in_last_octet() {
    assert_eq!(clean_text(SEPTETS_9), "OTP 12345");
}

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 0F | UD C337B9AC03C564335ACD067AAF01
// 8k+7 = 15 septets = 105 bits in 14 octets: 7 spare (zero) bits, not an '@'
const SEPTETS_15: &str = concat!(
    "07911326040000F0040B911346610089F60000425071214365800FC337B9AC03C564335ACD067AAF",
    "01",
);

// TS 23.038 §6.1.2.1.1 / §6.1.2.3.1: 8k+7 septets leave 7 spare zero bits at the end, which a
// reader that ignored TP-UDL would take for a trailing '@' (septet 0x00). TS 23.040
// §9.2.3.16: TP-UDL says 15 septets, so there is no 16th character.
#[test]
fn gsm7_8k_plus_7_septets_seven_spare_bits_are_not_an_at_sign() {
    assert_eq!(clean_text(SEPTETS_15), "Code: 123456 ok");
}

// ---- National language shift tables: TS 23.038 Annex A, TS 23.040 §9.2.3.24.15/.16 ------

// SMSC 07911326040000F0 | FO 44 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 18 | UD 062401012501010C..(21 octets)
// UDH single shift 1 + locking shift 1 (Turkish); 7 header octets, 0 fill
const TURKISH: &str = concat!(
    "07911326040000F0440B911346610089F600004250712143658018062401012501010C7FE7C00783",
    "36C9C5660ADA9409",
);

// TS 23.040 §9.2.3.24.15 (IEI 24, single shift) and §9.2.3.24.16 (IEI 25, locking shift) with
// language 1 (TS 23.038 §6.2.1.2.4). Locking table A.3.1: ğ 0C, ü 7E, ş 1D, ı 07, ö 7C, ç 60,
// Ğ 0B, € 04. Single shift table A.2.1: İ 49, Ş 53, € 65 (after ESC).
#[test]
fn turkish_locking_and_single_shift() {
    let pdu = decode(TURKISH);
    assert!(pdu.warnings.is_empty(), "{:?}", pdu.warnings);
    let user_data = &deliver(&pdu).user_data;
    let header = user_data.header.as_ref().expect("UDH");
    assert_eq!(
        (header.single_shift, header.locking_shift),
        (Some(1), Some(1))
    );
    assert_eq!(user_data.text.as_deref(), Some("ğüşıöç İĞŞ €€"));
}

// SMSC 07911326040000F0 | FO 44 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 1F | UD 03240102D824409B..(28 octets)
// UDH single shift 2 (Spanish); 4 header octets, 3 fill bits
const SPANISH: &str = concat!(
    "07911326040000F0440B911346610089F60000425071214365801F03240102D824409B206893046D",
    "9EA04D15B409833669D0E60DDAD401",
);

// TS 23.038 A.2.2 (Spanish single shift; A.3.2 is void, so the base table stays the default
// one): ç 09, Á 41, Í 49, Ó 4F, Ú 55, á 61, í 69, ó 6F, ú 75, each after ESC.
#[test]
fn spanish_single_shift_only() {
    let pdu = decode(SPANISH);
    assert!(pdu.warnings.is_empty(), "{:?}", pdu.warnings);
    let user_data = &deliver(&pdu).user_data;
    let header = user_data.header.as_ref().expect("UDH");
    assert_eq!((header.single_shift, header.locking_shift), (Some(2), None));
    assert_eq!(user_data.text.as_deref(), Some("ç Á Í Ó Ú á í ó ú"));
}

// SMSC 07911326040000F0 | FO 44 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 17 | UD 0625010324010389..(21 octets)
// UDH locking shift 3 + single shift 3 (Portuguese)
const PORTUGUESE: &str = concat!(
    "07911326040000F0440B911346610089F6000042507121436580170625010324010389FD1BB4E582",
    "08A04D6583DAA400",
);

// TS 23.038 A.3.3 (Portuguese locking): ç 09, ã 7B, Ã 5B, Õ 5C, ê 04; A.2.3 (Portuguese
// single shift): Ω 15, { 28, } 29 after ESC. Language id 3.
#[test]
fn portuguese_locking_and_single_shift() {
    let pdu = decode(PORTUGUESE);
    assert!(pdu.warnings.is_empty(), "{:?}", pdu.warnings);
    let user_data = &deliver(&pdu).user_data;
    let header = user_data.header.as_ref().expect("UDH");
    assert_eq!(
        (header.single_shift, header.locking_shift),
        (Some(3), Some(3))
    );
    assert_eq!(user_data.text.as_deref(), Some("ção ÃÕ ê Ω{}"));
}

// SMSC 07911326040000F0 | FO 44 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 0E | UD 03250106780999DF5316149301
// UDH locking shift 6 (Hindi)
const HINDI: &str =
    "07911326040000F0440B911346610089F60000425071214365800E03250106780999DF5316149301";

// TS 23.038 A.3.6 (Hindi locking, language id 6): न 2F (U+0928), म 42 (U+092E), स 4C
// (U+0938), virama 5F (U+094D), त 27 (U+0924), vowel sign e 59 (U+0947); digits stay at 30..39.
#[test]
fn hindi_locking_shift() {
    // "नमस्ते 12"
    let expected = "\u{0928}\u{092E}\u{0938}\u{094D}\u{0924}\u{0947} 12";
    assert_eq!(clean_text(HINDI), expected);
}

// SMSC 07911326040000F0 | FO 44 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 0A | UD 032501634096D9EC37
// UDH locking shift to reserved language id 0x63
const RESERVED_LANGUAGE: &str =
    "07911326040000F0440B911346610089F60000425071214365800A032501634096D9EC37";

// TS 23.038 §6.2.1.2.4: ids above 13 are reserved; Annex C.3: a receiver without the table
// ignores the shift element and decodes with the default alphabet, so the text still reads
// (here with a warning).
#[test]
fn reserved_language_id_keeps_the_default_table_with_a_warning() {
    let pdu = decode(RESERVED_LANGUAGE);
    assert_eq!(deliver(&pdu).user_data.text.as_deref(), Some("Hello"));
    assert_eq!(
        pdu.warnings,
        vec![DecodeWarning::UnknownLanguage { id: 0x63 }]
    );
    let json = json_of(RESERVED_LANGUAGE);
    assert_eq!(json["text"], "Hello");
    assert_eq!(json_warnings(&json).len(), 1, "{json}");
}

// SMSC 07911326040000F0 | FO 44 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 84 | UD 0325010100040403..(116 octets)
// UDH locking shift 1; text: every septet 00..7F except 1B, in order
const TABLE_TR_LOCK: &str = concat!(
    "07911326040000F0440B911346610089F600004250712143658084032501010004040342C1704024",
    "140B46C3F1804424134AC572C164349C8EE7030A8946A492E9844AA956AC96EB058BC966B49AED86",
    "CBE976BC9EEF070C0A87C4A2F1884C2A97CCA6F3098D4AA7D4AAF58ACD6AB7DCAEF70B0E8BC7E4B2",
    "F98C4EABD7ECB6FB0D8FCBE7F4BAFD8ECFEBF7FCBEFF0F",
);

// The text of TABLE_TR_LOCK, from the Annex A table as Android reproduces it.
const TABLE_TR_LOCK_TEXT: &str = concat!(
    "@\u{00A3}$\u{00A5}\u{20AC}\u{00E9}\u{00F9}\u{0131}\u{00F2}\u{00C7}\u{000A}",
    "\u{011E}\u{011F}\u{000D}\u{00C5}\u{00E5}\u{0394}_\u{03A6}\u{0393}\u{039B}",
    "\u{03A9}\u{03A0}\u{03A8}\u{03A3}\u{0398}\u{039E}\u{015E}\u{015F}\u{00DF}",
    "\u{00C9} !\"#\u{00A4}%&'()*+,-./0123456789:;<=>?\u{0130}ABCDEFGHIJKLMNOPQRST",
    "UVWXYZ\u{00C4}\u{00D6}\u{00D1}\u{00DC}\u{00A7}\u{00E7}abcdefghijklmnopqrstuv",
    "wxyz\u{00E4}\u{00F6}\u{00F1}\u{00FC}\u{00E0}",
);

// SMSC 07911326040000F0 | FO 44 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 84 | UD 0325010300040403..(116 octets)
// UDH locking shift 3; text: every septet 00..7F except 1B, in order
const TABLE_PT_LOCK: &str = concat!(
    "07911326040000F0440B911346610089F600004250712143658084032501030004040342C1704024",
    "140B46C3F1804424134AC572C164349C8EE7030A8946A492E9844AA956AC96EB058BC966B49AED86",
    "CBE976BC9EEF070C0A87C4A2F1884C2A97CCA6F3098D4AA7D4AAF58ACD6AB7DCAEF70B0E8BC7E4B2",
    "F98C4EABD7ECB6FB0D8FCBE7F4BAFD8ECFEBF7FCBEFF0F",
);

// The text of TABLE_PT_LOCK, from the Annex A table as Android reproduces it.
const TABLE_PT_LOCK_TEXT: &str = concat!(
    "@\u{00A3}$\u{00A5}\u{00EA}\u{00E9}\u{00FA}\u{00ED}\u{00F3}\u{00E7}\u{000A}",
    "\u{00D4}\u{00F4}\u{000D}\u{00C1}\u{00E1}\u{0394}_\u{00AA}\u{00C7}\u{00C0}",
    "\u{221E}^\\\u{20AC}\u{00D3}|\u{00C2}\u{00E2}\u{00CA}\u{00C9} !\"#\u{00BA}%&'",
    "()*+,-./0123456789:;<=>?\u{00CD}ABCDEFGHIJKLMNOPQRSTUVWXYZ\u{00C3}\u{00D5}",
    "\u{00DA}\u{00DC}\u{00A7}~abcdefghijklmnopqrstuvwxyz\u{00E3}\u{00F5}`\u{00FC}",
    "\u{00E0}",
);

// SMSC 07911326040000F0 | FO 44 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 84 | UD 0325010600040403..(116 octets)
// UDH locking shift 6; text: every septet 00..7F except 1B, in order
const TABLE_HI_LOCK: &str = concat!(
    "07911326040000F0440B911346610089F600004250712143658084032501060004040342C1704024",
    "140B46C3F1804424134AC572C164349C8EE7030A8946A492E9844AA956AC96EB058BC966B49AED86",
    "CBE976BC9EEF070C0A87C4A2F1884C2A97CCA6F3098D4AA7D4AAF58ACD6AB7DCAEF70B0E8BC7E4B2",
    "F98C4EABD7ECB6FB0D8FCBE7F4BAFD8ECFEBF7FCBEFF0F",
);

// The text of TABLE_HI_LOCK, from the Annex A table as Android reproduces it.
const TABLE_HI_LOCK_TEXT: &str = concat!(
    "\u{0901}\u{0902}\u{0903}\u{0905}\u{0906}\u{0907}\u{0908}\u{0909}\u{090A}",
    "\u{090B}\u{000A}\u{090C}\u{090D}\u{000D}\u{090E}\u{090F}\u{0910}\u{0911}",
    "\u{0912}\u{0913}\u{0914}\u{0915}\u{0916}\u{0917}\u{0918}\u{0919}\u{091A}",
    "\u{091B}\u{091C}\u{091D}\u{091E} !\u{091F}\u{0920}\u{0921}\u{0922}\u{0923}",
    "\u{0924})(\u{0925}\u{0926},\u{0927}.\u{0928}0123456789:;\u{0929}\u{092A}",
    "\u{092B}?\u{092C}\u{092D}\u{092E}\u{092F}\u{0930}\u{0931}\u{0932}\u{0933}",
    "\u{0934}\u{0935}\u{0936}\u{0937}\u{0938}\u{0939}\u{093C}\u{093D}\u{093E}",
    "\u{093F}\u{0940}\u{0941}\u{0942}\u{0943}\u{0944}\u{0945}\u{0946}\u{0947}",
    "\u{0948}\u{0949}\u{094A}\u{094B}\u{094C}\u{094D}\u{0950}abcdefghijklmnopqrst",
    "uvwxyz\u{0972}\u{097B}\u{097C}\u{097E}\u{097F}",
);

// TS 23.038 A.3.1 (Turkish), A.3.3 (Portuguese), A.3.6 (Hindi): every position of the locking
// shift table, 00..7F except the escape 1B, in one message each.
#[test]
fn locking_shift_tables_turkish_portuguese_hindi_every_position() {
    for (name, hex, expected) in [
        ("turkish", TABLE_TR_LOCK, TABLE_TR_LOCK_TEXT),
        ("portuguese", TABLE_PT_LOCK, TABLE_PT_LOCK_TEXT),
        ("hindi", TABLE_HI_LOCK, TABLE_HI_LOCK_TEXT),
    ] {
        let pdu = decode(hex);
        assert!(pdu.warnings.is_empty(), "{name}: {:?}", pdu.warnings);
        let text = deliver(&pdu).user_data.text.clone().unwrap();
        let wrong: Vec<String> = text
            .chars()
            .zip(expected.chars())
            .enumerate()
            .filter(|(_, (got, want))| got != want)
            .map(|(index, (got, want))| {
                let septet = if index < 0x1B { index } else { index + 1 };
                format!("{septet:02X}: {got:?} instead of {want:?}")
            })
            .collect();
        assert!(wrong.is_empty(), "{name}: {wrong:?}");
        assert_eq!(text, expected, "{name}");
    }
}

// SMSC 07911326040000F0 | FO 44 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 27 | UD 03240101D8283694..(35 octets)
// UDH single shift 1; text: ESC + each position the table defines, 0A..73
const TABLE_TR_SINGLE: &str = concat!(
    "07911326040000F0440B911346610089F60000425071214365802703240101D82836940D6A93DABC",
    "36BC4D6FE3DB0037C74D7233DD8C37E5CD7993DECC01",
);

// The text of TABLE_TR_SINGLE, from the Annex A table as Android reproduces it.
const TABLE_TR_SINGLE_TEXT: &str = concat!(
    "\u{000C}^{}\\[~]|\u{011E}\u{0130}\u{015E}\u{00E7}\u{20AC}\u{011F}\u{0131}",
    "\u{015F}",
);

// SMSC 07911326040000F0 | FO 44 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 2B | UD 03240102D824368A..(38 octets)
// UDH single shift 2; text: ESC + each position the table defines, 09..75
const TABLE_ES_SINGLE: &str = concat!(
    "07911326040000F0440B911346610089F60000425071214365802B03240102D824368A0D6583DAA4",
    "36AF0D6FD3DBF836C04D7093DC3C37D54D7853DEA437EF4D1D",
);

// The text of TABLE_ES_SINGLE, from the Annex A table as Android reproduces it.
const TABLE_ES_SINGLE_TEXT: &str = concat!(
    "\u{00E7}\u{000C}^{}\\[~]|\u{00C1}\u{00CD}\u{00D3}\u{00DA}\u{00E1}\u{20AC}",
    "\u{00ED}\u{00F3}\u{00FA}",
);

// SMSC 07911326040000F0 | FO 44 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 4F | UD 03240103D8143689..(70 octets)
// UDH single shift 3; text: ESC + each position the table defines, 05..7F
const TABLE_PT_SINGLE: &str = concat!(
    "07911326040000F0440B911346610089F60000425071214365804F03240103D81436898D62B3D830",
    "368ECD6323D94C36944D6563D95C36984D66F3D9A036A9CD6BC3DBF436BE0D7013DC2437CF4D75B3",
    "DD7037E14D7993DEBC37F5CD7EC3DFFC01",
);

// The text of TABLE_PT_SINGLE, from the Annex A table as Android reproduces it.
const TABLE_PT_SINGLE_TEXT: &str = concat!(
    "\u{00EA}\u{00E7}\u{000C}\u{00D4}\u{00F4}\u{00C1}\u{00E1}\u{03A6}\u{0393}^",
    "\u{03A9}\u{03A0}\u{03A8}\u{03A3}\u{0398}\u{00CA}{}\\[~]|\u{00C0}\u{00CD}",
    "\u{00D3}\u{00DA}\u{00C3}\u{00D5}\u{00C2}\u{20AC}\u{00ED}\u{00F3}\u{00FA}",
    "\u{00E3}\u{00F5}\u{00E2}",
);

// SMSC 07911326040000F0 | FO 44 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 5D | UD 03240106D8003681..(82 octets)
// UDH single shift 6; text: ESC + each position the table defines, 00..2D
const TABLE_HI_SINGLE_1: &str = concat!(
    "07911326040000F0440B911346610089F60000425071214365805D03240106D80036818D6033D810",
    "36858D6173D82036898D62B3D830368ECD6303D9443692CD6443D9543696CD6583D964369A0D67D3",
    "D978369F0D6813DA8836A30D6953DA9836A70D6A93DAA836AB0D6BD302",
);

// The text of TABLE_HI_SINGLE_1, from the Annex A table as Android reproduces it.
const TABLE_HI_SINGLE_1_TEXT: &str = concat!(
    "@\u{00A3}$\u{00A5}\u{00BF}\"\u{00A4}%&'\u{000C}*+-/<=>\u{00A1}^\u{00A1}_#*",
    "\u{0964}\u{0965}\u{0966}\u{0967}\u{0968}\u{0969}\u{096A}\u{096B}\u{096C}",
    "\u{096D}\u{096E}\u{096F}\u{0951}\u{0952}{}\u{0953}\u{0954}\u{0958}\u{0959}",
);

// SMSC 07911326040000F0 | FO 44 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 5D | UD 03240106D8B836AF..(82 octets)
// UDH single shift 6; text: ESC + each position the table defines, 2E..65
const TABLE_HI_SINGLE_2: &str = concat!(
    "07911326040000F0440B911346610089F60000425071214365805D03240106D8B836AF0D6C13DBC8",
    "36B30D6D53DBD836B70D6E93DBE836BC4D6FE3DB0037C18D7033DC1037C58D7173DC2037C98D72B3",
    "DC3037CD8D73F3DC4037D18D7433DD5037D58D7573DD6037D98D765306",
);

// The text of TABLE_HI_SINGLE_2, from the Annex A table as Android reproduces it.
const TABLE_HI_SINGLE_2_TEXT: &str = concat!(
    "\u{095A}\\\u{095B}\u{095C}\u{095D}\u{095E}\u{095F}\u{0960}\u{0961}\u{0962}",
    "\u{0963}\u{0970}\u{0971}[~]|ABCDEFGHIJKLMNOPQRSTUVWXYZ\u{20AC}",
);

// TS 23.038 A.2.1 (Turkish), A.2.2 (Spanish), A.2.3 (Portuguese), A.2.6 (Hindi): ESC plus
// every position the single shift table defines (Hindi in two messages: 88 characters take
// 176 septets).
#[test]
fn single_shift_tables_turkish_spanish_portuguese_hindi_every_defined_position() {
    for (name, hex, expected) in [
        ("turkish", TABLE_TR_SINGLE, TABLE_TR_SINGLE_TEXT),
        ("spanish", TABLE_ES_SINGLE, TABLE_ES_SINGLE_TEXT),
        ("portuguese", TABLE_PT_SINGLE, TABLE_PT_SINGLE_TEXT),
        ("hindi 1/2", TABLE_HI_SINGLE_1, TABLE_HI_SINGLE_1_TEXT),
        ("hindi 2/2", TABLE_HI_SINGLE_2, TABLE_HI_SINGLE_2_TEXT),
    ] {
        let pdu = decode(hex);
        assert!(pdu.warnings.is_empty(), "{name}: {:?}", pdu.warnings);
        let text = deliver(&pdu).user_data.text.clone().unwrap();
        assert_eq!(text, expected, "{name}");
    }
}

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 04 | UD C14D5008
// 'A', ESC 41 (undefined in the extension table), 'B'
const ESC_UNDEFINED_DEFAULT: &str =
    "07911326040000F0040B911346610089F600004250712143658004C14D5008";

// SMSC 07911326040000F0 | FO 44 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 0C | UD 062401012501019BC5E608
// Turkish single + locking: ESC 0B (undefined in A.2.1), ESC 47 (Ğ in A.2.1)
const ESC_UNDEFINED_TURKISH: &str =
    "07911326040000F0440B911346610089F60000425071214365800C062401012501019BC5E608";

// TS 23.038 §6.2.1.1 and §6.2.1.2.3: for ESC followed by a position the extension (or single
// shift) table leaves empty, the receiver shows the character of the base table in force, the
// default alphabet or the locking shift table.
#[test]
fn escape_to_an_undefined_extension_position_shows_the_base_character() {
    let pdu = decode(ESC_UNDEFINED_DEFAULT);
    assert_eq!(deliver(&pdu).user_data.text.as_deref(), Some("AAB"));
    let pdu = decode(ESC_UNDEFINED_TURKISH);
    assert_eq!(deliver(&pdu).user_data.text.as_deref(), Some("ĞĞ"));
}

// ---- User data header: TS 23.040 §9.2.3.24 -----------------------------------------------

// SMSC 07911326040000F0 | FO 44 | OA 0B911346610089F6 | PID 00 | DCS 08 | SCTS 42507121436580 |
// UDL 0A | UD 050003A7030200480069
// UDH IEI 00 len 3: ref 0xA7, 3 parts, part 2
const CONCAT_8BIT: &str =
    "07911326040000F0440B911346610089F60008425071214365800A050003A7030200480069";

// TS 23.040 §9.2.3.24.1: concatenation with an 8-bit reference.
#[test]
fn udh_concatenation_8bit_reference() {
    let pdu = decode(CONCAT_8BIT);
    let concat = deliver(&pdu)
        .user_data
        .header
        .as_ref()
        .unwrap()
        .concatenation
        .unwrap();
    assert!(!concat.sixteen_bit_reference);
    let json = json_of(CONCAT_8BIT);
    assert_eq!(json["concat"], json!({"ref": 0xA7, "total": 3, "seq": 2}));
    assert_eq!(json["text"], "Hi");
    assert_eq!(json["encoding"], "ucs2");
}

// SMSC 07911326040000F0 | FO 44 | OA 0B911346610089F6 | PID 00 | DCS 08 | SCTS 42507121436580 |
// UDL 0B | UD 060804BEEF050400480069
// UDH IEI 08 len 4: ref 0xBEEF, 5 parts, part 4
const CONCAT_16BIT: &str =
    "07911326040000F0440B911346610089F60008425071214365800B060804BEEF050400480069";

// TS 23.040 §9.2.3.24.8: concatenation with a 16-bit reference.
#[test]
fn udh_concatenation_16bit_reference() {
    let pdu = decode(CONCAT_16BIT);
    let concat = deliver(&pdu)
        .user_data
        .header
        .as_ref()
        .unwrap()
        .concatenation
        .unwrap();
    assert!(concat.sixteen_bit_reference);
    let json = json_of(CONCAT_16BIT);
    assert_eq!(json["concat"], json!({"ref": 0xBEEF, "total": 5, "seq": 4}));
    assert_eq!(json["text"], "Hi");
}

// SMSC 07911326040000F0 | FO 44 | OA 0B911346610089F6 | PID 00 | DCS 04 | SCTS 42507121436580 |
// UDL 08 | UD 040402F5F6000102
// UDH IEI 04 len 2: dst 245, src 246
const PORTS_8BIT: &str = "07911326040000F0440B911346610089F600044250712143658008040402F5F6000102";

// TS 23.040 §9.2.3.24.3: application port addressing, 8-bit ports.
#[test]
fn udh_application_ports_8bit() {
    let json = json_of(PORTS_8BIT);
    assert_eq!(json["ports"], json!({"dst": 245, "src": 246}));
    assert_eq!(json["data_hex"], "000102");
    assert_eq!(json["text"], Value::Null);
}

// SMSC 07911326040000F0 | FO 44 | OA 0B911346610089F6 | PID 00 | DCS 04 | SCTS 42507121436580 |
// UDL 0D | UD 0605040B8423F0010603AE81EA
// UDH IEI 05 len 4: dst 2948 (WAP push), src 9200
const PORTS_16BIT: &str =
    "07911326040000F0440B911346610089F60004425071214365800D0605040B8423F0010603AE81EA";

// TS 23.040 §9.2.3.24.4: application port addressing, 16-bit ports (WAP push 2948 from 9200).
#[test]
fn udh_application_ports_16bit() {
    let json = json_of(PORTS_16BIT);
    assert_eq!(json["ports"], json!({"dst": 2948, "src": 9200}));
    assert_eq!(json["data_hex"], "010603ae81ea");
    assert_eq!(json["concat"], Value::Null);
}

// SMSC 07911326040000F0 | FO 44 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 13 | UD 097002AABB0003120201305DA7E1A0341D
// UDH IEI 70 len 2 (unknown), then IEI 00: ref 0x12, 2 parts, part 1; 10 header octets = 80 bits,
// 4 fill bits
const UNKNOWN_IE: &str = concat!(
    "07911326040000F0440B911346610089F600004250712143658013097002AABB0003120201305DA7",
    "E1A0341D",
);

// TS 23.040 §9.2.3.24: a receiver skips an information element it does not know (IEI 70 is
// reserved) by its length and reads the rest; the 10-octet header then takes 12 septets.
#[test]
fn udh_unknown_element_before_concatenation_is_skipped() {
    let pdu = decode(UNKNOWN_IE);
    assert!(pdu.warnings.is_empty(), "{:?}", pdu.warnings);
    let header = deliver(&pdu).user_data.header.clone().unwrap();
    assert_eq!(header.other_elements, vec![0x70]);
    let json = json_of(UNKNOWN_IE);
    assert_eq!(json["concat"], json!({"ref": 0x12, "total": 2, "seq": 1}));
    assert_eq!(json["text"], "Skip it");
}

// SMSC 07911326040000F0 | FO 44 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 0F | UD 0500030102018C69361BF4769701
// 6 header octets = 48 bits, 1 fill bit, text at septet 7
const FILL_1: &str = concat!(
    "07911326040000F0440B911346610089F60000425071214365800F0500030102018C69361BF47697",
    "01",
);

// TS 23.040 §9.2.3.24 (fill bits) / TS 23.038 §6.1.2.1.1: a 6-octet header (48 bits) is padded
// with 1 fill bit to 7 septets; the text starts at septet 7.
#[test]
fn gsm7_one_fill_bit_after_a_six_octet_header() {
    assert_eq!(clean_text(FILL_1), "Fill one");
}

// SMSC 07911326040000F0 | FO 44 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 11 | UD 06080401020201C6349B0D72BFDD65
// 7 header octets = 56 bits = 8 septets, no fill bit
const FILL_0: &str = concat!(
    "07911326040000F0440B911346610089F60000425071214365801106080401020201C6349B0D72BF",
    "DD65",
);

// TS 23.040 §9.2.3.24: a 7-octet header (56 bits) is exactly 8 septets: no fill bit.
#[test]
fn gsm7_no_fill_bit_after_a_seven_octet_header() {
    assert_eq!(clean_text(FILL_0), "Fill none");
}

// SMSC 07911326040000F0 | FO 44 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 15 | UD 0B000333020205040B8423F050EF6F50B23807
// IEI 00 (ref 0x33, 2/2) + IEI 05 (2948/9200): 12 header octets = 96 bits, 2 fill bits
const FILL_TWO_IES: &str = concat!(
    "07911326040000F0440B911346610089F6000042507121436580150B000333020205040B8423F050",
    "EF6F50B23807",
);

// TS 23.040 §9.2.3.24: the fill bits pad the whole header, whatever elements it holds: two
// elements make 12 octets (96 bits), 2 fill bits, text at septet 14.
#[test]
fn gsm7_fill_bits_after_a_header_with_two_elements() {
    assert_eq!(clean_text(FILL_TWO_IES), "Two IEs");
    let json = json_of(FILL_TWO_IES);
    assert_eq!(json["concat"], json!({"ref": 0x33, "total": 2, "seq": 2}));
    assert_eq!(json["ports"], json!({"dst": 2948, "src": 9200}));
}

// SMSC 07911326040000F0 | FO 44 | OA 0B911346610089F6 | PID 00 | DCS 04 | SCTS 42507121436580 |
// UDL 09 | UD 050004010201414243
// UDHL 5, IEI 00 len 4: the element runs one octet past the header
const IE_PAST_UDHL: &str =
    "07911326040000F0440B911346610089F600044250712143658009050004010201414243";

// TS 23.040 §9.2.3.24: each element must fit in TP-UDHL; one that runs past it is malformed.
#[test]
fn udh_element_running_past_udhl_is_an_error_about_the_header() {
    let error = decode_error(IE_PAST_UDHL);
    assert!(
        matches!(error.kind, PduErrorKind::MalformedHeader(_)),
        "{error:?}"
    );
    assert!(error.to_string().contains("TP-UDH"), "{error}");
    assert!(error.offset <= IE_PAST_UDHL.len() / 2, "{error}");
}

// SMSC 07911326040000F0 | FO 44 | OA 0B911346610089F6 | PID 00 | DCS 04 | SCTS 42507121436580 |
// UDL 04 | UD 0A000301
// UDL 4, UDHL 10: the header is longer than the user data
const UDHL_PAST_UD: &str = "07911326040000F0440B911346610089F6000442507121436580040A000301";

// TS 23.040 §9.2.3.24: TP-UDHL counts octets inside TP-UD; a header longer than the user data
// cannot be read.
#[test]
fn udhl_larger_than_the_user_data_is_an_error() {
    let error = decode_error(UDHL_PAST_UD);
    assert!(
        matches!(error.kind, PduErrorKind::MalformedHeader(_)),
        "{error:?}"
    );
    assert!(error.to_string().contains("TP-UDH"), "{error}");
    assert_eq!(json_of(UDHL_PAST_UD)["kind"], "invalid");
}

// ---- UCS2: TS 23.038 §6.2.3 -----------------------------------------------------------

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 08 | SCTS 42507121436580 |
// UDL 14 | UD 041F04400438043204350442002C00204E16754C
const UCS2_BMP: &str = concat!(
    "07911326040000F0040B911346610089F600084250712143658014041F0440043804320435044200",
    "2C00204E16754C",
);

// TS 23.038 §6.2.3: UCS2, two octets per character, big-endian.
#[test]
fn ucs2_bmp_text() {
    let json = json_of(UCS2_BMP);
    assert_eq!(json["encoding"], "ucs2");
    assert_eq!(json["text"], "Привет, 世界");
    assert!(json_warnings(&json).is_empty(), "{json}");
}

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 08 | SCTS 42507121436580 |
// UDL 0E | UD 0043006F006400650020D83DDE00
const UCS2_EMOJI: &str = concat!(
    "07911326040000F0040B911346610089F60008425071214365800E0043006F006400650020D83DDE",
    "00",
);

// TS 23.038 §6.2.3 (UCS2 carried as UTF-16 in practice): an emoji is a surrogate pair
// D83D DE00 and must come out as one character.
#[test]
fn ucs2_surrogate_pair_is_one_emoji() {
    assert_eq!(clean_text(UCS2_EMOJI), "Code 😀");
}

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 08 | SCTS 42507121436580 |
// UDL 04 | UD D83D0041
// D83D (high surrogate) then 0041 'A'
const UCS2_UNPAIRED: &str = "07911326040000F0040B911346610089F600084250712143658004D83D0041";

// TS 23.038 §6.2.3: a high surrogate not followed by a low one is damage, shown as U+FFFD with
// a warning; the message is still delivered.
#[test]
fn ucs2_unpaired_high_surrogate_is_replaced_with_a_warning() {
    let pdu = decode(UCS2_UNPAIRED);
    assert_eq!(deliver(&pdu).user_data.text.as_deref(), Some("\u{FFFD}A"));
    assert_eq!(pdu.warnings, vec![DecodeWarning::DamagedUcs2]);
    assert_eq!(json_warnings(&json_of(UCS2_UNPAIRED)).len(), 1);
}

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 08 | SCTS 42507121436580 |
// UDL 05 | UD 0041004200
// 5 octets: 'A', 'B', and one stray octet
const UCS2_ODD: &str = "07911326040000F0040B911346610089F6000842507121436580050041004200";

// TS 23.038 §6.2.3: UCS2 characters are two octets; an odd TP-UDL leaves a stray octet. The
// whole characters are kept and the damage is a warning.
#[test]
fn ucs2_odd_octet_count_keeps_whole_characters_with_a_warning() {
    let pdu = decode(UCS2_ODD);
    let text = deliver(&pdu).user_data.text.clone().unwrap();
    assert!(text.starts_with("AB"), "{text:?}");
    assert_eq!(pdu.warnings, vec![DecodeWarning::DamagedUcs2]);
}

// ---- 8-bit data: TS 23.038 §4 (alphabet 01) ----------------------------------------------

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 04 | SCTS 42507121436580 |
// UDL 06 | UD 436166E920BD
const EIGHT_BIT_TEXT: &str = "07911326040000F0040B911346610089F600044250712143658006436166E920BD";

// TS 23.038 §4: 8-bit data is user defined; printable octets are shown as Latin-1 text.
#[test]
fn eight_bit_text_like_data_reads_as_latin1() {
    let json = json_of(EIGHT_BIT_TEXT);
    assert_eq!(json["encoding"], "8bit");
    assert_eq!(json["text"], "Café ½");
    assert_eq!(json["data_hex"], "436166e920bd");
}

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 04 | SCTS 42507121436580 |
// UDL 06 | UD 0001FF7F80AB
const EIGHT_BIT_BINARY: &str = "07911326040000F0040B911346610089F6000442507121436580060001FF7F80AB";

// TS 23.038 §4: binary 8-bit data has no text; the octets are given as lower-case hex.
#[test]
fn eight_bit_binary_data_has_null_text_and_lower_case_hex() {
    let json = json_of(EIGHT_BIT_BINARY);
    assert_eq!(json["text"], Value::Null);
    assert_eq!(json["data_hex"], "0001ff7f80ab");
}

// ---- TP-DCS: TS 23.038 §4 ---------------------------------------------------------------

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 10 | SCTS 42507121436580 |
// UDL 05 | UD 4676788E06
const DCS_CLASS0: &str = "07911326040000F0040B911346610089F6001042507121436580054676788E06";

// TS 23.038 §4, general data coding 00x1: bit 4 set, bits 1..0 = 00: class 0 (flash).
#[test]
fn dcs_0x10_is_class_0_flash() {
    let pdu = decode(DCS_CLASS0);
    let deliver = deliver(&pdu);
    assert_eq!(deliver.coding.class, Some(MessageClass::Class0));
    assert_eq!(deliver.coding.encoding, Encoding::Gsm7);
    assert_eq!(deliver.user_data.text.as_deref(), Some("Flash"));
    // `pdu decode --json` says so, with the octet.
    let json = json_of(DCS_CLASS0);
    assert_eq!((&json["dcs"], &json["class"]), (&json!(16), &json!(0)));
}

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 12 | SCTS 42507121436580 |
// UDL 03 | UD D36413
const DCS_CLASS2: &str = "07911326040000F0040B911346610089F600124250712143658003D36413";

// TS 23.038 §4, general data coding: bits 1..0 = 10: class 2 (SIM specific).
#[test]
fn dcs_0x12_is_class_2_sim() {
    let pdu = decode(DCS_CLASS2);
    let deliver = deliver(&pdu);
    assert_eq!(deliver.coding.class, Some(MessageClass::Class2));
    assert_eq!(deliver.user_data.text.as_deref(), Some("SIM"));
    let json = json_of(DCS_CLASS2);
    assert_eq!((&json["dcs"], &json["class"]), (&json!(18), &json!(2)));
    // A coding group without a class says none.
    assert_eq!(json_of(EXTENSION_TABLE).get("class"), None);
}

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS F0 | SCTS 42507121436580 |
// UDL 02 | UD C834
const DCS_F0: &str = "07911326040000F0040B911346610089F600F04250712143658002C834";

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS F1 | SCTS 42507121436580 |
// UDL 02 | UD C834
const DCS_F1: &str = "07911326040000F0040B911346610089F600F14250712143658002C834";

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS F2 | SCTS 42507121436580 |
// UDL 02 | UD C834
const DCS_F2: &str = "07911326040000F0040B911346610089F600F24250712143658002C834";

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS F3 | SCTS 42507121436580 |
// UDL 02 | UD C834
const DCS_F3: &str = "07911326040000F0040B911346610089F600F34250712143658002C834";

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS F4 | SCTS 42507121436580 |
// UDL 02 | UD 4869
const DCS_F4: &str = "07911326040000F0040B911346610089F600F442507121436580024869";

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS F5 | SCTS 42507121436580 |
// UDL 02 | UD 4869
const DCS_F5: &str = "07911326040000F0040B911346610089F600F542507121436580024869";

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS F6 | SCTS 42507121436580 |
// UDL 02 | UD 4869
const DCS_F6: &str = "07911326040000F0040B911346610089F600F642507121436580024869";

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS F7 | SCTS 42507121436580 |
// UDL 02 | UD 4869
const DCS_F7: &str = "07911326040000F0040B911346610089F600F742507121436580024869";

// TS 23.038 §4, coding group 1111: bit 2 picks 8-bit data over the GSM 7-bit default
// alphabet, bits 1..0 are the class.
#[test]
fn dcs_group_f0_to_f7_alphabet_and_class() {
    let classes = [
        MessageClass::Class0,
        MessageClass::Class1,
        MessageClass::Class2,
        MessageClass::Class3,
    ];
    let vectors = [
        (0xF0, DCS_F0),
        (0xF1, DCS_F1),
        (0xF2, DCS_F2),
        (0xF3, DCS_F3),
        (0xF4, DCS_F4),
        (0xF5, DCS_F5),
        (0xF6, DCS_F6),
        (0xF7, DCS_F7),
    ];
    for (dcs, hex) in vectors {
        let pdu = decode(hex);
        assert!(pdu.warnings.is_empty(), "{dcs:02X}: {:?}", pdu.warnings);
        let deliver = deliver(&pdu);
        let encoding = if dcs & 0x04 != 0 {
            Encoding::EightBit
        } else {
            Encoding::Gsm7
        };
        assert_eq!(deliver.coding.raw, dcs);
        assert_eq!(deliver.coding.encoding, encoding, "{dcs:02X}");
        assert_eq!(
            deliver.coding.class,
            Some(classes[usize::from(dcs & 0x03)]),
            "{dcs:02X}"
        );
        assert_eq!(deliver.user_data.text.as_deref(), Some("Hi"), "{dcs:02X}");
    }
}

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS C0 | SCTS 42507121436580 |
// UDL 09 | UD D6777A5C6E87D36C
const DCS_C0: &str = "07911326040000F0040B911346610089F600C04250712143658009D6777A5C6E87D36C";

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS D8 | SCTS 42507121436580 |
// UDL 09 | UD D6777A5C6E87D36C
const DCS_D8: &str = "07911326040000F0040B911346610089F600D84250712143658009D6777A5C6E87D36C";

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS E0 | SCTS 42507121436580 |
// UDL 12 | UD 0056006F006900630065006D00610069006C
const DCS_E0: &str = concat!(
    "07911326040000F0040B911346610089F600E042507121436580120056006F006900630065006D00",
    "610069006C",
);

// TS 23.038 §4, message waiting indication groups: 1100 discard (GSM 7-bit), 1101 store
// (GSM 7-bit), 1110 store (UCS2); bit 3 sets or clears the indication, bits 1..0 its type
// (00 voicemail).
#[test]
fn dcs_message_waiting_groups() {
    let cases = [
        (DCS_C0, Encoding::Gsm7, true, false),
        (DCS_D8, Encoding::Gsm7, false, true),
        (DCS_E0, Encoding::Ucs2, false, false),
    ];
    for (hex, encoding, discard, active) in cases {
        let pdu = decode(hex);
        assert!(pdu.warnings.is_empty(), "{hex}: {:?}", pdu.warnings);
        let deliver = deliver(&pdu);
        assert_eq!(deliver.coding.encoding, encoding, "{hex}");
        assert_eq!(
            deliver.coding.message_waiting,
            Some(MessageWaiting {
                discard,
                active,
                kind: 0
            }),
            "{hex}"
        );
        assert_eq!(
            deliver.user_data.text.as_deref(),
            Some("Voicemail"),
            "{hex}"
        );
    }
}

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 80 | SCTS 42507121436580 |
// UDL 08 | UD D2F2BC2CB797C9
const DCS_80: &str = "07911326040000F0040B911346610089F600804250712143658008D2F2BC2CB797C9";

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS A5 | SCTS 42507121436580 |
// UDL 08 | UD D2F2BC2CB797C9
const DCS_A5: &str = "07911326040000F0040B911346610089F600A54250712143658008D2F2BC2CB797C9";

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS BF | SCTS 42507121436580 |
// UDL 08 | UD D2F2BC2CB797C9
const DCS_BF: &str = "07911326040000F0040B911346610089F600BF4250712143658008D2F2BC2CB797C9";

// TS 23.038 §4: coding groups 1000..1011 are reserved, and "any reserved codings shall be
// assumed to be the GSM 7 bit default alphabet": read as GSM 7-bit, with a warning.
#[test]
fn dcs_reserved_groups_read_as_gsm7_with_a_warning() {
    for (dcs, hex) in [(0x80u8, DCS_80), (0xA5, DCS_A5), (0xBF, DCS_BF)] {
        let pdu = decode(hex);
        assert_eq!(
            pdu.warnings,
            vec![DecodeWarning::ReservedCoding { dcs }],
            "{dcs:02X}"
        );
        assert_eq!(deliver(&pdu).user_data.text.as_deref(), Some("Reserved"));
        let json = json_of(hex);
        assert_eq!(json["encoding"], "gsm7");
        assert_eq!(json_warnings(&json).len(), 1, "{json}");
    }
}

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 20 | SCTS 42507121436580 |
// UDL 06 | UD D0F0785D2603
// compressed bit (bit 5) set
const DCS_20: &str = "07911326040000F0040B911346610089F600204250712143658006D0F0785D2603";

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 30 | SCTS 42507121436580 |
// UDL 06 | UD D0F0785D2603
// compressed bit (bit 5) set
const DCS_30: &str = "07911326040000F0040B911346610089F600304250712143658006D0F0785D2603";

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 26 | SCTS 42507121436580 |
// UDL 06 | UD D0F0785D2603
// compressed bit (bit 5) set
const DCS_26: &str = "07911326040000F0040B911346610089F600264250712143658006D0F0785D2603";

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 60 | SCTS 42507121436580 |
// UDL 06 | UD D0F0785D2603
// compressed bit (bit 5) set
const DCS_60: &str = "07911326040000F0040B911346610089F600604250712143658006D0F0785D2603";

// TS 23.038 §4: bit 5 of groups 00xx and 01xx means compressed text (TS 23.042), which cannot
// be read as characters: an error that says so.
#[test]
fn dcs_compressed_text_is_an_error() {
    for hex in [DCS_20, DCS_30, DCS_26, DCS_60] {
        let error = decode_error(hex);
        assert!(
            matches!(error.kind, PduErrorKind::CompressedText { .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains("compressed"), "{error}");
    }
}

// ---- Addresses: TS 23.040 §9.1.2.5, TS 24.011 §8.2.5.1 ---------------------------------

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 02 | UD C834
const ADDR_INTL_ODD: &str = "07911326040000F0040B911346610089F600004250712143658002C834";

// TS 23.040 §9.1.2.5: international (TON 001), 11 digits: the last octet is padded with F.
#[test]
fn address_international_odd_digit_count() {
    let json = json_of(ADDR_INTL_ODD);
    assert_eq!(json["sender"], "+31641600986");
    assert_eq!(json["sender_type"], "international");
}

// SMSC 07911326040000F0 | FO 04 | OA 0C91947110325476 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 02 | UD C834
const ADDR_INTL_EVEN: &str = "07911326040000F0040C9194711032547600004250712143658002C834";

// TS 23.040 §9.1.2.5: international, 12 digits: no filler.
#[test]
fn address_international_even_digit_count() {
    let json = json_of(ADDR_INTL_EVEN);
    assert_eq!(json["sender"], "+491701234567");
    assert_eq!(json["sender_type"], "international");
}

// SMSC 07911326040000F0 | FO 04 | OA 0AA16021436587 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 02 | UD C834
const ADDR_NATIONAL: &str = "07911326040000F0040AA1602143658700004250712143658002C834";

// TS 23.040 §9.1.2.5: TON 010 (type of address A1) is a national number, written without '+'.
#[test]
fn address_national_type() {
    let json = json_of(ADDR_NATIONAL);
    assert_eq!(json["sender"], "0612345678");
    assert_eq!(json["sender_type"], "national");
}

// SMSC 07911326040000F0 | FO 04 | OA 04818100 | PID 00 | DCS 00 | SCTS 42507121436580 | UDL 02 |
// UD C834
const ADDR_UNKNOWN: &str = "07911326040000F0040481810000004250712143658002C834";

// TS 23.040 §9.1.2.5: TON 000 (type of address 81) is unknown: digits as they are.
#[test]
fn address_unknown_type() {
    let json = json_of(ADDR_UNKNOWN);
    assert_eq!(json["sender"], "1800");
    assert_eq!(json["sender_type"], "unknown");
}

// SMSC 07911326040000F0 | FO 04 | OA 0BD0C7F7FBCC2E03 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 02 | UD C834
const ADDR_GOOGLE: &str = "07911326040000F0040BD0C7F7FBCC2E0300004250712143658002C834";

// TS 23.040 §9.1.2.5: TON 101 (type of address D0) is alphanumeric, GSM 7-bit packed; the
// length counts semi-octets: 6 septets = 42 bits = 11 semi-octets.
#[test]
fn address_alphanumeric_google() {
    let json = json_of(ADDR_GOOGLE);
    assert_eq!(json["sender"], "Google");
    assert_eq!(json["sender_type"], "alphanumeric");
}

// SMSC 07911326040000F0 | FO 04 | OA 14D0D0701E1A668392EEB10B | PID 00 | DCS 00 |
// SCTS 42507121436580 | UDL 02 | UD C834
// 11 septets = 77 bits in 10 octets, length 20 semi-octets
const ADDR_ELEVEN: &str = "07911326040000F00414D0D0701E1A668392EEB10B00004250712143658002C834";

// TS 23.040 §9.1.2.5: the longest alphanumeric address, 11 characters in 10 octets.
#[test]
fn address_alphanumeric_eleven_characters() {
    let pdu = decode(ADDR_ELEVEN);
    let sender = &deliver(&pdu).sender;
    assert_eq!(sender.value, "PayPal Inc.");
    assert_eq!(sender.type_of_number, TypeOfNumber::Alphanumeric);
    assert_eq!(deliver(&pdu).user_data.text.as_deref(), Some("Hi"));
}

// SMSC 07911326040000F0 | FO 04 | OA 05811A00FB | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 02 | UD C834
const ADDR_STAR_HASH: &str = "07911326040000F00405811A00FB00004250712143658002C834";

// TS 23.040 §9.1.2.3: semi-octet values 1010 and 1011 are '*' and '#'.
#[test]
fn address_digits_with_star_and_hash() {
    let json = json_of(ADDR_STAR_HASH);
    assert_eq!(json["sender"], "*100#");
    assert_eq!(json["sender_type"], "unknown");
}

// SMSC 00 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 | UDL 02 |
// UD C834
const SMSC_EMPTY: &str = "00040B911346610089F600004250712143658002C834";

// TS 27.005 §3.1 / TS 24.011 §8.2.5.1: an SMSC length of 00 means no SMSC address: null.
#[test]
fn smsc_length_zero_is_null() {
    let pdu = decode(SMSC_EMPTY);
    assert_eq!(pdu.smsc, None);
    let json = json_of(SMSC_EMPTY);
    assert_eq!(json["smsc"], Value::Null);
    assert_eq!(json["text"], "Hi");
}

// SMSC 07911326040000F0 | FO 04 | OA 159113466100893661140690F8 | PID 00 | DCS 00 |
// SCTS 42507121436580 | UDL 02 | UD C834
// TP-OA length 21 semi-octets: one more than the 20 the field can hold
const ADDR_21: &str = "07911326040000F004159113466100893661140690F800004250712143658002C834";

// TS 23.040 §9.1.2.5: an address field is at most 12 octets, so at most 20 digits; a length of
// 21 is an error naming the field.
#[test]
fn address_length_21_is_an_error() {
    let error = decode_error(ADDR_21);
    assert!(
        matches!(error.kind, PduErrorKind::AddressTooLong { length: 21, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("TP-OA"), "{error}");
    assert_eq!(error.offset, 9, "the length octet of TP-OA");
}

// ---- Time stamps: TS 23.040 §9.2.3.11 ---------------------------------------------------

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 02 | UD C834
const TS_PLUS: &str = "07911326040000F0040B911346610089F600004250712143658002C834";

// TS 23.040 §9.2.3.11: swapped BCD; zone 80 = 08 quarter hours east = +02:00.
#[test]
fn timestamp_positive_offset() {
    let pdu = decode(TS_PLUS);
    assert_eq!(
        deliver(&pdu).timestamp,
        Some(datetime!(2024-05-17 12:34:56 +02:00))
    );
    assert_eq!(json_of(TS_PLUS)["timestamp"], "2024-05-17T12:34:56+02:00");
}

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 0160124130340A |
// UDL 02 | UD C834
const TS_MINUS: &str = "07911326040000F0040B911346610089F600000160124130340A02C834";

// TS 23.040 §9.2.3.11: bit 3 of the zone octet is the sign: 0A = minus 20 quarters = -05:00.
#[test]
fn timestamp_negative_offset() {
    assert_eq!(json_of(TS_MINUS)["timestamp"], "2010-06-21T14:03:43-05:00");
}

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 11101000000000 |
// UDL 02 | UD C834
const TS_ZERO: &str = "07911326040000F0040B911346610089F600001110100000000002C834";

// TS 23.040 §9.2.3.11: zone 00 is UTC; the JSON contract writes it "+00:00", never "Z".
#[test]
fn timestamp_zero_offset_renders_plus_00_00() {
    assert_eq!(json_of(TS_ZERO)["timestamp"], "2011-01-01T00:00:00+00:00");
}

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42103021436532 |
// UDL 02 | UD C834
const TS_0545: &str = "07911326040000F0040B911346610089F600004210302143653202C834";

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 32211332959549 |
// UDL 02 | UD C834
const TS_M0330: &str = "07911326040000F0040B911346610089F600003221133295954902C834";

// TS 23.040 §9.2.3.11: the zone is in quarter hours: 32 = 23 quarters = +05:45 (Nepal);
// 49 = sign + 14 quarters = -03:30 (Newfoundland).
#[test]
fn timestamp_quarter_hour_zones() {
    assert_eq!(json_of(TS_0545)["timestamp"], "2024-01-03T12:34:56+05:45");
    assert_eq!(json_of(TS_M0330)["timestamp"], "2023-12-31T23:59:59-03:30");
}

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42209280000040 |
// UDL 02 | UD C834
const TS_LEAP: &str = "07911326040000F0040B911346610089F600004220928000004002C834";

// TS 23.040 §9.2.3.11: 29 February of a leap year (2024) is a valid date.
#[test]
fn timestamp_leap_day_is_valid() {
    let pdu = decode(TS_LEAP);
    assert!(pdu.warnings.is_empty(), "{:?}", pdu.warnings);
    assert_eq!(json_of(TS_LEAP)["timestamp"], "2024-02-29T08:00:00+01:00");
}

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42311000000000 |
// UDL 02 | UD C834
const TS_MONTH13: &str = "07911326040000F0040B911346610089F600004231100000000002C834";

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42102300000000 |
// UDL 02 | UD C834
const TS_DAY32: &str = "07911326040000F0040B911346610089F600004210230000000002C834";

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42101042000000 |
// UDL 02 | UD C834
const TS_HOUR24: &str = "07911326040000F0040B911346610089F600004210104200000002C834";

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42200300000000 |
// UDL 02 | UD C834
const TS_FEB30: &str = "07911326040000F0040B911346610089F600004220030000000002C834";

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 32209200000000 |
// UDL 02 | UD C834
const TS_FEB29_2023: &str = "07911326040000F0040B911346610089F600003220920000000002C834";

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42A07121436580 |
// UDL 02 | UD C834
// month octet A0: its units nibble 0xA is not a BCD digit
const TS_NON_BCD: &str = "07911326040000F0040B911346610089F6000042A0712143658002C834";

// TS 23.040 §9.2.3.11: a stamp that is not a date (month 13, day 32, hour 24, 30 February,
// 29 February 2023, a non-BCD digit) is null with a warning naming TP-SCTS; the message is
// still decoded.
#[test]
fn timestamp_invalid_values_are_null_with_a_warning() {
    for hex in [
        TS_MONTH13,
        TS_DAY32,
        TS_HOUR24,
        TS_FEB30,
        TS_FEB29_2023,
        TS_NON_BCD,
    ] {
        let pdu = decode(hex);
        assert_eq!(deliver(&pdu).timestamp, None, "{hex}");
        let json = json_of(hex);
        assert_eq!(json["kind"], "deliver", "{hex}");
        assert_eq!(json["timestamp"], Value::Null, "{hex}");
        assert_eq!(json["text"], "Hi", "{hex}");
        let warnings = json_warnings(&json);
        assert!(
            warnings.len() == 1 && warnings[0].contains("TP-SCTS"),
            "{hex}: {warnings:?}"
        );
    }
}

// ---- SMS-STATUS-REPORT: TS 23.040 §9.2.2.3 ----------------------------------------------

// SMSC 07911326040000F0 | FO 06 | MR 2A | RA 0B911346610089F6 | SCTS 42507121436580 |
// DT 42507121530180 | ST 00
const SR_PLAIN: &str = "07911326040000F0062A0B911346610089F6425071214365804250712153018000";

// TS 23.040 §9.2.2.3: TP-MR, TP-RA, TP-SCTS, TP-DT, TP-ST and nothing more (TP-PI is
// optional).
#[test]
fn status_report_without_parameter_indicator() {
    let pdu = decode(SR_PLAIN);
    assert!(pdu.warnings.is_empty(), "{:?}", pdu.warnings);
    let report = status_report(&pdu);
    assert_eq!(
        (report.protocol_identifier, report.coding, &report.user_data),
        (None, None, &None)
    );
    assert_eq!(
        json_of(SR_PLAIN),
        json!({
            "kind": "status_report",
            "smsc": "+31624000000",
            "reference": 42,
            "recipient": "+31641600986",
            "recipient_type": "international",
            "timestamp": "2024-05-17T12:34:56+02:00",
            "discharge_time": "2024-05-17T12:35:10+02:00",
            "status": 0,
        })
    );
}

// SMSC 07911326040000F0 | FO 06 | MR 2A | RA 0B911346610089F6 | SCTS 42507121436580 |
// DT 42507121530180 | ST 00 | PI 03 | PID 00 | DCS 00
const SR_PI_PID_DCS: &str =
    "07911326040000F0062A0B911346610089F6425071214365804250712153018000030000";

// TS 23.040 §9.2.3.27: TP-PI 03 announces TP-PID and TP-DCS, and no user data.
#[test]
fn status_report_with_parameter_indicator_pid_and_dcs() {
    let pdu = decode(SR_PI_PID_DCS);
    assert!(pdu.warnings.is_empty(), "{:?}", pdu.warnings);
    let report = status_report(&pdu);
    assert_eq!(report.reference, 0x2A);
    assert_eq!(report.protocol_identifier, Some(0x00));
    assert_eq!(report.coding.map(|coding| coding.raw), Some(0x00));
    assert_eq!(report.user_data, None);
}

// SMSC 07911326040000F0 | FO 06 | MR 2A | RA 0B911346610089F6 | SCTS 42507121436580 |
// DT 42507121530180 | ST 00 | PI 07 | PID 00 | DCS 04 | UDL 02 | UD 4F4B
const SR_PI_UD_8BIT: &str =
    "07911326040000F0062A0B911346610089F6425071214365804250712153018000070004024F4B";

// SMSC 07911326040000F0 | FO 06 | MR 2A | RA 0B911346610089F6 | SCTS 42507121436580 |
// DT 42507121530180 | ST 00 | PI 06 | DCS 00 | UDL 09 | UD C4323B6D2FCBCB64
const SR_PI_UD_GSM7: &str = concat!(
    "07911326040000F0062A0B911346610089F6425071214365804250712153018000060009C4323B6D",
    "2FCBCB64",
);

// SMSC 07911326040000F0 | FO 06 | MR 2A | RA 0B911346610089F6 | SCTS 42507121436580 |
// DT 42507121530180 | ST 00 | PI 04 | UDL 09 | UD C4323B6D2FCBCB64
// TP-PI announces TP-UDL only: no TP-DCS, so GSM 7-bit default (§9.2.3.27)
const SR_PI_UD_NO_DCS: &str = concat!(
    "07911326040000F0062A0B911346610089F64250712143658042507121530180000409C4323B6D2F",
    "CBCB64",
);

// TS 23.040 §9.2.3.27: TP-PI bit 2 announces TP-UDL/TP-UD, read in the alphabet of TP-DCS
// when bit 1 announces it (8-bit, GSM 7-bit), else as the GSM 7-bit default alphabet.
#[test]
fn status_report_with_user_data() {
    let pdu = decode(SR_PI_UD_8BIT);
    let report = status_report(&pdu);
    assert_eq!(report.protocol_identifier, Some(0x00));
    let user_data = report.user_data.as_ref().expect("TP-UD");
    assert_eq!(user_data.encoding, Encoding::EightBit);
    assert_eq!(user_data.octets, b"OK");
    assert_eq!(user_data.text.as_deref(), Some("OK"));

    for hex in [SR_PI_UD_GSM7, SR_PI_UD_NO_DCS] {
        let pdu = decode(hex);
        assert!(pdu.warnings.is_empty(), "{hex}: {:?}", pdu.warnings);
        let report = status_report(&pdu);
        assert_eq!(report.protocol_identifier, None, "{hex}");
        let user_data = report.user_data.as_ref().expect("TP-UD");
        assert_eq!(user_data.encoding, Encoding::Gsm7, "{hex}");
        assert_eq!(user_data.text.as_deref(), Some("Delivered"), "{hex}");
    }
}

// SMSC 07911326040000F0 | FO 06 | MR 2A | RA 0B911346610089F6 | SCTS 42507121436580 |
// DT 42507121530180 | ST 30
const SR_ST_30: &str = "07911326040000F0062A0B911346610089F6425071214365804250712153018030";

// SMSC 07911326040000F0 | FO 06 | MR 2A | RA 0B911346610089F6 | SCTS 42507121436580 |
// DT 42507121530180 | ST 41
const SR_ST_41: &str = "07911326040000F0062A0B911346610089F6425071214365804250712153018041";

// SMSC 07911326040000F0 | FO 06 | MR 2A | RA 0B911346610089F6 | SCTS 42507121436580 |
// DT 42507121530180 | ST 60
const SR_ST_60: &str = "07911326040000F0062A0B911346610089F6425071214365804250712153018060";

// TS 23.040 §9.2.3.15: TP-ST 0x00..0x1F completed, 0x20..0x3F temporary error still trying,
// 0x40..0x5F permanent error, 0x60..0x7F temporary error no longer trying.
#[test]
fn status_report_status_values_and_classes() {
    let cases = [
        (SR_PLAIN, 0x00, StatusClass::Completed),
        (SR_ST_30, 0x30, StatusClass::StillTrying),
        (SR_ST_41, 0x41, StatusClass::PermanentError),
        (SR_ST_60, 0x60, StatusClass::TemporaryErrorGaveUp),
    ];
    for (hex, status, class) in cases {
        let pdu = decode(hex);
        let report = status_report(&pdu);
        assert_eq!(report.status, status);
        assert_eq!(report.status_class(), class, "{status:02X}");
        assert_eq!(json_of(hex)["status"], status);
    }
}

// ---- SMS-SUBMIT: TS 23.040 §9.2.2.2, TP-VPF §9.2.3.3, TP-VP §9.2.3.12 --------------------

/// The fields every SMS-SUBMIT vector shares: TP-MR 0x5A, TP-DA +491701234567, "Send me".
fn check_submit(hex: &str) -> Submit {
    let pdu = decode(hex);
    assert!(pdu.warnings.is_empty(), "{hex}: {:?}", pdu.warnings);
    assert_eq!(pdu.smsc, None);
    let submit = submit(&pdu).clone();
    assert_eq!(submit.reference, 0x5A);
    assert_eq!(submit.recipient.value, "+491701234567");
    assert_eq!(submit.user_data.text.as_deref(), Some("Send me"));
    let json = json_of(hex);
    assert_eq!(json["kind"], "submit");
    assert_eq!(json["reference"], 0x5A);
    assert_eq!(json["recipient"], "+491701234567");
    assert_eq!(json["recipient_type"], "international");
    assert_eq!(json["text"], "Send me");
    submit
}

// SMSC 00 | FO 01 | MR 5A | DA 0C91947110325476 | PID 00 | DCS 00 | UDL 07 | UD D3B29B0C6A9701
// TP-VPF 00
const SUBMIT_VP_NONE: &str = "00015A0C91947110325476000007D3B29B0C6A9701";

// TS 23.040 §9.2.3.3: TP-VPF 00, no TP-VP field.
#[test]
fn submit_without_validity_period() {
    assert_eq!(check_submit(SUBMIT_VP_NONE).validity, None);
}

// SMSC 00 | FO 11 | MR 5A | DA 0C91947110325476 | PID 00 | DCS 00 | VP A7 | UDL 07 |
// UD D3B29B0C6A9701
// TP-VPF 10, VP 0xA7 = 24 hours
const SUBMIT_VP_RELATIVE: &str = "00115A0C919471103254760000A707D3B29B0C6A9701";

// TS 23.040 §9.2.3.12.1: TP-VPF 10, one octet; 0xA7 = 167 = 12 h + (167 - 143) x 30 min = 24 h.
#[test]
fn submit_with_relative_validity_period() {
    assert_eq!(
        check_submit(SUBMIT_VP_RELATIVE).validity,
        Some(Validity::Relative(0xA7))
    );
    assert_eq!(Validity::relative_duration(0xA7), time::Duration::hours(24));
}

// SMSC 00 | FO 09 | MR 5A | DA 0C91947110325476 | PID 00 | DCS 00 | VP 42102030000000 | UDL 07 |
// UD D3B29B0C6A9701
// TP-VPF 01, VP 7 octets: functionality 0x42 (format 010 = relative seconds)
const SUBMIT_VP_ENHANCED: &str = "00095A0C9194711032547600004210203000000007D3B29B0C6A9701";

// TS 23.040 §9.2.3.12.3: TP-VPF 01, seven octets.
#[test]
fn submit_with_enhanced_validity_period() {
    assert_eq!(
        check_submit(SUBMIT_VP_ENHANCED).validity,
        Some(Validity::Enhanced([
            0x42, 0x10, 0x20, 0x30, 0x00, 0x00, 0x00
        ]))
    );
}

// SMSC 00 | FO 19 | MR 5A | DA 0C91947110325476 | PID 00 | DCS 00 | VP 42211332000040 | UDL 07 |
// UD D3B29B0C6A9701
// TP-VPF 11, VP 2024-12-31 23:00:00 +01:00
const SUBMIT_VP_ABSOLUTE: &str = "00195A0C9194711032547600004221133200004007D3B29B0C6A9701";

// TS 23.040 §9.2.3.12.2: TP-VPF 11, seven octets in the TP-SCTS format.
#[test]
fn submit_with_absolute_validity_period() {
    assert_eq!(
        check_submit(SUBMIT_VP_ABSOLUTE).validity,
        Some(Validity::Absolute(Some(
            datetime!(2024-12-31 23:00:00 +01:00)
        )))
    );
}

// ---- Errors -----------------------------------------------------------------------------

// SMSC 07911326040000F0 | FO 44 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 12 | UD 050003010201A8F2BA7B1CA69741ED32
const TRUNCATION_BASE: &str = concat!(
    "07911326040000F0440B911346610089F600004250712143658012050003010201A8F2BA7B1CA697",
    "41ED32",
);

// TS 23.040 §9.2.2.1: every field of an SMS-DELIVER is mandatory, so a PDU cut anywhere is an
// error; it must point inside what was given and name the field (TP-..., SMSC or TPDU).
#[test]
fn every_truncation_of_a_deliver_is_an_error_naming_a_field() {
    decode(TRUNCATION_BASE);
    let octets = TRUNCATION_BASE.len() / 2;
    for cut in 1..octets {
        let error = decode_error(&TRUNCATION_BASE[..cut * 2]);
        assert!(error.offset <= cut, "cut {cut}: offset {}", error.offset);
        let text = error.to_string();
        assert!(
            text.contains("TP-") || text.contains("SMSC") || text.contains("TPDU"),
            "cut {cut}: {text}"
        );
        let json = json_of(&TRUNCATION_BASE[..cut * 2]);
        assert_eq!(json["kind"], "invalid", "cut {cut}");
    }
}

// SMSC 07911326040000F0 | FO 07 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 02 | UD C834
const MTI_RESERVED: &str = "07911326040000F0070B911346610089F600004250712143658002C834";

// TS 23.040 §9.2.3.1: TP-MTI 11 is reserved.
#[test]
fn reserved_message_type_is_an_error() {
    let error = decode_error(MTI_RESERVED);
    assert_eq!(error.kind, PduErrorKind::ReservedMessageType);
    assert_eq!(
        error.offset, 8,
        "the first octet of the TPDU, after the 8-octet SMSC field"
    );
    assert!(error.to_string().contains("TP-MTI"), "{error}");
}

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL A1 | UD C16030180C0683C1..(141 octets)
// TP-UDL 161 septets, 141 octets of data follow
const UDL_161: &str = concat!(
    "07911326040000F0040B911346610089F6000042507121436580A1C16030180C0683C16030180C06",
    "83C16030180C0683C16030180C0683C16030180C0683C16030180C0683C16030180C0683C1603018",
    "0C0683C16030180C0683C16030180C0683C16030180C0683C16030180C0683C16030180C0683C160",
    "30180C0683C16030180C0683C16030180C0683C16030180C0683C16030180C0683C16030180C0683",
    "C16030180C068341",
);

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 08 | SCTS 42507121436580 |
// UDL 8D | UD 0041004100410041..(141 octets)
// TP-UDL 141 octets, 141 octets of data follow
const UDL_141_UCS2: &str = concat!(
    "07911326040000F0040B911346610089F60008425071214365808D00410041004100410041004100",
    "41004100410041004100410041004100410041004100410041004100410041004100410041004100",
    "41004100410041004100410041004100410041004100410041004100410041004100410041004100",
    "41004100410041004100410041004100410041004100410041004100410041004100410041004100",
    "4100410041004100",
);

// TS 23.040 §9.2.3.16: TP-UDL is at most 160 septets (GSM 7-bit) or 140 octets (UCS2, 8-bit),
// even when enough octets follow.
#[test]
fn user_data_length_beyond_one_tpdu_is_an_error() {
    for (hex, length) in [(UDL_161, 161u8), (UDL_141_UCS2, 141)] {
        let error = decode_error(hex);
        assert!(
            matches!(error.kind, PduErrorKind::UserDataTooLong { length: l, .. } if l == length),
            "{error:?}"
        );
        assert!(error.to_string().contains("TP-UDL"), "{error}");
    }
}

// TS 27.005 §3.1: a PDU in PDU mode is hex, two digits per octet.
#[test]
fn non_hex_and_odd_length_input_are_errors() {
    let not_hex = TS_PLUS.replace("0B91", "0BZ1");
    let error = decode_error(&not_hex);
    assert!(
        matches!(error.kind, PduErrorKind::InvalidHex(_)),
        "{error:?}"
    );
    let odd = &TS_PLUS[..TS_PLUS.len() - 1];
    let error = decode_error(odd);
    assert!(
        matches!(error.kind, PduErrorKind::InvalidHex(_)),
        "{error:?}"
    );
    assert!(error.to_string().contains("odd"), "{error}");
    assert_eq!(json_of(odd)["kind"], "invalid");
}

// SMSC 07911326040000F0 | FO 04 | OA 0B911346610089F6 | PID 00 | DCS 00 | SCTS 42507121436580 |
// UDL 02 | UD C834 | TRAILING ABCD
const TRAILING: &str = "07911326040000F0040B911346610089F600004250712143658002C834ABCD";

// TS 23.040 §9.2.3.16: TP-UDL says where the TPDU ends; octets after it are not part of the
// message, which still decodes, with a warning.
#[test]
fn trailing_octets_after_the_user_data_are_a_warning() {
    let pdu = decode(TRAILING);
    assert_eq!(deliver(&pdu).user_data.text.as_deref(), Some("Hi"));
    assert_eq!(
        pdu.warnings,
        vec![DecodeWarning::TrailingOctets { count: 2 }]
    );
    let json = json_of(TRAILING);
    assert_eq!(json["text"], "Hi");
    assert_eq!(json_warnings(&json).len(), 1, "{json}");
}
