//! The decoder never panics and always reports errors sensibly, whatever octets or hex a
//! modem (or an attacker with an SMS gateway) hands it.
//!
//! What it proves, over more than 100,000 deterministic inputs per entry point:
//! - `Pdu::decode` and `Pdu::decode_hex` return, never panic;
//! - every error's `offset` lies within the input (for hex: within the octets it spells);
//! - every error and every warning displays as a non-empty message;
//! - `decode_hex` of a PDU's hex agrees exactly with `decode` of its octets.
//!
//! Why: the daemon decodes every +CMT/+CMGL line of every modem in the rack in one process;
//! a panic on one malformed PDU would take the whole rack's OTP delivery down, and an offset
//! past the end would make the error report itself lie.
//!
//! The inputs are seeded, so a failure reproduces exactly: purely random octet strings and
//! hex-ish text, then every truncation, every single bit flip and a set of length-octet
//! corruptions of a seed corpus (encoder output for each alphabet and TPDU type, hand-built
//! status reports after TS 23.040 §9.2.2.3, and a few public PDUs), then random stacked
//! mutations of the same corpus. Inputs the fuzzer (fuzz/) found go into `REGRESSIONS`.

use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};

use modempool::pdu::gsm7::{self, DEFAULT_ALPHABET, NationalLanguage, Shift};
use modempool::pdu::{
    Address, Alphabet, Body, DeliverSpec, MessageClass, Pdu, PduError, Ports, SubmitSpec,
};
use time::macros::datetime;

/// Fixed, so every run feeds the same inputs.
const SEED: u64 = 0x5EED_F00D_5A5D_0C5F;

/// Inputs found by the fuzzer (or by this test) that once broke the decoder, as hex. Each one
/// is checked on every run. Also a few hand-picked edge cases.
const REGRESSIONS: &[&str] = &[
    "00",
    "0003",
    "FF",
    "0B",
    "0040",
    // DELIVER, UDHI set, TP-UDL 0: the header cannot be there.
    "00400491361900005150713220052300",
    // DELIVER, UDHI set, TP-UDL 1 septet, TP-UDHL 0x05 claims more than there is.
    "0040049136190000515071322005230105",
    // Status report whose TP-PI has the extension bit set on every octet, to the end.
    "000242049136195150713220052351408132200542AB808080",
    // Status report, TP-PI announces user data without TP-DCS and TP-UDL is missing.
    "000242049136195150713220052351408132200542AB04",
    // SUBMIT with TP-VPF enhanced and too few octets for it.
    "0009000B911346610089F60000AABB",
];

