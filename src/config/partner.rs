//! `[partner_api]`: the HTTP API SMS aggregators call (served by the partner module): where it
//! listens, the partners with their hashed keys and prices, the rental terms and the rate
//! limit.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{KeyPath, TlsConfig};

/// `[partner_api]`: off until `listen` is set.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct PartnerApiConfig {
    /// `partner_api.listen`: the HTTP address, e.g. `"0.0.0.0:8060"`; port 0 picks a free
    /// port (`serve` prints the one bound as `partner ADDR`). Default: none, no partner
    /// API. Aggregators call it over the network, so it usually listens on every address;
    /// serve it over TLS (`[partner_api.tls]`) when the network is not private.
    pub listen: Option<SocketAddr>,
    /// `partner_api.lease_secs`: how long a rented number stays the partner's, unless
    /// cancelled. Default 1200 (20 min). 1..=pool.max_lease_secs (a few seconds are for
    /// tests and demos that watch a rental run out).
    pub lease_secs: u64,
    /// `partner_api.default_service`: the service a rental is for when the partner names
    /// none. A number is never rented twice for one service, so service-less rentals use
    /// each number once under this name. Default `"other"`.
    pub default_service: String,
    /// `partner_api.currency`: the currency of every price, ISO 4217 (three capital
    /// letters), shown beside prices and refunds. Default `"USD"`.
    pub currency: String,
    /// `partner_api.requests_per_minute`: each key's steady request rate; beyond it
    /// requests get 429 with `Retry-After`. Default 120. 1..=600000.
    pub requests_per_minute: u32,
    /// `partner_api.burst`: requests a key may make at once above the steady rate (and
    /// after a quiet spell). Default 20. 1..=10000.
    pub burst: u32,
    /// `[[partner_api.partners]]`: who may call, each with a key (make one with
    /// `modempool token NAME --partner`) and prices. At least one when `listen` is set.
    pub partners: Vec<PartnerConfig>,
    /// `[partner_api.tls]`: serve HTTPS: `cert` (the chain, PEM), `key` (PEM) and, to admit
    /// only partners with a client certificate, `client_ca` (PEM). Default: off, plain
    /// HTTP (behind a TLS proxy, or on a private network).
    pub tls: Option<TlsConfig>,
}

impl Default for PartnerApiConfig {
    fn default() -> Self {
        PartnerApiConfig {
            listen: None,
            lease_secs: 1200,
            default_service: "other".to_owned(),
            currency: "USD".to_owned(),
            requests_per_minute: 120,
            burst: 20,
            partners: Vec::new(),
            tls: None,
        }
    }
}

impl PartnerApiConfig {
    /// A rental's lease.
    pub fn lease(&self) -> Duration {
        Duration::from_secs(self.lease_secs)
    }
}

/// One partner (an aggregator).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerConfig {
    /// `name`: who the partner is; its rentals belong to it and no other key sees them.
    /// `[A-Za-z0-9_.-]{1,64}`, unique.
    pub name: String,
    /// `key_sha256`: the SHA-256 of its api_key, 64 hex digits; the key itself is never
    /// stored.
    pub key_sha256: String,
    /// `prices`: the price per SMS by country, ISO 3166-1 alpha-2 → amount in `currency`,
    /// e.g. `{ GB = 0.25, DE = 0.3 }`. A country neither here nor covered by
    /// `default_price` is not offered to this partner.
    #[serde(default)]
    pub prices: BTreeMap<String, Price>,
    /// `default_price`: the price in every other country. Default: none (only the countries
    /// in `prices` are offered).
    #[serde(default)]
    pub default_price: Option<Price>,
    /// `requests_per_minute`: this partner's rate, instead of the section's. 1..=600000.
    #[serde(default)]
    pub requests_per_minute: Option<u32>,
    /// `burst`: this partner's burst, instead of the section's. 1..=10000.
    #[serde(default)]
    pub burst: Option<u32>,
}

impl PartnerConfig {
    /// The price of an SMS from a number of `country`; `None`: not offered.
    pub fn price(&self, country: &str) -> Option<Price> {
        self.prices.get(country).copied().or(self.default_price)
    }
}

/// An amount of money, kept in millionths so that prices compare and add exactly; written
/// in the config and on the wire as a decimal number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Price {
    micros: u64,
}

impl Price {
    /// The largest price accepted: a million per SMS is certainly a typo.
    pub const MAX: Price = Price {
        micros: 1_000_000 * 1_000_000,
    };

    /// Nothing.
    pub const ZERO: Price = Price { micros: 0 };

    /// The price of `amount`, which must be finite, not negative, at most [`Price::MAX`] and
    /// have at most six decimals.
    pub fn from_decimal(amount: f64) -> Result<Price, String> {
        if !amount.is_finite() || amount < 0.0 {
            return Err(format!("{amount} is not a price: a number 0 or more"));
        }
        let micros = (amount * 1e6).round();
        if micros > Price::MAX.micros as f64 {
            return Err(format!("{amount} is more than the largest price, 1000000"));
        }
        if ((micros / 1e6) - amount).abs() > 1e-9 {
            return Err(format!("{amount} has more than six decimals"));
        }
        // In range and whole: the cast is exact.
        Ok(Price {
            micros: micros as u64,
        })
    }

