//! Who may see the rack page's data: the gRPC API's tokens ([`Tokens`]), an admin one.
//!
//! A request shows its token as `Authorization: Bearer <token>` (scripts, curl) or as the
//! cookie [`COOKIE`] that `POST /login` sets (browsers: an `EventSource` cannot send
//! headers). The cookie holds the token hex-encoded, so that any token is a valid cookie
//! value; it is `HttpOnly` (no script reads it) and `SameSite=Strict` (no other site's page
//! sends it). With no token configured, every caller is a local admin, as on the gRPC API;
//! the server then listens on loopback only, and answers only requests addressed to a
//! loopback host name, so that a web page elsewhere cannot reach it by DNS rebinding.

use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, COOKIE, HOST};

use crate::api::grpc::auth::{Caller, Tokens};

/// The name of the sign-in cookie.
pub const COOKIE_NAME: &str = "modempool_token";

/// The cookie's attributes: sent back on every path of this origin, never read by
/// scripts, never sent by another site's page. No `Max-Age`: it ends with the browser
/// session.
const COOKIE_ATTRIBUTES: &str = "Path=/; HttpOnly; SameSite=Strict";

/// The decision on one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// An admin (or anyone, with no token configured).
    Granted(Caller),
    /// No token, a malformed one or an unknown one: 401, sign in.
    Unauthenticated(String),
    /// A valid token that is not an admin one, or a request to an open page by a name
    /// that is not loopback: 403.
    Forbidden(String),
}

/// Decides whether the request with `headers` may read the rack's data.
pub fn access(tokens: &Tokens, headers: &HeaderMap) -> Access {
    if tokens.is_open() {
        return match headers.get(HOST).map(|host| host.to_str()) {
            // HTTP/1.0 clients may send no Host: nothing to rebind then.
            None => Access::Granted(local_caller()),
            Some(Ok(host)) if is_loopback_host(host) => Access::Granted(local_caller()),
            _ => Access::Forbidden(
                "without tokens the page answers only loopback host names (127.0.0.1, \
                 [::1], localhost)"
                    .to_owned(),
            ),
        };
    }
    let token = match headers.get(AUTHORIZATION) {
        Some(value) => {
            let bearer = value.to_str().ok().and_then(|value| {
                value
                    .strip_prefix("Bearer ")
                    .or_else(|| value.strip_prefix("bearer "))
                    .map(str::trim)
                    .filter(|token| !token.is_empty())
            });
            match bearer {
                Some(token) => token.to_owned(),
                None => {
                    return Access::Unauthenticated(
                        "the Authorization header is not 'Bearer <token>'".to_owned(),
                    );
                }
            }
        }
        None => match cookie_token(headers) {
            Some(token) => token,
            None => {
                return Access::Unauthenticated(
                    "no token: sign in, or send 'Authorization: Bearer <token>'".to_owned(),
                );
            }
        },
    };
    decide(tokens, &token)
}

/// The decision on a token given at sign-in or on a request.
pub fn decide(tokens: &Tokens, token: &str) -> Access {
    match tokens.caller_with_token(token) {
        Some(caller) if caller.admin => Access::Granted(caller),
        Some(caller) => Access::Forbidden(format!(
            "token '{}' is not an admin token: the rack page needs one",
            caller.name
        )),
        None => Access::Unauthenticated("unknown token".to_owned()),
    }
}

fn local_caller() -> Caller {
    Caller {
        name: crate::api::grpc::auth::LOCAL_CALLER.to_owned(),
        admin: true,
    }
}

/// Whether a `Host` header names this machine: `localhost`, `127.x.y.z` or `[::1]`, with
/// or without a port.
fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else {
        host.rsplit_once(':').map_or(host, |(name, _port)| name)
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The token in the sign-in cookie, if there is one and it decodes.
fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == COOKIE_NAME).then_some(value)
        })
        .and_then(|value| hex::decode(value).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())
}

