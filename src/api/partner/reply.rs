//! What the partner API answers: `{"status":"success", ...}` with 200, or
//! `{"status":"error","error":CODE,"message":TEXT}` with the HTTP status that says what
//! kind of failure it is (and `Retry-After` on 429).

use axum::Json;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::pool::PoolError;

/// A failed request: its HTTP status, a stable machine-readable code, and a message a
/// partner's developer can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// 400, 401, 404, 405, 409, 429 or 500.
    pub status: StatusCode,
    /// `bad_request`, `bad_key`, `unknown_rental`, `no_numbers`, `rental_ended`,
    /// `rate_limited`, `not_found`, `method_not_allowed`, `internal`.
    pub error: &'static str,
    /// What is wrong.
    pub message: String,
    /// Seconds to wait before retrying (429 only).
    pub retry_after: Option<u64>,
}

impl Failure {
    fn new(status: StatusCode, error: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            status,
            error,
            message: message.into(),
            retry_after: None,
        }
    }

    /// 400: a parameter is missing or wrong.
    pub fn bad_request(message: impl Into<String>) -> Failure {
        Failure::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 401: no api_key, or one that is not a partner's.
    pub fn bad_key(message: impl Into<String>) -> Failure {
        Failure::new(StatusCode::UNAUTHORIZED, "bad_key", message)
    }

    /// 404: no such path.
    pub fn no_endpoint(path: &str) -> Failure {
        Failure::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!(
                "no endpoint '{}': the API has GET /getNumbers, POST /rentNumber, GET /getSMS, \
                 POST /cancelNumber and GET /openapi.json",
                path.escape_debug()
            ),
        )
    }

    /// 405: a known path with the wrong method.
    pub fn method_not_allowed() -> Failure {
        Failure::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "wrong method: getNumbers and getSMS are GET, rentNumber and cancelNumber are POST",
        )
    }

    /// 500: the daemon failed to answer (the reason is logged, not shown).
    pub fn internal() -> Failure {
        Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the rack failed to answer; try again later",
        )
    }

    /// 429: the address sent too many bad keys; heard again after `seconds`.
    pub fn rate_limited_address(seconds: u64) -> Failure {
        Failure {
            retry_after: Some(seconds),
            ..Failure::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!(
                    "too many requests with a missing or unknown api_key from this address: \
                     retry after {seconds} s"
                ),
            )
        }
    }

    /// 429: the key went over its rate; retry after `seconds`.
    pub fn rate_limited(seconds: u64) -> Failure {
        Failure {
            retry_after: Some(seconds),
            ..Failure::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("too many requests for this api_key: retry after {seconds} s"),
            )
        }
    }
}

impl From<PoolError> for Failure {
    fn from(error: PoolError) -> Failure {
        match error {
            PoolError::InvalidArgument(message) => Failure::bad_request(message),
            PoolError::NotFound(_) => Failure::new(
                StatusCode::NOT_FOUND,
                "unknown_rental",
                "no such rental_id for this api_key",
            ),
            PoolError::NoStock(message) => {
                Failure::new(StatusCode::CONFLICT, "no_numbers", message)
            }
            PoolError::FailedPrecondition(message) | PoolError::AlreadyExists(message) => {
                Failure::new(StatusCode::CONFLICT, "rental_ended", message)
            }
            PoolError::Store(error) => {
                tracing::error!(%error, "partner API: the database failed");
                Failure::internal()
            }
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let body = json!({
            "status": "error",
            "error": self.error,
            "message": self.message,
        });
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(RETRY_AFTER, value);
        }
        response
    }
}

/// A 200 answer: `fields` (an object) with `"status":"success"` first.
pub fn success(fields: Value) -> Response {
    let mut body = serde_json::Map::new();
    body.insert("status".to_owned(), Value::from("success"));
    if let Value::Object(fields) = fields {
        body.extend(fields);
    }
    (StatusCode::OK, Json(Value::Object(body))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_errors_map_to_statuses() {
        for (error, status, code) in [
            (
                PoolError::InvalidArgument("x".into()),
                StatusCode::BAD_REQUEST,
                "bad_request",
            ),
            (
                PoolError::NotFound("x".into()),
                StatusCode::NOT_FOUND,
                "unknown_rental",
            ),
            (
                PoolError::NoStock("x".into()),
                StatusCode::CONFLICT,
                "no_numbers",
            ),
            (
                PoolError::FailedPrecondition("x".into()),
                StatusCode::CONFLICT,
                "rental_ended",
            ),
        ] {
            let failure = Failure::from(error);
            assert_eq!((failure.status, failure.error), (status, code));
        }
    }

    #[test]
    fn rate_limits_carry_retry_after() {
        let response = Failure::rate_limited(3).into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[RETRY_AFTER], "3");
        let response = Failure::bad_key("no").into_response();
        assert!(response.headers().get(RETRY_AFTER).is_none());
    }
}
