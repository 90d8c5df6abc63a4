//! Typed `+CME ERROR` and `+CMS ERROR` codes: the spec tables of TS 27.007 §9.2 and
//! TS 27.005 §3.2.5.
//!
//! The digester hands the runner an [`ErrorCode`] as the modem wrote it: a number with
//! `AT+CMEE=1`, a text with `AT+CMEE=2`. This module owns turning either into one enum, so that
//! the layers above decide on "SIM not inserted" or "memory full" without caring how the modem
//! was configured, and so that a modem that ignores `+CMEE` cannot change the daemon's
//! behaviour. It does not decide what to do about an error: that is the port task's business.
//!
//! Codes outside the tables (vendor extensions, the network causes 0..=255 that `+CMS ERROR`
//! passes through from TS 24.011 / TS 23.040) stay as `Unknown(n)` rather than failing, so a
//! new code is logged and counted, never fatal.

use super::digest::ErrorCode;

/// Normalises a verbose error text for comparison: modems differ in case, in spacing, in
/// `-` versus spaces and in the `(U)` prefix of newer spec texts ("(U)SIM not inserted"), but
/// never in the words, so only letters and digits are compared.
fn verbose_key(text: &str) -> String {
    text.replace("(U)", "")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Declares an error-code enum from its spec table: one variant per row, with `from_code`,
/// `code`, `from_verbose`, `from_error_code` and a `Display` giving the spec's text. A macro so
/// that number, variant and text sit on one line each, as in the spec, and cannot drift apart.
macro_rules! error_table {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $text:literal; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A code not in the table: a vendor extension or a network cause. Kept, not
            /// rejected, so that the caller can log it and carry on.
            Unknown(u16),
        }

        impl $name {
            /// The typed error for a numeric code (`AT+CMEE=1`); never fails, codes outside
            /// the table become `Unknown(code)`.
            pub fn from_code(code: u16) -> Self {
                match code {
                    $( $code => Self::$variant, )*
                    other => Self::Unknown(other),
                }
            }

            /// The numeric code, as the spec numbers it; what is logged and exported.
            pub fn code(self) -> u16 {
                match self {
                    $( Self::$variant => $code, )*
                    Self::Unknown(code) => code,
                }
            }

            /// The typed error for a verbose text (`AT+CMEE=2`), compared ignoring case,
            /// spacing and punctuation. `None` when the text is not the spec's, so that the
            /// caller keeps the modem's own words instead of a made-up code.
            pub fn from_verbose(text: &str) -> Option<Self> {
                let key = verbose_key(text);
                if key.is_empty() {
                    return None;
                }
                $(
                    if key == verbose_key($text) {
                        return Some(Self::$variant);
                    }
                )*
                None
            }

            /// The typed error for what the digester found after the colon, numeric or
            /// verbose. `None` only for a verbose text that is not in the spec table.
            pub fn from_error_code(code: &ErrorCode) -> Option<Self> {
                match code {
                    ErrorCode::Numeric(code) => Some(Self::from_code(*code)),
                    ErrorCode::Verbose(text) => Self::from_verbose(text),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    $( Self::$variant => f.write_str($text), )*
                    Self::Unknown(code) => write!(f, "unknown error code {code}"),
                }
            }
        }
    };
}

