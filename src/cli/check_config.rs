//! `modempool check-config FILE`: loads a configuration file exactly as `serve` does
//! ([`Config::load`]) and prints the effective configuration, or every mistake in it.
//!
//! Run it on an edited file before restarting the daemon: a daemon that refuses to start
//! takes the whole rack offline, a check does not. On success it prints the configuration
//! the daemon would run with (every key, defaults filled in, the rack id and the database
//! path as resolved on this host, each `[[port]]`'s ingest mode) as TOML, or as JSON with
//! `--json` for scripts, and exits 0. The printed TOML loads again and prints the same, so
//! it can be kept as a snapshot of what ran. TOML has no null: keys that are not set are
//! listed at the end as comments, with what that means.
//!
//! PINs are printed as [`MASKED_PIN`]: a dump ends up in tickets and chats, and a PIN is the
//! one secret in the file. (A dump with PINs therefore loads again only once the PINs are
//! put back.) Token hashes are printed: they are hashes, the tokens are stored nowhere.
//!
//! On a mistake it prints to stderr what `serve` would refuse to start with, one problem per
//! line as `FILE:LINE:COLUMN: KEY: REASON`, and exits 1. A file that cannot be read
//! (missing, no permission) exits 2: then the file is not wrong, its path or its rights are.
//!
//! It checks what loading checks. What only starting can tell (the address is free, the TLS
//! files are readable, tokens exist when `listen` is not loopback) is checked by `serve`.

use std::io::{self, Write};
use std::path::Path;

use crate::config::{Config, ConfigError};

/// What a PIN is printed as. Four characters whatever the PIN's length, so that not even
/// the length leaks.
pub const MASKED_PIN: &str = "****";

/// How the effective configuration is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML, as the file is written: for people, and loadable again.
    Toml,
    /// JSON (keys that are not set are `null`): for scripts.
    Json,
}

/// What the check found; decides the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The file loads: `serve` would start with it.
    Valid,
    /// The file holds bad syntax, unknown keys or bad values.
    Invalid,
    /// The file could not be read at all.
    Unreadable,
}

impl Verdict {
    /// The process exit status: 0 valid, 1 invalid, 2 unreadable (as for any other failure
    /// of the binary), so that a script can tell "fix the file" from "fix the path".
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Valid => 0,
            Verdict::Invalid => 1,
            Verdict::Unreadable => 2,
        }
    }
}

