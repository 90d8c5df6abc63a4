//! Benchmarks of the PDU codec on the messages a rack sees most: a full single-part GSM 7-bit
//! SMS-DELIVER (160 characters), a full UCS2 one (70 Cyrillic characters), one 153-character
//! part of a concatenated GSM 7-bit message, the same 160-character message from the hex a
//! modem prints, and encoding that message.
//!
//! Why: every +CMT line of every modem goes through `Pdu::decode_hex`, so its cost bounds how
//! many modems one daemon can serve; these numbers are the baseline a change to the codec is
//! compared with. The inputs are built with the encoder before timing starts and checked to
//! decode to the expected text once, so a benchmark never times an error path by accident.
//!
//! Run: `cargo bench --bench pdu -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use modempool::pdu::{Address, Alphabet, DeliverSpec, Encoding, Message, Pdu};
use time::macros::datetime;

/// `count` characters of a plausible one-time-code message, cycling `pattern`.
fn text_of(pattern: &str, count: usize) -> String {
    pattern.chars().cycle().take(count).collect()
}

fn spec(text: &str, alphabet: Alphabet) -> DeliverSpec {
    let mut spec = DeliverSpec::new(
        Address::international("+31641600986"),
        text,
        datetime!(2024-03-05 12:34:56 +01:00),
    );
    spec.smsc = Some(Address::international("+31624000000"));
    spec.alphabet = alphabet;
    spec.concat_reference = 0x42;
    spec
}

/// Encodes `spec`, checks it has `parts` parts, and returns the octets of part `index`.
fn encoded(spec: &DeliverSpec, parts: usize, index: usize) -> Vec<u8> {
    let encoded = match spec.encode() {
        Ok(encoded) => encoded,
        Err(error) => panic!("benchmark input does not encode: {error}"),
    };
    assert_eq!(encoded.len(), parts, "unexpected number of parts");
    encoded[index].octets.clone()
}

/// Decodes `octets` once and checks the text and alphabet, before any timing.
fn assert_decodes_to(octets: &[u8], text: &str, encoding: Encoding) {
    let pdu = match Pdu::decode(octets) {
        Ok(pdu) => pdu,
        Err(error) => panic!("benchmark input does not decode: {error}"),
    };
    assert!(pdu.warnings.is_empty(), "{:?}", pdu.warnings);
    let Message::Deliver(deliver) = pdu.message else {
        panic!("benchmark input is not a DELIVER");
    };
    assert_eq!(deliver.user_data.encoding, encoding);
    assert_eq!(deliver.user_data.text_or_empty(), text);
}

fn benchmarks(c: &mut Criterion) {
    let otp = "Your verification code is 482913. It expires in 10 minutes. Do not share it. ";

    let gsm7_text = text_of(otp, 160);
    let gsm7_spec = spec(&gsm7_text, Alphabet::Auto);
    let gsm7 = encoded(&gsm7_spec, 1, 0);
    assert_decodes_to(&gsm7, &gsm7_text, Encoding::Gsm7);
    let gsm7_hex = hex::encode_upper(&gsm7);
    assert_eq!(Pdu::decode_hex(&gsm7_hex), Pdu::decode(&gsm7));

    let ucs2_text = text_of(
        "Ваш код подтверждения 482913, никому его не сообщайте. ",
        70,
    );
    let ucs2 = encoded(&spec(&ucs2_text, Alphabet::Ucs2), 1, 0);
    assert_decodes_to(&ucs2, &ucs2_text, Encoding::Ucs2);

    let long_text = text_of(otp, 306);
    let first_part = encoded(&spec(&long_text, Alphabet::Auto), 2, 0);
    assert_decodes_to(&first_part, &long_text[..153], Encoding::Gsm7);

    let mut group = c.benchmark_group("pdu");
    group.bench_function("decode/gsm7_160", |b| {
        b.iter(|| Pdu::decode(black_box(&gsm7)))
    });
    group.bench_function("decode/ucs2_70", |b| {
        b.iter(|| Pdu::decode(black_box(&ucs2)))
    });
    group.bench_function("decode/multipart_part", |b| {
        b.iter(|| Pdu::decode(black_box(&first_part)))
    });
    group.bench_function("decode_hex/gsm7_160", |b| {
        b.iter(|| Pdu::decode_hex(black_box(&gsm7_hex)))
    });
    group.bench_function("encode/gsm7_160", |b| {
        b.iter(|| black_box(&gsm7_spec).encode())
    });
    group.finish();
}

criterion_group!(benches, benchmarks);
criterion_main!(benches);
