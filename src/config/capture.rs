//! `[capture]`: writing each port's AT dialogue to a file, for a bug report about a modem
//! the daemon does not drive well (hardware.md, "when your modem is not supported").

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{KeyPath, check_range};

/// The default of `capture.max_file_bytes`: 16 MiB, some hours of a busy port's dialogue.
pub const DEFAULT_CAPTURE_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// `[capture]`: whether and where each port's dialogue is written.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CaptureConfig {
    /// `capture.dir`: the directory of the capture files, `DIR/<slot>.jsonl` (the slot is the
    /// port's file name, e.g. `modem-1-1.4`), in the transcript format that `modempool at
    /// explain` and `modempool simulate --replay` read. Created if missing. Default: none, no
    /// capture. `serve --capture DIR` sets it.
    pub dir: Option<PathBuf>,
    /// `capture.max_file_bytes`: when a port's file reaches this size it is renamed
    /// `<slot>.jsonl.1` (replacing the previous one) and a new file begins, so a capture
    /// left on holds at most twice this per port. 65536 to 1073741824; default 16 MiB.
    pub max_file_bytes: u64,
}

impl Default for CaptureConfig {
    fn default() -> Self {
        CaptureConfig {
            dir: None,
            max_file_bytes: DEFAULT_CAPTURE_FILE_BYTES,
        }
    }
}

/// The problems of `[capture]`.
pub(super) fn capture_problems(capture: &CaptureConfig, problem: &mut dyn FnMut(KeyPath, String)) {
    let key = KeyPath::key("capture");
    if capture
        .dir
        .as_ref()
        .is_some_and(|dir| dir.as_os_str().is_empty())
    {
        problem(key.then("dir"), "an empty path".to_owned());
    }
    check_range(
        problem,
        key.then("max_file_bytes"),
        capture.max_file_bytes,
        64 * 1024,
        1024 * 1024 * 1024,
        "bytes",
    );
}

#[cfg(test)]
mod tests {
    use super::super::tests::{parse, problems};
    use super::*;

    #[test]
    fn off_by_default_and_a_directory_turns_it_on() {
        assert_eq!(parse("").unwrap().capture, CaptureConfig::default());
        let config = parse("[capture]\ndir = \"/var/log/modempool/capture\"\n").unwrap();
        assert_eq!(
            config.capture.dir.as_deref(),
            Some(std::path::Path::new("/var/log/modempool/capture"))
        );
        assert_eq!(config.capture.max_file_bytes, DEFAULT_CAPTURE_FILE_BYTES);
    }

    #[test]
    fn a_tiny_file_size_and_an_empty_path_are_refused() {
        let text = problems("[capture]\ndir = \"\"\nmax_file_bytes = 100\n");
        assert!(text.contains("capture.dir: an empty path"), "{text}");
        assert!(
            text.contains("capture.max_file_bytes: 100 is not between 65536"),
            "{text}"
        );
    }
}
