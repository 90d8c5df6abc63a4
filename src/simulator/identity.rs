//! Who a simulated modem and its SIM card are: IMEI, ICCID, IMSI and phone number of a real
//! operator, generated deterministically from a seed and a port index.
//!
//! The daemon names modems by IMEI and SIMs by ICCID, checks Luhn digits, reads the operator
//! from the IMSI and learns the number from `+CNUM` or from the operator's USSD code. So the
//! simulated values follow the real formats (ITU-T E.118 ICCID, TS 23.003 IMSI and IMEI, E.164
//! numbers of real mobile ranges) closely enough that every one of those code paths runs.
//!
//! Generation is a pure function of `(seed, index)`: the same rack comes back after a restart,
//! and two ports of one rack never share a number, an ICCID, an IMSI or an IMEI (each is an
//! affine permutation of the port index, see [`unique_digits`]). How the modem answers
//! questions about these identities is [`super::modem`]'s business.

use super::personality::Personality;

/// A real mobile operator: what its SIM cards and numbers look like.
///
/// The values are public facts (MCC/MNC from ITU-T E.212 lists, country calling codes from
/// E.164, SMSC numbers as operators publish them); the mobile prefixes are real ranges of each
/// operator, but the numbers generated inside them are made up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    /// Mobile country code (TS 23.003 §2.2), 3 digits.
    pub mcc: &'static str,
    /// Mobile network code, 2 or 3 digits as the IMSI carries it.
    pub mnc: &'static str,
    /// The long alphanumeric name `+COPS?` prints in format 0.
    pub name: &'static str,
    /// The short alphanumeric name `+COPS=?` lists in format 1.
    pub short_name: &'static str,
    /// ISO 3166 alpha-2 country code.
    pub country: &'static str,
    /// E.164 country calling code, without '+'.
    pub calling_code: &'static str,
    /// The first digits of the national significant number of one of the operator's mobile
    /// ranges.
    pub msisdn_prefix: &'static str,
    /// Length of the national significant number (the digits after the calling code).
    pub nsn_len: usize,
    /// The operator's real USSD code that answers with the subscriber's own number, if it has
    /// one: the only way to learn the number of a SIM that does not store it (`+CNUM` empty).
    pub number_ussd: Option<&'static str>,
    /// Digits after `89` + calling code that start the operator's ICCIDs (E.118 issuer
    /// identifier, as printed on its cards).
    pub iccid_issuer: &'static str,
    /// ICCID length including the Luhn check digit: 19 or 20, as the operator issues them.
    /// A 19-digit ICCID is what exercises the `F` padding of EF_ICCID.
    pub iccid_len: usize,
    /// The SMS service centre the SIM holds (`+CSCA?`) and incoming PDUs carry.
    pub smsc: &'static str,
}

