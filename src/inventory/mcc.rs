//! Mobile country codes (ITU-T E.212) to countries (ISO 3166-1 alpha-2).
//!
//! A SIM's IMSI starts with its home network's MCC (TS 23.003 §2.2). The country it names
//! is what stock is sold by ("a German number") and the region the SIM's own number is
//! parsed in when the modem or the operator's USSD service prints it without '+'.
//!
//! The table follows the ITU-T E.212 list of mobile country codes as the Android Open Source
//! Project keeps it in `com.android.internal.telephony.MccTable` (checked against the copy in
//! the public repository Reginer/aosp-android-jar, `android-32/.../MccTable.java`, which
//! cites the ITU list "position on 1 February 2017" and ISO 3166). Differences from that
//! table: 423 is left out (AOSP marks it as absent from the ITU list, and Palestinian
//! operators use 425); 289 is kept although ITU does not list it, because Abkhazian
//! operators' SIMs carry it.
//!
//! Where one MCC serves several countries or territories the main one is given: 340 (French
//! Antilles) → GP, 362 (former Netherlands Antilles) → CW, 647 (French Indian Ocean) → RE,
//! 425 (Israel, also used in Palestine) → IL. Where one country has several MCCs (310–316
//! US, 234/235 GB, 404–406 IN, 430/431 AE, 440/441 JP, 460/461 CN) each is listed. Kosovo's
//! 221 maps to XK, the user-assigned code everybody (and libphonenumber) uses for it.