/// The `Set-Cookie` value that signs in with `token`.
pub fn sign_in_cookie(token: &str) -> String {
    format!(
        "{COOKIE_NAME}={}; {COOKIE_ATTRIBUTES}",
        hex::encode(token.as_bytes())
    )
}

/// The `Set-Cookie` value that signs out.
pub fn sign_out_cookie() -> String {
    format!("{COOKIE_NAME}=; {COOKIE_ATTRIBUTES}; Max-Age=0")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::grpc::auth::hash_token;
    use crate::config::TokenConfig;

    fn tokens() -> Tokens {
        Tokens::new(&[
            TokenConfig {
                name: "backend".to_owned(),
                sha256: hash_token("pool-secret"),
                admin: false,
            },
            TokenConfig {
                name: "ops".to_owned(),
                sha256: hash_token("admin secret;=x"),
                admin: true,
            },
        ])
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(
                axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        headers
    }

    fn cookie_header(set_cookie: &str) -> String {
        set_cookie.split(';').next().unwrap().to_owned()
    }

    #[test]
    fn an_admin_token_is_granted_by_header_or_cookie() {
        let granted = access(
            &tokens(),
            &headers(&[("authorization", "Bearer admin secret;=x")]),
        );
        assert!(matches!(granted, Access::Granted(ref caller) if caller.name == "ops"));
        let cookie = cookie_header(&sign_in_cookie("admin secret;=x"));
        let granted = access(
            &tokens(),
            &headers(&[("cookie", &format!("theme=dark; {cookie}; other=1"))]),
        );
        assert!(matches!(granted, Access::Granted(ref caller) if caller.name == "ops"));
    }

    #[test]
    fn a_pool_token_is_forbidden_and_others_unauthenticated() {
        let forbidden = access(
            &tokens(),
            &headers(&[("authorization", "Bearer pool-secret")]),
        );
        assert!(matches!(forbidden, Access::Forbidden(ref why) if why.contains("backend")));
        let cookie = cookie_header(&sign_in_cookie("pool-secret"));
        assert!(matches!(
            access(&tokens(), &headers(&[("cookie", &cookie)])),
            Access::Forbidden(_)
        ));
        for case in [
            headers(&[]),
            headers(&[("authorization", "Basic abc")]),
            headers(&[("authorization", "Bearer nope")]),
            headers(&[("cookie", "modempool_token=zz-not-hex")]),
            headers(&[("cookie", &cookie_header(&sign_in_cookie("nope")))]),
            // A bad header is not rescued by a good cookie: what was sent is what counts.
            headers(&[
                ("authorization", "Bearer nope"),
                ("cookie", &cookie_header(&sign_in_cookie("admin secret;=x"))),
            ]),
        ] {
            assert!(
                matches!(access(&tokens(), &case), Access::Unauthenticated(_)),
                "{case:?}"
            );
        }
    }

    #[test]
    fn without_tokens_loopback_names_are_granted_and_others_forbidden() {
        let open = Tokens::default();
        for host in [
            "127.0.0.1:8051",
            "localhost",
            "LOCALHOST:1",
            "[::1]:8051",
            "127.1.2.3",
        ] {
            assert!(
                matches!(
                    access(&open, &headers(&[("host", host)])),
                    Access::Granted(_)
                ),
                "{host}"
            );
        }
        assert!(matches!(access(&open, &headers(&[])), Access::Granted(_)));
        for host in ["evil.example:8051", "10.0.0.1:8051", "[2001:db8::1]:80"] {
            assert!(
                matches!(
                    access(&open, &headers(&[("host", host)])),
                    Access::Forbidden(_)
                ),
                "{host}"
            );
        }
    }

    #[test]
    fn the_cookie_is_http_only_strict_and_hex() {
        let cookie = sign_in_cookie("mp_abc");
        assert_eq!(
            cookie,
            "modempool_token=6d705f616263; Path=/; HttpOnly; SameSite=Strict"
        );
        assert!(sign_out_cookie().contains("Max-Age=0"));
    }
}
