//! The daemon's configuration: a TOML file with a documented default for every key.
//!
//! `modempool serve --config FILE` reads it once at start. Everything is checked before
//! anything starts: an unknown key, a value of the wrong type or a value that makes no
//! sense (a non-standard baud rate, a PIN of three digits, an ICCID with a letter) is
//! refused with the file's name, the line, the key and what is wrong, e.g.
//!
//! ```text
//! /etc/modempool/modempool.toml:7:8: ports.baud: 12345 is not a standard baud rate (9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600)
//! ```
//!
//! so that a technician fixes the file rather than chasing a modem that never answers.
//! Command-line flags override some keys ([`Overrides`]); they are checked the same way.
//! `modempool check-config FILE` loads a file exactly as `serve` does and prints the
//! effective configuration (hence `Serialize` on every section), so a file can be checked
//! before a restart. `modempool.example.toml` at the repository root lists every key.
//!
//! A complete file. The keys of `[ports]`, `[timeouts]`, `[health]` and the back-off of
//! `[recovery]` are at their defaults; the others show what a value looks like:
//!
//! ```toml
//! rack = "rack1"                    # default: the host name, else "rack"
//! database = "/var/lib/modempool/modempool.db"
//! listen = "127.0.0.1:50051"
//!
//! [ports]
//! globs = ["/dev/modempool/*"]
//! baud = 115200
//! scan_interval_secs = 5
//! ingest = "store"
//!
//! [timeouts]
//! quick_ms = 2000
//! storage_ms = 30000
//! network_ms = 120000
//! scan_ms = 180000
//!
//! [health]
//! poll_interval_secs = 60
//! sweep_interval_secs = 300
//! multipart_timeout_secs = 600
//!
//! [recovery]
//! backoff_initial_ms = 1000
//! backoff_max_secs = 300
//! power_cycle_command = ["uhubctl", "-a", "cycle", "-l", "{usb_path}"]
//!
//! [[port]]
//! path = "/dev/modempool/slot03"
//! personality = "quectel-ec25"
//! reset_command = "AT+CFUN=1,1"
//! ingest = "direct"
//!
//! [pins]
//! "89490200001234567890" = "1234"
//!
//! [ussd]
//! "250-01" = "*111*0887#"
//!
//! [numbers]
//! "89490200001234567890" = "+4915112345678"
//!
//! [api]
//! tokens = [
//!   { name = "backend", sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" },
//!   { name = "ops", sha256 = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752", admin = true },
//! ]
//! tls = { cert = "/etc/modempool/tls/cert.pem", key = "/etc/modempool/tls/key.pem" }
//!
//! [pool]
//! default_lease_secs = 1200
//! max_lease_secs = 2592000
//! min_health = 50
//! bad_number_penalty = 25
//! cooldown_secs = 30
//! stats_window_secs = 86400
//!
//! [pool.codes]
//! steam = ['code:\s*(?P<code>[A-Z0-9]{5})']
//!
//! [metrics]
//! listen = "127.0.0.1:9600"         # default: no metrics endpoint
//!
//! [web]
//! enabled = true
//! listen = "127.0.0.1:8051"
//! ```
//!
//! This module only reads and checks; what each setting does is the business of the module
//! that uses it (discovery, the port task, the pool, the API).

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod api;
mod metrics;
mod partner;
mod web;

pub use self::metrics::MetricsConfig;
pub use self::web::{DEFAULT_WEB_LISTEN, WebConfig};
pub use api::{ApiConfig, PoolConfig, TlsConfig, TokenConfig};
pub use partner::{PartnerApiConfig, PartnerConfig, Price, known_country};

use crate::at::command::TimeoutClass;
use crate::at::runner::Timeouts;
use crate::inventory;
use crate::simulator::personality::Personality;

/// The default of `listen`: loopback only, so that nothing is exposed before someone
/// decides to (and sets up the token and TLS).
pub const DEFAULT_LISTEN: SocketAddr =
    SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1)), 50051);

/// The default of `ports.globs`: the links the shipped udev rules create.
pub const DEFAULT_PORT_GLOB: &str = "/dev/modempool/*";

/// The database file's name when `database` is not set, in `$STATE_DIRECTORY` (systemd's
/// `StateDirectory=`) or else the working directory.
pub const DATABASE_FILE_NAME: &str = "modempool.db";

/// The rack id when none is configured and the host name gives none.
pub const FALLBACK_RACK_ID: &str = "rack";

/// The baud rates `ports.baud` accepts: the standard rates modems' `+IPR` offers from 9600
/// up. (USB modems ignore the rate; UART modules on a pool board do not.)
pub const STANDARD_BAUD_RATES: [u32; 8] = [
    9600, 19200, 38400, 57600, 115_200, 230_400, 460_800, 921_600,
];

/// The placeholders `recovery.power_cycle_command` may contain.
pub const POWER_CYCLE_PLACEHOLDERS: [&str; 2] = ["{port}", "{usb_path}"];

/// The whole configuration. Every field has a default ([`Config::default`]); the file only
/// names what differs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// `rack`: the rack's id, prefixed to every id the daemon hands out (`<rack>-<id>`) so
    /// that ids stay unique across racks. `[A-Za-z0-9_-]{1,32}`. Default: the host name
    /// (its first label, cleaned to those characters), else `"rack"`; see
    /// [`Config::rack_id`].
    pub rack: Option<String>,
    /// `database`: the SQLite file. Default: `$STATE_DIRECTORY/modempool.db` under systemd,
    /// else `./modempool.db`; see [`Config::database_path`].
    pub database: Option<PathBuf>,
    /// `listen`: the gRPC address. Port 0 picks any free port (tests). Default
    /// `127.0.0.1:50051`.
    pub listen: SocketAddr,
    /// `[ports]`: where modems are and how to talk to them.
    pub ports: PortsConfig,
    /// `[timeouts]`: how long each class of AT command may take.
    pub timeouts: TimeoutsConfig,
    /// `[health]`: the periodic checks of each port.
    pub health: HealthConfig,
    /// `[recovery]`: what to do with a modem that stops answering.
    pub recovery: RecoveryConfig,
    /// `[[port]]`: settings for single ports, matched by exact path. Default: none.
    #[serde(rename = "port")]
    pub port_overrides: Vec<PortOverride>,
    /// `[pins]`: the PIN of each SIM that asks for one, keyed by ICCID (18 to 22 digits);
    /// PINs are 4 to 8 digits, written as strings. Default: none (a SIM asking for a PIN
    /// that is not here is left locked, never guessed: three wrong PINs block it).
    pub pins: BTreeMap<String, String>,
    /// `[ussd]`: number-query USSD codes by `"MCC-MNC"`, for SIMs that keep no number on the
    /// card. Adds to and overrides the built-in codes; see [`Config::ussd_code`].
    pub ussd: BTreeMap<String, String>,
    /// `[numbers]`: numbers technicians know for SIMs whose number neither `+CNUM` nor USSD
    /// gives, keyed by ICCID, E.164 with '+'. Stored in canonical E.164 after loading.
    pub numbers: BTreeMap<String, String>,
    /// `[api]`: tokens and TLS of the gRPC API.
    pub api: ApiConfig,
    /// `[pool]`: leases, health, cool-down, code patterns.
    pub pool: PoolConfig,
    /// `[metrics]`: the Prometheus scrape endpoint. Default: off.
    pub metrics: MetricsConfig,
    /// `[partner_api]`: the HTTP API for SMS aggregators. Default: off.
    pub partner_api: PartnerApiConfig,
    /// `[web]`: the rack page. Default: on, at `127.0.0.1:8051`.
    pub web: WebConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            rack: None,
            database: None,
            listen: DEFAULT_LISTEN,
            ports: PortsConfig::default(),
            timeouts: TimeoutsConfig::default(),
            health: HealthConfig::default(),
            recovery: RecoveryConfig::default(),
            port_overrides: Vec::new(),
            pins: BTreeMap::new(),
            ussd: BTreeMap::new(),
            numbers: BTreeMap::new(),
            api: ApiConfig::default(),
            pool: PoolConfig::default(),
            metrics: MetricsConfig::default(),
            partner_api: PartnerApiConfig::default(),
            web: WebConfig::default(),
        }
    }
}