/// Public PDUs (oFono, ModemManager, warthog618/sms, the TS 23.040 status report shape),
/// embedded so the test reads no file.
const PUBLIC_SEEDS: &[&str] = &[
    // Status report, TP-RA international, negative time zone, no TP-PI.
    "0006040D91945152991136F00160124130340A0160124130940A00",
    // Status report with TP-PI: 8-bit user data.
    "000242049136195150713220052351408132200542AB0604067265706F7274",
    // Status report, national TP-RA, time zone not BCD.
    "000606098121436587F9019012413064A0019012413045A000",
    // Status report with an SMSC field.
    "07914356060013F1065A098136397339F7219011700463802190117004638030",
    // DELIVER, alphanumeric sender "sipgate".
    "0791447758100650040DD0F334FC1CA6970100008080312170224008D4F29CDE0EA7D9",
    // DELIVER, Urdu single shift.
    "0040049136190000515071322005230D0324010D4097D9EC3768B302",
    // DELIVER, GSM 7-bit with extension characters.
    "07912104442961F4040B916171957291F800001120821105050A6AC8B2BC7C9A83C220F6DB7D2ECB41EDF27C1E3E97411BDE06754FD3D1A0F9BB5D0695F1F4B29B5C2683C6E8B03C3CA697E5F34D6AE303D1D1F2F7DD0D4ABB59A0797D8C0685E7A00028EC26832A960B28EC2683BE6050780EBA97D96C17",
    // DELIVER, 16-bit concatenation reference.
    "07911356131313F64004850120390011609232239180A006080400100201D7327BFD6EB340E2321BF46E83EA7790F59D1E97DBE1341B442F83C465763D3DA797E56537C81D0ECB41AB59CC1693C16031D96C064241E5656838AF03A96230982A269BCD462917C8FA4E8FCBED709A0D7ABBE9F6B0FB5C7683D27350984D4FABC9A0B33C4C4FCF5D20EBFB2D079DCB62793DBD06D9C36E50FB2D4E97D9A0B49B5E96BBCB",
    // DELIVER, UCS2 part 1 of 3 with an 8-bit concatenation reference.
    "038121F340048155550119906041001222048C0500031E0301041804420430043A002C00200410043B0435043A04410430043D04340440002000200441043B044304480430043B00200437043000200434043204350440044C044E0020002004380020002004320441043500200431043E043B044C044804350020043F0440043504380441043F043E043B043D044F043B0441044F002000200433043D0435",
    // DELIVER, WAP push in 8-bit data with 16-bit ports.
    "0791947122725014440185F039F501801140311480720605040B8423F00106246170706C69636174696F6E2F766E642E7761702E6D6D732D6D65737361676500AF84B4868C82984F67514B4B42008D9089088045726F74696B009650696E2D557073008A808E0240008805810303F48083687474703A2F2F657073332E64652F4F2F5A39495A4F00",
];

/// Status reports built by hand after TS 23.040 §9.2.2.3, beyond the public ones.
const STATUS_REPORTS: &[&str] = &[
    // MR 05, TP-RA +31641600986, SCTS, DT, ST 00, TP-PI 07: PID 00, DCS 08 (UCS2), UDL 4, "Ок".
    "0006050B911346610089F621101021436500211010215365000007000804041E043A",
    // TP-ST 0x41 (permanent error), TP-PI 01: PID only.
    "0006060B911346610089F62110102143650021101021536500410100",
    // TP-ST 0x62 (temporary error, gave up), TP-PI 02: DCS 04 only.
    "0006070B911346610089F62110102143650021101021536500620204",
];

