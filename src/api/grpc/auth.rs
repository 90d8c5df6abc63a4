//! Who is calling: bearer tokens from the config, checked by their SHA-256, and the caller's
//! name and rights put on the request for the services to read.
//!
//! A token is never stored, only its hash (`modempool token` makes a token and its hash).
//! Without any token configured the API is open to local callers only (the daemon refuses
//! to serve a non-loopback address then): each is an admin named [`LOCAL_CALLER`].

use std::collections::HashMap;
use std::sync::Arc;

use sha2::{Digest, Sha256};
use tonic::{Request, Status};

use crate::config::TokenConfig;

/// The name of every caller when no token is configured.
pub const LOCAL_CALLER: &str = "local";

/// Who made a request, as the interceptor found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The token's name: allocations belong to it.
    pub name: String,
    /// Whether it may use the Admin service.
    pub admin: bool,
}

/// The accepted tokens, by hash.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    by_hash: Arc<HashMap<String, Caller>>,
}

impl Tokens {
    /// The tokens of the config (hashes already checked by the config).
    pub fn new(tokens: &[TokenConfig]) -> Tokens {
        Tokens {
            by_hash: Arc::new(
                tokens
                    .iter()
                    .map(|token| {
                        (
                            token.sha256.to_ascii_lowercase(),
                            Caller {
                                name: token.name.clone(),
                                admin: token.admin,
                            },
                        )
                    })
                    .collect(),
            ),
        }
    }

    /// Whether no token is configured (local, open access).
    pub fn is_open(&self) -> bool {
        self.by_hash.is_empty()
    }

    /// The caller a request's `authorization` header names.
    pub fn caller<T>(&self, request: &Request<T>) -> Result<Caller, Status> {
        if self.is_open() {
            return Ok(Caller {
                name: LOCAL_CALLER.to_owned(),
                admin: true,
            });
        }
        let header = request.metadata().get("authorization").ok_or_else(|| {
            Status::unauthenticated("no token: send 'authorization: Bearer <token>'")
        })?;
        let value = header
            .to_str()
            .map_err(|_| Status::unauthenticated("the authorization header is not text"))?;
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|token| !token.is_empty())
            .ok_or_else(|| {
                Status::unauthenticated("the authorization header is not 'Bearer <token>'")
            })?;
        self.caller_with_token(token)
            .ok_or_else(|| Status::unauthenticated("unknown token"))
    }

    /// The caller a token names, `None` for an unknown one. Looked up by the token's hash,
    /// so comparing never touches the token itself: what the gRPC interceptor and the rack
    /// page's sign-in share.
    pub fn caller_with_token(&self, token: &str) -> Option<Caller> {
        self.by_hash.get(&hash_token(token)).cloned()
    }

    /// An interceptor putting the [`Caller`] on each request; `admin_only` refuses other
    /// callers with PERMISSION_DENIED.
    pub fn interceptor(
        &self,
        admin_only: bool,
    ) -> impl Fn(Request<()>) -> Result<Request<()>, Status> + Clone + Send + Sync + 'static {
        let tokens = self.clone();
        move |mut request: Request<()>| {
            let caller = tokens.caller(&request)?;
            if admin_only && !caller.admin {
                return Err(Status::permission_denied(format!(
                    "token '{}' is not an admin token",
                    caller.name
                )));
            }
            request.extensions_mut().insert(caller);
            Ok(request)
        }
    }
}

/// The caller the interceptor put on a request.
pub fn caller_of<T>(request: &Request<T>) -> Result<Caller, Status> {
    request
        .extensions()
        .get::<Caller>()
        .cloned()
        .ok_or_else(|| Status::unauthenticated("no caller on the request"))
}

/// A token's SHA-256, lower-case hex: what the config stores.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new random token: 160 random bits (two ULIDs' randomness, from a cryptographic
/// generator) as URL-safe text, prefixed `mp_` so that a leaked one is easy to grep for.
pub fn new_token() -> String {
    format!(
        "mp_{}{}",
        ulid::Ulid::new().to_string().to_ascii_lowercase(),
        ulid::Ulid::new().random()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens() -> Tokens {
        Tokens::new(&[
            TokenConfig {
                name: "backend".to_owned(),
                sha256: hash_token("secret-1"),
                admin: false,
            },
            TokenConfig {
                name: "ops".to_owned(),
                sha256: hash_token("secret-2").to_ascii_uppercase(),
                admin: true,
            },
        ])
    }

    fn request(header: Option<&str>) -> Request<()> {
        let mut request = Request::new(());
        if let Some(header) = header {
            request
                .metadata_mut()
                .insert("authorization", header.parse().unwrap());
        }
        request
    }

    #[test]
    fn a_known_token_names_its_caller() {
        let caller = tokens().caller(&request(Some("Bearer secret-1"))).unwrap();
        assert_eq!(caller.name, "backend");
        assert!(!caller.admin);
        assert!(
            tokens()
                .caller(&request(Some("Bearer secret-2")))
                .unwrap()
                .admin
        );
    }

    #[test]
    fn missing_malformed_and_unknown_tokens_are_unauthenticated() {
        for header in [None, Some("secret-1"), Some("Bearer "), Some("Bearer nope")] {
            let status = tokens().caller(&request(header)).unwrap_err();
            assert_eq!(status.code(), tonic::Code::Unauthenticated, "{header:?}");
        }
    }

    #[test]
    fn the_admin_interceptor_refuses_a_pool_token() {
        let admin = tokens().interceptor(true);
        let status = admin(request(Some("Bearer secret-1"))).unwrap_err();
        assert_eq!(status.code(), tonic::Code::PermissionDenied);
        let passed = admin(request(Some("Bearer secret-2"))).unwrap();
        assert_eq!(caller_of(&passed).unwrap().name, "ops");
    }

    #[test]
    fn without_tokens_everyone_is_a_local_admin() {
        let caller = Tokens::default().caller(&request(None)).unwrap();
        assert_eq!(caller.name, LOCAL_CALLER);
        assert!(caller.admin);
    }

    #[test]
    fn new_tokens_differ_and_hash_to_64_hex_digits() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert!(a.len() > 40);
        assert_eq!(hash_token(&a).len(), 64);
    }
}
