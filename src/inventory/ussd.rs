//! The subscriber's own number, learnt from the operator's USSD service.
//!
//! Many prepaid SIMs keep no number on the card (`+CNUM` answers a bare `OK`), and a number
//! nobody knows cannot be rented out. Most operators answer a number-query USSD code
//! (TS 22.090, sent with `+CUSD`, TS 27.007 §7.15) with a text that contains the number,
//! in the operator's language and format: "Ваш номер: +79161234567", "Your number is
//! 79033962811.", "Vash nomer 8 916 123 45 67". This module knows the codes of a few
//! operators and finds the number in such a text. Sending the code and decoding the answer's
//! character set (GSM 7-bit or UCS2 hex) is the port task's business; this module gets text.

use super::number::normalise_subscriber;
use crate::config::Config;

/// Number-query USSD codes of operators that have one, keyed by `"MCC-MNC"` as the IMSI
/// carries them, sorted by key.
///
/// Only codes this project could confirm are listed (they are also the ones the simulator
/// answers, `src/simulator/identity.rs`); others are configured per rack (`[ussd]` in the
/// config file), which also overrides these.
const NUMBER_QUERY_CODES: &[(&str, &str)] = &[
    ("250-01", "*111*0887#"), // MTS Russia
    ("250-02", "*205#"),      // MegaFon Russia
    ("250-99", "*110*10#"),   // Beeline Russia
    ("310-260", "#686#"),     // T-Mobile US
    ("404-45", "*282#"),      // Airtel India (Karnataka)
];

/// The built-in number-query USSD code of the operator `mcc`-`mnc` (MNC as the IMSI carries
/// it, 2 or 3 digits), or `None` when the operator has none this project knows.
///
/// Why built in: the main operators of the markets SIM racks serve should work without
/// configuration; the config file's `[ussd]` table adds and overrides codes.
pub fn default_number_query_code(mcc: &str, mnc: &str) -> Option<&'static str> {
    NUMBER_QUERY_CODES
        .iter()
        .find(|(key, _)| {
            key.split_once('-')
                .is_some_and(|(key_mcc, key_mnc)| key_mcc == mcc && key_mnc == mnc)
        })
        .map(|&(_, code)| code)
}

/// The number-query USSD code of operator `mcc`-`mnc` (MNC as the IMSI carries it): the
/// one `config`'s `[ussd]` gives, else the built-in one ([`default_number_query_code`]),
/// else `None`.
///
/// Why the file first: it adds codes for operators this project does not know and
/// corrects the built-in ones when an operator changes its code.
pub fn number_query_code<'a>(config: &'a Config, mcc: &str, mnc: &str) -> Option<&'a str> {
    config
        .configured_ussd_code(mcc, mnc)
        .or_else(|| default_number_query_code(mcc, mnc))
}

/// Most digit groups one run of text may have before it is not taken for a number: keeps
/// the work per answer bounded whatever the network sends.
const MAX_GROUPS: usize = 12;

/// The subscriber's number in a USSD answer `text`, as E.164 with '+', or `None` when the
/// text holds no plausible number.
///
/// `country` (ISO alpha-2, from the SIM's IMSI) reads numbers written nationally, like
/// Russian `8 916 123 45 67`. The first valid mobile number wins; toll-free and service
/// numbers ("call 8 800 ..."), balances ("12.50"), dates and times are not taken: only runs
/// of digits with spaces, hyphens or parentheses between them are considered, and only
/// numbers valid and mobile (or not distinguishable from mobile) in their numbering plan
/// are accepted. Runs glued to letters (`ID12345678`) are skipped.
///
/// Why: a SIM whose number is not on the card can only be rented once this text is read,
/// and operators word and format it in every possible way.
pub fn number_in_ussd_answer(text: &str, country: Option<&str>) -> Option<String> {
    runs(text)
        .into_iter()
        .find_map(|run| number_in_run(&run, country))
}