/// MCC → ISO 3166-1 alpha-2, sorted by MCC for binary search.
static MCC_COUNTRIES: &[(u16, &str)] = &[
    (202, "GR"), // Greece
    (204, "NL"), // Netherlands
    (206, "BE"), // Belgium
    (208, "FR"), // France
    (212, "MC"), // Monaco
    (213, "AD"), // Andorra
    (214, "ES"), // Spain
    (216, "HU"), // Hungary
    (218, "BA"), // Bosnia and Herzegovina
    (219, "HR"), // Croatia
    (220, "RS"), // Serbia
    (221, "XK"), // Kosovo
    (222, "IT"), // Italy
    (225, "VA"), // Vatican City State
    (226, "RO"), // Romania
    (228, "CH"), // Switzerland
    (230, "CZ"), // Czechia
    (231, "SK"), // Slovakia
    (232, "AT"), // Austria
    (234, "GB"), // United Kingdom
    (235, "GB"), // United Kingdom
    (238, "DK"), // Denmark
    (240, "SE"), // Sweden
    (242, "NO"), // Norway
    (244, "FI"), // Finland
    (246, "LT"), // Lithuania
    (247, "LV"), // Latvia
    (248, "EE"), // Estonia
    (250, "RU"), // Russian Federation
    (255, "UA"), // Ukraine
    (257, "BY"), // Belarus
    (259, "MD"), // Moldova
    (260, "PL"), // Poland
    (262, "DE"), // Germany
    (266, "GI"), // Gibraltar
    (268, "PT"), // Portugal
    (270, "LU"), // Luxembourg
    (272, "IE"), // Ireland
    (274, "IS"), // Iceland
    (276, "AL"), // Albania
    (278, "MT"), // Malta
    (280, "CY"), // Cyprus
    (282, "GE"), // Georgia
    (283, "AM"), // Armenia
    (284, "BG"), // Bulgaria
    (286, "TR"), // Türkiye
    (288, "FO"), // Faroe Islands
    (289, "GE"), // Abkhazia (not in the ITU list)
    (290, "GL"), // Greenland
    (292, "SM"), // San Marino
    (293, "SI"), // Slovenia
    (294, "MK"), // North Macedonia
    (295, "LI"), // Liechtenstein
    (297, "ME"), // Montenegro
    (302, "CA"), // Canada
    (308, "PM"), // Saint Pierre and Miquelon
    (310, "US"), // United States
    (311, "US"), // United States
    (312, "US"), // United States
    (313, "US"), // United States
    (314, "US"), // United States
    (315, "US"), // United States
    (316, "US"), // United States
    (330, "PR"), // Puerto Rico
    (332, "VI"), // United States Virgin Islands
    (334, "MX"), // Mexico
    (338, "JM"), // Jamaica
    (340, "GP"), // French Antilles (Guadeloupe, Martinique, ...)
    (342, "BB"), // Barbados
    (344, "AG"), // Antigua and Barbuda
    (346, "KY"), // Cayman Islands
    (348, "VG"), // British Virgin Islands
    (350, "BM"), // Bermuda
    (352, "GD"), // Grenada
    (354, "MS"), // Montserrat
    (356, "KN"), // Saint Kitts and Nevis
    (358, "LC"), // Saint Lucia
    (360, "VC"), // Saint Vincent and the Grenadines
    (362, "CW"), // Curaçao (former Netherlands Antilles)
    (363, "AW"), // Aruba
    (364, "BS"), // Bahamas
    (365, "AI"), // Anguilla
    (366, "DM"), // Dominica
    (368, "CU"), // Cuba
    (370, "DO"), // Dominican Republic
    (372, "HT"), // Haiti
    (374, "TT"), // Trinidad and Tobago
    (376, "TC"), // Turks and Caicos Islands
    (400, "AZ"), // Azerbaijan
    (401, "KZ"), // Kazakhstan
    (402, "BT"), // Bhutan
    (404, "IN"), // India
    (405, "IN"), // India
    (406, "IN"), // India
    (410, "PK"), // Pakistan
    (412, "AF"), // Afghanistan
    (413, "LK"), // Sri Lanka
    (414, "MM"), // Myanmar
    (415, "LB"), // Lebanon
    (416, "JO"), // Jordan
    (417, "SY"), // Syria
    (418, "IQ"), // Iraq
    (419, "KW"), // Kuwait
    (420, "SA"), // Saudi Arabia
    (421, "YE"), // Yemen
    (422, "OM"), // Oman
    (424, "AE"), // United Arab Emirates
    (425, "IL"), // Israel (also Palestinian operators)
    (426, "BH"), // Bahrain
    (427, "QA"), // Qatar
    (428, "MN"), // Mongolia
    (429, "NP"), // Nepal
    (430, "AE"), // United Arab Emirates (Abu Dhabi)
    (431, "AE"), // United Arab Emirates (Dubai)
    (432, "IR"), // Iran
    (434, "UZ"), // Uzbekistan
    (436, "TJ"), // Tajikistan
    (437, "KG"), // Kyrgyzstan
    (438, "TM"), // Turkmenistan
    (440, "JP"), // Japan
    (441, "JP"), // Japan
    (450, "KR"), // Korea (Republic of)
    (452, "VN"), // Viet Nam
    (454, "HK"), // Hong Kong, China
    (455, "MO"), // Macao, China
    (456, "KH"), // Cambodia
    (457, "LA"), // Lao People's Democratic Republic
    (460, "CN"), // China
    (461, "CN"), // China
    (466, "TW"), // Taiwan, China
    (467, "KP"), // Democratic People's Republic of Korea
    (470, "BD"), // Bangladesh
    (472, "MV"), // Maldives
    (502, "MY"), // Malaysia
    (505, "AU"), // Australia
    (510, "ID"), // Indonesia
    (514, "TL"), // Timor-Leste
    (515, "PH"), // Philippines
    (520, "TH"), // Thailand
    (525, "SG"), // Singapore
    (528, "BN"), // Brunei Darussalam
    (530, "NZ"), // New Zealand
    (534, "MP"), // Northern Mariana Islands
    (535, "GU"), // Guam
    (536, "NR"), // Nauru
    (537, "PG"), // Papua New Guinea
    (539, "TO"), // Tonga
    (540, "SB"), // Solomon Islands
    (541, "VU"), // Vanuatu
    (542, "FJ"), // Fiji
    (543, "WF"), // Wallis and Futuna
    (544, "AS"), // American Samoa
    (545, "KI"), // Kiribati
    (546, "NC"), // New Caledonia
    (547, "PF"), // French Polynesia
    (548, "CK"), // Cook Islands
    (549, "WS"), // Samoa
    (550, "FM"), // Micronesia
    (551, "MH"), // Marshall Islands
    (552, "PW"), // Palau
    (553, "TV"), // Tuvalu
    (554, "TK"), // Tokelau
    (555, "NU"), // Niue
    (602, "EG"), // Egypt
    (603, "DZ"), // Algeria
    (604, "MA"), // Morocco
    (605, "TN"), // Tunisia
    (606, "LY"), // Libya
    (607, "GM"), // Gambia
    (608, "SN"), // Senegal
    (609, "MR"), // Mauritania
    (610, "ML"), // Mali
    (611, "GN"), // Guinea
    (612, "CI"), // Côte d'Ivoire
    (613, "BF"), // Burkina Faso
    (614, "NE"), // Niger
    (615, "TG"), // Togo
    (616, "BJ"), // Benin
    (617, "MU"), // Mauritius
    (618, "LR"), // Liberia
    (619, "SL"), // Sierra Leone
    (620, "GH"), // Ghana
    (621, "NG"), // Nigeria
    (622, "TD"), // Chad
    (623, "CF"), // Central African Republic
    (624, "CM"), // Cameroon
    (625, "CV"), // Cabo Verde
    (626, "ST"), // Sao Tome and Principe
    (627, "GQ"), // Equatorial Guinea
    (628, "GA"), // Gabon
    (629, "CG"), // Congo
    (630, "CD"), // Democratic Republic of the Congo
    (631, "AO"), // Angola
    (632, "GW"), // Guinea-Bissau
    (633, "SC"), // Seychelles
    (634, "SD"), // Sudan
    (635, "RW"), // Rwanda
    (636, "ET"), // Ethiopia
    (637, "SO"), // Somalia
    (638, "DJ"), // Djibouti
    (639, "KE"), // Kenya
    (640, "TZ"), // Tanzania
    (641, "UG"), // Uganda
    (642, "BI"), // Burundi
    (643, "MZ"), // Mozambique
    (645, "ZM"), // Zambia
    (646, "MG"), // Madagascar
    (647, "RE"), // French departments in the Indian Ocean (Réunion, Mayotte)
    (648, "ZW"), // Zimbabwe
    (649, "NA"), // Namibia
    (650, "MW"), // Malawi
    (651, "LS"), // Lesotho
    (652, "BW"), // Botswana
    (653, "SZ"), // Eswatini
    (654, "KM"), // Comoros
    (655, "ZA"), // South Africa
    (657, "ER"), // Eritrea
    (658, "SH"), // Saint Helena, Ascension and Tristan da Cunha
    (659, "SS"), // South Sudan
    (702, "BZ"), // Belize
    (704, "GT"), // Guatemala
    (706, "SV"), // El Salvador
    (708, "HN"), // Honduras
    (710, "NI"), // Nicaragua
    (712, "CR"), // Costa Rica
    (714, "PA"), // Panama
    (716, "PE"), // Peru
    (722, "AR"), // Argentina
    (724, "BR"), // Brazil
    (730, "CL"), // Chile
    (732, "CO"), // Colombia
    (734, "VE"), // Venezuela
    (736, "BO"), // Bolivia
    (738, "GY"), // Guyana
    (740, "EC"), // Ecuador
    (742, "GF"), // French Guiana
    (744, "PY"), // Paraguay
    (746, "SR"), // Suriname
    (748, "UY"), // Uruguay
    (750, "FK"), // Falkland Islands (Malvinas)
];

