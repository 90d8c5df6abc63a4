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
use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

// One file per section (or group of sections), each with its checks and their tests.
mod api;
mod capture;
mod database;
pub(crate) mod e164;
mod health;
mod metrics;
mod partner;
mod port;
mod ports;
mod rack;
mod recovery;
mod sim;
mod timeouts;
mod web;

pub use self::metrics::MetricsConfig;
pub use self::web::{DEFAULT_WEB_LISTEN, WebConfig};
pub use api::{ApiConfig, PoolConfig, TlsConfig, TokenConfig, service_name};
pub use capture::{CaptureConfig, DEFAULT_CAPTURE_FILE_BYTES};
pub use database::{DATABASE_FILE_NAME, resolve_database_path};
pub use e164::NumberError;
pub use health::HealthConfig;
pub use partner::{PartnerApiConfig, PartnerConfig, Price, known_country};
pub use port::{ModemModel, PortOverride, UnknownModemModel};
pub use ports::{DEFAULT_PORT_GLOB, IngestMode, PortsConfig, STANDARD_BAUD_RATES};
pub use rack::{FALLBACK_RACK_ID, rack_id_from_host_name};
pub use recovery::{POWER_CYCLE_PLACEHOLDERS, RecoveryConfig};
pub use timeouts::TimeoutsConfig;

