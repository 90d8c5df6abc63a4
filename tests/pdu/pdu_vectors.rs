//! The PDUs of other projects' public test suites (oFono, ModemManager, warthog618/sms), in
//! tests/fixtures/pdu_vectors.jsonl, decoded through the same JSON rendering that
//! `modempool pdu decode --json` prints, and compared field by field with what those suites
//! assert. A decode that differs from three independent decoders is a lost OTP.

use modempool::cli::pdu::JsonReport;
use modempool::pdu::{Message, Pdu};
use serde_json::Value;

const VECTORS: &str = include_str!("../fixtures/pdu_vectors.jsonl");

struct Vector {
    id: String,
    pdu: String,
    kind: String,
    expect: serde_json::Map<String, Value>,
    lenient: bool,
    bad_time_only: bool,
}

fn vectors() -> Vec<Vector> {
    VECTORS
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let value: Value = serde_json::from_str(line).expect("fixture line is JSON");
            let text = |key: &str| value[key].as_str().unwrap_or_default().to_owned();
            Vector {
                id: text("id"),
                pdu: text("pdu"),
                kind: text("kind"),
                expect: value["expect"].as_object().cloned().unwrap_or_default(),
                lenient: value["lenient"].as_bool().unwrap_or(false),
                bad_time_only: value["bad_time_only"].as_bool().unwrap_or(false),
            }
        })
        .collect()
}

/// The reference width of the decoded concatenation element, for `ref_bits`.
fn reference_bits(pdu: &Pdu) -> Option<u64> {
    let user_data = match &pdu.message {
        Message::Deliver(deliver) => &deliver.user_data,
        Message::Submit(submit) => &submit.user_data,
        Message::StatusReport(_) => return None,
    };
    let concat = user_data.header.as_ref()?.concatenation?;
    Some(if concat.sixteen_bit_reference { 16 } else { 8 })
}

/// Every field of `expect` that differs in the decoded JSON, as readable lines.
fn mismatches(vector: &Vector, pdu: &Pdu, json: &Value) -> Vec<String> {
    let mut wrong = Vec::new();
    for (key, expected) in &vector.expect {
        let actual = &json[key.as_str()];
        if key == "concat" && expected.is_object() {
            for (field, value) in expected.as_object().into_iter().flatten() {
                let actual_field = if field == "ref_bits" {
                    reference_bits(pdu).map_or(Value::Null, Value::from)
                } else {
                    actual[field.as_str()].clone()
                };
                if &actual_field != value {
                    wrong.push(format!(
                        "concat.{field}: expected {value}, got {actual_field}"
                    ));
                }
            }
        } else if actual != expected {
            wrong.push(format!("{key}: expected {expected}, got {actual}"));
        }
    }
    wrong
}

#[test]
fn every_vector_decodes_as_its_source_asserts() {
    let vectors = vectors();
    assert_eq!(vectors.len(), 55, "the fixture file lost or gained lines");
    let mut failures = Vec::new();
    let mut lenient_rejected = Vec::new();
    for vector in &vectors {
        let decoded = Pdu::decode_hex(&vector.pdu);
        let json = serde_json::to_value(JsonReport::from(&decoded)).expect("report serialises");
        match (vector.kind.as_str(), &decoded) {
            ("invalid", Err(_)) => {}
            ("invalid", Ok(pdu)) if vector.bad_time_only => {
                // Accepted: the bad time stamp must be null and explained.
                let nulled = ["timestamp", "discharge_time"]
                    .iter()
                    .any(|key| json.get(*key) == Some(&Value::Null));
                if !nulled || pdu.warnings.is_empty() {
                    failures.push(format!(
                        "{}: accepted a bad time stamp without nulling it: {json}",
                        vector.id
                    ));
                }
            }
            ("invalid", Ok(_)) => failures.push(format!(
                "{}: must be rejected, decoded as {json}",
                vector.id
            )),
            (_, Err(error)) if vector.lenient => {
                lenient_rejected.push(format!("{}: {error}", vector.id))
            }
            (kind, Err(error)) => failures.push(format!("{}: {kind} rejected: {error}", vector.id)),
            (kind, Ok(pdu)) => {
                if json["kind"] != kind {
                    failures.push(format!(
                        "{}: kind {} instead of {kind}",
                        vector.id, json["kind"]
                    ));
                }
                for line in mismatches(vector, pdu, &json) {
                    failures.push(format!("{}: {line}", vector.id));
                }
            }
        }
    }
    // Lenient vectors may be refused, but each refusal is visible in the log.
    for line in &lenient_rejected {
        println!("lenient vector rejected: {line}");
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn errors_of_invalid_vectors_point_inside_the_pdu() {
    for vector in vectors().iter().filter(|vector| vector.kind == "invalid") {
        if let Err(error) = Pdu::decode_hex(&vector.pdu) {
            let length = vector.pdu.len() / 2;
            assert!(
                error.offset <= length,
                "{}: offset {} > {length}",
                vector.id,
                error.offset
            );
            assert!(!error.to_string().is_empty());
        }
    }
}