/// splitmix64: tiny, fast, and good enough to spread inputs over the decoder's branches.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform-ish in 0..n; n must be non-zero.
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    fn byte(&mut self) -> u8 {
        self.next_u64() as u8
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What the run saw, so the log shows it did real work.
#[derive(Default)]
struct Tally {
    octet_inputs: usize,
    hex_inputs: usize,
    decoded: usize,
    rejected: usize,
    warnings: usize,
}

fn hex_of(octets: &[u8]) -> String {
    hex::encode_upper(octets)
}

fn check_error(error: &PduError, limit: usize, input: &str) {
    assert!(
        error.offset <= limit,
        "error offset {} is past the end ({limit}) of {input}: {error}",
        error.offset
    );
    assert!(!error.to_string().is_empty(), "empty error for {input}");
    assert!(
        !error.kind.to_string().is_empty(),
        "empty error kind for {input}"
    );
}

fn check_result(result: &Result<Pdu, PduError>, limit: usize, input: &str, tally: &mut Tally) {
    match result {
        Ok(pdu) => {
            tally.decoded += 1;
            for warning in &pdu.warnings {
                tally.warnings += 1;
                assert!(
                    !warning.to_string().is_empty(),
                    "empty warning {warning:?} for {input}"
                );
            }
        }
        Err(error) => {
            tally.rejected += 1;
            check_error(error, limit, input);
        }
    }
}

/// Decodes `octets` directly and as hex (upper case, and lower case inside white space),
/// and checks the invariants.
fn check_octets(octets: &[u8], tally: &mut Tally) {
    tally.octet_inputs += 1;
    let hex = hex_of(octets);
    let Ok(result) = catch_unwind(|| Pdu::decode(octets)) else {
        panic!("Pdu::decode panicked on {hex}");
    };
    check_result(&result, octets.len(), &hex, tally);

    let Ok(via_hex) = catch_unwind(|| Pdu::decode_hex(&hex)) else {
        panic!("Pdu::decode_hex panicked on {hex}");
    };
    tally.hex_inputs += 1;
    assert_eq!(via_hex, result, "decode_hex disagrees with decode on {hex}");
    let padded = format!(" \t{}\r\n", hex.to_ascii_lowercase());
    let Ok(via_padded) = catch_unwind(|| Pdu::decode_hex(&padded)) else {
        panic!("Pdu::decode_hex panicked on {padded:?}");
    };
    tally.hex_inputs += 1;
    assert_eq!(
        via_padded, result,
        "decode_hex of lower-case padded hex disagrees on {hex}"
    );
}

/// Decodes arbitrary text as hex and checks the invariants. The offset counts octets of the
/// PDU the hex spells, so it can be no further than half the trimmed text.
fn check_hex_text(text: &str, tally: &mut Tally) {
    tally.hex_inputs += 1;
    let Ok(result) = catch_unwind(AssertUnwindSafe(|| Pdu::decode_hex(text))) else {
        panic!("Pdu::decode_hex panicked on {text:?}");
    };
    if let Err(error) = &result {
        check_error(error, text.len(), &format!("{text:?}"));
        check_error(error, text.trim().len() / 2, &format!("{text:?}"));
    }
    check_result(&result, text.len(), &format!("{text:?}"), tally);
}

fn pdu_octets(hex: &str) -> Vec<u8> {
    match hex::decode(hex) {
        Ok(octets) => octets,
        Err(error) => panic!("seed {hex} is not hex: {error}"),
    }
}

/// Every character the tables of `shift` hold, as one string (long enough to need parts).
fn table_text(shift: Shift) -> String {
    let base = shift
        .locking
        .and_then(NationalLanguage::locking_shift_table)
        .unwrap_or(&DEFAULT_ALPHABET);
    let single = shift.single.map_or(&gsm7::DEFAULT_EXTENSION, |language| {
        language.single_shift_table()
    });
    base.iter().chain(single.iter()).flatten().collect()
}

/// Valid PDUs of every kind the decoder reads, from the encoder and by hand.
fn seed_corpus() -> Vec<Vec<u8>> {
    let stamp = datetime!(2024-03-05 12:34:56 +05:45);
    let mut specs = Vec::new();
    let otp = "Your code is 482913. Do not share it.";

    let mut plain = DeliverSpec::new(Address::international("+31641600986"), otp, stamp);
    plain.smsc = Some(Address::international("+31624000000"));
    specs.push(plain);

    let mut alphanumeric = DeliverSpec::new(Address::alphanumeric("Google"), otp, stamp);
    alphanumeric.class = Some(MessageClass::Class0);
    specs.push(alphanumeric);
    specs.push(DeliverSpec::new(
        Address::alphanumeric("ABCDEFGHIJK"),
        "€{[|]}~^\\ extension",
        stamp,
    ));
    specs.push(DeliverSpec::new(Address::unknown("1800"), "", stamp));

    let mut long = DeliverSpec::new(
        Address::international("+4915259911630"),
        &"Multipart GSM 7-bit text with an escape € now and then. ".repeat(8),
        stamp,
    );
    long.concat_reference = 0xBEEF;
    long.sixteen_bit_reference = true;
    specs.push(long);

    for (locking, single) in [
        (
            Some(NationalLanguage::Turkish),
            Some(NationalLanguage::Turkish),
        ),
        (None, Some(NationalLanguage::Spanish)),
        (Some(NationalLanguage::Portuguese), None),
        (Some(NationalLanguage::Hindi), Some(NationalLanguage::Hindi)),
        (
            Some(NationalLanguage::Urdu),
            Some(NationalLanguage::Bengali),
        ),
    ] {
        let shift = Shift { locking, single };
        let mut national =
            DeliverSpec::new(Address::national("0612345678"), &table_text(shift), stamp);
        national.alphabet = Alphabet::Gsm7(shift);
        specs.push(national);
    }

    let mut ucs2 = DeliverSpec::new(
        Address::international("+79161234567"),
        "Код подтверждения: 4821 😀",
        stamp,
    );
    ucs2.alphabet = Alphabet::Ucs2;
    specs.push(ucs2);
    specs.push(DeliverSpec::new(
        Address::alphanumeric("Bank"),
        &"Ваш код 😀 🔐 ".repeat(12),
        stamp,
    ));

    let mut data = DeliverSpec::new(Address::unknown("2948"), "", stamp);
    data.body = Body::Data((0..=255).collect());
    data.ports = Some(Ports {
        destination: 2948,
        origin: 9200,
    });
    specs.push(data);

    let mut seeds: Vec<Vec<u8>> = Vec::new();
    for spec in &specs {
        match spec.encode() {
            Ok(parts) => seeds.extend(parts.into_iter().map(|part| part.octets)),
            Err(error) => panic!("seed {spec:?} does not encode: {error}"),
        }
    }

    let mut submit = SubmitSpec::new(Address::international("+31641600986"), otp);
    submit.validity = Some(167);
    submit.status_report_request = true;
    submit.reference = 42;
    let mut submit_long = SubmitSpec::new(Address::unknown("1234"), &"Привет! ".repeat(20));
    submit_long.concat_reference = 7;
    for spec in [submit, submit_long] {
        match spec.encode() {
            Ok(parts) => seeds.extend(parts.into_iter().map(|part| part.octets)),
            Err(error) => panic!("seed {spec:?} does not encode: {error}"),
        }
    }

    // A status report with TP-UDHI set, a TP-PI extension octet, and GSM 7-bit user data
    // after a concatenation header (without TP-DCS, user data is GSM 7-bit, §9.2.3.27).
    let header = [0x05, 0x00, 0x03, 0x2A, 0x02, 0x01];
    let septets = match gsm7::Encoder::new(Shift::DEFAULT).encode("Delivered OK") {
        Ok(septets) => septets,
        Err(error) => panic!("{error}"),
    };
    let mut user_data = gsm7::pack(&septets, 7);
    user_data[..header.len()].copy_from_slice(&header);
    let mut report = pdu_octets("0046080B911346610089F62110102143650021101021536500008400");
    report.push((7 + septets.len()) as u8);
    report.extend(user_data);
    seeds.push(report);

    seeds.extend(STATUS_REPORTS.iter().map(|hex| pdu_octets(hex)));
    seeds.extend(PUBLIC_SEEDS.iter().map(|hex| pdu_octets(hex)));

    // Each seed must decode, or the mutations below start from noise.
    for seed in &seeds {
        if let Err(error) = Pdu::decode(seed) {
            panic!("seed {} does not decode: {error}", hex_of(seed));
        }
    }
    seeds
}

/// Where the length octets of a PDU sit, found by the TS 23.040 layout (not by the
/// decoder): SMSC length, address length, TP-PI, TP-UDL, TP-UDHL and the first IE length.
fn length_octets(pdu: &[u8]) -> Vec<usize> {
    let mut positions = Vec::new();
    length_octets_into(pdu, &mut positions);
    positions.retain(|&position| position < pdu.len());
    positions
}

fn length_octets_into(pdu: &[u8], positions: &mut Vec<usize>) {
    positions.push(0);
    let at = |index: usize| pdu.get(index).copied().map(usize::from);
    let Some(smsc_length) = at(0) else {
        return;
    };
    let first_at = 1 + smsc_length;
    let Some(first) = at(first_at) else {
        return;
    };
    let address_at = match first & 0x03 {
        0 => first_at + 1,
        1 | 2 => first_at + 2,
        _ => return,
    };
    positions.push(address_at);
    let Some(address_length) = at(address_at) else {
        return;
    };
    let after_address = address_at + 2 + address_length.div_ceil(2);
    let udl_at = match first & 0x03 {
        0 => after_address + 2 + 7,
        1 => {
            after_address
                + 2
                + match (first >> 3) & 0x03 {
                    0 => 0,
                    2 => 1,
                    _ => 7,
                }
        }
        _ => {
            let pi_at = after_address + 7 + 7 + 1;
            positions.push(pi_at);
            let Some(pi) = at(pi_at) else {
                return;
            };
            pi_at + 1 + (pi & 0x01) + ((pi >> 1) & 0x01)
        }
    };
    positions.push(udl_at);
    if first & 0x40 != 0 {
        positions.push(udl_at + 1);
        positions.push(udl_at + 3);
    }
}

/// Values that sit on the limits the decoder checks.
const INTERESTING: &[u8] = &[
    0x00, 0x01, 0x02, 0x05, 0x07, 0x0A, 0x0B, 0x0C, 0x13, 0x14, 0x15, 0x7F, 0x80, 0x8B, 0x8C, 0x8D,
    0x9F, 0xA0, 0xA1, 0xFE, 0xFF,
];

fn mutate(rng: &mut SplitMix64, seed: &[u8], lengths: &[usize]) -> Vec<u8> {
    let mut data = seed.to_vec();
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        let len = data.len();
        match rng.below(8) {
            0 if len > 0 => {
                let at = rng.below(len);
                data[at] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let at = rng.below(len);
                data[at] = rng.byte();
            }
            2 => data.truncate(rng.below(len + 1)),
            3 => {
                let at = rng.below(len + 1);
                let value = rng.byte();
                data.insert(at, value);
            }
            4 if len > 0 => {
                data.remove(rng.below(len));
            }
            5 | 6 => {
                let at = *rng.pick(lengths);
                if at < len {
                    data[at] = match rng.below(3) {
                        0 => *rng.pick(INTERESTING),
                        1 => data[at].wrapping_add(1),
                        _ => data[at].wrapping_sub(1),
                    };
                }
            }
            _ => {
                // Duplicate a slice of the PDU at its end (trailing junk, repeated fields).
                if len > 0 {
                    let start = rng.below(len);
                    let end = start + rng.below(len - start + 1);
                    data.extend_from_within(start..end);
                }
            }
        }
    }
    data
}