/// The operators simulated SIMs belong to: several countries, number lengths, ICCID lengths,
/// 2- and 3-digit MNCs, with and without a number-query USSD code.
pub const OPERATORS: &[Operator] = &[
    Operator {
        mcc: "262",
        mnc: "01",
        name: "Telekom.de",
        short_name: "TDG",
        country: "DE",
        calling_code: "49",
        msisdn_prefix: "151",
        nsn_len: 11,
        number_ussd: None,
        iccid_issuer: "01",
        iccid_len: 20,
        smsc: "+491710760000",
    },
    Operator {
        mcc: "234",
        mnc: "15",
        name: "vodafone UK",
        short_name: "voda UK",
        country: "GB",
        calling_code: "44",
        // 07723: a mobile range in use; the whole of 077 is not (07700 900xxx is kept
        // for drama, Ofcom), and a simulated number must be one a real SIM could have.
        msisdn_prefix: "7723",
        nsn_len: 10,
        number_ussd: None,
        iccid_issuer: "10",
        iccid_len: 19,
        smsc: "+447785016005",
    },
    Operator {
        mcc: "250",
        mnc: "01",
        name: "MTS RUS",
        short_name: "MTS",
        country: "RU",
        calling_code: "7",
        msisdn_prefix: "916",
        nsn_len: 10,
        number_ussd: Some("*111*0887#"),
        iccid_issuer: "010",
        iccid_len: 20,
        smsc: "+79168999100",
    },
    Operator {
        mcc: "250",
        mnc: "99",
        name: "Beeline",
        short_name: "Beeline",
        country: "RU",
        calling_code: "7",
        msisdn_prefix: "903",
        nsn_len: 10,
        number_ussd: Some("*110*10#"),
        iccid_issuer: "019",
        iccid_len: 20,
        smsc: "+79037011111",
    },
    Operator {
        mcc: "250",
        mnc: "02",
        name: "MegaFon",
        short_name: "MegaFon",
        country: "RU",
        calling_code: "7",
        msisdn_prefix: "926",
        nsn_len: 10,
        number_ussd: Some("*205#"),
        iccid_issuer: "020",
        iccid_len: 20,
        smsc: "+79262909090",
    },
    Operator {
        mcc: "310",
        mnc: "260",
        name: "T-Mobile",
        short_name: "T-Mobile",
        country: "US",
        calling_code: "1",
        // Seattle area code 206, exchange 45x: NANP exchanges cannot start with 0 or 1.
        msisdn_prefix: "20645",
        nsn_len: 10,
        number_ussd: Some("#686#"),
        iccid_issuer: "260",
        iccid_len: 20,
        smsc: "+12063130004",
    },
    Operator {
        mcc: "404",
        mnc: "45",
        name: "airtel",
        short_name: "airtel",
        country: "IN",
        calling_code: "91",
        msisdn_prefix: "98",
        nsn_len: 10,
        number_ussd: Some("*282#"),
        iccid_issuer: "45",
        iccid_len: 19,
        smsc: "+919845086006",
    },
    Operator {
        mcc: "208",
        mnc: "01",
        name: "Orange F",
        short_name: "Orange",
        country: "FR",
        calling_code: "33",
        // 06 1x: metropolitan mobile numbers (06 9x belongs to the overseas departments).
        msisdn_prefix: "61",
        nsn_len: 9,
        number_ussd: None,
        iccid_issuer: "01",
        iccid_len: 19,
        smsc: "+33689004000",
    },
];

/// A SIM card: what the modem reads from it and what the network knows it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimIdentity {
    /// ICCID (ITU-T E.118): `89` + calling code + issuer + serial + Luhn check digit, 19 or 20
    /// digits. How the daemon names a SIM wherever it sits.
    pub iccid: String,
    /// IMSI (TS 23.003 §2.2): MCC + MNC + MSIN, 15 digits.
    pub imsi: String,
    /// The subscriber's number, E.164 with '+'; `None` for a SIM whose number nobody knows.
    pub msisdn: Option<String>,
    /// Whether EF_MSISDN holds the number. When false `+CNUM` answers a bare `OK` and the
    /// number is only learnt through the operator's USSD code, as with many prepaid SIMs.
    pub msisdn_on_sim: bool,
    /// The operator that issued the card.
    pub operator: &'static Operator,
    /// The PIN the SIM asks for at power-up, if PIN protection is on.
    pub pin: Option<String>,
}

/// The PUK of every simulated SIM: unblocks a SIM after three wrong PINs (`+CPIN="<puk>",
/// "<new pin>"`). A constant because tests need to know it and nothing depends on secrecy.
pub const SIM_PUK: &str = "12345678";

/// The modem module itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModemIdentity {
    /// IMEI (TS 23.003 §6.2.1): 8-digit type allocation code of the imitated model, 6-digit
    /// serial, Luhn check digit. The daemon names a port's module by it.
    pub imei: String,
}

/// Distinguishes the random streams drawn for each field, so that the ICCID serial and the
/// IMSI of one SIM are not the same digits.
mod stream {
    pub const OPERATOR: u64 = 0x4F50_4552;
    pub const ICCID: u64 = 0x4943_4349;
    pub const IMSI: u64 = 0x494D_5349;
    pub const MSISDN: u64 = 0x4D53_4953;
    pub const ON_SIM: u64 = 0x4F4E_5349;
    pub const IMEI: u64 = 0x494D_4549;
}

impl SimIdentity {
    /// The SIM first found in port `index` of the rack generated from `seed`.
    pub fn generate(seed: u64, index: u32) -> SimIdentity {
        SimIdentity::generate_swapped(seed, index, 0)
    }

