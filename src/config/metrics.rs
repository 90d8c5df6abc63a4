//! `[metrics]`: the Prometheus scrape endpoint (the metrics module says what it shows).

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

use super::KeyPath;

/// `[metrics]`: whether and where the daemon serves its metrics in the Prometheus text
/// format.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// `metrics.listen`: the address of the HTTP endpoint `GET /metrics`, e.g.
    /// `"127.0.0.1:9600"`; port 0 picks any free port (tests; `serve` prints the one bound
    /// as `metrics ADDR`). Default: none, no endpoint. The endpoint has no authentication:
    /// a loopback address, scraped by a local Prometheus agent, is recommended; any other
    /// address shows the rack's port paths, states and traffic to whoever can reach it.
    pub listen: Option<SocketAddr>,
}

/// The problems of `[metrics]`; `grpc` is the gRPC API's `listen`, which the endpoint
/// cannot share.
pub(super) fn metrics_problems(
    metrics: &MetricsConfig,
    grpc: SocketAddr,
    problem: &mut dyn FnMut(KeyPath, String),
) {
    if let Some(reason) = clash(metrics, grpc) {
        problem(KeyPath::key("metrics").then("listen"), reason);
    }
}

/// Why the endpoint cannot listen where `metrics` says, given the gRPC API's `grpc`; `None`
/// when it can (or is off).
pub(super) fn clash(metrics: &MetricsConfig, grpc: SocketAddr) -> Option<String> {
    let listen = metrics.listen?;
    super::addresses_clash(listen, grpc).then(|| {
        format!(
            "{listen} clashes with `listen`, the gRPC API's address ({grpc}): pick another port"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{parse, problems};
    use super::super::{Config, Overrides};

    #[test]
    fn off_by_default() {
        assert_eq!(Config::default().metrics.listen, None);
        assert_eq!(parse("").unwrap().metrics.listen, None);
        assert_eq!(parse("[metrics]\n").unwrap().metrics.listen, None);
    }

    #[test]
    fn an_address_turns_it_on() {
        let config = parse("[metrics]\nlisten = \"127.0.0.1:9600\"\n").unwrap();
        assert_eq!(
            config.metrics.listen,
            Some("127.0.0.1:9600".parse().unwrap())
        );
        let config = parse("[metrics]\nlisten = \"[::1]:0\"\n").unwrap();
        assert_eq!(config.metrics.listen, Some("[::1]:0".parse().unwrap()));
        // Port 0 twice: each gets a free port of its own.
        let config = parse("listen = \"127.0.0.1:0\"\n[metrics]\nlisten = \"127.0.0.1:0\"\n");
        assert!(config.is_ok(), "{config:?}");
    }

    #[test]
    fn a_bad_address_is_refused_with_the_key() {
        for (text, column) in [
            ("[metrics]\nlisten = \"localhost:9600\"\n", 10),
            ("[metrics]\nlisten = \"9600\"\n", 10),
            ("[metrics]\nlisten = 9600\n", 10),
        ] {
            let message = problems(text);
            assert!(
                message.starts_with(&format!("test.toml:2:{column}: metrics.listen: ")),
                "{text:?}\n→ {message}"
            );
        }
    }

    #[test]
    fn the_grpc_address_is_refused() {
        let message =
            problems("listen = \"127.0.0.1:9600\"\n[metrics]\nlisten = \"127.0.0.1:9600\"\n");
        assert!(
            message
                .starts_with("test.toml:3:1: metrics.listen: 127.0.0.1:9600 clashes with `listen`"),
            "{message}"
        );
        let message =
            problems("listen = \"0.0.0.0:9600\"\n[metrics]\nlisten = \"127.0.0.1:9600\"\n");
        assert!(message.contains("metrics.listen: "), "{message}");
        // Another port on the same address is fine.
        assert!(
            parse("listen = \"127.0.0.1:9600\"\n[metrics]\nlisten = \"127.0.0.1:9601\"\n").is_ok()
        );
    }

    #[test]
    fn the_flag_turns_it_on_unless_it_clashes() {
        let mut config = Config::default();
        config
            .apply(Overrides {
                metrics: Some("127.0.0.1:0".parse().unwrap()),
                ..Overrides::default()
            })
            .unwrap();
        assert_eq!(config.metrics.listen, Some("127.0.0.1:0".parse().unwrap()));

        let mut config = Config::default();
        let message = config
            .apply(Overrides {
                metrics: Some("127.0.0.1:50051".parse().unwrap()),
                ..Overrides::default()
            })
            .unwrap_err()
            .to_string();
        assert!(
            message.starts_with("command line: --metrics: 127.0.0.1:50051 clashes with `listen`"),
            "{message}"
        );
        assert_eq!(config, Config::default());

        // --listen moved onto the configured endpoint.
        let mut config = parse("[metrics]\nlisten = \"127.0.0.1:9600\"\n").unwrap();
        let message = config
            .apply(Overrides {
                listen: Some("127.0.0.1:9600".parse().unwrap()),
                ..Overrides::default()
            })
            .unwrap_err()
            .to_string();
        assert!(message.starts_with("command line: --listen: "), "{message}");
    }

    #[test]
    fn an_unknown_key_is_refused() {
        let message = problems("[metrics]\nlisten = \"127.0.0.1:9600\"\npath = \"/metrics\"\n");
        assert!(
            message.starts_with("test.toml:3:1: metrics.path: ")
                && message.contains("unknown field `path`"),
            "{message}"
        );
    }
}