/// Why the check itself failed (not the file: see [`Verdict`]).
#[derive(Debug, thiserror::Error)]
pub enum CheckConfigError {
    /// The configuration could not be written as TOML (a path that is not UTF-8).
    #[error("writing the configuration as TOML: {0}")]
    Toml(#[from] toml::ser::Error),
    /// The configuration could not be written as JSON (a path that is not UTF-8).
    #[error("writing the configuration as JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// Writing to stdout or stderr failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Loads `path` as `serve` would; prints the effective configuration to `out`, or the
/// problems to `err`, one per line.
///
/// # Errors
/// [`CheckConfigError`] when the output cannot be written; a bad or unreadable file is
/// not an error of the check but its [`Verdict`].
pub fn check_config(
    path: &Path,
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Verdict, CheckConfigError> {
    match Config::load(path) {
        Ok(config) => {
            out.write_all(render(&config, format)?.as_bytes())?;
            out.flush()?;
            Ok(Verdict::Valid)
        }
        Err(error) => {
            writeln!(err, "{error}")?;
            err.flush()?;
            Ok(match error {
                ConfigError::Read { .. } => Verdict::Unreadable,
                ConfigError::Invalid { .. } => Verdict::Invalid,
            })
        }
    }
}

/// The effective configuration of `config` ([`Config::effective`]) with every PIN
/// replaced by [`MASKED_PIN`], as `format`, ending with a newline.
///
/// # Errors
/// [`CheckConfigError::Toml`] or [`CheckConfigError::Json`] when a value has no text form
/// (a path that is not UTF-8).
pub fn render(config: &Config, format: Format) -> Result<String, CheckConfigError> {
    let printable = printable(config);
    match format {
        Format::Toml => {
            let mut text = String::from(
                "# modempool: the effective configuration, every key with defaults filled in;\n\
                 # rack and database as resolved on this host, PINs masked.\n\n",
            );
            text.push_str(&toml::to_string_pretty(&printable)?);
            let unset = unset_keys(&printable);
            if !unset.is_empty() {
                text.push_str("\n# Not set:\n");
                for (key, meaning) in unset {
                    text.push_str(&format!("# {key}: {meaning}\n"));
                }
            }
            Ok(text)
        }
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&printable)?;
            text.push('\n');
            Ok(text)
        }
    }
}

/// The effective configuration with the PINs masked: the only thing ever serialised, so
/// that no PIN reaches the output whatever the format.
fn printable(config: &Config) -> Config {
    let mut printable = config.effective();
    for pin in printable.pins.values_mut() {
        MASKED_PIN.clone_into(pin);
    }
    printable
}

/// The optional keys that are not set, each with what the daemon does without it.
fn unset_keys(config: &Config) -> Vec<(String, &'static str)> {
    let mut unset = Vec::new();
    if config.recovery.power_cycle_command.is_none() {
        unset.push((
            "recovery.power_cycle_command".to_owned(),
            "none, the power-cycle step is skipped",
        ));
    }
    for (index, port) in config.port_overrides.iter().enumerate() {
        if port.personality.is_none() {
            unset.push((format!("port[{index}].personality"), "probed"));
        }
        if port.reset_command.is_none() {
            unset.push((format!("port[{index}].reset_command"), "the model's own"));
        }
    }
    match &config.api.tls {
        None => unset.push(("api.tls".to_owned(), "off, plain HTTP/2")),
        Some(tls) if tls.client_ca.is_none() => unset.push((
            "api.tls.client_ca".to_owned(),
            "no client certificate is asked for",
        )),
        Some(_) => {}
    }
    unset
}

#[cfg(test)]
mod tests {
    use super::*;

    const WITH_PINS: &str = r#"
rack = "rack7"
database = "/srv/modempool/pool.db"

[[port]]
path = "/dev/modempool/slot01"

[[port]]
path = "/dev/modempool/slot02"
personality = "sim800"
ingest = "direct"

[pins]
"89490200001234567890" = "1234"
"89490200001234567891" = "87654321"

[api]
tokens = [{ name = "ops", sha256 = "5d1654d3e5067d24fdaf77ecfa8d4319ec283f6a80abcd00245d1143b5804d88", admin = true }]
"#;

    fn config(text: &str) -> Config {
        Config::from_toml_str(text, "test.toml").unwrap()
    }

    #[test]
    fn pins_are_masked_in_every_format() {
        let config = config(WITH_PINS);
        for format in [Format::Toml, Format::Json] {
            let text = render(&config, format).unwrap();
            assert!(!text.contains("1234\""), "{text}");
            assert!(!text.contains("87654321"), "{text}");
            assert_eq!(text.matches("\"****\"").count(), 2, "{text}");
            // The ICCIDs stay: they say which SIMs have a PIN configured.
            assert!(text.contains("89490200001234567891"), "{text}");
            // Token hashes are not secret.
            assert!(text.contains("5d1654d3e5067d24"), "{text}");
        }
    }

    #[test]
    fn derived_values_are_filled_in() {
        let defaults = Config::default();
        let text = render(&defaults, Format::Toml).unwrap();
        let printed = config(&text);
        assert_eq!(printed.rack.as_deref(), Some(defaults.rack_id().as_str()));
        assert_eq!(printed.database, Some(defaults.database_path()));
        assert_eq!(printed.listen, defaults.listen);
        assert_eq!(printed.ports, defaults.ports);
        assert!(text.contains("\nrack = "), "{text}");
        assert!(text.contains("\ndatabase = "), "{text}");
        assert!(text.contains("[timeouts]\nquick_ms = 2000\n"), "{text}");
        assert!(
            text.contains("# recovery.power_cycle_command: none"),
            "{text}"
        );
        assert!(text.contains("# api.tls: off"), "{text}");

        let json: serde_json::Value =
            serde_json::from_str(&render(&defaults, Format::Json).unwrap()).unwrap();
        assert_eq!(json["rack"], defaults.rack_id().as_str());
        assert_eq!(
            json["database"],
            defaults.database_path().to_string_lossy().as_ref()
        );
        assert_eq!(json["ports"]["baud"], 115_200);
        assert_eq!(
            json["recovery"]["power_cycle_command"],
            serde_json::Value::Null
        );
        assert_eq!(json["api"]["tls"], serde_json::Value::Null);
    }