    /// The SIM put into port `index` at its `swap_no`-th swap (0 is the original SIM), so that a
    /// simulated SIM swap brings a card the rack has never seen. Unique per
    /// `(seed, index, swap_no)` for `index` < 65 536 and fewer than 150 swaps per port (the
    /// key space of the shortest serial field, 10^7).
    pub fn generate_swapped(seed: u64, index: u32, swap_no: u32) -> SimIdentity {
        let key = u64::from(swap_no) * 65_536 + u64::from(index);
        let operator_pick = mix(seed ^ stream::OPERATOR ^ mix(key));
        let operator = &OPERATORS[(operator_pick % OPERATORS.len() as u64) as usize];

        let iccid_prefix = format!("89{}{}", operator.calling_code, operator.iccid_issuer);
        let iccid_serial_len = operator.iccid_len - 1 - iccid_prefix.len();
        let iccid_body = format!(
            "{iccid_prefix}{}",
            unique_digits(seed ^ stream::ICCID, key, iccid_serial_len)
        );
        let iccid = with_luhn(&iccid_body);

        let msin_len = 15 - operator.mcc.len() - operator.mnc.len();
        let imsi = format!(
            "{}{}{}",
            operator.mcc,
            operator.mnc,
            unique_digits(seed ^ stream::IMSI, key, msin_len)
        );

        let subscriber_len = operator.nsn_len - operator.msisdn_prefix.len();
        let msisdn = format!(
            "+{}{}{}",
            operator.calling_code,
            operator.msisdn_prefix,
            unique_digits(seed ^ stream::MSISDN, key, subscriber_len)
        );

        // One SIM in four whose operator has a number-query code keeps no number on the card,
        // so that the daemon's USSD path is exercised as often as real prepaid SIMs need it.
        let msisdn_on_sim = operator.number_ussd.is_none()
            || !mix(seed ^ stream::ON_SIM ^ mix(key)).is_multiple_of(4);

        SimIdentity {
            iccid,
            imsi,
            msisdn: Some(msisdn),
            msisdn_on_sim,
            operator,
            pin: None,
        }
    }
}

impl ModemIdentity {
    /// The module in port `index` of the rack generated from `seed`, with a type allocation
    /// code of the imitated model. Unique per `(seed, index)` for `index` < 1 000 000.
    pub fn generate(seed: u64, index: u32, personality: Personality) -> ModemIdentity {
        let tac = personality.profile().imei_tac;
        let body = format!(
            "{tac}{}",
            unique_digits(seed ^ stream::IMEI, u64::from(index), 6)
        );
        ModemIdentity {
            imei: with_luhn(&body),
        }
    }
}

/// The splitmix64 generator (Steele, Lea, Flood 2014): tiny, fast, and good enough for
/// simulated identities and line noise. Deterministic so that a simulated rack and its faults
/// replay exactly; no dependency needed.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator whose stream is fixed by `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        finalise(self.state)
    }

    /// A number in `0..bound`; 0 when `bound` is 0. The modulo bias is irrelevant here.
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            0
        } else {
            self.next_u64() % bound
        }
    }
}

/// One splitmix64 step on `value`: a well-mixed hash of a 64-bit value, used to derive
/// independent streams from one seed.
pub fn mix(value: u64) -> u64 {
    finalise(value.wrapping_add(0x9E37_79B9_7F4A_7C15))
}