// 3GPP TS 27.007 §9.2.1 "General errors" and §9.2.2 "GPRS-related errors" are not all here:
// the rows below are §9.2.1's `<err>` values 0..=48 and 100 that a GSM modem with a SIM card
// reports; others stay `Unknown(n)`.
error_table! {
    /// A `+CME ERROR: <err>` (3GPP TS 27.007 §9.2.1): why a mobile equipment command failed.
    /// Typed so that the port task can tell "no SIM" (mark the slot empty) from "SIM busy"
    /// (retry later) from "no network" (wait for registration).
    CmeError {
        /// 0: phone failure.
        PhoneFailure = 0, "phone failure";
        /// 1: no connection to phone.
        NoConnectionToPhone = 1, "no connection to phone";
        /// 2: phone-adaptor link reserved.
        PhoneAdaptorLinkReserved = 2, "phone-adaptor link reserved";
        /// 3: operation not allowed.
        OperationNotAllowed = 3, "operation not allowed";
        /// 4: operation not supported.
        OperationNotSupported = 4, "operation not supported";
        /// 5: PH-SIM PIN required.
        PhSimPinRequired = 5, "PH-SIM PIN required";
        /// 6: PH-FSIM PIN required.
        PhFsimPinRequired = 6, "PH-FSIM PIN required";
        /// 7: PH-FSIM PUK required.
        PhFsimPukRequired = 7, "PH-FSIM PUK required";
        /// 10: SIM not inserted; some modems answer `AT+CPIN?` with this instead of
        /// `+CPIN: NOT INSERTED`.
        SimNotInserted = 10, "SIM not inserted";
        /// 11: SIM PIN required.
        SimPinRequired = 11, "SIM PIN required";
        /// 12: SIM PUK required.
        SimPukRequired = 12, "SIM PUK required";
        /// 13: SIM failure.
        SimFailure = 13, "SIM failure";
        /// 14: SIM busy; usually right after boot, worth a retry.
        SimBusy = 14, "SIM busy";
        /// 15: SIM wrong.
        SimWrong = 15, "SIM wrong";
        /// 16: incorrect password.
        IncorrectPassword = 16, "incorrect password";
        /// 17: SIM PIN2 required.
        SimPin2Required = 17, "SIM PIN2 required";
        /// 18: SIM PUK2 required.
        SimPuk2Required = 18, "SIM PUK2 required";
        /// 20: memory full.
        MemoryFull = 20, "memory full";
        /// 21: invalid index.
        InvalidIndex = 21, "invalid index";
        /// 22: not found.
        NotFound = 22, "not found";
        /// 23: memory failure.
        MemoryFailure = 23, "memory failure";
        /// 24: text string too long.
        TextStringTooLong = 24, "text string too long";
        /// 25: invalid characters in text string.
        InvalidCharactersInTextString = 25, "invalid characters in text string";
        /// 26: dial string too long.
        DialStringTooLong = 26, "dial string too long";
        /// 27: invalid characters in dial string.
        InvalidCharactersInDialString = 27, "invalid characters in dial string";
        /// 30: no network service.
        NoNetworkService = 30, "no network service";
        /// 31: network timeout.
        NetworkTimeout = 31, "network timeout";
        /// 32: network not allowed - emergency calls only.
        EmergencyCallsOnly = 32, "network not allowed - emergency calls only";
        /// 40: network personalization PIN required.
        NetworkPersonalizationPinRequired = 40, "network personalization PIN required";
        /// 41: network personalization PUK required.
        NetworkPersonalizationPukRequired = 41, "network personalization PUK required";
        /// 42: network subset personalization PIN required.
        NetworkSubsetPersonalizationPinRequired = 42,
            "network subset personalization PIN required";
        /// 43: network subset personalization PUK required.
        NetworkSubsetPersonalizationPukRequired = 43,
            "network subset personalization PUK required";
        /// 44: service provider personalization PIN required.
        ServiceProviderPersonalizationPinRequired = 44,
            "service provider personalization PIN required";
        /// 45: service provider personalization PUK required.
        ServiceProviderPersonalizationPukRequired = 45,
            "service provider personalization PUK required";
        /// 46: corporate personalization PIN required.
        CorporatePersonalizationPinRequired = 46, "corporate personalization PIN required";
        /// 47: corporate personalization PUK required.
        CorporatePersonalizationPukRequired = 47, "corporate personalization PUK required";
        /// 48: hidden key required.
        HiddenKeyRequired = 48, "hidden key required";
        /// 100: unknown (the spec's own "unknown" row, not a code missing from this table).
        UnknownError = 100, "unknown";
    }
}