/// A stretch of text made of digit groups with separators between them.
#[derive(Debug, Default)]
struct Run {
    /// Whether the run opens with '+'.
    plus: bool,
    /// The digit groups in order.
    groups: Vec<String>,
}

/// Splits `text` into runs of digits, separators and an opening '+', dropping those glued
/// to a letter on either side.
fn runs(text: &str) -> Vec<Run> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut index = 0;
    while index < chars.len() {
        let c = chars[index];
        let opens = c.is_ascii_digit()
            || ((c == '+' || c == '(') && chars.get(index + 1).is_some_and(char::is_ascii_digit));
        if !opens {
            index += 1;
            continue;
        }
        let glued_before = index
            .checked_sub(1)
            .and_then(|before| chars.get(before))
            .is_some_and(|before| before.is_alphanumeric());
        let mut run = Run {
            plus: c == '+',
            ..Run::default()
        };
        let mut group = String::new();
        let mut end = index;
        // Just after the last digit: trailing separators are not part of the number, and
        // what follows them decides nothing ("+4915112345678 is your number").
        let mut digits_end = index;
        while let Some(&c) = chars.get(end) {
            match c {
                '0'..='9' => {
                    group.push(c);
                    digits_end = end + 1;
                }
                '+' if end == index => {}
                ' ' | '\u{a0}' | '-' | '(' | ')' => {
                    if !group.is_empty() {
                        run.groups.push(std::mem::take(&mut group));
                    }
                }
                _ => break,
            }
            end += 1;
        }
        if !group.is_empty() {
            run.groups.push(group);
        }
        let glued_after = chars
            .get(digits_end)
            .is_some_and(|after| after.is_alphanumeric());
        if !glued_before && !glued_after && run.groups.len() <= MAX_GROUPS {
            found.push(run);
        }
        index = end.max(index + 1);
    }
    found
}