    #[test]
    fn ports_show_their_effective_ingest_and_what_is_unset() {
        let config = config(WITH_PINS);
        let text = render(&config, Format::Toml).unwrap();
        assert!(text.contains("rack = \"rack7\""), "{text}");
        assert!(
            text.contains("database = \"/srv/modempool/pool.db\""),
            "{text}"
        );
        assert!(text.contains("personality = \"sim800\""), "{text}");
        assert!(text.contains("# port[0].personality: probed"), "{text}");
        assert!(text.contains("# port[0].reset_command: "), "{text}");
        assert!(text.contains("# port[1].reset_command: "), "{text}");
        assert!(!text.contains("# port[1].personality"), "{text}");

        let mut unmasked =
            Config::from_toml_str(&text.replace("\"****\"", "\"1234\""), "dump").unwrap();
        assert_eq!(unmasked.port_overrides[0].ingest, Some(config.ports.ingest));
        assert_eq!(
            unmasked.port_overrides[1].ingest,
            Some(crate::config::IngestMode::Direct)
        );
        // Apart from the filled-in values and the PINs, the dump is the file.
        unmasked.port_overrides[0].ingest = None;
        unmasked.pins = config.pins.clone();
        assert_eq!(unmasked, config);
    }

    #[test]
    fn the_toml_dump_resolves_to_itself() {
        let config = config(WITH_PINS);
        let text = render(&config, Format::Toml).unwrap();
        let again = Config::from_toml_str(&text.replace("\"****\"", "\"1234\""), "dump").unwrap();
        assert_eq!(render(&again, Format::Toml).unwrap(), text);
    }

    #[test]
    fn a_dump_with_masked_pins_does_not_load_as_is() {
        // A masked PIN is refused rather than sent to a SIM: three wrong tries block it.
        let text = render(&config(WITH_PINS), Format::Toml).unwrap();
        let message = Config::from_toml_str(&text, "dump")
            .unwrap_err()
            .to_string();
        assert!(message.contains("a PIN is 4 to 8 digits"), "{message}");
        assert!(!message.contains("****"), "{message}");
    }

    #[test]
    fn verdicts_and_exit_codes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("modempool.toml");
        let run = |path: &Path| {
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let verdict = check_config(path, Format::Toml, &mut out, &mut err).unwrap();
            (
                verdict,
                String::from_utf8(out).unwrap(),
                String::from_utf8(err).unwrap(),
            )
        };

        std::fs::write(&path, WITH_PINS).unwrap();
        let (verdict, out, err) = run(&path);
        assert_eq!((verdict, verdict.exit_code()), (Verdict::Valid, 0));
        assert!(out.contains("[pins]") && err.is_empty(), "{out}{err}");

        std::fs::write(&path, "[ports]\nbaud = 12345\nscan_interval_secs = 0\n").unwrap();
        let (verdict, out, err) = run(&path);
        assert_eq!((verdict, verdict.exit_code()), (Verdict::Invalid, 1));
        assert!(out.is_empty());
        let lines: Vec<&str> = err.lines().collect();
        let file = path.display().to_string();
        assert_eq!(lines.len(), 2, "{err}");
        assert!(
            lines[0].starts_with(&format!("{file}:2:1: ports.baud: ")),
            "{err}"
        );
        assert!(
            lines[1].starts_with(&format!("{file}:3:1: ports.scan_interval_secs: ")),
            "{err}"
        );

        let (verdict, out, err) = run(&dir.path().join("missing.toml"));
        assert_eq!((verdict, verdict.exit_code()), (Verdict::Unreadable, 2));
        assert!(out.is_empty());
        assert!(err.contains("cannot read config file") && err.contains("missing.toml"));
    }
}
