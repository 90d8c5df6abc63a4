//! `[api]` and `[pool]`: who may call the gRPC API, over what, and the renting rules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::KeyPath;

/// `[api]`: access to the gRPC services.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ApiConfig {
    /// `[[api.tokens]]`: the bearer tokens accepted, stored as SHA-256 hashes (make one with
    /// `modempool token`). Default: none, which is allowed only while `listen` is a
    /// loopback address: every local caller is then an admin named `local` (a bench, a
    /// demo, a test). With tokens, every call needs one.
    pub tokens: Vec<TokenConfig>,
    /// `[api.tls]`: serve TLS (and optionally require client certificates). Default: off,
    /// plain HTTP/2: fine on loopback or a private network behind a TLS proxy.
    pub tls: Option<TlsConfig>,
}

/// One accepted token.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TokenConfig {
    /// `name`: who holds it. Allocations belong to the name: a caller sees only its own.
    /// `[A-Za-z0-9_.-]{1,64}`, unique.
    pub name: String,
    /// `sha256`: the token's SHA-256, 64 hex digits. The token itself is never stored.
    pub sha256: String,
    /// `admin`: whether it may call the Admin service too. Default false.
    #[serde(default)]
    pub admin: bool,
}

/// `[api.tls]`: the server's certificate and key, PEM.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// `cert`: the certificate chain, PEM.
    pub cert: PathBuf,
    /// `key`: its private key, PEM.
    pub key: PathBuf,
    /// `client_ca`: when set, clients must present a certificate signed by this CA (PEM).
    pub client_ca: Option<PathBuf>,
}

/// `[pool]`: the renting rules.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct PoolConfig {
    /// `default_lease_secs`: the lease when Allocate names none. Default 1200 (20 min, what
    /// activation services commonly give). 60..=max_lease_secs.
    pub default_lease_secs: u64,
    /// `max_lease_secs`: the longest lease, extensions included: long-term rentals. Default
    /// 2592000 (30 days). Up to 366 days.
    pub max_lease_secs: u64,
    /// `min_health`: SIMs below this health (0..=100) are not rented out. Default 50.
    pub min_health: u8,
    /// `bad_number_penalty`: health a `bad_number` release costs. Default 25: two in a row
    /// take a SIM from 100 to the default minimum, three out.
    pub bad_number_penalty: u8,
    /// `cooldown_secs`: rest between two rentals of a SIM, so that a late SMS for the last
    /// renter arrives while it is idle. Default 30. Up to 3600.
    pub cooldown_secs: u64,
    /// `stats_window_secs`: the window of ListStock's success rate and time to first SMS.
    /// Default 86400 (a day). 60..=30 days.
    pub stats_window_secs: u64,
    /// `[pool.codes]`: per-service patterns for the one-time code, tried before the
    /// built-in ones: `whatsapp = ['(\d{3}-\d{3})']`. A named group `code`, else group 1,
    /// else the whole match is the code. Keys are service names (lower case).
    pub codes: BTreeMap<String, Vec<String>>,
}

impl Default for PoolConfig {
    fn default() -> Self {
        PoolConfig {
            default_lease_secs: 1200,
            max_lease_secs: 30 * 86_400,
            min_health: 50,
            bad_number_penalty: 25,
            cooldown_secs: 30,
            stats_window_secs: 86_400,
            codes: BTreeMap::new(),
        }
    }
}

impl PoolConfig {
    /// The default lease.
    pub fn default_lease(&self) -> Duration {
        Duration::from_secs(self.default_lease_secs)
    }

    /// The longest lease.
    pub fn max_lease(&self) -> Duration {
        Duration::from_secs(self.max_lease_secs)
    }

    /// The window of the stock figures.
    pub fn stats_window(&self) -> Duration {
        Duration::from_secs(self.stats_window_secs)
    }

    /// The rest between two rentals of a SIM.
    pub fn cooldown(&self) -> Duration {
        Duration::from_secs(self.cooldown_secs)
    }
}

/// The longest service name, in bytes once trimmed and lower-cased.
const MAX_SERVICE_LENGTH: usize = 64;