/// Text that is mostly hex, with the things a serial line adds: white space, odd lengths,
/// stray letters, non-ASCII characters.
fn hexish(rng: &mut SplitMix64, base: Option<&str>) -> String {
    const ALPHABET: &[char] = &[
        '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F', 'a', 'b',
        'c', 'd', 'e', 'f',
    ];
    const NOISE: &[char] = &[
        ' ', '\t', '\r', '\n', 'G', 'x', 'Z', ',', '"', 'é', '😀', '\u{3000}', '\u{0}',
    ];
    let mut chars: Vec<char> = match base {
        Some(hex) => hex.chars().collect(),
        None => (0..rng.below(201)).map(|_| *rng.pick(ALPHABET)).collect(),
    };
    let edits = rng.below(4);
    for _ in 0..edits {
        let len = chars.len();
        match rng.below(4) {
            0 => chars.insert(rng.below(len + 1), *rng.pick(NOISE)),
            1 if len > 0 => {
                chars.remove(rng.below(len));
            }
            2 if len > 0 => {
                let at = rng.below(len);
                chars[at] = *rng.pick(NOISE);
            }
            _ => chars.truncate(rng.below(len + 1)),
        }
    }
    if rng.below(4) == 0 {
        chars.insert(0, ' ');
        chars.push('\n');
    }
    chars.into_iter().collect()
}

