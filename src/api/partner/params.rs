//! A partner request's parameters, wherever they came: the query string (GET, and POST as
//! a fallback), a form-encoded body or a JSON object body. Aggregators differ in what they
//! send, so each is read into one map of names to text values and the handlers read that.

use std::collections::BTreeMap;

use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;

use super::reply::Failure;

/// The largest body read, in bytes: the four calls need a few short parameters.
pub const MAX_BODY: usize = 16 * 1024;

/// Longest parameter value kept, in characters.
const MAX_VALUE: usize = 256;

/// The parameters of one request, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    values: BTreeMap<String, String>,
}

impl Params {
    /// The parameters of a query string (`None`: there was none).
    pub fn from_query(query: Option<&str>) -> Result<Params, Failure> {
        let mut params = Params::default();
        if let Some(query) = query {
            params.add_form(query.as_bytes(), "query string")?;
        }
        Ok(params)
    }

    /// The parameters of a POST: the query string's, then the body's (form-encoded, or JSON
    /// when the content type says so), the body's winning where both name one.
    pub fn from_post(
        query: Option<&str>,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Params, Failure> {
        let mut params = Params::from_query(query)?;
        let mut body_params = Params::default();
        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let media = content_type.split(';').next().unwrap_or("").trim();
        match media {
            "application/json" => body_params.add_json(body)?,
            "" | "application/x-www-form-urlencoded" => body_params.add_form(body, "form body")?,
            // Some clients send text/plain with a form body; anything else is refused.
            "text/plain" => body_params.add_form(body, "form body")?,
            other => {
                return Err(Failure::bad_request(format!(
                    "content type '{}' is not accepted: send application/x-www-form-urlencoded \
                     or application/json",
                    other.escape_debug()
                )));
            }
        }
        params.values.extend(body_params.values);
        Ok(params)
    }

    /// A parameter, trimmed; `None` when absent or empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .map(|value| value.trim())
            .filter(|value| !value.is_empty())
    }

    /// A parameter that must be there.
    pub fn required(&self, name: &str) -> Result<&str, Failure> {
        self.get(name)
            .ok_or_else(|| Failure::bad_request(format!("missing parameter '{name}'")))
    }

    fn insert(&mut self, name: String, value: String, source: &str) -> Result<(), Failure> {
        if value.chars().count() > MAX_VALUE {
            return Err(Failure::bad_request(format!(
                "parameter '{}' in the {source} is longer than {MAX_VALUE} characters",
                name.escape_debug()
            )));
        }
        if self.values.contains_key(&name) {
            return Err(Failure::bad_request(format!(
                "parameter '{}' is given twice in the {source}",
                name.escape_debug()
            )));
        }
        self.values.insert(name, value);
        Ok(())
    }

    fn add_form(&mut self, form: &[u8], source: &str) -> Result<(), Failure> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(form).map_err(|error| {
            Failure::bad_request(format!("the {source} is not form-encoded: {error}"))
        })?;
        for (name, value) in pairs {
            self.insert(name, value, source)?;
        }
        Ok(())
    }

    fn add_json(&mut self, body: &[u8]) -> Result<(), Failure> {
        let object: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(body)
            .map_err(|error| {
                Failure::bad_request(format!("the body is not a JSON object: {error}"))
            })?;
        for (name, value) in object {
            let text = match value {
                serde_json::Value::String(text) => text,
                serde_json::Value::Number(number) => number.to_string(),
                serde_json::Value::Bool(flag) => flag.to_string(),
                serde_json::Value::Null => continue,
                _ => {
                    return Err(Failure::bad_request(format!(
                        "parameter '{}' is an array or object: send a string or a number",
                        name.escape_debug()
                    )));
                }
            };
            self.insert(name, text, "JSON body")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue, StatusCode};

    use super::*;

    fn headers(content_type: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap());
        headers
    }

    #[test]
    fn query_strings_are_decoded() {
        let params = Params::from_query(Some("api_key=a%2Bb&country=gb&service=")).unwrap();
        assert_eq!(params.get("api_key"), Some("a+b"));
        assert_eq!(params.get("country"), Some("gb"));
        assert_eq!(params.get("service"), None);
        assert_eq!(params.get("nothing"), None);
        assert!(Params::from_query(None).unwrap().get("api_key").is_none());
    }

    #[test]
    fn form_and_json_bodies_give_the_same_parameters() {
        let form = Params::from_post(
            None,
            &headers("application/x-www-form-urlencoded; charset=utf-8"),
            b"api_key=k&country=GB",
        )
        .unwrap();
        let json = Params::from_post(
            None,
            &headers("application/json"),
            br#"{"api_key":"k","country":"GB","unused":null}"#,
        )
        .unwrap();
        assert_eq!(form, json);
        let untyped = Params::from_post(None, &HeaderMap::new(), b"api_key=k&country=GB").unwrap();
        assert_eq!(form, untyped);
    }

    #[test]
    fn numbers_in_json_are_text() {
        let params =
            Params::from_post(None, &headers("application/json"), br#"{"rental_id":42}"#).unwrap();
        assert_eq!(params.get("rental_id"), Some("42"));
    }

    #[test]
    fn the_body_wins_over_the_query() {
        let params = Params::from_post(
            Some("api_key=old&service=x"),
            &headers("application/x-www-form-urlencoded"),
            b"api_key=new",
        )
        .unwrap();
        assert_eq!(params.get("api_key"), Some("new"));
        assert_eq!(params.get("service"), Some("x"));
    }

    #[test]
    fn bad_bodies_are_400_with_a_reason() {
        for (content_type, body, reason) in [
            ("application/json", &b"[1,2]"[..], "not a JSON object"),
            ("application/json", b"{\"api_key\":", "not a JSON object"),
            (
                "application/json",
                br#"{"country":["GB"]}"#,
                "array or object",
            ),
            ("application/xml", b"<a/>", "is not accepted"),
            (
                "application/x-www-form-urlencoded",
                b"country=GB&country=DE",
                "given twice",
            ),
        ] {
            let failure = Params::from_post(None, &headers(content_type), body).unwrap_err();
            assert_eq!(failure.status, StatusCode::BAD_REQUEST);
            assert!(failure.message.contains(reason), "{}", failure.message);
        }
        let long = format!("api_key={}", "k".repeat(300));
        let failure = Params::from_query(Some(&long)).unwrap_err();
        assert!(
            failure.message.contains("longer than"),
            "{}",
            failure.message
        );
        let missing = Params::default().required("rental_id").unwrap_err();
        assert_eq!(missing.message, "missing parameter 'rental_id'");
    }
}