fn finalise(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `len` decimal digits that are a permutation of `key` within `0..10^len`: `(a·key + b) mod
/// 10^len` with `a` coprime to 10, both drawn from `seed`. Distinct keys below 10^len give
/// distinct digits, which is what makes numbers and serials unique per port without keeping
/// a registry, while still looking random.
pub fn unique_digits(seed: u64, key: u64, len: usize) -> String {
    let len = len.min(18);
    let modulus = 10u128.pow(len as u32);
    let mut a = u128::from(mix(seed)) % modulus;
    // Coprime to 10: odd and not a multiple of 5. Adding 2 keeps it odd and, since a is
    // odd and ends in 5, makes it end in 7.
    a |= 1;
    if a.is_multiple_of(5) {
        a = (a + 2) % modulus;
    }
    let b = u128::from(mix(seed ^ 0x5EED)) % modulus;
    let value = (a * u128::from(key) + b) % modulus;
    format!("{value:0len$}")
}

/// The Luhn check digit of a string of ASCII digits (ISO/IEC 7812-1 Annex B), as IMEIs
/// (TS 23.003 §6.2.1) and ICCIDs (E.118) carry it. Non-digits count as 0.
pub fn luhn_digit(digits: &str) -> u8 {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(position, byte)| {
            let digit = u32::from(byte.wrapping_sub(b'0')).min(9);
            if position % 2 == 0 {
                let doubled = digit * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                digit
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// `digits` followed by their Luhn check digit.
fn with_luhn(digits: &str) -> String {
    format!("{digits}{}", luhn_digit(digits))
}

/// Whether the last digit of `digits` is the Luhn check digit of the others.
pub fn luhn_valid(digits: &str) -> bool {
    match digits.len().checked_sub(1) {
        Some(body_len) if body_len > 0 && digits.bytes().all(|b| b.is_ascii_digit()) => {
            let (body, check) = digits.split_at(body_len);
            check.as_bytes()[0] - b'0' == luhn_digit(body)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn luhn_matches_known_values() {
        // The IMEI example of TS 23.003 Annex B: 49015420323751 → check digit 8.
        assert_eq!(luhn_digit("49015420323751"), 8);
        assert!(luhn_valid("490154203237518"));
        assert!(!luhn_valid("490154203237519"));
        assert!(!luhn_valid(""));
        assert!(!luhn_valid("12a"));
    }

    #[test]
    fn sims_follow_the_real_formats() {
        for index in 0..200 {
            let sim = SimIdentity::generate(7, index);
            let operator = sim.operator;
            assert_eq!(sim.iccid.len(), operator.iccid_len, "{sim:?}");
            assert!(
                sim.iccid
                    .starts_with(&format!("89{}", operator.calling_code))
            );
            assert!(luhn_valid(&sim.iccid), "{}", sim.iccid);
            assert_eq!(sim.imsi.len(), 15);
            assert!(
                sim.imsi
                    .starts_with(&format!("{}{}", operator.mcc, operator.mnc))
            );
            let msisdn = sim.msisdn.clone().unwrap();
            assert_eq!(
                msisdn.len(),
                1 + operator.calling_code.len() + operator.nsn_len,
                "{msisdn}"
            );
            assert!(msisdn.starts_with(&format!(
                "+{}{}",
                operator.calling_code, operator.msisdn_prefix
            )));
            if operator.number_ussd.is_none() {
                assert!(sim.msisdn_on_sim);
            }
        }
    }

    #[test]
    fn identities_are_unique_per_port_and_swap_and_repeat_per_seed() {
        let mut numbers = HashSet::new();
        let mut iccids = HashSet::new();
        let mut imsis = HashSet::new();
        for index in 0..300 {
            for swap in 0..4 {
                let sim = SimIdentity::generate_swapped(42, index, swap);
                assert!(numbers.insert(sim.msisdn.clone()));
                assert!(iccids.insert(sim.iccid.clone()));
                assert!(imsis.insert(sim.imsi.clone()));
            }
        }
        assert_eq!(SimIdentity::generate(42, 5), SimIdentity::generate(42, 5));
        assert_ne!(SimIdentity::generate(42, 5), SimIdentity::generate(43, 5));
    }

    #[test]
    fn about_one_in_four_ussd_operator_sims_keep_no_number() {
        let ussd_sims: Vec<_> = (0..2000)
            .map(|index| SimIdentity::generate(1, index))
            .filter(|sim| sim.operator.number_ussd.is_some())
            .collect();
        let off_sim = ussd_sims.iter().filter(|sim| !sim.msisdn_on_sim).count();
        let share = off_sim as f64 / ussd_sims.len() as f64;
        assert!((0.18..0.32).contains(&share), "{share}");
    }

    #[test]
    fn imeis_are_valid_unique_and_carry_the_model_tac() {
        let mut imeis = HashSet::new();
        for personality in Personality::ALL {
            for index in 0..100 {
                let modem = ModemIdentity::generate(3, index, personality);
                assert_eq!(modem.imei.len(), 15);
                assert!(luhn_valid(&modem.imei));
                assert!(modem.imei.starts_with(personality.profile().imei_tac));
                assert!(imeis.insert(modem.imei));
            }
        }
    }

    #[test]
    fn unique_digits_is_a_permutation() {
        let seen: HashSet<_> = (0..1000).map(|key| unique_digits(9, key, 3)).collect();
        assert_eq!(seen.len(), 1000);
    }

    #[test]
    fn every_operator_is_used() {
        let used: HashSet<_> = (0..500)
            .map(|index| SimIdentity::generate(11, index).operator.name)
            .collect();
        assert_eq!(used.len(), OPERATORS.len());
    }

    #[test]
    fn every_generated_number_is_a_valid_mobile_number_of_its_country() {
        for seed in 0..5u64 {
            for index in 0..200u32 {
                let sim = SimIdentity::generate(seed, index);
                let number = sim.msisdn.clone().unwrap();
                assert_eq!(
                    crate::inventory::normalise(&number, Some(sim.operator.country)).ok(),
                    Some(number.clone()),
                    "{} {number}",
                    sim.operator.name
                );
            }
        }
    }
}