/// `[ports]`: where the modems are and how to talk to them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct PortsConfig {
    /// `ports.globs`: the globs discovery expands to find serial ports, at least one.
    /// Default `["/dev/modempool/*"]`.
    pub globs: Vec<String>,
    /// `ports.baud`: the serial rate, one of [`STANDARD_BAUD_RATES`]. Default 115200.
    pub baud: u32,
    /// `ports.scan_interval_secs`: how often discovery looks for new and vanished ports,
    /// 1 to 3600. Default 5.
    pub scan_interval_secs: u64,
    /// `ports.ingest`: how SMS reach the daemon, see [`IngestMode`]. Default `"store"`.
    pub ingest: IngestMode,
}

impl Default for PortsConfig {
    fn default() -> Self {
        PortsConfig {
            globs: vec![DEFAULT_PORT_GLOB.to_owned()],
            baud: 115_200,
            scan_interval_secs: 5,
            ingest: IngestMode::Store,
        }
    }
}

impl PortsConfig {
    /// The time between two discovery scans.
    pub fn scan_interval(&self) -> Duration {
        Duration::from_secs(self.scan_interval_secs)
    }
}

/// How incoming SMS are taken from a modem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IngestMode {
    /// `"store"`: the modem stores each SMS and announces it (`+CNMI` mode 2, `+CMTI`,
    /// TS 27.005 §3.4.1); the daemon reads it, commits it, then deletes it. Survives a
    /// daemon crash at any point: what is not committed is still on the SIM.
    #[default]
    Store,
    /// `"direct"`: the modem hands each SMS over at once (`+CSMS=1`, `+CMT`) and the daemon
    /// acknowledges it with `+CNMA` after committing; for modems whose storage is broken
    /// or too small. An unacknowledged SMS is redelivered by the network.
    Direct,
}

/// `[timeouts]`: how long each class of AT command ([`TimeoutClass`]) may take, in
/// milliseconds, 100 to 600000 each. Defaults are [`TimeoutClass::duration`], the maximum
/// response times the modem manuals give.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct TimeoutsConfig {
    /// `timeouts.quick_ms`: settings and queries answered from the module's own state.
    /// Default 2000.
    pub quick_ms: u64,
    /// `timeouts.storage_ms`: SIM and message storage access. Default 30000.
    pub storage_ms: u64,
    /// `timeouts.network_ms`: operations that wait on the network (`+CMGS`, `+CUSD`,
    /// `+CFUN`). Default 120000.
    pub network_ms: u64,
    /// `timeouts.scan_ms`: the operator scan `+COPS=?`. Default 180000.
    pub scan_ms: u64,
}

impl Default for TimeoutsConfig {
    fn default() -> Self {
        let ms =
            |class: TimeoutClass| u64::try_from(class.duration().as_millis()).unwrap_or(u64::MAX);
        TimeoutsConfig {
            quick_ms: ms(TimeoutClass::Quick),
            storage_ms: ms(TimeoutClass::Storage),
            network_ms: ms(TimeoutClass::Network),
            scan_ms: ms(TimeoutClass::Scan),
        }
    }
}

impl TimeoutsConfig {
    /// The time allowed to a command of `class`.
    pub fn of(&self, class: TimeoutClass) -> Duration {
        Duration::from_millis(match class {
            TimeoutClass::Quick => self.quick_ms,
            TimeoutClass::Storage => self.storage_ms,
            TimeoutClass::Network => self.network_ms,
            TimeoutClass::Scan => self.scan_ms,
        })
    }

    /// The same values in the form the AT command runner takes.
    pub fn runner_timeouts(&self) -> Timeouts {
        Timeouts {
            quick: self.of(TimeoutClass::Quick),
            storage: self.of(TimeoutClass::Storage),
            network: self.of(TimeoutClass::Network),
            scan: self.of(TimeoutClass::Scan),
        }
    }
}

/// `[health]`: the periodic checks of each port, in seconds, 1 to 86400 each.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct HealthConfig {
    /// `health.poll_interval_secs`: how often signal and registration are polled
    /// (`+CSQ`, `+CREG?`). Default 60.
    pub poll_interval_secs: u64,
    /// `health.sweep_interval_secs`: how often the SMS storage is listed (`+CMGL`) to pick
    /// up messages whose `+CMTI` was lost. Default 300.
    pub sweep_interval_secs: u64,
    /// `health.multipart_timeout_secs`: how long the parts of a concatenated SMS are waited
    /// for before what arrived is delivered as it is. Default 600.
    pub multipart_timeout_secs: u64,
}

impl Default for HealthConfig {
    fn default() -> Self {
        HealthConfig {
            poll_interval_secs: 60,
            sweep_interval_secs: 300,
            multipart_timeout_secs: 600,
        }
    }
}

impl HealthConfig {
    /// The time between two signal/registration polls of a port.
    pub fn poll_interval(&self) -> Duration {
        Duration::from_secs(self.poll_interval_secs)
    }

    /// The time between two storage sweeps of a port.
    pub fn sweep_interval(&self) -> Duration {
        Duration::from_secs(self.sweep_interval_secs)
    }

    /// How long an incomplete multipart SMS waits for its missing parts.
    pub fn multipart_timeout(&self) -> Duration {
        Duration::from_secs(self.multipart_timeout_secs)
    }
}

/// `[recovery]`: how a port that stopped answering is brought back.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RecoveryConfig {
    /// `recovery.backoff_initial_ms`: the first wait before retrying a failed port, doubled
    /// at each failure; 1 to 600000. Default 1000.
    pub backoff_initial_ms: u64,
    /// `recovery.backoff_max_secs`: the longest wait between retries, 1 to 86400 and not
    /// shorter than the first. Default 300.
    pub backoff_max_secs: u64,
    /// `recovery.power_cycle_command`: a program and its arguments that cut and restore
    /// power to one modem, run when resets did not help. `{port}` is replaced by the port's
    /// path, `{usb_path}` by its USB location (e.g. `1-1.4`, as sysfs and `uhubctl -l` name
    /// it). Default: absent, and that step is skipped.
    pub power_cycle_command: Option<Vec<String>>,
}

impl Default for RecoveryConfig {
    fn default() -> Self {
        RecoveryConfig {
            backoff_initial_ms: 1000,
            backoff_max_secs: 300,
            power_cycle_command: None,
        }
    }
}

impl RecoveryConfig {
    /// The first wait before a failed port is retried.
    pub fn backoff_initial(&self) -> Duration {
        Duration::from_millis(self.backoff_initial_ms)
    }

    /// The longest wait between retries.
    pub fn backoff_max(&self) -> Duration {
        Duration::from_secs(self.backoff_max_secs)
    }

    /// The power-cycle command for the modem at `port`, placeholders filled in, or `None`
    /// when none is configured or it needs `{usb_path}` and the port's USB location is not
    /// known (then the step is skipped, as if no command were configured).
    pub fn power_cycle_argv(&self, port: &Path, usb_path: Option<&str>) -> Option<Vec<String>> {
        let command = self.power_cycle_command.as_ref()?;
        let port = port.to_string_lossy();
        command
            .iter()
            .map(|argument| {
                let argument = argument.replace("{port}", &port);
                if argument.contains("{usb_path}") {
                    usb_path.map(|usb_path| argument.replace("{usb_path}", usb_path))
                } else {
                    Some(argument)
                }
            })
            .collect()
    }
}

/// `[[port]]`: settings for one port, matched by its exact path as discovery reports it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PortOverride {
    /// `port[].path`: the port's path, e.g. `/dev/modempool/slot03`. Required.
    pub path: PathBuf,
    /// `port[].personality`: the modem model, when probing guesses wrong: `generic`,
    /// `quectel-ec25`, `sim800`, `sim7600`, `huawei-e3372`, `huawei-e173`. Default: probed.
    #[serde(
        default,
        deserialize_with = "personality_name",
        serialize_with = "write_personality_name"
    )]
    pub personality: Option<Personality>,
    /// `port[].reset_command`: the AT command that restarts this modem, e.g. `AT+CFUN=1,1`.
    /// Default: the model's own.
    #[serde(default)]
    pub reset_command: Option<String>,
    /// `port[].ingest`: overrides `ports.ingest` for this port. Default: `ports.ingest`.
    #[serde(default)]
    pub ingest: Option<IngestMode>,
}

/// Reads a personality by name, so that a wrong name is refused with the known ones.
fn personality_name<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Personality>, D::Error> {
    let name = String::deserialize(deserializer)?;
    name.parse().map(Some).map_err(serde::de::Error::custom)
}

/// Writes a personality by the name [`personality_name`] reads, so that a printed
/// configuration loads again. Absent stays absent (TOML skips it, JSON writes `null`).
fn write_personality_name<S: Serializer>(
    personality: &Option<Personality>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match personality {
        Some(personality) => serializer.serialize_str(personality.name()),
        None => serializer.serialize_none(),
    }
}