    /// The amount in millionths, as the store keeps it.
    pub fn micros(self) -> i64 {
        // At most Price::MAX (10^12): fits.
        i64::try_from(self.micros).unwrap_or(i64::MAX)
    }

    /// The price of `micros` millionths, as the store keeps it; `None` when negative.
    pub fn from_micros(micros: i64) -> Option<Price> {
        u64::try_from(micros).ok().map(|micros| Price { micros })
    }

    /// The amount as a decimal number (for JSON).
    pub fn as_decimal(self) -> f64 {
        self.micros as f64 / 1e6
    }
}

impl fmt::Display for Price {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_decimal())
    }
}

impl Serialize for Price {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.as_decimal())
    }
}

impl<'de> Deserialize<'de> for Price {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Amount {
            Integer(u64),
            Decimal(f64),
        }
        let amount = match Amount::deserialize(deserializer)
            .map_err(|_| serde::de::Error::custom("a price is a number, e.g. 0.25"))?
        {
            // Integers this large are refused below anyway.
            Amount::Integer(whole) => whole as f64,
            Amount::Decimal(amount) => amount,
        };
        Price::from_decimal(amount).map_err(serde::de::Error::custom)
    }
}

/// Whether `country` is an ISO 3166-1 alpha-2 code (or XK, Kosovo's user-assigned one,
/// which SIMs of MCC 221 carry).
pub fn known_country(country: &str) -> bool {
    country == "XK" || isocountry::CountryCode::for_alpha2(country).is_ok()
}

