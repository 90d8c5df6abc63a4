//! Network names by MCC-MNC, for a modem that names the operator it is registered with only
//! by its digits (`+COPS: 0,2,"26201",7`) and answers no long name.
//!
//! The table is `data/operators.tsv`, built into the binary; `data/README.md` names its
//! source (the mcc-mnc.com table as github.com/musalbas/mcc-mnc-table publishes it, MIT
//! licence) and how to refresh it.

use std::sync::OnceLock;

/// The table's text: a `#` line naming the source, then `MCC-MNC<TAB>name` lines sorted by
/// code.
const TABLE: &str = include_str!("../../data/operators.tsv");

/// The table parsed once, sorted by code for binary search.
fn table() -> &'static [(&'static str, &'static str)] {
    static PARSED: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    PARSED.get_or_init(|| {
        let mut rows: Vec<(&str, &str)> = TABLE
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.split_once('\t'))
            .collect();
        rows.sort_unstable();
        rows
    })
}

/// The name of the network `code` (`262-01`), if the table has it.
pub fn operator_name(code: &str) -> Option<&'static str> {
    let rows = table();
    rows.binary_search_by(|(row, _)| (*row).cmp(code))
        .ok()
        .map(|index| rows[index].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_networks_have_their_operators_names() {
        assert_eq!(operator_name("262-02"), Some("Vodafone"));
        assert_eq!(operator_name("208-01"), Some("Orange"));
        assert_eq!(operator_name("310-260"), Some("T-Mobile"));
        assert_eq!(operator_name("999-99"), None);
        assert_eq!(operator_name(""), None);
    }

    #[test]
    fn the_table_is_well_formed() {
        let rows = table();
        assert!(rows.len() > 1500, "{} rows", rows.len());
        for (code, name) in rows {
            let (mcc, mnc) = code.split_once('-').unwrap();
            assert_eq!(mcc.len(), 3, "{code}");
            assert!((2..=3).contains(&mnc.len()), "{code}");
            assert!(!name.is_empty() && name.trim() == *name, "{code}");
        }
    }
}