/// Command-line flags that override the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--ports GLOB`, repeatable: replaces `ports.globs` when not empty.
    pub ports: Vec<String>,
    /// `--db PATH`: replaces `database`.
    pub db: Option<PathBuf>,
    /// `--listen ADDR`: replaces `listen`.
    pub listen: Option<SocketAddr>,
    /// `--rack ID`: replaces `rack`.
    pub rack: Option<String>,
    /// `--metrics ADDR`: replaces `metrics.listen` (turns the endpoint on).
    pub metrics: Option<SocketAddr>,
    /// `--partner-listen ADDR`: replaces `partner_api.listen` (turns the partner API on;
    /// partners still come from the file).
    pub partner_listen: Option<SocketAddr>,
    /// `--web-listen ADDR`: replaces `web.listen`.
    pub web_listen: Option<SocketAddr>,
    /// `--no-web`: turns the rack page off.
    pub no_web: bool,
}

/// One thing wrong in a configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The key, as a path: `ports.baud`, `pins."8949..."`, `port[2].personality`, or a
    /// command-line flag (`--rack`). `None` for a syntax error.
    pub key: Option<String>,
    /// 1-based line and column in the file, when known.
    pub position: Option<(usize, usize)>,
    /// What is wrong, and what would be right.
    pub reason: String,
}

/// Why the configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The file (or the command line) holds unknown keys, bad syntax or bad values. Every
    /// problem found is listed, one per line, as `origin:line:column: key: reason`.
    #[error("{}", render(origin, problems))]
    Invalid {
        /// The file's name, or `command line`.
        origin: String,
        /// What is wrong; never empty.
        problems: Vec<Problem>,
    },
}

