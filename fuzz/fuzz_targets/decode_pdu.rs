//! Fuzzes the PDU decoder: `Pdu::decode` on the raw input, and `Pdu::decode_hex` on the input
//! read as UTF-8 when it is valid UTF-8.
//!
//! It checks what tests/pdu/pdu_robustness.rs checks on its seeded inputs: no panic, every
//! error's offset within the input (for hex, within the octets the trimmed text spells),
//! and a non-empty message for every error and warning. Every crash input the fuzzer finds
//! becomes a hex entry of `REGRESSIONS` in tests/pdu/pdu_robustness.rs.

#![no_main]

use libfuzzer_sys::fuzz_target;
use modempool::pdu::{Pdu, PduError};

fn check(result: &Result<Pdu, PduError>, limit: usize) {
    match result {
        Ok(pdu) => {
            for warning in &pdu.warnings {
                assert!(!warning.to_string().is_empty(), "empty warning {warning:?}");
            }
        }
        Err(error) => {
            assert!(
                error.offset <= limit,
                "offset {} past the end ({limit}): {error}",
                error.offset
            );
            assert!(!error.to_string().is_empty(), "empty error {error:?}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let decoded = Pdu::decode(data);
    check(&decoded, data.len());
    // The same octets as a modem prints them must decode the same way.
    assert_eq!(Pdu::decode_hex(&hex_upper(data)), decoded);

    if let Ok(text) = std::str::from_utf8(data) {
        let result = Pdu::decode_hex(text);
        check(&result, text.len());
        check(&result, text.trim().len() / 2);
    }
});

fn hex_upper(data: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    data.iter()
        .flat_map(|&octet| {
            [
                DIGITS[usize::from(octet >> 4)],
                DIGITS[usize::from(octet & 0x0F)],
            ]
        })
        .map(char::from)
        .collect()
}
