//! Phone numbers as modems, SIMs, operators and technicians write them, turned into E.164.
//!
//! The same number reaches the daemon as `+4915112345678` (`+CNUM` with type 145),
//! `004915112345678`, `015112345678` (national, type 129), `79161234567` (a Russian USSD
//! answer without '+') or `8 916 123-45-67` (Russian national format with the trunk prefix
//! 8). The pool keys numbers by one canonical form, E.164 with '+', so that a number learnt
//! from `+CNUM` and the same number typed by a technician are one number.
//!
//! Parsing and validity come from the `phonenumber` crate (the libphonenumber metadata):
//! only numbers that are valid in their country's numbering plan are accepted, so a
//! balance, a date or a truncated number is refused rather than stored. The shape a written
//! number may have and its international reading are the configuration's (it checks
//! `[numbers]` with them when the file is loaded); this module adds the national readings.

use phonenumber::PhoneNumber;
use phonenumber::country::Id;

pub use crate::config::NumberError;
use crate::config::e164::{e164, international, is_valid, strip};

/// `raw` as E.164 with a leading '+', e.g. `+4915112345678`.
///
/// `country` (ISO 3166-1 alpha-2, any case; usually from [`super::country_of_imsi`]) is the
/// region a number without '+' is read in: `015112345678` with `DE`, `8 916 123-45-67`
/// with `RU`. A number written internationally without '+' or `00` (`79161234567`,
/// `4915112345678`) is also understood, with or without a hint: when the text is not a
/// valid national number, it is tried as an international one.
///
/// Why so forgiving: the same number arrives from `+CNUM`, from operators' USSD texts and
/// from technicians, each in its own habits, and must end up as one key.
///
/// # Errors
/// [`NumberError::Malformed`] for text that is not a written number, [`NumberError::UnknownCountry`]
/// for a hint the numbering metadata does not know, [`NumberError::Invalid`] when no reading
/// gives a valid number.
pub fn normalise(raw: &str, country: Option<&str>) -> Result<String, NumberError> {
    let region = country.map(region_of).transpose()?;
    let (plus, digits) = strip(raw)?;
    readings(plus, &digits, region)
        .first()
        .map(e164)
        .ok_or_else(|| NumberError::Invalid {
            input: raw.to_owned(),
            country: country.map(str::to_ascii_uppercase),
        })
}

/// Like [`normalise`], but only a number of a type a SIM card can have: mobile, or a number
/// the plan cannot tell from a mobile one (NANP); `None` otherwise.
///
/// Why separate: text found inside a USSD answer may also hold service and toll-free
/// numbers ("call 0800 ..."), which are valid numbers but never the SIM's.
pub(crate) fn normalise_subscriber(raw: &str, country: Option<&str>) -> Option<String> {
    let region = country.and_then(|country| region_of(country).ok());
    let (plus, digits) = strip(raw).ok()?;
    readings(plus, &digits, region)
        .iter()
        .find(|number| is_subscriber_type(number))
        .map(e164)
}

/// The valid numbers `digits` can be read as, most likely first: with '+' only the
/// international reading; after `00` the international reading, then the national one in
/// `region`; otherwise the national reading in `region`, then the international one (a
/// number written without '+', as many USSD answers do).
fn readings(plus: bool, digits: &str, region: Option<Id>) -> Vec<PhoneNumber> {
    let national = || region.and_then(|region| parse_in_region(region, digits));
    if plus {
        international(digits).into_iter().collect()
    } else if let Some(after_prefix) = digits.strip_prefix("00") {
        // `00` is the international prefix of most of the world (ITU-T E.164 Annex A
        // recommends it).
        [international(after_prefix), national()]
            .into_iter()
            .flatten()
            .collect()
    } else {
        [national(), international(digits)]
            .into_iter()
            .flatten()
            .collect()
    }
}

/// `digits` read as a number dialled in `region`: national (with or without the trunk
/// prefix), or international after the region's own international prefix (`011` in the
/// NANP, `810` in Russia).
///
/// Works around `phonenumber` 0.3.10 stripping the *region's* trunk prefix from a number
/// of another country (`011 49 151...` read in the US lost the `1` of `151`): when the
/// number turns out to be of another country, it is parsed again as international, from
/// where its country code starts after the international prefix.
fn parse_in_region(region: Id, digits: &str) -> Option<PhoneNumber> {
    let own_code = phonenumber::metadata::DATABASE
        .by_id(region.as_ref())?
        .country_code();
    let number = phonenumber::parse(Some(region), digits).ok()?;
    let code = number.code().value();
    if code == own_code {
        return is_valid(&number).then_some(number);
    }
    let code = code.to_string();
    (1..=4)
        .filter_map(|prefix_len| digits.get(prefix_len..))
        .filter(|rest| rest.starts_with(&code))
        .find_map(international)
}