/// The problems of `[partner_api]`; `max_lease_secs` is the pool's.
pub(super) fn partner_problems(
    partner: &PartnerApiConfig,
    max_lease_secs: u64,
    problem: &mut dyn FnMut(KeyPath, String),
) {
    let key = KeyPath::key("partner_api");
    if !(1..=max_lease_secs.max(60)).contains(&partner.lease_secs) {
        problem(
            key.then("lease_secs"),
            format!(
                "{} is not between 1 and {} s (pool.max_lease_secs)",
                partner.lease_secs,
                max_lease_secs.max(60)
            ),
        );
    }
    if let Err(reason) = super::service_name(&partner.default_service) {
        problem(key.then("default_service"), reason);
    }
    if partner.currency.len() != 3 || !partner.currency.bytes().all(|b| b.is_ascii_uppercase()) {
        problem(
            key.then("currency"),
            format!(
                "'{}' is not an ISO 4217 code: three capital letters, e.g. USD",
                partner.currency.escape_debug()
            ),
        );
    }
    let mut rate = |at: KeyPath, rate: Option<u32>, burst: Option<u32>| {
        if let Some(rate) = rate.filter(|rate| !(1..=600_000).contains(rate)) {
            problem(
                at.then("requests_per_minute"),
                format!("{rate} is not between 1 and 600000"),
            );
        }
        if let Some(burst) = burst.filter(|burst| !(1..=10_000).contains(burst)) {
            problem(
                at.then("burst"),
                format!("{burst} is not between 1 and 10000"),
            );
        }
    };
    rate(
        key.clone(),
        Some(partner.requests_per_minute),
        Some(partner.burst),
    );
    for (index, entry) in partner.partners.iter().enumerate() {
        rate(
            key.then("partners").at(index),
            entry.requests_per_minute,
            entry.burst,
        );
    }
    if let Some(tls) = &partner.tls {
        super::api::tls_problems(tls, key.then("tls"), problem);
    }
    if partner.listen.is_some() && partner.partners.is_empty() {
        problem(
            key.then("listen"),
            "the partner API is on but no [[partner_api.partners]] may call it".to_owned(),
        );
    }
    let partners = key.then("partners");
    let mut names = BTreeSet::new();
    let mut keys = BTreeSet::new();
    for (index, entry) in partner.partners.iter().enumerate() {
        let at = partners.at(index);
        if !super::api::valid_token_name(&entry.name) {
            problem(
                at.then("name"),
                format!(
                    "'{}' is not a partner name: 1 to 64 letters, digits, '_', '.' or '-'",
                    entry.name.escape_debug()
                ),
            );
        } else if !names.insert(entry.name.as_str()) {
            problem(
                at.then("name"),
                format!("'{}' names two partners", entry.name),
            );
        }
        if entry.key_sha256.len() != 64 || !entry.key_sha256.bytes().all(|b| b.is_ascii_hexdigit())
        {
            problem(
                at.then("key_sha256"),
                "not a SHA-256: 64 hex digits (`modempool token NAME --partner` prints one)"
                    .to_owned(),
            );
        } else if !keys.insert(entry.key_sha256.to_ascii_lowercase()) {
            problem(
                at.then("key_sha256"),
                "the same key as another partner: each partner needs its own".to_owned(),
            );
        }
        for country in entry.prices.keys() {
            if !known_country(country) {
                problem(
                    at.then("prices").then(country),
                    format!(
                        "'{}' is not an ISO 3166-1 alpha-2 country code in capitals, e.g. GB",
                        country.escape_debug()
                    ),
                );
            }
        }
        if entry.prices.is_empty() && entry.default_price.is_none() {
            problem(
                at.then("prices"),
                "no price: this partner would be offered no country".to_owned(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{parse, problems};
    use super::*;

    const KEY: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    #[test]
    fn off_by_default() {
        let config = parse("").unwrap();
        assert_eq!(config.partner_api, PartnerApiConfig::default());
        assert_eq!(config.partner_api.listen, None);
    }

    #[test]
    fn a_partner_with_prices() {
        let config = parse(&format!(
            "[partner_api]\nlisten = \"0.0.0.0:8060\"\ncurrency = \"EUR\"\n\
             [[partner_api.partners]]\nname = \"agg-1\"\nkey_sha256 = \"{KEY}\"\n\
             prices = {{ GB = 0.25, DE = 1 }}\ndefault_price = 0.1\n"
        ))
        .unwrap();
        let partner = &config.partner_api.partners[0];
        assert_eq!(
            partner.price("GB"),
            Some(Price::from_decimal(0.25).unwrap())
        );
        assert_eq!(partner.price("DE"), Some(Price::from_decimal(1.0).unwrap()));
        assert_eq!(partner.price("FR"), Some(Price::from_decimal(0.1).unwrap()));
        assert_eq!(config.partner_api.currency, "EUR");
    }

    #[test]
    fn prices_are_exact_decimals() {
        assert_eq!(Price::from_decimal(0.1).unwrap().micros, 100_000);
        assert_eq!(Price::from_decimal(0.000001).unwrap().micros, 1);
        assert_eq!(Price::from_decimal(0.25).unwrap().as_decimal(), 0.25);
        assert!(Price::from_decimal(-0.5).is_err());
        assert!(Price::from_decimal(f64::NAN).is_err());
        assert!(Price::from_decimal(0.0000001).is_err());
        assert!(Price::from_decimal(2e6).is_err());
    }

    #[test]
    fn bad_values_are_named() {
        let text = problems(&format!(
            "[partner_api]\nlisten = \"0.0.0.0:8060\"\ncurrency = \"usd\"\nlease_secs = 0\n\
             requests_per_minute = 0\n\
             [[partner_api.partners]]\nname = \"a b\"\nkey_sha256 = \"12\"\nprices = {{ UK = 0.2 }}\n\
             [[partner_api.partners]]\nname = \"b\"\nkey_sha256 = \"{KEY}\"\n\
             [[partner_api.partners]]\nname = \"c\"\nkey_sha256 = \"{KEY}\"\ndefault_price = 1\n"
        ));
        for expected in [
            "partner_api.currency: 'usd' is not an ISO 4217 code",
            "partner_api.lease_secs: 0 is not between 1",
            "partner_api.requests_per_minute: 0 is not between 1 and 600000",
            "partner_api.partners[0].name: 'a b' is not a partner name",
            "partner_api.partners[0].key_sha256: not a SHA-256",
            "partner_api.partners[0].prices.UK: 'UK' is not an ISO 3166-1 alpha-2",
            "partner_api.partners[1].prices: no price",
            "partner_api.partners[2].key_sha256: the same key as another partner",
        ] {
            assert!(text.contains(expected), "{expected:?} not in:\n{text}");
        }
        let text = problems("[partner_api]\nlisten = \"0.0.0.0:8060\"\n");
        assert!(text.contains("no [[partner_api.partners]]"), "{text}");
        let text = problems(&format!(
            "[[partner_api.partners]]\nname = \"a\"\nkey_sha256 = \"{KEY}\"\nprices = {{ GB = -1 }}\n"
        ));
        assert!(text.contains("-1 is not a price"), "{text}");
        let text = problems(&format!(
            "[[partner_api.partners]]\nname = \"a\"\nkey_sha256 = \"{KEY}\"\nprices = {{ GB = \"cheap\" }}\n"
        ));
        assert!(text.contains("a price is a number"), "{text}");
    }

    #[test]
    fn listen_may_not_clash() {
        let text = problems(&format!(
            "listen = \"127.0.0.1:7000\"\n[partner_api]\nlisten = \"0.0.0.0:7000\"\n\
             [[partner_api.partners]]\nname = \"a\"\nkey_sha256 = \"{KEY}\"\ndefault_price = 1\n"
        ));
        assert!(
            text.contains("partner_api.listen: 0.0.0.0:7000 clashes"),
            "{text}"
        );
    }
}
