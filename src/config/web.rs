//! `[web]`: the rack page for technicians (the web module says what it shows and who may
//! see it).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use serde::{Deserialize, Serialize};

use super::KeyPath;

/// The default of `web.listen`: loopback, so that the page is on for the technician at the
/// rack's host (or an SSH tunnel) and exposed to nobody else until someone decides to.
pub const DEFAULT_WEB_LISTEN: SocketAddr =
    SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1)), 8051);

/// `[web]`: whether and where the daemon serves the rack page.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebConfig {
    /// `web.enabled`: serve the page. Default true.
    pub enabled: bool,
    /// `web.listen`: its address. Default `127.0.0.1:8051`; port 0 picks any free port
    /// (tests; `serve` prints the one bound as `web http://ADDR/`). Without `[api] tokens`
    /// only a loopback address is allowed; with tokens, the page asks for an admin one.
    pub listen: SocketAddr,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            enabled: true,
            listen: DEFAULT_WEB_LISTEN,
        }
    }
}

/// The problems of `[web]`, given the gRPC API's `grpc` and the metrics endpoint's
/// `metrics` addresses, neither of which the page can share.
pub(super) fn web_problems(
    web: &WebConfig,
    grpc: SocketAddr,
    metrics: Option<SocketAddr>,
    problem: &mut dyn FnMut(KeyPath, String),
) {
    if let Some(reason) = clash(web, grpc, metrics) {
        problem(KeyPath::key("web").then("listen"), reason);
    }
}

/// Why the page cannot listen where `web` says; `None` when it can (or is off).
pub(super) fn clash(
    web: &WebConfig,
    grpc: SocketAddr,
    metrics: Option<SocketAddr>,
) -> Option<String> {
    if !web.enabled {
        return None;
    }
    if super::addresses_clash(web.listen, grpc) {
        return Some(format!(
            "{} clashes with `listen`, the gRPC API's address ({grpc}): pick another port",
            web.listen
        ));
    }
    let metrics = metrics.filter(|metrics| super::addresses_clash(web.listen, *metrics))?;
    Some(format!(
        "{} clashes with `metrics.listen` ({metrics}): pick another port",
        web.listen
    ))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{parse, problems};
    use super::super::{Config, Overrides};

    #[test]
    fn on_at_loopback_8051_by_default() {
        for config in [
            Config::default(),
            parse("").unwrap(),
            parse("[web]\n").unwrap(),
        ] {
            assert!(config.web.enabled);
            assert_eq!(config.web.listen.to_string(), "127.0.0.1:8051");
        }
        let config = parse("[web]\nenabled = false\nlisten = \"[::1]:0\"\n").unwrap();
        assert!(!config.web.enabled);
        assert_eq!(config.web.listen, "[::1]:0".parse().unwrap());
    }

    #[test]
    fn the_grpc_and_metrics_addresses_are_refused() {
        let message = problems("listen = \"127.0.0.1:8051\"\n");
        assert!(
            message.contains("web.listen: 127.0.0.1:8051 clashes with `listen`"),
            "{message}"
        );
        let message = problems("[metrics]\nlisten = \"0.0.0.0:8051\"\n");
        assert!(
            message.contains("web.listen: 127.0.0.1:8051 clashes with `metrics.listen`"),
            "{message}"
        );
        // Off, it clashes with nothing; port 0 never clashes.
        assert!(parse("listen = \"127.0.0.1:8051\"\n[web]\nenabled = false\n").is_ok());
        assert!(parse("listen = \"127.0.0.1:0\"\n[web]\nlisten = \"127.0.0.1:0\"\n").is_ok());
    }

    #[test]
    fn a_bad_address_or_key_is_refused_with_the_key() {
        let message = problems("[web]\nlisten = \"localhost:8051\"\n");
        assert!(
            message.starts_with("test.toml:2:10: web.listen: "),
            "{message}"
        );
        let message = problems("[web]\nport = 8051\n");
        assert!(message.contains("unknown field `port`"), "{message}");
    }

    #[test]
    fn the_flags_move_or_disable_it_unless_they_clash() {
        let mut config = Config::default();
        config
            .apply(Overrides {
                web_listen: Some("127.0.0.1:0".parse().unwrap()),
                ..Overrides::default()
            })
            .unwrap();
        assert_eq!(config.web.listen.port(), 0);

        let mut config = Config::default();
        config
            .apply(Overrides {
                no_web: true,
                ..Overrides::default()
            })
            .unwrap();
        assert!(!config.web.enabled);

        let mut config = Config::default();
        let message = config
            .apply(Overrides {
                web_listen: Some("127.0.0.1:50051".parse().unwrap()),
                ..Overrides::default()
            })
            .unwrap_err()
            .to_string();
        assert!(
            message.starts_with("command line: --web-listen: 127.0.0.1:50051 clashes"),
            "{message}"
        );
        assert_eq!(config, Config::default());

        let message = Config::default()
            .apply(Overrides {
                listen: Some("127.0.0.1:8051".parse().unwrap()),
                ..Overrides::default()
            })
            .unwrap_err()
            .to_string();
        assert!(message.starts_with("command line: --listen: "), "{message}");
    }
}