/// Whether a parsed number is of a type a SIM's own number can be.
fn is_subscriber_type(number: &PhoneNumber) -> bool {
    use phonenumber::Type;
    matches!(
        number.number_type(&phonenumber::metadata::DATABASE),
        Type::Mobile | Type::FixedLineOrMobile
    )
}

/// The numbering region of an ISO alpha-2 code, if the metadata has a plan for it.
///
/// Checked against the metadata, not only the code list: the parser unwraps the metadata
/// of the region it is given, and a region without a plan would panic it.
fn region_of(country: &str) -> Result<Id, NumberError> {
    let unknown = || NumberError::UnknownCountry {
        country: country.to_owned(),
    };
    let upper = country.trim().to_ascii_uppercase();
    if upper.len() != 2 || !upper.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(unknown());
    }
    let id: Id = upper.parse().map_err(|_| unknown())?;
    if phonenumber::metadata::DATABASE.by_id(id.as_ref()).is_none() {
        return Err(unknown());
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::simulator::identity::{OPERATORS, SimIdentity};

    #[test]
    fn the_brief_examples() {
        assert_eq!(normalise("+4915112345678", None).unwrap(), "+4915112345678");
        assert_eq!(
            normalise("004915112345678", None).unwrap(),
            "+4915112345678"
        );
        assert_eq!(
            normalise("004915112345678", Some("DE")).unwrap(),
            "+4915112345678"
        );
        assert_eq!(
            normalise("015112345678", Some("DE")).unwrap(),
            "+4915112345678"
        );
        assert_eq!(
            normalise("79161234567", Some("RU")).unwrap(),
            "+79161234567"
        );
        assert_eq!(normalise("79161234567", None).unwrap(), "+79161234567");
        assert_eq!(
            normalise("8 916 123-45-67", Some("RU")).unwrap(),
            "+79161234567"
        );
        assert_eq!(
            normalise("8 916 123-45-67", Some("ru")).unwrap(),
            "+79161234567"
        );
    }

    #[test]
    fn separators_and_trunk_prefixes() {
        assert_eq!(
            normalise("+7 (916) 123-45-67", None).unwrap(),
            "+79161234567"
        );
        assert_eq!(
            normalise("+49 (0)151 1234 5678", None).unwrap(),
            "+4915112345678"
        );
        assert_eq!(
            normalise(" 0151/12345678 ", Some("DE")).unwrap(),
            "+4915112345678"
        );
        assert_eq!(
            normalise("07712 345678", Some("GB")).unwrap(),
            "+447712345678"
        );
        assert_eq!(
            normalise("06 12 34 56 78", Some("FR")).unwrap(),
            "+33612345678"
        );
        assert_eq!(
            normalise("(206) 555-0123", Some("US")).unwrap(),
            "+12065550123"
        );
        assert_eq!(
            normalise("011 49 151 12345678", Some("US")).unwrap(),
            "+4915112345678"
        );
        assert_eq!(
            normalise("098450 12345", Some("IN")).unwrap(),
            "+919845012345"
        );
    }

    #[test]
    fn international_without_plus_in_another_region() {
        // A German number written without '+' on a Russian SIM's USSD answer.
        assert_eq!(
            normalise("4915112345678", Some("RU")).unwrap(),
            "+4915112345678"
        );
    }

    #[test]
    fn errors_name_the_input() {
        let error = normalise("12.50", Some("RU")).unwrap_err();
        assert!(matches!(error, NumberError::Malformed { .. }), "{error:?}");
        assert!(error.to_string().contains("'12.50'"), "{error}");

        let error = normalise("+79161234", None).unwrap_err();
        assert_eq!(
            error,
            NumberError::Invalid {
                input: "+79161234".to_owned(),
                country: None
            }
        );
        assert!(error.to_string().contains("'+79161234'"), "{error}");

        let error = normalise("0000000000", Some("de")).unwrap_err();
        assert!(error.to_string().contains("in DE"), "{error}");

        for bad in [
            "",
            "+",
            "abc",
            "1-800-FLOWERS",
            "+7916+1234567",
            "*111*0887#",
            "+1 206 555 0123 ext. 5",
        ] {
            assert!(normalise(bad, None).is_err(), "{bad:?}");
        }
        assert!(normalise("+4915112345678123456", None).is_err());
    }

    #[test]
    fn unknown_country_hints_are_refused() {
        for hint in ["XX", "", "DEU", "1A", "Д"] {
            assert_eq!(
                normalise("015112345678", Some(hint)),
                Err(NumberError::UnknownCountry {
                    country: hint.to_owned()
                }),
                "{hint:?}"
            );
        }
    }

    #[test]
    fn a_number_of_each_simulated_operator() {
        // One real-format number per operator of src/simulator/identity.rs, international
        // and national.
        let cases = [
            ("DE", "+4915112345678", "015112345678"),
            ("GB", "+447712345678", "07712345678"),
            ("RU", "+79161234567", "89161234567"),
            ("RU", "+79033962811", "89033962811"),
            ("RU", "+79261234567", "89261234567"),
            ("US", "+12065550123", "2065550123"),
            ("IN", "+919845012345", "09845012345"),
            ("FR", "+33612345678", "0612345678"),
        ];
        for (country, international, national) in cases {
            assert_eq!(normalise(international, None).unwrap(), international);
            assert_eq!(
                normalise(international, Some(country)).unwrap(),
                international
            );
            assert_eq!(
                normalise(national, Some(country)).unwrap(),
                international,
                "{national}"
            );
        }
        for operator in OPERATORS {
            assert!(
                cases
                    .iter()
                    .any(|(country, ..)| *country == operator.country),
                "{}",
                operator.name
            );
        }
    }

    #[test]
    fn simulated_numbers_come_back_unchanged_or_are_refused() {
        // The simulator draws the digits after each operator's prefix at random, so some of
        // its numbers fall in ranges the numbering plans do not assign (a US exchange
        // starting with 0 or 1, French 069x which belong to the overseas departments).
        // Those are refused; every other one must come back exactly as it went in.
        let mut refused = 0;
        let total = 400;
        for index in 0..total {
            let sim = SimIdentity::generate(5, index);
            let number = sim.msisdn.clone().unwrap();
            match normalise(&number, Some(sim.operator.country)) {
                Ok(e164) => assert_eq!(e164, number),
                Err(NumberError::Invalid { .. }) => refused += 1,
                Err(other) => panic!("{number}: {other}"),
            }
        }
        assert!(refused * 10 < total, "{refused} of {total} refused");
    }

    #[test]
    fn subscriber_numbers_exclude_service_numbers() {
        assert_eq!(
            normalise_subscriber("+79161234567", None).as_deref(),
            Some("+79161234567")
        );
        // German toll-free 0800: a valid number, not a SIM's.
        assert_eq!(
            normalise("0800 3301000", Some("DE")).unwrap(),
            "+498003301000"
        );
        assert_eq!(normalise_subscriber("0800 3301000", Some("DE")), None);
        assert_eq!(normalise_subscriber("+44 800 800150", None), None);
        // US numbers cannot be told from fixed lines: they are taken.
        assert_eq!(
            normalise_subscriber("+1 206 555 0123", None).as_deref(),
            Some("+12065550123")
        );
        // Without a hint a national number cannot be read.
        assert_eq!(normalise_subscriber("89161234567", None), None);
    }

    proptest! {
        #[test]
        fn never_panics(raw in "[+]?[0-9 ()./-]{0,24}", country in "[A-Z]{2}") {
            let _ = normalise(&raw, Some(&country));
            let _ = normalise(&raw, None);
            let _ = normalise_subscriber(&raw, Some(&country));
        }

        #[test]
        fn output_is_canonical(raw in "[+]?[0-9]{6,16}") {
            if let Ok(number) = normalise(&raw, None) {
                prop_assert!(number.starts_with('+'));
                prop_assert!(number[1..].bytes().all(|b| b.is_ascii_digit()));
                prop_assert!(number.len() <= 16);
                prop_assert_eq!(normalise(&number, None), Ok(number.clone()));
            }
        }
    }
}
