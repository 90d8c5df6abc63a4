//! Per-service patterns: the regexes a configuration gives a service whose texts the
//! built-in rules misread, how they are compiled (an error naming the service and the
//! pattern) and how a match becomes the code. The built-in rules are the scanner's.

use regex::Regex;

use super::CodeExtractor;

/// A per-service pattern that did not compile (config error): names the service and the regex
/// error.
///
/// Why its own type: the configuration check reports it to the operator, who needs to know
/// which service's which pattern to fix, not just that "a regex" failed.
#[derive(Debug, thiserror::Error)]
#[error("one-time code pattern {pattern:?} of service {service:?} does not compile: {reason}")]
pub struct PatternError {
    /// The service name as configured.
    pub service: String,
    /// The pattern as configured.
    pub pattern: String,
    /// The regex compiler's explanation.
    pub reason: String,
}

impl CodeExtractor {
    /// Built-in rules plus per-service patterns: `patterns` maps a service name (matched
    /// case-insensitively, e.g. "whatsapp") to regexes tried in order before the defaults;
    /// the code is capture group named `code` if present, else group 1, else the whole match.
    ///
    /// Why: a service whose texts the defaults misread is fixed in the configuration, not in
    /// a release. The patterns see the text after normalisation (other scripts' digits and
    /// full-width letters as ASCII, invisible format characters removed), so `\d` and
    /// `[0-9]` both work. A name given twice adds to its list. Errors name the first pattern
    /// that does not compile.
    pub fn with_patterns<'a>(
        patterns: impl IntoIterator<Item = (&'a str, &'a [String])>,
    ) -> Result<CodeExtractor, PatternError> {
        let mut extractor = CodeExtractor::new();
        for (service, list) in patterns {
            let key = service_key(service);
            for pattern in list {
                let regex = Regex::new(pattern).map_err(|error| PatternError {
                    service: service.to_owned(),
                    pattern: pattern.clone(),
                    reason: error.to_string(),
                })?;
                extractor
                    .services
                    .entry(key.clone())
                    .or_default()
                    .push(regex);
            }
        }
        Ok(extractor)
    }
}

/// The service name as the per-service table keys it: trimmed and lowercased.
pub(super) fn service_key(service: &str) -> String {
    service.trim().to_lowercase()
}

/// The code a per-service pattern finds: group `code` if the pattern has one, else group 1
/// if it has groups, else the whole match; `None` when it does not match or the group is
/// empty or did not take part.
pub(super) fn capture_code(regex: &Regex, text: &str) -> Option<String> {
    let caps = regex.captures(text)?;
    let group = if regex.capture_names().flatten().any(|name| name == "code") {
        caps.name("code")
    } else if regex.captures_len() > 1 {
        caps.get(1)
    } else {
        caps.get(0)
    };
    let code = group?.as_str().trim();
    (!code.is_empty()).then(|| code.to_owned())
}
