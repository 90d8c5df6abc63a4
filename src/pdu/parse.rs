//! nom primitives shared by the PDU parsers: octets and octet runs that name the field they
//! read, so a truncated PDU reports which field is missing and where.
//!
//! Every parser here is a `complete` parser: a PDU arrives whole from the modem, so running
//! out of input is an error, never "need more".

use nom::error::{ErrorKind, ParseError};

use super::error::PduErrorKind;

/// A parse failure: where it happened (the input left) and what went wrong.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failure<'a> {
    pub(crate) input: &'a [u8],
    pub(crate) kind: PduErrorKind,
}

impl<'a> ParseError<&'a [u8]> for Failure<'a> {
    fn from_error_kind(input: &'a [u8], kind: ErrorKind) -> Self {
        // Only reached from nom's own primitives, which fail for lack of input.
        Failure {
            input,
            kind: PduErrorKind::MalformedHeader(format!("parser {kind:?} failed")),
        }
    }

    fn append(_input: &'a [u8], _kind: ErrorKind, other: Self) -> Self {
        other
    }
}

/// Result of a PDU parser.
pub(crate) type PResult<'a, O> = nom::IResult<&'a [u8], O, Failure<'a>>;

/// A hard failure at `input` (no backtracking: a PDU has one reading).
pub(crate) fn fail<O>(input: &[u8], kind: PduErrorKind) -> PResult<'_, O> {
    Err(nom::Err::Failure(Failure { input, kind }))
}

/// One octet, the field `field`.
pub(crate) fn octet<'a>(field: &'static str) -> impl Fn(&'a [u8]) -> PResult<'a, u8> {
    move |input: &'a [u8]| match nom::number::complete::u8::<_, Failure<'a>>(input) {
        Ok(done) => Ok(done),
        Err(_) => fail(input, PduErrorKind::Truncated { field }),
    }
}

/// `count` octets, the field `field`.
pub(crate) fn octets<'a>(
    field: &'static str,
    count: usize,
) -> impl Fn(&'a [u8]) -> PResult<'a, &'a [u8]> {
    move |input: &'a [u8]| match nom::bytes::complete::take::<_, _, Failure<'a>>(count)(input) {
        Ok(done) => Ok(done),
        Err(_) if input.is_empty() => fail(input, PduErrorKind::Truncated { field }),
        Err(_) => fail(
            input,
            PduErrorKind::FieldTruncated {
                field,
                needed: count,
                available: input.len(),
            },
        ),
    }
}

#[cfg(test)]
mod tests {
    use nom::Parser;

    use super::*;

    #[test]
    fn a_missing_octet_names_its_field() {
        let error = octet("TP-PID").parse(&[]).unwrap_err();
        let nom::Err::Failure(failure) = error else {
            panic!("expected a failure, got {error:?}");
        };
        assert_eq!(failure.kind, PduErrorKind::Truncated { field: "TP-PID" });
    }

    #[test]
    fn a_short_run_says_how_short() {
        let input = [1u8, 2, 3];
        let error = octets("TP-SCTS", 7).parse(&input[..]).unwrap_err();
        let nom::Err::Failure(failure) = error else {
            panic!("expected a failure, got {error:?}");
        };
        assert_eq!(
            failure.kind,
            PduErrorKind::FieldTruncated {
                field: "TP-SCTS",
                needed: 7,
                available: 3
            }
        );
        assert_eq!(failure.input.len(), 3);
    }

    #[test]
    fn octets_are_consumed_in_order() {
        let input = [1u8, 2, 3];
        let (rest, (a, run)) = (octet("a"), octets("b", 2)).parse(&input[..]).unwrap();
        assert_eq!((a, run, rest), (1, &[2u8, 3][..], &[][..]));
    }
}