/// A service name, trimmed and lower-cased: 1 to 64 characters, no control characters; the
/// error says what is wrong.
///
/// Why here: `partner_api.default_service` must be a valid one when the file is loaded, and
/// the pool folds and checks every requested service with the same rule.
pub fn service_name(service: &str) -> Result<String, String> {
    let service = service.trim().to_lowercase();
    if service.is_empty()
        || service.len() > MAX_SERVICE_LENGTH
        || service.chars().any(char::is_control)
    {
        return Err(format!(
            "service: 1 to {MAX_SERVICE_LENGTH} characters, no control characters (got '{}')",
            service.escape_debug()
        ));
    }
    Ok(service)
}

/// Whether `name` may name a token: `[A-Za-z0-9_.-]{1,64}`.
pub(super) fn valid_token_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// The problems of `[api]`.
pub(super) fn api_problems(api: &ApiConfig, problem: &mut dyn FnMut(KeyPath, String)) {
    let tokens = KeyPath::key("api").then("tokens");
    let mut names = BTreeSet::new();
    for (index, token) in api.tokens.iter().enumerate() {
        let key = tokens.at(index);
        if !valid_token_name(&token.name) {
            problem(
                key.then("name"),
                format!(
                    "'{}' is not a token name: 1 to 64 letters, digits, '_', '.' or '-'",
                    token.name.escape_debug()
                ),
            );
        } else if !names.insert(token.name.as_str()) {
            problem(
                key.then("name"),
                format!("'{}' names two tokens", token.name),
            );
        }
        if token.sha256.len() != 64 || !token.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            problem(
                key.then("sha256"),
                "not a SHA-256: 64 hex digits (`modempool token` prints one)".to_owned(),
            );
        }
    }
    if let Some(tls) = &api.tls {
        tls_problems(tls, KeyPath::key("api").then("tls"), problem);
    }
}

/// The problems of a TLS section at `key` (the files are read when the daemon starts).
pub(super) fn tls_problems(
    tls: &TlsConfig,
    key: KeyPath,
    problem: &mut dyn FnMut(KeyPath, String),
) {
    for (name, path) in [
        ("cert", Some(&tls.cert)),
        ("key", Some(&tls.key)),
        ("client_ca", tls.client_ca.as_ref()),
    ] {
        if path.is_some_and(|path| path.as_os_str().is_empty()) {
            problem(key.then(name), "an empty path".to_owned());
        }
    }
}

/// The problems of `[pool]`.
pub(super) fn pool_problems(pool: &PoolConfig, problem: &mut dyn FnMut(KeyPath, String)) {
    let key = KeyPath::key("pool");
    let mut range = |name: &str, value: u64, low: u64, high: u64, unit: &str| {
        if !(low..=high).contains(&value) {
            problem(
                key.then(name),
                format!("{value} is not between {low} and {high} {unit}"),
            );
        }
    };
    range("max_lease_secs", pool.max_lease_secs, 60, 366 * 86_400, "s");
    range(
        "default_lease_secs",
        pool.default_lease_secs,
        60,
        pool.max_lease_secs.max(60),
        "s (pool.max_lease_secs)",
    );
    range("min_health", u64::from(pool.min_health), 0, 100, "");
    range(
        "bad_number_penalty",
        u64::from(pool.bad_number_penalty),
        0,
        100,
        "",
    );
    range("cooldown_secs", pool.cooldown_secs, 0, 3600, "s");
    range(
        "stats_window_secs",
        pool.stats_window_secs,
        60,
        30 * 86_400,
        "s",
    );
    let codes = key.then("codes");
    for (service, patterns) in &pool.codes {
        if service.is_empty() || service.len() > 64 || *service != service.to_lowercase() {
            problem(
                codes.then(service),
                "a service name is 1 to 64 characters, lower case".to_owned(),
            );
        }
        for (index, pattern) in patterns.iter().enumerate() {
            if let Err(error) = regex::Regex::new(pattern) {
                problem(
                    codes.then(service).at(index),
                    format!("not a valid regex: {error}"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::parse;

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
}
