//! The parameters of an information line or URC (`+CMGL: 1,0,,30`, `+CMTI: "SM",3`) split into
//! fields: written once here, used by the digester, the URC parsers and the command parsers,
//! so quoting is handled the same way everywhere.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::take_till,
    character::complete::{char, space0},
    combinator::all_consuming,
    multi::separated_list1,
    sequence::delimited,
};

/// One comma-separated parameter (V.250 §5.7.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Field<'a> {
    /// The text, quotes removed, surrounding spaces trimmed.
    pub(crate) text: &'a str,
    /// Whether it was a string parameter in double quotes (V.250 §5.4.2.2).
    pub(crate) quoted: bool,
}

impl<'a> Field<'a> {
    /// The text inside the quotes, or the bare text.
    pub(crate) fn text(&self) -> &'a str {
        self.text
    }

    /// Whether this is a bare decimal number of at most five digits, such as `<length>`,
    /// `<index>` or a PDU-mode `<stat>`. Text mode writes `<stat>` and time stamps in quotes,
    /// which is how the digester tells the two modes apart.
    pub(crate) fn is_bare_integer(&self) -> bool {
        !self.quoted
            && (1..=5).contains(&self.text.len())
            && self.text.bytes().all(|b| b.is_ascii_digit())
    }
}

/// `field = [space] "\"" *(not "\"") "\"" [space] / *(not ("," / "\""))`. TS 27.007 strings
/// carry no literal quote (`\22` is the escape), so a quote always opens or closes a string
/// and a quote inside a bare field makes the line malformed.
fn field(input: &str) -> IResult<&str, Field<'_>> {
    alt((
        delimited(
            space0,
            delimited(char('"'), take_till(|c| c == '"'), char('"')),
            space0,
        )
        .map(|text| Field { text, quoted: true }),
        take_till(|c| c == ',' || c == '"').map(|bare: &str| Field {
            text: bare.trim(),
            quoted: false,
        }),
    ))
    .parse(input)
}

/// `fields = field *("," field)`: the whole of the text after a line's colon, or `None` when
/// it is malformed (an unterminated quote, a quote inside a bare field).
pub(crate) fn split(input: &str) -> Option<Vec<Field<'_>>> {
    all_consuming(separated_list1(char(','), field))
        .parse(input)
        .ok()
        .map(|(_, fields)| fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(input: &str) -> Option<Vec<(&str, bool)>> {
        split(input).map(|fields| fields.iter().map(|f| (f.text, f.quoted)).collect())
    }

    #[test]
    fn quotes_keep_commas_and_empty_fields_stay() {
        assert_eq!(
            texts(r#"1,"a,b",, 30 "#),
            Some(vec![
                ("1", false),
                ("a,b", true),
                ("", false),
                ("30", false)
            ])
        );
        assert_eq!(texts(r#" "SM" ,3"#), Some(vec![("SM", true), ("3", false)]));
    }

    #[test]
    fn stray_quotes_are_malformed() {
        assert_eq!(texts(r#""abc"#), None);
        assert_eq!(texts(r#"ab"c"#), None);
        assert_eq!(texts(r#""a"b,1"#), None);
    }

    #[test]
    fn bare_integers() {
        let fields = split(r#"12,"12",123456,"#).unwrap_or_default();
        let flags: Vec<bool> = fields.iter().map(Field::is_bare_integer).collect();
        assert_eq!(flags, vec![true, false, false, false]);
    }
}