/// The first number in a run: the longest stretch of groups from the earliest group that
/// reads as a subscriber's number, so that a number followed by another figure ("... 79161234567
/// 100 руб") is still found.
fn number_in_run(run: &Run, country: Option<&str>) -> Option<String> {
    let groups = &run.groups;
    for start in 0..groups.len() {
        for end in (start + 1..=groups.len()).rev() {
            let digits: String = groups[start..end].concat();
            if !(6..=18).contains(&digits.len()) {
                continue;
            }
            let plus = if run.plus && start == 0 { "+" } else { "" };
            if let Some(number) = normalise_subscriber(&format!("{plus}{digits}"), country) {
                return Some(number);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::simulator::identity::{OPERATORS, SimIdentity};

    #[test]
    fn ussd_codes_configured_first_then_built_in() {
        let config = Config::from_toml_str(
            "[ussd]\n\"250-01\" = \"*111*0887#\"\n\"250-20\" = \"*201#\"\n",
            "test.toml",
        )
        .unwrap();
        assert_eq!(number_query_code(&config, "250", "01"), Some("*111*0887#"));
        assert_eq!(number_query_code(&config, "250", "20"), Some("*201#"));
        assert_eq!(number_query_code(&config, "250", "99"), Some("*110*10#"));
        assert_eq!(number_query_code(&config, "250", "02"), Some("*205#"));
        assert_eq!(number_query_code(&config, "262", "01"), None);

        let config =
            Config::from_toml_str("[ussd]\n\"250-99\" = \"*999#\"\n", "test.toml").unwrap();
        assert_eq!(number_query_code(&config, "250", "99"), Some("*999#"));
    }

    #[test]
    fn answers_in_several_languages_and_formats() {
        let cases = [
            ("Ваш номер: +79161234567", Some("RU"), "+79161234567"),
            ("Your number is 79033962811.", Some("RU"), "+79033962811"),
            ("Your number is 79033962811.", None, "+79033962811"),
            ("Vash nomer 8 916 123 45 67", Some("RU"), "+79161234567"),
            ("+4915112345678 is your number", None, "+4915112345678"),
            (
                "Ihre Rufnummer lautet 0151 12345678.",
                Some("DE"),
                "+4915112345678",
            ),
            (
                "Votre numéro est le 06 12 34 56 78",
                Some("FR"),
                "+33612345678",
            ),
            (
                "Ваш номер +7(926)123-45-67. Баланс 12.50 руб.",
                Some("RU"),
                "+79261234567",
            ),
            (
                "Your mobile number is 9845012345",
                Some("IN"),
                "+919845012345",
            ),
            ("MSISDN:447712345678", Some("GB"), "+447712345678"),
        ];
        for (text, country, number) in cases {
            assert_eq!(
                number_in_ussd_answer(text, country).as_deref(),
                Some(number),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_number_followed_by_another_figure() {
        assert_eq!(
            number_in_ussd_answer("Номер 79161234567 100 руб", Some("RU")).as_deref(),
            Some("+79161234567")
        );
    }

    #[test]
    fn no_plausible_number() {
        for text in [
            "Balance: 142.50",
            "Ваш баланс 12.50 руб. до 31.12.2024 23:59",
            "Bonus 2024-03-12",
            "Unknown request",
            "",
            "Позвоните 8 800 250-08-90 для справки",
            "Code ID12345678901",
            "*111*0887#",
        ] {
            assert_eq!(number_in_ussd_answer(text, Some("RU")), None, "{text:?}");
        }
    }

    #[test]
    fn the_first_subscriber_number_wins_over_a_service_number() {
        assert_eq!(
            number_in_ussd_answer(
                "Справка 8 800 250-08-90. Ваш номер 8 903 396 28 11",
                Some("RU")
            )
            .as_deref(),
            Some("+79033962811")
        );
    }

    #[test]
    fn the_simulators_answers() {
        // src/simulator/modem/network.rs answers the number-query code with
        // "Your number: <E.164>" and balance codes with "Balance: 142.50".
        assert_eq!(number_in_ussd_answer("Balance: 142.50", Some("RU")), None);
        for index in 0..200 {
            let sim = SimIdentity::generate(17, index);
            let number = sim.msisdn.clone().unwrap();
            // Some simulated numbers fall in unassigned ranges (see
            // number::tests::simulated_numbers_come_back_unchanged_or_are_refused).
            if super::super::normalise(&number, None).is_err() {
                continue;
            }
            let answer = format!("Your number: {number}");
            assert_eq!(
                number_in_ussd_answer(&answer, Some(sim.operator.country)).as_deref(),
                Some(number.as_str()),
                "{answer}"
            );
            assert_eq!(
                number_in_ussd_answer(&answer, None).as_deref(),
                Some(number.as_str())
            );
        }
    }

    #[test]
    fn built_in_codes_match_the_simulated_operators() {
        for operator in OPERATORS {
            assert_eq!(
                default_number_query_code(operator.mcc, operator.mnc),
                operator.number_ussd,
                "{}",
                operator.name
            );
        }
        assert_eq!(default_number_query_code("250", "1"), None);
        assert_eq!(default_number_query_code("250", "20"), None);
    }

    #[test]
    fn built_in_table_is_sorted_and_well_formed() {
        for pair in NUMBER_QUERY_CODES.windows(2) {
            assert!(pair[0].0 < pair[1].0);
        }
        for (key, code) in NUMBER_QUERY_CODES {
            let (mcc, mnc) = key.split_once('-').unwrap();
            assert!(super::super::country_of_mcc(mcc).is_some(), "{key}");
            assert!((2..=3).contains(&mnc.len()));
            assert!(code.bytes().all(|b| b"0123456789*#".contains(&b)), "{code}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,80}", country in proptest::option::of("[A-Z]{2}")) {
            let _ = number_in_ussd_answer(&text, country.as_deref());
        }

        #[test]
        fn never_panics_on_digit_soup(text in "[0-9 +()-.a]{0,60}") {
            let _ = number_in_ussd_answer(&text, Some("RU"));
        }
    }
}
