//! `[pins]`, `[ussd]` and `[numbers]`: what the file says about single SIMs (keyed by
//! ICCID) and operators (keyed by MCC-MNC): the PINs to unlock them, the USSD codes that
//! tell a SIM's number, and numbers technicians know.

use std::collections::BTreeMap;

use super::KeyPath;
use super::e164::international_number;

/// The problems of `[pins]`.
pub(super) fn pins_problems(
    pins: &BTreeMap<String, String>,
    problem: &mut dyn FnMut(KeyPath, String),
) {
    for (iccid, pin) in pins {
        let key = KeyPath::key("pins").then(iccid);
        if let Err(reason) = check_iccid(iccid) {
            problem(key.clone(), reason);
        }
        // The PIN itself is never echoed: error messages end up in logs.
        if !(4..=8).contains(&pin.len()) || !is_digits(pin) {
            problem(key, "a PIN is 4 to 8 digits".to_owned());
        }
    }
}

/// The problems of `[ussd]`.
pub(super) fn ussd_problems(
    ussd: &BTreeMap<String, String>,
    problem: &mut dyn FnMut(KeyPath, String),
) {
    for (operator, code) in ussd {
        let key = KeyPath::key("ussd").then(operator);
        let well_formed = operator.split_once('-').is_some_and(|(mcc, mnc)| {
            mcc.len() == 3 && is_digits(mcc) && (2..=3).contains(&mnc.len()) && is_digits(mnc)
        });
        if !well_formed {
            problem(
                key.clone(),
                "the key is \"MCC-MNC\": 3 digits, '-', 2 or 3 digits".to_owned(),
            );
        }
        if code.is_empty() || !code.bytes().all(|b| b"0123456789*#+".contains(&b)) {
            problem(
                key,
                format!("'{code}' is not a USSD code (digits, '*', '#', '+')"),
            );
        }
    }
}

/// The problems of `[numbers]`: ICCIDs, numbers that are not E.164 with '+', and one
/// number given to two SIMs (compared in canonical form).
pub(super) fn numbers_problems(
    numbers: &BTreeMap<String, String>,
    problem: &mut dyn FnMut(KeyPath, String),
) {
    let mut owners: BTreeMap<String, &str> = BTreeMap::new();
    for (iccid, number) in numbers {
        let key = KeyPath::key("numbers").then(iccid);
        if let Err(reason) = check_iccid(iccid) {
            problem(key.clone(), reason);
        }
        if !number.trim_start().starts_with('+') {
            problem(
                key,
                format!("'{number}' is not E.164: it must start with '+'"),
            );
            continue;
        }
        match international_number(number) {
            Err(error) => problem(key, error.to_string()),
            Ok(e164) => {
                if let Some(other) = owners.get(&e164) {
                    problem(key, format!("{e164} is also the number of ICCID {other}"));
                } else {
                    owners.insert(e164, iccid);
                }
            }
        }
    }
}

/// Rewrites every number of `[numbers]` into E.164, after [`numbers_problems`] found none.
pub(super) fn canonicalise_numbers(numbers: &mut BTreeMap<String, String>) {
    for number in numbers.values_mut() {
        if let Ok(e164) = international_number(number) {
            *number = e164;
        }
    }
}

fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// An ICCID as E.118 defines it and modems print it: 18 to 22 digits (19 or 20 in
/// practice).
fn check_iccid(iccid: &str) -> Result<(), String> {
    if (18..=22).contains(&iccid.len()) && is_digits(iccid) {
        Ok(())
    } else {
        Err("an ICCID is 18 to 22 digits".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{each_names_its_key, problem};

    #[test]
    fn a_pin_is_never_echoed() {
        let message = problem("[pins]\n\"89490200001234567890\" = \"123\"");
        assert!(
            !message.contains("\"123\"") && !message.contains("'123'"),
            "{message}"
        );
    }

    #[test]
    fn each_bad_value_names_its_key() {
        each_names_its_key(&[
            (
                "[pins]\n\"8949x\" = \"1234\"",
                "pins.\"8949x\": an ICCID is 18 to 22 digits",
            ),
            (
                "[pins]\n\"89490200001234567890\" = \"12\"",
                "pins.\"89490200001234567890\": a PIN is 4 to 8 digits",
            ),
            (
                "[pins]\n\"89490200001234567890\" = \"12a4\"",
                "a PIN is 4 to 8 digits",
            ),
            (
                "[ussd]\n\"25001\" = \"*100#\"",
                "ussd.\"25001\": the key is \"MCC-MNC\"",
            ),
            (
                "[ussd]\n\"250-1\" = \"*100#\"",
                "ussd.\"250-1\": the key is",
            ),
            (
                "[ussd]\n\"250-01\" = \"*100# \"",
                "ussd.\"250-01\": '*100# ' is not a USSD code",
            ),
            (
                "[ussd]\n\"250-01\" = \"\"",
                "ussd.\"250-01\": '' is not a USSD code",
            ),
            (
                "[numbers]\n\"89490200001234567890\" = \"015112345678\"",
                "numbers.\"89490200001234567890\": '015112345678' is not E.164: it must start with '+'",
            ),
            (
                "[numbers]\n\"89490200001234567890\" = \"+7916123\"",
                "numbers.\"89490200001234567890\": '+7916123' is not a valid phone number",
            ),
            (
                "[numbers]\n\"1234\" = \"+79161234567\"",
                "numbers.\"1234\": an ICCID is 18 to 22 digits",
            ),
            (
                "[numbers]\n\"89490200001234567890\" = \"+79161234567\"\n\"89490200001234567891\" = \"+7 916 123 45 67\"",
                "numbers.\"89490200001234567891\": +79161234567 is also the number of ICCID 89490200001234567890",
            ),
        ]);
    }
}
