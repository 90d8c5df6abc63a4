//! `rack`: the rack's id, prefixed to every id the daemon hands out: what a valid one looks
//! like, and the one derived from the host name when the file names none.

use super::KeyPath;

/// The rack id when none is configured and the host name gives none.
pub const FALLBACK_RACK_ID: &str = "rack";

/// The problems of `rack`.
pub(super) fn rack_problems(rack: Option<&str>, problem: &mut dyn FnMut(KeyPath, String)) {
    if let Some(rack) = rack
        && let Err(reason) = check_rack_id(rack)
    {
        problem(KeyPath::key("rack"), reason);
    }
}

/// A rack id: `[A-Za-z0-9_-]{1,32}`, because it goes into every id the daemon hands out,
/// into metrics labels and file names.
pub(super) fn check_rack_id(rack: &str) -> Result<(), String> {
    let valid = (1..=32).contains(&rack.len())
        && rack
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(format!(
            "'{}' is not a rack id: 1 to 32 letters, digits, '_' or '-'",
            rack.escape_debug()
        ))
    }
}

/// The rack id derived from a host name: its first label, with characters a rack id may not
/// hold replaced by '-', at most 32 long; `"rack"` when nothing is left.
///
/// Pure (the host name is a parameter) so that tests need not change the host.
pub fn rack_id_from_host_name(host: Option<&str>) -> String {
    let label = host
        .map(str::trim)
        .and_then(|host| host.split('.').next())
        .unwrap_or_default();
    let cleaned: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .take(32)
        .collect();
    let cleaned = cleaned.trim_matches('-');
    if cleaned.is_empty() {
        FALLBACK_RACK_ID.to_owned()
    } else {
        cleaned.to_owned()
    }
}

/// This host's name, from the kernel (no libc call needed).
pub(super) fn host_name() -> Option<String> {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .into_iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .map(|name| name.trim().to_owned())
        .find(|name| !name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::super::Config;
    use super::super::tests::each_names_its_key;
    use super::*;

    #[test]
    fn rack_id_from_the_host_name() {
        assert_eq!(rack_id_from_host_name(Some("rack7")), "rack7");
        assert_eq!(
            rack_id_from_host_name(Some("rack7.dc1.example.com\n")),
            "rack7"
        );
        assert_eq!(rack_id_from_host_name(Some("pool box")), "pool-box");
        assert_eq!(
            rack_id_from_host_name(Some(&"a".repeat(40))),
            "a".repeat(32)
        );
        assert_eq!(rack_id_from_host_name(Some("")), "rack");
        assert_eq!(rack_id_from_host_name(Some("ÿÿ")), "rack");
        assert_eq!(rack_id_from_host_name(None), "rack");
        // Whatever the host is called, the id passes the rack id check.
        assert!(check_rack_id(&Config::default().rack_id()).is_ok());
    }

    #[test]
    fn each_bad_value_names_its_key() {
        each_names_its_key(&[
            ("rack = \"rack one\"", "rack: 'rack one' is not a rack id"),
            (&format!("rack = \"{}\"", "r".repeat(33)), "rack: "),
        ]);
    }
}