// 3GPP TS 27.005 §3.2.5 "Message Service Failure Result Code +CMS ERROR", the ME/TA-side
// values 300..=340 and 500. 0..=127 are TS 24.011 Annex E-2 RP causes and 128..=255 TS 23.040
// §9.2.3.22 TP-FCS values passed through from the network; they stay `Unknown(n)`.
error_table! {
    /// A `+CMS ERROR: <err>` (3GPP TS 27.005 §3.2.5): why an SMS command failed. Typed so that
    /// "memory full" (delete and retry), "invalid memory index" (the message is gone) and
    /// "SIM busy" (retry later) can be told apart.
    CmsError {
        /// 300: ME failure.
        MeFailure = 300, "ME failure";
        /// 301: SMS service of ME reserved.
        SmsServiceReserved = 301, "SMS service of ME reserved";
        /// 302: operation not allowed.
        OperationNotAllowed = 302, "operation not allowed";
        /// 303: operation not supported.
        OperationNotSupported = 303, "operation not supported";
        /// 304: invalid PDU mode parameter.
        InvalidPduModeParameter = 304, "invalid PDU mode parameter";
        /// 305: invalid text mode parameter.
        InvalidTextModeParameter = 305, "invalid text mode parameter";
        /// 310: (U)SIM not inserted.
        SimNotInserted = 310, "SIM not inserted";
        /// 311: (U)SIM PIN required.
        SimPinRequired = 311, "SIM PIN required";
        /// 312: PH-(U)SIM PIN required.
        PhSimPinRequired = 312, "PH-SIM PIN required";
        /// 313: (U)SIM failure.
        SimFailure = 313, "SIM failure";
        /// 314: (U)SIM busy; usually right after boot, worth a retry.
        SimBusy = 314, "SIM busy";
        /// 315: (U)SIM wrong.
        SimWrong = 315, "SIM wrong";
        /// 316: (U)SIM PUK required.
        SimPukRequired = 316, "SIM PUK required";
        /// 317: (U)SIM PIN2 required.
        SimPin2Required = 317, "SIM PIN2 required";
        /// 318: (U)SIM PUK2 required.
        SimPuk2Required = 318, "SIM PUK2 required";
        /// 320: memory failure.
        MemoryFailure = 320, "memory failure";
        /// 321: invalid memory index: the message at that index is gone.
        InvalidMemoryIndex = 321, "invalid memory index";
        /// 322: memory full: new messages are refused until some are deleted.
        MemoryFull = 322, "memory full";
        /// 330: SMSC address unknown.
        SmscAddressUnknown = 330, "SMSC address unknown";
        /// 331: no network service.
        NoNetworkService = 331, "no network service";
        /// 332: network timeout.
        NetworkTimeout = 332, "network timeout";
        /// 340: no +CNMA acknowledgement expected.
        NoCnmaAcknowledgementExpected = 340, "no +CNMA acknowledgement expected";
        /// 500: unknown error (the spec's own row, not a code missing from this table).
        UnknownError = 500, "unknown error";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cme_codes_round_trip_and_unknown_codes_are_kept() {
        for code in 0..=1000u16 {
            assert_eq!(CmeError::from_code(code).code(), code);
            assert_eq!(CmsError::from_code(code).code(), code);
        }
        assert_eq!(CmeError::from_code(10), CmeError::SimNotInserted);
        assert_eq!(CmeError::from_code(11), CmeError::SimPinRequired);
        assert_eq!(CmeError::from_code(12), CmeError::SimPukRequired);
        assert_eq!(CmeError::from_code(14), CmeError::SimBusy);
        assert_eq!(CmeError::from_code(30), CmeError::NoNetworkService);
        assert_eq!(CmeError::from_code(100), CmeError::UnknownError);
        assert_eq!(CmeError::from_code(8), CmeError::Unknown(8));
        assert_eq!(CmeError::from_code(3517), CmeError::Unknown(3517));
    }

    #[test]
    fn cms_codes_map_to_the_27005_table() {
        assert_eq!(CmsError::from_code(310), CmsError::SimNotInserted);
        assert_eq!(CmsError::from_code(316), CmsError::SimPukRequired);
        assert_eq!(CmsError::from_code(321), CmsError::InvalidMemoryIndex);
        assert_eq!(CmsError::from_code(322), CmsError::MemoryFull);
        assert_eq!(
            CmsError::from_code(340),
            CmsError::NoCnmaAcknowledgementExpected
        );
        assert_eq!(CmsError::from_code(500), CmsError::UnknownError);
        // A network cause passed through (RP cause 38, network out of order).
        assert_eq!(CmsError::from_code(38), CmsError::Unknown(38));
    }

    #[test]
    fn display_gives_the_spec_text() {
        assert_eq!(CmeError::SimNotInserted.to_string(), "SIM not inserted");
        assert_eq!(
            CmeError::IncorrectPassword.to_string(),
            "incorrect password"
        );
        assert_eq!(CmsError::MemoryFull.to_string(), "memory full");
        assert_eq!(
            CmsError::SmscAddressUnknown.to_string(),
            "SMSC address unknown"
        );
        assert_eq!(CmeError::Unknown(999).to_string(), "unknown error code 999");
    }

    #[test]
    fn verbose_texts_as_modems_print_them_map_back() {
        // Quectel, SIMCom and Huawei spellings seen with AT+CMEE=2.
        assert_eq!(
            CmeError::from_verbose("SIM not inserted"),
            Some(CmeError::SimNotInserted)
        );
        assert_eq!(
            CmeError::from_verbose("SIM NOT INSERTED"),
            Some(CmeError::SimNotInserted)
        );
        assert_eq!(
            CmeError::from_verbose(" sim  not inserted "),
            Some(CmeError::SimNotInserted)
        );
        assert_eq!(CmeError::from_verbose("SIM busy"), Some(CmeError::SimBusy));
        assert_eq!(
            CmeError::from_verbose("PH-SIM PIN required"),
            Some(CmeError::PhSimPinRequired)
        );
        assert_eq!(
            CmeError::from_verbose("network not allowed - emergency calls only"),
            Some(CmeError::EmergencyCallsOnly)
        );
        assert_eq!(
            CmeError::from_verbose("unknown"),
            Some(CmeError::UnknownError)
        );
        assert_eq!(
            CmsError::from_verbose("(U)SIM not inserted"),
            Some(CmsError::SimNotInserted)
        );
        assert_eq!(
            CmsError::from_verbose("memory full"),
            Some(CmsError::MemoryFull)
        );
        assert_eq!(CmeError::from_verbose("Invalid input value"), None);
        assert_eq!(CmeError::from_verbose(""), None);
        assert_eq!(CmeError::from_verbose("---"), None);
    }

    #[test]
    fn numeric_and_verbose_error_codes_both_become_typed() {
        assert_eq!(
            CmeError::from_error_code(&ErrorCode::Numeric(10)),
            Some(CmeError::SimNotInserted)
        );
        assert_eq!(
            CmeError::from_error_code(&ErrorCode::Verbose("SIM not inserted".into())),
            Some(CmeError::SimNotInserted)
        );
        assert_eq!(
            CmsError::from_error_code(&ErrorCode::Numeric(322)),
            Some(CmsError::MemoryFull)
        );
        assert_eq!(
            CmsError::from_error_code(&ErrorCode::Verbose("vendor says no".into())),
            None
        );
    }
}