#[test]
fn regressions_do_not_panic() {
    let mut tally = Tally::default();
    for hex in REGRESSIONS {
        check_octets(&pdu_octets(hex), &mut tally);
        check_hex_text(hex, &mut tally);
    }
    assert_eq!(tally.octet_inputs, REGRESSIONS.len());
    assert!(
        tally.rejected > 0,
        "the regression inputs are all malformed"
    );
}

#[test]
fn decoder_survives_random_and_mutated_input() {
    let mut rng = SplitMix64(SEED);
    let mut tally = Tally::default();
    let seeds = seed_corpus();

    // 1. Purely random octets, lengths 0..=200.
    for _ in 0..20_000 {
        let length = rng.below(201);
        let octets: Vec<u8> = (0..length).map(|_| rng.byte()).collect();
        check_octets(&octets, &mut tally);
    }
    // Random octets behind a plausible start (empty SMSC, each TP-MTI), so the parsers past
    // the first octet see random input too.
    for _ in 0..10_000 {
        let length = rng.below(200);
        let mut octets = vec![0x00, rng.byte() & 0x47];
        octets.extend((0..length).map(|_| rng.byte()));
        check_octets(&octets, &mut tally);
    }

    // 2. Systematic damage to every seed: every truncation, every single bit flip, and each
    //    length octet set to each interesting value.
    for seed in &seeds {
        for length in 0..=seed.len() {
            check_octets(&seed[..length], &mut tally);
        }
        for at in 0..seed.len() {
            for bit in 0..8 {
                let mut flipped = seed.clone();
                flipped[at] ^= 1 << bit;
                check_octets(&flipped, &mut tally);
            }
        }
        for &at in &length_octets(seed) {
            for &value in INTERESTING {
                let mut corrupted = seed.clone();
                corrupted[at] = value;
                check_octets(&corrupted, &mut tally);
            }
        }
    }

    // 3. Random stacked mutations of random seeds.
    let lengths: Vec<Vec<usize>> = seeds.iter().map(|seed| length_octets(seed)).collect();
    for _ in 0..50_000 {
        let index = rng.below(seeds.len());
        let mutated = mutate(&mut rng, &seeds[index], &lengths[index]);
        check_octets(&mutated, &mut tally);
    }

    // 4. Hex-ish text: random, and the seeds' hex with serial-line damage.
    for _ in 0..20_000 {
        let text = hexish(&mut rng, None);
        check_hex_text(&text, &mut tally);
    }
    let seed_hex: Vec<String> = seeds.iter().map(|seed| hex_of(seed)).collect();
    for _ in 0..20_000 {
        let base = rng.pick(&seed_hex).clone();
        let text = hexish(&mut rng, Some(&base));
        check_hex_text(&text, &mut tally);
    }

    // Written to stderr directly: the test harness captures print!/eprint! of passing tests,
    // and this line is the log's evidence that the test decoded something.
    let _ = writeln!(
        std::io::stderr(),
        "pdu_robustness: {} seeds; {} octet inputs, {} hex inputs; decoded OK {}, rejected {}, \
         warnings {}",
        seeds.len(),
        tally.octet_inputs,
        tally.hex_inputs,
        tally.decoded,
        tally.rejected,
        tally.warnings
    );
    assert!(
        tally.octet_inputs >= 100_000,
        "only {} octet inputs",
        tally.octet_inputs
    );
    assert!(
        tally.hex_inputs >= 100_000,
        "only {} hex inputs",
        tally.hex_inputs
    );
    assert!(
        tally.decoded > 0,
        "nothing decoded: the inputs are all noise"
    );
    assert!(
        tally.rejected > 0,
        "nothing rejected: the inputs are all valid"
    );
    assert!(tally.warnings > 0, "no warning was ever produced");
}