/// The country (ISO 3166-1 alpha-2, upper case) a mobile country code is assigned to, or
/// `None` for anything but three digits of an assigned MCC (test networks 001, the
/// international codes 9xx, unassigned codes).
///
/// Why: the MCC is the one piece of a SIM's identity that reliably says where its number
/// belongs, so it picks the region for number parsing and the country stock is sold in.
pub fn country_of_mcc(mcc: &str) -> Option<&'static str> {
    if mcc.len() != 3 || !mcc.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let code: u16 = mcc.parse().ok()?;
    MCC_COUNTRIES
        .binary_search_by_key(&code, |&(mcc, _)| mcc)
        .ok()
        .and_then(|index| MCC_COUNTRIES.get(index))
        .map(|&(_, country)| country)
}

/// The home country of a SIM from its IMSI (TS 23.003 §2.2: the first three digits are the
/// MCC), or `None` when the IMSI is too short, not digits, or its MCC is not assigned.
///
/// Why: `+CIMI` is answered before the number is known, and the country decides how the
/// number, once found, is parsed.
pub fn country_of_imsi(imsi: &str) -> Option<&'static str> {
    country_of_mcc(imsi.get(..3)?)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::simulator::identity::OPERATORS;

    #[test]
    fn table_is_strictly_sorted_with_upper_case_alpha2_codes() {
        for pair in MCC_COUNTRIES.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{:?} before {:?}", pair[0], pair[1]);
        }
        for &(mcc, country) in MCC_COUNTRIES {
            assert!((200..800).contains(&mcc), "{mcc}");
            assert_eq!(country.len(), 2, "{mcc}");
            assert!(country.bytes().all(|b| b.is_ascii_uppercase()), "{mcc}");
        }
    }

    #[test]
    fn table_covers_the_itu_list() {
        // The ITU list has about 240 codes for a little over 200 countries and territories.
        assert!(MCC_COUNTRIES.len() >= 235, "{}", MCC_COUNTRIES.len());
        let countries: BTreeSet<_> = MCC_COUNTRIES.iter().map(|&(_, c)| c).collect();
        assert!(countries.len() >= 210, "{}", countries.len());
    }

    #[test]
    fn known_codes() {
        assert_eq!(country_of_mcc("250"), Some("RU"));
        assert_eq!(country_of_mcc("262"), Some("DE"));
        assert_eq!(country_of_mcc("234"), Some("GB"));
        assert_eq!(country_of_mcc("235"), Some("GB"));
        assert_eq!(country_of_mcc("302"), Some("CA"));
        assert_eq!(country_of_mcc("202"), Some("GR"));
        assert_eq!(country_of_mcc("750"), Some("FK"));
        for mcc in 310..=316 {
            assert_eq!(country_of_mcc(&mcc.to_string()), Some("US"), "{mcc}");
        }
    }

    #[test]
    fn unassigned_and_malformed_codes_have_no_country() {
        for mcc in [
            "001", "901", "999", "300", "423", "", "25", "2500", "2a0", "+25", " 250",
        ] {
            assert_eq!(country_of_mcc(mcc), None, "{mcc:?}");
        }
    }

    #[test]
    fn imsi_country() {
        assert_eq!(country_of_imsi("250011234567890"), Some("RU"));
        assert_eq!(country_of_imsi("310260123456789"), Some("US"));
        assert_eq!(country_of_imsi("25"), None);
        assert_eq!(country_of_imsi("ж50011234567890"), None);
        assert_eq!(country_of_imsi("001011234567890"), None);
    }

    #[test]
    fn every_simulated_operator_maps_to_its_country() {
        for operator in OPERATORS {
            assert_eq!(
                country_of_mcc(operator.mcc),
                Some(operator.country),
                "{}",
                operator.name
            );
        }
    }
}
