//! Inventory facts from probe answers: which country a SIM belongs to, what its number is.
//!
//! A port task probes each modem and SIM (`+CIMI`, `+CNUM`, the operator's USSD service)
//! and gets text back. This module turns that text into facts the pool can key and sell by:
//! the SIM's country from its IMSI's mobile country code, and its number as E.164. It is
//! pure: sending the commands is the port task's job, storing the facts the store's.
//!
//! - [`mcc`]: mobile country code → ISO 3166 country (ITU-T E.212).
//! - [`number`]: any written form of a number → E.164 with '+'.
//! - [`ussd`]: the operators' number-query USSD codes, and the number in their answers.
//! - [`operators`]: network names by MCC-MNC, for modems that give only the digits.

pub mod mcc;
pub mod number;
pub mod operators;
pub mod ussd;

pub use mcc::{country_of_imsi, country_of_mcc};
pub use number::{NumberError, normalise};
pub use operators::operator_name;
pub use ussd::{default_number_query_code, number_in_ussd_answer, number_query_code};