/// The default of `listen`: loopback only, so that nothing is exposed before someone
/// decides to (and sets up the token and TLS).
pub const DEFAULT_LISTEN: SocketAddr =
    SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1)), 50051);

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
    /// card. Adds to and overrides the built-in codes; see
    /// [`Config::configured_ussd_code`] (the inventory tries these first, then its own).
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
    /// `[capture]`: each port's AT dialogue written to a file. Default: off.
    pub capture: CaptureConfig,
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
            capture: CaptureConfig::default(),
        }
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
    /// `--capture DIR`: replaces `capture.dir` (turns the capture on).
    pub capture: Option<PathBuf>,
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
            if let Some(reason) = ports::glob_problem(glob) {
                problems.push(flag_problem("--ports", reason));
            }
        }
        if let Some(rack) = &overrides.rack
            && let Err(reason) = rack::check_rack_id(rack)
        {
            problems.push(flag_problem("--rack", reason));
        }
        if let Some(db) = &overrides.db
            && db.as_os_str().is_empty()
        {
            problems.push(flag_problem("--db", "an empty path".to_owned()));
        }
        if let Some(dir) = &overrides.capture
            && dir.as_os_str().is_empty()
        {
            problems.push(flag_problem("--capture", "an empty path".to_owned()));
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
        if let Some(dir) = overrides.capture {
            self.capture.dir = Some(dir);
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
            None => rack_id_from_host_name(rack::host_name().as_deref()),
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

    /// The number-query USSD code `[ussd]` gives operator `mcc`-`mnc` (MNC as the IMSI
    /// carries it), or `None`. Only the file's: the built-in codes, which these add to and
    /// override, are the inventory's, and so is the lookup that tries both.
    pub fn configured_ussd_code(&self, mcc: &str, mnc: &str) -> Option<&str> {
        self.ussd.get(&format!("{mcc}-{mnc}")).map(String::as_str)
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
        rack::rack_problems(self.rack.as_deref(), &mut problem);
        database::database_problems(self.database.as_deref(), &mut problem);
        ports::ports_problems(&self.ports, &mut problem);
        timeouts::timeouts_problems(&self.timeouts, &mut problem);
        health::health_problems(&self.health, &mut problem);
        recovery::recovery_problems(&self.recovery, &mut problem);
        port::port_problems(&self.port_overrides, &mut problem);
        sim::pins_problems(&self.pins, &mut problem);
        sim::ussd_problems(&self.ussd, &mut problem);
        sim::numbers_problems(&self.numbers, &mut problem);
        capture::capture_problems(&self.capture, &mut problem);
        problems
    }

    /// Rewrites values that have a canonical form into it, after [`Config::problems`]
    /// found none: numbers into E.164.
    fn canonicalise(&mut self) {
        sim::canonicalise_numbers(&mut self.numbers);
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

/// Reports `value` at `key` when it lies outside `low..=high`, naming the bounds and their
/// `unit`: the range check most numeric keys share.
fn check_range(
    problem: &mut dyn FnMut(KeyPath, String),
    key: KeyPath,
    value: u64,
    low: u64,
    high: u64,
    unit: &str,
) {
    if !(low..=high).contains(&value) {
        problem(
            key,
            format!("{value} is not between {low} and {high} {unit}"),
        );
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
    use std::time::Duration;

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
    pub(super) fn problem(text: &str) -> String {
        match parse(text) {
            Ok(config) => panic!("accepted: {config:?}"),
            Err(ConfigError::Invalid { problems, .. }) => {
                assert_eq!(problems.len(), 1, "{problems:?}");
                render("test.toml", &problems)
            }
            Err(other) => panic!("{other}"),
        }
    }

    /// Checks that each text has exactly one problem, reported with the file's name and
    /// containing the expected text (usually the key and the reason): the table the
    /// sections' tests share.
    pub(super) fn each_names_its_key(cases: &[(&str, &str)]) {
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
                personality: Some(ModemModel::QuectelEc2x),
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
            capture: CaptureConfig {
                dir: Some(PathBuf::from("/var/log/modempool/capture")),
                ..CaptureConfig::default()
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
        assert_eq!(config.timeouts.quick(), Duration::from_secs(3));
        assert_eq!(config.timeouts.storage(), Duration::from_secs(40));
        assert_eq!(config.timeouts.network(), Duration::from_secs(150));
        assert_eq!(config.timeouts.scan(), Duration::from_secs(200));
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
        assert_eq!(port.personality, Some(ModemModel::QuectelEc2x));
        assert_eq!(port.reset_command.as_deref(), Some("AT+CFUN=1,1"));
        assert_eq!(config.ingest_for(slot03), IngestMode::Store);
        let slot04 = Path::new("/dev/modempool/slot04");
        assert_eq!(
            config.port_override(slot04).unwrap().personality,
            Some(ModemModel::SimcomSim800)
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
                capture: Some(PathBuf::from("/tmp/capture")),
            })
            .unwrap();
        assert_eq!(config.capture.dir, Some(PathBuf::from("/tmp/capture")));
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
    fn key_paths_quote_data_keys() {
        let path = KeyPath::key("pins").then("8949x");
        assert_eq!(path.to_string(), "pins.\"8949x\"");
        assert_eq!(
            KeyPath::key("port").at(2).then("path").to_string(),
            "port[2].path"
        );
        assert_eq!(KeyPath::key("a b").to_string(), "\"a b\"");
    }

    /// The files of this module, recursively, with their text.
    fn module_files(directory: &Path, files: &mut Vec<(PathBuf, String)>) {
        for entry in std::fs::read_dir(directory).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                module_files(&path, files);
            } else if path.extension().is_some_and(|extension| extension == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                files.push((path, text));
            }
        }
    }

    #[test]
    fn the_config_module_uses_nothing_else_of_the_crate() {
        // This module is a leaf: the rest of the crate reads the configuration, never the
        // other way round, so that config can be loaded and checked (check-config, tests)
        // without the daemon. Other modules convert config values into their own types.
        let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/config");
        let mut files = Vec::new();
        module_files(&directory, &mut files);
        assert!(files.len() > 5, "{files:?}");
        // Spelt in two pieces so that this test's own text does not match.
        let needle = concat!("crate", "::");
        let mut offenders = Vec::new();
        for (path, text) in &files {
            for (number, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") {
                    continue;
                }
                let outside = code.match_indices(needle).any(|(at, _)| {
                    !code[at + needle.len()..].starts_with("config")
                        || code[at + needle.len() + "config".len()..]
                            .starts_with(|c: char| c.is_alphanumeric() || c == '_')
                });
                if outside {
                    offenders.push(format!("{}:{}: {code}", path.display(), number + 1));
                }
            }
        }
        assert!(offenders.is_empty(), "{}", offenders.join("\n"));
    }

    #[test]
    fn positions_are_one_based() {
        assert_eq!(position("abc", 0), (1, 1));
        assert_eq!(position("a\nbc", 3), (2, 2));
        assert_eq!(position("a\nbc", 99), (2, 3));
        assert_eq!(position("ж\nж", 3), (2, 1));
    }
}