fn render(origin: &str, problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|problem| {
            let mut line = origin.to_owned();
            if let Some((row, column)) = problem.position {
                line.push_str(&format!(":{row}:{column}"));
            }
            line.push_str(": ");
            if let Some(key) = &problem.key {
                line.push_str(key);
                line.push_str(": ");
            }
            line.push_str(&problem.reason);
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl Config {
    /// Reads and checks the configuration file at `path`.
    ///
    /// # Errors
    /// [`ConfigError::Read`] if the file cannot be read, [`ConfigError::Invalid`] listing
    /// every problem otherwise.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Config::from_toml_str(&text, &path.display().to_string())
    }

    /// Parses and checks a configuration; `origin` names it in errors (the file's name).
    ///
    /// Why separate from [`Config::load`]: tests and `--simulate` build configurations
    /// without a file.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] listing the syntax error, or every bad value found.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Config, ConfigError> {
        let invalid = |problems| ConfigError::Invalid {
            origin: origin.to_owned(),
            problems,
        };
        let mut config: Config = toml::from_str(text).map_err(|error| {
            let span = error.span();
            let problem = Problem {
                key: span.as_ref().and_then(|span| key_at(text, span.start)),
                position: span.map(|span| position(text, span.start)),
                reason: error.message().trim().replace('\n', "; "),
            };
            invalid(vec![problem])
        })?;
        let found = config.problems();
        if !found.is_empty() {
            let document = toml::de::DeTable::parse(text).ok();
            let problems = found
                .into_iter()
                .map(|(key, reason)| Problem {
                    position: document
                        .as_ref()
                        .and_then(|document| span_of(document.get_ref(), &key.0))
                        .map(|start| position(text, start)),
                    key: Some(key.to_string()),
                    reason,
                })
                .collect();
            return Err(invalid(problems));
        }
        config.canonicalise();
        Ok(config)
    }

    /// Applies command-line overrides, after checking them like the file's values.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] with origin `command line`, naming the flags whose values
    /// are bad; nothing is changed then.
    pub fn apply(&mut self, overrides: Overrides) -> Result<(), ConfigError> {
        let mut problems = Vec::new();
        for glob in &overrides.ports {
            if let Err(error) = glob::Pattern::new(glob) {
                problems.push(flag_problem(
                    "--ports",
                    format!("'{glob}' is not a valid glob: {error}"),
                ));
            }
        }
        if let Some(rack) = &overrides.rack
            && let Err(reason) = check_rack_id(rack)
        {
            problems.push(flag_problem("--rack", reason));
        }
        if let Some(db) = &overrides.db
            && db.as_os_str().is_empty()
        {
            problems.push(flag_problem("--db", "an empty path".to_owned()));
        }
        if overrides.metrics.is_some() || overrides.listen.is_some() {
            let metrics = MetricsConfig {
                listen: overrides.metrics.or(self.metrics.listen),
            };
            if let Some(reason) =
                self::metrics::clash(&metrics, overrides.listen.unwrap_or(self.listen))
            {
                let flag = if overrides.metrics.is_some() {
                    "--metrics"
                } else {
                    "--listen"
                };
                problems.push(flag_problem(flag, reason));
            }
        }
        if overrides.partner_listen.is_some()
            || overrides.listen.is_some()
            || overrides.web_listen.is_some()
        {
            let mut effective = self.clone();
            effective.listen = overrides.listen.unwrap_or(self.listen);
            effective.metrics.listen = overrides.metrics.or(self.metrics.listen);
            effective.partner_api.listen = overrides.partner_listen.or(self.partner_api.listen);
            effective.web.listen = overrides.web_listen.unwrap_or(self.web.listen);
            effective.web.enabled = self.web.enabled && !overrides.no_web;
            let flag = if overrides.partner_listen.is_some() {
                "--partner-listen"
            } else if overrides.web_listen.is_some() {
                "--web-listen"
            } else {
                "--listen"
            };
            if let Some(reason) = effective.partner_clash() {
                problems.push(flag_problem(flag, reason));
            }
            if overrides.partner_listen.is_some() && self.partner_api.partners.is_empty() {
                problems.push(flag_problem(
                    "--partner-listen",
                    "no [[partner_api.partners]] in the config file may call the partner API"
                        .to_owned(),
                ));
            }
        }
        if overrides.web_listen.is_some()
            || overrides.listen.is_some()
            || overrides.metrics.is_some()
        {
            let web = WebConfig {
                enabled: self.web.enabled && !overrides.no_web,
                listen: overrides.web_listen.unwrap_or(self.web.listen),
            };
            if let Some(reason) = self::web::clash(
                &web,
                overrides.listen.unwrap_or(self.listen),
                overrides.metrics.or(self.metrics.listen),
            ) {
                let flag = if overrides.web_listen.is_some() {
                    "--web-listen"
                } else if overrides.listen.is_some() {
                    "--listen"
                } else {
                    "--metrics"
                };
                problems.push(flag_problem(flag, reason));
            }
        }
        if !problems.is_empty() {
            return Err(ConfigError::Invalid {
                origin: "command line".to_owned(),
                problems,
            });
        }
        if !overrides.ports.is_empty() {
            self.ports.globs = overrides.ports;
        }
        if let Some(db) = overrides.db {
            self.database = Some(db);
        }
        if let Some(listen) = overrides.listen {
            self.listen = listen;
        }
        if let Some(rack) = overrides.rack {
            self.rack = Some(rack);
        }
        if let Some(metrics) = overrides.metrics {
            self.metrics.listen = Some(metrics);
        }
        if let Some(partner) = overrides.partner_listen {
            self.partner_api.listen = Some(partner);
        }
        if let Some(listen) = overrides.web_listen {
            self.web.listen = listen;
        }
        if overrides.no_web {
            self.web.enabled = false;
        }
        Ok(())
    }

    /// Why the partner API cannot listen where `partner_api.listen` says, given the other
    /// listeners; `None` when it can (or is off).
    fn partner_clash(&self) -> Option<String> {
        let partner = self.partner_api.listen?;
        [
            ("listen", Some(self.listen)),
            ("metrics.listen", self.metrics.listen),
            ("web.listen", self.web.enabled.then_some(self.web.listen)),
        ]
        .into_iter()
        .find_map(|(key, other)| {
            let other = other?;
            addresses_clash(partner, other)
                .then(|| format!("{partner} clashes with `{key}` ({other}): pick another port"))
        })
    }

    /// The rack id: `rack` if set, else derived from the host name, else `"rack"`.
    ///
    /// Why the host name: each rack runs on its own host, whose name is already unique in
    /// the fleet, so ids stay unique across racks without configuring anything.
    pub fn rack_id(&self) -> String {
        match &self.rack {
            Some(rack) => rack.clone(),
            None => rack_id_from_host_name(host_name().as_deref()),
        }
    }

    /// The SQLite file: `database` if set, else `$STATE_DIRECTORY/modempool.db` (the
    /// directory systemd creates for `StateDirectory=`), else `./modempool.db`.
    pub fn database_path(&self) -> PathBuf {
        resolve_database_path(
            self.database.as_deref(),
            std::env::var_os("STATE_DIRECTORY").as_deref(),
        )
    }

    /// The configuration as the daemon resolves it: `rack` set to [`Config::rack_id`],
    /// `database` to [`Config::database_path`] and each `[[port]]`'s `ingest` to
    /// [`Config::ingest_for`] its path.
    ///
    /// Why: a technician checking a file wants to see what the daemon will do on this host
    /// (which rack id, which database file), not only what the file says. The result is
    /// itself a valid configuration that resolves to itself, so a printed one loads again.
    pub fn effective(&self) -> Config {
        let mut effective = self.clone();
        effective.rack = Some(self.rack_id());
        effective.database = Some(self.database_path());
        for port_override in &mut effective.port_overrides {
            port_override.ingest = Some(self.ingest_for(&port_override.path));
        }
        effective
    }

    /// The `[[port]]` settings of the port at `path`, matched exactly as discovery reports
    /// paths (links are not resolved).
    pub fn port_override(&self, path: &Path) -> Option<&PortOverride> {
        self.port_overrides
            .iter()
            .find(|port_override| port_override.path == path)
    }

    /// How SMS are taken from the port at `path`: its `[[port]]` `ingest`, else
    /// `ports.ingest`.
    pub fn ingest_for(&self, path: &Path) -> IngestMode {
        self.port_override(path)
            .and_then(|port_override| port_override.ingest)
            .unwrap_or(self.ports.ingest)
    }

    /// The number-query USSD code of operator `mcc`-`mnc` (MNC as the IMSI carries it):
    /// the configured one, else the built-in one
    /// ([`inventory::default_number_query_code`]), else `None`.
    pub fn ussd_code(&self, mcc: &str, mnc: &str) -> Option<&str> {
        self.ussd
            .get(&format!("{mcc}-{mnc}"))
            .map(String::as_str)
            .or_else(|| inventory::default_number_query_code(mcc, mnc))
    }

    /// The configured PIN of the SIM `iccid`.
    pub fn pin_for(&self, iccid: &str) -> Option<&str> {
        self.pins.get(iccid).map(String::as_str)
    }

    /// The number a technician configured for the SIM `iccid`, E.164.
    pub fn number_for(&self, iccid: &str) -> Option<&str> {
        self.numbers.get(iccid).map(String::as_str)
    }

    /// Everything wrong with the values, each with its key. Types and unknown keys are
    /// checked by deserialisation before this.
    fn problems(&self) -> Vec<(KeyPath, String)> {
        let mut problems = Vec::new();
        let mut problem = |key: KeyPath, reason: String| problems.push((key, reason));
        api::api_problems(&self.api, &mut problem);
        api::pool_problems(&self.pool, &mut problem);
        self::metrics::metrics_problems(&self.metrics, self.listen, &mut problem);
        partner::partner_problems(&self.partner_api, self.pool.max_lease_secs, &mut problem);
        if let Some(reason) = self.partner_clash() {
            problem(KeyPath::key("partner_api").then("listen"), reason);
        }
        self::web::web_problems(&self.web, self.listen, self.metrics.listen, &mut problem);

        if let Some(rack) = &self.rack
            && let Err(reason) = check_rack_id(rack)
        {
            problem(KeyPath::key("rack"), reason);
        }
        if let Some(database) = &self.database
            && database.as_os_str().is_empty()
        {
            problem(KeyPath::key("database"), "an empty path".to_owned());
        }

        let ports = KeyPath::key("ports");
        if self.ports.globs.is_empty() {
            problem(
                ports.then("globs"),
                "no glob: the daemon would never find a port".to_owned(),
            );
        }
        for (index, glob) in self.ports.globs.iter().enumerate() {
            if let Err(error) = glob::Pattern::new(glob) {
                problem(
                    ports.then("globs").at(index),
                    format!("'{glob}' is not a valid glob: {error}"),
                );
            }
        }
        if !STANDARD_BAUD_RATES.contains(&self.ports.baud) {
            let rates: Vec<String> = STANDARD_BAUD_RATES.iter().map(u32::to_string).collect();
            problem(
                ports.then("baud"),
                format!(
                    "{} is not a standard baud rate ({})",
                    self.ports.baud,
                    rates.join(", ")
                ),
            );
        }
        let mut range = |key: KeyPath, value: u64, low: u64, high: u64, unit: &str| {
            if !(low..=high).contains(&value) {
                problem(
                    key,
                    format!("{value} is not between {low} and {high} {unit}"),
                );
            }
        };
        range(
            ports.then("scan_interval_secs"),
            self.ports.scan_interval_secs,
            1,
            3600,
            "s",
        );

        // Below 100 ms not even a short command's echo is back at 9600 baud; above ten
        // minutes a hung modem would hold its port for too long.
        let timeouts = KeyPath::key("timeouts");
        let t = &self.timeouts;
        range(timeouts.then("quick_ms"), t.quick_ms, 100, 600_000, "ms");
        range(
            timeouts.then("storage_ms"),
            t.storage_ms,
            100,
            600_000,
            "ms",
        );
        range(
            timeouts.then("network_ms"),
            t.network_ms,
            100,
            600_000,
            "ms",
        );
        range(timeouts.then("scan_ms"), t.scan_ms, 100, 600_000, "ms");

        // A day is the most any periodic check may wait: beyond it the check is off.
        let health = KeyPath::key("health");
        let h = &self.health;
        range(
            health.then("poll_interval_secs"),
            h.poll_interval_secs,
            1,
            86_400,
            "s",
        );
        range(
            health.then("sweep_interval_secs"),
            h.sweep_interval_secs,
            1,
            86_400,
            "s",
        );
        range(
            health.then("multipart_timeout_secs"),
            h.multipart_timeout_secs,
            1,
            86_400,
            "s",
        );

        let recovery = KeyPath::key("recovery");
        let r = &self.recovery;
        range(
            recovery.then("backoff_initial_ms"),
            r.backoff_initial_ms,
            1,
            600_000,
            "ms",
        );
        range(
            recovery.then("backoff_max_secs"),
            r.backoff_max_secs,
            1,
            86_400,
            "s",
        );
        if r.backoff_max_secs > 0 && r.backoff_max() < r.backoff_initial() {
            problem(
                recovery.then("backoff_max_secs"),
                format!(
                    "{} s is shorter than recovery.backoff_initial_ms ({} ms)",
                    r.backoff_max_secs, r.backoff_initial_ms
                ),
            );
        }
        if let Some(command) = &r.power_cycle_command {
            let key = recovery.then("power_cycle_command");
            match command.first() {
                None => problem(
                    key.clone(),
                    "an empty command: leave the key out to skip power cycling".to_owned(),
                ),
                Some(program) if program.trim().is_empty() => {
                    problem(key.at(0), "the program name is empty".to_owned());
                }
                Some(_) => {}
            }
            for (index, argument) in command.iter().enumerate() {
                for placeholder in placeholders(argument) {
                    if !POWER_CYCLE_PLACEHOLDERS.contains(&placeholder) {
                        problem(
                            key.at(index),
                            format!(
                                "unknown placeholder {placeholder} (known: {})",
                                POWER_CYCLE_PLACEHOLDERS.join(", ")
                            ),
                        );
                    }
                }
            }
        }

        for (index, port) in self.port_overrides.iter().enumerate() {
            let key = KeyPath::key("port").at(index);
            if port.path.as_os_str().is_empty() {
                problem(key.then("path"), "an empty path".to_owned());
            }
            if let Some(first) = self.port_overrides[..index]
                .iter()
                .position(|other| other.path == port.path)
            {
                problem(
                    key.then("path"),
                    format!(
                        "'{}' is already configured by port[{first}]",
                        port.path.display()
                    ),
                );
            }
            if let Some(command) = &port.reset_command {
                let is_at = command
                    .get(..2)
                    .is_some_and(|at| at.eq_ignore_ascii_case("AT"));
                if !is_at || command.chars().any(|c| c.is_control()) {
                    problem(
                        key.then("reset_command"),
                        format!(
                            "'{}' is not one AT command such as \"AT+CFUN=1,1\"",
                            command.escape_debug()
                        ),
                    );
                }
            }
        }

        for (iccid, pin) in &self.pins {
            let key = KeyPath::key("pins").then(iccid);
            if let Err(reason) = check_iccid(iccid) {
                problem(key.clone(), reason);
            }
            // The PIN itself is never echoed: error messages end up in logs.
            if !(4..=8).contains(&pin.len()) || !is_digits(pin) {
                problem(key, "a PIN is 4 to 8 digits".to_owned());
            }
        }

        for (operator, code) in &self.ussd {
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

        let mut owners: BTreeMap<String, &str> = BTreeMap::new();
        for (iccid, number) in &self.numbers {
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
            match inventory::normalise(number, None) {
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
        problems
    }

    /// Rewrites values that have a canonical form into it, after [`Config::problems`]
    /// found none: numbers into E.164.
    fn canonicalise(&mut self) {
        for number in self.numbers.values_mut() {
            if let Ok(e164) = inventory::normalise(number, None) {
                *number = e164;
            }
        }
    }
}

/// Whether two listeners would take the same port. Port 0 is a fresh port each time: two of
/// them never clash. An unspecified address (0.0.0.0, ::) takes the port on every address,
/// the other's included.
pub(crate) fn addresses_clash(a: SocketAddr, b: SocketAddr) -> bool {
    let same_ip = a.ip() == b.ip() || a.ip().is_unspecified() || b.ip().is_unspecified();
    a.port() != 0 && a.port() == b.port() && same_ip
}

fn flag_problem(flag: &str, reason: String) -> Problem {
    Problem {
        key: Some(flag.to_owned()),
        position: None,
        reason,
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

/// A rack id: `[A-Za-z0-9_-]{1,32}`, because it goes into every id the daemon hands out,
/// into metrics labels and file names.
fn check_rack_id(rack: &str) -> Result<(), String> {
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

/// The `{name}` placeholders in a command argument.
fn placeholders(argument: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = argument;
    while let Some(open) = rest.find('{') {
        let after = &rest[open..];
        match after.find('}') {
            Some(close) => {
                found.push(&after[..=close]);
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    found
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
fn host_name() -> Option<String> {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .into_iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .map(|name| name.trim().to_owned())
        .find(|name| !name.is_empty())
}

/// The database file: `explicit` if given; else `modempool.db` in the first directory of
/// `state_directory` (systemd sets `$STATE_DIRECTORY` to the `StateDirectory=` paths, joined
/// by ':' when there are several); else `./modempool.db`.
///
/// Pure (the environment value is a parameter) so that tests need not change the
/// environment.
pub fn resolve_database_path(explicit: Option<&Path>, state_directory: Option<&OsStr>) -> PathBuf {
    if let Some(explicit) = explicit {
        return explicit.to_owned();
    }
    let first_state_directory = state_directory
        .map(|value| value.to_string_lossy())
        .and_then(|value| {
            value
                .split(':')
                .next()
                .filter(|first| !first.is_empty())
                .map(PathBuf::from)
        });
    match first_state_directory {
        Some(directory) => directory.join(DATABASE_FILE_NAME),
        None => Path::new(".").join(DATABASE_FILE_NAME),
    }
}

/// One step of a key path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// Where a value sits in the document, e.g. `port[2].reset_command`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct KeyPath(Vec<Segment>);

impl KeyPath {
    fn key(name: &str) -> KeyPath {
        KeyPath(vec![Segment::Key(name.to_owned())])
    }

    fn then(&self, name: &str) -> KeyPath {
        let mut path = self.clone();
        path.0.push(Segment::Key(name.to_owned()));
        path
    }

    fn at(&self, index: usize) -> KeyPath {
        let mut path = self.clone();
        path.0.push(Segment::Index(index));
        path
    }
}

impl fmt::Display for KeyPath {
    /// Keys as TOML writes them: bare when they can be and do not start with a digit (so
    /// that ICCIDs and MCC-MNC keys read as data, quoted), else quoted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(key) => {
                    if position > 0 {
                        f.write_str(".")?;
                    }
                    let bare = key
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                        && key.bytes().next().is_some_and(|b| !b.is_ascii_digit());
                    if bare {
                        f.write_str(key)?;
                    } else {
                        write!(f, "\"{}\"", key.escape_debug())?;
                    }
                }
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// 1-based line and column of a byte offset.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

/// The key path of the smallest key or value in the document that covers `offset`: names
/// the key a deserialisation error (which carries only a span) is about.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let document = toml::de::DeTable::parse(text).ok()?;
    let mut best: Option<(usize, Vec<Segment>)> = None;
    search_table(document.get_ref(), &mut Vec::new(), offset, &mut best);
    best.map(|(_, path)| KeyPath(path).to_string())
}

type Best = Option<(usize, Vec<Segment>)>;

fn covers(span: &std::ops::Range<usize>, offset: usize) -> bool {
    span.contains(&offset) || (span.is_empty() && span.start == offset)
}

fn consider(span: std::ops::Range<usize>, offset: usize, path: &[Segment], best: &mut Best) {
    if covers(&span, offset) && best.as_ref().is_none_or(|(len, _)| span.len() <= *len) {
        *best = Some((span.len(), path.to_vec()));
    }
}

fn search_table(
    table: &toml::de::DeTable<'_>,
    path: &mut Vec<Segment>,
    offset: usize,
    best: &mut Best,
) {
    for (key, value) in table {
        path.push(Segment::Key(key.get_ref().to_string()));
        consider(key.span(), offset, path, best);
        search_value(value, path, offset, best);
        path.pop();
    }
}

fn search_value(
    value: &toml::Spanned<toml::de::DeValue<'_>>,
    path: &mut Vec<Segment>,
    offset: usize,
    best: &mut Best,
) {
    consider(value.span(), offset, path, best);
    match value.get_ref() {
        toml::de::DeValue::Table(table) => search_table(table, path, offset, best),
        toml::de::DeValue::Array(array) => {
            for (index, element) in array.iter().enumerate() {
                path.push(Segment::Index(index));
                search_value(element, path, offset, best);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Where the key (or array element) at `path` starts in the document.
fn span_of(table: &toml::de::DeTable<'_>, path: &[Segment]) -> Option<usize> {
    let (Segment::Key(first), rest) = path.split_first()? else {
        return None;
    };
    let (key, value) = table
        .iter()
        .find(|(key, _)| key.get_ref().as_ref() == first.as_str())?;
    if rest.is_empty() {
        return Some(key.span().start);
    }
    let mut value = value;
    let mut rest = rest;
    loop {
        match (rest.first(), value.get_ref()) {
            (None, _) => return Some(value.span().start),
            (Some(Segment::Key(_)), toml::de::DeValue::Table(inner)) => {
                return span_of(inner, rest);
            }
            (Some(Segment::Index(index)), toml::de::DeValue::Array(array)) => {
                value = array.get(*index)?;
                rest = &rest[1..];
            }
            _ => return Some(value.span().start),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file with every key set, to other values than the defaults where it makes sense.
    const FULL: &str = r#"
rack = "rack1"
database = "/var/lib/modempool/modempool.db"
listen = "0.0.0.0:50052"

[ports]
globs = ["/dev/modempool/*", "/dev/serial/by-id/usb-Quectel*-if02-port0"]
baud = 921600
scan_interval_secs = 2
ingest = "direct"

[timeouts]
quick_ms = 3000
storage_ms = 40000
network_ms = 150000
scan_ms = 200000

[health]
poll_interval_secs = 30
sweep_interval_secs = 120
multipart_timeout_secs = 900

[recovery]
backoff_initial_ms = 500
backoff_max_secs = 600
power_cycle_command = ["uhubctl", "-a", "cycle", "-l", "{usb_path}"]

[[port]]
path = "/dev/modempool/slot03"
personality = "quectel-ec25"
reset_command = "AT+CFUN=1,1"
ingest = "store"

[[port]]
path = "/dev/modempool/slot04"
personality = "sim800"

[pins]
"89490200001234567890" = "1234"

[ussd]
"250-01" = "*111*0887#"
"250-20" = "*201#"

[numbers]
"89490200001234567890" = "+49 151 12345678"
"8970101000000000001" = "+79161234567"

[metrics]
listen = "127.0.0.1:9600"
"#;

    /// A configuration text loaded as `serve` would load a file (for every section's tests).
    pub(super) fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::from_toml_str(text, "test.toml")
    }

    /// Everything wrong with a configuration text, rendered as `serve` would print it;
    /// panics when the text is accepted.
    pub(super) fn problems(text: &str) -> String {
        match parse(text) {
            Ok(config) => panic!("accepted: {config:?}"),
            Err(error) => error.to_string(),
        }
    }

    /// The one problem a configuration text has, rendered.
    fn problem(text: &str) -> String {
        match parse(text) {
            Ok(config) => panic!("accepted: {config:?}"),
            Err(ConfigError::Invalid { problems, .. }) => {
                assert_eq!(problems.len(), 1, "{problems:?}");
                render("test.toml", &problems)
            }
            Err(other) => panic!("{other}"),
        }
    }

    #[test]
    fn defaults() {
        let config = Config::default();
        assert_eq!(config.rack, None);
        assert_eq!(config.database, None);
        assert_eq!(config.listen.to_string(), "127.0.0.1:50051");
        assert_eq!(config.ports.globs, ["/dev/modempool/*"]);
        assert_eq!(config.ports.baud, 115_200);
        assert_eq!(config.ports.scan_interval(), Duration::from_secs(5));
        assert_eq!(config.ports.ingest, IngestMode::Store);
        assert_eq!(config.timeouts.quick_ms, 2000);
        assert_eq!(config.timeouts.storage_ms, 30_000);
        assert_eq!(config.timeouts.network_ms, 120_000);
        assert_eq!(config.timeouts.scan_ms, 180_000);
        assert_eq!(config.timeouts.runner_timeouts(), Timeouts::default());
        assert_eq!(config.health.poll_interval(), Duration::from_secs(60));
        assert_eq!(config.health.sweep_interval(), Duration::from_secs(300));
        assert_eq!(config.health.multipart_timeout(), Duration::from_secs(600));
        assert_eq!(config.recovery.backoff_initial(), Duration::from_secs(1));
        assert_eq!(config.recovery.backoff_max(), Duration::from_secs(300));
        assert_eq!(config.recovery.power_cycle_command, None);
        assert!(config.port_overrides.is_empty());
        assert!(config.pins.is_empty() && config.ussd.is_empty() && config.numbers.is_empty());
        // The defaults pass their own checks.
        assert!(config.problems().is_empty());
    }

    #[test]
    fn the_documented_example_parses_and_shows_the_defaults() {
        // The example in this module's documentation, so that it cannot rot.
        let source = include_str!("mod.rs");
        let example: String = source
            .lines()
            .skip_while(|line| *line != "//! ```toml")
            .skip(1)
            .take_while(|line| *line != "//! ```")
            .map(|line| format!("{}\n", line.trim_start_matches("//!").trim_start()))
            .collect();
        assert!(example.contains("[numbers]"), "{example}");
        let config = parse(&example).unwrap();
        let defaults = Config::default();
        assert_eq!(config.ports, defaults.ports);
        assert_eq!(config.timeouts, defaults.timeouts);
        assert_eq!(config.health, defaults.health);
        assert_eq!(
            config.recovery.backoff_initial_ms,
            defaults.recovery.backoff_initial_ms
        );
        assert_eq!(
            config.recovery.backoff_max_secs,
            defaults.recovery.backoff_max_secs
        );
        assert_eq!(config.listen, defaults.listen);
        assert_eq!(config.port_overrides.len(), 1);
        assert_eq!(config.api.tokens.len(), 2);
        assert_eq!(
            PoolConfig {
                codes: BTreeMap::new(),
                ..config.pool.clone()
            },
            defaults.pool
        );
        assert_eq!(config.pool.codes["steam"].len(), 1);
    }

    /// `modempool.example.toml`, the annotated file technicians copy.
    const EXAMPLE: &str = include_str!("../../modempool.example.toml");

    /// `text` with every commented-out setting made active: the example's convention is
    /// `#key = value` and `#[table]` for settings, `# text` for explanations.
    fn uncomment_settings(text: &str) -> String {
        text.lines()
            .map(|line| match line.strip_prefix('#') {
                Some(rest) if rest.starts_with(|c: char| !c.is_whitespace() && c != '#') => rest,
                _ => line,
            })
            .map(|line| format!("{line}\n"))
            .collect()
    }

    #[test]
    fn the_example_file_as_shipped_is_the_defaults() {
        // Documented at its top: a copy changes nothing until a line is uncommented.
        assert_eq!(parse(EXAMPLE).unwrap(), Config::default());
    }

    #[test]
    fn the_example_file_shows_every_key_with_its_default_or_an_example() {
        let uncommented = uncomment_settings(EXAMPLE);
        let expected = Config {
            rack: Some("rack1".to_owned()),
            database: Some(PathBuf::from("/var/lib/modempool/modempool.db")),
            recovery: RecoveryConfig {
                power_cycle_command: Some(
                    ["uhubctl", "-a", "cycle", "-l", "{usb_path}"]
                        .map(str::to_owned)
                        .to_vec(),
                ),
                ..RecoveryConfig::default()
            },
            port_overrides: vec![PortOverride {
                path: PathBuf::from("/dev/modempool/slot03"),
                personality: Some(Personality::QuectelEc2x),
                reset_command: Some("AT+CFUN=1,1".to_owned()),
                ingest: Some(IngestMode::Direct),
            }],
            pins: BTreeMap::from([("89490200001234567890".to_owned(), "1234".to_owned())]),
            ussd: BTreeMap::from([("250-01".to_owned(), "*111*0887#".to_owned())]),
            numbers: BTreeMap::from([(
                "89490200001234567890".to_owned(),
                "+4915112345678".to_owned(),
            )]),
            api: ApiConfig {
                tokens: vec![
                    TokenConfig {
                        name: "backend".to_owned(),
                        sha256: "5d1654d3e5067d24fdaf77ecfa8d4319ec283f6a80abcd00245d1143b5804d88"
                            .to_owned(),
                        admin: false,
                    },
                    TokenConfig {
                        name: "ops".to_owned(),
                        sha256: "89d07ed6bdf4b1e14a16bdc4bcd446c5cffd8599b8b1b5b2880afa3fec3e61e9"
                            .to_owned(),
                        admin: true,
                    },
                ],
                tls: Some(TlsConfig {
                    cert: PathBuf::from("/etc/modempool/tls/cert.pem"),
                    key: PathBuf::from("/etc/modempool/tls/key.pem"),
                    client_ca: Some(PathBuf::from("/etc/modempool/tls/clients-ca.pem")),
                }),
            },
            pool: PoolConfig {
                codes: BTreeMap::from([
                    (
                        "steam".to_owned(),
                        vec![r"code:\s*(?P<code>[A-Z0-9]{5})".to_owned()],
                    ),
                    ("whatsapp".to_owned(), vec![r"(\d{3}-\d{3})".to_owned()]),
                ]),
                ..PoolConfig::default()
            },
            metrics: MetricsConfig {
                listen: Some(SocketAddr::from(([127, 0, 0, 1], 9600))),
            },
            partner_api: PartnerApiConfig {
                listen: Some(SocketAddr::from(([0, 0, 0, 0], 8060))),
                partners: vec![PartnerConfig {
                    name: "aggregator-a".to_owned(),
                    key_sha256: "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b"
                        .to_owned(),
                    prices: BTreeMap::from([
                        ("DE".to_owned(), Price::from_decimal(0.3).unwrap()),
                        ("GB".to_owned(), Price::from_decimal(0.25).unwrap()),
                    ]),
                    default_price: Some(Price::from_decimal(0.1).unwrap()),
                    requests_per_minute: Some(600),
                    burst: Some(50),
                }],
                tls: Some(TlsConfig {
                    cert: PathBuf::from("/etc/modempool/tls/partner-cert.pem"),
                    key: PathBuf::from("/etc/modempool/tls/partner-key.pem"),
                    client_ca: Some(PathBuf::from("/etc/modempool/tls/partners-ca.pem")),
                }),
                ..PartnerApiConfig::default()
            },
            ..Config::default()
        };
        // Every setting is valid, and those with a default show exactly the default.
        assert_eq!(parse(&uncommented).unwrap(), expected);
        // Every key is there: `expected` sets every optional key, so its serialised form
        // names them all, and the file holds exactly those keys with those values.
        let file: toml::Table = toml::from_str(&uncommented).unwrap();
        let every_key = toml::Table::try_from(&expected).unwrap();
        assert_eq!(file, every_key);
    }

    #[test]
    fn api_and_pool_mistakes_are_named() {
        let text = r#"
[api]
tokens = [{ name = "a b", sha256 = "xyz" }, { name = "ok", sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" }, { name = "ok", sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" }]
[pool]
default_lease_secs = 10
cooldown_secs = 99999
[pool.codes]
whatsapp = ["(unclosed"]
"#;
        let message = parse(text).unwrap_err().to_string();
        for expected in [
            "api.tokens[0].name: 'a b' is not a token name",
            "api.tokens[0].sha256: not a SHA-256",
            "api.tokens[2].name: 'ok' names two tokens",
            "pool.default_lease_secs: 10 is not between 60",
            "pool.cooldown_secs: 99999 is not between 0 and 3600",
            "pool.codes.whatsapp[0]: not a valid regex",
        ] {
            assert!(
                message.contains(expected),
                "{expected} missing from:\n{message}"
            );
        }
    }

    #[test]
    fn an_empty_file_is_the_defaults() {
        assert_eq!(parse("").unwrap(), Config::default());
        assert_eq!(parse("# nothing\n\n[ports]\n").unwrap(), Config::default());
    }

    #[test]
    fn the_full_example_parses() {
        let config = parse(FULL).unwrap();
        assert_eq!(config.rack_id(), "rack1");
        assert_eq!(
            config.database_path(),
            PathBuf::from("/var/lib/modempool/modempool.db")
        );
        assert_eq!(config.listen.to_string(), "0.0.0.0:50052");
        assert_eq!(config.ports.globs.len(), 2);
        assert_eq!(config.ports.baud, 921_600);
        assert_eq!(config.ports.scan_interval(), Duration::from_secs(2));
        assert_eq!(config.ports.ingest, IngestMode::Direct);
        assert_eq!(
            config.timeouts.of(TimeoutClass::Quick),
            Duration::from_secs(3)
        );
        assert_eq!(
            config.timeouts.of(TimeoutClass::Storage),
            Duration::from_secs(40)
        );
        assert_eq!(
            config.timeouts.of(TimeoutClass::Network),
            Duration::from_secs(150)
        );
        assert_eq!(
            config.timeouts.of(TimeoutClass::Scan),
            Duration::from_secs(200)
        );
        assert_eq!(config.health.poll_interval(), Duration::from_secs(30));
        assert_eq!(config.health.sweep_interval(), Duration::from_secs(120));
        assert_eq!(config.health.multipart_timeout(), Duration::from_secs(900));
        assert_eq!(
            config.recovery.backoff_initial(),
            Duration::from_millis(500)
        );
        assert_eq!(config.recovery.backoff_max(), Duration::from_secs(600));

        let slot03 = Path::new("/dev/modempool/slot03");
        let port = config.port_override(slot03).unwrap();
        assert_eq!(port.personality, Some(Personality::QuectelEc2x));
        assert_eq!(port.reset_command.as_deref(), Some("AT+CFUN=1,1"));
        assert_eq!(config.ingest_for(slot03), IngestMode::Store);
        let slot04 = Path::new("/dev/modempool/slot04");
        assert_eq!(
            config.port_override(slot04).unwrap().personality,
            Some(Personality::SimcomSim800)
        );
        assert_eq!(config.ingest_for(slot04), IngestMode::Direct);
        assert_eq!(
            config.port_override(Path::new("/dev/modempool/slot05")),
            None
        );

        assert_eq!(config.pin_for("89490200001234567890"), Some("1234"));
        assert_eq!(config.pin_for("89490200001234567891"), None);
        // Numbers come out canonical.
        assert_eq!(
            config.number_for("89490200001234567890"),
            Some("+4915112345678")
        );
        assert_eq!(
            config.number_for("8970101000000000001"),
            Some("+79161234567")
        );

        assert_eq!(
            config.recovery.power_cycle_argv(slot03, Some("1-1.4")),
            Some(
                ["uhubctl", "-a", "cycle", "-l", "1-1.4"]
                    .map(str::to_owned)
                    .to_vec()
            )
        );
        assert_eq!(config.recovery.power_cycle_argv(slot03, None), None);
        assert_eq!(
            config.metrics.listen,
            Some(SocketAddr::from(([127, 0, 0, 1], 9600)))
        );
    }

    #[test]
    fn ussd_codes_configured_first_then_built_in() {
        let config = parse(FULL).unwrap();
        assert_eq!(config.ussd_code("250", "01"), Some("*111*0887#"));
        assert_eq!(config.ussd_code("250", "20"), Some("*201#"));
        assert_eq!(config.ussd_code("250", "99"), Some("*110*10#"));
        assert_eq!(config.ussd_code("250", "02"), Some("*205#"));
        assert_eq!(config.ussd_code("262", "01"), None);

        let config = parse("[ussd]\n\"250-99\" = \"*999#\"\n").unwrap();
        assert_eq!(config.ussd_code("250", "99"), Some("*999#"));
    }

    #[test]
    fn power_cycle_placeholders() {
        let config = parse(
            "[recovery]\npower_cycle_command = [\"/usr/local/bin/cycle\", \"--tty={port}\"]\n",
        )
        .unwrap();
        assert_eq!(
            config
                .recovery
                .power_cycle_argv(Path::new("/dev/modempool/slot01"), None),
            Some(vec![
                "/usr/local/bin/cycle".to_owned(),
                "--tty=/dev/modempool/slot01".to_owned()
            ])
        );
        assert_eq!(
            Config::default()
                .recovery
                .power_cycle_argv(Path::new("/dev/x"), Some("1-1")),
            None
        );
    }

    #[test]
    fn each_bad_value_names_its_key() {
        let cases: &[(&str, &str)] = &[
            ("rack = \"rack one\"", "rack: 'rack one' is not a rack id"),
            (&format!("rack = \"{}\"", "r".repeat(33)), "rack: "),
            ("database = \"\"", "database: an empty path"),
            (
                "[ports]\nbaud = 12345",
                "ports.baud: 12345 is not a standard baud rate",
            ),
            ("[ports]\nglobs = []", "ports.globs: no glob"),
            (
                "[ports]\nglobs = [\"/dev/ok*\", \"/dev/[bad\"]",
                "ports.globs[1]: '/dev/[bad' is not a valid glob",
            ),
            (
                "[ports]\nscan_interval_secs = 0",
                "ports.scan_interval_secs: 0 is not between 1 and 3600 s",
            ),
            (
                "[ports]\nscan_interval_secs = 86400",
                "ports.scan_interval_secs: 86400 is not between",
            ),
            (
                "[timeouts]\nquick_ms = 0",
                "timeouts.quick_ms: 0 is not between 100 and 600000 ms",
            ),
            (
                "[timeouts]\nstorage_ms = 50",
                "timeouts.storage_ms: 50 is not",
            ),
            (
                "[timeouts]\nnetwork_ms = 600001",
                "timeouts.network_ms: 600001 is not",
            ),
            ("[timeouts]\nscan_ms = 0", "timeouts.scan_ms: 0 is not"),
            (
                "[health]\npoll_interval_secs = 0",
                "health.poll_interval_secs: 0 is not",
            ),
            (
                "[health]\nsweep_interval_secs = 0",
                "health.sweep_interval_secs: 0 is not",
            ),
            (
                "[health]\nmultipart_timeout_secs = 100000",
                "health.multipart_timeout_secs: 100000 is not",
            ),
            (
                "[recovery]\nbackoff_initial_ms = 0",
                "recovery.backoff_initial_ms: 0 is not",
            ),
            (
                "[recovery]\nbackoff_max_secs = 0",
                "recovery.backoff_max_secs: 0 is not",
            ),
            (
                "[recovery]\nbackoff_initial_ms = 5000\nbackoff_max_secs = 2",
                "recovery.backoff_max_secs: 2 s is shorter than recovery.backoff_initial_ms (5000 ms)",
            ),
            (
                "[recovery]\npower_cycle_command = []",
                "recovery.power_cycle_command: an empty command",
            ),
            (
                "[recovery]\npower_cycle_command = [\"\"]",
                "recovery.power_cycle_command[0]: the program name is empty",
            ),
            (
                "[recovery]\npower_cycle_command = [\"x\", \"{tty}\"]",
                "recovery.power_cycle_command[1]: unknown placeholder {tty}",
            ),
            ("[[port]]\npath = \"\"", "port[0].path: an empty path"),
            (
                "[[port]]\npath = \"/dev/a\"\n[[port]]\npath = \"/dev/a\"",
                "port[1].path: '/dev/a' is already configured by port[0]",
            ),
            (
                "[[port]]\npath = \"/dev/a\"\nreset_command = \"CFUN=1,1\"",
                "port[0].reset_command: 'CFUN=1,1' is not one AT command",
            ),
            (
                "[[port]]\npath = \"/dev/a\"\nreset_command = \"AT+CFUN=1,1\\r\\nATZ\"",
                "port[0].reset_command: ",
            ),
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
        ];
        for (text, expected) in cases {
            let message = problem(text);
            assert!(message.starts_with("test.toml:"), "{message}");
            assert!(
                message.contains(expected),
                "{text:?}\n→ {message}\n  wanted {expected:?}"
            );
        }
    }

    #[test]
    fn a_pin_is_never_echoed() {
        let message = problem("[pins]\n\"89490200001234567890\" = \"123\"");
        assert!(
            !message.contains("\"123\"") && !message.contains("'123'"),
            "{message}"
        );
    }

    #[test]
    fn bad_types_and_names_name_the_key_and_line() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "[ports]\nbaud = \"fast\"",
                "test.toml:2:8: ports.baud: ",
                "invalid type",
            ),
            (
                "[ports]\ningest = \"push\"",
                "test.toml:2:10: ports.ingest: ",
                "unknown variant `push`",
            ),
            (
                "listen = \"localhost\"",
                "test.toml:1:10: listen: ",
                "invalid socket address",
            ),
            (
                "[ports]\nscan_interval_secs = -1",
                "test.toml:2:22: ports.scan_interval_secs: ",
                "invalid value",
            ),
            (
                "[[port]]\npath = \"/dev/a\"\npersonality = \"quectel\"",
                "test.toml:3:15: port[0].personality: ",
                "unknown modem personality 'quectel'",
            ),
            (
                "[pins]\n\"89490200001234567890\" = 1234",
                "test.toml:2:26: pins.\"89490200001234567890\": ",
                "invalid type: integer",
            ),
        ];
        for (text, location, reason) in cases {
            let message = problem(text);
            assert!(
                message.starts_with(location) && message.contains(reason),
                "{text:?}\n→ {message}\n  wanted {location:?} … {reason:?}"
            );
        }
    }

    #[test]
    fn unknown_keys_are_named() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "bauds = 9600",
                "test.toml:1:1: bauds: ",
                "unknown field `bauds`",
            ),
            (
                "[ports]\nbauds = 9600",
                "test.toml:2:1: ports.bauds: ",
                "unknown field `bauds`",
            ),
            (
                "[timeout]\nquick_ms = 1",
                "test.toml:1:2: timeout: ",
                "unknown field `timeout`",
            ),
            (
                "[[port]]\npath = \"/dev/a\"\nreset = \"ATZ\"",
                "test.toml:3:1: port[0].reset: ",
                "unknown field `reset`",
            ),
        ];
        for (text, location, reason) in cases {
            let message = problem(text);
            assert!(
                message.starts_with(location) && message.contains(reason),
                "{text:?}\n→ {message}\n  wanted {location:?} … {reason:?}"
            );
        }
    }

    #[test]
    fn a_missing_required_key_is_named() {
        let message = problem("[[port]]\npersonality = \"sim800\"");
        assert!(
            message.contains("port") && message.contains("missing field `path`"),
            "{message}"
        );
    }

    #[test]
    fn syntax_errors_give_the_position() {
        let message = problem("rack = \"a\"\n[ports\nbaud = 9600\n");
        assert!(message.starts_with("test.toml:2:"), "{message}");
    }

    #[test]
    fn validation_problems_carry_the_line() {
        let message = problem("rack = \"r1\"\n\n[ports]\nscan_interval_secs = 5\nbaud = 12345\n");
        assert!(
            message.starts_with("test.toml:5:1: ports.baud: "),
            "{message}"
        );
        let message = problem("[pins]\n\"8949x\" = \"1234\"\n");
        assert!(
            message.starts_with("test.toml:2:1: pins.\"8949x\": "),
            "{message}"
        );
        let message = problem(
            "[[port]]\npath = \"/dev/a\"\n[[port]]\npath = \"/dev/b\"\nreset_command = \"ATZ\\n\"\n",
        );
        assert!(
            message.starts_with("test.toml:5:1: port[1].reset_command: "),
            "{message}"
        );
    }

    #[test]
    fn every_problem_is_listed() {
        let error = parse("[ports]\nbaud = 1\nscan_interval_secs = 0\n[pins]\n\"1\" = \"1\"\n")
            .unwrap_err();
        let ConfigError::Invalid { origin, problems } = &error else {
            panic!("{error}");
        };
        assert_eq!(origin, "test.toml");
        // The bad ICCID and the bad PIN of one entry are two problems.
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert_eq!(error.to_string().lines().count(), 4);
    }

    #[test]
    fn load_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("modempool.toml");
        std::fs::write(&path, "[ports]\nbaud = 12345\n").unwrap();
        let message = Config::load(&path).unwrap_err().to_string();
        assert!(
            message.starts_with(&format!("{}:2:1: ports.baud: ", path.display())),
            "{message}"
        );

        std::fs::write(&path, FULL).unwrap();
        assert_eq!(Config::load(&path).unwrap(), parse(FULL).unwrap());

        let missing = dir.path().join("missing.toml");
        let error = Config::load(&missing).unwrap_err();
        assert!(matches!(error, ConfigError::Read { .. }), "{error:?}");
        assert!(error.to_string().contains("missing.toml"), "{error}");
    }

    #[test]
    fn overrides_win() {
        let mut config = parse(FULL).unwrap();
        config
            .apply(Overrides {
                ports: vec!["/tmp/sim/*".to_owned()],
                db: Some(PathBuf::from("/tmp/test.db")),
                listen: Some("127.0.0.1:0".parse().unwrap()),
                rack: Some("test-rack".to_owned()),
                metrics: Some("127.0.0.1:9601".parse().unwrap()),
                partner_listen: None,
                web_listen: Some("127.0.0.1:0".parse().unwrap()),
                no_web: false,
            })
            .unwrap();
        assert_eq!(config.ports.globs, ["/tmp/sim/*"]);
        assert_eq!(config.database_path(), PathBuf::from("/tmp/test.db"));
        assert_eq!(config.listen.port(), 0);
        assert_eq!(config.rack_id(), "test-rack");
        assert_eq!(config.metrics.listen.map(|a| a.port()), Some(9601));
        assert_eq!(config.web.listen.port(), 0);

        // Empty overrides change nothing.
        let before = parse(FULL).unwrap();
        let mut after = before.clone();
        after.apply(Overrides::default()).unwrap();
        assert_eq!(after, before);
    }

    #[test]
    fn bad_overrides_are_refused_and_change_nothing() {
        let mut config = Config::default();
        let error = config
            .apply(Overrides {
                ports: vec!["/dev/[bad".to_owned()],
                rack: Some("no spaces".to_owned()),
                db: Some(PathBuf::new()),
                ..Overrides::default()
            })
            .unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("command line: --ports: '/dev/[bad'"),
            "{message}"
        );
        assert!(
            message.contains("command line: --rack: 'no spaces'"),
            "{message}"
        );
        assert!(
            message.contains("command line: --db: an empty path"),
            "{message}"
        );
        assert_eq!(config, Config::default());
    }

    #[test]
    fn database_path_resolution() {
        let explicit = Path::new("/srv/pool.db");
        assert_eq!(
            resolve_database_path(Some(explicit), Some(OsStr::new("/var/lib/modempool"))),
            PathBuf::from("/srv/pool.db")
        );
        assert_eq!(
            resolve_database_path(None, Some(OsStr::new("/var/lib/modempool"))),
            PathBuf::from("/var/lib/modempool/modempool.db")
        );
        assert_eq!(
            resolve_database_path(None, Some(OsStr::new("/var/lib/a:/var/lib/b"))),
            PathBuf::from("/var/lib/a/modempool.db")
        );
        assert_eq!(
            resolve_database_path(None, Some(OsStr::new(""))),
            PathBuf::from("./modempool.db")
        );
        assert_eq!(
            resolve_database_path(None, None),
            PathBuf::from("./modempool.db")
        );
    }

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
    fn key_paths_quote_data_keys() {
        let path = KeyPath::key("pins").then("8949x");
        assert_eq!(path.to_string(), "pins.\"8949x\"");
        assert_eq!(
            KeyPath::key("port").at(2).then("path").to_string(),
            "port[2].path"
        );
        assert_eq!(KeyPath::key("a b").to_string(), "\"a b\"");
    }

    #[test]
    fn positions_are_one_based() {
        assert_eq!(position("abc", 0), (1, 1));
        assert_eq!(position("a\nbc", 3), (2, 2));
        assert_eq!(position("a\nbc", 99), (2, 3));
        assert_eq!(position("ж\nж", 3), (2, 1));
    }
}
